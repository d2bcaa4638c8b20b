//! A webhook's `style`: which system's senders it answers like. A style changes paths,
//! checks and answer shapes, never the guarantees (verification, idempotency, rate
//! limits, the delivery log). The behaviour lives in `crate::style`; this is the stored
//! part and the rules on it.

use super::record::{Method, WebhookRecord};
use super::rules::Violations;
use super::Scheme;
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
    // The event type is copied into every envelope: a header that is never forwarded
    // (by the strip list's own rule) must not travel that way either.
    let credential = "names a credential header, which is never forwarded; name another \
                      header (such as x-github-event) or a body field";
    if let Some(e) = &record.event_type {
        match (&e.header, &e.field) {
            (Some(h), None) => {
                super::rules::check_header_name(h, "event_type.header", v);
                if record.auth.never_forwarded(h) {
                    v.invalid("event_type.header", credential);
                }
            }
            (None, Some(f)) => match crate::filter::parse_selector(f) {
                Err(err) => v.invalid("event_type.field", err.message),
                Ok(selector) => {
                    if let (crate::filter::Root::Headers, Some(crate::filter::Step::Key(h))) =
                        (selector.root, selector.steps.first())
                    {
                        if record.auth.never_forwarded(h) {
                            v.invalid("event_type.field", credential);
                        }
                    }
                }
            },
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

#[cfg(test)]
mod tests {
    use crate::admin::{validate_create, Fresh, Policy, WebhookSpec};
    use crate::problem::ErrorCode;
    use crate::request::Headers;
    use crate::secret::WebhookId;

    fn create(auth: &str, event_type: &str) -> Result<crate::model::WebhookRecord, String> {
        let spec = format!(
            r#"{{"path":"/e","auth":{auth},"event_type":{event_type},"target":{{"queue":"EVENTS"}}}}"#
        );
        validate_create(
            WebhookSpec::parse(spec.as_bytes()).unwrap(),
            Fresh {
                id: WebhookId::generate([3; 12]),
                secret_bytes: [4; 32],
                forwarding_secret_bytes: [5; 32],
                now: crate::testing::NOW,
            },
            Policy::default(),
        )
        .map(|v| v.record)
        .map_err(|p| {
            assert_eq!(p.code, ErrorCode::InvalidWebhook, "{}", p.detail);
            p.detail
        })
    }

    #[test]
    fn an_event_type_never_reads_a_header_that_is_never_forwarded() {
        let shared = r#"{"scheme":"shared-secret","header":"X-Custom-Auth"}"#;
        let github = r#"{"scheme":"github"}"#;
        for (auth, event_type) in [
            (github, r#"{"header":"X-Webhook-Secret"}"#),
            (github, r#"{"header":"authorization"}"#),
            (github, r#"{"header":"X-Hub-Signature-256"}"#),
            (github, r#"{"header":"x-api-key"}"#),
            (github, r#"{"field":"headers.authorization"}"#),
            (github, r#"{"field":"headers['Cookie']"}"#),
            (github, r#"{"field":"headers.x-webhook-token"}"#),
            (shared, r#"{"header":"x-custom-auth"}"#),
            (shared, r#"{"field":"headers.X-Custom-Auth"}"#),
        ] {
            let detail = create(auth, event_type).unwrap_err();
            assert!(detail.contains("never forwarded"), "{event_type}: {detail}");
        }
        // What a sender forwards is fine, delivery ids included.
        for event_type in [
            r#"{"header":"X-GitHub-Event"}"#,
            r#"{"header":"X-GitHub-Delivery"}"#,
            r#"{"field":"headers.x-github-event"}"#,
            r#"{"field":"body.authorization"}"#,
        ] {
            create(github, event_type).unwrap();
        }
    }

    #[test]
    fn the_rule_is_the_forwarded_header_strip_list() {
        let record = create(
            r#"{"scheme":"shared-secret","header":"X-Custom-Auth"}"#,
            r#"{"header":"x-github-event"}"#,
        )
        .unwrap();
        let names = [
            "x-custom-auth",
            "x-webhook-secret",
            "authorization",
            "cookie",
            "x-my-api-key",
            "x-hub-signature-256",
            "x-github-event",
            "x-github-delivery",
            "content-type",
            "i-twilio-idempotency-token",
        ];
        let headers = Headers::new(names.iter().map(|n| (n.to_string(), "v".to_string())));
        let forwarded = headers.forwardable(&record);
        for name in names {
            assert_eq!(
                record.auth().never_forwarded(name),
                !forwarded.contains_key(name),
                "{name}"
            );
        }
    }
}
