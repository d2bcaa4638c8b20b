//! The admin API without the platform: who may call it, what operators send, and how
//! it becomes a stored record. Creation, PATCH and rotation are separate functions;
//! all three end in the same [`crate::model::rules`] that decoding a stored record runs.

mod create;
pub mod example;
mod patch;
pub mod replays;
mod rotate;
pub mod routes;
pub mod spec;
pub mod view;

pub use create::{validate_create, Fresh};
pub use patch::validate_patch;
pub use rotate::{
    arm_handshake, plant, rotate, rotate_forwarding, DEFAULT_GRACE_PERIOD_S, MAX_GRACE_PERIOD_S,
};
pub use routes::{
    authorize, deliveries_limit, list_page, next_cursor, route, token_unusable, AdminRoute,
};
pub use spec::{ArmSpec, NamespaceSpec, RotateSpec, WebhookSpec};

use crate::filter::Filter;
use crate::model::rules::{self, Violation, ViolationKind};
use crate::model::scheme::KeyFormat;
use crate::model::template::{Algorithm, HmacTemplate, SignatureEncoding};
use crate::model::{AuthConfig, Method, Scheme, SecretEncoding, Style, Target, WebhookRecord};
use crate::path::WebhookPath;
use crate::problem::{ErrorCode, FieldError, Problem};
use crate::secret::Secret;
use spec::{Field, TargetSpec, TemplateSpec};

/// A record that passed validation, with the secrets to show once when they are new.
#[derive(Debug)]
pub struct Validated {
    pub record: WebhookRecord,
    pub shown_secret: Option<Secret>,
    pub shown_forwarding_secret: Option<Secret>,
}

/// What the deployment allows, beyond the rules every record obeys.
#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    /// Plain-http origins (the var `ALLOW_INSECURE_ORIGINS=true`; local runs and tests
    /// only, never in production).
    pub allow_insecure_origins: bool,
}

impl Policy {
    fn check(&self, record: &WebhookRecord, c: &mut Complaints) {
        if let Some(o) = record.target.origin() {
            if o.is_insecure() && !self.allow_insecure_origins {
                c.add(
                    ErrorCode::InvalidTarget,
                    "target.origin.url",
                    "must be https (plain http only where the deployment sets ALLOW_INSECURE_ORIGINS=true)",
                );
            }
            if o.is_private_network() && !self.allow_insecure_origins {
                c.add(
                    ErrorCode::InvalidTarget,
                    "target.origin.url",
                    "must not name localhost, a loopback, private or link-local address (only where the deployment sets ALLOW_INSECURE_ORIGINS=true, for local development)",
                );
            }
        }
    }
}

