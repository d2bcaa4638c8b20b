//! An exact sliding window: a request is admitted when fewer than `limit` accepted
//! deliveries happened in the last `window_s` seconds. The object stores one timestamp
//! per accepted delivery; this decides from them.

use crate::model::limits::RateLimit;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// What the RateLimit header fields (IETF draft) report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub limit: u32,
    pub window_s: u64,
    /// Requests still admitted now.
    pub remaining: u32,
    /// Seconds until a slot frees (or the window length when none is used).
    pub reset_s: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateDecision {
    /// Admitted; `quota` already counts this request.
    Allow { quota: Quota },
    /// `429 rate_limited`, with `Retry-After: retry_after_s`.
    Refuse { quota: Quota, retry_after_s: u64 },
}

/// The start of the window that ends at `now`: hits at or before it no longer count.
pub fn window_start_ms(policy: &RateLimit, now: UnixMillis) -> u64 {
    now.0.saturating_sub(policy.window_s.saturating_mul(1000))
}

fn ceil_secs(ms: u64) -> u64 {
    ms.div_ceil(1000).max(1)
}

/// What storage knows of the window, summed up where the rows are (the object's SQL
/// answers it in one query, `WINDOW_QUERY` in the shell) instead of every timestamp
/// crossing into the Worker: that was one row per accepted delivery per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Accepted deliveries after [`window_start_ms`].
    pub count: u64,
    /// The oldest of them.
    pub oldest_ms: Option<u64>,
    /// The hit at index `count - limit` (oldest first), or the oldest when `count <
    /// limit`: when it leaves the window, a slot frees.
    pub blocking_ms: Option<u64>,
}

impl Window {
    /// The summary of `hits` (oldest first, all inside the window), as the query computes
    /// it: for tests and for callers that hold the timestamps.
    pub fn of(hits: &[u64], limit: u32) -> Window {
        let count = hits.len() as u64;
        Window {
            count,
            oldest_ms: hits.first().copied(),
            blocking_ms: hits.get(hits.len().saturating_sub(limit as usize)).copied(),
        }
    }
}

pub fn decide(window: &Window, policy: &RateLimit, now: UnixMillis) -> RateDecision {
    let window_ms = policy.window_s.saturating_mul(1000);
    let frees_in =
        |t: Option<u64>| t.map(|t| ceil_secs(t.saturating_add(window_ms).saturating_sub(now.0)));
    if window.count < u64::from(policy.limit) {
        let used = window.count + 1;
        return RateDecision::Allow {
            quota: Quota {
                limit: policy.limit,
                window_s: policy.window_s,
                remaining: (u64::from(policy.limit) - used) as u32,
                reset_s: frees_in(window.oldest_ms).unwrap_or(policy.window_s),
            },
        };
    }
    // One slot frees when the hit that keeps the count at `limit` leaves the window.
    let retry_after_s = frees_in(window.blocking_ms).unwrap_or(1);
    RateDecision::Refuse {
        quota: Quota {
            limit: policy.limit,
            window_s: policy.window_s,
            remaining: 0,
            reset_s: retry_after_s,
        },
        retry_after_s,
    }
}

impl Quota {
    /// `RateLimit-Policy` and `RateLimit` header fields (draft-ietf-httpapi-ratelimit-headers).
    pub fn headers(&self) -> [(&'static str, String); 2] {
        [
            (
                "RateLimit-Policy",
                format!("\"webhook\";q={};w={}", self.limit, self.window_s),
            ),
            (
                "RateLimit",
                format!("\"webhook\";r={};t={}", self.remaining, self.reset_s),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000_000;

    /// Drives the window with a synthetic clock the way the object does.
    struct Sim {
        hits: Vec<u64>,
        policy: RateLimit,
    }

    impl Sim {
        fn request(&mut self, now: u64) -> RateDecision {
            let start = window_start_ms(&self.policy, UnixMillis(now));
            self.hits.retain(|t| *t > start);
            let d = decide(
                &Window::of(&self.hits, self.policy.limit),
                &self.policy,
                UnixMillis(now),
            );
            if let RateDecision::Allow { .. } = d {
                self.hits.push(now);
            }
            d
        }
    }

    #[test]
    fn exactly_limit_per_window_then_429_with_the_right_retry_after() {
        let mut sim = Sim {
            hits: vec![],
            policy: RateLimit::default(),
        };
        for i in 0..100u64 {
            match sim.request(T0 + i * 100) {
                RateDecision::Allow { quota } => assert_eq!(quota.remaining, 99 - i as u32),
                other => panic!("request {i}: {other:?}"),
            }
        }
        // 101st at T0+10s: the first hit (T0) leaves the window at T0+60s.
        match sim.request(T0 + 10_000) {
            RateDecision::Refuse {
                retry_after_s,
                quota,
            } => {
                assert_eq!(retry_after_s, 50);
                assert_eq!(quota.remaining, 0);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            sim.request(T0 + 59_999),
            RateDecision::Refuse {
                retry_after_s: 1,
                ..
            }
        ));
        // Exactly when the first hit leaves, one slot is free again.
        assert!(matches!(
            sim.request(T0 + 60_000),
            RateDecision::Allow { .. }
        ));
        assert!(matches!(
            sim.request(T0 + 60_001),
            RateDecision::Refuse { .. }
        ));
        // The second hit (T0+100) leaves at T0+60.1s.
        assert!(matches!(
            sim.request(T0 + 60_100),
            RateDecision::Allow { .. }
        ));
    }

    #[test]
    fn a_lowered_limit_waits_for_enough_hits_to_leave() {
        let policy = RateLimit {
            limit: 2,
            window_s: 10,
        };
        let hits = [T0, T0 + 1_000, T0 + 2_000, T0 + 3_000];
        match decide(
            &Window::of(&hits, policy.limit),
            &policy,
            UnixMillis(T0 + 5_000),
        ) {
            // Two must leave before one is admitted: the third-newest, T0+2s, at T0+12s.
            RateDecision::Refuse { retry_after_s, .. } => assert_eq!(retry_after_s, 7),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_fields_follow_the_draft() {
        let q = Quota {
            limit: 100,
            window_s: 60,
            remaining: 42,
            reset_s: 17,
        };
        assert_eq!(
            q.headers(),
            [
                ("RateLimit-Policy", "\"webhook\";q=100;w=60".to_string()),
                ("RateLimit", "\"webhook\";r=42;t=17".to_string())
            ]
        );
    }
}
