//! A verifier setting above its ceiling ([`ConfigError`], [`ConfigErrorKind`]).

use std::fmt;

/// A [`Verifier`](crate::Verifier) setting above its documented ceiling: a leeway or future
/// skew over a year would accept tokens long expired or far in the future, and size limits
/// over [`ConfigError::MAX_TOKEN_BYTES`] / [`ConfigError::MAX_INFLATED_BYTES`] would remove
/// the decompression-bomb bound (FORMAT.md §5.1).
///
/// ```
/// use usersig::{ConfigErrorKind, Verifier, DEMO_KEY};
/// let err = Verifier::new(1, DEMO_KEY)?.leeway_secs(u64::MAX).unwrap_err();
/// assert_eq!(err.kind(), ConfigErrorKind::LeewayTooLarge);
/// assert_eq!(err.kind().as_str(), "leeway_too_large");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigError {
    kind: ConfigErrorKind,
    value: u64,
    max: u64,
}

impl ConfigError {
    /// The most seconds of expiry leeway or future skew a verifier takes: one year.
    pub const MAX_SECS: u64 = 365 * 86_400;
    /// The largest token size limit a verifier takes: 64 KiB.
    pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
    /// The largest inflated size limit a verifier takes: 1 MiB.
    pub const MAX_INFLATED_BYTES: usize = 1024 * 1024;

    pub(crate) fn new(kind: ConfigErrorKind, value: u64, max: u64) -> Self {
        ConfigError { kind, value, max }
    }

    /// Which setting was out of range.
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }

    /// The value given.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// The ceiling it exceeded.
    pub fn max(&self) -> u64 {
        self.max
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ConfigErrorKind::LeewayTooLarge => "expiry leeway",
            ConfigErrorKind::FutureSkewTooLarge => "future skew",
            ConfigErrorKind::TokenLimitTooLarge => "token size limit",
            ConfigErrorKind::InflatedLimitTooLarge => "inflated size limit",
        };
        write!(
            f,
            "{what} {} is over the ceiling of {}",
            self.value, self.max
        )
    }
}

impl std::error::Error for ConfigError {}

/// The stable kind of a [`ConfigError`], for matching and for logs.
///
/// ```
/// use usersig::ConfigErrorKind;
/// assert_eq!(ConfigErrorKind::TokenLimitTooLarge.as_str(), "token_limit_too_large");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// `leeway_secs` over [`ConfigError::MAX_SECS`].
    LeewayTooLarge,
    /// `max_future_skew_secs` over [`ConfigError::MAX_SECS`].
    FutureSkewTooLarge,
    /// `Limits::max_token_bytes` over [`ConfigError::MAX_TOKEN_BYTES`].
    TokenLimitTooLarge,
    /// `Limits::max_inflated_bytes` over [`ConfigError::MAX_INFLATED_BYTES`].
    InflatedLimitTooLarge,
}

impl ConfigErrorKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigErrorKind::LeewayTooLarge => "leeway_too_large",
            ConfigErrorKind::FutureSkewTooLarge => "future_skew_too_large",
            ConfigErrorKind::TokenLimitTooLarge => "token_limit_too_large",
            ConfigErrorKind::InflatedLimitTooLarge => "inflated_limit_too_large",
        }
    }
}

impl fmt::Display for ConfigErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
