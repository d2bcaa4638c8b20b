//! Runs every published signature vector in `../shared/conformance/signature-vectors.json`
//! (read from `../shared`, not copied; the test fails if it is missing) and the derived
//! vectors in `tests/data/derived-vectors.json` (Linear, Zoom, Twitch and the generic
//! template, which have no published ones, and single-fault companions of published
//! invalid vectors that carry two faults) through the core verifiers, with each
//! vector's own clock.
//!
//! Honest in three ways: a record is made by the admin API's own validation from the
//! vector's secret and settings (published vectors whose secret is shorter than the
//! admin API accepts are counted and marked); a valid vector must verify; an invalid
//! one must be refused with its specific code (`tests/data/conformance-expected-codes.json`
//! for the published ones, `expect_code` for derived ones), not just any error.
//!
//! A plain `main` (no libtest harness) so the per-scheme counts are printed inside the
//! test command's output, not captured.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_core::admin::{validate_create, Fresh, WebhookSpec};
use hookgate_core::model::scheme::Check;
use hookgate_core::model::WebhookRecord;
use hookgate_core::path::WebhookPath;
use hookgate_core::problem::Problem;
use hookgate_core::request::{resolve_route, Headers, Inbound, RouteMatch};
use hookgate_core::secret::{Secret, WebhookId};
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::fetched::KeyDocument;
use hookgate_core::verify::{key_needed, verify_with_key};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

const PUBLISHED_COUNT: usize = 143;
/// Pinned, so an empty or truncated derived set fails (`derive_vectors.py` writes them).
const DERIVED_COUNT: usize = 24;

fn data(path: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the published vectors live in ../shared beside the repository",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

/// The vector file's scheme names → hookgate's `auth.scheme`.
fn hookgate_scheme(vector_scheme: &str) -> &str {
    match vector_scheme {
        "github-sha256" => "github",
        other => other,
    }
}

/// The record the admin API would make for this vector, and whether the vector's secret
/// had to be let in below the admin API's minimum length.
fn record_for(v: &Value) -> (WebhookRecord, bool) {
    let scheme = hookgate_scheme(v["scheme"].as_str().unwrap());
    let secret = v["secret"].as_str().unwrap();
    let short = secret.chars().count() < Secret::MIN_LEN;
    let mut auth =
        json!({"scheme": scheme, "secret": if short { "placeholder-secret" } else { secret }});
    if v["secret_encoding"] == "base64" && !matches!(scheme, "standard-webhooks" | "svix") {
        auth["secret_encoding"] = json!("base64");
    }
    if let Some(t) = v["tolerance_s"].as_u64() {
        let default = hookgate_core::model::Scheme::parse(scheme)
            .unwrap()
            .descriptor()
            .default_tolerance_s;
        if default != Some(t) && scheme != "hmac" {
            auth["tolerance_s"] = json!(t);
        }
    }
    if let Some(t) = v.get("template") {
        auth["template"] = t.clone();
    }
    // Settings a provider's record needs besides its secret (a notification URL, say).
    if let Some(extra) = v.get("auth").and_then(Value::as_object) {
        for (field, value) in extra {
            auth[field] = value.clone();
        }
    }
    let spec = json!({"path": "/conformance", "auth": auth, "target": {"queue": "EVENTS"}});
    let validated = validate_create(
        WebhookSpec::parse(spec.to_string().as_bytes()).unwrap(),
        Fresh {
            id: WebhookId::generate([0; 12]),
            secret_bytes: [0; 32],
            forwarding_secret_bytes: [0x5a; 32],
            now: UnixMillis(0),
        },
        hookgate_core::admin::Policy::default(),
    )
    .unwrap_or_else(|p| panic!("{}: the admin API refused it: {}", v["id"], p.detail));
    if !short {
        return (validated.record, false);
    }
    // The admin API refuses this secret; swap it into the stored form and read that
    // back with only the length rule waived.
    let mut stored: Value = serde_json::from_str(&validated.record.encode()).unwrap();
    stored["auth"]["secrets"][0]["value"] = json!(secret);
    let record = WebhookRecord::decode_published_vector(&stored.to_string())
        .unwrap_or_else(|e| panic!("{}: {e}", v["id"]));
    (record, true)
}

/// Every vector of `tests/data/providers/<scheme>.json` (each written by
/// `tests/data/providers/derive/<scheme>.py`), in file-name order.
fn provider_vectors() -> Vec<Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/providers");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for file in files {
        let relative = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
        let vectors = data(relative.to_str().unwrap());
        let vectors = vectors.as_array().unwrap();
        assert!(!vectors.is_empty(), "{}: no vectors", file.display());
        all.extend(vectors.iter().cloned());
    }
    all
}

/// The route the Worker would resolve: a URL-key record is registered one level above the
/// path the sender calls, whose last segment is the key.
fn route_for(record: WebhookRecord, url: &str) -> RouteMatch {
    if !matches!(record.auth().scheme().descriptor().check, Check::UrlKey) {
        return RouteMatch::exact(record);
    }
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = path.split('?').next().unwrap_or(path);
    let request_path = WebhookPath::parse_request(path).unwrap();
    resolve_route(&request_path, None, Some(record.into()))
        .unwrap_or_else(|| panic!("{url}: not under the record's path"))
}

fn body_of(v: &Value) -> Vec<u8> {
    match (v["body"].as_str(), v["body_base64"].as_str()) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(b64)) => STANDARD.decode(b64).unwrap(),
        _ => panic!("{}: no body", v["id"]),
    }
}

