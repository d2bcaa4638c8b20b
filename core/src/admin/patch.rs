//! `PATCH /admin/v1/webhooks/{id}`: a change to an existing record.
//!
//! Left-out fields keep their value; `null` clears an optional field back to its
//! default. Changing `auth.scheme` resets every scheme-specific setting (`header`,
//! `tolerance_s`, `secret_encoding`, `template`) unless the same PATCH gives it again: a
//! Stripe webhook with a one-day window patched to Slack gets Slack's five minutes.

use super::spec::{AuthSpec, Field, WebhookSpec};
use super::{
    build_target, build_template, default_name, header_name, parse_methods, parse_path,
    parse_scheme, parse_style, Complaints, Validated,
};
use crate::model::rules::{self, DEFAULT_MAX_BODY_BYTES};
use crate::model::{AuthConfig, Method, StoredSecret, WebhookRecord};
use crate::problem::Problem;
use crate::secret::Secret;
use crate::time::UnixMillis;

pub fn validate_patch(
    current: &WebhookRecord,
    mut spec: WebhookSpec,
    now: UnixMillis,
    policy: super::Policy,
) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let mut record = current.clone();
    super::merge_limits(&spec, &mut record);
    match &spec.path {
        Field::Value(raw) => {
            if let Some(p) = parse_path(raw, &mut c) {
                record.path = p;
            }
        }
        Field::Null => c.invalid("path", "must not be null"),
        Field::Absent => {}
    }
    match std::mem::take(&mut spec.name) {
        Field::Value(raw) => record.name = raw.trim().to_string(),
        Field::Null => record.name = default_name(&record.path),
        Field::Absent => {}
    }
    match spec.enabled {
        Field::Value(enabled) => record.enabled = enabled,
        Field::Null => record.enabled = true,
        Field::Absent => {}
    }
    match &spec.methods {
        Field::Value(raw) => record.methods = parse_methods(raw, &mut c),
        Field::Null => record.methods = vec![Method::Post],
        Field::Absent => {}
    }
    match spec.max_body_bytes {
        Field::Value(n) => record.max_body_bytes = n,
        Field::Null => record.max_body_bytes = DEFAULT_MAX_BODY_BYTES,
        Field::Absent => {}
    }
    let mut shown_secret = None;
    match std::mem::take(&mut spec.auth) {
        Field::Value(auth_spec) => {
            if let Some((auth, shown)) = patched_auth(&current.auth, auth_spec, &mut c) {
                record.auth = auth;
                shown_secret = shown;
            }
        }
        Field::Null => c.invalid("auth", "must not be null"),
        Field::Absent => {}
    }
    match &spec.target {
        Field::Value(t) => {
            if let Some(target) = build_target(t, &mut c) {
                record.target = target;
            }
        }
        Field::Null => c.invalid("target", "must not be null"),
        Field::Absent => {}
    }
    // A new style keeps every other setting: the rules say what no longer fits.
    match &spec.style {
        Field::Value(raw) => {
            if let Some(style) = parse_style(raw, &mut c) {
                record.style = style;
            }
        }
        Field::Null => record.style = Default::default(),
        Field::Absent => {}
    }
    super::merge_conditions(&mut spec, &mut record, &mut c);
    record.updated_at = now.to_rfc3339();
    if !c.is_empty() {
        return Err(c.into_problem());
    }
    if record.target.origin().is_some() && record.forwarding_secrets.is_empty() {
        c.add(
            crate::problem::ErrorCode::InvalidTarget,
            "target.origin",
            "this webhook predates forwarding secrets; create a new webhook for an origin",
        );
    }
    c.finish(
        Validated {
            record,
            shown_secret,
            shown_forwarding_secret: None,
        },
        policy,
    )
}

/// One scheme-specific setting: given, cleared, or kept only while the scheme stays.
fn merged<T: Clone>(field: Field<T>, current: &Option<T>, scheme_changed: bool) -> Option<T> {
    match field {
        Field::Value(v) => Some(v),
        Field::Null => None,
        Field::Absent if scheme_changed => None,
        Field::Absent => current.clone(),
    }
}

fn patched_auth(
    current: &AuthConfig,
    spec: AuthSpec,
    c: &mut Complaints,
) -> Option<(AuthConfig, Option<Secret>)> {
    let scheme = match &spec.scheme {
        Field::Value(raw) => parse_scheme(raw, c)?,
        Field::Null => {
            c.invalid("auth.scheme", "must not be null");
            return None;
        }
        Field::Absent => current.scheme,
    };
    let changed = scheme != current.scheme;
    let template = match spec.template {
        Field::Value(t) => Some(build_template(&t, c)?),
        Field::Null => None,
        Field::Absent if changed => None,
        Field::Absent => current.template.clone(),
    };
    let mut auth = AuthConfig {
        scheme,
        header: merged(
            spec.header.map(|h| header_name(&h)),
            &current.header,
            changed,
        ),
        secrets: current.secrets.clone(),
        tolerance_s: merged(spec.tolerance_s, &current.tolerance_s, changed),
        secret_encoding: merged(
            spec.secret_encoding,
            &Some(current.secret_encoding),
            changed,
        )
        .unwrap_or_default(),
        template,
        verify_token: merged(
            spec.verify_token.map(Secret::from_string),
            &current.verify_token,
            changed,
        ),
        notification_url: merged(spec.notification_url, &current.notification_url, changed),
        // Kept while the scheme stays; another scheme has no such handshake. A PATCH
        // never arms (only create and `arm-handshake` do).
        arming: if changed { None } else { current.arming },
        topic_arns: merged(spec.topic_arns, &current.topic_arns, changed),
        auto_confirm: merged(spec.auto_confirm, &Some(current.auto_confirm), changed)
            .unwrap_or(false),
        webhook_id: merged(spec.webhook_id, &current.webhook_id, changed),
        audience: merged(spec.audience, &current.audience, changed),
        service_account: merged(spec.service_account, &current.service_account, changed),
        client_id: merged(spec.client_id, &current.client_id, changed),
        environment: merged(spec.environment, &current.environment, changed),
        jwk: merged(spec.jwk.map(|v| super::jwk_text(&v)), &current.jwk, changed),
    };
    // The credential under the scheme's own name (`public_key`, `client_state`, `secret`).
    let null = matches!(spec.secret, Field::Null)
        || matches!(spec.public_key, Field::Null)
        || matches!(spec.client_state, Field::Null);
    let supplied =
        super::scheme_secret(scheme, spec.secret, spec.public_key, spec.client_state, c)?;
    let credential = match (supplied, null) {
        (Some(raw), _) => Field::Value(raw),
        (None, true) => Field::Null,
        (None, false) => Field::Absent,
    };
    let shown = match credential {
        Field::Value(raw) => {
            let secret = Secret::from_string(raw);
            auth.secrets = vec![StoredSecret::new(secret.clone())];
            // The operator holds the secret now: no handshake may replace it.
            auth.arming = None;
            Some(secret)
        }
        Field::Null => {
            c.invalid(
                "auth.secret",
                "must not be null; use rotate-secret to replace it",
            );
            None
        }
        Field::Absent => {
            // The kept secrets must suit the (possibly changed) configuration.
            if auth
                .secrets
                .iter()
                .any(|s| rules::check_secret(s.value.expose(), &auth).is_err())
            {
                c.invalid(
                    "auth.secret",
                    "the current secret does not suit this configuration; supply a new one",
                );
            }
            None
        }
    };
    Some((auth, shown))
}
