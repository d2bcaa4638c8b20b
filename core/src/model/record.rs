//! The stored webhook, exactly as it is written to KV (format 1, pinned by golden tests).

use super::auth::AuthConfig;
use super::limits::{Idempotency, RateLimit};
use super::rules::{self, Violation};
use super::style::{BasicAuth, EventTypeSource, Style};
use crate::filter::Filter;
use crate::path::WebhookPath;
use crate::secret::WebhookId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Bump only with a reader for the previous format: deployed records must stay readable.
pub const RECORD_FORMAT: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    pub fn parse(raw: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Where accepted events go: exactly one of a Queue binding or an HTTP origin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Name of the Queue producer binding the envelope is sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) queue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) origin: Option<Origin>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginMode {
    /// Through hookgate's delivery queue, with retries; the sender gets 202 at once.
    #[default]
    Async,
    /// Called while the sender waits; the sender gets the origin's answer.
    Sync,
}

pub const DEFAULT_ORIGIN_TIMEOUT_MS: u64 = 10_000;
pub const MAX_ORIGIN_TIMEOUT_MS: u64 = 30_000;
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;
pub const MAX_MAX_ATTEMPTS: u32 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) mode: OriginMode,
    pub(crate) timeout_ms: u64,
    pub(crate) max_attempts: u32,
}

impl Origin {
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn mode(&self) -> OriginMode {
        self.mode
    }

    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Plain `http` (allowed only where the deployment sets `ALLOW_INSECURE_ORIGINS`).
    pub fn is_insecure(&self) -> bool {
        self.url.starts_with("http:")
    }

    /// The URL names this machine, a private or link-local network (cloud metadata
    /// endpoints among them) or a local name: a sender's events must never be a way
    /// into the operator's network. Allowed only with `ALLOW_INSECURE_ORIGINS`.
    pub fn is_private_network(&self) -> bool {
        url::Url::parse(&self.url).is_ok_and(|u| match u.host() {
            Some(url::Host::Ipv4(ip)) => private_v4(ip),
            Some(url::Host::Ipv6(ip)) => private_v6(ip),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost"
                    || name.ends_with(".localhost")
                    || name == "metadata.google.internal"
            }
            None => true,
        })
    }
}

fn private_v4(ip: std::net::Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || a == 0
        // Shared address space (RFC 6598), used inside providers' networks.
        || (a == 100 && (64..128).contains(&b))
}

fn private_v6(ip: std::net::Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        // Link-local fe80::/10 and unique-local fc00::/7.
        || (first & 0xffc0) == 0xfe80
        || (first & 0xfe00) == 0xfc00
}

/// A target, resolved.
pub enum TargetKind<'a> {
    Queue(&'a str),
    Origin(&'a Origin),
}

impl Target {
    pub fn kind(&self) -> TargetKind<'_> {
        match (&self.queue, &self.origin) {
            (_, Some(o)) => TargetKind::Origin(o),
            (Some(q), None) => TargetKind::Queue(q),
            // `rules::check_target` refuses a target with neither.
            (None, None) => TargetKind::Queue(""),
        }
    }

    /// The Queue binding of a queue target.
    pub fn queue(&self) -> Option<&str> {
        self.queue.as_deref()
    }

    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }
}

/// The stored webhook. Only [`WebhookRecord::decode`] and the admin API's validation
/// make one, and both run [`rules::check_record`]: holding a record means it is usable.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookRecord {
    pub(crate) format: u32,
    pub(crate) id: WebhookId,
    pub(crate) name: String,
    pub(crate) path: WebhookPath,
    pub(crate) enabled: bool,
    pub(crate) methods: Vec<Method>,
    pub(crate) max_body_bytes: u64,
    pub(crate) auth: AuthConfig,
    pub(crate) target: Target,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Committed by the webhook's object (one writer per webhook); 0 in records written
    /// before the object existed.
    #[serde(default)]
    pub(crate) revision: u64,
    #[serde(default)]
    pub(crate) idempotency: Idempotency,
    #[serde(default)]
    pub(crate) rate_limit: RateLimit,
    /// Signs what hookgate forwards to an origin (Standard Webhooks), newest first.
    /// Generated at creation; absent in records written before origins existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) forwarding_secrets: Vec<super::StoredSecret>,
    /// The organisation whose shared limit this webhook also counts against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) namespace: Option<String>,
    /// Which system's senders this webhook answers like.
    #[serde(default, skip_serializing_if = "Style::is_default")]
    pub(crate) style: Style,
    /// Conditions a request must meet to be forwarded; others answer `204`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) filter: Option<Filter>,
    /// Where the envelope's `event_type` is read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) event_type: Option<EventTypeSource>,
    /// Kestra 0.24+: HTTP Basic credentials checked besides the URL key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) basic_auth: Option<BasicAuth>,
}

