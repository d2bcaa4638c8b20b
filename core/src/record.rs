//! Webhook records: the stored format (KV, pinned by golden tests), the operator's input
//! and its validation, and the secret-free view the admin API returns.

use crate::path::WebhookPath;
use crate::problem::{ErrorCode, FieldError, Problem};
use crate::secret::{Secret, WebhookId};
use crate::time::UnixMillis;
use crate::verify::template::{parse_template, Algorithm, HmacTemplate, Part, SignatureEncoding};
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

/// How a sender proves who it is. The serialized names are the `auth.scheme` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// Kubiya: hex HMAC-SHA256 of the raw body in `X-Webhook-Signature`.
    HmacSha256Hex,
    /// The secret itself in a header (`X-Webhook-Secret` or `X-Webhook-Token`).
    SharedSecret,
    /// Kestra: the key is the last segment of the request path.
    UrlKey,
    /// standardwebhooks.com: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    StandardWebhooks,
    /// Svix: Standard Webhooks with `svix-` headers.
    Svix,
    /// GitHub `X-Hub-Signature-256: sha256=<hex>`.
    Github,
    /// GitHub's legacy `X-Hub-Signature: sha1=<hex>` (also Intercom and others).
    GithubSha1,
    /// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=...]`.
    Stripe,
    /// `X-Slack-Signature: v0=<hex>` over `v0:<timestamp>:<body>`.
    Slack,
    /// `X-Shopify-Hmac-Sha256` (or unprefixed `shopify-hmac-sha256`): base64 HMAC of the body.
    Shopify,
    /// `X-Twilio-Signature`: base64 HMAC-SHA1 of the public URL and sorted form params.
    Twilio,
    /// `Paddle-Signature: ts=<unix>;h1=<hex>` over `<ts>:<body>`.
    Paddle,
    /// `Linear-Signature: <hex>`, freshness from the body's `webhookTimestamp`.
    Linear,
    /// `x-zm-signature: v0=<hex>` over `v0:<x-zm-request-timestamp>:<body>`.
    Zoom,
    /// Twitch EventSub: `sha256=<hex>` over message id + timestamp + body.
    Twitch,
    /// A generic HMAC described by `auth.template`.
    Hmac,
}

impl Scheme {
    pub const ALL: [Scheme; 16] = [
        Scheme::HmacSha256Hex,
        Scheme::SharedSecret,
        Scheme::UrlKey,
        Scheme::StandardWebhooks,
        Scheme::Svix,
        Scheme::Github,
        Scheme::GithubSha1,
        Scheme::Stripe,
        Scheme::Slack,
        Scheme::Shopify,
        Scheme::Twilio,
        Scheme::Paddle,
        Scheme::Linear,
        Scheme::Zoom,
        Scheme::Twitch,
        Scheme::Hmac,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scheme::HmacSha256Hex => "hmac-sha256-hex",
            Scheme::SharedSecret => "shared-secret",
            Scheme::UrlKey => "url-key",
            Scheme::StandardWebhooks => "standard-webhooks",
            Scheme::Svix => "svix",
            Scheme::Github => "github",
            Scheme::GithubSha1 => "github-sha1",
            Scheme::Stripe => "stripe",
            Scheme::Slack => "slack",
            Scheme::Shopify => "shopify",
            Scheme::Twilio => "twilio",
            Scheme::Paddle => "paddle",
            Scheme::Linear => "linear",
            Scheme::Zoom => "zoom",
            Scheme::Twitch => "twitch",
            Scheme::Hmac => "hmac",
        }
    }

    pub fn parse(raw: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == raw)
    }

    /// The header(s) the scheme reads its signature or secret from when the record
    /// names none. Empty when the header is fixed by the provider or irrelevant.
    pub fn default_headers(self) -> &'static [&'static str] {
        match self {
            Scheme::HmacSha256Hex => &["x-webhook-signature"],
            Scheme::SharedSecret => &["x-webhook-secret", "x-webhook-token"],
            Scheme::Github => &["x-hub-signature-256"],
            Scheme::GithubSha1 => &["x-hub-signature"],
            Scheme::Shopify => &["x-shopify-hmac-sha256", "shopify-hmac-sha256"],
            _ => &[],
        }
    }

    /// Whether `auth.header` may override where the signature is read.
    pub fn header_configurable(self) -> bool {
        matches!(
            self,
            Scheme::HmacSha256Hex
                | Scheme::SharedSecret
                | Scheme::Github
                | Scheme::GithubSha1
                | Scheme::Shopify
        )
    }

    /// The provider's replay window in seconds, for schemes that sign a timestamp.
    pub fn default_tolerance_s(self) -> Option<u64> {
        match self {
            Scheme::StandardWebhooks
            | Scheme::Svix
            | Scheme::Stripe
            | Scheme::Slack
            | Scheme::Zoom => Some(300),
            Scheme::Paddle => Some(5),
            Scheme::Linear => Some(60),
            Scheme::Twitch => Some(600),
            _ => None,
        }
    }

    /// Secrets of these schemes are `whsec_` + base64 (the prefix is optional).
    pub fn uses_whsec_secret(self) -> bool {
        matches!(self, Scheme::StandardWebhooks | Scheme::Svix)
    }

    /// Whether `auth.secret_encoding` = `base64` (a binary key) is meaningful.
    pub fn accepts_binary_key(self) -> bool {
        matches!(
            self,
            Scheme::HmacSha256Hex
                | Scheme::Github
                | Scheme::GithubSha1
                | Scheme::Shopify
                | Scheme::Hmac
        )
    }
}

