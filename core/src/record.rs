//! Webhook records: the stored format (KV, pinned by golden tests), the operator's input
//! and its validation, and the secret-free view the admin API returns.

use crate::path::WebhookPath;
use crate::problem::{ErrorCode, FieldError, Problem};
use crate::secret::{Secret, WebhookId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Bump only with a reader for the previous format: deployed records must stay readable.
pub const RECORD_FORMAT: u32 = 1;
pub const DEFAULT_MAX_BODY_BYTES: u64 = 1024 * 1024;
/// Workers hold the whole body in memory; this keeps a request well inside 128 MB.
pub const MAX_MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;
pub const MAX_NAME_CHARS: usize = 100;

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
    pub fn parse(raw: &str) -> Option<Method> {
        Some(match raw {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return None,
        })
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

/// How a sender proves who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// Kubiya: hex HMAC-SHA256 of the raw body in `X-Webhook-Signature`.
    HmacSha256Hex,
    /// The secret itself in a header (`X-Webhook-Secret` or `X-Webhook-Token`).
    SharedSecret,
    /// Kestra: the key is the last segment of the request path.
    UrlKey,
}

impl Scheme {
    pub const NAMES: [&'static str; 3] = ["hmac-sha256-hex", "shared-secret", "url-key"];

    pub fn parse(raw: &str) -> Option<Scheme> {
        Some(match raw {
            "hmac-sha256-hex" => Scheme::HmacSha256Hex,
            "shared-secret" => Scheme::SharedSecret,
            "url-key" => Scheme::UrlKey,
            _ => return None,
        })
    }

    /// The header(s) the scheme reads when the record names none.
    pub fn default_headers(self) -> &'static [&'static str] {
        match self {
            Scheme::HmacSha256Hex => &["x-webhook-signature"],
            Scheme::SharedSecret => &["x-webhook-secret", "x-webhook-token"],
            Scheme::UrlKey => &[],
        }
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSecret {
    pub value: Secret,
}

impl fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSecret")
            .field("value", &self.value)
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthConfig {
    pub scheme: Scheme,
    /// Lowercase header name overriding the scheme's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Every secret currently accepted (several during a rotation). Never empty.
    pub secrets: Vec<StoredSecret>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Name of the Queue producer binding the envelope is sent to.
    pub queue: String,
}

/// The stored webhook, exactly as it is written to KV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRecord {
    pub format: u32,
    pub id: WebhookId,
    pub name: String,
    pub path: WebhookPath,
    pub enabled: bool,
    pub methods: Vec<Method>,
    pub max_body_bytes: u64,
    pub auth: AuthConfig,
    pub target: Target,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RecordDecodeError {
    Json(String),
    UnsupportedFormat(u32),
    NoSecrets,
}

impl fmt::Display for RecordDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordDecodeError::Json(e) => write!(f, "stored record is unreadable: {e}"),
            RecordDecodeError::UnsupportedFormat(v) => {
                write!(f, "stored record has unsupported format {v}")
            }
            RecordDecodeError::NoSecrets => f.write_str("stored record has no secret"),
        }
    }
}

impl From<RecordDecodeError> for Problem {
    fn from(e: RecordDecodeError) -> Self {
        Problem::new(ErrorCode::WebhookMisconfigured, e.to_string())
    }
}

