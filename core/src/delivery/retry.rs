//! Which origin answers are retried, and when. Network errors, timeouts, 5xx, 408 and
//! 429 are retried with exponential backoff and jitter (honouring `Retry-After`); any
//! other status is final; after `max_attempts` the delivery is dead-lettered.

/// What one attempt came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The origin answered with this status (and maybe `Retry-After` seconds).
    Answered {
        status: u16,
        retry_after_s: Option<u64>,
    },
    /// No answer in time.
    TimedOut,
    /// No answer at all (connection refused, DNS, TLS, …).
    NetworkError,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Delivered,
    /// Try again after this many seconds.
    RetryAfter(u64),
    DeadLetter,
}

/// Queue delays are whole seconds and at most 12 hours (Cloudflare's limit is 24 h).
pub const MAX_DELAY_S: u64 = 12 * 3600;
pub const BASE_DELAY_S: u64 = 1;

/// `attempt` counts from 1 (the one that just happened); `jitter` is in [0, 1) and comes
/// from the shell's randomness.
pub fn next(outcome: Attempt, attempt: u32, max_attempts: u32, jitter: f64) -> Next {
    let retry_after = match outcome {
        Attempt::Answered { status, .. } if (200..300).contains(&status) => return Next::Delivered,
        Attempt::Answered {
            status: 429,
            retry_after_s,
        } => retry_after_s,
        Attempt::Answered { status, .. } if status == 408 || status >= 500 => None,
        Attempt::Answered { .. } => return Next::DeadLetter,
        Attempt::TimedOut | Attempt::NetworkError => None,
    };
    if attempt >= max_attempts {
        return Next::DeadLetter;
    }
    let backoff = backoff_s(attempt, jitter);
    Next::RetryAfter(retry_after.map_or(backoff, |r| r.max(1)).min(MAX_DELAY_S))
}

/// 1, 2, 4, 8, … seconds after attempts 1, 2, 3, 4, …, plus up to 50% jitter, so that
/// deliveries that failed together do not return together.
pub fn backoff_s(attempt: u32, jitter: f64) -> u64 {
    let exp = BASE_DELAY_S.saturating_mul(1u64 << attempt.saturating_sub(1).min(20));
    let jittered = exp as f64 * (1.0 + 0.5 * jitter.clamp(0.0, 0.999));
    (jittered.round() as u64).clamp(1, MAX_DELAY_S)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16) -> Attempt {
        Attempt::Answered {
            status,
            retry_after_s: None,
        }
    }

    #[test]
    fn classification() {
        assert_eq!(next(answered(200), 1, 8, 0.0), Next::Delivered);
        assert_eq!(next(answered(204), 8, 8, 0.0), Next::Delivered);
        for s in [500, 502, 503, 504, 408] {
            assert_eq!(next(answered(s), 1, 8, 0.0), Next::RetryAfter(1), "{s}");
        }
        assert_eq!(next(Attempt::TimedOut, 2, 8, 0.0), Next::RetryAfter(2));
        assert_eq!(next(Attempt::NetworkError, 3, 8, 0.0), Next::RetryAfter(4));
        for s in [400, 401, 403, 404, 410, 422] {
            assert_eq!(next(answered(s), 1, 8, 0.0), Next::DeadLetter, "{s}");
        }
        assert_eq!(next(answered(503), 8, 8, 0.0), Next::DeadLetter);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let limited = |r| Attempt::Answered {
            status: 429,
            retry_after_s: r,
        };
        assert_eq!(next(limited(Some(7)), 1, 8, 0.0), Next::RetryAfter(7));
        assert_eq!(next(limited(Some(0)), 1, 8, 0.0), Next::RetryAfter(1));
        assert_eq!(
            next(limited(Some(10_000_000)), 1, 8, 0.0),
            Next::RetryAfter(MAX_DELAY_S)
        );
        assert_eq!(next(limited(None), 2, 8, 0.0), Next::RetryAfter(2));
    }

    #[test]
    fn backoff_grows_with_bounded_jitter() {
        assert_eq!(backoff_s(1, 0.0), 1);
        assert_eq!(backoff_s(4, 0.0), 8);
        assert_eq!(backoff_s(4, 0.999), 12);
        assert_eq!(backoff_s(40, 0.5), MAX_DELAY_S);
    }
}
