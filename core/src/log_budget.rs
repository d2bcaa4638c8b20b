//! How many request log lines an isolate writes: refusals are logged, but at most
//! [`LINES_PER_SECOND`] a second, so a flood of bad requests (an attack, a sender with
//! a wrong secret retrying hard) costs neither throughput nor a log bill. The next line
//! written says how many were left out before it. Time is passed in.

use crate::time::UnixMillis;

/// Lines per second and isolate at most.
pub const LINES_PER_SECOND: u32 = 5;

/// A fixed one-second window per isolate.
#[derive(Debug, Default)]
pub struct LogBudget {
    window_start_ms: u64,
    used: u32,
    suppressed: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Admit {
    /// Write the line; `suppressed` lines were left out since the last one written.
    Write {
        suppressed: u64,
    },
    Skip,
}

impl LogBudget {
    pub fn admit(&mut self, now: UnixMillis) -> Admit {
        if now.0.saturating_sub(self.window_start_ms) >= 1000 || now.0 < self.window_start_ms {
            self.window_start_ms = now.0;
            self.used = 0;
        }
        if self.used < LINES_PER_SECOND {
            self.used += 1;
            Admit::Write {
                suppressed: std::mem::take(&mut self.suppressed),
            }
        } else {
            self.suppressed += 1;
            Admit::Skip
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_the_budget_per_second_and_the_next_line_counts_the_rest() {
        let mut b = LogBudget::default();
        let t = UnixMillis(10_000);
        for _ in 0..LINES_PER_SECOND {
            assert_eq!(b.admit(t), Admit::Write { suppressed: 0 });
        }
        for i in 0..7 {
            assert_eq!(b.admit(UnixMillis(10_000 + i * 100)), Admit::Skip);
        }
        assert_eq!(b.admit(UnixMillis(11_000)), Admit::Write { suppressed: 7 });
        assert_eq!(b.admit(UnixMillis(11_001)), Admit::Write { suppressed: 0 });
        // A clock that goes back starts a new window rather than stalling.
        let mut b = LogBudget::default();
        for _ in 0..LINES_PER_SECOND {
            b.admit(UnixMillis(50_000));
        }
        assert_eq!(b.admit(UnixMillis(49_000)), Admit::Write { suppressed: 0 });
    }
}
