//! What the Worker and the webhook's object say to each other, and the delivery log the
//! object keeps. Wire types change together with the code (one deployment); the log
//! entry is stored, so it is pinned by a golden test.

use super::key::{DeliveryKey, KeySource};
use super::rate_limit::Quota;
use serde::{Deserialize, Serialize};

/// One delivery as the log and the answer need it. Never a credential: no headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryMeta {
    pub id: String,
    pub received_at_ms: u64,
    pub method: String,
    pub source_ip: Option<String>,
    pub size: u64,
    /// Sent by the admin API's test action.
    #[serde(default)]
    pub test: bool,
}

/// `POST /deliver` to the object: one round trip per accepted delivery.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeliverRequest {
    /// The revision of the record the request was verified with.
    pub revision: u64,
    /// That record's JSON, for an object that holds none yet (a webhook created before
    /// the object existed): it adopts it.
    pub record: Option<String>,
    pub key: DeliveryKey,
    pub fingerprint: String,
    pub delivery: DeliveryMeta,
    /// The queue message (envelope) to send. Not a JSON member: it travels after the
    /// rest ([`DeliverRequest::to_wire`]), so its bytes are not escaped and unescaped
    /// once more on the way to the object.
    #[serde(skip)]
    pub message: String,
    /// The body's R2 key when the envelope refers to it.
    pub r2_key: Option<String>,
    /// The webhook's filter did not match: check the webhook's standing and log the
    /// request as filtered; no idempotency, no rate limit, nothing sent.
    #[serde(default)]
    pub filtered: bool,
    /// A verified handshake (Slack, Zoom, Twitch) the Worker will answer: check the
    /// webhook's standing only, so a disabled or deleted webhook never answers one from
    /// a stale cache. No idempotency, no rate limit, nothing sent or logged.
    #[serde(default)]
    pub handshake: bool,
    /// What the delivery log shows of the request (credential-free headers, the start of
    /// the body), for the dashboard's detail panel.
    #[serde(default)]
    pub preview: Option<RequestPreview>,
}

impl DeliverRequest {
    /// The body of `POST /deliver`: the request as one line of JSON, a newline, then the
    /// message exactly as it will be sent. Compact JSON never holds a raw newline (one
    /// in a string is written `\n`), so the first newline is the boundary.
    pub fn to_wire(&self) -> String {
        let mut wire = serde_json::to_string(self).expect("a deliver request serializes");
        wire.reserve(1 + self.message.len());
        wire.push('\n');
        wire.push_str(&self.message);
        wire
    }

    /// Reads [`DeliverRequest::to_wire`]'s form back.
    pub fn from_wire(wire: &str) -> Result<DeliverRequest, serde_json::Error> {
        let (head, message) = wire.split_once('\n').unwrap_or((wire, ""));
        let mut request: DeliverRequest = serde_json::from_str(head)?;
        request.message = message.to_string();
        Ok(request)
    }
}

/// The start of a body kept in the delivery log.
pub const PREVIEW_BODY_BYTES: usize = 1024;

/// A request as the delivery log keeps it: never a credential (the headers are the
/// forwardable ones) and at most [`PREVIEW_BODY_BYTES`] of the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestPreview {
    pub headers: std::collections::BTreeMap<String, String>,
    /// The body's first bytes, as UTF-8 (invalid sequences replaced).
    pub body: String,
    pub truncated: bool,
}

