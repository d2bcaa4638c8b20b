//! Which key identifies a delivery for deduplication, and the body's fingerprint.
//!
//! From the strongest source the signature covers to the weakest (invariant 7):
//! 1. the provider's delivery id when the signature covers it (Standard Webhooks' and
//!    Svix's signed `webhook-id`, Twitch's message id, Stripe's and Paddle's body id, a
//!    template that signs `{id}`): a captured request replayed with a fresh
//!    `Idempotency-Key` header is still the same delivery;
//! 2. the sender's `Idempotency-Key` header;
//! 3. the provider's delivery id when nothing signs it (`X-GitHub-Delivery`, …);
//! 4. the SHA-256 of the body, within its own short window
//!    (`idempotency.body_hash_window_s`), so stripping an id header does not bypass
//!    deduplication but a repeated alert is not lost for a day.

use crate::model::scheme::{Check, DeliveryIdSource, Piece};
use crate::model::WebhookRecord;
use crate::request::Headers;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Keys longer than this are replaced by their SHA-256 (keeps storage rows small).
pub const MAX_KEY_CHARS: usize = 255;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    IdempotencyKeyHeader,
    ProviderDeliveryId,
    BodySha256,
    /// The provider's delivery id, covered by the signature. Appended: stored log
    /// entries name the other three.
    SignedDeliveryId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryKey {
    pub source: KeySource,
    pub value: String,
}

