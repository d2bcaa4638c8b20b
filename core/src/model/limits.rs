//! A webhook's idempotency and rate-limit settings (record fields `idempotency` and
//! `rate_limit`), with the documented defaults.

use serde::{Deserialize, Serialize};

pub const DEFAULT_IDEMPOTENCY_WINDOW_S: u64 = 86_400;
pub const MAX_IDEMPOTENCY_WINDOW_S: u64 = 7 * 86_400;
pub const DEFAULT_RATE_LIMIT: u32 = 100;
pub const DEFAULT_RATE_WINDOW_S: u64 = 60;
/// Every accepted delivery in the window is one stored timestamp; this bounds the rows.
pub const MAX_RATE_LIMIT: u32 = 10_000;
pub const MAX_RATE_WINDOW_S: u64 = 3_600;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// The original status and body again, with `Idempotent-Replayed: true`.
    #[default]
    Replay,
    /// `409 duplicate_delivery` (Flowker's behaviour).
    Conflict,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    pub window_s: u64,
    #[serde(default)]
    pub on_duplicate: OnDuplicate,
}

impl Default for Idempotency {
    fn default() -> Self {
        Idempotency {
            window_s: DEFAULT_IDEMPOTENCY_WINDOW_S,
            on_duplicate: OnDuplicate::Replay,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub limit: u32,
    pub window_s: u64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            limit: DEFAULT_RATE_LIMIT,
            window_s: DEFAULT_RATE_WINDOW_S,
        }
    }
}
