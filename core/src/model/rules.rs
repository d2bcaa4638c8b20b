//! The rules a webhook record must satisfy, in one place. The admin API runs them on
//! what an operator asks for, and [`super::WebhookRecord::decode`] runs them again on
//! what KV holds, so a hand-edited or corrupted record fails closed instead of, say,
//! silently widening a replay window.

use super::auth::{AuthConfig, SecretEncoding};
use super::record::{Target, WebhookRecord};
use super::scheme::{Check, KeyFormat, Piece};
use super::template::{parse_template, HmacTemplate, Part};
use super::Scheme;
use crate::codec;
use crate::secret::Secret;

pub const DEFAULT_MAX_BODY_BYTES: u64 = 1024 * 1024;
/// Workers hold the whole body in memory; this keeps a request well inside 128 MB.
pub const MAX_MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TOLERANCE_S: u64 = 86_400;
/// Secrets kept at once; rotation drops the ones closest to expiry beyond this.
pub const MAX_SECRETS: usize = 5;
pub const MAX_HEADER_NAME_BYTES: usize = 64;
pub const MAX_TEMPLATE_PREFIX_BYTES: usize = 32;

/// Which part of the contract a violation belongs to; the admin API maps it to a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    Invalid,
    Target,
}

/// One broken rule, named by the field an operator would fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub message: String,
    pub kind: ViolationKind,
}

#[derive(Default)]
pub(crate) struct Violations(pub(crate) Vec<Violation>);

impl Violations {
    pub(crate) fn invalid(&mut self, field: &str, message: impl Into<String>) {
        self.push(field, message, ViolationKind::Invalid);
    }

    pub(crate) fn push(&mut self, field: &str, message: impl Into<String>, kind: ViolationKind) {
        self.0.push(Violation {
            field: field.to_string(),
            message: message.into(),
            kind,
        });
    }
}

/// Every rule, on a whole record.
pub fn check_record(record: &WebhookRecord) -> Vec<Violation> {
    check_record_with(record, SecretLength::Enforced)
}

/// Whether secrets must have `Secret::MIN_LEN` characters. Only published test vectors
/// (secrets like `foo`) are read with the rule waived.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretLength {
    Enforced,
    WaivedForPublishedVectors,
}

pub(crate) fn check_record_with(
    record: &WebhookRecord,
    secret_length: SecretLength,
) -> Vec<Violation> {
    let mut v = Violations::default();
    check_name(&record.name, &mut v);
    if record.methods.is_empty() {
        v.invalid("methods", "must not be empty");
    }
    for (i, m) in record.methods.iter().enumerate() {
        if record.methods[..i].contains(m) {
            v.invalid("methods", format!("{} is listed twice", m.as_str()));
        }
    }
    check_max_body(record.max_body_bytes, &mut v);
    check_limits(record, &mut v);
    check_auth(&record.auth, secret_length, &mut v);
    check_target(&record.target, &mut v);
    super::style::check_style(record, &mut v);
    for s in &record.forwarding_secrets {
        let raw = s.value.expose();
        if codec::base64(raw.strip_prefix("whsec_").unwrap_or(raw)).is_none_or(|k| k.len() < 16) {
            v.invalid(
                "forwarding_secret",
                "must be whsec_ followed by base64 of at least 16 bytes",
            );
        }
    }
    v.0
}

pub(crate) fn check_name(name: &str, v: &mut Violations) {
    let chars = name.chars().count();
    if name.trim() != name || chars == 0 || chars > MAX_NAME_CHARS {
        v.invalid(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters, without surrounding spaces"),
        );
    } else if name.chars().any(char::is_control) {
        v.invalid("name", "must not contain control characters");
    }
}

/// Namespace names: 1 to 64 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn namespace_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

fn check_limits(record: &WebhookRecord, v: &mut Violations) {
    if record
        .namespace
        .as_deref()
        .is_some_and(|n| !namespace_name_ok(n))
    {
        v.invalid(
            "namespace",
            "must be 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
        );
    }
    use super::limits::MAX_IDEMPOTENCY_WINDOW_S;
    let w = record.idempotency.window_s;
    if w == 0 || w > MAX_IDEMPOTENCY_WINDOW_S {
        v.invalid(
            "idempotency.window_s",
            format!("must be between 1 and {MAX_IDEMPOTENCY_WINDOW_S} (7 days)"),
        );
    }
    if record.idempotency.body_hash_window_s > w {
        v.invalid(
            "idempotency.body_hash_window_s",
            "must be between 0 (off) and idempotency.window_s",
        );
    }
    check_rate_limit(&record.rate_limit, "rate_limit", v);
}

