//! The per-webhook Durable Object end to end: exact idempotency under concurrency for
//! every key source, release on a failed hand-over, the exact sliding window with its
//! header fields, revocation that holds while KV is stale, one winner for concurrent
//! creates of a path, the delivery log, and state that survives a runtime restart.

use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{hmac_hex, send, unique, Admin, Resp};
use hookgate_harness::gateway::{Gateway, TempDir};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "guard::fifty_concurrent_copies_are_forwarded_once_for_each_key_source",
        concurrent_duplicates,
    ),
    ("guard::a_reused_key_with_another_body_is_422", reused_key),
    (
        "guard::a_failed_hand_over_releases_the_key",
        failed_hand_over,
    ),
    (
        "guard::the_rate_limit_is_exact_and_reports_its_fields",
        rate_limit,
    ),
    ("guard::the_window_moves_and_admits_again", window_moves),
    (
        "guard::disable_delete_and_rotation_hold_while_kv_is_stale",
        revoke_with_stale_kv,
    ),
    (
        "guard::two_concurrent_creates_for_one_path_have_one_winner",
        concurrent_creates,
    ),
    (
        "guard::conflict_mode_answers_duplicates_with_409",
        conflict_mode,
    ),
    (
        "guard::the_delivery_log_lists_newest_first_without_secrets",
        delivery_log,
    ),
    (
        "guard::dedupe_and_window_survive_a_runtime_restart",
        restart,
    ),
    (
        "guard::a_namespace_limit_is_shared_by_its_webhooks",
        namespace_limit,
    ),
];