/// How a secret string becomes HMAC key bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretEncoding {
    /// The string's UTF-8 bytes (almost every provider).
    #[default]
    Utf8,
    /// Standard base64, padding optional.
    Base64,
}

impl SecretEncoding {
    fn is_utf8(&self) -> bool {
        *self == SecretEncoding::Utf8
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSecret {
    pub value: Secret,
    /// Unix milliseconds after which this secret no longer verifies (set by rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after_ms: Option<u64>,
}

impl StoredSecret {
    pub fn new(value: Secret) -> StoredSecret {
        StoredSecret {
            value,
            not_after_ms: None,
        }
    }

    pub fn active_at(&self, now: UnixMillis) -> bool {
        self.not_after_ms.is_none_or(|t| now.0 < t)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthConfig {
    pub scheme: Scheme,
    /// Lowercase header name overriding the scheme's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Every secret currently accepted (several during a rotation), newest first.
    /// Never empty.
    pub secrets: Vec<StoredSecret>,
    /// Replay window override, for schemes that sign a timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_s: Option<u64>,
    #[serde(default, skip_serializing_if = "SecretEncoding::is_utf8")]
    pub secret_encoding: SecretEncoding,
    /// Only for `hmac`: what is signed and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<HmacTemplate>,
}

impl AuthConfig {
    /// The replay window in force: the override, else the provider's. A generic template
    /// that signs a timestamp gets 300 s.
    pub fn tolerance_s(&self) -> Option<u64> {
        let template_signs_time = self
            .template
            .as_ref()
            .is_some_and(|t| t.timestamp_header.is_some());
        self.tolerance_s
            .or(self.scheme.default_tolerance_s())
            .or(template_signs_time.then_some(300))
    }
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
                tolerance_s: self.auth.tolerance_s(),
                secret_encoding: self.auth.secret_encoding,
                template: self.auth.template.as_ref(),
                secret_count: self.auth.secrets.len(),
                secrets: self
                    .auth
                    .secrets
                    .iter()
                    .map(|s| SecretView {
                        not_after: s.not_after_ms.map(|t| UnixMillis(t).to_rfc3339()),
                    })
                    .collect(),
            },
            target: &self.target,
            created_at: &self.created_at,
            updated_at: &self.updated_at,
        }
    }
}

/// A secret as the admin API shows it: only when it stops working.
#[derive(Serialize)]
pub struct SecretView {
    pub not_after: Option<String>,
}

#[derive(Serialize)]
pub struct AuthView<'a> {
    pub scheme: Scheme,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance_s: Option<u64>,
    #[serde(skip_serializing_if = "SecretEncoding::is_utf8")]
    pub secret_encoding: SecretEncoding,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<&'a HmacTemplate>,
    pub secret_count: usize,
    pub secrets: Vec<SecretView>,
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
    pub tolerance_s: Option<u64>,
    pub secret_encoding: Option<SecretEncoding>,
    pub template: Option<TemplateSpec>,
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
    pub origin: Option<String>,
}