impl WebhookRecord {
    /// Reads a stored record. Anything it cannot fully understand (an unknown scheme, a
    /// newer format, no secret) is an error, so verification fails closed.
    pub fn decode(json: &str) -> Result<WebhookRecord, RecordDecodeError> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version =
            serde_json::from_str(json).map_err(|e| RecordDecodeError::Json(e.to_string()))?;
        if version.format != RECORD_FORMAT {
            return Err(RecordDecodeError::UnsupportedFormat(version.format));
        }
        let record: WebhookRecord =
            serde_json::from_str(json).map_err(|e| RecordDecodeError::Json(e.to_string()))?;
        if record.auth.secrets.is_empty() {
            return Err(RecordDecodeError::NoSecrets);
        }
        Ok(record)
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("record serializes")
    }

    pub fn allows(&self, method: &str) -> bool {
        Method::parse(method).is_some_and(|m| self.methods.contains(&m))
    }

    pub fn allow_header(&self) -> String {
        let names: Vec<&str> = self.methods.iter().map(|m| m.as_str()).collect();
        names.join(", ")
    }

    /// The secret-free view the admin API returns.
    pub fn view(&self) -> WebhookView<'_> {
        WebhookView {
            id: self.id.as_str(),
            name: &self.name,
            path: self.path.as_str(),
            enabled: self.enabled,
            methods: &self.methods,
            max_body_bytes: self.max_body_bytes,
            auth: AuthView {
                scheme: self.auth.scheme,
                header: self.auth.header.as_deref(),
                secret_count: self.auth.secrets.len(),
            },
            target: &self.target,
            created_at: &self.created_at,
            updated_at: &self.updated_at,
        }
    }
}

#[derive(Serialize)]
pub struct AuthView<'a> {
    pub scheme: Scheme,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<&'a str>,
    pub secret_count: usize,
}

/// What GET returns: everything but secret material.
#[derive(Serialize)]
pub struct WebhookView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub path: &'a str,
    pub enabled: bool,
    pub methods: &'a [Method],
    pub max_body_bytes: u64,
    pub auth: AuthView<'a>,
    pub target: &'a Target,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

// ---------------------------------------------------------------------------------------
// Operator input
// ---------------------------------------------------------------------------------------

/// `POST /admin/v1/webhooks` and `PATCH /admin/v1/webhooks/{id}` bodies. Every field is
/// optional here; [`validate_new`] and [`apply_patch`] decide what is required.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSpec {
    pub name: Option<String>,
    pub path: Option<String>,
    pub enabled: Option<bool>,
    pub methods: Option<Vec<String>>,
    pub max_body_bytes: Option<u64>,
    pub auth: Option<AuthSpec>,
    pub target: Option<TargetSpec>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    pub scheme: Option<String>,
    pub header: Option<String>,
    pub secret: Option<String>,
}

impl fmt::Debug for AuthSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSpec")
            .field("scheme", &self.scheme)
            .field("header", &self.header)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub queue: Option<String>,
    pub origin: Option<String>,
}

impl WebhookSpec {
    pub fn parse(body: &[u8]) -> Result<WebhookSpec, Problem> {
        serde_json::from_slice(body).map_err(|e| {
            let code = if e.is_syntax() || e.is_eof() {
                ErrorCode::InvalidJson
            } else {
                ErrorCode::InvalidWebhook
            };
            Problem::new(code, e.to_string())
        })
    }
}

/// Values the shell supplies because the core may not make them: fresh random material
/// and the current time.
pub struct Fresh {
    pub id: WebhookId,
    pub secret: Secret,
    pub now_rfc3339: String,
}

/// A record that passed validation, with the secret to show once when it was new.
#[derive(Debug)]
pub struct Validated {
    pub record: WebhookRecord,
    pub shown_secret: Option<Secret>,
}

#[derive(Default)]
struct Complaints(Vec<(ErrorCode, FieldError)>);

impl Complaints {
    fn add(&mut self, code: ErrorCode, field: &str, message: impl Into<String>) {
        self.0.push((
            code,
            FieldError {
                field: field.to_string(),
                message: message.into(),
            },
        ));
    }

    fn into_result<T>(self, ok: T) -> Result<T, Problem> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            Err(self.into_problem())
        }
    }

    fn into_problem(self) -> Problem {
        let code = self
            .0
            .first()
            .map_or(ErrorCode::InvalidWebhook, |(code, _)| *code);
        let errors: Vec<FieldError> = self.0.into_iter().map(|(_, e)| e).collect();
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut p = Problem::new(code, detail);
        p.errors = errors;
        p
    }
}

