//! Asana through the real Worker: the `X-Hook-Secret` handshake answered with the same
//! header while the webhook is armed, the secret committed at the webhook's object and
//! verifying the `X-Hook-Signature` of later events; a second handshake, one after the
//! arming window, and one for a disabled webhook refused with their codes, and none of
//! them changing what verifies. Signing is the recipe from Asana's documentation (hex
//! HMAC-SHA256 of the body keyed with the handshake's secret), with the harness's own
//! HMAC, independently of `hookgate-core`.

use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{send, unique, Admin, Resp};
use hookgate_harness::gateway::Gateway;
use hookgate_harness::senders::asana::{signature, SECRET_HEADER, SIGNATURE_HEADER};
use hookgate_harness::senders::hmac_sha256;
use serde_json::{json, Value};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "asana::handshake_answered_once_then_signed_events",
        handshake_then_events,
    ),
    (
        "asana::handshake_after_the_window_refused_and_rearm_works",
        window_and_rearm,
    ),
    ("asana::handshake_for_a_disabled_webhook_refused", disabled),
    (
        "asana::stale_kv_neither_loses_the_secret_nor_takes_a_second_handshake",
        stale_projection,
    ),
];

/// A secret of the shape Asana sends (64 hex digits), unique per call, remembered for
/// the final leak check over every line the runtimes printed.
fn hook_secret(tag: &str) -> String {
    let s = hex::encode(hmac_sha256(unique(tag).as_bytes(), b"asana-e2e"));
    remember_secret(&s);
    s
}

fn create(g: &Gateway, extra: Value) -> (String, String) {
    let mut spec = json!({
        "path": format!("/asana/{}", unique("project")),
        "auth": {"scheme": "asana"},
        "target": {"queue": "EVENTS"},
    });
    if let (Some(spec), Some(extra)) = (spec.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            spec.insert(k.clone(), v.clone());
        }
    }
    let created = Admin::of(g).create(spec);
    assert!(
        created.get("secret").is_none(),
        "an asana webhook has no secret to show until Asana sends it: {created}"
    );
    assert_eq!(created["auth"]["secret_count"], 0, "{created}");
    assert_eq!(created["auth"]["arming"]["used"], false, "{created}");
    (
        created["id"].as_str().unwrap().to_string(),
        created["path"].as_str().unwrap().to_string(),
    )
}

fn handshake(g: &Gateway, path: &str, secret: &str) -> Resp {
    send("POST", &g.url(path), &[(SECRET_HEADER, secret)], b"")
}

