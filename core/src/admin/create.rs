//! `POST /admin/v1/webhooks`: a new record from a spec.

use super::spec::{AuthSpec, Field, WebhookSpec};
use super::{
    build_template, default_name, generate_secret, header_name, parse_methods, parse_path,
    parse_scheme, parse_style, required_target, Complaints, Validated,
};
use crate::model::arming::{Arming, DEFAULT_ARMING_S};
use crate::model::limits::{Idempotency, OnDuplicate};
use crate::model::record::RECORD_FORMAT;
use crate::model::rules::DEFAULT_MAX_BODY_BYTES;
use crate::model::Style;
use crate::model::{AuthConfig, StoredSecret, WebhookRecord};
use crate::problem::Problem;
use crate::secret::{Secret, WebhookId};
use crate::time::UnixMillis;

/// Values the shell supplies because the core may not make them: fresh random material
/// and the current time.
pub struct Fresh {
    pub id: WebhookId,
    /// Becomes the secret, in the scheme's format, when the operator supplies none.
    pub secret_bytes: [u8; 32],
    /// Becomes the forwarding secret (`whsec_…`), which signs what goes to an origin.
    pub forwarding_secret_bytes: [u8; 32],
    pub now: UnixMillis,
}

/// Validates a new webhook. Left-out and `null` optional fields take their defaults.
pub fn validate_create(
    mut spec: WebhookSpec,
    fresh: Fresh,
    policy: super::Policy,
) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let style = match &spec.style {
        Field::Value(raw) => parse_style(raw, &mut c).unwrap_or_default(),
        _ => Style::default(),
    };
    let path = match &spec.path {
        Field::Value(raw) => parse_path(raw, &mut c),
        _ => {
            c.invalid("path", "is required");
            None
        }
    };
    let methods = match &spec.methods {
        Field::Value(raw) => parse_methods(raw, &mut c),
        _ => style.default_methods(),
    };
    let auth = match std::mem::take(&mut spec.auth) {
        Field::Value(auth) => new_auth(auth, fresh.secret_bytes, fresh.now, &mut c),
        _ => match style.default_scheme() {
            // A style implies its system's scheme: Kubiya signs, Flowker sends a token,
            // Kestra puts a key in the URL.
            Some((scheme, header)) => new_auth(
                AuthSpec {
                    scheme: Field::Value(scheme.name().to_string()),
                    header: header.map_or(Field::Absent, |h| Field::Value(h.to_string())),
                    ..AuthSpec::default()
                },
                fresh.secret_bytes,
                fresh.now,
                &mut c,
            ),
            None => {
                c.invalid("auth.scheme", "is required");
                None
            }
        },
    };
    let target = required_target(spec.target.as_ref(), &mut c);
    let spec_limits = WebhookSpec {
        idempotency: std::mem::take(&mut spec.idempotency),
        rate_limit: std::mem::take(&mut spec.rate_limit),
        namespace: std::mem::take(&mut spec.namespace),
        ..WebhookSpec::default()
    };
    let (Some(path), Some((auth, shown_secret)), Some(target), true) =
        (path, auth, target, c.is_empty())
    else {
        return Err(c.into_problem());
    };
    let now = fresh.now.to_rfc3339();
    let mut record = WebhookRecord {
        format: RECORD_FORMAT,
        id: fresh.id,
        name: match std::mem::take(&mut spec.name) {
            Field::Value(raw) => raw.trim().to_string(),
            _ => default_name(&path),
        },
        path,
        enabled: std::mem::take(&mut spec.enabled).value().unwrap_or(true),
        methods,
        max_body_bytes: std::mem::take(&mut spec.max_body_bytes)
            .value()
            .unwrap_or(DEFAULT_MAX_BODY_BYTES),
        auth,
        target,
        created_at: now.clone(),
        updated_at: now,
        revision: 0,
        idempotency: Idempotency {
            // Flowker answers a repeated Idempotency-Key with 409.
            on_duplicate: match style {
                Style::Flowker => OnDuplicate::Conflict,
                _ => OnDuplicate::default(),
            },
            ..Idempotency::default()
        },
        rate_limit: Default::default(),
        forwarding_secrets: vec![StoredSecret::new(super::generate_forwarding_secret(
            fresh.forwarding_secret_bytes,
        ))],
        namespace: None,
        style,
        filter: None,
        event_type: None,
        basic_auth: None,
    };
    super::merge_limits(&spec_limits, &mut record);
    super::merge_conditions(&mut spec, &mut record, &mut c);
    if !c.is_empty() {
        return Err(c.into_problem());
    }
    let shown_forwarding_secret = record.forwarding_secrets.first().map(|s| s.value.clone());
    c.finish(
        Validated {
            record,
            shown_secret,
            shown_forwarding_secret,
        },
        policy,
    )
}

/// The auth of a new webhook, with its secret (supplied or generated) to show once. A
/// scheme whose handshake plants the secret (Asana) gets none: it is armed for the
/// handshake instead, unless the operator supplies the secret they already hold.
fn new_auth(
    spec: AuthSpec,
    secret_bytes: [u8; 32],
    now: UnixMillis,
    c: &mut Complaints,
) -> Option<(AuthConfig, Option<Secret>)> {
    let scheme = match &spec.scheme {
        Field::Value(raw) => parse_scheme(raw, c)?,
        _ => {
            c.invalid("auth.scheme", "is required");
            return None;
        }
    };
    let template = match &spec.template {
        Field::Value(t) => Some(build_template(t, c)?),
        _ => None,
    };
    let mut auth = AuthConfig {
        scheme,
        header: spec.header.value().map(|h| header_name(&h)),
        secrets: Vec::new(),
        tolerance_s: spec.tolerance_s.value(),
        secret_encoding: spec.secret_encoding.value().unwrap_or_default(),
        template,
        verify_token: spec.verify_token.value().map(Secret::from_string),
        notification_url: spec.notification_url.value(),
        arming: None,
        topic_arns: spec.topic_arns.value(),
        auto_confirm: spec.auto_confirm.value().unwrap_or(false),
        webhook_id: spec.webhook_id.value(),
        audience: spec.audience.value(),
        service_account: spec.service_account.value(),
        client_id: spec.client_id.value(),
        environment: spec.environment.value(),
        jwk: spec.jwk.value().map(|v| super::jwk_text(&v)),
    };
    let supplied =
        super::scheme_secret(scheme, spec.secret, spec.public_key, spec.client_state, c)?;
    let secret = match supplied {
        Some(raw) => Secret::from_string(raw),
        None if scheme.descriptor().key.is_public_key() => {
            c.invalid(
                "auth.public_key",
                format!("is required for the {} scheme", scheme.name()),
            );
            return None;
        }
        None if scheme.plants_secret() => {
            auth.arming = Some(Arming::armed(now, DEFAULT_ARMING_S));
            return Some((auth, None));
        }
        // Plaid's key endpoint is asked with the operator's own secret: never a made-up one.
        None if scheme == crate::model::Scheme::Plaid && auth.jwk.is_none() => {
            c.invalid(
                "auth.secret",
                "is required for the plaid scheme: your Plaid secret (or pin auth.jwk)",
            );
            return None;
        }
        None => generate_secret(&auth, secret_bytes),
    };
    auth.secrets = vec![StoredSecret::new(secret.clone())];
    Some((auth, Some(secret)))
}
