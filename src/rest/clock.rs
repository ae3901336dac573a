//! [`Clock`]: where the admin token reads the time, the system's or one a test moves.

use crate::time_fmt::unix_now;

/// A source of Unix time in seconds, injectable for tests.
///
/// Implemented by [`SystemClock`] and by any `Fn() -> u64 + Send + Sync` closure.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// use usersig::rest::Clock;
/// let now = Arc::new(AtomicU64::new(1_700_000_000));
/// let clock = { let now = now.clone(); move || now.load(Ordering::Relaxed) };
/// assert_eq!(clock.now_unix(), 1_700_000_000);
/// ```
pub trait Clock: Send + Sync {
    /// The current Unix time in seconds.
    fn now_unix(&self) -> u64;
}

impl<F: Fn() -> u64 + Send + Sync> Clock for F {
    fn now_unix(&self) -> u64 {
        self()
    }
}

/// The system clock (0 if it is set before 1970).
///
/// ```
/// use usersig::rest::{Clock, SystemClock};
/// assert!(SystemClock.now_unix() > 1_600_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        unix_now().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    #[test]
    fn the_system_clock_reads_the_present() {
        let now = SystemClock.now_unix();
        assert!(now > 1_700_000_000, "{now}");
    }

    #[test]
    fn a_closure_is_a_clock_that_reads_what_it_returns() {
        let now = AtomicU64::new(5);
        let clock = || now.fetch_add(1, Ordering::Relaxed);
        assert_eq!((clock.now_unix(), clock.now_unix()), (5, 6));
        let boxed: Box<dyn Clock> = Box::new(|| 42);
        assert_eq!(boxed.now_unix(), 42);
    }
}