impl WebhookSpec {
    pub fn parse(body: &[u8]) -> Result<WebhookSpec, Problem> {
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
        Problem::new(code, e.to_string())
    })
}

/// Values the shell supplies because the core may not make them: fresh random material
/// and the current time.
pub struct Fresh {
    pub id: WebhookId,
    /// Becomes the secret, in the scheme's format, when the operator supplies none.
    pub secret_bytes: [u8; 32],
    pub now: UnixMillis,
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

    fn invalid(&mut self, field: &str, message: impl Into<String>) {
        self.add(ErrorCode::InvalidWebhook, field, message);
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
        c.invalid("name", format!("must be 1 to {MAX_NAME_CHARS} characters"));
    } else if trimmed.chars().any(char::is_control) {
        c.invalid("name", "must not contain control characters");
    }
    trimmed.to_string()
}

fn validate_methods(raw: &[String], c: &mut Complaints) -> Vec<Method> {
    let mut methods = Vec::new();
    if raw.is_empty() {
        c.invalid("methods", "must not be empty");
    }
    for m in raw {
        match Method::parse(&m.to_ascii_uppercase()) {
            Some(m) if !methods.contains(&m) => methods.push(m),
            Some(_) => {}
            None => c.invalid(
                "methods",
                format!("{m:?} is not one of GET, POST, PUT, PATCH, DELETE"),
            ),
        }
    }
    methods
}

fn validate_max_body(raw: u64, c: &mut Complaints) -> u64 {
    if raw == 0 || raw > MAX_MAX_BODY_BYTES {
        c.invalid(
            "max_body_bytes",
            format!("must be between 1 and {MAX_MAX_BODY_BYTES}"),
        );
    }
    raw
}

fn validate_header_name(raw: &str, field: &str, c: &mut Complaints) -> String {
    let lower = raw.trim().to_ascii_lowercase();
    let is_token = !lower.is_empty()
        && lower.len() <= 64
        && lower
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !is_token {
        c.invalid(field, "is not a valid HTTP header name");
    }
    lower
}

/// Checks a secret against what its scheme can use.
fn validate_secret(raw: &str, auth: &AuthConfig, c: &mut Complaints) -> Secret {
    let len = raw.chars().count();
    let scheme = auth.scheme;
    if !(Secret::MIN_LEN..=Secret::MAX_LEN).contains(&len) {
        c.invalid(
            "auth.secret",
            format!(
                "must be {} to {} characters",
                Secret::MIN_LEN,
                Secret::MAX_LEN
            ),
        );
    } else if !raw.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        c.invalid("auth.secret", "must be printable ASCII");
    } else if scheme == Scheme::UrlKey
        && !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    {
        c.invalid(
            "auth.secret",
            "a URL key may only hold letters, digits and - . _ ~",
        );
    } else if scheme.uses_whsec_secret() {
        let decoded = crate::verify::parse::base64(raw.strip_prefix("whsec_").unwrap_or(raw));
        if decoded.is_none_or(|k| k.len() < 16) {
            c.invalid(
                "auth.secret",
                "must be whsec_ followed by base64 of at least 16 bytes",
            );
        }
    } else if auth.secret_encoding == SecretEncoding::Base64
        && crate::verify::parse::base64(raw).is_none()
    {
        c.invalid("auth.secret", "is not base64, as secret_encoding says");
    }
    Secret::from_validated(raw.to_string())
}

/// A generated secret in the format the scheme expects.
fn generate_secret(auth: &AuthConfig, bytes: [u8; 32]) -> Secret {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    if auth.scheme.uses_whsec_secret() {
        Secret::from_validated(format!("whsec_{}", STANDARD.encode(bytes)))
    } else if auth.secret_encoding == SecretEncoding::Base64 {
        Secret::from_validated(STANDARD.encode(bytes))
    } else {
        Secret::generate(bytes)
    }
}

