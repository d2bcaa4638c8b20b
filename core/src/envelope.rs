//! The queue envelope: what a consumer receives for every accepted event.
//!
//! The format is versioned (`"v": 1`) and pinned byte for byte by the golden tests in
//! `core/tests/golden.rs`. Add fields only; never rename or retype one.

use crate::request::Forwardable;
use crate::secret::DeliveryId;
use crate::time::UnixMillis;
use crate::verify::Verified;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

pub const ENVELOPE_VERSION: u32 = 1;

/// Queue messages are limited to 128 KB including metadata; an envelope larger than this
/// travels with its body in R2 instead.
pub const MAX_INLINE_ENVELOPE_BYTES: usize = 120 * 1024;

#[derive(Serialize)]
struct Envelope<'a> {
    v: u32,
    id: &'a str,
    webhook: WebhookRef<'a>,
    received_at: &'a str,
    request: RequestPart<'a>,
    body: BodyPart<'a>,
    /// From the webhook's `event_type` source, when it found one.
    #[serde(skip_serializing_if = "Option::is_none")]
    event_type: Option<&'a str>,
    /// Kubiya style: the body's `message`, the primary instruction.
    #[serde(skip_serializing_if = "Option::is_none")]
    instruction: Option<&'a str>,
    /// Kestra style: `{"body", "headers", "parameters"}` as a flow reads them.
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger: Option<&'a RawValue>,
    /// Sent by the admin API's test action.
    #[serde(skip_serializing_if = "is_false")]
    test: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What a webhook's style and settings add to its envelopes (`pipeline::prepare`).
#[derive(Debug, Default)]
pub struct Extras {
    /// The body to forward instead of the sender's (Flowker's `_webhook` added).
    pub body: Option<Vec<u8>>,
    pub event_type: Option<String>,
    pub instruction: Option<String>,
    /// JSON text of Kestra's trigger variables.
    pub trigger: Option<String>,
    pub test: bool,
}

impl Extras {
    /// The bytes that are forwarded: the sender's body unless the style changed it.
    pub fn forwarded_body<'a>(&'a self, sender_body: &'a [u8]) -> &'a [u8] {
        self.body.as_deref().unwrap_or(sender_body)
    }
}

#[derive(Serialize)]
struct WebhookRef<'a> {
    id: &'a str,
    name: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
struct RequestPart<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a BTreeMap<String, Vec<String>>,
    headers: &'a Forwardable,
    source_ip: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(tag = "encoding", rename_all = "lowercase")]
