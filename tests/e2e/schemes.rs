//! Every verification scheme through the real Worker: a request signed the way the
//! provider signs it is accepted and reaches the queue; a tampered one is refused.
//! The signing code here is written from the providers' documentation, independently of
//! `hookgate-core`.

use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use hookgate_core::model::Scheme;
use hookgate_harness::client::{send, unique, Admin, Resp};
use hookgate_harness::senders::{
    hmac_sha256, now_secs, providers, rfc3339_now, v0_signature, Signed,
};
use serde_json::{json, Value};

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "schemes::every_scheme_accepts_signed_and_refuses_tampered",
        every_scheme,
    ),
    (
        "schemes::stale_timestamp_is_refused_with_its_code",
        stale_timestamp,
    ),
    (
        "schemes::rotation_accepts_both_secrets_during_grace_then_only_the_new",
        rotation,
    ),
    (
        "schemes::rotation_with_no_grace_ends_the_old_secret_at_once",
        rotation_without_grace,
    ),
    (
        "handshakes::slack_url_verification_is_answered_and_not_forwarded",
        slack_handshake,
    ),
    (
        "handshakes::zoom_url_validation_is_answered_and_not_forwarded",
        zoom_handshake,
    ),
    (
        "handshakes::twitch_callback_verification_is_answered_and_not_forwarded",
        twitch_handshake,
    ),
];

fn register(world: &World, scheme: &str, secret: &str, extra: &Value) -> (String, String) {
    let mut auth = json!({"scheme": scheme, "secret": secret});
    for (k, v) in extra.as_object().unwrap() {
        auth[k] = v.clone();
    }
    let created = Admin::of(&world.gateway).create(json!({
        "path": format!("/providers/{}", unique(scheme)),
        "auth": auth,
        "target": {"queue": "EVENTS"},
    }));
    remember_secret(secret);
    (
        created["id"].as_str().unwrap().to_string(),
        created["path"].as_str().unwrap().to_string(),
    )
}

fn deliver(world: &World, path: &str, signed: &Signed) -> Resp {
    let headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    send("POST", &world.gateway.url(path), &headers, &signed.body)
}

fn every_scheme(world: &World) -> TestResult {
    let mut report = Vec::new();
    for p in providers() {
        let (id, path) = register(world, p.scheme, p.secret, &p.auth);
        let url = world.gateway.url(&path);
        let signed = (p.sign)(p.secret, &url, p.body);
        let r = deliver(world, &path, &signed);
        assert_eq!(
            r.status, 202,
            "{}: signed request refused: {}",
            p.scheme, r.body
        );
        let line = world
            .gateway
            .wait_envelope(r.json()["id"].as_str().unwrap());
        assert_eq!(
            line["envelope"]["webhook"]["id"],
            id.as_str(),
            "{}",
            p.scheme
        );
        for (name, _) in &signed.headers {
            let lower = name.to_ascii_lowercase();
            if lower.contains("signature") || lower.contains("hmac") {
                assert!(
                    line["envelope"]["request"]["headers"].get(&lower).is_none(),
                    "{}: {lower} was forwarded",
                    p.scheme
                );
            }
        }
        let tampered = Signed {
            headers: signed.headers.clone(),
            body: (p.tamper)(&signed.body),
        };
        assert_ne!(
            tampered.body, signed.body,
            "{}: tamper changed nothing",
            p.scheme
        );
        let r = deliver(world, &path, &tampered);
        r.assert_problem(401, "signature_mismatch");
        drain(&world.gateway);
        assert_eq!(
            world.gateway.envelopes_for(&id).len(),
            1,
            "{}: the tampered one was forwarded",
            p.scheme
        );
        report.push(p.scheme);
    }
    // Every scheme the model knows has its case here, except those whose end-to-end case
    // is elsewhere: a new scheme without one fails this.
    for (scheme, test) in COVERED_ELSEWHERE {
        assert!(
            super::ingress::TESTS
                .iter()
                .chain(super::public_keys::TESTS)
                .chain(super::catalogue_b::TESTS)
                .chain(super::asana::TESTS)
                .chain(super::fetched_keys::TESTS)
                .chain(super::credentials::TESTS)
                .any(|(name, _)| name == test),
            "{scheme}: no test {test}"
        );
    }
    let covered: std::collections::BTreeSet<&str> = report.iter().copied().collect();
    assert_eq!(
        covered.len(),
        report.len(),
        "a scheme is tested twice: {report:?}"
    );
    let expected: std::collections::BTreeSet<&str> = Scheme::ALL
        .iter()
        .map(|s| s.name())
        .filter(|name| !COVERED_ELSEWHERE.iter().any(|(other, _)| other == name))
        .collect();
    assert_eq!(
        covered, expected,
        "schemes without an end-to-end case (or cased twice)"
    );
    Ok(())
}

