//! Every verification scheme through the real Worker: a request signed the way the
//! provider signs it is accepted and reaches the queue; a tampered one is refused.
//! The signing code here is written from the providers' documentation, independently of
//! `hookgate-core`.

use super::client::{send, unique, Admin, Resp};
use super::hostile::drain;
use super::{remember_secret, TestResult, World};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
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

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Slack's and Zoom's `v0=` signature: hex HMAC-SHA256 of `v0:<timestamp>:<body>`.
fn v0_signature(secret: &str, ts: &str, body: &[u8]) -> String {
    let mut content = format!("v0:{ts}:").into_bytes();
    content.extend_from_slice(body);
    format!(
        "v0={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &content))
    )
}

fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn hmac_sha512(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha512>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn rfc3339_now() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%S.%NZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// What a sender sends: headers and body for a path.
pub struct Signed {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub struct Provider {
    pub scheme: &'static str,
    /// Extra `auth` fields and the secret to register.
    pub auth: Value,
    pub secret: &'static str,
    /// Signs `body` for the URL the gateway will see.
    pub sign: fn(secret: &str, url: &str, body: &[u8]) -> Signed,
    pub body: &'static [u8],
    /// The same request with the body altered after signing.
    pub tamper: fn(&[u8]) -> Vec<u8>,
}

fn h(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn flip_last(body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    let last = b.len() - 2;
    b[last] ^= 1;
    b
}

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn standard_webhooks(prefix: &str, secret: &str, body: &[u8]) -> Signed {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let id = format!("msg_{}", unique("e2e"));
    let ts = now_secs().to_string();
    let mut content = format!("{id}.{ts}.").into_bytes();
    content.extend_from_slice(body);
    let sig = format!("v1,{}", STANDARD.encode(hmac_sha256(&key, &content)));
    Signed {
        headers: h(&[
            (&format!("{prefix}-id"), id),
            (&format!("{prefix}-timestamp"), ts),
            (&format!("{prefix}-signature"), sig),
        ]),
        body: body.to_vec(),
    }
}

pub fn providers() -> Vec<Provider> {
    vec![
        Provider {
            scheme: "hmac-sha256-hex",
            auth: json!({}),
            secret: "kubiya-e2e-secret",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Webhook-Signature",
                    hex::encode(hmac_sha256(s.as_bytes(), b)),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"parameters":{"env":"prod"}}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "github",
            auth: json!({}),
            secret: "It's a Secret to Everybody",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Hub-Signature-256",
                    format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), b))),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"action":"opened"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "github-sha1",
            auth: json!({}),
            secret: "legacy-github-secret",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Hub-Signature",
                    format!("sha1={}", hex::encode(hmac_sha1(s.as_bytes(), b))),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"zen":"Keep it simple."}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "shopify",
            auth: json!({}),
            secret: "shpss_e2e_secret",
            sign: |s, _, b| Signed {
                headers: h(&[(
                    "X-Shopify-Hmac-Sha256",
                    STANDARD.encode(hmac_sha256(s.as_bytes(), b)),
                )]),
                body: b.to_vec(),
            },
            body: br#"{"id":820982911946154508}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "slack",
            auth: json!({}),
            secret: "8f742231b10e8888abcd99yyyzzz85a5",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                Signed {
                    headers: h(&[
                        ("X-Slack-Signature", v0_signature(s, &ts, b)),
                        ("X-Slack-Request-Timestamp", ts),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: b"token=xyzz0WbapA4vBCDEFasx0q6G&command=%2Fdeploy&text=api",
            tamper: flip_last,
        },
        Provider {
            scheme: "zoom",
            auth: json!({}),
            secret: "zoom-e2e-secret-token",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                Signed {
                    headers: h(&[
                        ("x-zm-signature", v0_signature(s, &ts, b)),
                        ("x-zm-request-timestamp", ts),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"event":"meeting.started","payload":{}}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "stripe",
            auth: json!({}),
            secret: "whsec_stripe_e2e_0123456789",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let mut content = format!("{ts}.").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[(
                        "Stripe-Signature",
                        format!(
                            "t={ts},v1={},v0=deadbeef",
                            hex::encode(hmac_sha256(s.as_bytes(), &content))
                        ),
                    )]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"id":"evt_1","object":"event","type":"invoice.paid"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "paddle",
            auth: json!({}),
            secret: "pdl_ntfset_e2e_secret",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let mut content = format!("{ts}:").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[(
                        "Paddle-Signature",
                        format!(
                            "ts={ts};h1={}",
                            hex::encode(hmac_sha256(s.as_bytes(), &content))
                        ),
                    )]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"event_type":"transaction.completed"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "standard-webhooks",
            auth: json!({}),
            secret: WHSEC,
            sign: |s, _, b| standard_webhooks("webhook", s, b),
            body: br#"{"type":"user.created"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "svix",
            auth: json!({}),
            secret: WHSEC,
            sign: |s, _, b| standard_webhooks("svix", s, b),
            body: br#"{"type":"invoice.created"}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "linear",
            auth: json!({}),
            secret: "lin_wh_e2e_secret",
            sign: |s, _, _| {
                let ms = now_secs() * 1000;
                let body =
                    format!(r#"{{"action":"create","type":"Issue","webhookTimestamp":{ms}}}"#)
                        .into_bytes();
                Signed {
                    headers: h(&[(
                        "Linear-Signature",
                        hex::encode(hmac_sha256(s.as_bytes(), &body)),
                    )]),
                    body,
                }
            },
            body: b"",
            tamper: |b| {
                String::from_utf8_lossy(b)
                    .replace("create", "remove")
                    .into_bytes()
            },
        },
        Provider {
            scheme: "twitch",
            auth: json!({}),
            secret: "twitch-e2e-secret",
            sign: |s, _, b| {
                let id = unique("twitch-msg");
                let ts = rfc3339_now();
                let mut content = format!("{id}{ts}").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[
                        ("Twitch-Eventsub-Message-Id", id),
                        ("Twitch-Eventsub-Message-Timestamp", ts),
                        ("Twitch-Eventsub-Message-Type", "notification".into()),
                        (
                            "Twitch-Eventsub-Message-Signature",
                            format!(
                                "sha256={}",
                                hex::encode(hmac_sha256(s.as_bytes(), &content))
                            ),
                        ),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"subscription":{"type":"channel.follow"},"event":{}}"#,
            tamper: flip_last,
        },
        Provider {
            scheme: "twilio",
            auth: json!({}),
            secret: "12345twilioauthtoken",
            sign: |s, url, b| {
                // URL + params sorted by name, each name followed by its value.
                let mut params: Vec<(String, String)> = url_decode_form(b);
                params.sort();
                let mut content = url.to_string();
                for (k, v) in params {
                    content.push_str(&k);
                    content.push_str(&v);
                }
                Signed {
                    headers: h(&[
                        ("Content-Type", "application/x-www-form-urlencoded".into()),
                        (
                            "X-Twilio-Signature",
                            STANDARD.encode(hmac_sha1(s.as_bytes(), content.as_bytes())),
                        ),
                    ]),
                    body: b.to_vec(),
                }
            },
            body:
                b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309",
            tamper: |b| {
                String::from_utf8_lossy(b)
                    .replace("Digits=1234", "Digits=9999")
                    .into_bytes()
            },
        },
        Provider {
            scheme: "hmac",
            auth: json!({"template": {"algorithm": "sha512", "encoding": "base64", "header": "X-Signature",
                                      "prefix": "v1=", "content": "{timestamp}.{body}",
                                      "timestamp_header": "X-Timestamp"}}),
            secret: "generic-template-secret",
            sign: |s, _, b| {
                let ts = now_secs().to_string();
                let mut content = format!("{ts}.").into_bytes();
                content.extend_from_slice(b);
                Signed {
                    headers: h(&[
                        ("X-Timestamp", ts),
                        (
                            "X-Signature",
                            format!(
                                "v1={}",
                                STANDARD.encode(hmac_sha512(s.as_bytes(), &content))
                            ),
                        ),
                    ]),
                    body: b.to_vec(),
                }
            },
            body: br#"{"generic":true}"#,
            tamper: flip_last,
        },
    ]
}

fn url_decode_form(body: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let mut out = Vec::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    std::str::from_utf8(body)
        .unwrap()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

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
        drain(world);
        assert_eq!(
            world.gateway.envelopes_for(&id).len(),
            1,
            "{}: the tampered one was forwarded",
            p.scheme
        );
        report.push(p.scheme);
    }
    assert_eq!(report.len(), 14);
    Ok(())
}

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
    drain(world);
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
    drain(world);
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
    drain(world);
    assert!(
        world.gateway.envelopes_for(&id).is_empty(),
        "a handshake was forwarded"
    );
    Ok(())
}
