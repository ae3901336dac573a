//! [`RetryPolicy`]: how the client (feature `client`) retries: bounded attempts, exponential
//! backoff with jitter.

use std::time::Duration;

use super::url::fresh_random;

/// How [`Client`](super::Client) retries: a bounded number of attempts, exponential backoff with jitter,
/// and only on what FORMAT.md §8 marks retryable or on network failures.
///
/// - [`RetryClass::Backoff`](super::RetryClass::Backoff) codes, network errors and HTTP 408/429/5xx without an envelope:
///   retried after `base * 2^(n-1)` (capped at `max_delay`), jittered to between half and
///   all of it, so that many clients throttled together do not return together.
/// - [`RetryClass::RenewToken`](super::RetryClass::RenewToken) (70001, 70003): the admin token is renewed and the request
///   retried at once, once.
/// - [`RetryClass::After60s`](super::RetryClass::After60s) (70050): given up by default: a call that blocks a minute
///   surprises its caller. [`wait_out_lockout`](RetryPolicy::wait_out_lockout) opts in.
/// - [`RetryClass::Never`](super::RetryClass::Never) and unknown codes: never retried.
///
/// A retried request may have taken effect the first time (a network failure after the
/// server got it): make commands idempotent where the API allows (`sendmsg`'s `MsgRandom`
/// deduplicates), or use [`RetryPolicy::none`].
///
/// ```
/// use std::time::Duration;
/// use usersig::rest::RetryPolicy;
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(100))
///     .max_delay(Duration::from_secs(2));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::none().attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    wait_out_lockout: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms base delay, 5 s cap, no waiting out a lockout.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            wait_out_lockout: false,
        }
    }
}

impl RetryPolicy {
    /// The most attempts any request may make, retries included.
    ///
    /// ```
    /// use usersig::rest::RetryPolicy;
    /// assert_eq!(RetryPolicy::default().max_attempts(99).attempts(), RetryPolicy::MAX_ATTEMPTS);
    /// ```
    pub const MAX_ATTEMPTS: u32 = 10;

    /// One attempt, no retries at all (not even after renewing the token).
    ///
    /// ```
    /// assert_eq!(usersig::rest::RetryPolicy::none().attempts(), 1);
    /// ```
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts per request, the first included: 1 to [`RetryPolicy::MAX_ATTEMPTS`]
    /// (values outside are clamped).
    ///
    /// ```
    /// use usersig::rest::RetryPolicy;
    /// assert_eq!(RetryPolicy::default().max_attempts(5).attempts(), 5);
    /// assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    /// ```
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.clamp(1, Self::MAX_ATTEMPTS);
        self
    }

    /// The delay before the first backoff retry; it doubles for each one after.
    ///
    /// ```
    /// use std::time::Duration;
    /// use usersig::rest::RetryPolicy;
    /// let eager = RetryPolicy::default().base_delay(Duration::from_millis(20));
    /// assert_ne!(eager, RetryPolicy::default());
    /// ```
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff delay.
    ///
    /// ```
    /// use std::time::Duration;
    /// use usersig::rest::RetryPolicy;
    /// let patient = RetryPolicy::default().max_delay(Duration::from_secs(30));
    /// assert_ne!(patient, RetryPolicy::default());
    /// ```
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// On 70050 (too many UserSig failures), sleep 60 s and retry instead of giving up.
    ///
    /// ```
    /// use usersig::rest::RetryPolicy;
    /// let patient = RetryPolicy::default().wait_out_lockout(true);
    /// assert_ne!(patient, RetryPolicy::default());
    /// ```
    pub fn wait_out_lockout(mut self, wait: bool) -> Self {
        self.wait_out_lockout = wait;
        self
    }

    /// The attempts per request.
    ///
    /// ```
    /// assert_eq!(usersig::rest::RetryPolicy::default().attempts(), 3);
    /// ```
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a 70050 lockout is waited out ([`RetryPolicy::wait_out_lockout`]).
    pub(super) fn waits_out_lockout(&self) -> bool {
        self.wait_out_lockout
    }

    /// The jittered delay before retry number `retry` (1 for the first retry).
    pub(super) fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(16);
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let half = full / 2;
        let spread = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
        let jitter = match spread {
            0 => 0,
            // `saturating_add`: a delay of Duration::MAX makes `n` u64::MAX.
            n => u64::from(fresh_random()) % n.saturating_add(1),
        };
        half + Duration::from_micros(jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_three_attempts_from_200_ms_capped_at_5_s_without_waiting_out_a_lockout() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.attempts(), 3);
        assert_eq!(policy.base_delay, Duration::from_millis(200));
        assert_eq!(policy.max_delay, Duration::from_secs(5));
        assert!(!policy.waits_out_lockout());
        assert!(
            RetryPolicy::default()
                .wait_out_lockout(true)
                .waits_out_lockout()
        );
    }

    #[test]
    fn attempts_stay_between_one_and_the_maximum() {
        assert_eq!(RetryPolicy::none().attempts(), 1);
        for (asked, got) in [(0, 1), (1, 1), (7, 7), (10, 10), (11, 10), (u32::MAX, 10)] {
            assert_eq!(
                RetryPolicy::default().max_attempts(asked).attempts(),
                got,
                "{asked}"
            );
        }
    }

    #[test]
    fn each_delay_is_between_half_and_all_of_a_doubling_capped_step() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(1_000));
        for (retry, full_ms) in [
            (0, 100),
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1_000),
            (40, 1_000),
        ] {
            let full = Duration::from_millis(full_ms);
            for _ in 0..20 {
                let delay = policy.delay(retry);
                assert!(
                    delay >= full / 2 && delay <= full,
                    "retry {retry}: {delay:?}"
                );
            }
        }
    }

    #[test]
    fn the_jitter_spreads_the_delays() {
        let policy = RetryPolicy::default().base_delay(Duration::from_secs(1));
        let delays: std::collections::HashSet<Duration> = (0..8).map(|_| policy.delay(1)).collect();
        assert!(delays.len() > 1, "{delays:?}");
    }

    #[test]
    fn a_zero_delay_stays_zero() {
        let policy = RetryPolicy::default().base_delay(Duration::ZERO);
        assert_eq!(policy.delay(3), Duration::ZERO);
    }

    #[test]
    fn absurd_delays_are_capped_without_overflowing() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX);
        for retry in [1, 2, 17, u32::MAX] {
            let delay = policy.delay(retry);
            assert!(delay >= Duration::MAX / 2, "{delay:?}");
        }
    }
}
