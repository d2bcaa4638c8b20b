//! The one error-to-HTTP table.
//!
//! Every refusal hookgate gives, to a sender or to an operator, is an [`ErrorCode`].
//! Modules keep their own typed errors; the `From` impls at the end of this file turn
//! them into a [`Problem`], so the status, title, stable `code` and what a sender is
//! told are decided in exactly one place. A sender is told what it can act on, never
//! internal detail (stored-record errors, KV errors, binding names): the shell logs those.

use crate::guard::protocol::Refusal;
use crate::guard::rate_limit::Quota;
use crate::model::{RecordDecodeError, Style};
use crate::path::PathError;
use crate::request::RequestError;
use crate::verify::VerifyError;
use serde::Serialize;
use std::borrow::Cow;

/// Stable, machine-readable codes. Their string forms are part of the public contract:
/// never rename one, only add.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    // --- sender side ---
    InvalidPath,
    WebhookNotFound,
    WebhookDisabled,
    MethodNotAllowed,
    InvalidContentLength,
    PayloadTooLarge,
    SignatureMissing,
    SignatureMalformed,
    SignatureMismatch,
    HeaderMissing,
    TimestampMissing,
    TimestampMalformed,
    TimestampOutOfTolerance,
    SecretExpired,
    SecretMissing,
    SecretMismatch,
    UrlKeyMissing,
    UrlKeyMismatch,
    WebhookMisconfigured,
    ForwardFailed,
    OriginFailed,
    OriginTimeout,
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    DuplicateDelivery,
    RateLimited,
    /// The body is not what the webhook's style requires (Flowker: a JSON object).
    InvalidBody,
    /// The body failed the style's schema (Kubiya); the answer lists each field.
    BodyValidationFailed,
    BasicAuthMissing,
    BasicAuthMismatch,
    /// Meta's subscription GET with a `hub.verify_token` other than the record's.
    VerifyTokenMismatch,
    /// Microsoft Graph: a notification item without `clientState`, or with another one.
    ClientStateMissing,
    ClientStateMismatch,
    /// A handshake that plants the secret (Asana's `X-Hook-Secret`) while the webhook is
    /// not armed for one.
    HandshakeNotArmed,
    /// A second such handshake inside the window whose first was accepted.
    HandshakeAlreadyCompleted,
    /// The planted secret cannot serve as one (length, alphabet).
    HandshakeSecretInvalid,
    /// An event for a webhook whose handshake has not planted a secret yet.
    HandshakePending,
    /// A fetched-key scheme's key could not be had: refused, never let through.
    KeyUnavailable,
    /// The request names a key URL outside the provider's hosts.
    KeyUrlRefused,
    /// AWS SNS: a topic the webhook does not accept.
    TopicNotAllowed,
    /// A signed token's claims are not this webhook's.
    ClaimMismatch,
    // --- operator side ---
    AdminDisabled,
    Unauthorized,
    InvalidJson,
    InvalidWebhook,
    UnknownScheme,
    InvalidTarget,
    PathConflict,
    NotFound,
    RegistryUnavailable,
    WriteConflict,
    InvalidQuery,
    InvalidFilter,
    /// A bulk replay's selection (`admin::replays`).
    InvalidReplay,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 55] = [
        ErrorCode::InvalidPath,
        ErrorCode::WebhookNotFound,
        ErrorCode::WebhookDisabled,
        ErrorCode::MethodNotAllowed,
        ErrorCode::InvalidContentLength,
        ErrorCode::PayloadTooLarge,
        ErrorCode::SignatureMissing,
        ErrorCode::SignatureMalformed,
        ErrorCode::SignatureMismatch,
        ErrorCode::HeaderMissing,
        ErrorCode::TimestampMissing,
        ErrorCode::TimestampMalformed,
        ErrorCode::TimestampOutOfTolerance,
        ErrorCode::SecretExpired,
        ErrorCode::SecretMissing,
        ErrorCode::SecretMismatch,
        ErrorCode::UrlKeyMissing,
        ErrorCode::UrlKeyMismatch,
        ErrorCode::WebhookMisconfigured,
        ErrorCode::ForwardFailed,
        ErrorCode::OriginFailed,
        ErrorCode::OriginTimeout,
        ErrorCode::IdempotencyKeyInFlight,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::DuplicateDelivery,
        ErrorCode::RateLimited,
        ErrorCode::InvalidBody,
        ErrorCode::BodyValidationFailed,
        ErrorCode::BasicAuthMissing,
        ErrorCode::BasicAuthMismatch,
        ErrorCode::VerifyTokenMismatch,
        ErrorCode::ClientStateMissing,
        ErrorCode::ClientStateMismatch,
        ErrorCode::HandshakeNotArmed,
        ErrorCode::HandshakeAlreadyCompleted,
        ErrorCode::HandshakeSecretInvalid,
        ErrorCode::HandshakePending,
        ErrorCode::KeyUnavailable,
        ErrorCode::KeyUrlRefused,
        ErrorCode::TopicNotAllowed,
        ErrorCode::ClaimMismatch,
        ErrorCode::AdminDisabled,
        ErrorCode::Unauthorized,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidWebhook,
        ErrorCode::UnknownScheme,
        ErrorCode::InvalidTarget,
        ErrorCode::PathConflict,
        ErrorCode::NotFound,
        ErrorCode::RegistryUnavailable,
        ErrorCode::WriteConflict,
        ErrorCode::InvalidQuery,
        ErrorCode::InvalidFilter,
        ErrorCode::InvalidReplay,
        ErrorCode::Internal,
    ];

    /// (HTTP status, stable code, human title)
    const fn row(self) -> (u16, &'static str, &'static str) {
        use ErrorCode::*;
        match self {
            InvalidPath => (400, "invalid_path", "Invalid request path"),
            WebhookNotFound => (404, "webhook_not_found", "No webhook at this path"),
            WebhookDisabled => (403, "webhook_disabled", "Webhook disabled"),
            MethodNotAllowed => (405, "method_not_allowed", "Method not allowed"),
            InvalidContentLength => (400, "invalid_content_length", "Invalid Content-Length"),
            PayloadTooLarge => (413, "payload_too_large", "Payload too large"),
            SignatureMissing => (401, "signature_missing", "Signature missing"),
            SignatureMalformed => (401, "signature_malformed", "Signature malformed"),
            SignatureMismatch => (401, "signature_mismatch", "Signature mismatch"),
            HeaderMissing => (401, "header_missing", "Signed header missing"),
            TimestampMissing => (401, "timestamp_missing", "Signed timestamp missing"),
            TimestampMalformed => (401, "timestamp_malformed", "Signed timestamp malformed"),
            TimestampOutOfTolerance => (
                401,
                "timestamp_out_of_tolerance",
                "Signed timestamp outside the allowed window",
            ),
            SecretExpired => (401, "secret_expired", "Secret rotated out"),
            SecretMissing => (401, "secret_missing", "Shared secret missing"),
            SecretMismatch => (401, "secret_mismatch", "Shared secret mismatch"),
            UrlKeyMissing => (401, "url_key_missing", "URL key missing"),
            UrlKeyMismatch => (401, "url_key_mismatch", "URL key mismatch"),
            VerifyTokenMismatch => (401, "verify_token_mismatch", "Verify token mismatch"),
            ClientStateMissing => (401, "client_state_missing", "clientState missing"),
            ClientStateMismatch => (401, "client_state_mismatch", "clientState mismatch"),
            HandshakeNotArmed => (
                403,
                "handshake_not_armed",
                "The webhook is not armed for a handshake",
            ),
            HandshakeAlreadyCompleted => (
                409,
                "handshake_already_completed",
                "The handshake was already completed",
            ),
            HandshakeSecretInvalid => (
                400,
                "handshake_secret_invalid",
                "The handshake's secret cannot be used",
            ),
            HandshakePending => (401, "handshake_pending", "The webhook awaits its handshake"),
            KeyUnavailable => (401, "key_unavailable", "Verification key unavailable"),
            KeyUrlRefused => (
                401,
                "key_url_refused",
                "Key URL not on the provider's hosts",
            ),
            TopicNotAllowed => (401, "topic_not_allowed", "Topic not accepted"),
            ClaimMismatch => (401, "claim_mismatch", "Signed claims do not match"),
            WebhookMisconfigured => (
                500,
                "webhook_misconfigured",
                "Webhook configuration cannot be used",
            ),
            ForwardFailed => (503, "forward_failed", "Event could not be handed over"),
            OriginFailed => (502, "origin_failed", "The origin did not accept the event"),
            OriginTimeout => (504, "origin_timeout", "The origin did not answer in time"),
            IdempotencyKeyInFlight => (
                409,
                "idempotency_key_in_flight",
                "A delivery with this key is still being handed over",
            ),
            IdempotencyKeyReused => (
                422,
                "idempotency_key_reused",
                "Idempotency key reused with another payload",
            ),
            DuplicateDelivery => (409, "duplicate_delivery", "Duplicate delivery"),
            RateLimited => (429, "rate_limited", "Rate limit exceeded"),
            InvalidBody => (400, "invalid_body", "Request body is malformed"),
            BodyValidationFailed => (
                422,
                "body_validation_failed",
                "Request body fails the webhook's schema",
            ),
            BasicAuthMissing => (401, "basic_auth_missing", "Basic authentication missing"),
            BasicAuthMismatch => (401, "basic_auth_mismatch", "Basic authentication mismatch"),
            AdminDisabled => (503, "admin_disabled", "Admin API disabled"),
            Unauthorized => (401, "unauthorized", "Missing or invalid admin token"),
            InvalidJson => (400, "invalid_json", "Request body is not valid JSON"),
            InvalidWebhook => (400, "invalid_webhook", "Invalid webhook definition"),
            UnknownScheme => (400, "unknown_scheme", "Unknown verification scheme"),
            InvalidTarget => (400, "invalid_target", "Invalid target"),
            PathConflict => (409, "path_conflict", "Path already registered"),
            NotFound => (404, "not_found", "Not found"),
            RegistryUnavailable => (503, "registry_unavailable", "Webhook registry unavailable"),
            InvalidQuery => (400, "invalid_query", "Invalid query parameter"),
            InvalidFilter => (400, "invalid_filter", "Invalid filter"),
            InvalidReplay => (400, "invalid_replay", "Invalid replay selection"),
            WriteConflict => (
                409,
                "write_conflict",
                "The webhook changed while this change was made",
            ),
            Internal => (500, "internal", "Internal error"),
        }
    }

    pub const fn status(self) -> u16 {
        self.row().0
    }

    pub const fn as_str(self) -> &'static str {
        self.row().1
    }

    pub const fn title(self) -> &'static str {
        self.row().2
    }
}

