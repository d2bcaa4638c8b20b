//! Bulk replay (`POST /admin/v1/webhooks/{id}/replays`) against the real object, queue
//! and an origin that fails, then recovers: every dead letter is delivered again exactly
//! once per replay, more than one step's worth continues from the object's alarm, and a
//! disabled webhook or a bad selection replays nothing.

use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{hmac_hex, send, unique, Admin};
use hookgate_harness::origin::Reply;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "replays::dead_letters_are_replayed_once_each_across_steps_after_the_origin_recovers",
        dead_letters_replayed_once_each,
    ),
    (
        "replays::a_disabled_webhook_or_a_bad_selection_replays_nothing",
        refusals,
    ),
];

/// More than one step (`REPLAY_STEP` = 50), so the alarm has to continue the replay.
const EVENTS: usize = 60;

struct Hook {
    id: String,
    path: String,
    secret: String,
    origin_path: String,
}

/// A webhook delivering to the test origin with one attempt: a 503 dead-letters at once.
fn hook(world: &World) -> Hook {
    let admin = Admin::of(&world.gateway);
    let origin = super::origins::origin();
    let origin_path = format!("/replays-origin/{}", unique("o"));
    let path = format!("/replays/{}", unique("hook"));
    let created = admin.create(json!({
        "path": path,
        "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"origin": {"url": origin.url(&origin_path), "max_attempts": 1}},
    }));
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    remember_secret(created["forwarding_secret"].as_str().unwrap());
    Hook {
        id: created["id"].as_str().unwrap().to_string(),
        path,
        secret,
        origin_path,
    }
}

fn send_event(world: &World, hook: &Hook, n: usize) -> String {
    let body = format!(r#"{{"n":{n}}}"#);
    let sig = hmac_hex(&hook.secret, body.as_bytes());
    let r = send(
        "POST",
        &world.gateway.url(&hook.path),
        &[("X-Webhook-Signature", &sig)],
        body.as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> Option<Value>) -> Value {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = done() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn dead_letters_replayed_once_each(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let origin = super::origins::origin();
    let h = hook(world);
    // The origin fails every first delivery, then recovers (200 after the script).
    origin.script(&h.origin_path, vec![Reply::status(503); EVENTS]);
    let before = hookgate_core::time::UnixMillis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
            - 60_000,
    )
    .to_rfc3339();
    let ids: Vec<String> = (0..EVENTS).map(|n| send_event(world, &h, n)).collect();
    origin.wait_for(&h.origin_path, EVENTS, Duration::from_secs(60));
    for id in &ids {
        wait_until("a dead letter", Duration::from_secs(30), || {
            let d = admin
                .call(
                    "GET",
                    &format!("/admin/v1/webhooks/{}/deliveries/{id}", h.id),
                    None,
                )
                .json();
            (d["state"] == "dead_lettered").then_some(d)
        });
    }

    let started = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{}/replays", h.id),
        Some(&json!({"state": "dead_lettered", "since": before})),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let first = started.json();
    assert_eq!(first["matched"], EVENTS, "{first}");
    // One step in the request, bounded: the rest waits for the alarm.
    assert_eq!(first["queued"], 50, "{first}");
    assert_eq!(first["state"], "queuing", "{first}");
    let replay_id = first["id"].as_str().unwrap().to_string();

    let mut last = Value::Null;
    let done = wait_until("the replay to complete", Duration::from_secs(60), || {
        let p = admin
            .call(
                "GET",
                &format!("/admin/v1/webhooks/{}/replays/{replay_id}", h.id),
                None,
            )
            .json();
        if p != last {
            eprintln!("replay progress: {p}");
            last = p.clone();
        }
        (p["state"] == "completed").then_some(p)
    });
    assert_eq!(
        (
            &done["matched"],
            &done["queued"],
            &done["delivered"],
            &done["failed"]
        ),
        (&json!(EVENTS), &json!(EVENTS), &json!(EVENTS), &json!(0)),
        "{done}"
    );

    // Each delivery reached the origin twice in all: its failed first attempt and this
    // replay's one, under the same webhook-id. Nothing more arrives later.
    std::thread::sleep(Duration::from_secs(2));
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in origin.received(&h.origin_path) {
        *seen
            .entry(r.header("webhook-id").unwrap_or_default().to_string())
            .or_default() += 1;
    }
    for id in &ids {
        assert_eq!(seen.get(id), Some(&2), "{id}: {seen:?}");
    }
    assert_eq!(seen.len(), EVENTS, "{seen:?}");

    // Nothing is dead-lettered any more: a second replay matches nothing.
    let again = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{}/replays", h.id),
        Some(&json!({"state": "dead_lettered", "since": before})),
    );
    assert_eq!(again.status, 202, "{}", again.body);
    assert_eq!(again.json()["matched"], 0, "{}", again.body);
    assert_eq!(again.json()["state"], "completed", "{}", again.body);
    Ok(())
}

fn refusals(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let origin = super::origins::origin();
    let h = hook(world);
    origin.script(&h.origin_path, vec![Reply::status(503)]);
    let id = send_event(world, &h, 0);
    origin.wait_for(&h.origin_path, 1, Duration::from_secs(20));
    let replays = format!("/admin/v1/webhooks/{}/replays", h.id);

    for (body, field) in [
        (json!({"state": "pending"}), "state"),
        (
            json!({"state": "dead_lettered", "since": "an hour ago"}),
            "since",
        ),
        (json!({"delivery_ids": ["evt_nope"]}), "delivery_ids[0]"),
        (
            json!({"delivery_ids": [id], "state": "dead_lettered"}),
            "delivery_ids",
        ),
    ] {
        let r = admin.call("POST", &replays, Some(&body));
        let p = r.assert_problem(400, "invalid_replay");
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }

    let disabled = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{}", h.id),
        Some(&json!({"enabled": false})),
    );
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    admin
        .call("POST", &replays, Some(&json!({ "delivery_ids": [id] })))
        .assert_problem(403, "webhook_disabled");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        origin.received(&h.origin_path).len(),
        1,
        "a refused replay reached the origin"
    );
    admin
        .call("GET", &format!("{replays}/rpl_{}", "0".repeat(24)), None)
        .assert_problem(404, "not_found");
    Ok(())
}