/// Why a stored record cannot be used. The details are for the operator's log; a sender
/// only ever learns `webhook_misconfigured`.
#[derive(Debug, PartialEq, Eq)]
pub enum RecordDecodeError {
    Json(String),
    UnsupportedFormat(u32),
    Invalid(Vec<Violation>),
}

impl fmt::Display for RecordDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordDecodeError::Json(e) => write!(f, "stored record is unreadable: {e}"),
            RecordDecodeError::UnsupportedFormat(v) => {
                write!(f, "stored record has unsupported format {v}")
            }
            RecordDecodeError::Invalid(violations) => {
                f.write_str("stored record breaks the admin API's rules: ")?;
                for (i, v) in violations.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", v.field, v.message)?;
                }
                Ok(())
            }
        }
    }
}

impl WebhookRecord {
    /// Reads a stored record and checks it with the same rules as the admin API.
    /// Anything it cannot fully understand or that the admin API would refuse (an
    /// unknown scheme, a newer format, no secret, a replay window of 10^12 s) is an
    /// error, so verification fails closed.
    pub fn decode(json: &str) -> Result<WebhookRecord, RecordDecodeError> {
        Self::decode_with(json, rules::SecretLength::Enforced)
    }

    /// `decode` with the minimum secret length waived: published provider test vectors
    /// use keys such as `foo`. Only `core/tests/conformance.rs` calls this, for vectors
    /// it marks as such; the Worker never does.
    #[doc(hidden)]
    pub fn decode_published_vector(json: &str) -> Result<WebhookRecord, RecordDecodeError> {
        Self::decode_with(json, rules::SecretLength::WaivedForPublishedVectors)
    }

