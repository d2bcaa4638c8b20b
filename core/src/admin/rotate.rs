//! `POST /admin/v1/webhooks/{id}/rotate-secret`: a new secret in front; the current
//! ones keep verifying for a grace period.

use super::spec::{ArmSpec, RotateSpec};
use super::{generate_secret, Complaints, Validated};
use crate::model::arming::{self, Arming};
use crate::model::rules::{self, MAX_SECRETS};
use crate::model::{StoredSecret, WebhookRecord};
use crate::problem::Problem;
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::verify::handshake::planting;
use crate::verify::VerifyError;

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
        None if auth.scheme.plants_secret() => {
            c.invalid(
                "secret",
                format!(
                    "the {} scheme's secret is chosen by the provider: arm the handshake (POST …/arm-handshake) and let it send one, or give the secret you hold",
                    auth.scheme.name()
                ),
            );
            generate_secret(auth, secret_bytes)
        }
        None => generate_secret(auth, secret_bytes),
    };
    if auth.secrets.iter().any(|s| s.value.same_as(&secret)) {
        c.invalid("secret", "is already one of this webhook's secrets");
    }
    let mut record = current.clone();
    record.auth.secrets = rotated(&auth.secrets, &secret, grace_s, now);
    // The operator holds the secret now: no handshake may replace it until re-armed.
    record.auth.arming = None;
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

/// `POST /admin/v1/webhooks/{id}/arm-handshake`: the webhook accepts one handshake that
/// plants its secret (Asana's `X-Hook-Secret`) from `now` for the window asked for. The
/// current secret keeps verifying until a handshake replaces it.
pub fn arm_handshake(
    current: &WebhookRecord,
    spec: ArmSpec,
    now: UnixMillis,
) -> Result<Validated, Problem> {
    let mut c = Complaints::default();
    let scheme = current.auth.scheme;
    if !scheme.plants_secret() {
        c.invalid(
            "auth.scheme",
            format!(
                "the {} scheme has no handshake that plants a secret (only asana has)",
                scheme.name()
            ),
        );
    }
    let window_s = arming::window(spec.window_s).unwrap_or_else(|why| {
        c.invalid("window_s", why);
        arming::DEFAULT_ARMING_S
    });
    let mut record = current.clone();
    record.auth.arming = Some(Arming::armed(now, window_s));
    record.updated_at = now.to_rfc3339();
    c.finish(
        Validated {
            record,
            shown_secret: None,
            shown_forwarding_secret: None,
        },
        super::Policy {
            allow_insecure_origins: true,
        },
    )
}

/// The write a planting handshake (Asana's) makes, computed from the record it will be
/// committed over: its secret replaces the webhook's (the provider signs with that one
/// only), and the arming is used, so no second handshake is accepted in this window.
/// Refused as verification refuses it (`verify::handshake::planting`): outside an
/// arming, a second time, or with a value that cannot be a secret. Nothing is written
/// then. The caller checks `enabled` first (`request::precheck`).
pub fn plant(
    current: &WebhookRecord,
    value: &Secret,
    now: UnixMillis,
) -> Result<WebhookRecord, VerifyError> {
    let secret = planting(current, value.expose(), now)?;
    let used =
        arming::accept(current.auth.arming, now).map_err(|_| VerifyError::HandshakeNotArmed)?;
    let mut record = current.clone();
    record.auth.secrets = vec![StoredSecret::new(secret)];
    record.auth.arming = Some(used);
    record.updated_at = now.to_rfc3339();
    if !rules::check_record(&record).is_empty() {
        return Err(VerifyError::Misconfigured(
            "the record with the planted secret breaks a rule",
        ));
    }
    Ok(record)
}