/// Queue binding names as wrangler accepts them.
fn validate_target(raw: &TargetSpec, c: &mut Complaints) -> Target {
    let mut target = Target {
        queue: String::new(),
    };
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
            target.queue = queue.clone();
        }
        (None, Some(_)) => c.add(
            ErrorCode::InvalidTarget,
            "target.origin",
            "origin targets are not available in this version; use a queue",
        ),
        _ => c.add(
            ErrorCode::InvalidTarget,
            "target",
            "exactly one of \"queue\" or \"origin\" is required",
        ),
    }
    target
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

fn parse_scheme(raw: &str, c: &mut Complaints) -> Option<Scheme> {
    let scheme = Scheme::parse(raw);
    if scheme.is_none() {
        let names: Vec<&str> = Scheme::ALL.iter().map(|s| s.name()).collect();
        c.add(
            ErrorCode::UnknownScheme,
            "auth.scheme",
            format!(
                "{raw:?} is not a supported scheme (supported: {})",
                names.join(", ")
            ),
        );
    }
    scheme
}

fn validate_template(raw: &TemplateSpec, c: &mut Complaints) -> HmacTemplate {
    let header = match &raw.header {
        Some(h) => validate_header_name(h, "auth.template.header", c),
        None => {
            c.invalid("auth.template.header", "is required");
            String::new()
        }
    };
    let content = raw.content.clone().unwrap_or_else(|| "{body}".to_string());
    match parse_template(&content) {
        Ok(parts) => {
            if parts.contains(&Part::Id) && raw.id_header.is_none() {
                c.invalid(
                    "auth.template.id_header",
                    "is required when the content signs {id}",
                );
            }
            let signs_time = parts.contains(&Part::Timestamp);
            if signs_time != raw.timestamp_header.is_some() {
                c.invalid(
                    "auth.template.timestamp_header",
                    "is required exactly when the content signs {timestamp}",
                );
            }
        }
        Err(e) => c.invalid("auth.template.content", e.to_string()),
    }
    let prefix = raw.prefix.clone().unwrap_or_default();
    if prefix.len() > 32 || !prefix.bytes().all(|b| b.is_ascii_graphic()) {
        c.invalid(
            "auth.template.prefix",
            "must be at most 32 printable characters",
        );
    }
    HmacTemplate {
        algorithm: raw.algorithm.unwrap_or(Algorithm::Sha256),
        encoding: raw.encoding.unwrap_or(SignatureEncoding::Hex),
        header,
        prefix,
        content,
        id_header: raw
            .id_header
            .as_deref()
            .map(|h| validate_header_name(h, "auth.template.id_header", c)),
        timestamp_header: raw
            .timestamp_header
            .as_deref()
            .map(|h| validate_header_name(h, "auth.template.timestamp_header", c)),
    }
}

pub const MAX_TOLERANCE_S: u64 = 86_400;

