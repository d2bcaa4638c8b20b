//! A webhook's `style`: which system's senders it answers like. A style changes paths,
//! checks and answer shapes, never the guarantees (verification, idempotency, rate
//! limits, the delivery log). The behaviour lives in `crate::style`; this is the stored
//! part and the rules on it.

use super::record::{Method, WebhookRecord};
use super::rules::Violations;
use super::scheme::Scheme;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// hookgate's own answers: `202` JSON, RFC 9457 problems.
    #[default]
    Hookgate,
    /// Kubiya's job webhook trigger and webhook settings.
    Kubiya,
    /// Lerian Flowker's webhook trigger.
    Flowker,
    /// Kestra's webhook trigger.
    Kestra,
}

impl Style {
    pub const ALL: [Style; 4] = [
        Style::Hookgate,
        Style::Kubiya,
        Style::Flowker,
        Style::Kestra,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Style::Hookgate => "hookgate",
            Style::Kubiya => "kubiya",
            Style::Flowker => "flowker",
            Style::Kestra => "kestra",
        }
    }

    pub fn parse(raw: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|s| s.name() == raw)
    }

    pub fn is_default(&self) -> bool {
        *self == Style::Hookgate
    }

    /// The scheme a webhook of this style gets when the operator names none.
    pub fn default_scheme(self) -> Option<(Scheme, Option<&'static str>)> {
        match self {
            Style::Hookgate => None,
            Style::Kubiya => Some((Scheme::HmacSha256Hex, None)),
            Style::Flowker => Some((Scheme::SharedSecret, Some("x-webhook-token"))),
            Style::Kestra => Some((Scheme::UrlKey, None)),
        }
    }

    pub fn default_methods(self) -> Vec<Method> {
        match self {
            Style::Kestra => vec![Method::Get, Method::Post, Method::Put],
            _ => vec![Method::Post],
        }
    }
}

/// Kestra's webhook URLs: `{prefix}{namespace}/{flowId}/{key}`, today's and the older.
pub const KESTRA_PREFIXES: [&str; 2] = [
    "/api/v1/main/executions/webhook/",
    "/api/v1/executions/webhook/",
];

/// Kestra's limit on a trigger's key.
pub const KESTRA_MAX_KEY_CHARS: usize = 256;

/// Where a record's event type is read from (recorded in the envelope): exactly one of
/// a header or a field selector such as `body.type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTypeSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The HTTP Basic credential Kestra 0.24+ senders send, checked besides the URL key.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub(crate) username: String,
    pub(crate) password: Secret,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl BasicAuth {
    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn password(&self) -> &Secret {
        &self.password
    }
}

/// The namespace and flow of a Kestra-style record's path, if it has Kestra's shape.
pub fn kestra_flow(path: &str) -> Option<(&str, &str)> {
    let rest = KESTRA_PREFIXES.iter().find_map(|p| path.strip_prefix(p))?;
    let (namespace, flow) = rest.split_once('/')?;
    (!namespace.is_empty() && !flow.is_empty() && !flow.contains('/')).then_some((namespace, flow))
}

pub(crate) fn check_style(record: &WebhookRecord, v: &mut Violations) {
    if let Some(e) = &record.event_type {
        match (&e.header, &e.field) {
            (Some(h), None) => super::rules::check_header_name(h, "event_type.header", v),
            (None, Some(f)) => {
                if let Err(err) = crate::filter::parse_selector(f) {
                    v.invalid("event_type.field", err.message);
                }
            }
            _ => v.invalid(
                "event_type",
                "needs exactly one of \"header\" or \"field\" (e.g. {\"field\": \"body.type\"})",
            ),
        }
    }
    if let Some(b) = &record.basic_auth {
        if record.style != Style::Kestra {
            v.invalid("basic_auth", "is only used by webhooks of style kestra");
        }
        if b.username.is_empty() || b.username.contains(':') || b.username.len() > 256 {
            v.invalid(
                "basic_auth.username",
                "must be 1 to 256 characters without ':'",
            );
        }
        if b.password.expose().is_empty() || b.password.expose().len() > 256 {
            v.invalid("basic_auth.password", "must be 1 to 256 characters");
        }
    }
    if record.style != Style::Kestra {
        return;
    }
    if record.auth.scheme() != Scheme::UrlKey {
        v.invalid(
            "auth.scheme",
            "must be url-key for style kestra (the key is the last segment of Kestra's URL)",
        );
    }
    if kestra_flow(record.path.as_str()).is_none() {
        v.invalid(
            "path",
            "must be /api/v1/main/executions/webhook/{namespace}/{flowId} for style kestra \
             (the key follows it in the URL)",
        );
    }
    if let Some(m) = record
        .methods
        .iter()
        .find(|m| !matches!(m, Method::Get | Method::Post | Method::Put))
    {
        v.invalid(
            "methods",
            format!(
                "{} is not accepted by Kestra's webhook (GET, POST, PUT)",
                m.as_str()
            ),
        );
    }
    if record
        .auth
        .secrets()
        .iter()
        .any(|s| s.value().expose().chars().count() > KESTRA_MAX_KEY_CHARS)
    {
        v.invalid(
            "auth.secret",
            format!("a Kestra key has at most {KESTRA_MAX_KEY_CHARS} characters"),
        );
    }
}