/// One field-level complaint about an operator's input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem, ready to be rendered by the shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: ErrorCode,
    /// Human explanation for this occurrence. Never contains a secret.
    pub detail: String,
    /// Extra headers the status calls for (`Allow` on 405, `Retry-After` on 503).
    pub headers: Vec<(&'static str, String)>,
    pub errors: Vec<FieldError>,
    /// A style's field-by-field schema failures (Kubiya's FastAPI `detail` items).
    pub validation: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    type_uri: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    code: &'static str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

impl Problem {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Problem {
            code,
            detail: detail.into(),
            headers: Vec::new(),
            errors: Vec::new(),
            validation: None,
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// The `application/problem+json` body.
    pub fn to_json(&self) -> String {
        let body = ProblemBody {
            type_uri: format!("https://hookgate.dev/problems/{}", self.code.as_str()),
            title: self.code.title(),
            status: self.code.status(),
            detail: &self.detail,
            code: self.code.as_str(),
            errors: &self.errors,
        };
        serde_json::to_string(&body).expect("problem body serializes")
    }
}

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// A problem as the sender receives it, in its webhook's style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Problem {
    /// Where a style answers with another code than hookgate's: Flowker answers `404`
    /// for a method no webhook is registered for; Kestra answers `404` for a wrong key,
    /// exactly as for an unknown flow (a key is never confirmed).
    pub fn in_style(self, style: Style) -> Problem {
        match (style, self.code) {
            (Style::Flowker, ErrorCode::MethodNotAllowed) => Problem::new(
                ErrorCode::WebhookNotFound,
                "no webhook is registered for this path and method",
            ),
            (Style::Kestra, ErrorCode::UrlKeyMismatch | ErrorCode::UrlKeyMissing) => Problem::new(
                ErrorCode::WebhookNotFound,
                "no webhook is registered at this path",
            ),
            _ => self,
        }
    }

    /// The answer in a style's shape. hookgate and Kestra: RFC 9457. Kubiya: RFC 9457
    /// (its `detail` is what FastAPI clients read), except a schema failure, which is
    /// FastAPI's `{"detail": [{"loc", "msg", "type"}]}`. Flowker: its `{code, message,
    /// title}` with the RFC 9457 members beside them, and `422` for a disabled webhook.
    pub fn render(&self, style: Style) -> Rendered {
        let mut status = self.status();
        let mut content_type = PROBLEM_CONTENT_TYPE;
        let body = match (style, &self.validation) {
            (Style::Kubiya, Some(items)) => {
                content_type = "application/json";
                serde_json::json!({ "detail": items }).to_string()
            }
            (Style::Flowker, _) => {
                if self.code == ErrorCode::WebhookDisabled {
                    status = 422;
                }
                content_type = "application/json";
                let mut v: serde_json::Value =
                    serde_json::from_str(&self.to_json()).expect("problem JSON parses");
                v["message"] = serde_json::Value::String(self.detail.clone());
                v["status"] = status.into();
                v.to_string()
            }
            _ => self.to_json(),
        };
        Rendered {
            status,
            content_type,
            body,
            headers: self.headers.clone(),
        }
    }
}

impl From<PathError> for Problem {
    fn from(e: PathError) -> Self {
        Problem::new(ErrorCode::InvalidPath, e.to_string())
    }
}

impl From<RequestError> for Problem {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Disabled => {
                Problem::new(ErrorCode::WebhookDisabled, "this webhook is disabled")
            }
            RequestError::MethodNotAllowed { method, allow } => Problem::new(
                ErrorCode::MethodNotAllowed,
                format!("{method} is not accepted here"),
            )
            .with_header("Allow", allow),
            RequestError::InvalidContentLength => Problem::new(
                ErrorCode::InvalidContentLength,
                "Content-Length is not a non-negative decimal integer",
            ),
            RequestError::TooLarge { limit } => Problem::new(
                ErrorCode::PayloadTooLarge,
                format!("the body exceeds this webhook's limit of {limit} bytes"),
            ),
        }
    }
}

