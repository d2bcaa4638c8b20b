//! The operator's side: the admin API's contract.

use super::ingress::{hmac_webhook, path_of, send_signed};
use super::{remember_secret, TestResult, World};
use hookgate_harness::client::{send, unique, Admin};
use serde_json::json;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "admin::closed_when_no_admin_token_is_configured",
        closed_without_token,
    ),
    ("logs::request_log_off_is_silent", request_log_off_is_silent),
    (
        "admin::every_webhook_gets_its_own_random_secrets",
        secrets_are_random_per_webhook,
    ),
    (
        "admin::generated_secret_is_shown_once_and_never_by_get_or_list",
        secret_shown_once,
    ),
    ("admin::supplied_secret_is_used", supplied_secret_is_used),
    (
        "admin::disable_takes_effect_at_once_and_enable_restores",
        disable_and_enable,
    ),
    ("admin::delete_removes_the_route", delete_removes_route),
    (
        "admin::patch_moves_a_webhook_to_a_new_path",
        patch_moves_path,
    ),
    (
        "admin::patch_replaces_the_secret_and_shows_it_once",
        patch_replaces_secret,
    ),
];

fn closed_without_token(world: &World) -> TestResult {
    for auth in [
        None,
        Some("Bearer anything".to_string()),
        Some(format!("Bearer {}", super::ADMIN_TOKEN)),
    ] {
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|a| ("Authorization", a))
            .into_iter()
            .collect();
        let r = send(
            "GET",
            &world.closed.url("/admin/v1/webhooks"),
            &headers,
            b"",
        );
        r.assert_problem(503, "admin_disabled");
        let r = send(
            "POST",
            &world.closed.url("/admin/v1/webhooks"),
            &headers,
            br#"{"path":"/x","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
        );
        r.assert_problem(503, "admin_disabled");
    }
    // Nothing was registered by those attempts.
    let r = send("POST", &world.closed.url("/x/somekey"), &[], b"");
    r.assert_problem(404, "webhook_not_found");
    Ok(())
}

/// REQUEST_LOG=off silences the per-request line (the closed gateway runs with it); with
/// `all` (the fault build's gateway) the same refusal is logged.
fn request_log_off_is_silent(world: &World) -> TestResult {
    let path = format!("/quiet/{}", unique("probe"));
    for gateway in [&world.closed, &world.faults] {
        send("POST", &gateway.url(&path), &[], b"").assert_problem(404, "webhook_not_found");
    }
    // A 404's line names no path or webhook, so it cannot be told from other tests'. On
    // the fault gateway a refusal at a webhook of this test's own is counted instead:
    // exactly one line, with its id.
    let created = Admin::of(&world.faults).create(json!({
        "path": format!("/quiet/{}", unique("hook")),
        "auth": {"scheme": "hmac-sha256-hex"}, "target": {"queue": "EVENTS"},
    }));
    remember_secret(created["secret"].as_str().unwrap());
    let id = created["id"].as_str().unwrap();
    send(
        "POST",
        &world.faults.url(created["path"].as_str().unwrap()),
        &[],
        b"{}",
    )
    .assert_problem(401, "signature_missing");
    let own_lines = |g: &hookgate_harness::gateway::Gateway| {
        g.worker_logs()
            .into_iter()
            .filter(|v| v["msg"] == "request" && v["webhook_id"] == id)
            .collect::<Vec<_>>()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let saw_probe =
        |g: &hookgate_harness::gateway::Gateway| g.output().iter().any(|l| l.contains(&path));
    while !(saw_probe(&world.closed)
        && saw_probe(&world.faults)
        && !own_lines(&world.faults).is_empty())
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // wrangler's own access log shows the probe on both: both runtimes served it.
    assert!(
        saw_probe(&world.closed) && saw_probe(&world.faults),
        "both runtimes served the probe"
    );
    let logged = own_lines(&world.faults);
    assert_eq!(logged.len(), 1, "REQUEST_LOG=all: one line: {logged:?}");
    assert_eq!(logged[0]["code"], "signature_missing");
    // With REQUEST_LOG=off no request line at all, from this test or any other.
    let closed_lines: Vec<_> = world
        .closed
        .worker_logs()
        .into_iter()
        .filter(|v| v["msg"] == "request")
        .collect();
    assert!(
        closed_lines.is_empty(),
        "REQUEST_LOG=off still logged requests: {closed_lines:?}"
    );
    Ok(())
}

fn secret_shown_once(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (created, secret) = hmac_webhook(world, json!({}));
    assert!(secret.starts_with("hgs_") && secret.len() >= 40, "{secret}");
    let id = created["id"].as_str().unwrap();
    let got = admin.call("GET", &format!("/admin/v1/webhooks/{id}"), None);
    assert_eq!(got.status, 200);
    assert!(!got.body.contains(&secret[4..]), "GET leaked the secret");
    let view = got.json();
    assert!(view.get("secret").is_none());
    assert_eq!(view["auth"]["secret_count"], 1);
    assert_eq!(view["path"], created["path"]);
    assert_eq!(view["methods"], json!(["POST"]));
    assert_eq!(view["max_body_bytes"], 1048576);
    assert_eq!(view["enabled"], true);
    let list = admin.call("GET", "/admin/v1/webhooks", None);
    assert_eq!(list.status, 200);
    assert!(!list.body.contains(&secret[4..]), "list leaked the secret");
    let listed = list.json();
    assert!(listed["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["id"] == id));
    Ok(())
}

fn supplied_secret_is_used(world: &World) -> TestResult {
    let (created, secret) = hmac_webhook(
        world,
        json!({"auth": {"secret": "kubiya-supplied-secret-9"}}),
    );
    assert_eq!(secret, "kubiya-supplied-secret-9");
    send_signed(world, &path_of(&created), "kubiya-supplied-secret-9", b"{}");
    Ok(())
}

fn disable_and_enable(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (created, secret) = hmac_webhook(world, json!({}));
    let id = created["id"].as_str().unwrap();
    let path = path_of(&created);
    send_signed(world, &path, &secret, b"{}");
    let r = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"enabled": false})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["enabled"], false);
    let sig = hookgate_harness::client::hmac_hex(&secret, b"{}");
    let r = send(
        "POST",
        &world.gateway.url(&path),
        &[("X-Webhook-Signature", &sig)],
        b"{}",
    );
    r.assert_problem(403, "webhook_disabled");
    let r = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"enabled": true})),
    );
    assert_eq!(r.status, 200);
    send_signed(world, &path, &secret, b"{}");
    Ok(())
}

