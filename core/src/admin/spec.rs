//! What operators send: `POST /admin/v1/webhooks`, `PATCH /admin/v1/webhooks/{id}` and
//! `POST …/rotate-secret` bodies, before validation. Unknown fields are refused.

use crate::model::limits::OnDuplicate;
use crate::model::template::{Algorithm, SignatureEncoding};
use crate::model::SecretEncoding;
use crate::problem::{ErrorCode, Problem};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A field of a request body: left out, explicitly `null`, or given. `null` clears an
/// optional setting back to its default; leaving a field out keeps it (on PATCH).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            Some(v) => Field::Value(v),
            None => Field::Null,
        })
    }
}

impl<T> Field<T> {
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(v) => Field::Value(v),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(v) => Field::Value(f(v)),
        }
    }

    /// The given value, if any (`null` and absent alike give `None`).
    pub fn value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSpec {
    #[serde(default)]
    pub name: Field<String>,
    #[serde(default)]
    pub path: Field<String>,
    #[serde(default)]
    pub enabled: Field<bool>,
    #[serde(default)]
    pub methods: Field<Vec<String>>,
    #[serde(default)]
    pub max_body_bytes: Field<u64>,
    #[serde(default)]
    pub auth: Field<AuthSpec>,
    #[serde(default)]
    pub target: Field<TargetSpec>,
    #[serde(default)]
    pub idempotency: Field<IdempotencySpec>,
    #[serde(default)]
    pub rate_limit: Field<RateLimitSpec>,
    #[serde(default)]
    pub namespace: Field<String>,
    #[serde(default)]
    pub style: Field<String>,
    /// The structured form (an object) or a Kestra expression (a string).
    #[serde(default)]
    pub filter: Field<serde_json::Value>,
    #[serde(default)]
    pub event_type: Field<crate::model::EventTypeSource>,
    #[serde(default)]
    pub basic_auth: Field<BasicAuthSpec>,
}

/// `basic_auth` (style kestra): both members required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuthSpec {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for BasicAuthSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuthSpec")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// `PUT /admin/v1/namespaces/{name}`: the organisation's shared limit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamespaceSpec {
    pub rate_limit: crate::model::limits::RateLimit,
}

impl NamespaceSpec {
    pub fn parse(body: &[u8]) -> Result<NamespaceSpec, Problem> {
        let spec: NamespaceSpec = parse_json(body)?;
        let violations = crate::model::rules::rate_limit_violations(&spec.rate_limit);
        match violations.first() {
            None => Ok(spec),
            Some(v) => Err(Problem::new(
                ErrorCode::InvalidWebhook,
                format!("{}: {}", v.field, v.message),
            )),
        }
    }
}

/// `idempotency`: fields left out keep their value (their default on creation).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencySpec {
    pub window_s: Option<u64>,
    pub on_duplicate: Option<OnDuplicate>,
    pub body_hash_window_s: Option<u64>,
}

/// `rate_limit`: fields left out keep their value (their default on creation).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    pub limit: Option<u32>,
    pub window_s: Option<u64>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    #[serde(default)]
    pub scheme: Field<String>,
    #[serde(default)]
    pub header: Field<String>,
    #[serde(default)]
    pub secret: Field<String>,
    #[serde(default)]
    pub tolerance_s: Field<u64>,
    #[serde(default)]
    pub secret_encoding: Field<SecretEncoding>,
    #[serde(default)]
    pub template: Field<TemplateSpec>,
    /// `discord`, `sendgrid`: the provider's public key (stored like a secret, so that
    /// rotation keeps several; never generated).
    #[serde(default)]
    pub public_key: Field<String>,
    /// `meta`: the token its subscription GET presents.
    #[serde(default)]
    pub verify_token: Field<String>,
    /// `microsoft-graph`: the `clientState` of the subscription (the scheme's secret;
    /// generated when absent).
    #[serde(default)]
    pub client_state: Field<String>,
    /// `square`, `trello`: the URL the provider signs, when requests arrive elsewhere.
    #[serde(default)]
    pub notification_url: Field<String>,
    /// `aws-sns`: the topics accepted, and whether to confirm subscriptions.
    #[serde(default)]
    pub topic_arns: Field<Vec<String>>,
    #[serde(default)]
    pub auto_confirm: Field<bool>,
    /// `paypal`: the webhook's id at PayPal.
    #[serde(default)]
    pub webhook_id: Field<String>,
    /// `google-pubsub`: the token's audience and service account.
    #[serde(default)]
    pub audience: Field<String>,
    #[serde(default)]
    pub service_account: Field<String>,
    /// `plaid`: the client id (with `secret`), the environment, or a pinned JWK (an
    /// object or its JSON text).
    #[serde(default)]
    pub client_id: Field<String>,
    #[serde(default)]
    pub environment: Field<crate::verify::fetched::PlaidEnvironment>,
    #[serde(default)]
    pub jwk: Field<serde_json::Value>,
}