/// Schemes accepted and refused end to end by other tests: those with no signature to
/// tamper with, the public-key and handshake schemes (`public_keys.rs`) and the
/// fetched-key ones (`fetched_keys.rs`), whose
/// senders the harness cannot impersonate with a shared secret.
const COVERED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "discord",
        "public_keys::discord_ping_command_component_and_events",
    ),
    (
        "sendgrid",
        "public_keys::sendgrid_ecdsa_accepted_and_tampered_refused",
    ),
    ("meta", "public_keys::meta_subscription_and_signed_events"),
    ("twitter", "public_keys::twitter_crc_and_signed_events"),
    (
        "dropbox",
        "public_keys::dropbox_challenge_and_signed_events",
    ),
    (
        "microsoft-graph",
        "public_keys::graph_validation_and_client_state",
    ),
    ("okta", "public_keys::okta_verification_and_header_secret"),
    ("asana", "asana::handshake_answered_once_then_signed_events"),
    (
        "trello",
        "public_keys::trello_head_and_callbacks_signed_with_their_url",
    ),
    (
        "aws-sns",
        "fetched_keys::aws_sns_certificate_fetched_once_topic_and_host_checked",
    ),
    (
        "paypal",
        "fetched_keys::paypal_certificate_from_paypal_hosts_only",
    ),
    (
        "google-pubsub",
        "fetched_keys::google_pubsub_oidc_token_under_googles_certificates",
    ),
    ("plaid", "fetched_keys::plaid_jwt_under_the_fetched_jwk"),
    (
        "shared-secret",
        "ingress::shared_secret_in_either_header_is_accepted",
    ),
    (
        "url-key",
        "ingress::url_key_is_accepted_and_never_forwarded",
    ),
    (
        "xero",
        "schemes::xero_answers_200_without_a_body_and_401_to_a_bad_signature",
    ),
    (
        "airtable",
        "schemes::airtable_pings_are_answered_204_without_a_body",
    ),
    (
        "telegram",
        "credentials::telegram_and_basic_auth_providers_accept_theirs_only",
    ),
    (
        "postmark",
        "credentials::telegram_and_basic_auth_providers_accept_theirs_only",
    ),
    (
        "pipedrive",
        "credentials::telegram_and_basic_auth_providers_accept_theirs_only",
    ),
    (
        "chargebee",
        "credentials::telegram_and_basic_auth_providers_accept_theirs_only",
    ),
    (
        "adyen",
        "credentials::adyen_items_are_answered_accepted_and_a_tampered_one_refused",
    ),
    (
        "mailchimp",
        "credentials::mailchimp_validation_get_is_answered_and_keyed_events_pass",
    ),
];

fn stale_timestamp(world: &World) -> TestResult {
    let secret = "8f742231b10e8888abcd99yyyzzz85a5";
    let (_, path) = register(world, "slack", secret, &json!({}));
    let ts = (now_secs() - 600).to_string();
    let body = b"text=late";
    let sig = v0_signature(secret, &ts, body);
    let r = send(
        "POST",
        &world.gateway.url(&path),
        &[
            ("X-Slack-Request-Timestamp", &ts),
            ("X-Slack-Signature", &sig),
        ],
        body,
    );
    r.assert_problem(401, "timestamp_out_of_tolerance");
    Ok(())
}

fn sign_hex(secret: &str, body: &[u8]) -> String {
    hex::encode(hmac_sha256(secret.as_bytes(), body))
}

fn rotation(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (id, path) = register(
        world,
        "hmac-sha256-hex",
        "first-rotation-secret",
        &json!({}),
    );
    // Generous enough that a loaded machine still checks both secrets inside it.
    let grace = std::time::Duration::from_secs(6);
    let rotated_at = std::time::Instant::now();
    let r = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{id}/rotate-secret"),
        Some(&json!({"grace_period_s": grace.as_secs()})),
    );
    // The grace period started on the server between these two instants.
    let answered_at = std::time::Instant::now();
    assert_eq!(r.status, 200, "{}", r.body);
    let answer = r.json();
    let new_secret = answer["secret"].as_str().unwrap().to_string();
    remember_secret(&new_secret);
    assert_eq!(answer["auth"]["secret_count"], 2);
    assert!(answer["auth"]["secrets"][0]["not_after"].is_null());
    assert!(answer["auth"]["secrets"][1]["not_after"].is_string());
    let got = admin.call("GET", &format!("/admin/v1/webhooks/{id}"), None);
    assert!(!got.body.contains(&new_secret) && !got.body.contains("first-rotation-secret"));

    let post = |secret: &str| {
        let sig = sign_hex(secret, b"{}");
        send(
            "POST",
            &world.gateway.url(&path),
            &[("X-Webhook-Signature", &sig)],
            b"{}",
        )
    };
    assert_eq!(
        post("first-rotation-secret").status,
        202,
        "old secret during grace"
    );
    assert_eq!(post(&new_secret).status, 202, "new secret during grace");
    assert!(
        rotated_at.elapsed() < grace,
        "too slow to test inside the grace period"
    );
    std::thread::sleep(
        (grace + std::time::Duration::from_millis(500)).saturating_sub(answered_at.elapsed()),
    );
    post("first-rotation-secret").assert_problem(401, "secret_expired");
    assert_eq!(post(&new_secret).status, 202, "new secret after grace");
    Ok(())
}

