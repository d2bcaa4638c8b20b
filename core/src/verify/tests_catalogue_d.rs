//! Unit tests for issue 21's batch d: the Basic-auth providers, Telegram's integer
//! update id, Mailchimp's URL validation (the vectors in `tests/data/providers/` cover
//! the rest).

use super::handshake::handshake;
use super::*;
use crate::guard::key::{delivery_key, KeySource};
use crate::path::WebhookPath;
use crate::request::{resolve_route, Headers};
use crate::testing::NOW;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
// The request and record helpers every verify test uses.
use super::tests::{inbound as post, spec};

#[test]
fn basic_auth_providers_compare_the_whole_credentials() {
    for scheme in ["postmark", "pipedrive", "chargebee"] {
        let r = spec(&format!(
            r#"{{"scheme":"{scheme}","secret":"hooks:p@ss:word"}}"#
        ));
        let basic = |cred: &str| format!("Basic {}", STANDARD.encode(cred));
        let verdict = |headers: &[(&str, &str)]| {
            verify(RouteMatch::exact(r.clone()), post(headers, b"{}"), NOW).map(|_| ())
        };
        // A ':' inside the password is the password's.
        assert_eq!(
            verdict(&[("Authorization", &basic("hooks:p@ss:word"))]),
            Ok(())
        );
        for wrong in ["hooks:p@ss", "hook:p@ss:word", "hooks:p@ss:word "] {
            assert_eq!(
                verdict(&[("Authorization", &basic(wrong))]),
                Err(VerifyError::BasicAuthMismatch),
                "{scheme}: {wrong}"
            );
        }
        assert_eq!(verdict(&[]), Err(VerifyError::BasicAuthMissing));
        assert_eq!(
            verdict(&[("Authorization", "Bearer hooks:p@ss:word")]),
            Err(VerifyError::BasicAuthMissing)
        );
    }
}