impl fmt::Debug for AuthSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSpec")
            .field("scheme", &self.scheme)
            .field("header", &self.header)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("tolerance_s", &self.tolerance_s)
            .field("secret_encoding", &self.secret_encoding)
            .field("template", &self.template)
            .field("public_key", &self.public_key)
            .field(
                "verify_token",
                &self.verify_token.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "client_state",
                &self.client_state.as_ref().map(|_| "<redacted>"),
            )
            .field("notification_url", &self.notification_url)
            .field("topic_arns", &self.topic_arns)
            .field("auto_confirm", &self.auto_confirm)
            .field("webhook_id", &self.webhook_id)
            .field("audience", &self.audience)
            .field("service_account", &self.service_account)
            .field("client_id", &self.client_id)
            .field("environment", &self.environment)
            .field("jwk", &self.jwk)
            .finish()
    }
}

/// `auth.template` for the generic `hmac` scheme, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    pub algorithm: Option<Algorithm>,
    pub encoding: Option<SignatureEncoding>,
    pub header: Option<String>,
    pub prefix: Option<String>,
    pub content: Option<String>,
    pub id_header: Option<String>,
    pub timestamp_header: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub queue: Option<String>,
    pub origin: Option<OriginSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginSpec {
    pub url: Option<String>,
    pub mode: Option<crate::model::OriginMode>,
    pub timeout_ms: Option<u64>,
    pub max_attempts: Option<u32>,
}

impl WebhookSpec {
    pub fn parse(body: &[u8]) -> Result<WebhookSpec, Problem> {
        parse_json(body)
    }
}

/// `POST /admin/v1/webhooks/{id}/rotate-secret` body.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateSpec {
    /// How long the current secrets keep verifying; default one day, 0 ends them now.
    pub grace_period_s: Option<u64>,
    /// The new secret; generated when absent.
    pub secret: Option<String>,
}

/// `POST /admin/v1/webhooks/{id}/arm-handshake` body (optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmSpec {
    /// How long the webhook stays armed, in seconds: 1 to 3600, 600 when absent.
    pub window_s: Option<u64>,
}

impl ArmSpec {
    pub fn parse(body: &[u8]) -> Result<ArmSpec, Problem> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(ArmSpec::default());
        }
        parse_json(body)
    }
}

impl fmt::Debug for RotateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RotateSpec")
            .field("grace_period_s", &self.grace_period_s)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl RotateSpec {
    pub fn parse(body: &[u8]) -> Result<RotateSpec, Problem> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(RotateSpec::default());
        }
        parse_json(body)
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(body).map_err(|e| {
        let code = if e.is_syntax() || e.is_eof() {
            ErrorCode::InvalidJson
        } else {
            ErrorCode::InvalidWebhook
        };
        Problem::new(code, without_values(&e.to_string()))
    })
}

/// serde quotes the offending value in "invalid type: string \"…\", expected …" and
/// "unknown variant `…`, expected …"; that value may be a mistyped secret, so only its
/// kind is kept. The split is at the last ", expected", which serde writes after the
/// value (the value itself may contain the words).
/// Around the last ", expected" (searched forwards: a reverse search is more wasm).
fn split_expected(rest: &str) -> Option<(&str, &str)> {
    let (at, _) = rest.match_indices(", expected").last()?;
    Some((&rest[..at], &rest[at + ", expected".len()..]))
}

fn without_values(message: &str) -> String {
    for lead in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(lead) {
            if let Some((found, expected)) = split_expected(rest) {
                let kind = found.split([' ', '`']).next().unwrap_or_default();
                return format!("{lead}{kind}, expected{expected}");
            }
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return match split_expected(rest) {
            Some((_, expected)) => format!("unknown variant, expected{expected}"),
            None => "unknown variant".to_string(),
        };
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_never_quote_values() {
        let p = WebhookSpec::parse(br#"{"auth":{"secret":12345678901}}"#).unwrap_err();
        assert_eq!(p.code, ErrorCode::InvalidWebhook);
        assert!(!p.detail.contains("12345678901"), "{}", p.detail);
        assert!(p.detail.contains("expected"), "{}", p.detail);
        let p = WebhookSpec::parse(br#"{"enabled":"sure-thing-secret"}"#).unwrap_err();
        assert!(!p.detail.contains("sure-thing-secret"), "{}", p.detail);
        let p = WebhookSpec::parse(br#"{"colour":"red"}"#).unwrap_err();
        assert!(p.detail.contains("colour"), "{}", p.detail);
    }

    #[test]
    fn null_absent_and_value_are_distinct() {
        let s = WebhookSpec::parse(br#"{"name":null,"methods":["GET"]}"#).unwrap();
        assert_eq!(s.name, Field::Null);
        assert_eq!(s.path, Field::Absent);
        assert_eq!(s.methods, Field::Value(vec!["GET".to_string()]));
    }
}