/// Field-level complaints about an operator's input, collected so that one answer
/// lists every problem. The first complaint's code is the answer's code.
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

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn extend(&mut self, violations: Vec<Violation>) {
        for v in violations {
            let code = match v.kind {
                ViolationKind::Invalid => ErrorCode::InvalidWebhook,
                ViolationKind::Target => ErrorCode::InvalidTarget,
            };
            self.add(code, &v.field, v.message);
        }
    }

    /// Runs every rule on a record built from valid input, and the deployment's policy.
    fn finish(mut self, validated: Validated, policy: Policy) -> Result<Validated, Problem> {
        self.extend(rules::check_record(&validated.record));
        policy.check(&validated.record, &mut self);
        if self.is_empty() {
            Ok(validated)
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

fn parse_path(raw: &str, c: &mut Complaints) -> Option<WebhookPath> {
    WebhookPath::parse_registered(raw)
        .map_err(|e| c.add(ErrorCode::InvalidPath, "path", e.to_string()))
        .ok()
}

fn parse_methods(raw: &[String], c: &mut Complaints) -> Vec<Method> {
    let mut methods = Vec::new();
    for (i, m) in raw.iter().enumerate() {
        match Method::parse(&m.to_ascii_uppercase()) {
            Some(m) if !methods.contains(&m) => methods.push(m),
            Some(_) => {}
            // Which item, not what it says: admin errors never quote a value.
            None => c.invalid(
                &format!("methods[{i}]"),
                "is not one of GET, POST, PUT, PATCH, DELETE",
            ),
        }
    }
    methods
}

fn parse_scheme(raw: &str, c: &mut Complaints) -> Option<Scheme> {
    let scheme = Scheme::parse(raw);
    if scheme.is_none() {
        let names: Vec<&str> = Scheme::ALL.iter().map(|s| s.name()).collect();
        c.add(
            ErrorCode::UnknownScheme,
            "auth.scheme",
            format!(
                "is not a supported scheme (supported: {})",
                names.join(", ")
            ),
        );
    }
    scheme
}

/// The default name: the path's last segment.
fn default_name(path: &WebhookPath) -> String {
    path.as_str()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn header_name(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

fn build_template(raw: &TemplateSpec, c: &mut Complaints) -> Option<HmacTemplate> {
    let Some(header) = &raw.header else {
        c.invalid("auth.template.header", "is required");
        return None;
    };
    Some(HmacTemplate {
        algorithm: raw.algorithm.unwrap_or(Algorithm::Sha256),
        encoding: raw.encoding.unwrap_or(SignatureEncoding::Hex),
        header: header_name(header),
        prefix: raw.prefix.clone().unwrap_or_default(),
        content: raw.content.clone().unwrap_or_else(|| "{body}".to_string()),
        id_header: raw.id_header.as_deref().map(header_name),
        timestamp_header: raw.timestamp_header.as_deref().map(header_name),
    })
}

fn build_target(raw: &TargetSpec, c: &mut Complaints) -> Option<Target> {
    use crate::model::record::{DEFAULT_MAX_ATTEMPTS, DEFAULT_ORIGIN_TIMEOUT_MS};
    use crate::model::Origin;
    match (&raw.queue, &raw.origin) {
        (Some(queue), None) => Some(Target {
            queue: Some(queue.clone()),
            origin: None,
        }),
        (None, Some(o)) => {
            let Some(url) = &o.url else {
                c.add(ErrorCode::InvalidTarget, "target.origin.url", "is required");
                return None;
            };
            Some(Target {
                queue: None,
                origin: Some(Origin {
                    url: url.trim().to_string(),
                    mode: o.mode.unwrap_or_default(),
                    timeout_ms: o.timeout_ms.unwrap_or(DEFAULT_ORIGIN_TIMEOUT_MS),
                    max_attempts: o.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS),
                }),
            })
        }
        _ => {
            c.add(
                ErrorCode::InvalidTarget,
                "target",
                "exactly one of \"queue\" or \"origin\" is required",
            );
            None
        }
    }
}

fn required_target(raw: Field<&TargetSpec>, c: &mut Complaints) -> Option<Target> {
    match raw {
        Field::Value(t) => build_target(t, c),
        _ => {
            c.add(
                ErrorCode::InvalidTarget,
                "target",
                "is required, e.g. {\"queue\": \"EVENTS\"}",
            );
            None
        }
    }
}

fn parse_style(raw: &str, c: &mut Complaints) -> Option<Style> {
    let style = Style::parse(raw);
    if style.is_none() {
        let names: Vec<&str> = Style::ALL.iter().map(|s| s.name()).collect();
        c.invalid(
            "style",
            format!("is not a style (one of {})", names.join(", ")),
        );
    }
    style
}

/// `filter`, `event_type` and `basic_auth` from input: given fields replace, `null`
/// removes.
fn merge_conditions(spec: &mut spec::WebhookSpec, record: &mut WebhookRecord, c: &mut Complaints) {
    match std::mem::take(&mut spec.filter) {
        Field::Value(source) => match Filter::compile(source) {
            Ok(f) => record.filter = Some(f),
            Err(e) => c.add(
                ErrorCode::InvalidFilter,
                &format!("filter{}", at_suffix(&e.at)),
                e.message,
            ),
        },
        Field::Null => record.filter = None,
        Field::Absent => {}
    }
    match std::mem::take(&mut spec.event_type) {
        Field::Value(e) => {
            record.event_type = Some(crate::model::EventTypeSource {
                header: e.header.as_deref().map(header_name),
                field: e.field.map(|f| f.trim().to_string()),
            })
        }
        Field::Null => record.event_type = None,
        Field::Absent => {}
    }
    match std::mem::take(&mut spec.basic_auth) {
        Field::Value(b) => {
            record.basic_auth = Some(crate::model::BasicAuth {
                username: b.username,
                password: Secret::from_string(b.password),
            })
        }
        Field::Null => record.basic_auth = None,
        Field::Absent => {}
    }
}

/// A filter error's location, as a suffix of the field name (`filter.and[1].eq`).
fn at_suffix(at: &str) -> String {
    match at.strip_prefix("filter") {
        Some(rest) => rest.to_string(),
        None if at.is_empty() => String::new(),
        None => format!(" ({at})"),
    }
}

/// `idempotency` and `rate_limit` from input: given fields over `current`; `null` is
/// the default.
fn merge_limits(spec: &spec::WebhookSpec, record: &mut WebhookRecord) {
    use crate::model::limits::{Idempotency, RateLimit};
    match &spec.idempotency {
        Field::Value(i) => {
            let cur = record.idempotency;
            let window_s = i.window_s.unwrap_or(cur.window_s);
            record.idempotency = Idempotency {
                window_s,
                on_duplicate: i.on_duplicate.unwrap_or(cur.on_duplicate),
                // Given: checked against the window (`model::rules`). Not given: never
                // longer than the window, which may just have been shortened.
                body_hash_window_s: i
                    .body_hash_window_s
                    .unwrap_or(cur.body_hash_window_s.min(window_s)),
            };
        }
        Field::Null => record.idempotency = Idempotency::default(),
        Field::Absent => {}
    }
    match &spec.rate_limit {
        Field::Value(r) => {
            let cur = record.rate_limit;
            record.rate_limit = RateLimit {
                limit: r.limit.unwrap_or(cur.limit),
                window_s: r.window_s.unwrap_or(cur.window_s),
            };
        }
        Field::Null => record.rate_limit = RateLimit::default(),
        Field::Absent => {}
    }
    match &spec.namespace {
        Field::Value(n) => record.namespace = Some(n.clone()),
        Field::Null => record.namespace = None,
        Field::Absent => {}
    }
}

/// A forwarding secret: Standard Webhooks' `whsec_` + base64 of 32 random bytes.
fn generate_forwarding_secret(bytes: [u8; 32]) -> Secret {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    Secret::from_string(format!("whsec_{}", STANDARD.encode(bytes)))
}

/// The scheme's credential as the operator supplied it, under the name the scheme uses:
/// `auth.public_key` (Discord, SendGrid), `auth.client_state` (Microsoft Graph), else
/// `auth.secret`. Another name for the scheme is refused. `Some(None)`: none given.
fn scheme_secret(
    scheme: Scheme,
    secret: Field<String>,
    public_key: Field<String>,
    client_state: Field<String>,
    c: &mut Complaints,
) -> Option<Option<String>> {
    let wants = match scheme.descriptor().key {
        k if k.is_public_key() => "auth.public_key",
        _ if scheme == Scheme::MicrosoftGraph => "auth.client_state",
        _ => "auth.secret",
    };
    let mut chosen = None;
    let mut ok = true;
    for (name, field) in [
        ("auth.secret", secret),
        ("auth.public_key", public_key),
        ("auth.client_state", client_state),
    ] {
        match field {
            Field::Absent => {}
            Field::Value(v) if name == wants => chosen = Some(v),
            Field::Value(_) | Field::Null if name != wants => {
                c.invalid(
                    name,
                    format!("the {} scheme takes {wants} instead", scheme.name()),
                );
                ok = false;
            }
            Field::Null | Field::Value(_) => {}
        }
    }
    ok.then_some(chosen)
}

/// A pinned JWK as stored: the operator's JSON object in compact form, or the text given.
fn jwk_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A generated secret in the format the scheme expects.
fn generate_secret(auth: &AuthConfig, bytes: [u8; 32]) -> Secret {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    match (auth.scheme.descriptor().key, auth.secret_encoding) {
        // Polar's secrets today are Standard Webhooks' form.
        (KeyFormat::Whsec | KeyFormat::PolarSecret, _) => {
            Secret::from_string(format!("whsec_{}", STANDARD.encode(bytes)))
        }
        (KeyFormat::TextOrBase64, SecretEncoding::Base64) | (KeyFormat::Base64, _) => {
            Secret::from_string(STANDARD.encode(bytes))
        }
        (KeyFormat::Hex, _) => Secret::from_string(hex::encode_upper(bytes)),
        (KeyFormat::BasicCredentials, _) => {
            Secret::from_string(format!("hookgate:{}", Secret::generate(bytes).expose()))
        }
        _ => Secret::generate(bytes),
    }
}

#[cfg(test)]
mod tests;
