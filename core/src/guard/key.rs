//! Which key identifies a delivery for deduplication, and the body's fingerprint.
//!
//! In order: the sender's `Idempotency-Key` header; the provider's own delivery id, from
//! the scheme descriptor (`webhook-id`, `X-GitHub-Delivery`, Stripe's event `id`, …) or
//! the template's `id_header`; otherwise the SHA-256 of the body, so stripping an id
//! header does not bypass deduplication.

use crate::model::scheme::DeliveryIdSource;
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
            KeySource::ProviderDeliveryId => "p",
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

/// The provider's id of this delivery, where the scheme (or template) says it is.
fn provider_id(record: &WebhookRecord, headers: &Headers, body: &[u8]) -> Option<String> {
    let auth = record.auth();
    if let Some(h) = auth.template().and_then(|t| t.id_header()) {
        return headers.get(h).and_then(bounded);
    }
    match auth.scheme().descriptor().delivery_id? {
        DeliveryIdSource::Header(names) => {
            names.iter().find_map(|n| headers.get(n)).and_then(bounded)
        }
        // One member read; the rest of the body is not kept.
        DeliveryIdSource::BodyField(field) => match crate::json::top_level_member(body, field)?? {
            crate::json::Member::Text(id) => bounded(&id),
            _ => None,
        },
    }
}

/// `body_sha256`: the body's SHA-256 (hex), which the caller computed once for the
/// fingerprint (the Worker asks the platform's WebCrypto for it).
pub fn delivery_key(
    record: &WebhookRecord,
    headers: &Headers,
    body: &[u8],
    body_sha256: &str,
) -> DeliveryKey {
    if let Some(v) = headers.get("idempotency-key").and_then(bounded) {
        return DeliveryKey {
            source: KeySource::IdempotencyKeyHeader,
            value: v,
        };
    }
    if let Some(v) = provider_id(record, headers, body) {
        return DeliveryKey {
            source: KeySource::ProviderDeliveryId,
            value: v,
        };
    }
    DeliveryKey {
        source: KeySource::BodySha256,
        value: body_sha256.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::record;

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        Headers::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
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
            (KeySource::ProviderDeliveryId, "evt_123")
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
            (KeySource::ProviderDeliveryId, "m-9")
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
