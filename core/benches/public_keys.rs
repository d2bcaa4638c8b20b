//! Per-request cost of the public-key schemes next to an HMAC one, natively: `verify`
//! of the vectors in tests/data/public-key-vectors.json (Discord's Ed25519, SendGrid's
//! ECDSA P-256, Meta's HMAC-SHA256), median of rounds. BENCHMARKS.md reports it.
//! Run: cargo bench -p hookgate-core --bench public_keys

use hookgate_core::admin::{validate_create, Fresh, Policy, WebhookSpec};
use hookgate_core::request::{Headers, Inbound, RouteMatch};
use hookgate_core::secret::WebhookId;
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::verify;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

fn main() {
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