/// The rate-limit rules, for a namespace's limit as well as a webhook's.
pub fn rate_limit_violations(r: &super::limits::RateLimit) -> Vec<Violation> {
    let mut v = Violations::default();
    check_rate_limit(r, "rate_limit", &mut v);
    v.0
}

fn check_rate_limit(r: &super::limits::RateLimit, field: &str, v: &mut Violations) {
    use super::limits::{MAX_RATE_LIMIT, MAX_RATE_WINDOW_S};
    if r.limit == 0 || r.limit > MAX_RATE_LIMIT {
        v.invalid(
            &format!("{field}.limit"),
            format!("must be between 1 and {MAX_RATE_LIMIT}"),
        );
    }
    if r.window_s == 0 || r.window_s > MAX_RATE_WINDOW_S {
        v.invalid(
            &format!("{field}.window_s"),
            format!("must be between 1 and {MAX_RATE_WINDOW_S}"),
        );
    }
}

pub(crate) fn check_max_body(raw: u64, v: &mut Violations) {
    if raw == 0 || raw > MAX_MAX_BODY_BYTES {
        v.invalid(
            "max_body_bytes",
            format!("must be between 1 and {MAX_MAX_BODY_BYTES}"),
        );
    }
}

/// A lowercase HTTP token of at most 64 bytes.
pub(crate) fn check_header_name(name: &str, field: &str, v: &mut Violations) {
    let is_token = !name.is_empty()
        && name.len() <= MAX_HEADER_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        && !name.bytes().any(|b| b.is_ascii_uppercase());
    if !is_token {
        v.invalid(field, "is not a valid HTTP header name");
    }
}

fn check_auth(auth: &AuthConfig, secret_length: SecretLength, v: &mut Violations) {
    let scheme = auth.scheme;
    if let Some(h) = &auth.header {
        if scheme.header_configurable() {
            check_header_name(h, "auth.header", v);
        } else {
            v.invalid(
                "auth.header",
                format!("the {} scheme reads fixed headers", scheme.name()),
            );
        }
    }
    if let Some(t) = auth.tolerance_s {
        let signs_time = match scheme {
            Scheme::Hmac => auth
                .template
                .as_ref()
                .is_some_and(|t| t.timestamp_header.is_some()),
            _ => scheme.signs_timestamp(),
        };
        if !signs_time {
            v.invalid(
                "auth.tolerance_s",
                format!("the {} scheme signs no timestamp", scheme.name()),
            );
        } else if t == 0 || t > MAX_TOLERANCE_S {
            v.invalid(
                "auth.tolerance_s",
                format!("must be between 1 and {MAX_TOLERANCE_S}"),
            );
        }
    }
    // A base64-only key may say so; other schemes key with the secret's text.
    if auth.secret_encoding == SecretEncoding::Base64
        && !matches!(
            scheme.descriptor().key,
            KeyFormat::TextOrBase64 | KeyFormat::Base64
        )
    {
        v.invalid(
            "auth.secret_encoding",
            format!("the {} scheme keys with the secret's text", scheme.name()),
        );
    }
    match (&auth.template, scheme) {
        (Some(t), Scheme::Hmac) => check_template(t, v),
        (None, Scheme::Hmac) => v.invalid("auth.template", "is required for the hmac scheme"),
        (Some(_), _) => v.invalid("auth.template", "only the hmac scheme takes a template"),
        (None, _) => {}
    }
    match (&auth.verify_token, scheme) {
        (Some(t), Scheme::Meta) => {
            if let Err(why) = check_plain_secret(t.expose()) {
                v.invalid("auth.verify_token", why);
            }
        }
        (None, Scheme::Meta) => v.invalid("auth.verify_token", "is required for the meta scheme"),
        (Some(_), _) => v.invalid(
            "auth.verify_token",
            "only the meta scheme takes a verify token",
        ),
        (None, _) => {}
    }
    check_notification_url(auth, v);
    check_fetched_key_settings(auth, v);
    // A scheme whose handshake plants the secret (Asana) has none until it comes.
    if auth.secrets.is_empty() && !scheme.plants_secret() {
        v.invalid("auth.secrets", "at least one secret is required");
    }
    if auth.arming.is_some() && !scheme.plants_secret() {
        v.invalid(
            "auth.arming",
            format!(
                "the {} scheme has no handshake that plants a secret",
                scheme.name()
            ),
        );
    }
    if auth.secrets.len() > MAX_SECRETS {
        v.invalid(
            "auth.secrets",
            format!("at most {MAX_SECRETS} secrets are kept"),
        );
    }
    for s in &auth.secrets {
        let raw = s.value.expose();
        let waived = secret_length == SecretLength::WaivedForPublishedVectors
            && raw.len() < Secret::MIN_LEN
            && !raw.is_empty();
        let checked = if waived {
            check_secret(&format!("{raw:-<8}"), auth)
        } else {
            check_secret(raw, auth)
        };
        if let Err(why) = checked {
            v.invalid("auth.secret", why);
        }
    }
}