impl DeliveryKey {
    /// The storage key: the source and the value, so a header key can never collide
    /// with a body hash.
    pub fn storage_key(&self) -> String {
        let tag = match self.source {
            KeySource::IdempotencyKeyHeader => "h",
            // Signed or not, the provider's id names the same delivery.
            KeySource::ProviderDeliveryId | KeySource::SignedDeliveryId => "p",
            KeySource::BodySha256 => "b",
        };
        format!("{tag}:{}", self.value)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn bounded(raw: &str) -> Option<String> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    Some(
        if v.chars().count() > MAX_KEY_CHARS || v.chars().any(char::is_control) {
            format!("sha256:{}", sha256_hex(v.as_bytes()))
        } else {
            v.to_string()
        },
    )
}

/// Whether a layout's MAC covers the delivery id found at `source`.
fn covers(pieces: &[Piece<'_>], source: IdAt<'_>) -> bool {
    pieces.iter().any(|piece| match (piece, source) {
        (Piece::Header(signed), IdAt::Header(name)) => signed.eq_ignore_ascii_case(name),
        (Piece::Body, IdAt::Body) => true,
        (Piece::JsonBodyMember(signed), IdAt::BodyMember(field)) => *signed == field,
        _ => false,
    })
}

#[derive(Clone, Copy)]
enum IdAt<'a> {
    Header(&'a str),
    Body,
    /// A field of a top-level object of the body (Mailgun's `signature.token`).
    BodyMember(&'a str),
}

/// The provider's id of this delivery, where the scheme (or template) says it is, and
/// whether the signature covers it. A shared secret or a URL key signs nothing.
fn provider_id(record: &WebhookRecord, headers: &Headers, body: &[u8]) -> Option<(String, bool)> {
    let auth = record.auth();
    if let Some(template) = auth.template() {
        let name = template.id_header()?;
        let value = headers.get(name).and_then(bounded)?;
        let signed = template
            .layout()
            .is_ok_and(|layout| covers(&layout.content, IdAt::Header(name)));
        return Some((value, signed));
    }
    let descriptor = auth.scheme().descriptor();
    let (value, at) = match descriptor.delivery_id? {
        DeliveryIdSource::Header(names) => names
            .iter()
            .find_map(|n| Some((headers.get(n).and_then(bounded)?, IdAt::Header(n))))?,
        // One member read; the rest of the body is not kept.
        DeliveryIdSource::BodyField(field) => match crate::json::top_level_member(body, field)?? {
            crate::json::Member::Text(id) => (bounded(&id)?, IdAt::Body),
            crate::json::Member::Integer(id) => (id.to_string(), IdAt::Body),
            crate::json::Member::Other => return None,
        },
        DeliveryIdSource::JsonBodyMember { member, field } => {
            let object = crate::json::small_object_member(
                body,
                member,
                crate::model::scheme::BODY_MEMBER_MAX_LEN,
            )?;
            (bounded(&object.text(field)?)?, IdAt::BodyMember(field))
        }
    };
    let signed = match &descriptor.check {
        // GitLab: only a request checked against a signing token has its id signed;
        // a secret token signs nothing.
        Check::TokenOrSigned { signed, .. } => {
            let carries_signature = signed
                .signature
                .header_names()
                .iter()
                .any(|h| headers.get(h).is_some());
            auth.checks_signing_tokens(carries_signature) && covers(&signed.content, at)
        }
        check => signs(check, at),
    };
    Some((value, signed))
}

/// Whether a scheme's check covers the delivery id found at `at`. A shared secret, a
/// URL key or Graph's `clientState` signs nothing.
fn signs(check: &Check, at: IdAt<'_>) -> bool {
    let pieces: &[Piece<'_>] = match check {
        Check::Hmac(layout) => &layout.content,
        Check::PublicKey(layout) => layout.content,
        Check::FetchedKey(provider) => provider.signed_content(),
        // A secret token signs nothing, but the id it would carry is GitLab's own,
        // and with a signing token it is signed.
        Check::TokenOrSigned { signed, .. } => &signed.content,
        Check::SharedSecret { .. }
        | Check::UrlKey
        | Check::Template
        | Check::ClientState
        | Check::BasicAuth
        | Check::AdyenNotificationItems => return false,
    };
    covers(pieces, at)
}

/// Whether a scheme's signature covers its provider's delivery id (`None`: the scheme
/// names no delivery id). The catalogue (`docs/providers.md`) shows this.
pub fn signs_its_delivery_id(descriptor: &crate::model::scheme::Descriptor) -> Option<bool> {
    let at = match descriptor.delivery_id? {
        DeliveryIdSource::Header(names) => IdAt::Header(names.first()?),
        DeliveryIdSource::BodyField(_) => IdAt::Body,
        DeliveryIdSource::JsonBodyMember { field, .. } => IdAt::BodyMember(field),
    };
    Some(signs(&descriptor.check, at))
}

/// `body_sha256`: the body's SHA-256 (hex), which the caller computed once for the
/// fingerprint (the Worker asks the platform's WebCrypto for it). A body-hash key lives
/// for `idempotency.body_hash_window_s` (`Idempotency::window_for`); with `0` the object
/// keeps no key for it, and every copy is a new delivery.
pub fn delivery_key(
    record: &WebhookRecord,
    headers: &Headers,
    body: &[u8],
    body_sha256: &str,
) -> DeliveryKey {
    let provider = provider_id(record, headers, body);
    let key = |source, value| DeliveryKey { source, value };
    if let Some((value, true)) = provider {
        return key(KeySource::SignedDeliveryId, value);
    }
    if let Some(v) = headers.get("idempotency-key").and_then(bounded) {
        return key(KeySource::IdempotencyKeyHeader, v);
    }
    if let Some((value, false)) = provider {
        return key(KeySource::ProviderDeliveryId, value);
    }
    key(KeySource::BodySha256, body_sha256.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::record;

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        Headers::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_signed_id_beats_the_header_which_beats_an_unsigned_id() {
        let svix = record(
            r#"{"path":"/h","auth":{"scheme":"svix","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},"target":{"queue":"EVENTS"}}"#,
        );
        let replayed_capture = headers(&[("svix-id", "msg_1"), ("Idempotency-Key", "fresh-9")]);
        let k = delivery_key(&svix, &replayed_capture, b"{}", "unused");
        assert_eq!(
            (k.source, k.value.as_str()),
            (KeySource::SignedDeliveryId, "msg_1")
        );
        let stripe = record(
            r#"{"path":"/h","auth":{"scheme":"stripe","secret":"whsec_key_test_1"},"target":{"queue":"EVENTS"}}"#,
        );
        let k = delivery_key(
            &stripe,
            &headers(&[("Idempotency-Key", "fresh-9")]),
            br#"{"id":"evt_1"}"#,
            "unused",
        );
        assert_eq!(
            (k.source, k.value.as_str()),
            (KeySource::SignedDeliveryId, "evt_1")
        );
        // A template names an id header exactly when its content signs `{id}`.
        let signs_id = record(
            r#"{"path":"/h","auth":{"scheme":"hmac","template":{"header":"x-sig","content":"{id}.{body}","id_header":"x-msg"}},"target":{"queue":"EVENTS"}}"#,
        );
        let sent = headers(&[("X-Msg", "m-1"), ("Idempotency-Key", "fresh-9")]);
        assert_eq!(
            delivery_key(&signs_id, &sent, b"{}", "unused").source,
            KeySource::SignedDeliveryId
        );
        // A shared secret signs nothing: GitHub's id would be signed by nothing either.
        let shared = record(
            r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"s3cret-s3cret"},"target":{"queue":"EVENTS"}}"#,
        );
        assert_eq!(
            delivery_key(&shared, &sent, b"{}", "unused").source,
            KeySource::IdempotencyKeyHeader
        );
    }

    #[test]
    fn gitlabs_id_is_signed_only_under_a_signing_token() {
        let sent = headers(&[
            ("webhook-id", "wh-1"),
            ("webhook-signature", "v1,AAAA"),
            ("Idempotency-Key", "fresh-9"),
        ]);
        let unsigned = headers(&[("webhook-id", "wh-1"), ("Idempotency-Key", "fresh-9")]);
        let signing = record(
            r#"{"path":"/h","auth":{"scheme":"gitlab","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},"target":{"queue":"EVENTS"}}"#,
        );
        assert_eq!(
            delivery_key(&signing, &sent, b"{}", "unused").source,
            KeySource::SignedDeliveryId
        );
        // A secret token signs nothing, though GitLab >= 19 sends `webhook-id` anyway.
        let token = record(
            r#"{"path":"/h","auth":{"scheme":"gitlab","secret":"gitlab-secret-token-0123"},"target":{"queue":"EVENTS"}}"#,
        );
        for h in [&sent, &unsigned] {
            assert_eq!(
                delivery_key(&token, h, b"{}", "unused").source,
                KeySource::IdempotencyKeyHeader
            );
        }
    }

    #[test]
    fn every_scheme_says_whether_its_id_is_signed() {
        use crate::model::Scheme;
        // The schemes whose delivery id the MAC covers; the README's table says the same.
        let signed: &[Scheme] = &[
            Scheme::StandardWebhooks,
            Scheme::Svix,
            Scheme::Stripe,
            Scheme::Slack,
            Scheme::Paddle,
            Scheme::Twitch,
            Scheme::Discord,
            // Body-field ids under a MAC of the body.
            Scheme::Vercel,
            Scheme::Intercom,
            Scheme::CoinbaseCommerce,
            Scheme::Segment,
            Scheme::Heroku,
            Scheme::Launchdarkly,
            Scheme::Typeform,
            Scheme::Circleci,
            Scheme::Notion,
            Scheme::Mux,
            Scheme::Workos,
            Scheme::Orb,
            Scheme::Box,
            Scheme::Square,
            // SNS signs its MessageId, PayPal its event id through the body's CRC32.
            Scheme::AwsSns,
            Scheme::Paypal,
            Scheme::Openai,
            Scheme::Replicate,
            Scheme::Clerk,
            Scheme::Resend,
            Scheme::Brex,
            Scheme::Lithic,
            Scheme::Polar,
            Scheme::Gitlab,
            Scheme::Mailgun,
        ];
        for scheme in Scheme::ALL {
            let d = scheme.descriptor();
            assert_eq!(
                signs_its_delivery_id(d).unwrap_or(false),
                signed.contains(&scheme),
                "{}",
                d.name
            );
        }
    }

    #[test]
    fn header_then_provider_id_then_body_hash() {
        let gh = record(r#"{"path":"/h","auth":{"scheme":"github"},"target":{"queue":"EVENTS"}}"#);
        let both = headers(&[("Idempotency-Key", "k-1"), ("X-GitHub-Delivery", "d-1")]);
        assert_eq!(
            delivery_key(&gh, &both, b"{}", &sha256_hex(b"{}")),
            DeliveryKey {
                source: KeySource::IdempotencyKeyHeader,
                value: "k-1".into()
            }
        );
        let provider = headers(&[("X-GitHub-Delivery", "d-1")]);
        assert_eq!(
            delivery_key(&gh, &provider, b"{}", &sha256_hex(b"{}")),
            DeliveryKey {
                source: KeySource::ProviderDeliveryId,
                value: "d-1".into()
            }
        );
        let none = delivery_key(&gh, &headers(&[]), b"{}", &sha256_hex(b"{}"));
        assert_eq!(none.source, KeySource::BodySha256);
        assert_eq!(none.value, sha256_hex(b"{}"));
    }

    #[test]
    fn body_fields_and_template_id_headers() {
        let stripe = record(
            r#"{"path":"/h","auth":{"scheme":"stripe","secret":"whsec_key_test_1"},"target":{"queue":"EVENTS"}}"#,
        );
        let k = delivery_key(
            &stripe,
            &headers(&[]),
            br#"{"id":"evt_123","type":"x"}"#,
            "unused",
        );
        assert_eq!(
            (k.source, k.value.as_str()),
            (KeySource::SignedDeliveryId, "evt_123")
        );
        // Not JSON, or no such field: the body's hash.
        let k = delivery_key(
            &stripe,
            &headers(&[]),
            b"id=evt_1",
            &sha256_hex(b"id=evt_1"),
        );
        assert_eq!(k.source, KeySource::BodySha256);
        let tmpl = record(
            r#"{"path":"/h","auth":{"scheme":"hmac","template":{"header":"x-sig","content":"{id}.{body}","id_header":"x-msg"}},"target":{"queue":"EVENTS"}}"#,
        );
        let k = delivery_key(&tmpl, &headers(&[("X-Msg", "m-9")]), b"{}", "unused");
        assert_eq!(
            (k.source, k.value.as_str()),
            (KeySource::SignedDeliveryId, "m-9")
        );
    }

    #[test]
    fn long_or_odd_keys_are_hashed_and_sources_never_collide() {
        let r = record(r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#);
        let long = "k".repeat(300);
        let k = delivery_key(&r, &headers(&[("Idempotency-Key", &long)]), b"", "unused");
        assert!(k.value.starts_with("sha256:") && k.value.len() < 80);
        let h = DeliveryKey {
            source: KeySource::IdempotencyKeyHeader,
            value: "x".into(),
        };
        let b = DeliveryKey {
            source: KeySource::BodySha256,
            value: "x".into(),
        };
        assert_ne!(h.storage_key(), b.storage_key());
    }
}