/// Merges an `auth` input into the current configuration (none when creating) and
/// checks the result as a whole. Returns the secret to show once, if it changed.
fn validate_auth(
    spec: AuthSpec,
    current: Option<&AuthConfig>,
    secret_bytes: [u8; 32],
    c: &mut Complaints,
) -> (Option<AuthConfig>, Option<Secret>) {
    let scheme = match (&spec.scheme, current) {
        (Some(raw), _) => parse_scheme(raw, c),
        (None, Some(cur)) => Some(cur.scheme),
        (None, None) => {
            c.invalid("auth.scheme", "is required");
            None
        }
    };
    let Some(scheme) = scheme else {
        return (None, None);
    };
    let scheme_changed = current.is_some_and(|cur| cur.scheme != scheme);
    let keep = |f: fn(&AuthConfig) -> bool| current.is_some_and(|cur| !scheme_changed || f(cur));
    let mut auth = AuthConfig {
        scheme,
        header: spec
            .header
            .as_deref()
            .map(|h| validate_header_name(h, "auth.header", c))
            .or_else(|| {
                keep(|_| true)
                    .then(|| current.and_then(|cur| cur.header.clone()))
                    .flatten()
            }),
        secrets: current.map(|cur| cur.secrets.clone()).unwrap_or_default(),
        tolerance_s: spec.tolerance_s.or_else(|| {
            keep(|_| true)
                .then(|| current.and_then(|cur| cur.tolerance_s))
                .flatten()
        }),
        secret_encoding: spec
            .secret_encoding
            .or_else(|| current.map(|cur| cur.secret_encoding))
            .unwrap_or_default(),
        template: None,
    };
    if auth.header.is_some() && !scheme.header_configurable() {
        c.invalid(
            "auth.header",
            format!("the {} scheme reads fixed headers", scheme.name()),
        );
    }
    if let Some(t) = auth.tolerance_s {
        if t == 0 || t > MAX_TOLERANCE_S {
            c.invalid(
                "auth.tolerance_s",
                format!("must be between 1 and {MAX_TOLERANCE_S}"),
            );
        }
    }
    if auth.tolerance_s.is_some()
        && scheme.default_tolerance_s().is_none()
        && scheme != Scheme::Hmac
    {
        c.invalid(
            "auth.tolerance_s",
            format!("the {} scheme signs no timestamp", scheme.name()),
        );
    }
    if auth.secret_encoding == SecretEncoding::Base64 && !scheme.accepts_binary_key() {
        c.invalid(
            "auth.secret_encoding",
            format!("the {} scheme keys with the secret's text", scheme.name()),
        );
    }
    auth.template = match (&spec.template, scheme) {
        (Some(t), Scheme::Hmac) => Some(validate_template(t, c)),
        (None, Scheme::Hmac) => match current.and_then(|cur| cur.template.clone()) {
            Some(t) => Some(t),
            None => {
                c.invalid("auth.template", "is required for the hmac scheme");
                None
            }
        },
        (Some(_), _) => {
            c.invalid("auth.template", "only the hmac scheme takes a template");
            None
        }
        (None, _) => None,
    };
    let shown = match &spec.secret {
        Some(raw) => Some(validate_secret(raw, &auth, c)),
        None if current.is_none() => Some(generate_secret(&auth, secret_bytes)),
        None => {
            // The existing secrets must still suit the (possibly changed) configuration.
            let mut probe = Complaints::default();
            for s in &auth.secrets {
                validate_secret(s.value.expose(), &auth, &mut probe);
            }
            if !probe.0.is_empty() {
                c.invalid(
                    "auth.secret",
                    "the current secret does not suit this configuration; supply a new one",
                );
            }
            None
        }
    };
    if let Some(secret) = &shown {
        auth.secrets = vec![StoredSecret::new(secret.clone())];
    }
    (Some(auth), shown)
}

/// Validates a new webhook. `fresh.secret_bytes` make the secret when none is supplied.
pub fn validate_new(spec: WebhookSpec, fresh: Fresh) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let path = match &spec.path {
        Some(raw) => validate_path(raw, &mut c),
        None => {
            c.invalid("path", "is required");
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
    let (auth, shown_secret) = validate_auth(
        spec.auth.unwrap_or_default(),
        None,
        fresh.secret_bytes,
        &mut c,
    );
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
    let (Some(path), Some(auth)) = (path, auth) else {
        // Both were reported as complaints above.
        return Err(c.into_problem());
    };
    let now = fresh.now.to_rfc3339();
    let record = WebhookRecord {
        format: RECORD_FORMAT,
        id: fresh.id,
        name,
        path,
        enabled: spec.enabled.unwrap_or(true),
        methods,
        max_body_bytes,
        auth,
        target,
        created_at: now.clone(),
        updated_at: now,
    };
    c.into_result(Validated {
        record,
        shown_secret,
    })
}

/// Applies a PATCH. Fields left out keep their value; a new `auth.secret` replaces every
/// stored secret and is shown once in the answer.
pub fn apply_patch(
    current: &WebhookRecord,
    spec: WebhookSpec,
    now: UnixMillis,
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
    if let Some(auth_spec) = spec.auth {
        let (auth, shown) = validate_auth(auth_spec, Some(&current.auth), [0; 32], &mut c);
        if let Some(auth) = auth {
            record.auth = auth;
        }
        shown_secret = shown;
    }
    if let Some(t) = &spec.target {
        record.target = validate_target(t, &mut c);
    }
    record.updated_at = now.to_rfc3339();
    c.into_result(Validated {
        record,
        shown_secret,
    })
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

impl fmt::Debug for RotateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RotateSpec")
            .field("grace_period_s", &self.grace_period_s)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

pub const DEFAULT_GRACE_PERIOD_S: u64 = 86_400;
pub const MAX_GRACE_PERIOD_S: u64 = 30 * 86_400;
/// Secrets kept at once; the ones closest to expiry are dropped beyond this.
pub const MAX_SECRETS: usize = 5;

impl RotateSpec {
    pub fn parse(body: &[u8]) -> Result<RotateSpec, Problem> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(RotateSpec::default());
        }
        parse_json(body)
    }
}

