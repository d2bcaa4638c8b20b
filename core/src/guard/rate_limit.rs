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
/// answers it in one query, [`WINDOW_QUERY`]) instead of every timestamp crossing into
/// the Worker: that was one row per accepted delivery per request.
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

/// The rate window of a `hits (t, id)` table as three columns ([`Window`]'s count,
/// oldest and blocking hit), with `?1` the window's start and `?2` the limit: summed up
/// in SQLite, so three numbers cross into the Worker, not a row per hit. The Durable
/// Objects run exactly this text (the shell's `window_columns!` is this macro), and the
/// tests below run it in SQLite. A macro so that queries adding columns in front (the
/// Guard's key state) stay compile-time strings.
#[macro_export]
macro_rules! window_columns {
    () => {
        "COUNT(*), MIN(t), (SELECT t FROM hits WHERE t > ?1 ORDER BY t LIMIT 1 \
         OFFSET MAX(0, (SELECT COUNT(*) FROM hits WHERE t > ?1) - ?2)) \
         FROM hits WHERE t > ?1"
    };
}

/// The window query on its own (a Namespace's; the Guard adds its key state in front).
pub const WINDOW_QUERY: &str = concat!("SELECT ", crate::window_columns!());

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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000_000;

    /// A `hits` table in real SQLite, as the objects create it, read with the statement
    /// they run ([`WINDOW_QUERY`]): the window is tested, not a model of it.
    struct Hits(rusqlite::Connection);

    impl Hits {
        fn new() -> Hits {
            let db = rusqlite::Connection::open_in_memory().unwrap();
            db.execute_batch(
                "CREATE TABLE hits (t INTEGER NOT NULL, id TEXT NOT NULL);
                 CREATE INDEX hits_t ON hits (t);",
            )
            .unwrap();
            Hits(db)
        }

        fn add(&self, t: u64) {
            self.0
                .execute(
                    "INSERT INTO hits (t, id) VALUES (?1, ?2)",
                    rusqlite::params![t as i64, format!("evt_{t}")],
                )
                .unwrap();
        }

        fn window(&self, start_ms: u64, limit: u32) -> Window {
            let number = |v: Option<i64>| v.map(|v| u64::try_from(v).unwrap());
            self.0
                .query_row(
                    WINDOW_QUERY,
                    rusqlite::params![start_ms as i64, i64::from(limit)],
                    |row| {
                        Ok(Window {
                            count: number(row.get(0)?).unwrap(),
                            oldest_ms: number(row.get(1)?),
                            blocking_ms: number(row.get(2)?),
                        })
                    },
                )
                .unwrap()
        }
    }

    /// Drives the window with a synthetic clock the way the object does: the query over
    /// every hit ever stored (nothing is deleted here, so the query alone must leave out
    /// the hits that left the window), then a hit for each admitted request.
    struct Sim {
        hits: Hits,
        policy: RateLimit,
    }

    impl Sim {
        fn new(policy: RateLimit) -> Sim {
            Sim {
                hits: Hits::new(),
                policy,
            }
        }

        fn request(&mut self, now: u64) -> RateDecision {
            let start = window_start_ms(&self.policy, UnixMillis(now));
            let window = self.hits.window(start, self.policy.limit);
            let d = decide(&window, &self.policy, UnixMillis(now));
            if let RateDecision::Allow { .. } = d {
                self.hits.add(now);
            }
            d
        }
    }

    #[test]
    fn the_objects_query_sums_up_the_window_of_its_rows() {
        // Hits out of order, repeated times, and one exactly at the window's start (which
        // has left it: the window is `t > start`).
        let stored = [50, 10, 30, 30, 20, 40, 60, 60, 70, 100];
        let hits = Hits::new();
        for t in stored {
            hits.add(T0 + t);
        }
        for start in [0, 10, 29, 30, 31, 59, 60, 99, 100, 200] {
            for limit in [1, 2, 3, 5, 7, 9, 10, 11, 100] {
                let mut inside: Vec<u64> = stored
                    .iter()
                    .map(|t| T0 + t)
                    .filter(|t| *t > T0 + start)
                    .collect();
                inside.sort_unstable();
                assert_eq!(
                    hits.window(T0 + start, limit),
                    Window::of(&inside, limit),
                    "start T0+{start}, limit {limit}"
                );
            }
        }
        assert_eq!(
            Hits::new().window(T0, 3),
            Window {
                count: 0,
                oldest_ms: None,
                blocking_ms: None
            }
        );
    }

    #[test]
    fn a_hit_counts_until_exactly_window_s_after_it() {
        // One hit at T0, limit 1, window 60 s: refused at T0 + 60 s - 1 ms, admitted at
        // T0 + 60 s, by the query alone.
        let policy = RateLimit {
            limit: 1,
            window_s: 60,
        };
        let mut sim = Sim::new(policy);
        assert!(matches!(sim.request(T0), RateDecision::Allow { .. }));
        assert!(matches!(
            sim.request(T0 + 59_999),
            RateDecision::Refuse {
                retry_after_s: 1,
                ..
            }
        ));
        assert!(matches!(
            sim.request(T0 + 60_000),
            RateDecision::Allow { .. }
        ));
        assert!(matches!(
            sim.request(T0 + 60_001),
            RateDecision::Refuse { .. }
        ));
    }

    #[test]
    fn exactly_limit_per_window_then_429_with_the_right_retry_after() {
        let mut sim = Sim::new(RateLimit::default());
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
        let hits = Hits::new();
        for t in [T0, T0 + 1_000, T0 + 2_000, T0 + 3_000] {
            hits.add(t);
        }
        let now = UnixMillis(T0 + 5_000);
        match decide(
            &hits.window(window_start_ms(&policy, now), policy.limit),
            &policy,
            now,
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