/// The fetched-key schemes' settings: each only for its scheme, and what each requires.
/// Messages never quote a value.
fn check_fetched_key_settings(auth: &AuthConfig, v: &mut Violations) {
    let scheme = auth.scheme;
    let owned = [
        ("auth.topic_arns", auth.topic_arns.is_some(), Scheme::AwsSns),
        ("auth.auto_confirm", auth.auto_confirm, Scheme::AwsSns),
        ("auth.webhook_id", auth.webhook_id.is_some(), Scheme::Paypal),
        (
            "auth.audience",
            auth.audience.is_some(),
            Scheme::GooglePubsub,
        ),
        (
            "auth.service_account",
            auth.service_account.is_some(),
            Scheme::GooglePubsub,
        ),
        ("auth.client_id", auth.client_id.is_some(), Scheme::Plaid),
        (
            "auth.environment",
            auth.environment.is_some(),
            Scheme::Plaid,
        ),
        ("auth.jwk", auth.jwk.is_some(), Scheme::Plaid),
    ];
    for (field, present, owner) in owned {
        if present && scheme != owner {
            v.invalid(field, format!("only the {} scheme takes it", owner.name()));
        }
    }
    let printable = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_graphic())
    };
    match scheme {
        Scheme::AwsSns => match auth.topic_arns.as_deref() {
            None | Some([]) => v.invalid(
                "auth.topic_arns",
                "is required for the aws-sns scheme: at least one topic ARN",
            ),
            Some(arns) if arns.len() > 20 => v.invalid("auth.topic_arns", "at most 20 topics"),
            Some(arns) => {
                if !arns
                    .iter()
                    .all(|a| printable(a, 256) && a.starts_with("arn:aws") && a.contains(":sns:"))
                {
                    v.invalid(
                        "auth.topic_arns",
                        "each must be an SNS topic ARN (arn:aws…:sns:…)",
                    );
                }
            }
        },
        Scheme::Paypal => match auth.webhook_id.as_deref() {
            None => v.invalid("auth.webhook_id", "is required for the paypal scheme"),
            Some(id)
                if !(1..=50).contains(&id.len())
                    || !id.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                v.invalid(
                    "auth.webhook_id",
                    "must be PayPal's webhook id: 1 to 50 letters and digits",
                )
            }
            Some(_) => {}
        },
        Scheme::GooglePubsub => {
            if !auth.audience.as_deref().is_some_and(|a| printable(a, 512)) {
                v.invalid("auth.audience", "is required for the google-pubsub scheme: the subscription's audience (1 to 512 visible characters)");
            }
            if !auth
                .service_account
                .as_deref()
                .is_some_and(|e| printable(e, 320) && e.contains('@'))
            {
                v.invalid(
                    "auth.service_account",
                    "is required for the google-pubsub scheme: the service account's email",
                );
            }
        }
        Scheme::Plaid => match (&auth.jwk, &auth.client_id) {
            (Some(jwk), _) => {
                let usable = jwk.len() <= 2048
                    && crate::verify::fetched::plaid_jwk(jwk).is_some_and(|k| {
                        k.get("kid").is_some_and(|id| id.is_string())
                            && crate::pubkey::p256_jwk(&k).is_some()
                    });
                if !usable {
                    v.invalid(
                        "auth.jwk",
                        "must be a P-256 JWK with its kid, as Plaid's key endpoint gives it",
                    );
                }
            }
            (None, Some(id)) if printable(id, 64) => {}
            (None, Some(_)) => v.invalid(
                "auth.client_id",
                "must be Plaid's client_id (1 to 64 visible characters)",
            ),
            (None, None) => v.invalid(
                "auth.client_id",
                "is required for the plaid scheme (or a pinned auth.jwk)",
            ),
        },
        _ => {}
    }
}