/// A refusal by the webhook's guard, with `Retry-After` and the RateLimit fields where
/// they apply.
pub fn guard_refusal(
    refusal: Refusal,
    quota: Option<&Quota>,
    retry_after_s: Option<u64>,
) -> Problem {
    let (code, detail) = match refusal {
        Refusal::InFlight => (
            ErrorCode::IdempotencyKeyInFlight,
            "the first delivery with this key is still being handed over; retry shortly",
        ),
        Refusal::Reused => (
            ErrorCode::IdempotencyKeyReused,
            "this idempotency key was used with a different payload",
        ),
        Refusal::Duplicate => (
            ErrorCode::DuplicateDelivery,
            "this delivery was already accepted",
        ),
        Refusal::RateLimited => (
            ErrorCode::RateLimited,
            "this webhook's rate limit is reached; retry after the time in Retry-After",
        ),
        Refusal::Disabled => (ErrorCode::WebhookDisabled, "this webhook is disabled"),
        Refusal::Deleted => (
            ErrorCode::WebhookNotFound,
            "no webhook is registered at this path",
        ),
    };
    let mut p = Problem::new(code, detail);
    if let Some(s) = retry_after_s {
        p = p.with_header("Retry-After", s.to_string());
    }
    if let Some(q) = quota {
        for (name, value) in q.headers() {
            p = p.with_header(name, value);
        }
    }
    p
}

