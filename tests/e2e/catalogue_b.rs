//! The catalogue's batch-b providers whose answers are not hookgate's usual `202`, or
//! that send an unsigned setup request, through the real Worker. Signed from the
//! providers' pages, independently of `hookgate-core`.

use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_harness::client::{send, unique, Admin, Resp};
use hookgate_harness::senders::hmac_sha256;
use serde_json::{json, Value};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "schemes::xero_answers_200_without_a_body_and_401_to_a_bad_signature",
        xero,
    ),
    (
        "schemes::airtable_pings_are_answered_204_without_a_body",
        airtable,
    ),
    (
        "schemes::notion_verification_token_is_logged_forwarded_redacted_then_events_verify",
        notion,
    ),
];

/// Registers a webhook with the scheme and, when given, the secret; returns (id, path,
/// the record as created).
fn register(world: &World, scheme: &str, secret: Option<&str>) -> (String, String, Value) {
    let mut auth = json!({ "scheme": scheme });
    if let Some(secret) = secret {
        auth["secret"] = json!(secret);
        remember_secret(secret);
    }
    let created = Admin::of(&world.gateway).create(json!({
        "path": format!("/providers/{}", unique(scheme)),
        "auth": auth,
        "target": {"queue": "EVENTS"},
    }));
    remember_secret(created["secret"].as_str().unwrap());
    (
        created["id"].as_str().unwrap().to_string(),
        created["path"].as_str().unwrap().to_string(),
        created,
    )
}

fn post(world: &World, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    send("POST", &world.gateway.url(path), headers, body)
}

/// Waits until `n` envelopes of the webhook went through the queue.
fn envelopes(world: &World, id: &str, n: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let got = world.gateway.envelopes_for(id);
        if got.len() >= n || std::time::Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// developer.xero.com, "Configuring your server": 200 with no body for a correctly
/// signed payload, 401 for an incorrectly signed one; the intent-to-receive requests
/// are shaped like this one.
fn xero(world: &World) -> TestResult {
    let key = "xero-e2e-webhook-signing-key";
    let (id, path, _) = register(world, "xero", Some(key));
    let intent =
        br#"{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}"#;
    let sign = |k: &[u8], body: &[u8]| STANDARD.encode(hmac_sha256(k, body));
    let good = sign(key.as_bytes(), intent);
    let r = post(world, &path, &[("x-xero-signature", &good)], intent);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.is_empty(), "Xero wants no body: {:?}", r.body);
    assert!(r.header("set-cookie").is_none());
    // Incorrectly signed (another key), unsigned, and tampered: 401 problems.
    let bad = sign(b"not-the-webhook-key", intent);
    post(world, &path, &[("x-xero-signature", &bad)], intent)
        .assert_problem(401, "signature_mismatch");
    post(world, &path, &[], intent).assert_problem(401, "signature_missing");
    let tampered =
        br#"{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xT"}"#;
    post(world, &path, &[("x-xero-signature", &good)], tampered)
        .assert_problem(401, "signature_mismatch");
    // The good one went through the queue, once, without its signature header.
    drain(&world.gateway);
    let got = envelopes(world, &id, 1);
    assert_eq!(got.len(), 1, "forwarded: {got:?}");
    assert!(got[0]["envelope"]["request"]["headers"]
        .get("x-xero-signature")
        .is_none());
    // A duplicate gets the same empty 200.
    let again = post(world, &path, &[("x-xero-signature", &good)], intent);
    assert_eq!((again.status, again.body.as_str()), (200, ""));
    Ok(())
}

