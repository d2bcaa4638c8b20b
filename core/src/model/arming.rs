//! Arming for a handshake that plants the webhook's secret (Asana's `X-Hook-Secret`).
//!
//! Such a handshake proves nothing: whoever sends it first chooses the secret every later
//! event is verified with. So it is accepted only while the webhook is armed for it — for
//! a short window after it is created, or after an explicit re-arm through the admin API
//! — and only once per arming. Outside a window, and a second time inside one, it is
//! refused, so no one can plant a secret before the provider does, or replace the one it
//! planted.
//!
//! The state is part of the stored record (`auth.arming`, format 1, optional: records
//! written before it existed have none and are never armed). Pure: the time is passed in.

use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// How long a webhook stays armed after it is created, or re-armed without a window.
/// Asana sends the handshake while its own `POST /webhooks` is in flight, so a few
/// minutes is plenty; ten leave room to read the answer and paste a command.
pub const DEFAULT_ARMING_S: u64 = 600;
/// The longest window an operator may ask for: the handshake is unauthenticated, so the
/// window is kept short.
pub const MAX_ARMING_S: u64 = 3_600;

/// What the record stores (`auth.arming`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arming {
    /// Unix milliseconds: a handshake is accepted before this time, not at or after it.
    pub(crate) until_ms: u64,
    /// A handshake was accepted during this arming: no other is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) used: bool,
}

/// Where an arming stands at some time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArmingState {
    /// A handshake would be accepted (until the time given).
    Armed { until: UnixMillis },
    /// Armed, and a handshake was accepted: a second one is refused until the window ends.
    Used { until: UnixMillis },
    /// Never armed, or the window has ended.
    Disarmed,
}

/// Why a planting handshake is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArmingRefusal {
    /// Outside any window: re-arm the webhook through the admin API first.
    NotArmed,
    /// Inside a window whose handshake was already accepted.
    AlreadyUsed,
}

impl Arming {
    /// Armed from `now` for `window_s` seconds (the caller keeps it within 1..=MAX).
    pub fn armed(now: UnixMillis, window_s: u64) -> Arming {
        Arming {
            until_ms: now.0.saturating_add(window_s.saturating_mul(1000)),
            used: false,
        }
    }

    pub fn until(self) -> UnixMillis {
        UnixMillis(self.until_ms)
    }

    pub fn used(self) -> bool {
        self.used
    }
}

/// The state of `arming` (the record's, if any) at `now`.
pub fn state(arming: Option<Arming>, now: UnixMillis) -> ArmingState {
    match arming {
        Some(a) if now.0 < a.until_ms && !a.used => ArmingState::Armed { until: a.until() },
        Some(a) if now.0 < a.until_ms => ArmingState::Used { until: a.until() },
        _ => ArmingState::Disarmed,
    }
}

/// Accepts a handshake at `now`: the arming to store with the planted secret (the same
/// window, used), or why it is refused.
pub fn accept(arming: Option<Arming>, now: UnixMillis) -> Result<Arming, ArmingRefusal> {
    match state(arming, now) {
        ArmingState::Armed { until } => Ok(Arming {
            until_ms: until.0,
            used: true,
        }),
        ArmingState::Used { .. } => Err(ArmingRefusal::AlreadyUsed),
        ArmingState::Disarmed => Err(ArmingRefusal::NotArmed),
    }
}

