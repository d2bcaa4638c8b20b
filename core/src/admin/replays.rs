//! Bulk replay (`POST /admin/v1/webhooks/{id}/replays`): which stored deliveries an
//! operator selects, and how a replay's progress is summed up. The webhook's object keeps
//! the replay and queues its deliveries a step at a time (`src/guard/replays.rs`).

use crate::delivery::FinalState;
use crate::problem::{ErrorCode, FieldError, Problem};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// At most this many deliveries are queued per step of a replay (a request or an alarm):
/// no invocation sends an unbounded number of messages.
pub const REPLAY_STEP: usize = 50;

/// At most this many ids in one `delivery_ids` selection (the object keeps 100).
pub const MAX_REPLAY_IDS: usize = 100;

/// What the operator selects: every dead-lettered delivery received in a time range, or
/// a list of delivery ids.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// Externally tagged: an internally tagged enum pulls serde's buffering code into the wasm.
#[serde(rename_all = "snake_case")]
pub enum ReplaySelection {
    DeadLettered {
        since: Option<u64>,
        until: Option<u64>,
    },
    Ids {
        delivery_ids: Vec<String>,
    },
}

/// The request body as sent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectionSpec {
    state: Option<String>,
    since: Option<String>,
    until: Option<String>,
    delivery_ids: Option<Vec<String>>,
}

fn invalid(field: &str, message: &str) -> Problem {
    let mut p = Problem::new(ErrorCode::InvalidReplay, format!("{field}: {message}"));
    p.errors = vec![FieldError {
        field: field.to_string(),
        message: message.to_string(),
    }];
    p
}

