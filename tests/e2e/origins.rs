//! Delivery to HTTP origins end to end, with a real origin server on loopback that the
//! test controls: async delivery re-signed with Standard Webhooks (checked by a verifier
//! written here, independently of the gateway), retries with backoff, `Retry-After`,
//! dead-lettering, replay, sync mode with its 502 and 504, and a 1 MiB body.

use super::{remember_secret, TestResult, World};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::Gateway;
use hookgate_harness::origin::{OriginServer, Received, Reply};
use hookgate_harness::senders::hmac_sha256;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::Duration;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "origins::async_delivery_is_re_signed_and_arrives_once",
        async_delivery,
    ),
    (
        "origins::an_origin_down_at_first_gets_the_event_once_after_retries",
        down_then_up,
    ),
    (
        "origins::always_failing_is_dead_lettered_and_replay_delivers_it",
        dead_letter_and_replay,
    ),
    ("origins::a_400_is_final_at_once", client_error_is_final),
    ("origins::a_429_retry_after_is_honoured", retry_after),
    (
        "origins::sync_mode_passes_the_answer_and_maps_failures",
        sync_mode,
    ),
    (
        "origins::a_1_mib_body_reaches_the_origin_byte_for_byte",
        large_body,
    ),
    (
        "origins::a_rotated_forwarding_secret_signs_beside_the_old_one",
        forwarding_rotation,
    ),
    (
        "origins::load_500_events_with_a_20_percent_failing_origin_lose_nothing",
        load_with_failures,
    ),
];