/// Whether `raw` can serve as a secret of `auth`'s scheme and key encoding. The message
/// never quotes the secret.
pub(crate) fn check_secret(raw: &str, auth: &AuthConfig) -> Result<(), &'static str> {
    match auth.scheme.descriptor().key {
        KeyFormat::Ed25519Hex => {
            return crate::pubkey::ed25519_hex(raw)
                .map(|_| ())
                .ok_or("must be the application's Ed25519 public key: 64 hex digits");
        }
        KeyFormat::P256SpkiBase64 => {
            return crate::pubkey::p256_spki_base64(raw)
                .map(|_| ())
                .ok_or("must be the base64 DER of a P-256 public key");
        }
        _ => {}
    }
    check_plain_secret(raw)?;
    match auth.scheme.descriptor().key {
        KeyFormat::UrlSafeText
            if !raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) =>
        {
            Err("a URL key may only hold letters, digits and - . _ ~")
        }
        KeyFormat::Whsec
            if codec::base64(raw.strip_prefix("whsec_").unwrap_or(raw))
                .is_none_or(|k| k.len() < 16) =>
        {
            Err("must be whsec_ followed by base64 of at least 16 bytes")
        }
        KeyFormat::TextOrBase64
            if auth.secret_encoding == SecretEncoding::Base64 && codec::base64(raw).is_none() =>
        {
            Err("is not base64, as secret_encoding says")
        }
        KeyFormat::TokenOrWhsec
            if raw
                .strip_prefix("whsec_")
                .is_some_and(|b64| codec::base64(b64).is_none_or(|k| k.len() < 16)) =>
        {
            Err("a whsec_ signing token must be base64 of at least 16 bytes")
        }
        KeyFormat::Hex if hex::decode(raw).is_err() || raw.len() < 32 => {
            Err("must be the HMAC key's hex (at least 32 hex digits)")
        }
        KeyFormat::BasicCredentials if raw.split_once(':').is_none_or(|(u, _)| u.is_empty()) => {
            Err("must be username:password, as set at the provider")
        }
        KeyFormat::Base64 if codec::base64(raw).is_none_or(|k| k.len() < 16) => {
            Err("must be base64 of at least 16 bytes, as the provider gives it")
        }
        _ => Ok(()),
    }
}

/// The longest `auth.notification_url` kept.
pub const MAX_NOTIFICATION_URL_LEN: usize = 2048;

/// `auth.notification_url`: only where the scheme signs the URL the provider was told to
/// call, and then an absolute http(s) URL, kept exactly as given (it is signed as is).
fn check_notification_url(auth: &AuthConfig, v: &mut Violations) {
    let Some(url) = &auth.notification_url else {
        return;
    };
    let signs_it = match &auth.scheme.descriptor().check {
        Check::Hmac(layout) => layout.content.contains(&Piece::NotificationUrl),
        _ => false,
    };
    if !signs_it {
        v.invalid(
            "auth.notification_url",
            format!(
                "the {} scheme does not sign a notification URL",
                auth.scheme.name()
            ),
        );
        return;
    }
    let parsed = url::Url::parse(url);
    if url.len() > MAX_NOTIFICATION_URL_LEN
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
        || !matches!(parsed.as_ref().map(url::Url::scheme), Ok("https" | "http"))
    {
        v.invalid(
            "auth.notification_url",
            format!(
                "must be an absolute http(s) URL of at most {MAX_NOTIFICATION_URL_LEN} characters"
            ),
        );
    }
}

/// The length and alphabet every text secret (and Meta's verify token) keeps to.
fn check_plain_secret(raw: &str) -> Result<(), &'static str> {
    let len = raw.chars().count();
    if !(Secret::MIN_LEN..=Secret::MAX_LEN).contains(&len) {
        return Err("must be 8 to 256 characters");
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err("must be printable ASCII");
    }
    Ok(())
}

