//! What a repeated delivery key means, after the IETF Idempotency-Key draft.

use crate::model::limits::{Idempotency, OnDuplicate};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// A reservation older than this was abandoned (the object was restarted mid
/// hand-over); the key may be used again. Far longer than a queue send takes.
pub const IN_FLIGHT_TIMEOUT_MS: u64 = 60_000;

/// What the guard stores per key (its SQL row's `state` column, pinned by a golden test).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum KeyState {
    /// Being handed over; nothing was answered yet.
    InFlight { fingerprint: String, since_ms: u64 },
    /// Handed over and answered with `status` and `body`.
    Done {
        fingerprint: String,
        status: u16,
        body: String,
        at_ms: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// New (or expired, or abandoned): reserve it and hand over.
    Proceed,
    /// A duplicate of an accepted delivery: answer the original again.
    Replay { status: u16, body: String },
    /// `409 duplicate_delivery` (the webhook's `on_duplicate` is `conflict`).
    Duplicate,
    /// `409 idempotency_key_in_flight`: the first delivery is still being handed over.
    InFlight,
    /// `422 idempotency_key_reused`: the same key with another body.
    Reused,
}

pub fn decide(
    state: Option<&KeyState>,
    fingerprint: &str,
    policy: &Idempotency,
    now: UnixMillis,
) -> Decision {
    match state {
        None => Decision::Proceed,
        Some(KeyState::InFlight { since_ms, .. })
            if now.0.saturating_sub(*since_ms) >= IN_FLIGHT_TIMEOUT_MS =>
        {
            Decision::Proceed
        }
        Some(KeyState::Done { at_ms, .. })
            if now.0.saturating_sub(*at_ms) >= policy.window_s.saturating_mul(1000) =>
        {
            Decision::Proceed
        }
        Some(KeyState::InFlight { fingerprint: f, .. })
        | Some(KeyState::Done { fingerprint: f, .. })
            if f != fingerprint =>
        {
            Decision::Reused
        }
        Some(KeyState::InFlight { .. }) => Decision::InFlight,
        Some(KeyState::Done { status, body, .. }) => match policy.on_duplicate {
            OnDuplicate::Replay => Decision::Replay {
                status: *status,
                body: body.clone(),
            },
            OnDuplicate::Conflict => Decision::Duplicate,
        },
    }
}

/// When a stored key may be forgotten.
pub fn expires_at_ms(state: &KeyState, policy: &Idempotency) -> u64 {
    match state {
        KeyState::InFlight { since_ms, .. } => since_ms.saturating_add(IN_FLIGHT_TIMEOUT_MS),
        KeyState::Done { at_ms, .. } => at_ms.saturating_add(policy.window_s.saturating_mul(1000)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000_000;

    fn done(fp: &str) -> KeyState {
        KeyState::Done {
            fingerprint: fp.into(),
            status: 202,
            body: "{\"id\":\"evt_1\"}".into(),
            at_ms: T0,
        }
    }

    #[test]
    fn new_keys_proceed_duplicates_replay_and_other_bodies_are_refused() {
        let p = Idempotency::default();
        assert_eq!(decide(None, "a", &p, UnixMillis(T0)), Decision::Proceed);
        assert_eq!(
            decide(Some(&done("a")), "a", &p, UnixMillis(T0 + 1)),
            Decision::Replay {
                status: 202,
                body: "{\"id\":\"evt_1\"}".into()
            }
        );
        assert_eq!(
            decide(Some(&done("a")), "b", &p, UnixMillis(T0 + 1)),
            Decision::Reused
        );
        let conflict = Idempotency {
            on_duplicate: OnDuplicate::Conflict,
            ..p
        };
        assert_eq!(
            decide(Some(&done("a")), "a", &conflict, UnixMillis(T0 + 1)),
            Decision::Duplicate
        );
    }

    #[test]
    fn the_window_ends_exactly() {
        let p = Idempotency {
            window_s: 10,
            on_duplicate: OnDuplicate::Replay,
        };
        let d = done("a");
        assert!(matches!(
            decide(Some(&d), "a", &p, UnixMillis(T0 + 9_999)),
            Decision::Replay { .. }
        ));
        assert_eq!(
            decide(Some(&d), "a", &p, UnixMillis(T0 + 10_000)),
            Decision::Proceed
        );
        assert_eq!(
            decide(Some(&d), "b", &p, UnixMillis(T0 + 10_000)),
            Decision::Proceed
        );
        assert_eq!(expires_at_ms(&d, &p), T0 + 10_000);
    }

    #[test]
    fn reservations_block_until_released_or_abandoned() {
        let p = Idempotency::default();
        let r = KeyState::InFlight {
            fingerprint: "a".into(),
            since_ms: T0,
        };
        assert_eq!(
            decide(Some(&r), "a", &p, UnixMillis(T0 + 5)),
            Decision::InFlight
        );
        assert_eq!(
            decide(Some(&r), "b", &p, UnixMillis(T0 + 5)),
            Decision::Reused
        );
        assert_eq!(
            decide(Some(&r), "a", &p, UnixMillis(T0 + IN_FLIGHT_TIMEOUT_MS)),
            Decision::Proceed
        );
    }
}