    fn decode_with(
        json: &str,
        secret_length: rules::SecretLength,
    ) -> Result<WebhookRecord, RecordDecodeError> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version =
            serde_json::from_str(json).map_err(|e| RecordDecodeError::Json(e.to_string()))?;
        if version.format != RECORD_FORMAT {
            return Err(RecordDecodeError::UnsupportedFormat(version.format));
        }
        let mut record: WebhookRecord =
            serde_json::from_str(json).map_err(|e| RecordDecodeError::Json(e.to_string()))?;
        // Written before `body_hash_window_s` existed, with a key window under its
        // default: the body-hash window is the key window (it can never be longer).
        let idempotency = &mut record.idempotency;
        idempotency.body_hash_window_s = idempotency.body_hash_window_s.min(idempotency.window_s);
        let violations = rules::check_record_with(&record, secret_length);
        if violations.is_empty() {
            Ok(record)
        } else {
            Err(RecordDecodeError::Invalid(violations))
        }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("record serializes")
    }

    pub fn id(&self) -> &WebhookId {
        &self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn path(&self) -> &WebhookPath {
        &self.path
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn methods(&self) -> &[Method] {
        &self.methods
    }

    pub fn max_body_bytes(&self) -> u64 {
        self.max_body_bytes
    }

    pub fn auth(&self) -> &AuthConfig {
        &self.auth
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn created_at(&self) -> &str {
        &self.created_at
    }

    pub fn updated_at(&self) -> &str {
        &self.updated_at
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The record as committed by the webhook's object at `revision`.
    pub fn at_revision(mut self, revision: u64) -> WebhookRecord {
        self.revision = revision;
        self
    }

    pub fn idempotency(&self) -> &Idempotency {
        &self.idempotency
    }

    pub fn rate_limit(&self) -> &RateLimit {
        &self.rate_limit
    }

    pub fn forwarding_secrets(&self) -> &[super::StoredSecret] {
        &self.forwarding_secrets
    }

    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub fn style(&self) -> Style {
        self.style
    }

    pub fn filter(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    pub fn event_type(&self) -> Option<&EventTypeSource> {
        self.event_type.as_ref()
    }

    pub fn basic_auth(&self) -> Option<&BasicAuth> {
        self.basic_auth.as_ref()
    }

    pub fn allows(&self, method: &str) -> bool {
        Method::parse(method).is_some_and(|m| self.methods.contains(&m))
    }

    pub fn allow_header(&self) -> String {
        let names: Vec<&str> = self.methods.iter().map(|m| m.as_str()).collect();
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::record;

    fn stored(r: &WebhookRecord) -> serde_json::Value {
        serde_json::from_str(&r.encode()).unwrap()
    }

    fn decode_value(v: &serde_json::Value) -> Result<WebhookRecord, RecordDecodeError> {
        WebhookRecord::decode(&v.to_string())
    }

    #[test]
    fn decode_fails_closed_on_what_it_cannot_read() {
        let good =
            record(r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#);
        assert!(WebhookRecord::decode(&good.encode()).is_ok());
        let unknown = good.encode().replace("\"url-key\"", "\"carrier-pigeon\"");
        assert!(matches!(
            WebhookRecord::decode(&unknown),
            Err(RecordDecodeError::Json(_))
        ));
        let newer = good.encode().replace("\"format\":1", "\"format\":2");
        assert_eq!(
            WebhookRecord::decode(&newer).unwrap_err(),
            RecordDecodeError::UnsupportedFormat(2)
        );
        let mut no_secret = stored(&good);
        no_secret["auth"]["secrets"] = serde_json::json!([]);
        assert!(matches!(
            decode_value(&no_secret),
            Err(RecordDecodeError::Invalid(_))
        ));
    }

    /// Regression: decoding trusted whatever KV held, so a hand-edited `tolerance_s` of
    /// 10^12 silently removed replay protection.
    #[test]
    fn decode_applies_the_admin_rules() {
        let stripe = record(
            r#"{"path":"/h","auth":{"scheme":"stripe","secret":"whsec_test_secret_1"},"target":{"queue":"EVENTS"}}"#,
        );
        let tmpl = record(
            r#"{"path":"/t","auth":{"scheme":"hmac","template":{"header":"x-sig","content":"{timestamp}.{body}","timestamp_header":"x-ts"}},"target":{"queue":"EVENTS"}}"#,
        );
        let edits: &[(&WebhookRecord, &str, serde_json::Value, &str)] = &[
            (
                &stripe,
                "/auth/tolerance_s",
                1_000_000_000_000u64.into(),
                "auth.tolerance_s",
            ),
            (&stripe, "/auth/tolerance_s", 0.into(), "auth.tolerance_s"),
            (&stripe, "/max_body_bytes", 0.into(), "max_body_bytes"),
            (
                &stripe,
                "/max_body_bytes",
                (1u64 << 40).into(),
                "max_body_bytes",
            ),
            (&stripe, "/name", "".into(), "name"),
            (&stripe, "/methods", serde_json::json!([]), "methods"),
            (
                &stripe,
                "/target/queue",
                "no such-name".into(),
                "target.queue",
            ),
            (&stripe, "/auth/header", "x-other".into(), "auth.header"),
            (
                &stripe,
                "/auth/secrets/0/value",
                "short".into(),
                "auth.secret",
            ),
            (
                &tmpl,
                "/auth/template/content",
                "{body}{body}".into(),
                "auth.template.content",
            ),
            (
                &tmpl,
                "/auth/template/timestamp_header",
                serde_json::Value::Null,
                "auth.template.timestamp_header",
            ),
        ];
        for (base, pointer, value, field) in edits {
            let mut v = stored(base);
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let object = v.pointer_mut(parent).unwrap().as_object_mut().unwrap();
            if value.is_null() {
                object.remove(key);
            } else {
                object.insert(key.to_string(), value.clone());
            }
            match decode_value(&v) {
                Err(RecordDecodeError::Invalid(violations)) => assert!(
                    violations.iter().any(|x| x.field == *field),
                    "{pointer}: {violations:?}"
                ),
                other => panic!("{pointer} = {value}: {other:?}"),
            }
        }
        let mut bad_path = stored(&stripe);
        bad_path["path"] = "/a/../b".into();
        assert!(matches!(
            decode_value(&bad_path),
            Err(RecordDecodeError::Json(_))
        ));
    }
}