impl RequestPreview {
    pub fn new(headers: crate::request::Forwardable, body: &[u8]) -> Self {
        let end = body.len().min(PREVIEW_BODY_BYTES);
        RequestPreview {
            headers: headers.into_map(),
            body: String::from_utf8_lossy(&body[..end]).into_owned(),
            truncated: body.len() > end,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    InFlight,
    Reused,
    Duplicate,
    RateLimited,
    Disabled,
    Deleted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DeliverAnswer {
    /// Handed over: answer `status` (202, or a sync origin's) with `body`.
    Accepted {
        status: u16,
        body: String,
        content_type: Option<String>,
        quota: Quota,
    },
    /// A duplicate of an accepted delivery: answer `status` and `body` (of
    /// `content_type`, when it was a sync origin's own) again.
    Replayed {
        status: u16,
        body: String,
        content_type: Option<String>,
    },
    /// The webhook stands at this revision, enabled: answer the handshake.
    Current,
    Refused {
        refusal: Refusal,
        quota: Option<Quota>,
        retry_after_s: Option<u64>,
    },
    /// Logged as filtered; answer `204`.
    Filtered,
    /// Verify again against this record and ask again.
    Stale { revision: u64, record: String },
    /// The queue did not accept the event; the key was released.
    ForwardFailed,
    /// A sync origin failed (`502`) or did not answer in time (`504`); the key was
    /// released, so the sender's retry is not a duplicate.
    OriginFailed { timed_out: bool },
}

/// How a delivery ended, as the log shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Accepted,
    Replayed,
    InFlight,
    Reused,
    Duplicate,
    RateLimited,
    Disabled,
    Deleted,
    ForwardFailed,
    OriginFailed,
    OriginTimedOut,
    /// The webhook's filter did not match; nothing was forwarded.
    Filtered,
}

/// The per-minute counters the dashboard charts.
pub const STAT_COLUMNS: [&str; 5] = [
    "accepted",
    "refused",
    "duplicate",
    "rate_limited",
    "filtered",
];

impl Outcome {
    /// Which per-minute counter an outcome adds to.
    pub fn stat_column(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Replayed | Outcome::Duplicate | Outcome::InFlight | Outcome::Reused => {
                "duplicate"
            }
            Outcome::RateLimited => "rate_limited",
            Outcome::Filtered => "filtered",
            Outcome::Disabled
            | Outcome::Deleted
            | Outcome::ForwardFailed
            | Outcome::OriginFailed
            | Outcome::OriginTimedOut => "refused",
        }
    }
}

impl From<Refusal> for Outcome {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::InFlight => Outcome::InFlight,
            Refusal::Reused => Outcome::Reused,
            Refusal::Duplicate => Outcome::Duplicate,
            Refusal::RateLimited => Outcome::RateLimited,
            Refusal::Disabled => Outcome::Disabled,
            Refusal::Deleted => Outcome::Deleted,
        }
    }
}

/// One row of `GET /admin/v1/webhooks/{id}/deliveries` (stored, golden-pinned).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: String,
    pub received_at: String,
    pub method: String,
    pub source_ip: Option<String>,
    pub size: u64,
    pub idempotency_key: String,
    pub key_source: KeySource,
    pub outcome: Outcome,
    pub status: u16,
    pub latency_ms: u64,
    /// Sent by the admin API's test action.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestPreview>,
}

pub const DEFAULT_LOG_ENTRIES: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_carries_the_message_byte_for_byte() {
        // A message with what JSON escapes (quotes, backslashes, a newline in a string,
        // non-ASCII), and a preview whose body holds raw newlines: the head stays one
        // line, and the message arrives as it was.
        let message = "{\"body\":\"a\\nb \\\"q\\\" \\\\ é\"}\n{\"second\":\"line\"}".to_string();
        let request = DeliverRequest {
            revision: 3,
            record: None,
            key: DeliveryKey {
                source: KeySource::IdempotencyKeyHeader,
                value: "k\n1".into(),
            },
            fingerprint: "f".into(),
            delivery: DeliveryMeta {
                id: "dlv_1".into(),
                received_at_ms: 7,
                method: "POST".into(),
                source_ip: None,
                size: 2,
                test: false,
            },
            message: message.clone(),
            r2_key: None,
            filtered: false,
            handshake: false,
            preview: Some(RequestPreview {
                headers: Default::default(),
                body: "line one\nline two".into(),
                truncated: false,
            }),
        };
        let wire = request.to_wire();
        let (head, rest) = wire.split_once('\n').unwrap();
        assert!(!head.contains('\n'));
        assert_eq!(rest, message);
        let back = DeliverRequest::from_wire(&wire).unwrap();
        assert_eq!(back.message, message);
        assert_eq!(back.key, request.key);
        assert_eq!(back.preview, request.preview);
        assert_eq!(back.delivery, request.delivery);
        // No message (a handshake's or a filtered request's check): nothing after it.
        let empty = DeliverRequest {
            message: String::new(),
            ..request
        };
        assert_eq!(
            DeliverRequest::from_wire(&empty.to_wire()).unwrap().message,
            ""
        );
        assert!(DeliverRequest::from_wire("not json\n{}").is_err());
    }
}
