//! `POST /admin/v1/webhooks/{id}/rotate-secret`: a new secret in front; the current
//! ones keep verifying for a grace period.

use super::spec::RotateSpec;
use super::{generate_secret, Complaints, Validated};
use crate::model::rules::MAX_SECRETS;
use crate::model::{StoredSecret, WebhookRecord};
use crate::problem::Problem;
use crate::secret::Secret;
use crate::time::UnixMillis;

pub const DEFAULT_GRACE_PERIOD_S: u64 = 86_400;
pub const MAX_GRACE_PERIOD_S: u64 = 30 * 86_400;

/// Adds a new secret in front; the current ones stop verifying after the grace period
/// (at once with 0). Secrets already past their end are dropped, and beyond
/// `MAX_SECRETS` the ones closest to their end.
pub fn rotate(
    current: &WebhookRecord,
    spec: RotateSpec,
    secret_bytes: [u8; 32],
    now: UnixMillis,
) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let grace_s = grace_period(&spec, &mut c);
    let auth = &current.auth;
    let secret = match spec.secret {
        Some(raw) => Secret::from_string(raw),
        None => generate_secret(auth, secret_bytes),
    };
    if auth.secrets.iter().any(|s| s.value.same_as(&secret)) {
        c.invalid("secret", "is already one of this webhook's secrets");
    }
    let mut record = current.clone();
    record.auth.secrets = rotated(&auth.secrets, &secret, grace_s, now);
    record.updated_at = now.to_rfc3339();
    c.finish(
        Validated {
            record,
            shown_secret: Some(secret),
            shown_forwarding_secret: None,
        },
        super::Policy {
            // Rotation does not touch the target.
            allow_insecure_origins: true,
        },
    )
}

/// The grace period asked for: one day by default, at most thirty.
fn grace_period(spec: &RotateSpec, c: &mut Complaints) -> u64 {
    let grace_s = spec.grace_period_s.unwrap_or(DEFAULT_GRACE_PERIOD_S);
    if grace_s > MAX_GRACE_PERIOD_S {
        c.invalid(
            "grace_period_s",
            format!("must be at most {MAX_GRACE_PERIOD_S}"),
        );
    }
    grace_s
}

/// The new secret in front; the current ones end after the grace period (already
/// ended ones are dropped, and beyond `MAX_SECRETS` the ones closest to their end).
fn rotated(
    current: &[StoredSecret],
    new: &Secret,
    grace_s: u64,
    now: UnixMillis,
) -> Vec<StoredSecret> {
    let ends = now.0.saturating_add(grace_s.saturating_mul(1000));
    let mut kept: Vec<StoredSecret> = current
        .iter()
        .map(|s| StoredSecret {
            value: s.value.clone(),
            not_after_ms: Some(s.not_after_ms.map_or(ends, |t| t.min(ends))),
        })
        .filter(|s| s.active_at(now))
        .collect();
    kept.sort_by_key(|s| std::cmp::Reverse(s.not_after_ms));
    kept.truncate(MAX_SECRETS - 1);
    std::iter::once(StoredSecret::new(new.clone()))
        .chain(kept)
        .collect()
}

/// `POST /admin/v1/webhooks/{id}/rotate-forwarding-secret`: a new `whsec_` secret for
/// what hookgate forwards to origins. During the grace period every forward carries a
/// signature with each secret, so an origin can switch at its own pace.
pub fn rotate_forwarding(
    current: &WebhookRecord,
    spec: RotateSpec,
    secret_bytes: [u8; 32],
    now: UnixMillis,
) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let grace_s = grace_period(&spec, &mut c);
    if spec.secret.is_some() {
        c.invalid("secret", "forwarding secrets are always generated");
    }
    let secret = super::generate_forwarding_secret(secret_bytes);
    let mut record = current.clone();
    record.forwarding_secrets = rotated(&current.forwarding_secrets, &secret, grace_s, now);
    record.updated_at = now.to_rfc3339();
    c.finish(
        Validated {
            record,
            shown_secret: None,
            shown_forwarding_secret: Some(secret),
        },
        super::Policy {
            allow_insecure_origins: true,
        },
    )
}
