//! Runs every published signature vector in `../shared/conformance/signature-vectors.json`
//! through the core verifiers, with the vector's own clock. The file is read from
//! `../shared` (it is not copied into the repository); if it is missing the test fails.
//!
//! A plain `main` (no libtest harness) so the per-scheme counts are printed inside the
//! test command's output, not captured.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_core::record::WebhookRecord;
use hookgate_core::request::{Headers, RouteMatch};
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::{verify, Inbound};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance/signature-vectors.json")
}

/// The vector file's scheme names → hookgate's `auth.scheme`.
fn hookgate_scheme(vector_scheme: &str) -> &str {
    match vector_scheme {
        "github-sha256" => "github",
        other => other,
    }
}

fn record_for(v: &Value) -> WebhookRecord {
    let scheme = hookgate_scheme(v["scheme"].as_str().unwrap());
    let mut auth = json!({
        "scheme": scheme,
        "secrets": [{"value": v["secret"]}],
    });
    if v["secret_encoding"] == "base64" && !matches!(scheme, "standard-webhooks" | "svix") {
        auth["secret_encoding"] = json!("base64");
    }
    if let Some(t) = v["tolerance_s"].as_u64() {
        auth["tolerance_s"] = json!(t);
    }
    // Built as the stored KV record, the way the Worker reads it.
    let stored = json!({
        "format": 1,
        "id": "wh_000000000000000000000001",
        "name": "conformance",
        "path": "/conformance",
        "enabled": true,
        "methods": ["POST"],
        "max_body_bytes": 16777216,
        "auth": auth,
        "target": {"queue": "EVENTS"},
        "created_at": "2026-11-22T00:00:00.000Z",
        "updated_at": "2026-11-22T00:00:00.000Z",
    });
    WebhookRecord::decode(&stored.to_string()).unwrap_or_else(|e| panic!("{}: {e}", v["id"]))
}

fn body_of(v: &Value) -> Vec<u8> {
    match (v["body"].as_str(), v["body_base64"].as_str()) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(b64)) => STANDARD.decode(b64).unwrap(),
        _ => panic!("{}: no body", v["id"]),
    }
}

fn main() {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the conformance vectors live in ../shared beside the repository",
            path.display()
        )
    });
    let vectors: Vec<Value> = serde_json::from_str(&text).unwrap();
    let mut per_scheme: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for v in &vectors {
        let record = record_for(v);
        let headers = v["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_string()));
        let url = v["url"]
            .as_str()
            .unwrap_or("https://hooks.example.com/conformance")
            .to_string();
        let inbound = Inbound {
            method: "POST".into(),
            url,
            raw_path: "/conformance".into(),
            query: None,
            headers: Headers::new(headers),
            source_ip: None,
            body: body_of(v),
        };
        let now = UnixMillis(v["now"].as_u64().unwrap_or(0) * 1000);
        let route = RouteMatch {
            record,
            url_key: None,
        };
        let result = verify(route, inbound, now);
        let want_valid = v["expect"] == "valid";
        let entry = per_scheme
            .entry(v["scheme"].as_str().unwrap().to_string())
            .or_default();
        entry.0 += 1;
        match (&result, want_valid) {
            (Ok(_), true) | (Err(_), false) => entry.1 += 1,
            (Ok(_), false) => failures.push(format!("{}: accepted, must be refused", v["id"])),
            (Err((e, _)), true) => {
                failures.push(format!("{}: refused with {e:?}, must verify", v["id"]))
            }
        }
    }
    println!("conformance vectors per scheme (passed/total):");
    for (scheme, (total, passed)) in &per_scheme {
        println!("  {scheme:<18} {passed:>3}/{total}");
    }
    let passed: usize = per_scheme.values().map(|(_, p)| p).sum();
    println!("  {:<18} {passed:>3}/{}", "all", vectors.len());
    for f in &failures {
        println!("FAILED {f}");
    }
    println!("conformance: {passed} passed, {} failed", failures.len());
    if !failures.is_empty() || vectors.len() != 143 {
        eprintln!(
            "expected all of the 143 published vectors to pass; {} were read",
            vectors.len()
        );
        std::process::exit(1);
    }
}
