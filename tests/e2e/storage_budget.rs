//! The webhook's object decides from memory: a duplicate and a 429 make no storage
//! call, an accepted delivery at most two (its reservation and its settlement). Counted
//! by the object itself in the test-only build (`GET /admin/test/storage-calls/{id}`),
//! from outside, per request.

use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::Gateway;
use serde_json::json;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[(
    "storage_budget::duplicates_and_429s_make_no_storage_call_accepted_at_most_two",
    budget,
)];

fn calls(g: &Gateway, id: &str) -> u64 {
    let r = Admin::of(g).call("GET", &format!("/admin/test/storage-calls/{id}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["storage_calls"].as_u64().unwrap()
}

fn budget(world: &World) -> TestResult {
    let g = &world.faults;
    let path = format!("/budget/{}", unique("hook"));
    let created = Admin::of(g).create(json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"queue": "EVENTS"}, "rate_limit": {"limit": 3, "window_s": 600}}));
    let id = created["id"].as_str().unwrap().to_string();
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    let post = |body: &str, key: &str| -> Resp {
        let sig = hmac_hex(&secret, body.as_bytes());
        send(
            "POST",
            &g.url(&path),
            &[("X-Webhook-Signature", &sig), ("Idempotency-Key", key)],
            body.as_bytes(),
        )
    };
    // The first delivery of an incarnation reads its memory from storage and sets the
    // cleanup alarm: not what is budgeted.
    assert_eq!(post(r#"{"n":0}"#, "k-0").status, 202);
    let mut per_request = Vec::new();
    let mut measure = |label: &str, r: Resp, want: u16, before: u64| {
        assert_eq!(r.status, want, "{label}: {}", r.body);
        per_request.push((label.to_string(), calls(g, &id) - before));
    };
    let before = calls(g, &id);
    measure("accepted", post(r#"{"n":1}"#, "k-1"), 202, before);
    let before = calls(g, &id);
    measure("duplicate", post(r#"{"n":1}"#, "k-1"), 202, before);
    let before = calls(g, &id);
    measure("accepted", post(r#"{"n":2}"#, "k-2"), 202, before);
    let before = calls(g, &id);
    measure("rate limited", post(r#"{"n":3}"#, "k-3"), 429, before);
    let before = calls(g, &id);
    measure("duplicate", post(r#"{"n":2}"#, "k-2"), 202, before);
    for (label, n) in &per_request {
        let budget = if label == "accepted" { 2 } else { 0 };
        assert!(
            *n <= budget,
            "{label}: {n} storage calls, budget {budget}: {per_request:?}"
        );
    }
    // The refusals were logged all the same, once the log is read.
    let log = Admin::of(g).call("GET", &format!("/admin/v1/webhooks/{id}/deliveries"), None);
    let outcomes: Vec<String> = log.json()["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        outcomes,
        [
            "replayed",
            "rate_limited",
            "accepted",
            "replayed",
            "accepted",
            "accepted"
        ],
        "newest first"
    );
    Ok(())
}