/// airtable.com/developers, "Webhook notification delivery": `hmac-sha256=` and the hex
/// HMAC-SHA256 of the body keyed by the decoded macSecretBase64; "respond with an HTTP
/// 200 or 204 status code and an empty response body".
fn airtable(world: &World) -> TestResult {
    let key: Vec<u8> = (40u8..72).collect();
    let mac_secret_base64 = STANDARD.encode(&key);
    let (id, path, _) = register(world, "airtable", Some(&mac_secret_base64));
    let ping = br#"{"base":{"id":"appUnC3a0Bk8Z2WiY"},"webhook":{"id":"achYm7kDdU3XfQ2tN"},"timestamp":"2024-05-01T10:00:00.000Z"}"#;
    let mac = format!("hmac-sha256={}", hex::encode(hmac_sha256(&key, ping)));
    let r = post(world, &path, &[("X-Airtable-Content-MAC", &mac)], ping);
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(r.body.is_empty());
    // Keyed by the base64 text itself: not Airtable's MAC.
    let text_keyed = format!(
        "hmac-sha256={}",
        hex::encode(hmac_sha256(mac_secret_base64.as_bytes(), ping))
    );
    post(
        world,
        &path,
        &[("X-Airtable-Content-MAC", &text_keyed)],
        ping,
    )
    .assert_problem(401, "signature_mismatch");
    let mut tampered = ping.to_vec();
    tampered[20] ^= 1;
    post(world, &path, &[("X-Airtable-Content-MAC", &mac)], &tampered)
        .assert_problem(401, "signature_mismatch");
    drain(&world.gateway);
    let got = envelopes(world, &id, 1);
    assert_eq!(got.len(), 1, "forwarded: {got:?}");
    assert!(got[0]["envelope"]["request"]["headers"]
        .get("x-airtable-content-mac")
        .is_none());
    Ok(())
}

/// developers.notion.com, webhooks: the one-time `{"verification_token": …}` POST, which
/// the operator reads back, pastes into Notion and stores; then events signed with it.
fn notion(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (id, path, _) = register(world, "notion", None);
    let token = format!("secret_{}", unique("notion-token").replace('-', ""));
    let verification = json!({ "verification_token": token }).to_string();
    let r = post(
        world,
        &path,
        &[("Content-Type", "application/json")],
        verification.as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    // The operator finds the token in the delivery log.
    let log = admin.call("GET", &format!("/admin/v1/webhooks/{id}/deliveries"), None);
    assert_eq!(log.status, 200, "{}", log.body);
    let entries = log.json()["deliveries"].as_array().unwrap().clone();
    assert!(
        entries
            .iter()
            .any(|e| e["request"]["body"].as_str().unwrap_or("").contains(&token)),
        "the token is not in the delivery log: {entries:?}"
    );
    // The consumer gets the request marked, without the token.
    drain(&world.gateway);
    let got = envelopes(world, &id, 1);
    assert_eq!(got.len(), 1, "forwarded: {got:?}");
    assert_eq!(got[0]["envelope"]["event_type"], "notion.verification");
    assert!(
        !got[0].to_string().contains(&token),
        "the token was forwarded"
    );
    // An unsigned event is refused even now.
    let event = br#"{"id":"367cba44-b6f3-4c92-81e7-6a2e9659efd4","type":"page.content_updated","entity":{"id":"153104cd","type":"page"}}"#;
    post(world, &path, &[], event).assert_problem(401, "signature_missing");

    // The operator stores the token; from now on the unsigned shape is refused too.
    let r = admin.call(
        "PATCH",
        &format!("/admin/v1/webhooks/{id}"),
        Some(&json!({"auth": {"secret": token}})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    remember_secret(&token);
    post(world, &path, &[], verification.as_bytes()).assert_problem(401, "signature_missing");
    let sig = format!(
        "sha256={}",
        hex::encode(hmac_sha256(token.as_bytes(), event))
    );
    let r = post(world, &path, &[("X-Notion-Signature", &sig)], event);
    assert_eq!(r.status, 202, "{}", r.body);
    let mut tampered = event.to_vec();
    tampered[10] ^= 1;
    post(world, &path, &[("X-Notion-Signature", &sig)], &tampered)
        .assert_problem(401, "signature_mismatch");
    drain(&world.gateway);
    assert_eq!(envelopes(world, &id, 2).len(), 2);
    Ok(())
}