enum BodyPart<'a> {
    /// The body parsed as JSON; `data` is the sender's exact JSON text.
    Json { size: usize, data: &'a RawValue },
    /// UTF-8 that is not JSON.
    Text { size: usize, data: &'a str },
    /// Anything else, standard base64 with padding.
    Base64 { size: usize, data: String },
    /// Too large for a queue message: the raw bytes are in R2 under `key`, with their
    /// SHA-256 (hex) so a consumer can check what it reads back
    /// (`delivery::forward::check_body`).
    R2 {
        size: usize,
        key: &'a str,
        sha256: String,
    },
}

/// What the shell must do to hand an event over.
#[derive(Debug, PartialEq, Eq)]
pub enum Handover {
    /// Send this JSON as the queue message.
    Inline { message: String },
    /// Put the raw body into R2 at `r2_key` first, then send `message`.
    WithBodyInR2 { r2_key: String, message: String },
}

impl Handover {
    pub fn message(&self) -> &str {
        match self {
            Handover::Inline { message } | Handover::WithBodyInR2 { message, .. } => message,
        }
    }
}

fn parse_query(raw: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let Some(raw) = raw.filter(|q| !q.is_empty()) else {
        return out;
    };
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        out.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    out
}

/// Builds the envelope for a verified request.
/// `body_sha256` is the body's SHA-256 (hex), which the caller already computed for the
/// delivery's fingerprint: the claim check reuses it instead of hashing the body again.
/// `headers` are the request's forwardable headers, which the caller also keeps in the
/// delivery log: computed once.
pub fn build(
    verified: &Verified,
    id: &DeliveryId,
    received_at: UnixMillis,
    body_sha256: &str,
    headers: &Forwardable,
    extras: &Extras,
) -> Handover {
    let record = verified.record();
    let inbound = verified.inbound();
    let body = extras.forwarded_body(&inbound.body);
    let trigger: Option<&RawValue> = extras
        .trigger
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok());
    let body_len = body.len();
    // Computed once, though an envelope may be rendered twice (inline, then with its
    // body in R2).
    let path = verified.redacted_path();
    let query = parse_query(inbound.query.as_deref());
    let received_at = received_at.to_rfc3339();
    let render = |body: BodyPart<'_>| {
        // Sized once for the body plus headers, instead of growing from 128 bytes.
        let capacity = match &body {
            BodyPart::R2 { .. } => 1024,
            _ => body_len * 4 / 3 + 2048,
        };
        let mut out = Vec::with_capacity(capacity);
        serde_json::to_writer(
            &mut out,
            &Envelope {
                v: ENVELOPE_VERSION,
                id: id.as_str(),
                webhook: WebhookRef {
                    id: record.id().as_str(),
                    name: record.name(),
                    path: record.path().as_str(),
                },
                received_at: &received_at,
                request: RequestPart {
                    method: &inbound.method,
                    path: &path,
                    query: &query,
                    headers,
                    source_ip: inbound.source_ip.as_deref(),
                },
                body,
                event_type: extras.event_type.as_deref(),
                instruction: extras.instruction.as_deref(),
                trigger,
                test: extras.test,
            },
        )
        .expect("envelope serializes");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    };
    let offloaded = || {
        let r2_key = format!("bodies/{}/{}", record.id().as_str(), id.as_str());
        Handover::WithBodyInR2 {
            message: render(BodyPart::R2 {
                size: body.len(),
                key: &r2_key,
                sha256: body_sha256.to_string(),
            }),
            r2_key,
        }
    };
    if body.len() > MAX_INLINE_ENVELOPE_BYTES {
        return offloaded();
    }
    let size = body.len();
    // Borrowed from the body: validated, not copied.
    let raw_json: Option<&RawValue> = serde_json::from_slice(body).ok();
    let message = match (&raw_json, std::str::from_utf8(body)) {
        (Some(data), _) => render(BodyPart::Json { size, data }),
        (None, Ok(text)) => render(BodyPart::Text { size, data: text }),
        (None, Err(_)) => render(BodyPart::Base64 {
            size,
            data: STANDARD.encode(body),
        }),
    };
    if message.len() > MAX_INLINE_ENVELOPE_BYTES {
        offloaded()
    } else {
        Handover::Inline { message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::key::sha256_hex;
    use crate::request::{Headers, Inbound, RouteMatch};
    use crate::testing::record;
    use crate::verify::verify;
    use serde_json::Value;

    fn verified(body: &[u8]) -> Verified {
        let record = record(
            r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"the-secret"},"target":{"queue":"EVENTS"}}"#,
        );
        let inbound = Inbound {
            method: "POST".into(),
            url: "https://hooks.example.com/h?a=1&a=2&b=x%20y".into(),
            query: Some("a=1&a=2&b=x%20y".into()),
            headers: Headers::new([
                ("X-Webhook-Secret".to_string(), "the-secret".to_string()),
                ("Content-Type".to_string(), "application/json".to_string()),
            ]),
            source_ip: Some("203.0.113.9".into()),
            body: body.to_vec(),
        };
        verify(RouteMatch::exact(record), inbound, UnixMillis(0)).unwrap()
    }

    fn build_plain(v: &Verified, id: &DeliveryId, at: UnixMillis, sha: &str) -> Handover {
        let headers = v.inbound().headers.forwardable(v.record());
        build(v, id, at, sha, &headers, &Extras::default())
    }

    fn inline(h: Handover) -> Value {
        match h {
            Handover::Inline { message } => serde_json::from_str(&message).unwrap(),
            other => panic!("expected inline, got {other:?}"),
        }
    }

    #[test]
    fn json_body_is_embedded_verbatim() {
        let body = br#"{"big": 12345678901234567890, "f": 1.50}"#;
        let h = build_plain(
            &verified(body),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        );
        assert!(h
            .message()
            .contains(r#""data":{"big": 12345678901234567890, "f": 1.50}"#));
        let v = inline(h);
        assert_eq!(v["body"]["encoding"], "json");
        assert_eq!(v["body"]["size"], body.len());
        assert_eq!(v["request"]["query"]["a"], serde_json::json!(["1", "2"]));
        assert_eq!(v["request"]["query"]["b"], serde_json::json!(["x y"]));
        assert_eq!(v["request"]["source_ip"], "203.0.113.9");
        assert!(v["request"]["headers"].get("x-webhook-secret").is_none());
    }

    #[test]
    fn text_and_binary_bodies_keep_their_bytes() {
        let v = inline(build_plain(
            &verified(b"hello=world"),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        ));
        assert_eq!(v["body"]["encoding"], "text");
        assert_eq!(v["body"]["data"], "hello=world");
        let v = inline(build_plain(
            &verified(&[0xff, 0x00, 0x10]),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        ));
        assert_eq!(v["body"]["encoding"], "base64");
        assert_eq!(v["body"]["data"], "/wAQ");
        let v = inline(build_plain(
            &verified(b""),
            &DeliveryId::generate([1; 16]),
            UnixMillis(0),
            "unused-inline",
        ));
        assert_eq!(v["body"]["encoding"], "text");
        assert_eq!(v["body"]["size"], 0);
    }

    #[test]
    fn large_bodies_go_to_r2() {
        let body = vec![b'a'; MAX_INLINE_ENVELOPE_BYTES + 1];
        let id = DeliveryId::generate([2; 16]);
        match build_plain(&verified(&body), &id, UnixMillis(0), &sha256_hex(&body)) {
            Handover::WithBodyInR2 { r2_key, message } => {
                assert_eq!(
                    r2_key,
                    format!("bodies/wh_030303030303030303030303/{}", id.as_str())
                );
                let v: Value = serde_json::from_str(&message).unwrap();
                assert_eq!(
                    v["body"],
                    serde_json::json!({"encoding": "r2", "size": body.len(), "key": r2_key,
                        "sha256": sha256_hex(&body)})
                );
                assert!(message.len() < 2048);
            }
            other => panic!("expected R2, got {other:?}"),
        }
        // Binary just under the raw limit grows past it in base64: also offloaded.
        let binary = vec![0xffu8; MAX_INLINE_ENVELOPE_BYTES - 10];
        assert!(matches!(
            build_plain(&verified(&binary), &id, UnixMillis(0), &sha256_hex(&binary)),
            Handover::WithBodyInR2 { .. }
        ));
    }
}