pub(crate) fn check_template(t: &HmacTemplate, v: &mut Violations) {
    check_header_name(&t.header, "auth.template.header", v);
    match parse_template(&t.content) {
        Ok(parts) => {
            if parts.contains(&Part::Id) != t.id_header.is_some() {
                v.invalid(
                    "auth.template.id_header",
                    "is required exactly when the content signs {id}",
                );
            }
            if parts.contains(&Part::Timestamp) != t.timestamp_header.is_some() {
                v.invalid(
                    "auth.template.timestamp_header",
                    "is required exactly when the content signs {timestamp}",
                );
            }
        }
        Err(e) => v.invalid("auth.template.content", e.to_string()),
    }
    if t.prefix.len() > MAX_TEMPLATE_PREFIX_BYTES || !t.prefix.bytes().all(|b| b.is_ascii_graphic())
    {
        v.invalid(
            "auth.template.prefix",
            format!("must be at most {MAX_TEMPLATE_PREFIX_BYTES} printable characters"),
        );
    }
    if let Some(h) = &t.id_header {
        check_header_name(h, "auth.template.id_header", v);
    }
    if let Some(h) = &t.timestamp_header {
        check_header_name(h, "auth.template.timestamp_header", v);
    }
}

/// Exactly one of a queue binding name (as wrangler accepts them) or an origin.
pub(crate) fn check_target(target: &Target, v: &mut Violations) {
    match (&target.queue, &target.origin) {
        (Some(q), None) => {
            let ok = !q.is_empty()
                && q.len() <= 64
                && q.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
                && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !ok {
                v.push(
                    "target.queue",
                    "must be the name of a Queue binding, e.g. \"EVENTS\"",
                    ViolationKind::Target,
                );
            } else if super::OWN_QUEUE_BINDINGS.contains(&q.as_str()) {
                // Their consumer reads delivery jobs, not envelopes.
                v.push(
                    "target.queue",
                    "names one of hookgate's own queues (DELIVERIES, DEAD_LETTERS); use your own Queue binding",
                    ViolationKind::Target,
                );
            }
        }
        (None, Some(o)) => check_origin(o, v),
        _ => v.push(
            "target",
            "exactly one of \"queue\" or \"origin\" is required",
            ViolationKind::Target,
        ),
    }
}

fn check_origin(o: &super::Origin, v: &mut Violations) {
    use super::record::{MAX_MAX_ATTEMPTS, MAX_ORIGIN_TIMEOUT_MS};
    let target = |v: &mut Violations, field: &str, message: &str| {
        v.push(field, message, ViolationKind::Target)
    };
    match url::Url::parse(&o.url) {
        Ok(u) => {
            if !matches!(u.scheme(), "https" | "http") {
                target(v, "target.origin.url", "must be an https URL");
            }
            if !u.username().is_empty() || u.password().is_some() {
                target(v, "target.origin.url", "must not carry credentials");
            }
            if u.host_str().is_none_or(str::is_empty) {
                target(v, "target.origin.url", "must name a host");
            }
            if u.fragment().is_some() {
                target(v, "target.origin.url", "must not have a fragment");
            }
        }
        // Cargo.lock pins `idna_adapter` to its ASCII-only stream (about 48 KB of the
        // gzipped wasm): Unicode host names are refused here, with the form to use.
        Err(url::ParseError::IdnaError) => target(
            v,
            "target.origin.url",
            "has a non-ASCII host name: write it in its ASCII (punycode, xn--) form",
        ),
        Err(_) => target(v, "target.origin.url", "is not a URL"),
    }
    if o.url.len() > 2048 {
        target(v, "target.origin.url", "is longer than 2048 characters");
    }
    if o.timeout_ms < 100 || o.timeout_ms > MAX_ORIGIN_TIMEOUT_MS {
        target(
            v,
            "target.origin.timeout_ms",
            &format!("must be between 100 and {MAX_ORIGIN_TIMEOUT_MS}"),
        );
    }
    if o.max_attempts == 0 || o.max_attempts > MAX_MAX_ATTEMPTS {
        target(
            v,
            "target.origin.max_attempts",
            &format!("must be between 1 and {MAX_MAX_ATTEMPTS}"),
        );
    }
}