/// The window an operator asks for when re-arming: `None` is the default; outside
/// 1..=[`MAX_ARMING_S`] it is refused (the message names the bounds, never the value).
pub fn window(requested_s: Option<u64>) -> Result<u64, &'static str> {
    match requested_s {
        None => Ok(DEFAULT_ARMING_S),
        Some(s) if (1..=MAX_ARMING_S).contains(&s) => Ok(s),
        Some(_) => Err("must be between 1 and 3600 seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: UnixMillis = UnixMillis(1_764_590_000_000);

    fn at(ms: u64) -> UnixMillis {
        UnixMillis(T0.0 + ms)
    }

    #[test]
    fn a_fresh_arming_accepts_one_handshake_inside_its_window() {
        let armed = Arming::armed(T0, 600);
        assert_eq!(armed.until(), at(600_000));
        assert_eq!(
            state(Some(armed), T0),
            ArmingState::Armed { until: at(600_000) }
        );
        let used = accept(Some(armed), at(1_000)).unwrap();
        assert!(used.used());
        assert_eq!(
            used.until(),
            armed.until(),
            "the window is kept, not extended"
        );
        // The second one, still inside the window, is refused as a second one.
        assert_eq!(
            accept(Some(used), at(2_000)),
            Err(ArmingRefusal::AlreadyUsed)
        );
        assert_eq!(
            state(Some(used), at(2_000)),
            ArmingState::Used { until: at(600_000) }
        );
        // Once the window has ended the webhook is simply not armed.
        assert_eq!(
            accept(Some(used), at(600_000)),
            Err(ArmingRefusal::NotArmed)
        );
        assert_eq!(state(Some(used), at(600_000)), ArmingState::Disarmed);
    }

    #[test]
    fn the_window_ends_exactly_at_its_end() {
        let armed = Arming::armed(T0, 1);
        assert!(accept(Some(armed), at(999)).is_ok());
        assert_eq!(accept(Some(armed), at(1_000)), Err(ArmingRefusal::NotArmed));
        assert_eq!(accept(Some(armed), at(5_000)), Err(ArmingRefusal::NotArmed));
    }

    #[test]
    fn never_armed_is_never_accepted() {
        assert_eq!(accept(None, T0), Err(ArmingRefusal::NotArmed));
        assert_eq!(accept(None, UnixMillis(0)), Err(ArmingRefusal::NotArmed));
        assert_eq!(state(None, T0), ArmingState::Disarmed);
    }

    #[test]
    fn a_clock_behind_the_window_does_not_reopen_it_after_use() {
        // Time passed in from another isolate may be a little behind: a used arming
        // stays used whatever time is asked about.
        let used = accept(Some(Arming::armed(T0, 600)), at(10)).unwrap();
        assert_eq!(
            accept(Some(used), UnixMillis(0)),
            Err(ArmingRefusal::AlreadyUsed)
        );
    }

    #[test]
    fn re_arming_after_use_accepts_one_more() {
        let used = accept(Some(Arming::armed(T0, 600)), at(10)).unwrap();
        let rearmed = Arming::armed(at(20), 600);
        assert!(!rearmed.used());
        let again = accept(Some(rearmed), at(30)).unwrap();
        assert_eq!(accept(Some(again), at(40)), Err(ArmingRefusal::AlreadyUsed));
        assert_ne!(used, again);
    }

    #[test]
    fn windows_are_bounded() {
        assert_eq!(window(None), Ok(DEFAULT_ARMING_S));
        assert_eq!(window(Some(1)), Ok(1));
        assert_eq!(window(Some(MAX_ARMING_S)), Ok(MAX_ARMING_S));
        assert!(window(Some(0)).is_err());
        assert!(window(Some(MAX_ARMING_S + 1)).is_err());
        // Saturating: a far-future `now` cannot wrap the window around.
        assert_eq!(
            Arming::armed(UnixMillis(u64::MAX - 5), 600).until_ms,
            u64::MAX
        );
    }

    #[test]
    fn stored_form_is_small_and_round_trips() {
        let armed = Arming::armed(T0, 600);
        assert_eq!(
            serde_json::to_string(&armed).unwrap(),
            r#"{"until_ms":1764590600000}"#
        );
        let used = accept(Some(armed), T0).unwrap();
        let text = serde_json::to_string(&used).unwrap();
        assert_eq!(text, r#"{"until_ms":1764590600000,"used":true}"#);
        assert_eq!(serde_json::from_str::<Arming>(&text).unwrap(), used);
        assert!(serde_json::from_str::<Arming>(r#"{"until_ms":1,"armed":true}"#).is_err());
    }
}
