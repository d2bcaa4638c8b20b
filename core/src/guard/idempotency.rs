//! What a repeated delivery key means, after the IETF Idempotency-Key draft.

use crate::model::limits::{Idempotency, OnDuplicate};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// A reservation of this object incarnation that nothing awaits any more (its
/// settlement failed to be written) blocks its key this long, then counts as abandoned.
/// Every await inside a reservation is bounded well below it
/// ([`MAX_HANDOVER_WAIT_MS`]), so a live owner is never overtaken.
pub const IN_FLIGHT_TIMEOUT_MS: u64 = 60_000;

/// The longest the object waits on anything while it holds a reservation (a queue
/// send, a sync origin's whole answer, the namespace's object).
pub const MAX_HANDOVER_WAIT_MS: u64 = 30_000;

/// What the guard stores per key (its SQL row's `state` column, pinned by a golden test).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum KeyState {
    /// Being handed over; nothing was answered yet. Owned by one attempt (its delivery
    /// id) of one incarnation of the object; rows written before owners existed have
    /// neither and so belong to an earlier incarnation.
    InFlight {
        fingerprint: String,
        since_ms: u64,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        attempt: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        incarnation: String,
    },
    /// Handed over and answered with `status` and `body` (of `content_type`, when it
    /// was not JSON: a sync origin's own answer).
    Done {
        fingerprint: String,
        status: u16,
        body: String,
        at_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content_type: Option<String>,
    },
}

/// The largest answer kept for replaying to duplicates (a key row stays small). A sync
/// origin's larger answer is passed through to the sender once; duplicates get
/// [`kept_for_replay`]'s summary with the same status.
pub const MAX_STORED_ANSWER_BYTES: usize = 64 * 1024;

/// What a `Done` row keeps of an answer: the answer itself when it is small enough,
/// else a JSON summary that says what was answered.
pub fn kept_for_replay(
    delivery_id: &str,
    body: &str,
    content_type: Option<&str>,
) -> (String, Option<String>) {
    if body.len() <= MAX_STORED_ANSWER_BYTES {
        return (body.to_string(), content_type.map(str::to_string));
    }
    let summary = serde_json::json!({
        "id": delivery_id,
        "status": "accepted",
        "replayed_summary": true,
        "detail": "the origin's answer was passed through once; it is too large to keep for duplicates",
        "answer_bytes": body.len(),
        "answer_content_type": content_type,
    });
    (summary.to_string(), None)
}

/// Who is asking, as the object knows it: its incarnation (drawn when it started) and
/// whether an attempt of this incarnation is still being awaited (kept in memory).
pub struct Liveness<'a> {
    pub incarnation: &'a str,
    pub awaited: &'a dyn Fn(&str) -> bool,
    /// [`IN_FLIGHT_TIMEOUT_MS`] (the test-only build passes less, so the suite can show
    /// that an awaited owner is not overtaken however long it takes).
    pub abandon_after_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// New (or expired, or abandoned): reserve it and hand over.
    Proceed,
    /// A duplicate of an accepted delivery: answer the original again.
    Replay {
        status: u16,
        body: String,
        content_type: Option<String>,
    },
    /// `409 duplicate_delivery` (the webhook's `on_duplicate` is `conflict`).
    Duplicate,
    /// `409 idempotency_key_in_flight`: the first delivery is still being handed over.
    InFlight,
    /// `422 idempotency_key_reused`: the same key with another body.
    Reused,
}

/// Whether an `in_flight` row still has a live owner. An earlier incarnation's owner
/// died with it (the object restarted mid hand-over); one of this incarnation is live
/// while it is awaited, and for [`IN_FLIGHT_TIMEOUT_MS`] after (its settlement was lost).
fn abandoned(state: &KeyState, live: &Liveness<'_>, now: UnixMillis) -> bool {
    let KeyState::InFlight {
        since_ms,
        attempt,
        incarnation,
        ..
    } = state
    else {
        return false;
    };
    if incarnation != live.incarnation {
        return true;
    }
    !(live.awaited)(attempt) && now.0.saturating_sub(*since_ms) >= live.abandon_after_ms
}

/// `window_s`: how long this key identifies a delivery (`Idempotency::window_for` its
/// source).
pub fn decide(
    state: Option<&KeyState>,
    fingerprint: &str,
    policy: &Idempotency,
    window_s: u64,
    live: &Liveness<'_>,
    now: UnixMillis,
) -> Decision {
    match state {
        None => Decision::Proceed,
        Some(s) if abandoned(s, live, now) => Decision::Proceed,
        Some(KeyState::Done { at_ms, .. })
            if now.0.saturating_sub(*at_ms) >= window_s.saturating_mul(1000) =>
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
        Some(KeyState::Done {
            status,
            body,
            content_type,
            ..
        }) => match policy.on_duplicate {
            OnDuplicate::Replay => Decision::Replay {
                status: *status,
                body: body.clone(),
                content_type: content_type.clone(),
            },
            OnDuplicate::Conflict => Decision::Duplicate,
        },
    }
}

