//! The catalogue's providers that sign nothing (issue 21, batch d): their credential is
//! a header token (Telegram, GitLab's secret token), Basic authentication (Postmark, Pipedrive, Chargebee) or a
//! key in the URL (Mailchimp), so a tampered body proves nothing about them. Each is
//! accepted with its credential and refused without it or with another, and the
//! credential is never forwarded. Adyen is here too: it signs, but an accepted delivery
//! is answered with its own `200 [accepted]`, not hookgate's `202`. `schemes.rs` lists
//! them as covered here.

use super::hostile::drain;
use super::{remember_secret, remember_url_key, TestResult, World};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hookgate_harness::client::{send, unique, Admin};
use hookgate_harness::senders::adyen_notification;
use serde_json::json;

type Test = (&'static str, fn(&World) -> TestResult);

pub const TESTS: &[Test] = &[
    (
        "credentials::telegram_and_basic_auth_providers_accept_theirs_only",
        header_credentials,
    ),
    (
        "credentials::mailchimp_validation_get_is_answered_and_keyed_events_pass",
        mailchimp,
    ),
    (
        "credentials::adyen_items_are_answered_accepted_and_a_tampered_one_refused",
        adyen,
    ),
];

fn adyen(world: &World) -> TestResult {
    let key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    let created = Admin::of(&world.gateway).create(json!({
        "path": format!("/providers/{}", unique("adyen")),
        "auth": {"scheme": "adyen", "secret": key},
        "target": {"queue": "EVENTS"},
    }));
    remember_secret(key);
    let id = created["id"].as_str().unwrap().to_string();
    let url = world.gateway.url(created["path"].as_str().unwrap());
    let json = [("Content-Type", "application/json")];
    let body = adyen_notification(key, &unique("psp").replace('-', ""), 1130);
    let r = send("POST", &url, &json, &body);
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "[accepted]"),
        "Adyen's answer"
    );
    // A retry of the same notification gets the same answer and is not forwarded again.
    let again = send("POST", &url, &json, &body);
    assert_eq!((again.status, again.body.as_str()), (200, "[accepted]"));
    // The amount changed after signing.
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("\"value\":1130", "\"value\":11300");
    send("POST", &url, &json, tampered.as_bytes()).assert_problem(401, "signature_mismatch");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while world.gateway.envelopes_for(&id).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    drain(&world.gateway);
    assert_eq!(
        world.gateway.envelopes_for(&id).len(),
        1,
        "one notification forwarded once"
    );
    Ok(())
}

fn header_credentials(world: &World) -> TestResult {
    let admin = Admin::of(&world.gateway);
    // (scheme, secret, the header a sender sends, a wrong one, the refusal for it)
    let basic = |cred: &str| format!("Basic {}", STANDARD.encode(cred));
    let cases = [
        (
            "telegram",
            "tg-e2e_secret-token_0123456789",
            (
                "X-Telegram-Bot-Api-Secret-Token",
                "tg-e2e_secret-token_0123456789".to_string(),
            ),
            "tg-e2e_secret-token_012345678X".to_string(),
            (401, "secret_mismatch", "secret_missing"),
        ),
        (
            "gitlab",
            "gl-e2e-secret-token-0123456789",
            (
                "X-Gitlab-Token",
                "gl-e2e-secret-token-0123456789".to_string(),
            ),
            "gl-e2e-secret-token-012345678".to_string(),
            (401, "secret_mismatch", "secret_missing"),
        ),
        (
            "postmark",
            "postmark:e2e-basic-password-1",
            ("Authorization", basic("postmark:e2e-basic-password-1")),
            basic("postmark:e2e-basic-password-2"),
            (401, "basic_auth_mismatch", "basic_auth_missing"),
        ),
        (
            "pipedrive",
            "pipedrive:e2e-basic-password-1",
            ("Authorization", basic("pipedrive:e2e-basic-password-1")),
            basic("pipedrive-other:e2e-basic-password-1"),
            (401, "basic_auth_mismatch", "basic_auth_missing"),
        ),
        (
            "chargebee",
            "chargebee:e2e-basic-password-1",
            ("Authorization", basic("chargebee:e2e-basic-password-1")),
            basic("chargebee:e2e-basic-password-11"),
            (401, "basic_auth_mismatch", "basic_auth_missing"),
        ),
    ];
    for (scheme, secret, (header, value), wrong, (status, mismatch, missing)) in cases {
        let created = admin.create(json!({
            "path": format!("/providers/{}", unique(scheme)),
            "auth": {"scheme": scheme, "secret": secret},
            "target": {"queue": "EVENTS"},
        }));
        remember_secret(secret);
        remember_secret(&value);
        let (id, path) = (
            created["id"].as_str().unwrap().to_string(),
            created["path"].as_str().unwrap().to_string(),
        );
        let url = world.gateway.url(&path);
        let body = format!(r#"{{"id":"ev_{}","update_id":1}}"#, unique(scheme));
        let r = send("POST", &url, &[(header, &value)], body.as_bytes());
        assert_eq!(r.status, 202, "{scheme}: {}", r.body);
        let line = world
            .gateway
            .wait_envelope(r.json()["id"].as_str().unwrap());
        let forwarded = &line["envelope"]["request"]["headers"];
        assert!(
            forwarded.get(header.to_ascii_lowercase()).is_none(),
            "{scheme}: the credential header was forwarded"
        );
        assert!(
            !line.to_string().contains(&value),
            "{scheme}: credential in {line}"
        );
        send("POST", &url, &[(header, &wrong)], b"{\"other\":1}").assert_problem(status, mismatch);
        send("POST", &url, &[], b"{\"other\":2}").assert_problem(status, missing);
        drain(&world.gateway);
        assert_eq!(
            world.gateway.envelopes_for(&id).len(),
            1,
            "{scheme}: a refused request was forwarded"
        );
    }
    Ok(())
}

fn mailchimp(world: &World) -> TestResult {
    let base = format!("/mailchimp/{}", unique("audience"));
    let created = Admin::of(&world.gateway).create(json!({
        "path": base, "auth": {"scheme": "mailchimp"}, "target": {"queue": "EVENTS"},
    }));
    let id = created["id"].as_str().unwrap().to_string();
    let key = created["secret"].as_str().unwrap().to_string();
    remember_url_key(&key);
    let url = created["url"].as_str().unwrap().to_string();
    assert_eq!(url, world.gateway.url(&format!("{base}/{key}")));
    // Saving the webhook at Mailchimp GETs the callback URL: 200, nothing forwarded,
    // though the webhook lists only POST.
    let r = send("GET", &url, &[], b"");
    assert_eq!(r.status, 200, "the validation GET: {}", r.body);
    let other = world.gateway.url(&format!("{base}/not-the-key-0123456789"));
    send("GET", &other, &[], b"").assert_problem(401, "url_key_mismatch");
    let form =
        b"type=subscribe&fired_at=2026-11-30+10%3A00%3A00&data%5Bemail%5D=api%40mailchimp.com";
    let r = send(
        "POST",
        &url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form,
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let line = world
        .gateway
        .wait_envelope(r.json()["id"].as_str().unwrap());
    assert_eq!(
        line["envelope"]["request"]["path"],
        format!("{base}/{{key}}")
    );
    assert!(!line.to_string().contains(&key), "the key was forwarded");
    send("POST", &other, &[], form).assert_problem(401, "url_key_mismatch");
    drain(&world.gateway);
    assert_eq!(
        world.gateway.envelopes_for(&id).len(),
        1,
        "only the keyed POST is forwarded"
    );
    Ok(())
}
