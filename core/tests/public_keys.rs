//! The public-key and handshake schemes' vectors (`tests/data/public-key-vectors.json`,
//! written by `tests/data/derive_public_key_vectors.py`: SendGrid's from its official
//! SDK's test, the others from each provider's documented recipe and, for Discord and
//! SendGrid, confirmed by the provider's own verifier from PyPI).
//!
//! Records are made by the admin API's own validation from each vector's `auth`; a valid
//! vector must verify and not be taken for a handshake; an invalid one must be refused
//! with its own code; a handshake must get exactly its answer.

use hookgate_core::admin::{validate_create, Fresh, Policy, WebhookSpec};
use hookgate_core::model::{Scheme, WebhookRecord};
use hookgate_core::problem::Problem;
use hookgate_core::request::{precheck, Headers, Inbound, RouteMatch};
use hookgate_core::secret::WebhookId;
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::handshake::handshake;
use hookgate_core::verify::verify;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SCHEMES: [&str; 7] = [
    "discord",
    "sendgrid",
    "meta",
    "twitter",
    "dropbox",
    "microsoft-graph",
    "okta",
];

fn vectors() -> Vec<Value> {
    let text = include_str!("data/public-key-vectors.json");
    let v: Value = serde_json::from_str(text).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

fn record(v: &Value) -> WebhookRecord {
    let spec = json!({"path": "/pk", "auth": v["auth"], "target": {"queue": "EVENTS"}});
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
    .unwrap_or_else(|p| panic!("{}: the admin API refused it: {}", v["id"], p.detail))
    .record
}

fn inbound(v: &Value) -> Inbound {
    let query = v["query"].as_str().map(str::to_string);
    let url = match &query {
        Some(q) => format!("https://hooks.example.com/pk?{q}"),
        None => "https://hooks.example.com/pk".to_string(),
    };
    Inbound {
        method: v["method"].as_str().unwrap().to_string(),
        url,
        query,
        headers: Headers::new(
            v["headers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_string())),
        ),
        source_ip: None,
        body: v["body"].as_str().unwrap().as_bytes().to_vec(),
    }
}

#[test]
fn every_vector_gets_its_outcome() {
    let mut failures = Vec::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for v in vectors() {
        let id = v["id"].as_str().unwrap();
        let record = record(&v);
        let inbound = inbound(&v);
        let now = UnixMillis(v["now"].as_u64().unwrap() * 1000);
        if let Err(e) = precheck(&record, &inbound.method, &inbound.headers) {
            failures.push(format!("{id}: precheck refused it: {e:?}"));
            continue;
        }
        let expect = v["expect"].as_str().unwrap();
        seen.insert((
            v["scheme"].as_str().unwrap().to_string(),
            expect.to_string(),
        ));
        let result = verify(RouteMatch::exact(record), inbound, now);
        let outcome = match (result, expect) {
            (Ok(verified), "valid") => match handshake(&verified) {
                None => Ok(()),
                Some(r) => Err(format!("taken for the handshake {}", r.kind)),
            },
            (Ok(verified), "handshake") => match handshake(&verified) {
                None => Err("verified but not answered as a handshake".to_string()),
                Some(r) => {
                    let want = &v["handshake"];
                    let got =
                        json!({"status": r.status, "content_type": r.content_type, "body": r.body});
                    let got_nosniff = r.headers.iter().any(|(k, v)| {
                        k.eq_ignore_ascii_case("x-content-type-options") && v == "nosniff"
                    });
                    if &got != want {
                        Err(format!("answered {got}, must be {want}"))
                    } else if r.content_type.starts_with("text/plain")
                        && r.status == 200
                        && !got_nosniff
                    {
                        Err("a text echo without nosniff".to_string())
                    } else {
                        Ok(())
                    }
                }
            },
            (Ok(_), _) => Err("accepted, must be refused".to_string()),
            (Err(e), "invalid") => {
                let want = v["expect_code"].as_str().unwrap();
                let got = Problem::from(e).code.as_str();
                if got == want {
                    Ok(())
                } else {
                    Err(format!("refused with {got}, must be {want}"))
                }
            }
            (Err(e), _) => Err(format!("refused with {e:?}, must pass")),
        };
        if let Err(why) = outcome {
            failures.push(format!("{id}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for scheme in SCHEMES {
        assert!(Scheme::parse(scheme).is_some(), "{scheme}");
        for kind in ["valid", "invalid"] {
            let has = seen.contains(&(scheme.to_string(), kind.to_string()))
                || (kind == "valid"
                    && seen.contains(&(scheme.to_string(), "handshake".to_string())));
            assert!(has, "{scheme} has no {kind} vector");
        }
    }
}

#[test]
fn a_challenge_for_another_scheme_is_not_answered() {
    // A Dropbox-shaped GET at a Meta webhook is neither a handshake nor verified.
    let v = vectors()
        .into_iter()
        .find(|v| v["id"] == "meta-event-valid")
        .unwrap();
    let record = record(&v);
    let mut get = inbound(&v);
    get.method = "GET".into();
    get.query = Some("challenge=abc".into());
    get.headers = Headers::new(std::iter::empty());
    get.body = Vec::new();
    let e = verify(RouteMatch::exact(record), get, UnixMillis(0)).unwrap_err();
    assert_eq!(Problem::from(e).code.as_str(), "signature_missing");
}
