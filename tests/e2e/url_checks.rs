//! The unsigned URL checks two senders of issue 21 make before any event: Intercom's
//! `HEAD` when the endpoint URL is saved, WooCommerce's `webhook_id=<id>` ping when a
//! webhook is created. Each is answered `200` at the edge and never forwarded; nothing
//! else gets through unsigned. Signing here follows the providers' pages, as the
//! harness's senders do.

use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_harness::client::{send, unique, Admin};
use hookgate_harness::senders::{hmac_sha1, hmac_sha256};
use serde_json::json;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "handshakes::intercom_head_is_answered_and_not_forwarded",
        intercom_head,
    ),
    (
        "handshakes::woocommerce_ping_is_answered_and_not_forwarded",
        woocommerce_ping,
    ),
];

fn register(world: &World, scheme: &str, secret: &str) -> (String, String) {
    remember_secret(secret);
    let created = Admin::of(&world.gateway).create(json!({
        "path": format!("/providers/{}", unique(scheme)),
        "auth": {"scheme": scheme, "secret": secret},
        "target": {"queue": "EVENTS"},
    }));
    (
        created["id"].as_str().unwrap().to_string(),
        created["path"].as_str().unwrap().to_string(),
    )
}

fn forwarded(world: &World, id: &str) -> usize {
    drain(&world.gateway);
    world.gateway.envelopes_for(id).len()
}

fn intercom_head(world: &World) -> TestResult {
    let secret = "intercom-e2e-url-check-secret";
    let (id, path) = register(world, "intercom", secret);
    let url = world.gateway.url(&path);
    let r = send("HEAD", &url, &[], b"");
    assert_eq!(r.status, 200, "{}", r.body);
    // The HEAD is no way around the webhook's methods: a GET is still refused.
    send("GET", &url, &[], b"").assert_problem(405, "method_not_allowed");
    let body = format!(
        r#"{{"type":"notification_event","id":"{}"}}"#,
        unique("notif")
    );
    let sig = format!(
        "sha1={}",
        hex::encode(hmac_sha1(secret.as_bytes(), body.as_bytes()))
    );
    let r = send("POST", &url, &[("X-Hub-Signature", &sig)], body.as_bytes());
    assert_eq!(r.status, 202, "{}", r.body);
    send("POST", &url, &[], body.as_bytes()).assert_problem(401, "signature_missing");
    assert_eq!(forwarded(world, &id), 1, "only the signed notification");

    // Another scheme's webhook answers no HEAD.
    let (_, other) = register(world, "woocommerce", "woocommerce-e2e-no-head");
    // (A HEAD answer carries no body, so only its status is read.)
    assert_eq!(
        send("HEAD", &world.gateway.url(&other), &[], b"").status,
        405
    );
    Ok(())
}

fn woocommerce_ping(world: &World) -> TestResult {
    let secret = "woocommerce-e2e-ping-secret";
    let (id, path) = register(world, "woocommerce", secret);
    let url = world.gateway.url(&path);
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = send("POST", &url, &form, b"webhook_id=12");
    assert_eq!(r.status, 200, "{}", r.body);
    // Only that exact shape, unsigned, is the ping; anything else must be signed.
    send("POST", &url, &form, b"webhook_id=12&total=0").assert_problem(401, "signature_missing");
    let forged = STANDARD.encode(hmac_sha256(b"not-the-secret", b"webhook_id=12"));
    send(
        "POST",
        &url,
        &[("X-WC-Webhook-Signature", forged.as_str())],
        b"webhook_id=12",
    )
    .assert_problem(401, "signature_mismatch");
    let body = br#"{"id":728,"status":"processing"}"#;
    let sig = STANDARD.encode(hmac_sha256(secret.as_bytes(), body));
    let r = send(
        "POST",
        &url,
        &[
            ("X-WC-Webhook-Signature", sig.as_str()),
            ("X-WC-Webhook-Delivery-ID", &unique("wc-delivery")),
        ],
        body,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(forwarded(world, &id), 1, "only the signed order");
    Ok(())
}