#[test]
fn basic_credentials_are_validated_and_generated_as_user_and_password() {
    let refused = crate::admin::WebhookSpec::parse(
        br#"{"path":"/h","auth":{"scheme":"chargebee","secret":"no-colon-here"},"target":{"queue":"EVENTS"}}"#,
    )
    .ok()
    .and_then(|spec| {
        crate::admin::validate_create(
            spec,
            crate::admin::Fresh {
                id: crate::secret::WebhookId::generate([1; 12]),
                secret_bytes: [7; 32],
                forwarding_secret_bytes: [8; 32],
                now: NOW,
            },
            crate::admin::Policy::default(),
        )
        .err()
    })
    .expect("a secret without ':' is refused");
    assert!(
        refused.detail.contains("username:password"),
        "{}",
        refused.detail
    );
    let generated = spec(r#"{"scheme":"postmark"}"#);
    let secret = generated.auth().secrets()[0].value().expose().to_string();
    let (user, password) = secret.split_once(':').unwrap();
    assert_eq!(user, "hookgate");
    assert!(password.len() >= 32);
}

#[test]
fn telegrams_integer_update_id_is_its_delivery_id() {
    let r = spec(r#"{"scheme":"telegram","secret":"tg_secret-token_0123"}"#);
    let none = Headers::new(Vec::<(String, String)>::new());
    let k = delivery_key(&r, &none, br#"{"update_id":10000,"message":{}}"#, "hash");
    assert_eq!(
        (k.source, k.value.as_str()),
        (KeySource::ProviderDeliveryId, "10000")
    );
    // Not signed: the sender's Idempotency-Key still comes first.
    let idem = Headers::new(vec![("Idempotency-Key".to_string(), "k-1".to_string())]);
    let k = delivery_key(&r, &idem, br#"{"update_id":10000}"#, "hash");
    assert_eq!(k.source, KeySource::IdempotencyKeyHeader);
    let k = delivery_key(&r, &none, br#"{"update_id":1.5}"#, "hash");
    assert_eq!(k.source, KeySource::BodySha256);
}

#[test]
fn mailchimps_get_with_its_key_is_answered_and_nothing_else_is() {
    let r = spec(r#"{"scheme":"mailchimp","secret":"mc-key-0123456789abcdef"}"#);
    let route = |path: &str| {
        let p = WebhookPath::parse_request(path).unwrap();
        resolve_route(&p, None, Some(r.clone().into())).expect("routes under the record")
    };
    let at = |method: &str, path: &str| Inbound {
        method: method.into(),
        url: format!("https://hooks.example.com{path}"),
        ..post(&[], b"")
    };
    let v = verify(
        route("/h/mc-key-0123456789abcdef"),
        at("GET", "/h/mc-key-0123456789abcdef"),
        NOW,
    )
    .unwrap();
    let reply = handshake(&v).expect("the validation GET is answered");
    assert_eq!((reply.status, reply.body.as_str()), (200, ""));
    // A POST with the key is an event, not a handshake.
    let v = verify(
        route("/h/mc-key-0123456789abcdef"),
        at("POST", "/h/mc-key-0123456789abcdef"),
        NOW,
    )
    .unwrap();
    assert!(handshake(&v).is_none());
    // A GET with another key is refused before any answer.
    assert_eq!(
        verify(
            route("/h/another-key-000000"),
            at("GET", "/h/another-key-000000"),
            NOW
        )
        .map(|_| ()),
        Err(VerifyError::UrlKeyMismatch)
    );
}

#[test]
fn gitlab_checks_each_stored_secret_the_way_its_form_says() {
    use crate::model::StoredSecret;
    use hmac::{Hmac, Mac};
    // Moving a webhook from its secret token to a signing token: both stored.
    let signing = "whsec_Z2l0bGFiLXVuaXQtdGVzdC1zaWduaW5nLWtleSE=";
    let mut r = spec(r#"{"scheme":"gitlab","secret":"gl-secret-token-1"}"#);
    r.auth.secrets.push(StoredSecret {
        value: crate::secret::Secret::from_string(signing.to_string()),
        not_after_ms: None,
    });
    let ts = (NOW.0 / 1000).to_string();
    let body = br#"{"object_kind":"push"}"#;
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(b"gitlab-unit-test-signing-key!").unwrap();
    m.update(format!("msg-1.{ts}.").as_bytes());
    m.update(body);
    let sig = format!("v1,{}", STANDARD.encode(m.finalize().into_bytes()));
    let verdict = |r: &WebhookRecord, headers: &[(&str, &str)]| {
        verify(RouteMatch::exact(r.clone()), post(headers, body), NOW).map(|_| ())
    };
    let signed = [
        ("webhook-id", "msg-1"),
        ("webhook-timestamp", ts.as_str()),
        ("webhook-signature", sig.as_str()),
    ];
    assert_eq!(verdict(&r, &signed), Ok(()));
    assert_eq!(
        verdict(&r, &[("X-Gitlab-Token", "gl-secret-token-1")]),
        Ok(())
    );
    // A signed request is checked against the signing token only: its token header,
    // right or wrong, changes nothing, and a bad signature is a mismatch.
    let mut bad = signed;
    bad[0].1 = "msg-2";
    assert_eq!(verdict(&r, &bad), Err(VerifyError::SignatureMismatch));
    // The signing token is no secret token.
    assert_eq!(
        verdict(&r, &[("X-Gitlab-Token", signing)]),
        Err(VerifyError::SecretMismatch)
    );
    // With only the signing token stored, the signature is required.
    r.auth.secrets.remove(0);
    assert_eq!(
        verdict(&r, &[("X-Gitlab-Token", "gl-secret-token-1")]),
        Err(VerifyError::SignatureMissing)
    );
    assert_eq!(verdict(&r, &signed), Ok(()));
}

#[test]
fn mailguns_signed_token_is_its_delivery_key() {
    let r = spec(r#"{"scheme":"mailgun","secret":"key-3ax6xnjp29jd6fds4gc373sgvjxteol0"}"#);
    let body = br#"{"signature":{"token":"e0b5477167110d68991efc6b9f89f0a11066af27834600e123","timestamp":"1770920772","signature":"00"},"event-data":{"event":"delivered"}}"#;
    let idem = Headers::new(vec![("Idempotency-Key".to_string(), "fresh".to_string())]);
    let k = delivery_key(&r, &idem, body, "hash");
    assert_eq!(
        (k.source, k.value.as_str()),
        (
            KeySource::SignedDeliveryId,
            "e0b5477167110d68991efc6b9f89f0a11066af27834600e123"
        )
    );
    // An oversized signature object is not read (bounded): the body hash then.
    let big = format!(
        r#"{{"signature":{{"token":"{}","timestamp":"1","signature":"00"}}}}"#,
        "t".repeat(2000)
    );
    assert_eq!(
        delivery_key(
            &r,
            &Headers::new(Vec::<(String, String)>::new()),
            big.as_bytes(),
            "hash"
        )
        .source,
        KeySource::BodySha256
    );
}

#[test]
fn adyen_is_answered_accepted_and_bounds_what_it_reads() {
    use crate::style::{accepted_answer, Handed};
    let r = spec(r#"{"scheme":"adyen"}"#);
    // A generated key is Adyen's form: 64 hex digits.
    let key = r.auth().secrets()[0].value().expose().to_string();
    assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        accepted_answer(&r, "d-1", NOW, Handed::Queued),
        (
            200,
            "[accepted]".to_string(),
            Some("text/plain".to_string())
        )
    );
    // A sync origin's own answer still passes through.
    let answered = Handed::OriginAnswered {
        status: 201,
        body: "ok",
        content_type: None,
    };
    assert_eq!(accepted_answer(&r, "d-1", NOW, answered).0, 201);
    let refuse = |body: String| {
        verify(
            RouteMatch::exact(r.clone()),
            post(&[], body.as_bytes()),
            NOW,
        )
        .map(|_| ())
    };
    let item = r#"{"NotificationRequestItem":{"pspReference":"1","additionalData":{"hmacSignature":"AAAA"}}}"#;
    let many = vec![item; 65].join(",");
    assert_eq!(
        refuse(format!(r#"{{"notificationItems":[{many}]}}"#)),
        Err(VerifyError::SignatureMissing),
        "past 64 items nothing is read"
    );
    let long = format!(
        r#"{{"notificationItems":[{{"NotificationRequestItem":{{"pspReference":"{}","additionalData":{{"hmacSignature":"{}"}}}}}}]}}"#,
        "7".repeat(5000),
        STANDARD.encode([0u8; 32])
    );
    assert_eq!(refuse(long), Err(VerifyError::SignatureMalformed));
}