fn validate_name(raw: &str, c: &mut Complaints) -> String {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_NAME_CHARS {
        c.add(
            ErrorCode::InvalidWebhook,
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        );
    } else if trimmed.chars().any(char::is_control) {
        c.add(
            ErrorCode::InvalidWebhook,
            "name",
            "must not contain control characters",
        );
    }
    trimmed.to_string()
}

fn validate_methods(raw: &[String], c: &mut Complaints) -> Vec<Method> {
    let mut methods = Vec::new();
    if raw.is_empty() {
        c.add(ErrorCode::InvalidWebhook, "methods", "must not be empty");
    }
    for m in raw {
        match Method::parse(&m.to_ascii_uppercase()) {
            Some(m) if !methods.contains(&m) => methods.push(m),
            Some(_) => {}
            None => c.add(
                ErrorCode::InvalidWebhook,
                "methods",
                format!("{m:?} is not one of GET, POST, PUT, PATCH, DELETE"),
            ),
        }
    }
    methods
}

fn validate_max_body(raw: u64, c: &mut Complaints) -> u64 {
    if raw == 0 || raw > MAX_MAX_BODY_BYTES {
        c.add(
            ErrorCode::InvalidWebhook,
            "max_body_bytes",
            format!("must be between 1 and {MAX_MAX_BODY_BYTES}"),
        );
    }
    raw
}

fn validate_header_name(raw: &str, c: &mut Complaints) -> String {
    let lower = raw.trim().to_ascii_lowercase();
    let is_token = !lower.is_empty()
        && lower.len() <= 64
        && lower
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !is_token {
        c.add(
            ErrorCode::InvalidWebhook,
            "auth.header",
            "is not a valid HTTP header name",
        );
    }
    lower
}

fn validate_secret(raw: &str, scheme: Scheme, c: &mut Complaints) -> Secret {
    let len = raw.chars().count();
    if !(Secret::MIN_LEN..=Secret::MAX_LEN).contains(&len) {
        c.add(
            ErrorCode::InvalidWebhook,
            "auth.secret",
            format!(
                "must be {} to {} characters",
                Secret::MIN_LEN,
                Secret::MAX_LEN
            ),
        );
    } else if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        c.add(
            ErrorCode::InvalidWebhook,
            "auth.secret",
            "must be printable ASCII without spaces",
        );
    } else if scheme == Scheme::UrlKey
        && !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    {
        c.add(
            ErrorCode::InvalidWebhook,
            "auth.secret",
            "a URL key may only hold letters, digits and - . _ ~",
        );
    }
    Secret::from_validated(raw.to_string())
}

/// Queue binding names as wrangler accepts them.
fn validate_target(raw: &TargetSpec, c: &mut Complaints) -> Target {
    match (&raw.queue, &raw.origin) {
        (Some(queue), None) => {
            let ok = !queue.is_empty()
                && queue.len() <= 64
                && queue.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
                && queue
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !ok {
                c.add(
                    ErrorCode::InvalidTarget,
                    "target.queue",
                    "must be the name of a Queue binding, e.g. \"EVENTS\"",
                );
            }
            Target {
                queue: queue.clone(),
            }
        }
        (None, Some(_)) => {
            c.add(
                ErrorCode::InvalidTarget,
                "target.origin",
                "origin targets are not available in this version; use a queue",
            );
            Target {
                queue: String::new(),
            }
        }
        _ => {
            c.add(
                ErrorCode::InvalidTarget,
                "target",
                "exactly one of \"queue\" or \"origin\" is required",
            );
            Target {
                queue: String::new(),
            }
        }
    }
}

fn validate_path(raw: &str, c: &mut Complaints) -> Option<WebhookPath> {
    match WebhookPath::parse_registered(raw) {
        Ok(p) => Some(p),
        Err(e) => {
            c.add(ErrorCode::InvalidPath, "path", e.to_string());
            None
        }
    }
}

