//! A webhook's idempotency and rate-limit settings (record fields `idempotency` and
//! `rate_limit`), with the documented defaults.

use serde::{Deserialize, Serialize};

pub const DEFAULT_IDEMPOTENCY_WINDOW_S: u64 = 86_400;
/// How long the body's SHA-256 identifies a delivery when nothing else does: long
/// enough to absorb a sender's quick retries, short enough that an alert that fires,
/// clears and fires again is three events.
pub const DEFAULT_BODY_HASH_WINDOW_S: u64 = 300;
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
    /// The window of a key that is only the body's hash; `0` turns that fallback off.
    /// At most `window_s`. Stored only when not the default, so records written before
    /// it existed keep their bytes.
    #[serde(
        default = "default_body_hash_window_s",
        skip_serializing_if = "is_default_body_hash_window"
    )]
    pub body_hash_window_s: u64,
}

fn default_body_hash_window_s() -> u64 {
    DEFAULT_BODY_HASH_WINDOW_S
}

fn is_default_body_hash_window(s: &u64) -> bool {
    *s == DEFAULT_BODY_HASH_WINDOW_S
}

impl Idempotency {
    /// How long a key from `source` identifies a delivery, in seconds (0: not at all).
    pub fn window_for(&self, source: crate::guard::key::KeySource) -> u64 {
        match source {
            crate::guard::key::KeySource::BodySha256 => self.body_hash_window_s,
            _ => self.window_s,
        }
    }
}

impl Default for Idempotency {
    fn default() -> Self {
        Idempotency {
            window_s: DEFAULT_IDEMPOTENCY_WINDOW_S,
            on_duplicate: OnDuplicate::Replay,
            body_hash_window_s: DEFAULT_BODY_HASH_WINDOW_S,
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