/// Adds a new secret in front; the current ones stop verifying after the grace period.
/// Secrets already past their end are dropped.
pub fn rotate(
    current: &WebhookRecord,
    spec: RotateSpec,
    secret_bytes: [u8; 32],
    now: UnixMillis,
) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let grace_s = spec.grace_period_s.unwrap_or(DEFAULT_GRACE_PERIOD_S);
    if grace_s > MAX_GRACE_PERIOD_S {
        c.invalid(
            "grace_period_s",
            format!("must be at most {MAX_GRACE_PERIOD_S}"),
        );
    }
    let auth = &current.auth;
    let secret = match &spec.secret {
        Some(raw) => validate_secret(raw, auth, &mut c),
        None => generate_secret(auth, secret_bytes),
    };
    if auth.secrets.iter().any(|s| s.value == secret) {
        c.invalid("secret", "is already one of this webhook's secrets");
    }
    let ends = now.0.saturating_add(grace_s.saturating_mul(1000));
    let mut kept: Vec<StoredSecret> = auth
        .secrets
        .iter()
        .filter(|s| s.active_at(now))
        .map(|s| StoredSecret {
            value: s.value.clone(),
            not_after_ms: Some(s.not_after_ms.map_or(ends, |t| t.min(ends))),
        })
        .filter(|s| s.active_at(now))
        .collect();
    kept.sort_by_key(|s| std::cmp::Reverse(s.not_after_ms));
    kept.truncate(MAX_SECRETS - 1);
    let mut record = current.clone();
    record.auth.secrets = std::iter::once(StoredSecret::new(secret.clone()))
        .chain(kept)
        .collect();
    record.updated_at = now.to_rfc3339();
    c.into_result(Validated {
        record,
        shown_secret: Some(secret),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Fresh {
        Fresh {
            id: WebhookId::generate([1; 12]),
            secret_bytes: [2; 32],
            now: UnixMillis(1_795_329_546_000),
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
        assert_eq!(v.shown_secret.unwrap(), Secret::generate([2; 32]));
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
            UnixMillis(1_795_329_999_000),
        )
        .unwrap();
        assert!(!v.record.enabled);
        assert_eq!(v.record.methods, vec![Method::Post, Method::Put]);
        assert_eq!(v.record.auth, original.auth);
        assert_eq!(v.record.updated_at, "2026-11-22T06:46:39.000Z");
        assert_eq!(v.record.created_at, original.created_at);
        assert!(v.shown_secret.is_none());

        let v = apply_patch(
            &original,
            spec(r#"{"auth":{"secret":"a-new-secret"}}"#),
            UnixMillis(1_795_329_999_000),
        )
        .unwrap();
        assert_eq!(v.record.auth.secrets.len(), 1);
        assert_eq!(v.shown_secret.unwrap().expose(), "a-new-secret");

        let p = apply_patch(
            &original,
            spec(r#"{"path":"/admin"}"#),
            UnixMillis(1_795_329_999_000),
        )
        .unwrap_err();
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
