//! Unit tests per scheme: a good request, a tampered one, and each way the headers can
//! be wrong. The published vectors are run separately by `tests/conformance.rs`.
//! (Long because it covers sixteen schemes, each with its own ways to be wrong.)

use super::*;
use crate::model::StoredSecret;
use crate::path::WebhookPath;
use crate::request::{resolve_route, Headers};
use crate::testing::{record, NOW};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};

pub(super) fn spec(scheme_json: &str) -> WebhookRecord {
    record(&format!(
        r#"{{"path":"/h","auth":{scheme_json},"target":{{"queue":"EVENTS"}}}}"#
    ))
}

pub(super) fn inbound(headers: &[(&str, &str)], body: &[u8]) -> Inbound {
    Inbound {
        method: "POST".into(),
        url: "https://hooks.example.com/h".into(),
        query: None,
        headers: Headers::new(headers.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
        source_ip: None,
        body: body.to_vec(),
    }
}

fn exact(r: &WebhookRecord) -> RouteMatch {
    RouteMatch::exact(r.clone())
}

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

fn ok(r: &WebhookRecord, i: Inbound) {
    if let Err(e) = verify(exact(r), i, NOW) {
        panic!("expected verified, got {e:?}");
    }
}

fn err(r: &WebhookRecord, i: Inbound) -> VerifyError {
    verify(exact(r), i, NOW).unwrap_err()
}

const SECS: i64 = 1_700_000_000;

#[test]
fn hmac_hex_accepts_good_and_refuses_tampered() {
    let r = spec(r#"{"scheme":"hmac-sha256-hex","secret":"kubiya-secret"}"#);
    let body = br#"{"parameters":{"env":"prod"}}"#;
    let sig = hex::encode(hmac256(b"kubiya-secret", &[body]));
    ok(&r, inbound(&[("X-Webhook-Signature", &sig)], body));
    ok(
        &r,
        inbound(&[("X-Webhook-Signature", &sig.to_uppercase())], body),
    );
    ok(
        &r,
        inbound(&[("X-Webhook-Signature", &format!("sha256={sig}"))], body),
    );
    assert_eq!(
        err(&r, inbound(&[("X-Webhook-Signature", &sig)], b"{}")),
        VerifyError::SignatureMismatch
    );
    assert_eq!(err(&r, inbound(&[], body)), VerifyError::SignatureMissing);
    assert_eq!(
        err(&r, inbound(&[("X-Webhook-Signature", "zz")], body)),
        VerifyError::SignatureMalformed
    );
    assert_eq!(
        err(&r, inbound(&[("X-Webhook-Signature", &sig[..62])], body)),
        VerifyError::SignatureMalformed
    );
}

#[test]
fn binary_keys_via_secret_encoding() {
    let key = [0xaa_u8; 20];
    let r = spec(&format!(
        r#"{{"scheme":"hmac-sha256-hex","secret_encoding":"base64","secret":"{}"}}"#,
        STANDARD.encode(key)
    ));
    let sig = hex::encode(hmac256(&key, &[b"data"]));
    ok(&r, inbound(&[("X-Webhook-Signature", &sig)], b"data"));
}

#[test]
fn shared_secret_and_url_key() {
    let r = spec(r#"{"scheme":"shared-secret","secret":"flowker-token"}"#);
    ok(&r, inbound(&[("X-Webhook-Secret", "flowker-token")], b""));
    ok(&r, inbound(&[("X-Webhook-Token", "flowker-token")], b""));
    assert_eq!(
        err(&r, inbound(&[("X-Webhook-Token", "flowker-tokeN")], b"")),
        VerifyError::SecretMismatch
    );
    assert_eq!(
        err(&r, inbound(&[("Authorization", "flowker-token")], b"")),
        VerifyError::SecretMissing
    );

    let r = record(
        r#"{"path":"/api/ns/flow","auth":{"scheme":"url-key","secret":"kestra-key-1"},"target":{"queue":"EVENTS"}}"#,
    );
    let good = WebhookPath::parse_request("/api/ns/flow/kestra-key-1").unwrap();
    let v = verify(
        resolve_route(&good, None, Some(r.clone().into())).unwrap(),
        inbound(&[], b""),
        NOW,
    )
    .unwrap();
    assert_eq!(v.redacted_path(), "/api/ns/flow/{key}");
    let bad = WebhookPath::parse_request("/api/ns/flow/kestra-key-2").unwrap();
    let e = verify(
        resolve_route(&bad, None, Some(r.clone().into())).unwrap(),
        inbound(&[], b""),
        NOW,
    )
    .unwrap_err();
    assert_eq!(e, VerifyError::UrlKeyMismatch);
    assert_eq!(err(&r, inbound(&[], b"")), VerifyError::UrlKeyMissing);
}

#[test]
fn github_both_algorithms() {
    let r = spec(r#"{"scheme":"github","secret":"It's a Secret to Everybody"}"#);
    let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    ok(
        &r,
        inbound(&[("X-Hub-Signature-256", sig)], b"Hello, World!"),
    );
    assert_eq!(
        err(
            &r,
            inbound(&[("X-Hub-Signature-256", sig)], b"Hello, World?")
        ),
        VerifyError::SignatureMismatch
    );
    assert_eq!(
        err(
            &r,
            inbound(&[("X-Hub-Signature-256", &sig[7..])], b"Hello, World!")
        ),
        VerifyError::SignatureMalformed
    );
    let r = spec(r#"{"scheme":"github-sha1","secret":"It's a Secret to Everybody"}"#);
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(b"It's a Secret to Everybody").unwrap();
    m.update(b"x");
    let sig = format!("sha1={}", hex::encode(m.finalize().into_bytes()));
    ok(&r, inbound(&[("X-Hub-Signature", &sig)], b"x"));
    assert_eq!(
        err(&r, inbound(&[("X-Hub-Signature", &sig)], b"y")),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn timestamped_schemes_enforce_tolerance_both_ways() {
    let r = spec(r#"{"scheme":"slack","secret":"slack-signing-secret"}"#);
    for (offset, want) in [
        (0, None),
        (300, None),
        (-300, None),
        (301, Some(VerifyError::TimestampOutOfTolerance)),
        (-301, Some(VerifyError::TimestampOutOfTolerance)),
    ] {
        let ts = (SECS + offset).to_string();
        let sig = format!(
            "v0={}",
            hex::encode(hmac256(
                b"slack-signing-secret",
                &[b"v0:", ts.as_bytes(), b":", b"body"]
            ))
        );
        let i = inbound(
            &[
                ("X-Slack-Signature", &sig),
                ("X-Slack-Request-Timestamp", &ts),
            ],
            b"body",
        );
        match want {
            None => ok(&r, i),
            Some(e) => assert_eq!(err(&r, i), e, "offset {offset}"),
        }
    }
    let sig = format!("v0={}", hex::encode([0u8; 32]));
    assert_eq!(
        err(&r, inbound(&[("X-Slack-Signature", &sig)], b"")),
        VerifyError::TimestampMissing
    );
    assert_eq!(
        err(
            &r,
            inbound(
                &[
                    ("X-Slack-Signature", &sig),
                    ("X-Slack-Request-Timestamp", "soon")
                ],
                b""
            )
        ),
        VerifyError::TimestampMalformed
    );
    // The override widens the window.
    let r = spec(r#"{"scheme":"slack","secret":"slack-signing-secret","tolerance_s":3600}"#);
    let ts = (SECS - 3000).to_string();
    let sig = format!(
        "v0={}",
        hex::encode(hmac256(
            b"slack-signing-secret",
            &[b"v0:", ts.as_bytes(), b":", b"b"]
        ))
    );
    ok(
        &r,
        inbound(
            &[
                ("X-Slack-Signature", &sig),
                ("X-Slack-Request-Timestamp", &ts),
            ],
            b"b",
        ),
    );
}

#[test]
fn stripe_uses_the_whole_secret_and_any_v1() {
    let secret = "whsec_test_secret";
    let r = spec(&format!(r#"{{"scheme":"stripe","secret":"{secret}"}}"#));
    let t = SECS.to_string();
    let good = hex::encode(hmac256(secret.as_bytes(), &[t.as_bytes(), b".", b"{}"]));
    let header = format!("t={t},v1={},v1={good},v0=00", "ab".repeat(32));
    ok(&r, inbound(&[("Stripe-Signature", &header)], b"{}"));
    assert_eq!(
        err(&r, inbound(&[("Stripe-Signature", &header)], b"{ }")),
        VerifyError::SignatureMismatch
    );
    assert_eq!(
        err(&r, inbound(&[("Stripe-Signature", "t=1")], b"{}")),
        VerifyError::SignatureMalformed
    );
    let old = format!("t={},v1={good}", SECS - 301);
    assert_eq!(
        err(&r, inbound(&[("Stripe-Signature", &old)], b"{}")),
        VerifyError::TimestampOutOfTolerance
    );
}

#[test]
fn standard_webhooks_and_svix() {
    let key = [7u8; 24];
    let secret = format!("whsec_{}", STANDARD.encode(key));
    for (scheme, prefix) in [("standard-webhooks", "webhook"), ("svix", "svix")] {
        let r = spec(&format!(r#"{{"scheme":"{scheme}","secret":"{secret}"}}"#));
        let ts = SECS.to_string();
        let sig = STANDARD.encode(hmac256(&key, &[b"msg_1", b".", ts.as_bytes(), b".", b"{}"]));
        let h = |sig_value: &str| {
            vec![
                (format!("{prefix}-id"), "msg_1".to_string()),
                (format!("{prefix}-timestamp"), ts.clone()),
                (format!("{prefix}-signature"), sig_value.to_string()),
            ]
        };
        let mk = |pairs: Vec<(String, String)>, body: &[u8]| Inbound {
            headers: Headers::new(pairs),
            ..inbound(&[], body)
        };
        ok(&r, mk(h(&format!("v1a,zzz v1,{sig}")), b"{}"));
        assert_eq!(
            err(&r, mk(h(&format!("v1,{sig}")), b"{ }")),
            VerifyError::SignatureMismatch
        );
        let mut no_id = h(&format!("v1,{sig}"));
        no_id.remove(0);
        assert!(matches!(
            err(&r, mk(no_id, b"{}")),
            VerifyError::HeaderMissing(_)
        ));
    }
}

#[test]
fn shopify_both_header_names() {
    let r = spec(r#"{"scheme":"shopify","secret":"shopify-secret"}"#);
    let sig = STANDARD.encode(hmac256(b"shopify-secret", &[b"{}"]));
    ok(&r, inbound(&[("X-Shopify-Hmac-Sha256", &sig)], b"{}"));
    ok(&r, inbound(&[("shopify-hmac-sha256", &sig)], b"{}"));
    assert_eq!(
        err(&r, inbound(&[("X-Shopify-Hmac-Sha256", &sig)], b"[]")),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn paddle_linear_zoom_twitch() {
    let r = spec(r#"{"scheme":"paddle","secret":"pdl_ntfset_secret"}"#);
    let ts = SECS.to_string();
    let h1 = hex::encode(hmac256(b"pdl_ntfset_secret", &[ts.as_bytes(), b":", b"{}"]));
    ok(
        &r,
        inbound(&[("Paddle-Signature", &format!("ts={ts};h1={h1}"))], b"{}"),
    );
    assert_eq!(
        err(
            &r,
            inbound(
                &[("Paddle-Signature", &format!("ts={};h1={h1}", SECS - 6))],
                b"{}"
            )
        ),
        VerifyError::TimestampOutOfTolerance
    );

    let r = spec(r#"{"scheme":"linear","secret":"lin_wh_secret"}"#);
    let body = format!(r#"{{"action":"create","webhookTimestamp":{}}}"#, NOW.0);
    let sig = hex::encode(hmac256(b"lin_wh_secret", &[body.as_bytes()]));
    ok(&r, inbound(&[("Linear-Signature", &sig)], body.as_bytes()));
    let stale = format!(r#"{{"webhookTimestamp":{}}}"#, NOW.0 - 61_000);
    let sig = hex::encode(hmac256(b"lin_wh_secret", &[stale.as_bytes()]));
    assert_eq!(
        err(&r, inbound(&[("Linear-Signature", &sig)], stale.as_bytes())),
        VerifyError::TimestampOutOfTolerance
    );

    let r = spec(r#"{"scheme":"zoom","secret":"zoom-secret-token"}"#);
    let sig = format!(
        "v0={}",
        hex::encode(hmac256(
            b"zoom-secret-token",
            &[b"v0:", ts.as_bytes(), b":", b"{}"]
        ))
    );
    ok(
        &r,
        inbound(
            &[("x-zm-signature", &sig), ("x-zm-request-timestamp", &ts)],
            b"{}",
        ),
    );
    assert_eq!(
        err(
            &r,
            inbound(
                &[("x-zm-signature", &sig), ("x-zm-request-timestamp", &ts)],
                b"{1}"
            )
        ),
        VerifyError::SignatureMismatch
    );

    let r = spec(r#"{"scheme":"twitch","secret":"twitch-secret"}"#);
    let when = NOW.to_rfc3339();
    let sig = format!(
        "sha256={}",
        hex::encode(hmac256(b"twitch-secret", &[b"m-1", when.as_bytes(), b"{}"]))
    );
    let headers = [
        ("Twitch-Eventsub-Message-Id", "m-1"),
        ("Twitch-Eventsub-Message-Timestamp", when.as_str()),
        ("Twitch-Eventsub-Message-Signature", sig.as_str()),
    ];
    ok(&r, inbound(&headers, b"{}"));
    assert_eq!(
        err(&r, inbound(&headers, b"{ }")),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn generic_template() {
    let r = spec(
        r#"{"scheme":"hmac","secret":"generic-secret","template":{"algorithm":"sha512","encoding":"base64","header":"X-Sig","prefix":"v1=","content":"{id}:{timestamp}:{body}","id_header":"X-Id","timestamp_header":"X-Ts"}}"#,
    );
    let ts = SECS.to_string();
    let mut m = Hmac::<sha2::Sha512>::new_from_slice(b"generic-secret").unwrap();
    m.update(format!("abc:{ts}:payload").as_bytes());
    let sig = format!("v1={}", STANDARD.encode(m.finalize().into_bytes()));
    ok(
        &r,
        inbound(
            &[("X-Sig", &sig), ("X-Id", "abc"), ("X-Ts", &ts)],
            b"payload",
        ),
    );
    assert_eq!(
        err(
            &r,
            inbound(
                &[("X-Sig", &sig), ("X-Id", "abd"), ("X-Ts", &ts)],
                b"payload"
            )
        ),
        VerifyError::SignatureMismatch
    );
    assert_eq!(
        err(
            &r,
            inbound(
                &[("X-Sig", &sig[3..]), ("X-Id", "abc"), ("X-Ts", &ts)],
                b"payload"
            )
        ),
        VerifyError::SignatureMalformed
    );
    let old = (SECS - 301).to_string();
    assert_eq!(
        err(
            &r,
            inbound(
                &[("X-Sig", &sig), ("X-Id", "abc"), ("X-Ts", &old)],
                b"payload"
            )
        ),
        VerifyError::TimestampOutOfTolerance
    );
}

#[test]
fn rotation_expiry_is_enforced_with_its_own_code() {
    let mut r = spec(r#"{"scheme":"hmac-sha256-hex","secret":"new-secret-1"}"#);
    r.auth.secrets.push(StoredSecret {
        value: crate::secret::Secret::generate([9; 32]),
        not_after_ms: Some(NOW.0 + 1000),
    });
    let old = r.auth.secrets[1].value.expose().to_string();
    let sig_old = hex::encode(hmac256(old.as_bytes(), &[b"x"]));
    let sig_new = hex::encode(hmac256(b"new-secret-1", &[b"x"]));
    ok(&r, inbound(&[("X-Webhook-Signature", &sig_old)], b"x"));
    ok(&r, inbound(&[("X-Webhook-Signature", &sig_new)], b"x"));
    let later = UnixMillis(NOW.0 + 1000);
    let e = verify(
        exact(&r),
        inbound(&[("X-Webhook-Signature", &sig_old)], b"x"),
        later,
    )
    .unwrap_err();
    assert_eq!(e, VerifyError::SecretExpired);
    assert!(verify(
        exact(&r),
        inbound(&[("X-Webhook-Signature", &sig_new)], b"x"),
        later
    )
    .is_ok());
}

#[test]
fn refusals_and_debug_output_never_reveal_a_secret() {
    let r = spec(r#"{"scheme":"shared-secret","secret":"flowker-token"}"#);
    let e = err(&r, inbound(&[("X-Webhook-Token", "flowker-tokeN")], b"{}"));
    assert_eq!(e, VerifyError::SecretMismatch);
    assert!(!format!("{e:?}").contains("flowker-tok"));
    assert!(!format!("{r:?}").contains("flowker-token"));
    let v = verify(
        exact(&r),
        inbound(&[("X-Webhook-Token", "flowker-token")], b"{}"),
        NOW,
    )
    .unwrap();
    assert!(!format!("{v:?}").contains("flowker-token"));
}

#[test]
fn handshakes_answer_only_their_own_scheme() {
    use super::handshake::handshake;
    let r = spec(r#"{"scheme":"slack","secret":"slack-signing-secret"}"#);
    let body = br#"{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#;
    let ts = SECS.to_string();
    let sig = format!(
        "v0={}",
        hex::encode(hmac256(
            b"slack-signing-secret",
            &[b"v0:", ts.as_bytes(), b":", body]
        ))
    );
    let v = verify(
        exact(&r),
        inbound(
            &[
                ("X-Slack-Signature", &sig),
                ("X-Slack-Request-Timestamp", &ts),
            ],
            body,
        ),
        NOW,
    )
    .unwrap();
    let reply = handshake(&v).unwrap();
    assert_eq!(
        reply.body,
        r#"{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#
    );

    let r = spec(r#"{"scheme":"zoom","secret":"zoom-secret-token"}"#);
    let body =
        br#"{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}"#;
    let sig = format!(
        "v0={}",
        hex::encode(hmac256(
            b"zoom-secret-token",
            &[b"v0:", ts.as_bytes(), b":", body]
        ))
    );
    let v = verify(
        exact(&r),
        inbound(
            &[("x-zm-signature", &sig), ("x-zm-request-timestamp", &ts)],
            body,
        ),
        NOW,
    )
    .unwrap();
    let reply: serde_json::Value = serde_json::from_str(&handshake(&v).unwrap().body).unwrap();
    assert_eq!(reply["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(
        reply["encryptedToken"],
        hex::encode(hmac256(b"zoom-secret-token", &[b"qgg8vlvZRS6UYooatFL8Aw"]))
    );

    // A Slack-shaped body on a webhook of another scheme is just an event.
    let r = spec(r#"{"scheme":"hmac-sha256-hex","secret":"kubiya-secret"}"#);
    let body = br#"{"type":"url_verification","challenge":"x"}"#;
    let sig = hex::encode(hmac256(b"kubiya-secret", &[body]));
    let v = verify(
        exact(&r),
        inbound(&[("X-Webhook-Signature", &sig)], body),
        NOW,
    )
    .unwrap();
    assert!(handshake(&v).is_none());
}

#[test]
fn trellos_head_is_answered_and_nothing_else_is_taken_for_it() {
    use super::handshake::handshake;
    use crate::request::precheck;
    let r = spec(r#"{"scheme":"trello","secret":"trello-app-secret"}"#);
    // Let through although the webhook lists only POST, and answered 200 with no body.
    let mut head = inbound(&[], b"");
    head.method = "HEAD".into();
    assert!(precheck(&r, "HEAD", &head.headers).is_ok());
    let v = verify(exact(&r), head, NOW).unwrap();
    let reply = handshake(&v).unwrap();
    assert_eq!((reply.status, reply.body.as_str()), (200, ""));
    assert_eq!(reply.kind, "trello_head");
    // A bodyless POST is no handshake: it must be signed.
    assert_eq!(err(&r, inbound(&[], b"")), VerifyError::SignatureMissing);
    // Nor is a HEAD at a webhook of another scheme (its method is not allowed there).
    let github = spec(r#"{"scheme":"github","secret":"github-secret"}"#);
    assert!(precheck(&github, "HEAD", &Headers::new(std::iter::empty())).is_err());
    let mut head = inbound(&[], b"");
    head.method = "HEAD".into();
    assert_eq!(err(&github, head), VerifyError::SignatureMissing);
}

#[test]
fn a_url_signing_scheme_tries_the_arrival_urls_forms_or_only_the_configured_one() {
    let body = br#"{"event_id":"e1"}"#;
    let signed_for =
        |url: &str| STANDARD.encode(hmac256(b"square-signature-key", &[url.as_bytes(), body]));
    let r = spec(r#"{"scheme":"square","secret":"square-signature-key"}"#);
    // Signed with the default port written, arriving without it: one of Twilio's forms.
    let sig = signed_for("https://hooks.example.com:443/h");
    ok(
        &r,
        inbound(&[("x-square-hmacsha256-signature", &sig)], body),
    );
    let sig = signed_for("https://other.example/h");
    assert_eq!(
        err(
            &r,
            inbound(&[("x-square-hmacsha256-signature", &sig)], body)
        ),
        VerifyError::SignatureMismatch
    );
    // Configured: that URL exactly, and the arrival URL no longer.
    let r = spec(
        r#"{"scheme":"square","secret":"square-signature-key","notification_url":"https://other.example/h"}"#,
    );
    ok(
        &r,
        inbound(&[("x-square-hmacsha256-signature", &sig)], body),
    );
    let arrival = signed_for("https://hooks.example.com/h");
    assert_eq!(
        err(
            &r,
            inbound(&[("x-square-hmacsha256-signature", &arrival)], body)
        ),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn unsigned_url_checks_are_answered_only_in_their_own_shape() {
    use super::handshake::handshake;
    let answered = |r: &WebhookRecord, i: Inbound| {
        let v = verify(exact(r), i, NOW).expect("answered");
        let reply = handshake(&v).expect("a handshake");
        assert_eq!((reply.status, reply.body.as_str()), (200, ""));
        reply.kind
    };

    // WooCommerce's creation ping: exactly `webhook_id=<digits>`, no signature header.
    let woo = spec(r#"{"scheme":"woocommerce","secret":"wc-secret-123"}"#);
    assert_eq!(
        answered(&woo, inbound(&[], b"webhook_id=12")),
        "woocommerce_ping"
    );
    // Anything else is an event, verified as one.
    for body in [
        &b"webhook_id="[..],
        b"webhook_id=12&x=1",
        b"webhook_id=1a",
        b"{}",
    ] {
        assert_eq!(err(&woo, inbound(&[], body)), VerifyError::SignatureMissing);
    }
    let forged = STANDARD.encode(hmac256(b"another-secret", &[b"webhook_id=12"]));
    assert_eq!(
        err(
            &woo,
            inbound(&[("X-WC-Webhook-Signature", &forged)], b"webhook_id=12")
        ),
        VerifyError::SignatureMismatch
    );
    let body = br#"{"id":727,"status":"processing"}"#;
    let sig = STANDARD.encode(hmac256(b"wc-secret-123", &[body]));
    let v = verify(
        exact(&woo),
        inbound(&[("X-WC-Webhook-Signature", &sig)], body),
        NOW,
    )
    .unwrap();
    assert!(handshake(&v).is_none());

    // Intercom's URL check is a HEAD; a POST must be signed.
    let intercom = spec(r#"{"scheme":"intercom","secret":"intercom-client-secret"}"#);
    let head = |i: Inbound| Inbound {
        method: "HEAD".into(),
        body: Vec::new(),
        ..i
    };
    assert_eq!(
        answered(&intercom, head(inbound(&[], b""))),
        "intercom_head"
    );
    assert_eq!(
        err(&intercom, inbound(&[], b"{}")),
        VerifyError::SignatureMissing
    );
    // Another scheme's webhook answers no HEAD.
    assert_eq!(
        err(&woo, head(inbound(&[], b""))),
        VerifyError::SignatureMissing
    );
}

#[test]
fn notions_unsigned_verification_is_accepted_only_while_the_token_is_awaited() {
    // Created without a secret: the placeholder hookgate generated (hgs_…).
    let awaiting = spec(r#"{"scheme":"notion"}"#);
    let token = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
    let body = format!(r#"{{"verification_token":"{token}"}}"#);
    let v = verify(exact(&awaiting), inbound(&[], body.as_bytes()), NOW).unwrap();
    assert!(v.is_unsigned_setup());
    // Forwarded as a marked setup request with the token redacted.
    let headers = v.inbound().headers.forwardable(v.record());
    let crate::pipeline::Prepared::Forward(extras) =
        crate::pipeline::prepare(&v, &headers, false).unwrap()
    else {
        panic!("the verification request was filtered");
    };
    assert_eq!(extras.event_type.as_deref(), Some("notion.verification"));
    let forwarded = String::from_utf8(extras.body.unwrap()).unwrap();
    assert!(!forwarded.contains(token), "{forwarded}");
    assert!(forwarded.contains(handshake::NOTION_TOKEN_REDACTED));

    // Any other unsigned body is refused, even while the token is awaited.
    for other in [
        format!(r#"{{"verification_token":"{token}","type":"page.deleted"}}"#),
        r#"{"verification_token":""}"#.to_string(),
        r#"{"verification_token":"has space"}"#.to_string(),
        r#"{"verification_token":7}"#.to_string(),
        r#"{"type":"page.deleted"}"#.to_string(),
        format!(r#"{{"verification_token":"{}"}}"#, "x".repeat(2000)),
    ] {
        assert_eq!(
            err(&awaiting, inbound(&[], other.as_bytes())),
            VerifyError::SignatureMissing,
            "{other}"
        );
    }
    // With a signature header it is an event, checked as one.
    let signed = inbound(&[("X-Notion-Signature", "sha256=00")], body.as_bytes());
    assert_eq!(err(&awaiting, signed), VerifyError::SignatureMalformed);

    // Once the token is the webhook's secret, the same request is an unsigned body.
    let stored = spec(&format!(r#"{{"scheme":"notion","secret":"{token}"}}"#));
    assert_eq!(
        err(&stored, inbound(&[], body.as_bytes())),
        VerifyError::SignatureMissing
    );
    // And events signed with the token verify, not as setup requests.
    let event = br#"{"id":"367cba44","type":"page.content_updated"}"#;
    let sig = format!(
        "sha256={}",
        hex::encode(hmac256(token.as_bytes(), &[event]))
    );
    let v = verify(
        exact(&stored),
        inbound(&[("X-Notion-Signature", &sig)], event),
        NOW,
    )
    .unwrap();
    assert!(!v.is_unsigned_setup());
}

/// Asana: the handshake plants the secret only while armed, once; events are then
/// verified with it. Every refusal leaves the record as it was (nothing to commit).
mod asana {
    use super::*;
    use crate::admin::{arm_handshake, plant, rotate, ArmSpec, RotateSpec};
    use crate::model::arming::{ArmingState, DEFAULT_ARMING_S};
    use crate::time::UnixMillis;

    const HOOK_SECRET: &str = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";

    fn later(ms: u64) -> UnixMillis {
        UnixMillis(NOW.0 + ms)
    }

    fn handshake(r: &WebhookRecord, value: &str, now: UnixMillis) -> Result<Verified, VerifyError> {
        verify(exact(r), inbound(&[("X-Hook-Secret", value)], b""), now)
    }

    fn event(r: &WebhookRecord, secret: &str, body: &[u8]) -> Result<Verified, VerifyError> {
        let sig = hex::encode(hmac256(secret.as_bytes(), &[body]));
        verify(exact(r), inbound(&[("X-Hook-Signature", &sig)], body), NOW)
    }

    #[test]
    fn created_armed_with_no_secret_and_events_wait_for_the_handshake() {
        let r = spec(r#"{"scheme":"asana"}"#);
        assert!(r.auth().secrets().is_empty());
        let arming = r.auth().arming().expect("armed at creation");
        assert_eq!(arming.until(), later(DEFAULT_ARMING_S * 1000));
        // An event before any secret: refused with its own code, never verified.
        assert_eq!(
            event(&r, HOOK_SECRET, b"{}").unwrap_err(),
            VerifyError::HandshakePending
        );
        // The record round-trips through KV's decoder (no secret is allowed for asana).
        let decoded = WebhookRecord::decode(&r.encode()).unwrap();
        assert_eq!(decoded.auth().arming(), Some(arming));
    }

    #[test]
    fn the_armed_handshake_is_answered_with_its_header_and_plants_the_secret() {
        let r = spec(r#"{"scheme":"asana"}"#);
        let v = handshake(&r, HOOK_SECRET, later(1_000)).unwrap();
        let reply = handshake::handshake(&v).expect("answered at the edge");
        assert_eq!(reply.status, 204);
        assert_eq!(
            reply.headers,
            vec![("X-Hook-Secret", HOOK_SECRET.to_string())]
        );
        assert!(
            !format!("{reply:?}").contains(HOOK_SECRET),
            "Debug shows the secret"
        );
        assert!(!format!("{v:?}").contains(HOOK_SECRET));
        let planted = v.planted_secret().expect("it plants");
        let next = plant(&r, planted, later(1_000)).unwrap();
        assert_eq!(next.auth().secrets().len(), 1);
        assert!(next.auth().secrets()[0]
            .value()
            .matches(HOOK_SECRET.as_bytes()));
        assert_eq!(
            crate::model::arming::state(next.auth().arming(), later(2_000)),
            ArmingState::Used {
                until: later(DEFAULT_ARMING_S * 1000)
            }
        );
        // Events signed with the planted secret verify; tampered or other-keyed do not.
        assert!(event(&next, HOOK_SECRET, br#"{"events":[]}"#).is_ok());
        let sig = hex::encode(hmac256(HOOK_SECRET.as_bytes(), &[br#"{"events":[]}"#]));
        assert_eq!(
            err(
                &next,
                inbound(&[("X-Hook-Signature", &sig)], br#"{"events":[1]}"#)
            ),
            VerifyError::SignatureMismatch
        );
        assert_eq!(
            event(&next, "another-secret-entirely", b"{}").unwrap_err(),
            VerifyError::SignatureMismatch
        );
        assert_eq!(
            err(&next, inbound(&[], b"{}")),
            VerifyError::SignatureMissing
        );
        // The planted record is a valid record, readable back from KV.
        assert!(WebhookRecord::decode(&next.encode()).is_ok());
    }

    #[test]
    fn a_second_handshake_and_one_outside_the_window_are_refused() {
        let r = spec(r#"{"scheme":"asana"}"#);
        let next = plant(
            &r,
            handshake(&r, HOOK_SECRET, later(1))
                .unwrap()
                .planted_secret()
                .unwrap(),
            later(1),
        )
        .unwrap();
        // Armed but used: the attacker's second handshake is refused, at verification
        // and again at the write.
        let attacker = "attacker-chosen-secret-000";
        assert_eq!(
            handshake(&next, attacker, later(2)).unwrap_err(),
            VerifyError::HandshakeAlreadyCompleted
        );
        assert_eq!(
            plant(&next, &Secret::from_string(attacker.into()), later(2)).unwrap_err(),
            VerifyError::HandshakeAlreadyCompleted
        );
        // After the window: not armed, whether or not a handshake came.
        let end = later(DEFAULT_ARMING_S * 1000);
        assert_eq!(
            handshake(&next, attacker, end).unwrap_err(),
            VerifyError::HandshakeNotArmed
        );
        assert_eq!(
            handshake(&r, HOOK_SECRET, end).unwrap_err(),
            VerifyError::HandshakeNotArmed
        );
        // A value that cannot be a secret is refused and plants nothing.
        assert_eq!(
            handshake(&r, "short", later(1)).unwrap_err(),
            VerifyError::HandshakeSecretInvalid
        );
        assert_eq!(
            handshake(&r, "bad\u{7f}value-with-control", later(1)).unwrap_err(),
            VerifyError::HandshakeSecretInvalid
        );
    }

    #[test]
    fn re_arming_accepts_one_more_handshake_that_replaces_the_secret() {
        let r = spec(r#"{"scheme":"asana"}"#);
        let first = plant(&r, &Secret::from_string(HOOK_SECRET.into()), later(1)).unwrap();
        let at = later(DEFAULT_ARMING_S * 1000 + 5);
        let spec = ArmSpec { window_s: Some(30) };
        let armed = arm_handshake(&first, spec, at).unwrap().record;
        // The current secret keeps verifying until a handshake replaces it.
        assert!(event(&armed, HOOK_SECRET, b"{}").is_ok());
        let new_secret = "asana-second-handshake-secret";
        let v = handshake(&armed, new_secret, UnixMillis(at.0 + 10)).unwrap();
        let second = plant(&armed, v.planted_secret().unwrap(), UnixMillis(at.0 + 10)).unwrap();
        assert!(event(&second, new_secret, b"{}").is_ok());
        assert_eq!(
            event(&second, HOOK_SECRET, b"{}").unwrap_err(),
            VerifyError::SignatureMismatch,
            "the old secret is replaced"
        );
        // The short window ends on time.
        assert_eq!(
            handshake(&armed, new_secret, UnixMillis(at.0 + 30_000)).unwrap_err(),
            VerifyError::HandshakeNotArmed
        );
    }

    #[test]
    fn arming_is_only_for_asana_and_bounded() {
        let gh = spec(r#"{"scheme":"github","secret":"github-secret-1"}"#);
        let p = arm_handshake(&gh, ArmSpec::default(), NOW).unwrap_err();
        assert_eq!(p.code, crate::problem::ErrorCode::InvalidWebhook);
        let r = spec(r#"{"scheme":"asana"}"#);
        for bad in [0, 3_601] {
            let p = arm_handshake(
                &r,
                ArmSpec {
                    window_s: Some(bad),
                },
                NOW,
            )
            .unwrap_err();
            assert_eq!(p.errors[0].field, "window_s");
        }
        // A stored arming on another scheme fails closed when read back.
        let mut stored: serde_json::Value = serde_json::from_str(&gh.encode()).unwrap();
        stored["auth"]["arming"] = serde_json::json!({"until_ms": NOW.0 + 1000});
        assert!(WebhookRecord::decode(&stored.to_string()).is_err());
        // And a github record with no secret is still refused.
        let mut stored: serde_json::Value = serde_json::from_str(&gh.encode()).unwrap();
        stored["auth"]["secrets"] = serde_json::json!([]);
        assert!(WebhookRecord::decode(&stored.to_string()).is_err());
    }

    #[test]
    fn an_operator_supplied_secret_is_not_armed_and_rotation_needs_one() {
        let r = spec(r#"{"scheme":"asana","secret":"asana-known-secret-1"}"#);
        assert_eq!(r.auth().arming(), None);
        assert_eq!(
            handshake(&r, HOOK_SECRET, NOW).unwrap_err(),
            VerifyError::HandshakeNotArmed
        );
        assert!(event(&r, "asana-known-secret-1", b"{}").is_ok());
        // A generated secret would be one Asana never signs with.
        let p = rotate(&r, RotateSpec::default(), [1; 32], NOW).unwrap_err();
        assert_eq!(p.errors[0].field, "secret");
        // Rotating in a known secret, or patching one in, disarms.
        let armed = arm_handshake(&r, ArmSpec::default(), NOW).unwrap().record;
        let spec_json = br#"{"secret":"asana-known-secret-2","grace_period_s":0}"#;
        let rotated = rotate(&armed, RotateSpec::parse(spec_json).unwrap(), [1; 32], NOW)
            .unwrap()
            .record;
        assert_eq!(rotated.auth().arming(), None);
        let patched =
            crate::testing::patched(&armed, r#"{"auth":{"secret":"asana-known-secret-3"}}"#);
        assert_eq!(patched.auth().arming(), None);
        // Patching away from asana drops the arming with the scheme.
        let moved = crate::testing::patched(
            &armed,
            r#"{"auth":{"scheme":"github","secret":"github-secret-9"}}"#,
        );
        assert_eq!(moved.auth().arming(), None);
    }
}