fn rotation_without_grace(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    let (id, path) = register(world, "shared-secret", "immediate-old-secret", &json!({}));
    let r = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{id}/rotate-secret"),
        Some(&json!({"grace_period_s": 0, "secret": "immediate-new-secret"})),
    );
    remember_secret("immediate-new-secret");
    assert_eq!(r.status, 200, "{}", r.body);
    let url = world.gateway.url(&path);
    send(
        "POST",
        &url,
        &[("X-Webhook-Secret", "immediate-old-secret")],
        b"{}",
    )
    .assert_problem(401, "secret_mismatch");
    assert_eq!(
        send(
            "POST",
            &url,
            &[("X-Webhook-Secret", "immediate-new-secret")],
            b"{}"
        )
        .status,
        202
    );
    // Rotating to a secret that is already active is refused and changes nothing.
    let r = admin.call(
        "POST",
        &format!("/admin/v1/webhooks/{id}/rotate-secret"),
        Some(&json!({"secret": "immediate-new-secret"})),
    );
    r.assert_problem(400, "invalid_webhook");
    assert_eq!(
        send(
            "POST",
            &url,
            &[("X-Webhook-Secret", "immediate-new-secret")],
            b"{}"
        )
        .status,
        202
    );
    Ok(())
}

fn slack_handshake(world: &World) -> TestResult {
    let secret = "slack-handshake-secret";
    let (id, path) = register(world, "slack", secret, &json!({}));
    let body = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let ts = now_secs().to_string();
    let sig = v0_signature(secret, &ts, body);
    let url = world.gateway.url(&path);
    let r = send(
        "POST",
        &url,
        &[
            ("X-Slack-Request-Timestamp", &ts),
            ("X-Slack-Signature", &sig),
            ("Content-Type", "application/json"),
        ],
        body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    // Unsigned, the same challenge gets nothing but a 401.
    send("POST", &url, &[("Content-Type", "application/json")], body)
        .assert_problem(401, "signature_missing");
    drain(&world.gateway);
    assert!(
        world.gateway.envelopes_for(&id).is_empty(),
        "a handshake was forwarded"
    );
    Ok(())
}

fn zoom_handshake(world: &World) -> TestResult {
    let secret = "zoom-handshake-secret";
    let (id, path) = register(world, "zoom", secret, &json!({}));
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let ts = now_secs().to_string();
    let sig = v0_signature(secret, &ts, body);
    let r = send(
        "POST",
        &world.gateway.url(&path),
        &[("x-zm-request-timestamp", &ts), ("x-zm-signature", &sig)],
        body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let answer = r.json();
    assert_eq!(answer["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(
        answer["encryptedToken"],
        hex::encode(hmac_sha256(secret.as_bytes(), b"qgg8vlvZRS6UYooatFL8Aw"))
    );
    drain(&world.gateway);
    assert!(
        world.gateway.envelopes_for(&id).is_empty(),
        "a handshake was forwarded"
    );
    Ok(())
}

fn twitch_handshake(world: &World) -> TestResult {
    let secret = "twitch-handshake-secret";
    let (id, path) = register(world, "twitch", secret, &json!({}));
    let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"type":"channel.follow"}}"#;
    let msg_id = unique("twitch-verify");
    let ts = rfc3339_now();
    let mut content = format!("{msg_id}{ts}").into_bytes();
    content.extend_from_slice(body);
    let sig = format!(
        "sha256={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &content))
    );
    let r = send(
        "POST",
        &world.gateway.url(&path),
        &[
            ("Twitch-Eventsub-Message-Id", &msg_id),
            ("Twitch-Eventsub-Message-Timestamp", &ts),
            (
                "Twitch-Eventsub-Message-Type",
                "webhook_callback_verification",
            ),
            ("Twitch-Eventsub-Message-Signature", &sig),
        ],
        body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    assert_eq!(r.body, "pogchamp-kappa-360noscope-vohiyo");
    drain(&world.gateway);
    assert!(
        world.gateway.envelopes_for(&id).is_empty(),
        "a handshake was forwarded"
    );
    Ok(())
}