fn event(g: &Gateway, path: &str, secret: &str, body: &str) -> Resp {
    let sig = signature(secret, body.as_bytes());
    send(
        "POST",
        &g.url(path),
        &[
            (SIGNATURE_HEADER, &sig),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )
}

fn events_body() -> String {
    json!({"events": [{"action": "changed", "resource": {"gid": unique("task"), "resource_type": "task"}}]}).to_string()
}

fn assert_answered(r: &Resp, secret: &str) {
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(r.header("x-hook-secret"), Some(secret));
    assert!(r.body.is_empty());
}

fn arm(g: &Gateway, id: &str, body: Option<Value>) -> Resp {
    Admin::of(g).call(
        "POST",
        &format!("/admin/v1/webhooks/{id}/arm-handshake"),
        body.as_ref(),
    )
}

fn get(g: &Gateway, id: &str) -> Value {
    let r = Admin::of(g).call("GET", &format!("/admin/v1/webhooks/{id}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn handshake_then_events(world: &World) -> TestResult {
    let g = &world.gateway;
    let (id, path) = create(g, json!({}));
    // Before the handshake an event has nothing to be verified with.
    event(g, &path, "no-secret-yet-guess", &events_body()).assert_problem(401, "handshake_pending");
    let secret = hook_secret("first");
    assert_answered(&handshake(g, &path, &secret), &secret);
    // A second handshake, still inside the window, is refused: the planted secret stays.
    let attacker = hook_secret("attacker");
    handshake(g, &path, &attacker).assert_problem(409, "handshake_already_completed");
    // Events signed with the planted secret are accepted; tampered or with the
    // attacker's secret, refused.
    let body = events_body();
    let r = event(g, &path, &secret, &body);
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(!r.body.contains(&secret));
    let sig = signature(&secret, body.as_bytes());
    let tampered = body.replace("changed", "deleted");
    send(
        "POST",
        &g.url(&path),
        &[(SIGNATURE_HEADER, &sig)],
        tampered.as_bytes(),
    )
    .assert_problem(401, "signature_mismatch");
    event(g, &path, &attacker, &events_body()).assert_problem(401, "signature_mismatch");
    send("POST", &g.url(&path), &[], body.as_bytes()).assert_problem(401, "signature_missing");
    // What the admin API shows afterwards: one secret, the arming used, never the value.
    let view = get(g, &id);
    assert_eq!(view["auth"]["secret_count"], 1, "{view}");
    assert_eq!(view["auth"]["arming"]["used"], true, "{view}");
    assert!(!view.to_string().contains(&secret));
    let deliveries = Admin::of(g).call("GET", &format!("/admin/v1/webhooks/{id}/deliveries"), None);
    assert!(!deliveries.body.contains(&secret));
    // Exactly the one event was forwarded, and nothing forwarded carries the secret or
    // either header.
    let envelopes = {
        drain(g);
        g.envelopes_for(&id)
    };
    assert_eq!(envelopes.len(), 1, "{envelopes:?}");
    let text = envelopes[0].to_string().to_ascii_lowercase();
    assert!(!text.contains(&secret) && !text.contains(&attacker));
    assert!(!text.contains("x-hook-signature") && !text.contains("x-hook-secret"));
    Ok(())
}

fn window_and_rearm(world: &World) -> TestResult {
    let g = &world.gateway;
    let (id, path) = create(g, json!({}));
    let first = hook_secret("first");
    assert_answered(&handshake(g, &path, &first), &first);
    // Re-armed for one second: once it has passed, the handshake is refused and the
    // secret still verifies.
    let r = arm(g, &id, Some(json!({"window_s": 1})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["auth"]["arming"]["used"], false);
    assert!(r.json().get("secret").is_none());
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let late = hook_secret("late");
    handshake(g, &path, &late).assert_problem(403, "handshake_not_armed");
    assert_eq!(event(g, &path, &first, &events_body()).status, 202);
    event(g, &path, &late, &events_body()).assert_problem(401, "signature_mismatch");
    // Re-armed with the default window: the next handshake replaces the secret.
    let r = arm(g, &id, None);
    assert_eq!(r.status, 200, "{}", r.body);
    let second = hook_secret("second");
    assert_answered(&handshake(g, &path, &second), &second);
    assert_eq!(event(g, &path, &second, &events_body()).status, 202);
    event(g, &path, &first, &events_body()).assert_problem(401, "signature_mismatch");
    // Arming is only for a scheme whose handshake plants the secret, and bounded.
    arm(g, &id, Some(json!({"window_s": 0}))).assert_problem(400, "invalid_webhook");
    let gh = Admin::of(g).create(json!({
        "path": format!("/asana/{}", unique("not-asana")),
        "auth": {"scheme": "github", "secret": "asana-e2e-github-secret"},
        "target": {"queue": "EVENTS"},
    }));
    remember_secret("asana-e2e-github-secret");
    arm(g, gh["id"].as_str().unwrap(), None).assert_problem(400, "invalid_webhook");
    // A webhook given the secret its operator already holds is not armed at all.
    let known = hook_secret("known");
    let created = Admin::of(g).create(json!({
        "path": format!("/asana/{}", unique("known")),
        "auth": {"scheme": "asana", "secret": known},
        "target": {"queue": "EVENTS"},
    }));
    let known_path = created["path"].as_str().unwrap();
    assert!(created["auth"].get("arming").is_none(), "{created}");
    handshake(g, known_path, &hook_secret("planted")).assert_problem(403, "handshake_not_armed");
    assert_eq!(event(g, known_path, &known, &events_body()).status, 202);
    Ok(())
}

fn disabled(world: &World) -> TestResult {
    let g = &world.gateway;
    let (id, path) = create(g, json!({"enabled": false}));
    let secret = hook_secret("disabled");
    handshake(g, &path, &secret).assert_problem(403, "webhook_disabled");
    // Nothing was planted or used: still no secret, still armed.
    let view = get(g, &id);
    assert_eq!(view["auth"]["secret_count"], 0, "{view}");
    assert_eq!(view["auth"]["arming"]["used"], false, "{view}");
    // Disabled after creation (the object holds it before KV does): refused too.
    let (id, path) = create(g, json!({}));
    let r = Admin::of(g).call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"enabled": false})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    handshake(g, &path, &secret).assert_problem(403, "webhook_disabled");
    // Enabled again, inside the window: the handshake is accepted, once.
    let r = Admin::of(g).call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"enabled": true})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_answered(&handshake(g, &path, &secret), &secret);
    assert_eq!(event(g, &path, &secret, &events_body()).status, 202);
    // A value that cannot serve as a secret is refused and plants nothing.
    let (id, path) = create(g, json!({}));
    handshake(g, &path, "short").assert_problem(400, "handshake_secret_invalid");
    assert_eq!(get(g, &id)["auth"]["arming"]["used"], false);
    Ok(())
}

/// The object is the authority, not KV: with the route put back to its pre-handshake
/// state (as a lagging KV location, or a failed projection, would serve it), an event
/// signed with the planted secret is still accepted (the webhook's object is asked), and
/// a second handshake that looks armed to that stale copy still loses the
/// compare-and-set at the object and is refused; the next admin access repairs KV.
fn stale_projection(world: &World) -> TestResult {
    use super::guarantees::raw_kv;
    let g = &world.faults;
    let (id, path) = create(g, json!({}));
    let route_key = format!("route:{path}");
    let stale = raw_kv(g, "GET", &route_key, None)
        .json()
        .as_str()
        .unwrap()
        .to_string();
    assert!(stale.contains(r#""secrets":[]"#), "{stale}");
    let secret = hook_secret("stale-first");
    assert_answered(&handshake(g, &path, &secret), &secret);

    assert_eq!(raw_kv(g, "PUT", &route_key, Some(&stale)).status, 204);
    let r = event(g, &path, &secret, &events_body());
    assert_eq!(r.status, 202, "{}", r.body);

    assert_eq!(raw_kv(g, "PUT", &route_key, Some(&stale)).status, 204);
    let attacker = hook_secret("stale-attacker");
    handshake(g, &path, &attacker).assert_problem(409, "handshake_already_completed");
    event(g, &path, &attacker, &events_body()).assert_problem(401, "signature_mismatch");
    assert_eq!(event(g, &path, &secret, &events_body()).status, 202);

    // The admin API reads the object's record and brings KV in line.
    assert_eq!(raw_kv(g, "PUT", &route_key, Some(&stale)).status, 204);
    let view = get(g, &id);
    assert_eq!(view["auth"]["secret_count"], 1, "{view}");
    assert_eq!(view["auth"]["arming"]["used"], true, "{view}");
    let repaired = raw_kv(g, "GET", &route_key, None).json();
    let repaired = repaired.as_str().unwrap();
    assert!(repaired.contains(r#""used":true"#), "{repaired}");
    Ok(())
}