/// What a sender learns about a stored record it cannot be verified against: that the
/// operator must fix it, nothing more. The reason goes to the log.
impl From<&RecordDecodeError> for Problem {
    fn from(_: &RecordDecodeError) -> Self {
        misconfigured()
    }
}

pub fn misconfigured() -> Problem {
    Problem::new(
        ErrorCode::WebhookMisconfigured,
        "this webhook's configuration cannot be used; its operator must fix it",
    )
}

impl From<VerifyError> for Problem {
    fn from(e: VerifyError) -> Self {
        use VerifyError::*;
        // Details say what was wrong with the request, never what was expected.
        let (code, detail): (ErrorCode, Cow<'static, str>) = match e {
            SignatureMissing => (
                ErrorCode::SignatureMissing,
                "the request carries no signature header".into(),
            ),
            SignatureMalformed => (
                ErrorCode::SignatureMalformed,
                "the signature header is not in the scheme's format".into(),
            ),
            SignatureMismatch => (
                ErrorCode::SignatureMismatch,
                "the signature does not match the request".into(),
            ),
            HeaderMissing(name) => (
                ErrorCode::HeaderMissing,
                format!("the signed header {name} is missing").into(),
            ),
            TimestampMissing => (
                ErrorCode::TimestampMissing,
                "the request carries no signed timestamp".into(),
            ),
            TimestampMalformed => (
                ErrorCode::TimestampMalformed,
                "the signed timestamp cannot be read".into(),
            ),
            TimestampOutOfTolerance => (
                ErrorCode::TimestampOutOfTolerance,
                "the signed timestamp is outside the allowed window; check the sender's clock"
                    .into(),
            ),
            SecretExpired => (
                ErrorCode::SecretExpired,
                "the request is signed with a secret that has been rotated out".into(),
            ),
            SecretMissing => (
                ErrorCode::SecretMissing,
                "the request carries no shared secret header".into(),
            ),
            SecretMismatch => (
                ErrorCode::SecretMismatch,
                "the shared secret is not valid".into(),
            ),
            UrlKeyMissing => (ErrorCode::UrlKeyMissing, "the URL has no key".into()),
            UrlKeyMismatch => (ErrorCode::UrlKeyMismatch, "the URL key is not valid".into()),
            BasicAuthMissing => (
                ErrorCode::BasicAuthMissing,
                "this webhook requires HTTP Basic authentication".into(),
            ),
            BasicAuthMismatch => (
                ErrorCode::BasicAuthMismatch,
                "the Basic authentication credentials are not valid".into(),
            ),
            VerifyTokenMismatch => (
                ErrorCode::VerifyTokenMismatch,
                "the subscription request's hub.verify_token is not valid".into(),
            ),
            ClientStateMissing => (
                ErrorCode::ClientStateMissing,
                "a notification in value[] carries no clientState".into(),
            ),
            ClientStateMismatch => (
                ErrorCode::ClientStateMismatch,
                "a notification's clientState is not valid".into(),
            ),
            HandshakeNotArmed => (
                ErrorCode::HandshakeNotArmed,
                "this webhook accepts its provider's handshake only while armed for it: arm it with POST /admin/v1/webhooks/{id}/arm-handshake, then let the provider send it".into(),
            ),
            HandshakeAlreadyCompleted => (
                ErrorCode::HandshakeAlreadyCompleted,
                "this webhook's handshake was already completed; arm it again to accept another".into(),
            ),
            HandshakeSecretInvalid => (
                ErrorCode::HandshakeSecretInvalid,
                "the handshake's secret must be 8 to 256 printable ASCII characters".into(),
            ),
            HandshakePending => (
                ErrorCode::HandshakePending,
                "this webhook has no secret yet: it awaits its provider's handshake".into(),
            ),
            KeyUnavailable => (
                ErrorCode::KeyUnavailable,
                "the provider's verification key could not be obtained; the request is refused (retry later)".into(),
            ),
            KeyUrlRefused => (
                ErrorCode::KeyUrlRefused,
                "the key URL the request names is not on the provider's hosts".into(),
            ),
            TopicNotAllowed => (
                ErrorCode::TopicNotAllowed,
                "the message's TopicArn is not one this webhook accepts".into(),
            ),
            ClaimMismatch => (
                ErrorCode::ClaimMismatch,
                "the signed token's claims do not match this webhook or body".into(),
            ),
            Misconfigured(_) => return misconfigured(),
        };
        Problem::new(code, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_snake_case_and_statuses_are_errors() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert!(code
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!((400..600).contains(&code.status()));
        }
    }

    #[test]
    fn table_matches_the_contract() {
        assert_eq!(ErrorCode::SignatureMismatch.status(), 401);
        assert_eq!(ErrorCode::WebhookDisabled.status(), 403);
        assert_eq!(ErrorCode::WebhookNotFound.status(), 404);
        assert_eq!(ErrorCode::MethodNotAllowed.status(), 405);
        assert_eq!(ErrorCode::PayloadTooLarge.status(), 413);
        assert_eq!(ErrorCode::AdminDisabled.status(), 503);
        assert_eq!(ErrorCode::AdminDisabled.as_str(), "admin_disabled");
    }

    #[test]
    fn senders_never_see_why_a_record_is_unusable() {
        let p = Problem::from(VerifyError::Misconfigured(
            "the stored whsec_ secret is odd",
        ));
        assert_eq!(p.code, ErrorCode::WebhookMisconfigured);
        assert!(!p.detail.contains("whsec_"));
        let decode =
            crate::model::WebhookRecord::decode("{\"format\":1,\"secret\":\"x\"}").unwrap_err();
        let p = Problem::from(&decode);
        assert!(!p.to_json().contains("secret"), "{}", p.to_json());
    }

    #[test]
    fn problem_json_has_rfc9457_members_and_code() {
        let p = Problem::new(ErrorCode::MethodNotAllowed, "GET is not accepted")
            .with_header("Allow", "POST");
        let v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        assert_eq!(v["status"], 405);
        assert_eq!(v["code"], "method_not_allowed");
        assert_eq!(v["title"], "Method not allowed");
        assert_eq!(v["detail"], "GET is not accepted");
        assert_eq!(
            v["type"],
            "https://hookgate.dev/problems/method_not_allowed"
        );
        assert!(v.get("errors").is_none());
        assert_eq!(p.headers, vec![("Allow", "POST".to_string())]);
    }
}