/// A delivery id as the gateway makes them: `evt_` and 32 hex digits.
pub fn is_delivery_id(s: &str) -> bool {
    s.len() == 36 && s.starts_with("evt_") && s[4..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A replay id: `rpl_` and 24 hex digits.
pub fn is_replay_id(s: &str) -> bool {
    s.len() == 28 && s.starts_with("rpl_") && s[4..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new replay id from 12 random bytes the shell draws.
pub fn replay_id(bytes: [u8; 12]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("rpl_{hex}")
}

impl ReplaySelection {
    pub fn parse(body: &[u8]) -> Result<ReplaySelection, Problem> {
        let spec: SelectionSpec = serde_json::from_slice(body).map_err(|e| {
            let code = if e.is_syntax() || e.is_eof() {
                ErrorCode::InvalidJson
            } else {
                ErrorCode::InvalidReplay
            };
            // serde's message names the unknown field or the wrong type, never a value
            // beyond the field name.
            Problem::new(code, e.to_string())
        })?;
        let time = |field: &str, raw: &Option<String>| -> Result<Option<u64>, Problem> {
            raw.as_deref()
                .map(|s| {
                    UnixMillis::parse_rfc3339(s)
                        .map(|t| t.0)
                        .ok_or_else(|| invalid(field, "must be an RFC 3339 timestamp"))
                })
                .transpose()
        };
        match (spec.state.as_deref(), spec.delivery_ids) {
            (Some(_), Some(_)) => Err(invalid(
                "delivery_ids",
                "give either state (with since/until) or delivery_ids, not both",
            )),
            (None, None) => Err(invalid(
                "state",
                "is required (\"dead_lettered\") unless delivery_ids is given",
            )),
            (Some("dead_lettered"), None) => {
                let since = time("since", &spec.since)?;
                let until = time("until", &spec.until)?;
                if let (Some(s), Some(u)) = (since, until) {
                    if s > u {
                        return Err(invalid("until", "must not be before since"));
                    }
                }
                Ok(ReplaySelection::DeadLettered { since, until })
            }
            (Some(_), None) => Err(invalid("state", "must be \"dead_lettered\"")),
            (None, Some(ids)) => {
                if spec.since.is_some() || spec.until.is_some() {
                    return Err(invalid("since", "applies only to a state selection"));
                }
                if ids.is_empty() || ids.len() > MAX_REPLAY_IDS {
                    return Err(invalid(
                        "delivery_ids",
                        &format!("must hold 1 to {MAX_REPLAY_IDS} delivery ids"),
                    ));
                }
                if let Some(i) = ids.iter().position(|id| !is_delivery_id(id)) {
                    return Err(invalid(
                        &format!("delivery_ids[{i}]"),
                        "is not a delivery id (evt_ and 32 hex digits)",
                    ));
                }
                let mut unique = ids;
                unique.sort();
                unique.dedup();
                Ok(ReplaySelection::Ids {
                    delivery_ids: unique,
                })
            }
        }
    }

    /// Whether a stored delivery (its id, state and when it was received) is selected.
    pub fn matches(&self, id: &str, state: FinalState, received_at: Option<UnixMillis>) -> bool {
        match self {
            ReplaySelection::Ids { delivery_ids } => delivery_ids.iter().any(|d| d == id),
            ReplaySelection::DeadLettered { since, until } => {
                let in_range =
                    |t: u64| since.is_none_or(|s| t >= s) && until.is_none_or(|u| t <= u);
                state == FinalState::DeadLettered && received_at.is_some_and(|t| in_range(t.0))
            }
        }
    }
}

/// Where one selected delivery of a replay stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemStand {
    /// Not queued yet.
    Waiting,
    /// Queued by this replay; the delivery's own state says how it went since.
    Queued(FinalState),
    /// No longer stored when its turn came (the object keeps the newest 100).
    Missing,
}

/// `GET …/replays/{replay_id}`: the counts and the replay's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplayProgress {
    pub matched: u64,
    pub queued: u64,
    pub delivered: u64,
    pub failed: u64,
    pub skipped: u64,
    /// `queuing` (deliveries left to queue), `delivering` (all queued, some under way),
    /// `completed`, or `stopped` (the webhook was disabled or deleted meanwhile).
    pub state: &'static str,
}

/// Sums up a replay from its items; `stopped`: the object stopped it.
pub fn progress(items: &[ItemStand], stopped: bool) -> ReplayProgress {
    let mut p = ReplayProgress {
        matched: items.len() as u64,
        queued: 0,
        delivered: 0,
        failed: 0,
        skipped: 0,
        state: "completed",
    };
    let mut waiting = false;
    let mut under_way = false;
    for item in items {
        match item {
            ItemStand::Waiting => waiting = true,
            ItemStand::Missing => p.skipped += 1,
            ItemStand::Queued(state) => {
                p.queued += 1;
                match state {
                    FinalState::Delivered => p.delivered += 1,
                    FinalState::DeadLettered | FinalState::Dropped => p.failed += 1,
                    FinalState::Pending => under_way = true,
                }
            }
        }
    }
    p.state = if stopped && waiting {
        "stopped"
    } else if waiting {
        "queuing"
    } else if under_way {
        "delivering"
    } else {
        "completed"
    };
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "evt_0123456789abcdef0123456789abcdef";

    #[test]
    fn selections_parse_and_bad_ones_name_their_field() {
        assert_eq!(
            ReplaySelection::parse(br#"{"state":"dead_lettered","since":"2026-11-20T10:00:00Z"}"#)
                .unwrap(),
            ReplaySelection::DeadLettered {
                since: Some(UnixMillis::parse_rfc3339("2026-11-20T10:00:00Z").unwrap().0),
                until: None
            }
        );
        let ids = format!(r#"{{"delivery_ids":["{ID}","{ID}"]}}"#);
        assert_eq!(
            ReplaySelection::parse(ids.as_bytes()).unwrap(),
            ReplaySelection::Ids {
                delivery_ids: vec![ID.to_string()]
            }
        );
        for (body, field) in [
            (r#"{}"#, "state"),
            (r#"{"state":"delivered"}"#, "state"),
            (r#"{"state":"dead_lettered","since":"yesterday"}"#, "since"),
            (
                r#"{"state":"dead_lettered","since":"2026-11-21T00:00:00Z","until":"2026-11-20T00:00:00Z"}"#,
                "until",
            ),
            (r#"{"delivery_ids":[]}"#, "delivery_ids"),
            (r#"{"delivery_ids":["evt_x"]}"#, "delivery_ids[0]"),
        ] {
            let p = ReplaySelection::parse(body.as_bytes()).unwrap_err();
            assert_eq!(p.code, ErrorCode::InvalidReplay, "{body}");
            assert_eq!(p.errors[0].field, field, "{body}");
        }
        assert_eq!(
            ReplaySelection::parse(b"{").unwrap_err().code,
            ErrorCode::InvalidJson
        );
        assert_eq!(
            ReplaySelection::parse(br#"{"state":"dead_lettered","extra":1}"#)
                .unwrap_err()
                .code,
            ErrorCode::InvalidReplay
        );
    }

    #[test]
    fn a_state_selection_takes_dead_letters_in_range() {
        let s = ReplaySelection::DeadLettered {
            since: Some(1_000),
            until: Some(2_000),
        };
        assert!(s.matches(ID, FinalState::DeadLettered, Some(UnixMillis(1_500))));
        assert!(!s.matches(ID, FinalState::Delivered, Some(UnixMillis(1_500))));
        assert!(!s.matches(ID, FinalState::DeadLettered, Some(UnixMillis(999))));
        assert!(!s.matches(ID, FinalState::DeadLettered, Some(UnixMillis(2_001))));
        assert!(!s.matches(ID, FinalState::DeadLettered, None));
    }

    #[test]
    fn progress_counts_and_states() {
        use ItemStand::*;
        let p = progress(
            &[
                Queued(FinalState::Delivered),
                Queued(FinalState::DeadLettered),
                Missing,
            ],
            false,
        );
        assert_eq!(
            (
                p.matched,
                p.queued,
                p.delivered,
                p.failed,
                p.skipped,
                p.state
            ),
            (3, 2, 1, 1, 1, "completed")
        );
        assert_eq!(
            progress(&[Waiting, Queued(FinalState::Pending)], false).state,
            "queuing"
        );
        assert_eq!(
            progress(&[Queued(FinalState::Pending)], false).state,
            "delivering"
        );
        assert_eq!(progress(&[Waiting], true).state, "stopped");
        assert_eq!(progress(&[], false).state, "completed");
    }

    #[test]
    fn ids_have_their_shape() {
        let id = replay_id([0xab; 12]);
        assert!(is_replay_id(&id), "{id}");
        assert!(!is_replay_id("rpl_xyz"));
        assert!(is_delivery_id(ID));
    }
}