/// A fetched-key scheme's document, as the vector serves it: the core must ask for
/// exactly the vector's `key` (URL, cache key, Plaid's request), and gets its text when
/// `served` (else nothing, as when the fetch failed). An error is a refusal before any
/// fetch (a key URL off the provider's hosts, a topic not accepted).
fn served_key(
    v: &Value,
    route: &RouteMatch,
    inbound: &Inbound,
) -> Result<Option<KeyDocument>, hookgate_core::verify::VerifyError> {
    let Some((_, fetch)) = key_needed(route.record(), inbound)? else {
        assert!(
            v["key"].is_null(),
            "{}: a key is served but none is asked for",
            v["id"]
        );
        return Ok(None);
    };
    let key = &v["key"];
    assert!(
        key.is_object(),
        "{}: asks for {fetch:?}, the vector serves none",
        v["id"]
    );
    assert_eq!(fetch.url, key["url"].as_str().unwrap(), "{}", v["id"]);
    assert_eq!(
        fetch.cache_key,
        key["cache_key"].as_str().unwrap(),
        "{}",
        v["id"]
    );
    if let Some(body) = key.get("request_body") {
        let sent: Value = serde_json::from_str(fetch.body.as_deref().unwrap()).unwrap();
        assert_eq!(&sent, body, "{}", v["id"]);
        assert_eq!(fetch.method, "POST", "{}", v["id"]);
    }
    Ok((key["served"] == true).then(|| KeyDocument {
        cache_key: fetch.cache_key,
        text: key["text"].as_str().unwrap().to_string(),
    }))
}

#[derive(Default)]
struct Tally {
    total: usize,
    passed: usize,
    short_secret: usize,
}

fn run(
    vectors: &[Value],
    expected_codes: &Value,
    tally: &mut BTreeMap<String, Tally>,
) -> Vec<String> {
    let mut failures = Vec::new();
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        let (record, short) = record_for(v);
        let headers = v["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_string()));
        let inbound = Inbound {
            method: v["method"].as_str().unwrap_or("POST").into(),
            url: v["url"]
                .as_str()
                .unwrap_or("https://hooks.example.com/conformance")
                .to_string(),
            query: None,
            headers: Headers::new(headers),
            source_ip: None,
            body: body_of(v),
        };
        let now = UnixMillis(v["now"].as_u64().unwrap_or(0) * 1000);
        let route = route_for(record, &inbound.url);
        let result = match served_key(v, &route, &inbound) {
            Ok(key) => verify_with_key(route, inbound, now, key.as_ref()),
            Err(e) => Err(e),
        };
        let entry = tally
            .entry(v["scheme"].as_str().unwrap().to_string())
            .or_default();
        entry.total += 1;
        entry.short_secret += usize::from(short);
        let outcome = match (result, v["expect"].as_str()) {
            (Ok(_), Some("valid")) => Ok(()),
            (Ok(_), _) => Err("accepted, must be refused".to_string()),
            (Err(e), Some("valid")) => Err(format!("refused with {e:?}, must verify")),
            (Err(e), _) => {
                let want = v["expect_code"]
                    .as_str()
                    .or_else(|| expected_codes[id]["code"].as_str())
                    .unwrap_or_else(|| panic!("{id}: no expected code"));
                let got = Problem::from(e).code.as_str();
                if got == want {
                    Ok(())
                } else {
                    Err(format!("refused with {got}, must be {want}"))
                }
            }
        };
        match outcome {
            Ok(()) => entry.passed += 1,
            Err(why) => failures.push(format!("{id}: {why}")),
        }
    }
    failures
}

fn main() {
    let published = data("../../shared/conformance/signature-vectors.json");
    let published = published.as_array().unwrap();
    let derived = data("tests/data/derived-vectors.json");
    let derived = derived.as_array().unwrap();
    let expected = data("tests/data/conformance-expected-codes.json");
    let expected = &expected["expected"];
    let per_provider = provider_vectors();

    let invalid = published
        .iter()
        .filter(|v| v["expect"] == "invalid")
        .count();
    assert_eq!(
        expected.as_object().unwrap().len(),
        invalid,
        "every invalid published vector needs its expected code"
    );
    assert!(derived.iter().all(|v| v["derived"] == true));
    // A provider's file may hold the examples it publishes (in its docs or its SDK's
    // tests) beside ours; each says which it is.
    assert!(per_provider.iter().all(|v| v["derived"].is_boolean()));

    let mut failures = Vec::new();
    for (title, vectors, count) in [
        ("published", published, Some(PUBLISHED_COUNT)),
        (
            "derived (ours, from the providers' docs)",
            derived,
            Some(DERIVED_COUNT),
        ),
        (
            "per provider (ours, tests/data/providers/)",
            &per_provider,
            None,
        ),
    ] {
        let mut tally = BTreeMap::new();
        failures.extend(run(vectors, expected, &mut tally));
        println!("conformance, {title} vectors per scheme (passed/total):");
        for (scheme, t) in &tally {
            let marked = if t.short_secret > 0 {
                format!(
                    "  ({} with a secret shorter than the admin API accepts)",
                    t.short_secret
                )
            } else {
                String::new()
            };
            println!("  {scheme:<18} {:>3}/{}{marked}", t.passed, t.total);
        }
        let passed: usize = tally.values().map(|t| t.passed).sum();
        println!("  {:<18} {passed:>3}/{}", "all", vectors.len());
        if let Some(count) = count {
            if vectors.len() != count {
                failures.push(format!(
                    "expected {count} {title} vectors, read {}",
                    vectors.len()
                ));
            }
        }
    }
    for f in &failures {
        println!("FAILED {f}");
    }
    let total = published.len() + derived.len() + per_provider.len();
    println!(
        "conformance: {} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