/// When a stored key may be forgotten (`window_s` as for [`decide`]).
pub fn expires_at_ms(state: &KeyState, window_s: u64) -> u64 {
    match state {
        KeyState::InFlight { since_ms, .. } => since_ms.saturating_add(IN_FLIGHT_TIMEOUT_MS),
        KeyState::Done { at_ms, .. } => at_ms.saturating_add(window_s.saturating_mul(1000)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000_000;
    const DAY: u64 = 86_400;

    fn done(fp: &str) -> KeyState {
        KeyState::Done {
            fingerprint: fp.into(),
            status: 202,
            body: "{\"id\":\"evt_1\"}".into(),
            at_ms: T0,
            content_type: None,
        }
    }

    fn reserved(attempt: &str, incarnation: &str) -> KeyState {
        KeyState::InFlight {
            fingerprint: "a".into(),
            since_ms: T0,
            attempt: attempt.into(),
            incarnation: incarnation.into(),
        }
    }

    fn nobody_awaited(_: &str) -> bool {
        false
    }

    fn awaiting_a1(attempt: &str) -> bool {
        attempt == "a1"
    }

    const IDLE: Liveness = Liveness {
        incarnation: "inc-2",
        awaited: &nobody_awaited,
        abandon_after_ms: IN_FLIGHT_TIMEOUT_MS,
    };
    const WAITING: Liveness = Liveness {
        incarnation: "inc-2",
        awaited: &awaiting_a1,
        abandon_after_ms: IN_FLIGHT_TIMEOUT_MS,
    };

    #[test]
    fn new_keys_proceed_duplicates_replay_and_other_bodies_are_refused() {
        let p = Idempotency::default();
        let at = UnixMillis(T0 + 1);
        assert_eq!(decide(None, "a", &p, DAY, &IDLE, at), Decision::Proceed);
        assert_eq!(
            decide(Some(&done("a")), "a", &p, DAY, &IDLE, at),
            Decision::Replay {
                status: 202,
                body: "{\"id\":\"evt_1\"}".into(),
                content_type: None,
            }
        );
        assert_eq!(
            decide(Some(&done("a")), "b", &p, DAY, &IDLE, at),
            Decision::Reused
        );
        let conflict = Idempotency {
            on_duplicate: OnDuplicate::Conflict,
            ..p
        };
        assert_eq!(
            decide(Some(&done("a")), "a", &conflict, DAY, &IDLE, at),
            Decision::Duplicate
        );
    }

    #[test]
    fn the_window_ends_exactly_and_is_the_one_given() {
        let p = Idempotency::default();
        let d = done("a");
        assert!(matches!(
            decide(Some(&d), "a", &p, 10, &IDLE, UnixMillis(T0 + 9_999)),
            Decision::Replay { .. }
        ));
        assert_eq!(
            decide(Some(&d), "a", &p, 10, &IDLE, UnixMillis(T0 + 10_000)),
            Decision::Proceed
        );
        assert_eq!(
            decide(Some(&d), "b", &p, 10, &IDLE, UnixMillis(T0 + 10_000)),
            Decision::Proceed
        );
        assert_eq!(expires_at_ms(&d, 10), T0 + 10_000);
        // A body-hash key's own window (`window_for`), shorter than the key's.
        use crate::guard::key::KeySource;
        assert_eq!(p.window_for(KeySource::BodySha256), 300);
        assert_eq!(p.window_for(KeySource::SignedDeliveryId), DAY);
        assert_eq!(
            decide(Some(&d), "a", &p, 300, &IDLE, UnixMillis(T0 + 300_000)),
            Decision::Proceed
        );
    }

    #[test]
    fn large_answers_are_kept_as_a_summary() {
        let small = kept_for_replay("evt_1", "<p>hi</p>", Some("text/html"));
        assert_eq!(
            small,
            ("<p>hi</p>".to_string(), Some("text/html".to_string()))
        );
        let big = "x".repeat(MAX_STORED_ANSWER_BYTES + 1);
        let (kept, ct) = kept_for_replay("evt_1", &big, Some("text/plain"));
        assert_eq!(ct, None);
        assert!(kept.len() < 1024);
        let v: serde_json::Value = serde_json::from_str(&kept).unwrap();
        assert_eq!(v["answer_bytes"], big.len());
        assert_eq!(v["id"], "evt_1");
    }

    #[test]
    fn a_live_owner_is_never_overtaken() {
        let p = Idempotency::default();
        let r = reserved("a1", "inc-2");
        // Awaited by this incarnation: in flight, however long it takes.
        for later in [5, IN_FLIGHT_TIMEOUT_MS, 10 * IN_FLIGHT_TIMEOUT_MS] {
            assert_eq!(
                decide(Some(&r), "a", &p, DAY, &WAITING, UnixMillis(T0 + later)),
                Decision::InFlight
            );
        }
        assert_eq!(
            decide(Some(&r), "b", &p, DAY, &WAITING, UnixMillis(T0 + 5)),
            Decision::Reused
        );
        // This incarnation's, no longer awaited (its settlement was lost): blocked for
        // the timeout, then abandoned.
        assert_eq!(
            decide(Some(&r), "a", &p, DAY, &IDLE, UnixMillis(T0 + 5)),
            Decision::InFlight
        );
        assert_eq!(
            decide(
                Some(&r),
                "a",
                &p,
                DAY,
                &IDLE,
                UnixMillis(T0 + IN_FLIGHT_TIMEOUT_MS)
            ),
            Decision::Proceed
        );
    }

    #[test]
    fn an_earlier_incarnation_reservation_is_abandoned_at_once() {
        let p = Idempotency::default();
        let before_restart = reserved("a1", "inc-1");
        assert_eq!(
            decide(
                Some(&before_restart),
                "a",
                &p,
                DAY,
                &WAITING,
                UnixMillis(T0 + 1)
            ),
            Decision::Proceed
        );
        // Written before reservations had owners: an earlier incarnation's too.
        let legacy: KeyState =
            serde_json::from_str(r#"{"state":"in_flight","fingerprint":"a","since_ms":1}"#)
                .unwrap();
        assert_eq!(
            decide(Some(&legacy), "a", &p, DAY, &WAITING, UnixMillis(T0)),
            Decision::Proceed
        );
    }
}