/// 500 events at concurrency 20 while the origin fails one attempt in five: the set of
/// delivery ids the origin finally received equals the set answered 2xx, none missing,
/// none extra; any repeat carries the same `webhook-id`. Bounded: 500 requests, and at
/// most two minutes of waiting.
fn load_with_failures(world: &World) -> TestResult {
    use std::collections::BTreeSet;
    let g = &world.gateway;
    let path = format!("/o/{}", unique("load"));
    origin().fail_share(&path, 0.2);
    let hook = origin_hook(g, &path, json!({"max_attempts": 10}));
    let raised = Admin::of(g).call(
        "PATCH",
        &format!("/admin/v1/webhooks/{}", hook.id),
        Some(&json!({"rate_limit": {"limit": 1000, "window_s": 60}})),
    );
    assert_eq!(raised.status, 200, "{}", raised.body);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let accepted: std::sync::Mutex<BTreeSet<String>> = Default::default();
    let refused = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..20 {
            s.spawn(|| loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= 500 {
                    break;
                }
                let r = post(g, &hook, format!("{{\"load\":{n}}}").as_bytes());
                if (200..300).contains(&r.status) {
                    accepted
                        .lock()
                        .unwrap()
                        .insert(r.json()["id"].as_str().unwrap().to_string());
                } else {
                    refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    let accepted = accepted.into_inner().unwrap();
    // The limit is 1000 a minute, so nothing may be refused: "lose nothing" starts with
    // every event answered 2xx.
    let refused = refused.into_inner();
    assert_eq!(refused, 0, "{refused} of 500 refused");
    assert_eq!(accepted.len(), 500, "500 accepted, each with its own id");
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // Delivered = answered 2xx by the origin; attempts it failed do not count.
    let delivered = || -> Vec<Received> {
        origin()
            .received(&path)
            .into_iter()
            .filter(|r| (200..300).contains(&r.answered))
            .collect()
    };
    loop {
        let distinct: BTreeSet<String> = delivered()
            .iter()
            .filter_map(|r| r.header("webhook-id").map(str::to_string))
            .collect();
        if distinct.len() >= accepted.len() || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    // Let any late copy arrive before counting repeats.
    std::thread::sleep(Duration::from_secs(2));
    let ok = delivered();
    let received: BTreeSet<String> = ok
        .iter()
        .filter_map(|r| r.header("webhook-id").map(str::to_string))
        .collect();
    let missing: Vec<&String> = accepted.difference(&received).collect();
    let extra: Vec<&String> = received.difference(&accepted).collect();
    assert!(
        missing.is_empty(),
        "{} accepted but never delivered",
        missing.len()
    );
    assert!(
        extra.is_empty(),
        "{} delivered but never accepted",
        extra.len()
    );
    let all = origin().received(&path);
    let failed_attempts = all.iter().filter(|r| r.answered >= 300).count();
    assert!(
        failed_attempts >= 80,
        "the origin failed only {failed_attempts} attempts"
    );
    println!(
        "load: {} events accepted and delivered; the origin failed {failed_attempts} of {} attempts; {} repeated deliveries (same webhook-id)",
        accepted.len(),
        all.len(),
        ok.len() - received.len()
    );
    Ok(())
}

/// Waits until the latest moment a first retry of an attempt made at `first` would have
/// reached the origin: attempt 1's backoff at its largest jitter, plus time for the
/// delayed message to come back through the local queue and be sent.
fn wait_past_the_first_retry(first: &Received) {
    let backoff = Duration::from_secs(hookgate_core::delivery::retry::backoff_s(1, 0.999));
    let until = first.at + backoff + Duration::from_millis(2000);
    std::thread::sleep(until.saturating_duration_since(std::time::Instant::now()));
}

pub fn origin() -> &'static OriginServer {
    static ORIGIN: OnceLock<OriginServer> = OnceLock::new();
    ORIGIN.get_or_init(OriginServer::start)
}

struct Hook {
    id: String,
    path: String,
    secret: String,
    forwarding_secret: String,
}

fn origin_hook(g: &Gateway, origin_path: &str, settings: Value) -> Hook {
    let mut o = json!({"url": origin().url(origin_path)});
    for (k, v) in settings.as_object().unwrap() {
        o[k] = v.clone();
    }
    let path = format!("/origin/{}", unique("hook"));
    let created = Admin::of(g).create(json!({
        "path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"origin": o},
    }));
    let secret = created["secret"].as_str().unwrap().to_string();
    let forwarding_secret = created["forwarding_secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    remember_secret(&forwarding_secret);
    Hook {
        id: created["id"].as_str().unwrap().to_string(),
        path,
        secret,
        forwarding_secret,
    }
}

fn post(g: &Gateway, hook: &Hook, body: &[u8]) -> Resp {
    let sig = hmac_hex(&hook.secret, body);
    send(
        "POST",
        &g.url(&hook.path),
        &[
            ("X-Webhook-Signature", &sig),
            ("Content-Type", "application/json"),
            ("X-GitHub-Event", "push"),
            ("Authorization", "Bearer sender-credential"),
        ],
        body,
    )
}

/// Standard Webhooks verification as its specification describes it, written here.
fn verify_standard_webhooks(r: &Received, whsec: &str) -> bool {
    let (Some(id), Some(ts), Some(sigs)) = (
        r.header("webhook-id"),
        r.header("webhook-timestamp"),
        r.header("webhook-signature"),
    ) else {
        return false;
    };
    let key = STANDARD.decode(whsec.trim_start_matches("whsec_")).unwrap();
    let mut content = format!("{id}.{ts}.").into_bytes();
    content.extend_from_slice(&r.body);
    let expected = STANDARD.encode(hmac_sha256(&key, &content));
    let fresh = ts
        .parse::<u64>()
        .is_ok_and(|t| t.abs_diff(hookgate_harness::senders::now_secs()) <= 300);
    fresh
        && sigs
            .split(' ')
            .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

fn delivery(g: &Gateway, hook: &Hook, id: &str) -> Value {
    let r = Admin::of(g).call(
        "GET",
        &format!("/admin/v1/webhooks/{}/deliveries/{id}", hook.id),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// Waits until the delivery's state is `want`.
fn wait_state(g: &Gateway, hook: &Hook, id: &str, want: &str, within: Duration) -> Value {
    let deadline = std::time::Instant::now() + within;
    loop {
        let d = delivery(g, hook, id);
        if d["state"] == want || std::time::Instant::now() > deadline {
            return d;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn async_delivery(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("async"));
    let hook = origin_hook(g, &path, json!({}));
    let body = br#"{"event":"deploy","n":12345678901234567890}"#;
    let r = post(g, &hook, body);
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let got = origin().wait_for(&path, 1, Duration::from_secs(20));
    assert_eq!(got.len(), 1, "delivered once");
    let req = &got[0];
    assert_eq!(req.body, body, "the original bytes");
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("x-github-event"), Some("push"));
    assert_eq!(req.header("webhook-id"), Some(id.as_str()));
    assert!(
        verify_standard_webhooks(req, &hook.forwarding_secret),
        "{:?}",
        req.headers
    );
    assert!(!verify_standard_webhooks(
        req,
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    ));
    for credential in ["authorization", "x-webhook-signature"] {
        assert!(req.header(credential).is_none(), "{credential} forwarded");
    }
    let d = wait_state(g, &hook, &id, "delivered", Duration::from_secs(10));
    assert_eq!(d["state"], "delivered", "{d}");
    assert_eq!(d["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(d["attempts"][0]["status"], 200);
    // "Once": nothing more arrives by the time a retry or a redelivery of the message
    // would have, and the delivery still records one attempt.
    wait_past_the_first_retry(req);
    assert_eq!(origin().received(&path).len(), 1, "and only once");
    let d = delivery(g, &hook, &id);
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_array().unwrap().len()),
        (Some("delivered"), 1),
        "{d}"
    );
    Ok(())
}

fn down_then_up(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("flaky"));
    origin().script(&path, vec![Reply::status(503), Reply::status(502)]);
    let hook = origin_hook(g, &path, json!({"max_attempts": 5}));
    let r = post(g, &hook, br#"{"flaky":true}"#);
    assert_eq!(r.status, 202);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let d = wait_state(g, &hook, &id, "delivered", Duration::from_secs(30));
    assert_eq!(d["state"], "delivered", "{d}");
    let statuses: Vec<&Value> = d["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, vec![&json!(503), &json!(502), &json!(200)]);
    assert!(d["attempts"][0]["next_retry_at"].is_string());
    let got = origin().received(&path);
    assert_eq!(got.len(), 3);
    assert!(got
        .iter()
        .all(|r| r.header("webhook-id") == Some(id.as_str())));
    // Backoff: at least 1 s, then at least 2 s, between attempts.
    assert!(got[1].at - got[0].at >= Duration::from_millis(950));
    assert!(got[2].at - got[1].at >= Duration::from_millis(1950));
    let attempts: Vec<&str> = got
        .iter()
        .map(|r| r.header("x-hookgate-attempt").unwrap())
        .collect();
    assert_eq!(attempts, vec!["1", "2", "3"]);
    Ok(())
}

fn dead_letter_and_replay(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("dead"));
    origin().script(&path, vec![Reply::status(500), Reply::status(500)]);
    let hook = origin_hook(g, &path, json!({"max_attempts": 2}));
    let r = post(g, &hook, br#"{"dead":true}"#);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let d = wait_state(g, &hook, &id, "dead_lettered", Duration::from_secs(20));
    assert_eq!(d["state"], "dead_lettered", "{d}");
    assert_eq!(d["attempts"].as_array().unwrap().len(), 2);
    // The origin recovered (the script is used up): a replay delivers it.
    let replay = Admin::of(g).call(
        "POST",
        &format!("/admin/v1/webhooks/{}/deliveries/{id}/replay", hook.id),
        None,
    );
    assert_eq!(replay.status, 202, "{}", replay.body);
    let d = wait_state(g, &hook, &id, "delivered", Duration::from_secs(20));
    assert_eq!(d["state"], "delivered", "{d}");
    let got = origin().received(&path);
    assert_eq!(got.len(), 3);
    let last = got.last().unwrap();
    assert_eq!(
        last.header("webhook-id"),
        Some(id.as_str()),
        "same webhook-id"
    );
    assert_eq!(last.header("x-hookgate-replay"), Some("true"));
    assert!(verify_standard_webhooks(last, &hook.forwarding_secret));
    Admin::of(g)
        .call(
            "POST",
            &format!(
                "/admin/v1/webhooks/{}/deliveries/evt_00000000000000000000000000000000/replay",
                hook.id
            ),
            None,
        )
        .assert_problem(404, "not_found");
    Ok(())
}

fn client_error_is_final(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("bad"));
    origin().script(&path, vec![Reply::status(400)]);
    let hook = origin_hook(g, &path, json!({"max_attempts": 5}));
    let id = post(g, &hook, br#"{"bad":true}"#).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let d = wait_state(g, &hook, &id, "dead_lettered", Duration::from_secs(20));
    assert_eq!(d["state"], "dead_lettered", "{d}");
    assert_eq!(
        d["attempts"].as_array().unwrap().len(),
        1,
        "no retry after a 400"
    );
    let got = origin().received(&path);
    wait_past_the_first_retry(&got[0]);
    assert_eq!(origin().received(&path).len(), 1, "no retry after a 400");
    Ok(())
}

fn retry_after(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("busy"));
    let mut busy = Reply::status(429);
    busy.headers.push(("Retry-After".into(), "3".into()));
    origin().script(&path, vec![busy]);
    let hook = origin_hook(g, &path, json!({}));
    let id = post(g, &hook, br#"{"busy":true}"#).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let d = wait_state(g, &hook, &id, "delivered", Duration::from_secs(20));
    assert_eq!(d["state"], "delivered", "{d}");
    let got = origin().received(&path);
    assert_eq!(got.len(), 2);
    assert!(
        got[1].at - got[0].at >= Duration::from_millis(2900),
        "waited {:?}",
        got[1].at - got[0].at
    );
    Ok(())
}

fn sync_mode(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("sync"));
    let mut answer = Reply::status(200);
    answer.body = "{\"job_id\":\"j-1\"}".into();
    answer
        .headers
        .push(("content-type".into(), "application/json".into()));
    origin().script(&path, vec![answer]);
    let hook = origin_hook(g, &path, json!({"mode": "sync", "timeout_ms": 800}));
    let r = post(g, &hook, br#"{"sync":1}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, "{\"job_id\":\"j-1\"}");
    let got = origin().received(&path);
    assert_eq!(got.len(), 1);
    assert!(verify_standard_webhooks(&got[0], &hook.forwarding_secret));
    // A duplicate replays the origin's answer without calling it again.
    let again = post(g, &hook, br#"{"sync":1}"#);
    assert_eq!(
        (again.status, again.body.as_str()),
        (200, "{\"job_id\":\"j-1\"}")
    );
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(origin().received(&path).len(), 1);

    // Too slow: 504, nothing accepted; the sender's retry goes through.
    let mut slow = Reply::status(200);
    slow.delay = Duration::from_millis(2000);
    origin().script(&path, vec![slow]);
    post(g, &hook, br#"{"sync":2}"#).assert_problem(504, "origin_timeout");
    assert_eq!(
        post(g, &hook, br#"{"sync":2}"#).status,
        200,
        "a retry is not a duplicate"
    );

    // The origin fails: 502, and again a retry is not a duplicate.
    origin().script(&path, vec![Reply::status(500)]);
    post(g, &hook, br#"{"sync":3}"#).assert_problem(502, "origin_failed");
    assert_eq!(post(g, &hook, br#"{"sync":3}"#).status, 200);

    // Nothing listening at all.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let created = Admin::of(g).create(json!({
        "path": format!("/origin/{}", unique("nowhere")), "auth": {"scheme": "hmac-sha256-hex"},
        "target": {"origin": {"url": format!("http://127.0.0.1:{closed}/x"), "mode": "sync", "timeout_ms": 2000}},
    }));
    remember_secret(created["secret"].as_str().unwrap());
    remember_secret(created["forwarding_secret"].as_str().unwrap());
    let nowhere = Hook {
        id: created["id"].as_str().unwrap().into(),
        path: created["path"].as_str().unwrap().into(),
        secret: created["secret"].as_str().unwrap().into(),
        forwarding_secret: String::new(),
    };
    post(g, &nowhere, b"{}").assert_problem(502, "origin_failed");
    Ok(())
}

fn forwarding_rotation(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("rotate"));
    let hook = origin_hook(g, &path, json!({}));
    let r = Admin::of(g).call(
        "POST",
        &format!("/admin/v1/webhooks/{}/rotate-forwarding-secret", hook.id),
        Some(&json!({"grace_period_s": 60})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let new_secret = r.json()["forwarding_secret"].as_str().unwrap().to_string();
    remember_secret(&new_secret);
    assert!(
        r.json().get("secret").is_none(),
        "the inbound secret is not shown"
    );
    assert_eq!(post(g, &hook, br#"{"rotated":1}"#).status, 202);
    let got = origin().wait_for(&path, 1, Duration::from_secs(20));
    assert_eq!(got.len(), 1);
    let sigs = got[0].header("webhook-signature").unwrap();
    assert_eq!(sigs.split(' ').count(), 2, "{sigs}");
    assert!(verify_standard_webhooks(&got[0], &new_secret));
    assert!(verify_standard_webhooks(&got[0], &hook.forwarding_secret));
    Ok(())
}

fn large_body(world: &World) -> TestResult {
    let g = &world.gateway;
    let path = format!("/o/{}", unique("large"));
    let created = Admin::of(g).create(json!({
        "path": format!("/origin/{}", unique("large")), "max_body_bytes": 2 * 1024 * 1024,
        "auth": {"scheme": "hmac-sha256-hex"}, "target": {"origin": {"url": origin().url(&path)}},
    }));
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    remember_secret(created["forwarding_secret"].as_str().unwrap());
    let body: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    let sig = hmac_hex(&secret, &body);
    let r = send(
        "POST",
        &g.url(created["path"].as_str().unwrap()),
        &[
            ("X-Webhook-Signature", &sig),
            ("Content-Type", "application/octet-stream"),
        ],
        &body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let got = origin().wait_for(&path, 1, Duration::from_secs(30));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body.len(), body.len());
    assert_eq!(
        hex::encode(Sha256::digest(&got[0].body)),
        hex::encode(Sha256::digest(&body)),
        "the exact bytes"
    );
    assert_eq!(
        got[0].header("x-hookgate-body-sha256"),
        Some(hex::encode(Sha256::digest(&body)).as_str())
    );
    Ok(())
}