fn parse_scheme(raw: Option<&str>, c: &mut Complaints) -> Option<Scheme> {
    match raw {
        None => {
            c.add(ErrorCode::InvalidWebhook, "auth.scheme", "is required");
            None
        }
        Some(s) => {
            let scheme = Scheme::parse(s);
            if scheme.is_none() {
                c.add(
                    ErrorCode::UnknownScheme,
                    "auth.scheme",
                    format!(
                        "{s:?} is not a supported scheme (supported: {})",
                        Scheme::NAMES.join(", ")
                    ),
                );
            }
            scheme
        }
    }
}

/// Validates a new webhook. `fresh.secret` is used when the operator supplied none.
pub fn validate_new(spec: WebhookSpec, fresh: Fresh) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let path = match &spec.path {
        Some(raw) => validate_path(raw, &mut c),
        None => {
            c.add(ErrorCode::InvalidWebhook, "path", "is required");
            None
        }
    };
    let name = match (&spec.name, &path) {
        (Some(raw), _) => validate_name(raw, &mut c),
        (None, Some(p)) => p
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string(),
        (None, None) => String::new(),
    };
    let methods = match &spec.methods {
        Some(raw) => validate_methods(raw, &mut c),
        None => vec![Method::Post],
    };
    let max_body_bytes = validate_max_body(
        spec.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
        &mut c,
    );
    let auth_spec = spec.auth.unwrap_or_default();
    let scheme = parse_scheme(auth_spec.scheme.as_deref(), &mut c);
    let header = auth_spec
        .header
        .as_deref()
        .map(|h| validate_header_name(h, &mut c));
    if header.is_some() && scheme == Some(Scheme::UrlKey) {
        c.add(
            ErrorCode::InvalidWebhook,
            "auth.header",
            "a URL key is not read from a header",
        );
    }
    let supplied = scheme.and_then(|s| {
        auth_spec
            .secret
            .as_deref()
            .map(|raw| validate_secret(raw, s, &mut c))
    });
    let target = match &spec.target {
        Some(t) => validate_target(t, &mut c),
        None => {
            c.add(
                ErrorCode::InvalidTarget,
                "target",
                "is required, e.g. {\"queue\": \"EVENTS\"}",
            );
            Target {
                queue: String::new(),
            }
        }
    };
    let (Some(path), Some(scheme)) = (path, scheme) else {
        // Both were reported as complaints above.
        return Err(c.into_problem());
    };
    let secret = supplied.unwrap_or(fresh.secret);
    let record = WebhookRecord {
        format: RECORD_FORMAT,
        id: fresh.id,
        name,
        path,
        enabled: spec.enabled.unwrap_or(true),
        methods,
        max_body_bytes,
        auth: AuthConfig {
            scheme,
            header,
            secrets: vec![StoredSecret {
                value: secret.clone(),
            }],
        },
        target,
        created_at: fresh.now_rfc3339.clone(),
        updated_at: fresh.now_rfc3339,
    };
    c.into_result(Validated {
        record,
        shown_secret: Some(secret),
    })
}

