//! [`RetryClass`]: whether and how to retry a request that failed, the fourth column of the
//! code table (FORMAT.md §8).

use std::fmt;

/// Whether and how to retry a request that failed with a given code (FORMAT.md §8).
///
/// The names of [`as_str`](RetryClass::as_str) and the integer values are a public contract
/// (the C ABI returns the integer).
///
/// ```
/// use usersig::rest::{describe, RetryClass};
/// assert_eq!(describe(60007).map(|i| i.retry), Some(RetryClass::Backoff));
/// assert_eq!(RetryClass::RenewToken as u8, 3);
/// assert_eq!(RetryClass::After60s.as_str(), "after_60s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RetryClass {
    /// Retrying the same request cannot succeed: fix the request, the key or the settings.
    Never = 0,
    /// Transient (rate limit, timeout): retry with exponential backoff and jitter.
    Backoff = 1,
    /// Locked out for a while: wait 60 seconds before retrying.
    After60s = 2,
    /// The admin UserSig was refused as expired or damaged: mint a new one, retry once.
    RenewToken = 3,
}

impl RetryClass {
    /// Every class, in integer order.
    ///
    /// ```
    /// use usersig::rest::RetryClass;
    /// assert_eq!(RetryClass::ALL.map(|c| c as u8), [0, 1, 2, 3]);
    /// ```
    pub const ALL: [RetryClass; 4] = [
        RetryClass::Never,
        RetryClass::Backoff,
        RetryClass::After60s,
        RetryClass::RenewToken,
    ];

    /// The stable snake_case name: `never`, `backoff`, `after_60s`, `renew_token`.
    ///
    /// ```
    /// assert_eq!(usersig::rest::RetryClass::Never.as_str(), "never");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryClass::Never => "never",
            RetryClass::Backoff => "backoff",
            RetryClass::After60s => "after_60s",
            RetryClass::RenewToken => "renew_token",
        }
    }

    /// What to do, for a person.
    ///
    /// ```
    /// assert!(usersig::rest::RetryClass::Backoff.advice().contains("backoff"));
    /// ```
    pub const fn advice(self) -> &'static str {
        match self {
            RetryClass::Never => "do not retry: the same request will fail the same way",
            RetryClass::Backoff => "retry with exponential backoff and jitter",
            RetryClass::After60s => "wait 60 seconds, then retry",
            RetryClass::RenewToken => "mint a new admin UserSig, then retry once",
        }
    }

    /// Whether a retry can help at all.
    ///
    /// ```
    /// assert!(!usersig::rest::RetryClass::Never.is_retryable());
    /// ```
    pub const fn is_retryable(self) -> bool {
        !matches!(self, RetryClass::Never)
    }
}

impl fmt::Display for RetryClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_class_in_integer_order() {
        for (i, class) in RetryClass::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(class as u8), i);
        }
    }

    #[test]
    fn names_are_distinct_snake_case_and_shown_by_display() {
        for (i, a) in RetryClass::ALL.into_iter().enumerate() {
            assert!(
                a.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
            assert_eq!(a.to_string(), a.as_str());
            assert!(!a.advice().is_empty());
            for b in RetryClass::ALL.into_iter().skip(i + 1) {
                assert_ne!(a.as_str(), b.as_str());
                assert_ne!(a.advice(), b.advice());
            }
        }
    }

    #[test]
    fn only_never_is_not_worth_a_retry() {
        for class in RetryClass::ALL {
            assert_eq!(class.is_retryable(), class != RetryClass::Never, "{class}");
        }
    }
}