fn namespace_limit(world: &World) -> TestResult {
    let g = &world.gateway;
    let admin = Admin::of(g);
    let name = unique("acme").to_ascii_lowercase();
    let url = format!("/admin/v1/namespaces/{name}");
    admin
        .call(
            "PUT",
            &url,
            Some(&json!({"rate_limit": {"limit": 0, "window_s": 60}})),
        )
        .assert_problem(400, "invalid_webhook");
    let put = admin.call(
        "PUT",
        &url,
        Some(&json!({"rate_limit": {"limit": 3, "window_s": 60}})),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        admin.call("GET", &url, None).json()["rate_limit"],
        json!({"limit": 3, "window_s": 60})
    );

    let a = hmac_hook(g, json!({"namespace": name}));
    let b = hmac_hook(g, json!({"namespace": name}));
    let outside = hmac_hook(g, json!({}));
    assert_eq!(post(g, &a, br#"{"ns":1}"#, &[]).status, 202);
    assert_eq!(post(g, &a, br#"{"ns":2}"#, &[]).status, 202);
    assert_eq!(post(g, &b, br#"{"ns":3}"#, &[]).status, 202);
    let limited = post(g, &b, br#"{"ns":4}"#, &[]);
    limited.assert_problem(429, "rate_limited");
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert_eq!(
        limited.header("ratelimit-policy"),
        Some("\"webhook\";q=3;w=60")
    );
    post(g, &a, br#"{"ns":5}"#, &[]).assert_problem(429, "rate_limited");
    // A duplicate is answered from the webhook's own memory, not counted.
    assert!(replayed(&post(g, &a, br#"{"ns":1}"#, &[])));
    // Webhooks outside the namespace are not affected, and B's own view says so.
    assert_eq!(post(g, &outside, br#"{"ns":6}"#, &[]).status, 202);
    let view = admin
        .call("GET", &format!("/admin/v1/webhooks/{}", b.id), None)
        .json();
    assert_eq!(view["namespace"], name.as_str());
    // The refusals are in the webhooks' delivery logs.
    let log = admin
        .call(
            "GET",
            &format!("/admin/v1/webhooks/{}/deliveries?limit=1", b.id),
            None,
        )
        .json();
    assert_eq!(log["deliveries"][0]["outcome"], "rate_limited");
    Ok(())
}

pub(super) struct Hook {
    pub(super) id: String,
    pub(super) path: String,
    pub(super) secret: String,
}

pub(super) fn hmac_hook(g: &Gateway, extra: Value) -> Hook {
    let path = format!("/guard/{}", unique("hook"));
    let mut spec =
        json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"}});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    let created = Admin::of(g).create(spec);
    let secret = created["secret"].as_str().unwrap().to_string();
    remember_secret(&secret);
    if let Some(f) = created["forwarding_secret"].as_str() {
        remember_secret(f);
    }
    Hook {
        id: created["id"].as_str().unwrap().to_string(),
        path,
        secret,
    }
}

pub(super) fn post(g: &Gateway, hook: &Hook, body: &[u8], extra: &[(&str, &str)]) -> Resp {
    let sig = hmac_hex(&hook.secret, body);
    let mut headers = vec![("X-Webhook-Signature", sig.as_str())];
    headers.extend_from_slice(extra);
    send("POST", &g.url(&hook.path), &headers, body)
}

pub(super) fn replayed(r: &Resp) -> bool {
    r.header("idempotent-replayed") == Some("true")
}

/// Sends the same request from 50 threads at once; checks one fresh 202, the rest
/// replays of it or 409 in flight, and exactly one envelope at the consumer.
fn fifty_at_once(world: &World, hook: &Hook, body: &[u8], headers: &[(&str, &str)], label: &str) {
    let g = &world.gateway;
    fifty_copies(world, &hook.id, label, || post(g, hook, body, headers));
}

/// `send` from 50 threads at once: exactly one fresh 202; every other answer a replay
/// naming that delivery, or `409 idempotency_key_in_flight`; one envelope, that one.
fn fifty_copies(world: &World, hook_id: &str, label: &str, send: impl Fn() -> Resp + Sync) {
    let g = &world.gateway;
    let answers: Vec<Resp> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50).map(|_| s.spawn(&send)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let fresh: Vec<&Resp> = answers
        .iter()
        .filter(|r| r.status == 202 && !replayed(r))
        .collect();
    assert_eq!(
        fresh.len(),
        1,
        "{label}: one fresh 202, got {:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let id = fresh[0].json()["id"].as_str().unwrap().to_string();
    for r in &answers {
        match (r.status, replayed(r)) {
            (202, _) => assert_eq!(
                r.json()["id"],
                id.as_str(),
                "{label}: a replay names the original"
            ),
            (409, false) => {
                r.assert_problem(409, "idempotency_key_in_flight");
            }
            other => panic!("{label}: unexpected answer {other:?}: {}", r.body),
        }
    }
    drain(g);
    let forwarded = g.envelopes_for(hook_id);
    assert_eq!(
        forwarded.len(),
        1,
        "{label}: forwarded {} times",
        forwarded.len()
    );
    assert_eq!(forwarded[0]["envelope"]["id"], id.as_str());
}

fn concurrent_duplicates(world: &World) -> TestResult {
    let hook = hmac_hook(&world.gateway, json!({}));
    fifty_at_once(
        world,
        &hook,
        br#"{"n":1}"#,
        &[("Idempotency-Key", "order-42")],
        "Idempotency-Key",
    );

    let github = {
        let path = format!("/guard/{}", unique("github"));
        let created = Admin::of(&world.gateway).create(json!({
            "path": path, "auth": {"scheme": "github", "secret": "github-guard-secret"},
            "target": {"queue": "EVENTS"},
        }));
        remember_secret("github-guard-secret");
        Hook {
            id: created["id"].as_str().unwrap().to_string(),
            path,
            secret: "github-guard-secret".into(),
        }
    };
    let body = br#"{"action":"opened"}"#;
    let sig = format!("sha256={}", hmac_hex(&github.secret, body));
    let g = &world.gateway;
    fifty_copies(world, &github.id, "provider id", || {
        send(
            "POST",
            &g.url(&github.path),
            &[
                ("X-Hub-Signature-256", &sig),
                ("X-GitHub-Delivery", "72d3162e-cc78-11e3"),
            ],
            body,
        )
    });

    // No id at all: the body's hash is the key, so a stripped id header does not help.
    let plain = hmac_hook(&world.gateway, json!({}));
    fifty_at_once(world, &plain, br#"{"n":"no id"}"#, &[], "body hash");
    Ok(())
}

fn reused_key(world: &World) -> TestResult {
    let g = &world.gateway;
    let hook = hmac_hook(g, json!({}));
    assert_eq!(
        post(g, &hook, br#"{"v":1}"#, &[("Idempotency-Key", "k-reused")]).status,
        202
    );
    post(g, &hook, br#"{"v":2}"#, &[("Idempotency-Key", "k-reused")])
        .assert_problem(422, "idempotency_key_reused");
    // A provider id reused with another body too.
    let path = format!("/guard/{}", unique("stripe"));
    let secret = "whsec_guard_reuse_01";
    remember_secret(secret);
    Admin::of(g).create(json!({"path": path, "auth": {"scheme": "stripe", "secret": secret}, "target": {"queue": "EVENTS"}}));
    let stripe = |body: &[u8]| {
        let ts = hookgate_harness::senders::now_secs();
        let mut content = format!("{ts}.").into_bytes();
        content.extend_from_slice(body);
        let sig = format!(
            "t={ts},v1={}",
            hex::encode(hookgate_harness::senders::hmac_sha256(
                secret.as_bytes(),
                &content
            ))
        );
        send("POST", &g.url(&path), &[("Stripe-Signature", &sig)], body)
    };
    assert_eq!(stripe(br#"{"id":"evt_reuse","amount":1}"#).status, 202);
    let again = stripe(br#"{"id":"evt_reuse","amount":1}"#);
    assert_eq!(
        (again.status, replayed(&again)),
        (202, true),
        "{}",
        again.body
    );
    stripe(br#"{"id":"evt_reuse","amount":2}"#).assert_problem(422, "idempotency_key_reused");
    Ok(())
}

fn failed_hand_over(world: &World) -> TestResult {
    let g = &world.faults;
    let hook = hmac_hook(g, json!({}));
    let body = br#"{"handover":"fails once"}"#;
    let first = post(g, &hook, body, &[("x-hookgate-test-fail-handover", "1")]);
    first.assert_problem(503, "forward_failed");
    assert!(first.header("retry-after").is_some());
    let retry = post(g, &hook, body, &[]);
    assert_eq!(retry.status, 202, "{}", retry.body);
    assert!(
        !replayed(&retry),
        "the retry is not a duplicate of a failed hand-over"
    );
    let id = retry.json()["id"].as_str().unwrap().to_string();
    g.wait_envelope(&id);
    let again = post(g, &hook, body, &[]);
    assert!(replayed(&again) && again.json()["id"] == id.as_str());
    // The fault gateway's own sentinel: whatever it forwarded before is consumed now.
    drain(g);
    assert_eq!(g.envelopes_for(&hook.id).len(), 1, "forwarded once");
    let log = Admin::of(g)
        .call(
            "GET",
            &format!("/admin/v1/webhooks/{}/deliveries", hook.id),
            None,
        )
        .json();
    let outcomes: Vec<&str> = log["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, vec!["replayed", "accepted", "forward_failed"]);
    Ok(())
}

fn rate_limit(world: &World) -> TestResult {
    let g = &world.gateway;
    let hook = hmac_hook(g, json!({}));
    let started = Instant::now();
    for i in 0..100 {
        let r = post(g, &hook, format!("{{\"n\":{i}}}").as_bytes(), &[]);
        assert_eq!(r.status, 202, "request {i}: {}", r.body);
        assert_eq!(r.header("ratelimit-policy"), Some("\"webhook\";q=100;w=60"));
        let field = r.header("ratelimit").unwrap_or_default().to_string();
        assert!(
            field.starts_with(&format!("\"webhook\";r={};t=", 99 - i)),
            "request {i}: {field}"
        );
    }
    let limited = post(g, &hook, br#"{"n":100}"#, &[]);
    limited.assert_problem(429, "rate_limited");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    let elapsed = started.elapsed().as_secs();
    assert!(
        retry_after >= 60u64.saturating_sub(elapsed + 1) && retry_after <= 60,
        "Retry-After {retry_after} after {elapsed} s"
    );
    assert!(limited
        .header("ratelimit")
        .unwrap()
        .starts_with("\"webhook\";r=0;"));
    // A duplicate of an accepted delivery is answered, and not counted.
    let dup = post(g, &hook, br#"{"n":5}"#, &[]);
    assert!(replayed(&dup), "{} {}", dup.status, dup.body);
    post(g, &hook, br#"{"n":101}"#, &[]).assert_problem(429, "rate_limited");
    Ok(())
}

fn window_moves(world: &World) -> TestResult {
    let g = &world.gateway;
    let hook = hmac_hook(g, json!({"rate_limit": {"limit": 3, "window_s": 2}}));
    for i in 0..3 {
        assert_eq!(
            post(g, &hook, format!("{{\"w\":{i}}}").as_bytes(), &[]).status,
            202
        );
    }
    let limited = post(g, &hook, br#"{"w":3}"#, &[]);
    limited.assert_problem(429, "rate_limited");
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "Retry-After {wait}");
    std::thread::sleep(Duration::from_millis(wait * 1000 + 100));
    assert_eq!(post(g, &hook, br#"{"w":4}"#, &[]).status, 202);
    Ok(())
}

fn raw_kv(g: &Gateway, method: &str, key: &str, value: Option<&str>) -> Resp {
    let admin = Admin::of(g);
    let auth = format!("Bearer {}", admin.token);
    let encoded = key
        .replace('%', "%25")
        .replace('/', "%2F")
        .replace(':', "%3A");
    send(
        method,
        &g.url(&format!("/admin/test/kv/{encoded}")),
        &[("Authorization", &auth)],
        value.unwrap_or_default().as_bytes(),
    )
}

/// What a slow KV propagation would leave: the old value written back directly.
fn put_back(g: &Gateway, key: &str, old: &str) {
    assert_eq!(raw_kv(g, "PUT", key, Some(old)).status, 204);
}

fn revoke_with_stale_kv(world: &World) -> TestResult {
    let g = &world.faults;
    let hook = hmac_hook(g, json!({}));
    let route_key = format!("route:{}", hook.path);
    let pointer_key = format!("webhook:{}", hook.id);
    let n = std::cell::Cell::new(0);
    let deliver = |secret: &str| {
        n.set(n.get() + 1);
        let body = format!("{{\"revoke\":{}}}", n.get());
        let sig = hmac_hex(secret, body.as_bytes());
        send(
            "POST",
            &g.url(&hook.path),
            &[("X-Webhook-Signature", &sig)],
            body.as_bytes(),
        )
        .status
    };
    assert_eq!(deliver(&hook.secret), 202);
    let enabled_record = raw_kv(g, "GET", &route_key, None)
        .json()
        .as_str()
        .unwrap()
        .to_string();
    let admin = Admin::of(g);
    let url = format!("/admin/v1/webhooks/{}", hook.id);

    assert_eq!(
        admin
            .call("PATCH", &url, Some(&json!({"enabled": false})))
            .status,
        200
    );
    put_back(g, &route_key, &enabled_record);
    assert_eq!(
        deliver(&hook.secret),
        403,
        "disabled, although KV says enabled"
    );

    assert_eq!(
        admin
            .call("PATCH", &url, Some(&json!({"enabled": true})))
            .status,
        200
    );
    assert_eq!(deliver(&hook.secret), 202, "re-enabled");

    let rotated = admin.call(
        "POST",
        &format!("{url}/rotate-secret"),
        Some(&json!({"grace_period_s": 0})),
    );
    assert_eq!(rotated.status, 200);
    let new_secret = rotated.json()["secret"].as_str().unwrap().to_string();
    remember_secret(&new_secret);
    put_back(g, &route_key, &enabled_record);
    assert_eq!(
        deliver(&hook.secret),
        401,
        "the old secret, although KV still holds it"
    );
    assert_eq!(deliver(&new_secret), 202);

    let pointer = raw_kv(g, "GET", &pointer_key, None)
        .json()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(admin.call("DELETE", &url, None).status, 204);
    put_back(g, &route_key, &enabled_record);
    put_back(g, &pointer_key, &pointer);
    // The stale record verifies the old secret; the object refuses it as deleted.
    assert_eq!(deliver(&hook.secret), 404, "deleted, although KV routes it");
    // Against that stale record the new secret does not verify: refused before the
    // object is ever asked (only verified requests reach it).
    assert_eq!(deliver(&new_secret), 401);
    Ok(())
}

fn concurrent_creates(world: &World) -> TestResult {
    let g = &world.gateway;
    for _ in 0..3 {
        let path = format!("/guard/{}", unique("contested"));
        let spec = json!({"path": path, "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"}});
        let answers: Vec<Resp> = std::thread::scope(|s| {
            let a = s.spawn(|| Admin::of(g).call("POST", "/admin/v1/webhooks", Some(&spec)));
            let b = s.spawn(|| Admin::of(g).call("POST", "/admin/v1/webhooks", Some(&spec)));
            vec![a.join().unwrap(), b.join().unwrap()]
        });
        let won: Vec<&Resp> = answers.iter().filter(|r| r.status == 201).collect();
        assert_eq!(
            won.len(),
            1,
            "{:?}",
            answers
                .iter()
                .map(|r| (r.status, &r.body))
                .collect::<Vec<_>>()
        );
        remember_secret(won[0].json()["secret"].as_str().unwrap());
        let lost = answers.iter().find(|r| r.status != 201).unwrap();
        lost.assert_problem(409, "path_conflict");
        let all = Admin::of(g).call("GET", "/admin/v1/webhooks", None).json();
        let at_path = all["webhooks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["path"] == path.as_str())
            .count();
        assert_eq!(at_path, 1, "{path} is registered once");
    }
    Ok(())
}

fn conflict_mode(world: &World) -> TestResult {
    let g = &world.gateway;
    let hook = hmac_hook(
        g,
        json!({"idempotency": {"on_duplicate": "conflict", "window_s": 60}}),
    );
    assert_eq!(
        post(g, &hook, br#"{"c":1}"#, &[("Idempotency-Key", "c-1")]).status,
        202
    );
    post(g, &hook, br#"{"c":1}"#, &[("Idempotency-Key", "c-1")])
        .assert_problem(409, "duplicate_delivery");
    let view = Admin::of(g)
        .call("GET", &format!("/admin/v1/webhooks/{}", hook.id), None)
        .json();
    assert_eq!(
        view["idempotency"],
        // The body-hash window is never longer than the key window it was not given.
        json!({"window_s": 60, "on_duplicate": "conflict", "body_hash_window_s": 60})
    );
    Ok(())
}

fn delivery_log(world: &World) -> TestResult {
    let g = &world.gateway;
    let hook = hmac_hook(g, json!({}));
    let admin = Admin::of(g);
    let url = format!("/admin/v1/webhooks/{}", hook.id);
    assert!(admin.call("GET", &url, None).json()["last_triggered_at"].is_null());
    let first = post(g, &hook, br#"{"log":1}"#, &[("Idempotency-Key", "log-1")]);
    assert_eq!(first.status, 202);
    assert!(replayed(&post(
        g,
        &hook,
        br#"{"log":1}"#,
        &[("Idempotency-Key", "log-1")]
    )));
    assert_eq!(post(g, &hook, br#"{"log":2}"#, &[]).status, 202);
    // A request that fails verification never reaches the object, so it is not logged.
    assert_eq!(
        send(
            "POST",
            &g.url(&hook.path),
            &[("X-Webhook-Signature", "00")],
            b"{}"
        )
        .status,
        401
    );

    let all = admin.call("GET", &format!("{url}/deliveries"), None);
    assert_eq!(all.status, 200, "{}", all.body);
    let entries = all.json()["deliveries"].as_array().unwrap().clone();
    let outcomes: Vec<&str> = entries
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, vec!["accepted", "replayed", "accepted"]);
    let oldest = &entries[2];
    assert_eq!(oldest["id"], first.json()["id"]);
    assert_eq!(oldest["idempotency_key"], "h:log-1");
    assert_eq!(oldest["key_source"], "idempotency_key_header");
    assert_eq!(oldest["status"], 202);
    assert_eq!(oldest["method"], "POST");
    assert_eq!(oldest["size"], 9);
    assert!(!all.body.contains(&hook.secret));

    let two = admin
        .call("GET", &format!("{url}/deliveries?limit=2"), None)
        .json();
    assert_eq!(two["deliveries"].as_array().unwrap().len(), 2);
    admin
        .call("GET", &format!("{url}/deliveries?limit=0"), None)
        .assert_problem(400, "invalid_query");
    let view = admin.call("GET", &url, None).json();
    assert_eq!(view["last_triggered_at"], entries[0]["received_at"]);
    Ok(())
}

/// A gateway of its own on a state directory it keeps, stopped and started again.
fn restart(_: &World) -> TestResult {
    let state = TempDir::new("restart");
    let token = Some(super::ADMIN_TOKEN);
    let (hook, first_id) = {
        let g = Gateway::start_in(&state.0, None, token, &[]);
        let hook = hmac_hook(&g, json!({"rate_limit": {"limit": 3, "window_s": 600}}));
        let first = post(
            &g,
            &hook,
            br#"{"r":1}"#,
            &[("Idempotency-Key", "restart-1")],
        );
        assert_eq!(first.status, 202);
        for i in 2..=3 {
            assert_eq!(
                post(&g, &hook, format!("{{\"r\":{i}}}").as_bytes(), &[]).status,
                202
            );
        }
        (hook, first.json()["id"].as_str().unwrap().to_string())
    };
    let g = Gateway::start_in(&state.0, None, token, &[]);
    let dup = post(
        &g,
        &hook,
        br#"{"r":1}"#,
        &[("Idempotency-Key", "restart-1")],
    );
    assert!(replayed(&dup), "{} {}", dup.status, dup.body);
    assert_eq!(
        dup.json()["id"],
        first_id.as_str(),
        "the same delivery, remembered"
    );
    post(&g, &hook, br#"{"r":4}"#, &[]).assert_problem(429, "rate_limited");
    Ok(())
}