/// Applies a PATCH. Fields left out keep their value; a new `auth.secret` replaces every
/// stored secret and is shown once in the answer.
pub fn apply_patch(
    current: &WebhookRecord,
    spec: WebhookSpec,
    now_rfc3339: String,
) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let mut record = current.clone();
    if let Some(raw) = &spec.path {
        if let Some(p) = validate_path(raw, &mut c) {
            record.path = p;
        }
    }
    if let Some(raw) = &spec.name {
        record.name = validate_name(raw, &mut c);
    }
    if let Some(enabled) = spec.enabled {
        record.enabled = enabled;
    }
    if let Some(raw) = &spec.methods {
        record.methods = validate_methods(raw, &mut c);
    }
    if let Some(raw) = spec.max_body_bytes {
        record.max_body_bytes = validate_max_body(raw, &mut c);
    }
    let mut shown_secret = None;
    if let Some(auth) = spec.auth {
        if auth.scheme.is_some() {
            if let Some(s) = parse_scheme(auth.scheme.as_deref(), &mut c) {
                record.auth.scheme = s;
            }
        }
        if let Some(h) = &auth.header {
            record.auth.header = Some(validate_header_name(h, &mut c));
        }
        if record.auth.scheme == Scheme::UrlKey {
            record.auth.header = None;
        }
        if let Some(raw) = &auth.secret {
            let secret = validate_secret(raw, record.auth.scheme, &mut c);
            record.auth.secrets = vec![StoredSecret {
                value: secret.clone(),
            }];
            shown_secret = Some(secret);
        } else if record.auth.scheme == Scheme::UrlKey {
            for s in &record.auth.secrets {
                validate_secret(s.value.expose(), Scheme::UrlKey, &mut c);
            }
        }
    }
    if let Some(t) = &spec.target {
        record.target = validate_target(t, &mut c);
    }
    record.updated_at = now_rfc3339;
    c.into_result(Validated {
        record,
        shown_secret,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Fresh {
        Fresh {
            id: WebhookId::generate([1; 12]),
            secret: Secret::generate([2; 32]),
            now_rfc3339: "2026-11-22T00:00:00.000Z".into(),
        }
    }

    fn spec(json: &str) -> WebhookSpec {
        WebhookSpec::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn minimal_spec_gets_documented_defaults() {
        let v = validate_new(
            spec(r#"{"name":"deploys","path":"/hooks/deploys","auth":{"scheme":"hmac-sha256-hex"},"target":{"queue":"EVENTS"}}"#),
            fresh(),
        )
        .unwrap();
        let r = &v.record;
        assert_eq!(r.methods, vec![Method::Post]);
        assert_eq!(r.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert!(r.enabled);
        assert_eq!(r.auth.secrets.len(), 1);
        assert_eq!(v.shown_secret.unwrap(), fresh().secret);
        assert_eq!(r.target.queue, "EVENTS");
    }

    #[test]
    fn supplied_secret_is_used() {
        let v = validate_new(
            spec(r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"s3cr3t-value"},"target":{"queue":"EVENTS"}}"#),
            fresh(),
        )
        .unwrap();
        assert_eq!(v.record.auth.secrets[0].value.expose(), "s3cr3t-value");
        assert_eq!(v.record.name, "h");
    }

    fn problem(json: &str) -> Problem {
        match WebhookSpec::parse(json.as_bytes()) {
            Err(p) => p,
            Ok(s) => validate_new(s, fresh()).unwrap_err(),
        }
    }

    #[test]
    fn bad_specs_are_refused_with_the_reason() {
        let cases: &[(&str, ErrorCode, &str)] = &[
            ("{", ErrorCode::InvalidJson, "EOF"),
            (
                r#"{"path":"/h","auth":{"scheme":"rot13"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::UnknownScheme,
                "rot13",
            ),
            (
                r#"{"path":"/a/../b","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidPath,
                "'..'",
            ),
            (
                r#"{"path":"/admin/x","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidPath,
                "reserved",
            ),
            (
                r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"queue":"bad-name"}}"#,
                ErrorCode::InvalidTarget,
                "Queue binding",
            ),
            (
                r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{}}"#,
                ErrorCode::InvalidTarget,
                "exactly one",
            ),
            (
                r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"origin":"https://x"}}"#,
                ErrorCode::InvalidTarget,
                "not available",
            ),
            (
                r#"{"path":"/h","auth":{"scheme":"url-key"}}"#,
                ErrorCode::InvalidTarget,
                "required",
            ),
            (
                r#"{"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "path: is required",
            ),
            (
                r#"{"path":"/h","target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "auth.scheme: is required",
            ),
            (
                r#"{"path":"/h","methods":["BREW"],"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "BREW",
            ),
            (
                r#"{"path":"/h","methods":[],"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "empty",
            ),
            (
                r#"{"path":"/h","max_body_bytes":0,"auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "max_body_bytes",
            ),
            (
                r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"short"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "auth.secret",
            ),
            (
                r#"{"path":"/h","auth":{"scheme":"url-key","secret":"has/slash/in/it"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "URL key",
            ),
            (
                r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex","header":"bad header"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "header name",
            ),
            (
                r#"{"path":"/h","colour":"red","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "colour",
            ),
            (
                r#"{"path":"/h","name":"","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#,
                ErrorCode::InvalidWebhook,
                "name",
            ),
        ];
        for (json, code, needle) in cases {
            let p = problem(json);
            assert_eq!(p.code, *code, "{json}: {}", p.detail);
            assert!(
                p.detail.contains(needle),
                "{json}: {:?} lacks {needle:?}",
                p.detail
            );
        }
    }

    #[test]
    fn problems_never_echo_a_supplied_secret() {
        let p = problem(
            r#"{"path":"/h","auth":{"scheme":"url-key","secret":"super secret value"},"target":{"queue":"EVENTS"}}"#,
        );
        assert!(!p.to_json().contains("super secret value"));
    }

    #[test]
    fn patch_merges_and_validates() {
        let original = validate_new(
            spec(
                r#"{"path":"/h","auth":{"scheme":"hmac-sha256-hex"},"target":{"queue":"EVENTS"}}"#,
            ),
            fresh(),
        )
        .unwrap()
        .record;
        let v = apply_patch(
            &original,
            spec(r#"{"enabled":false,"methods":["post","put"]}"#),
            "later".into(),
        )
        .unwrap();
        assert!(!v.record.enabled);
        assert_eq!(v.record.methods, vec![Method::Post, Method::Put]);
        assert_eq!(v.record.auth, original.auth);
        assert_eq!(v.record.updated_at, "later");
        assert_eq!(v.record.created_at, original.created_at);
        assert!(v.shown_secret.is_none());

        let v = apply_patch(
            &original,
            spec(r#"{"auth":{"secret":"a-new-secret"}}"#),
            "later".into(),
        )
        .unwrap();
        assert_eq!(v.record.auth.secrets.len(), 1);
        assert_eq!(v.shown_secret.unwrap().expose(), "a-new-secret");

        let p = apply_patch(&original, spec(r#"{"path":"/admin"}"#), "later".into()).unwrap_err();
        assert_eq!(p.code, ErrorCode::InvalidPath);
    }

    #[test]
    fn view_hides_secrets() {
        let v = validate_new(
            spec(r#"{"path":"/h","auth":{"scheme":"shared-secret","secret":"do-not-show-me"},"target":{"queue":"EVENTS"}}"#),
            fresh(),
        )
        .unwrap();
        let json = serde_json::to_string(&v.record.view()).unwrap();
        assert!(!json.contains("do-not-show-me"));
        assert!(json.contains("\"secret_count\":1"));
        assert!(!format!("{:?}", v.record).contains("do-not-show-me"));
    }

    #[test]
    fn decode_fails_closed() {
        let good = validate_new(
            spec(r#"{"path":"/h","auth":{"scheme":"url-key"},"target":{"queue":"EVENTS"}}"#),
            fresh(),
        )
        .unwrap()
        .record
        .encode();
        assert!(WebhookRecord::decode(&good).is_ok());
        let unknown = good.replace("\"url-key\"", "\"carrier-pigeon\"");
        assert!(matches!(
            WebhookRecord::decode(&unknown),
            Err(RecordDecodeError::Json(_))
        ));
        let newer = good.replace("\"format\":1", "\"format\":2");
        assert_eq!(
            WebhookRecord::decode(&newer),
            Err(RecordDecodeError::UnsupportedFormat(2))
        );
        let v: serde_json::Value = serde_json::from_str(&good).unwrap();
        let mut no_secret = v.clone();
        no_secret["auth"]["secrets"] = serde_json::json!([]);
        assert_eq!(
            WebhookRecord::decode(&no_secret.to_string()),
            Err(RecordDecodeError::NoSecrets)
        );
    }
}