fn delete_removes_route(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (created, secret) = hmac_webhook(world, json!({}));
    let id = created["id"].as_str().unwrap();
    let path = path_of(&created);
    send_signed(world, &path, &secret, b"{}");
    let r = admin.call("DELETE", &format!("/admin/v1/webhooks/{id}"), None);
    assert_eq!(r.status, 204, "{}", r.body);
    let sig = hookgate_harness::client::hmac_hex(&secret, b"{}");
    let r = send(
        "POST",
        &world.gateway.url(&path),
        &[("X-Webhook-Signature", &sig)],
        b"{}",
    );
    r.assert_problem(404, "webhook_not_found");
    admin
        .call("GET", &format!("/admin/v1/webhooks/{id}"), None)
        .assert_problem(404, "not_found");
    admin
        .call("DELETE", &format!("/admin/v1/webhooks/{id}"), None)
        .assert_problem(404, "not_found");
    // The path is free again.
    admin.create(
        json!({"path": path, "auth": {"scheme": "url-key"}, "target": {"queue": "EVENTS"}}),
    );
    Ok(())
}

fn patch_moves_path(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (created, secret) = hmac_webhook(world, json!({}));
    let id = created["id"].as_str().unwrap();
    let old = path_of(&created);
    let new = format!("/moved/{}", unique("to"));
    let r = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"path": new})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["path"], new.as_str());
    let answer = send_signed(world, &new, &secret, b"{}");
    assert_eq!(answer["webhook_id"], id);
    let sig = hookgate_harness::client::hmac_hex(&secret, b"{}");
    send(
        "POST",
        &world.gateway.url(&old),
        &[("X-Webhook-Signature", &sig)],
        b"{}",
    )
    .assert_problem(404, "webhook_not_found");
    Ok(())
}

fn patch_replaces_secret(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (created, old_secret) = hmac_webhook(world, json!({}));
    let id = created["id"].as_str().unwrap();
    let path = path_of(&created);
    let r = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"auth": {"secret": "replacement-secret-77"}})),
    );
    remember_secret("replacement-secret-77");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["secret"], "replacement-secret-77");
    send_signed(world, &path, "replacement-secret-77", b"{}");
    let sig = hookgate_harness::client::hmac_hex(&old_secret, b"{}");
    send(
        "POST",
        &world.gateway.url(&path),
        &[("X-Webhook-Signature", &sig)],
        b"{}",
    )
    .assert_problem(401, "signature_mismatch");
    let got = admin.call("GET", &format!("/admin/v1/webhooks/{id}"), None);
    assert!(!got.body.contains("replacement-secret-77"));
    Ok(())
}

/// Two webhooks never share a secret or a forwarding secret (each is 32 fresh random
/// bytes): a forwarding secret one operator sees must not verify another's forwards.
fn secrets_are_random_per_webhook(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..3 {
        let created = admin.create(json!({
            "path": format!("/fwd/{}", unique("random")),
            "auth": {"scheme": "hmac-sha256-hex"},
            "target": {"origin": {"url": "http://127.0.0.1:9/none"}},
        }));
        for field in ["secret", "forwarding_secret"] {
            let value = created[field].as_str().unwrap().to_string();
            remember_secret(&value);
            assert!(seen.insert(value), "{field} repeated across webhooks");
        }
    }
    Ok(())
}
