//! The webhook's object decides from memory: a duplicate and a 429 make no storage
//! call, an accepted delivery at most two (its reservation and its settlement). Counted
//! by the object itself in the test-only build (`GET /admin/test/storage-calls/{id}`),
//! from outside, per request.

use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::Gateway;
use serde_json::json;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "storage_budget::duplicates_and_429s_make_no_storage_call_accepted_at_most_two",
        budget,
    ),
    (
        "storage_budget::concurrent_deliveries_share_queue_sends_and_arrive_once",
        group_commit,
    ),
];

fn counts(g: &Gateway, id: &str) -> serde_json::Value {
    let r = Admin::of(g).call("GET", &format!("/admin/test/storage-calls/{id}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn calls(g: &Gateway, id: &str) -> u64 {
    counts(g, id)["storage_calls"].as_u64().unwrap()
}

/// Fifty deliveries at once to one webhook: the ones reserved while a send is in flight
/// go together, so the object makes fewer queue calls than deliveries, and each event
/// still reaches the queue exactly once.
fn group_commit(world: &World) -> TestResult {
    let g = &world.faults;
    let path = format!("/budget/{}", unique("group"));
    let created = Admin::of(g).create(json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"queue": "EVENTS"}, "rate_limit": {"limit": 1000, "window_s": 60}}));
    let id = created["id"].as_str().unwrap().to_string();
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    let answers: Vec<Resp> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|n| {
                let (secret, path) = (&secret, &path);
                s.spawn(move || {
                    let body = format!("{{\"group\":{n}}}");
                    let sig = hmac_hex(secret, body.as_bytes());
                    send(
                        "POST",
                        &g.url(path),
                        &[("X-Webhook-Signature", &sig)],
                        body.as_bytes(),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut ids: Vec<String> = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status, 202, "{}", r.body);
            r.json()["id"].as_str().unwrap().to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50, "fifty deliveries");
    let queue_calls = counts(g, &id)["queue_calls"].as_u64().unwrap();
    assert!(
        queue_calls < 50,
        "{queue_calls} queue calls for 50 concurrent deliveries: no batch formed"
    );
    super::hostile::drain(g);
    let mut forwarded: Vec<String> = g
        .envelopes_for(&id)
        .iter()
        .map(|e| e["envelope"]["id"].as_str().unwrap().to_string())
        .collect();
    forwarded.sort();
    assert_eq!(forwarded, ids, "each accepted event reached the queue once");
    Ok(())
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
    // The cleanup alarm is set for when the first hit leaves the 600 s window, not
    // later (worker's set_alarm takes an offset: a Unix time there was decades ahead).
    let alarm_in_ms = counts(g, &id)["alarm_in_ms"]
        .as_i64()
        .expect("an alarm is set");
    assert!(
        (0..=601_000).contains(&alarm_in_ms),
        "the cleanup alarm is {alarm_in_ms} ms away"
    );
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
    // Many refusals with large log entries (a 1 KiB preview each) are written in
    // batches that fit the platform's statement limit: every one answered.
    let big = format!("{{\"big\":\"{}\"}}", "d".repeat(1024));
    assert_eq!(post(&big, "k-big").status, 429, "the window is full");
    for _ in 0..60 {
        let r = post(&big, "k-big");
        assert_eq!(r.status, 429, "{}", r.body);
    }
    let log = Admin::of(g).call(
        "GET",
        &format!("/admin/v1/webhooks/{id}/deliveries?limit=100"),
        None,
    );
    assert_eq!(log.status, 200, "{}", log.body);
    let limited = log.json()["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["outcome"] == "rate_limited")
        .count();
    assert_eq!(limited, 62, "every 429 is in the log");
    Ok(())
}
