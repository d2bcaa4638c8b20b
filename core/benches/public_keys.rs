//! Per-request cost of the public-key schemes next to an HMAC one, natively: `verify`
//! of the vectors in tests/data/public-key-vectors.json (Discord's Ed25519, SendGrid's
//! ECDSA P-256, Meta's HMAC-SHA256), and `verify_with_key` of the fetched-key vectors in
//! tests/data/providers/ with their key document in hand (the cached case: RSA-2048
//! PKCS#1 v1.5 for SNS and PayPal, RS256 for Google, ES256 for Plaid, each parsing its
//! certificate or JWK per request, as the Worker does), median of rounds.
//! BENCHMARKS.md reports it.
//! Run: cargo bench -p hookgate-core --bench public_keys

use hookgate_core::admin::{validate_create, Fresh, Policy, WebhookSpec};
use hookgate_core::request::{Headers, Inbound, RouteMatch};
use hookgate_core::secret::WebhookId;
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::fetched::KeyDocument;
use hookgate_core::verify::{key_needed, verify, verify_with_key};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

fn median_us(mut once: impl FnMut()) -> f64 {
    let mut rounds: Vec<f64> = (0..15)
        .map(|_| {
            let n = 100;
            let start = Instant::now();
            for _ in 0..n {
                once();
            }
            start.elapsed().as_secs_f64() * 1e6 / n as f64
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[7]
}

fn fetched_keys() {
    for (file, id) in [
        ("aws-sns", "sns-notification-signature-version-2"),
        ("aws-sns", "sns-notification-signature-version-1-sha1"),
        ("paypal", "paypal-valid"),
        ("google-pubsub", "pubsub-valid"),
        ("plaid", "plaid-valid"),
    ] {
        let path = format!(
            "{}/tests/data/providers/{file}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let v = all
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id)
            .unwrap();
        let mut auth = v["auth"].clone();
        auth["scheme"] = json!(file);
        auth["secret"] = v["secret"].clone();
        let spec = json!({"path": "/fk", "auth": auth, "target": {"queue": "EVENTS"}});
        let record = std::sync::Arc::new(
            validate_create(
                WebhookSpec::parse(spec.to_string().as_bytes()).unwrap(),
                Fresh {
                    id: WebhookId::generate([0; 12]),
                    secret_bytes: [0; 32],
                    forwarding_secret_bytes: [0x5a; 32],
                    now: UnixMillis(0),
                },
                Policy::default(),
            )
            .unwrap()
            .record,
        );
        let headers: Vec<(String, String)> = v["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_string()))
            .collect();
        let body = v["body"].as_str().unwrap().as_bytes().to_vec();
        let now = UnixMillis(v["now"].as_u64().unwrap() * 1000);
        let inbound = || Inbound {
            method: "POST".into(),
            url: "https://hooks.example.com/fk".into(),
            query: None,
            headers: Headers::new(headers.clone()),
            source_ip: None,
            body: body.clone(),
        };
        let (_, fetch) = key_needed(&record, &inbound()).unwrap().unwrap();
        let doc = KeyDocument {
            cache_key: fetch.cache_key,
            text: v["key"]["text"].as_str().unwrap().to_string(),
        };
        let us = median_us(|| {
            let route = RouteMatch::exact(record.clone());
            let inbound = inbound();
            black_box(key_needed(route.record(), &inbound).unwrap());
            black_box(verify_with_key(route, inbound, now, Some(&doc)).unwrap());
        });
        println!(
            "{id:<40} {:>5} byte body: {us:>8.1} us per verify, key in hand (median of 15 rounds)",
            body.len()
        );
    }
}

/// Where a fetched-key check's time goes: parsing the key document against checking
/// the signature with a parsed key.
fn breakdown() {
    use hookgate_core::pubkey;
    let path = format!(
        "{}/tests/data/providers/paypal.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let v = &all[0];
    let pem = v["key"]["text"].as_str().unwrap().to_string();
    let us = median_us(|| {
        black_box(pubkey::rsa_certificate_pem(black_box(&pem)).unwrap());
    });
    println!(
        "{:<40} {us:>8.1} us",
        "x509 certificate parse (PEM, RSA-2048)"
    );
    let key = pubkey::rsa_certificate_pem(&pem).unwrap().key;
    let sig =
        hookgate_core::codec::base64(v["headers"]["paypal-transmission-sig"].as_str().unwrap())
            .unwrap();
    let us = median_us(|| {
        black_box(pubkey::verify_rsa_pkcs1v15(
            &key,
            pubkey::RsaDigest::Sha256,
            black_box(b"not the signed message"),
            &sig,
        ));
    });
    println!(
        "{:<40} {us:>8.1} us",
        "RSA-2048 PKCS#1 v1.5 verify (parsed key)"
    );
}

fn main() {
    breakdown();
    fetched_keys();
    let all: Value =
        serde_json::from_str(include_str!("../tests/data/public-key-vectors.json")).unwrap();
    for id in [
        "meta-event-valid",
        "discord-command-valid",
        "sendgrid-sdk-valid",
    ] {
        let v = all["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id)
            .unwrap();
        let spec = json!({"path": "/pk", "auth": v["auth"], "target": {"queue": "EVENTS"}});
        let record = std::sync::Arc::new(
            validate_create(
                WebhookSpec::parse(spec.to_string().as_bytes()).unwrap(),
                Fresh {
                    id: WebhookId::generate([0; 12]),
                    secret_bytes: [0; 32],
                    forwarding_secret_bytes: [0x5a; 32],
                    now: UnixMillis(0),
                },
                Policy::default(),
            )
            .unwrap()
            .record,
        );
        let headers: Vec<(String, String)> = v["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_string()))
            .collect();
        let body = v["body"].as_str().unwrap().as_bytes().to_vec();
        let now = UnixMillis(v["now"].as_u64().unwrap() * 1000);
        let once = || {
            let inbound = Inbound {
                method: "POST".into(),
                url: "https://hooks.example.com/pk".into(),
                query: None,
                headers: Headers::new(headers.clone()),
                source_ip: None,
                body: body.clone(),
            };
            verify(RouteMatch::exact(record.clone()), inbound, now).unwrap()
        };
        let mut rounds: Vec<f64> = (0..15)
            .map(|_| {
                let n = 200;
                let start = Instant::now();
                for _ in 0..n {
                    black_box(once());
                }
                start.elapsed().as_secs_f64() * 1e6 / n as f64
            })
            .collect();
        rounds.sort_by(f64::total_cmp);
        println!(
            "{id:<24} {:>5} byte body: {:>8.1} us per verify (median of 15 rounds)",
            body.len(),
            rounds[7]
        );
    }
}
