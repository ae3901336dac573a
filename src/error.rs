//! Errors: what went wrong, in a form a program can branch on and a person can act on.
//!
//! Every failure has a stable machine-readable kind, shared by the Rust API, the C result codes
//! and the CLI's JSON: [`ErrorKind`] for verification ([`VerifyError`]), [`SignErrorKind`] for
//! minting ([`SignError`]) and [`KeyErrorKind`] for an unusable key ([`KeyError`]). Where
//! Tencent's servers report the same condition, a verification failure also names the server
//! error code it mirrors (FORMAT.md §8).
//!
//! The kind names are not spelled here: they are the `kind` column of the one table of result
//! codes, [`crate::ffi::RESULT_CODES`], from which the C ABI and every language binding also
//! take them.

use std::fmt;

use crate::rest::RestCode;
use crate::time_fmt::{ago, rfc3339};

/// The stable kind of a verification failure.
///
/// The names returned by [`ErrorKind::as_str`] are a public contract: scripts match on them.
///
/// ```
/// use usersig::ErrorKind;
/// assert_eq!(ErrorKind::Expired.as_str(), "expired");
/// assert_eq!(ErrorKind::Expired.server_code(), Some(70001));
/// assert_eq!(ErrorKind::ALL.len(), 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The token could not be decoded: size, encoding, zlib, JSON or a field (FORMAT.md §5.1-5.2).
    Malformed,
    /// `TLS.ver` is not `"2.0"`, or the token is a legacy v1 (ECDSA) token (FORMAT.md §5.2).
    UnsupportedVersion,
    /// The token is for another SDKAppID (FORMAT.md §5.3).
    SdkAppIdMismatch,
    /// The token is for another identifier (FORMAT.md §5.4).
    IdentifierMismatch,
    /// The signature does not match: wrong key, or altered content (FORMAT.md §5.5).
    BadSignature,
    /// The token's issue time is further in the future than the allowed skew (FORMAT.md §5.6).
    NotYetValid,
    /// The token has expired (FORMAT.md §5.7).
    Expired,
    /// The userbuf is not what the caller expected (FORMAT.md §5.8).
    UserbufMismatch,
}

impl ErrorKind {
    /// Every kind, in the order verification checks them (FORMAT.md §5).
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Malformed,
        ErrorKind::UnsupportedVersion,
        ErrorKind::SdkAppIdMismatch,
        ErrorKind::IdentifierMismatch,
        ErrorKind::BadSignature,
        ErrorKind::NotYetValid,
        ErrorKind::Expired,
        ErrorKind::UserbufMismatch,
    ];

    /// The stable snake_case name, e.g. `"bad_signature"`: the kind the C ABI gives this
    /// kind's result code (`USERSIG_ERR_BAD_SIGNATURE`, [`crate::ffi::RESULT_CODES`]).
    ///
    /// ```
    /// assert_eq!(usersig::ErrorKind::SdkAppIdMismatch.as_str(), "sdkappid_mismatch");
    /// ```
    pub const fn as_str(self) -> &'static str {
        crate::ffi::kind_name(self.result_code())
    }

    /// Parses a name produced by [`ErrorKind::as_str`].
    ///
    /// ```
    /// use usersig::ErrorKind;
    /// assert_eq!(ErrorKind::from_name("expired"), Some(ErrorKind::Expired));
    /// assert_eq!(ErrorKind::from_name("nope"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The Tencent server error code for the same condition, where there is one (FORMAT.md §8).
    ///
    /// ```
    /// use usersig::ErrorKind;
    /// assert_eq!(ErrorKind::BadSignature.server_code(), Some(70009));
    /// assert_eq!(ErrorKind::NotYetValid.server_code(), None);
    /// ```
    pub const fn server_code(self) -> Option<u32> {
        // The numbers are the REST code table's (`rest::CODES`), named by their variants.
        let code = match self {
            ErrorKind::Malformed | ErrorKind::UnsupportedVersion => RestCode::UserSigInvalid,
            ErrorKind::SdkAppIdMismatch => RestCode::SdkAppIdMismatch,
            ErrorKind::IdentifierMismatch => RestCode::IdentifierMismatch,
            ErrorKind::BadSignature => RestCode::UserSigBadSignature,
            ErrorKind::Expired => RestCode::UserSigExpired,
            ErrorKind::NotYetValid | ErrorKind::UserbufMismatch => return None,
        };
        // Every code of the table fits in u32 (checked at compile time in rest/codes.rs).
        Some(code.code() as u32)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The layer of the token at which decoding failed (FORMAT.md §4, §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// The size limits of FORMAT.md §5.1 (token length or inflated length).
    Size,
    /// The outer base64 variant of FORMAT.md §4.2-4.3.
    Encoding,
    /// The zlib stream of FORMAT.md §4.1.
    Zlib,
    /// The JSON document of FORMAT.md §3.
    Json,
    /// A field of the JSON document: missing, duplicated, of the wrong type or out of range.
    Field,
}

impl Layer {
    /// A short lowercase name: `size`, `encoding`, `zlib`, `json`, `field`.
    ///
    /// ```
    /// assert_eq!(usersig::Layer::Zlib.as_str(), "zlib");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Layer::Size => "size",
            Layer::Encoding => "encoding",
            Layer::Zlib => "zlib",
            Layer::Json => "json",
            Layer::Field => "field",
        }
    }
}

/// Why a token could not be decoded: the layer, the field when there is one, and the reason.
///
/// ```
/// use usersig::{inspect, Layer, VerifyError};
/// let err = inspect("not a token!").unwrap_err();
/// match err {
///     VerifyError::Malformed(m) => assert_eq!(m.layer, Layer::Encoding),
///     other => panic!("unexpected {other}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Where decoding failed.
    pub layer: Layer,
    /// The JSON field at fault (e.g. `"TLS.expire"`), for [`Layer::Field`] errors.
    pub field: Option<&'static str>,
    /// What was wrong, for a person.
    pub reason: String,
}

impl Malformed {
    pub(crate) fn new(layer: Layer, reason: impl Into<String>) -> Self {
        Malformed {
            layer,
            field: None,
            reason: reason.into(),
        }
    }

    pub(crate) fn field(field: &'static str, reason: impl Into<String>) -> Self {
        Malformed {
            layer: Layer::Field,
            field: Some(field),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "{} `{}`: {}", self.layer.as_str(), field, self.reason),
            None => write!(f, "{}: {}", self.layer.as_str(), self.reason),
        }
    }
}

/// Why a token failed verification (FORMAT.md §5). The first failing check, in that order, wins.
///
/// ```
/// use usersig::{ErrorKind, Mint, Signer, Verifier, DEMO_KEY, DEMO_SDKAPPID};
/// let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY)?;
/// let token = signer.mint(&Mint::new("alice").time(1_700_000_000).expire_secs(60))?;
/// let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY)?;
/// let err = verifier.verify_at(&token, "alice", 1_700_000_061).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Expired);
/// assert_eq!(err.server_code(), Some(70001));
/// assert!(err.to_string().contains("expired at 2023-11-14T22:14:20Z"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token could not be decoded (FORMAT.md §5.1-5.2).
    Malformed(Malformed),
    /// `TLS.ver` is missing or not `"2.0"`.
    UnsupportedVersion {
        /// The `TLS.ver` found, if any (cut to 64 bytes).
        found: Option<String>,
        /// The token is a legacy v1 (ECDSA) token: `TLS.sdk_appid`, no `TLS.ver`.
        legacy_v1: bool,
    },
    /// `TLS.sdkappid` is not the expected one (server code 70014).
    SdkAppIdMismatch {
        /// What the verifier was configured with.
        expected: u64,
        /// What the token says.
        found: u64,
    },
    /// `TLS.identifier` is not the expected one (server code 70013).
    IdentifierMismatch {
        /// The identifier the caller expected.
        expected: String,
        /// The identifier in the token.
        found: String,
    },
    /// The signature does not match the content (server code 70009).
    BadSignature,
    /// `TLS.time` is further in the future than the verifier's allowed skew.
    NotYetValid {
        /// The token's issue time (Unix seconds).
        time: u64,
        /// The verifier's clock (Unix seconds).
        now: u64,
        /// The allowed skew in seconds.
        max_future_skew: u64,
    },
    /// The token expired (server code 70001).
    Expired {
        /// `time + expire`: the last second the token was valid (Unix seconds).
        expired_at: u64,
        /// The verifier's clock (Unix seconds).
        now: u64,
        /// The leeway that was granted, in seconds.
        leeway: u64,
    },
    /// The userbuf is not what the caller expected.
    UserbufMismatch {
        /// What differs, for a person.
        reason: String,
    },
}

impl VerifyError {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            VerifyError::Malformed(_) => ErrorKind::Malformed,
            VerifyError::UnsupportedVersion { .. } => ErrorKind::UnsupportedVersion,
            VerifyError::SdkAppIdMismatch { .. } => ErrorKind::SdkAppIdMismatch,
            VerifyError::IdentifierMismatch { .. } => ErrorKind::IdentifierMismatch,
            VerifyError::BadSignature => ErrorKind::BadSignature,
            VerifyError::NotYetValid { .. } => ErrorKind::NotYetValid,
            VerifyError::Expired { .. } => ErrorKind::Expired,
            VerifyError::UserbufMismatch { .. } => ErrorKind::UserbufMismatch,
        }
    }

    /// The Tencent server code this error mirrors, if any (see [`ErrorKind::server_code`]).
    pub fn server_code(&self) -> Option<u32> {
        self.kind().server_code()
    }
}

impl From<Malformed> for VerifyError {
    fn from(m: Malformed) -> Self {
        VerifyError::Malformed(m)
    }
}

/// Shows at most 64 characters of attacker-controlled text, escaped, so a log line stays short.
pub(crate) struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        let head: String = chars.by_ref().take(64).collect();
        if chars.next().is_some() {
            write!(f, "{:?}…", head)
        } else {
            write!(f, "{:?}", head)
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Malformed(m) => write!(f, "malformed token: {m}"),
            VerifyError::UnsupportedVersion {
                legacy_v1: true, ..
            } => f.write_str(
                "legacy v1 (ECDSA) token: this library verifies v2 (HMAC-SHA256) tokens only; \
                 mint a new one with the app's v2 key",
            ),
            VerifyError::UnsupportedVersion { found: None, .. } => {
                f.write_str("unsupported token version: `TLS.ver` is missing")
            }
            VerifyError::UnsupportedVersion { found: Some(v), .. } => write!(
                f,
                "unsupported token version {}: only \"2.0\" is supported",
                Shown(v)
            ),
            VerifyError::SdkAppIdMismatch { expected, found } => write!(
                f,
                "token is for SDKAppID {found}, not {expected}: it was minted for another app"
            ),
            VerifyError::IdentifierMismatch { expected, found } => write!(
                f,
                "token is for identifier {}, not {}",
                Shown(found),
                Shown(expected)
            ),
            VerifyError::BadSignature => f.write_str(
                "signature does not match: the token was minted with another key or altered",
            ),
            VerifyError::NotYetValid {
                time,
                now,
                max_future_skew,
            } => write!(
                f,
                "token issued at {}, {}s in the future (allowed skew {}s); check the clocks of \
                 the minting server and this one",
                rfc3339(*time),
                time.saturating_sub(*now),
                max_future_skew
            ),
            VerifyError::Expired {
                expired_at, now, ..
            } => write!(
                f,
                "token expired at {}, {}; mint a new one",
                rfc3339(*expired_at),
                ago(now.saturating_sub(*expired_at))
            ),
            VerifyError::UserbufMismatch { reason } => write!(f, "userbuf mismatch: {reason}"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Why a token could not be minted (FORMAT.md §7). Nothing is minted that could not verify.
///
/// ```
/// use usersig::{SignError, SignErrorKind, Signer, DEMO_KEY};
/// let signer = Signer::new(1400000000, DEMO_KEY)?;
/// let err = signer.user_sig("", 86400).unwrap_err();
/// assert_eq!(err, SignError::EmptyIdentifier);
/// assert_eq!(err.kind(), SignErrorKind::EmptyIdentifier);
/// # Ok::<(), SignError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The key is empty.
    EmptyKey,
    /// The identifier is empty.
    EmptyIdentifier,
    /// The identifier contains a NUL byte.
    IdentifierContainsNul,
    /// An input is longer than the format can carry (u16 lengths, FORMAT.md §6-7), or the token
    /// would exceed the verifier's default limits (FORMAT.md §5.1: 16 KiB of token, 64 KiB of
    /// JSON), which no default verifier would accept.
    TooLong {
        /// Which input: `"identifier"`, `"userbuf"`, `"room"`, `"token"` or `"token document"`.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The most the format can carry.
        max: usize,
    },
    /// `time + expire` does not fit: in u64, or in u32 for a PrivateMapKey (FORMAT.md §6).
    ExpiryOutOfRange {
        /// The issue time.
        time: u64,
        /// The lifetime in seconds.
        expire: u64,
    },
    /// A PrivateMapKey stores the SDKAppID as u32 (FORMAT.md §6); this one does not fit.
    SdkAppIdOutOfRange {
        /// The SDKAppID.
        sdkappid: u64,
    },
    /// The system clock is before 1970.
    ClockBeforeEpoch,
}

impl SignError {
    /// The stable kind of this error, for a program to branch on.
    ///
    /// ```
    /// use usersig::{Mint, SignErrorKind, Signer, DEMO_KEY};
    /// let signer = Signer::new(1400000000, DEMO_KEY)?;
    /// let err = signer.mint(&Mint::new("alice").time(u64::MAX)).unwrap_err();
    /// assert_eq!(err.kind(), SignErrorKind::ExpiryOutOfRange);
    /// assert_eq!(err.kind().as_str(), "expiry_out_of_range");
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn kind(&self) -> SignErrorKind {
        match self {
            SignError::EmptyKey => SignErrorKind::EmptyKey,
            SignError::EmptyIdentifier => SignErrorKind::EmptyIdentifier,
            SignError::IdentifierContainsNul => SignErrorKind::IdentifierContainsNul,
            SignError::TooLong { .. } => SignErrorKind::TooLong,
            SignError::ExpiryOutOfRange { .. } => SignErrorKind::ExpiryOutOfRange,
            SignError::SdkAppIdOutOfRange { .. } => SignErrorKind::SdkAppIdOutOfRange,
            SignError::ClockBeforeEpoch => SignErrorKind::ClockBeforeEpoch,
        }
    }
}

impl From<KeyError> for SignError {
    /// A key no signer can use is a reason no token can be minted: `?` in a minting function
    /// passes a [`KeyError`] on as the [`SignError`] of the same kind.
    fn from(err: KeyError) -> SignError {
        match err {
            KeyError::EmptyKey => SignError::EmptyKey,
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::EmptyKey => fmt::Display::fmt(&KeyError::EmptyKey, f),
            SignError::EmptyIdentifier => f.write_str("the identifier is empty"),
            SignError::IdentifierContainsNul => f.write_str("the identifier contains a NUL byte"),
            SignError::TooLong { what, len, max } => write!(
                f,
                "the {what} is {len} bytes long; the format carries at most {max}"
            ),
            SignError::ExpiryOutOfRange { time, expire } => write!(
                f,
                "time {time} + expire {expire} is out of range for this token"
            ),
            SignError::SdkAppIdOutOfRange { sdkappid } => write!(
                f,
                "SDKAppID {sdkappid} does not fit in the 32 bits a PrivateMapKey has"
            ),
            SignError::ClockBeforeEpoch => f.write_str("the system clock is before 1970"),
        }
    }
}

impl std::error::Error for SignError {}

/// The stable kind of a minting failure ([`SignError::kind`]).
///
/// The names returned by [`SignErrorKind::as_str`] are a public contract, the same as the C
/// ABI's kinds for these result codes (`usersig_error_kind`).
///
/// ```
/// use usersig::SignErrorKind;
/// assert_eq!(SignErrorKind::TooLong.as_str(), "too_long");
/// assert_eq!(SignErrorKind::from_name("too_long"), Some(SignErrorKind::TooLong));
/// assert_eq!(SignErrorKind::ALL.len(), 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignErrorKind {
    /// [`SignError::EmptyKey`].
    EmptyKey,
    /// [`SignError::EmptyIdentifier`].
    EmptyIdentifier,
    /// [`SignError::IdentifierContainsNul`].
    IdentifierContainsNul,
    /// [`SignError::TooLong`].
    TooLong,
    /// [`SignError::ExpiryOutOfRange`].
    ExpiryOutOfRange,
    /// [`SignError::SdkAppIdOutOfRange`].
    SdkAppIdOutOfRange,
    /// [`SignError::ClockBeforeEpoch`].
    ClockBeforeEpoch,
}

impl SignErrorKind {
    /// Every kind, in the order of their result codes.
    pub const ALL: [SignErrorKind; 7] = [
        SignErrorKind::EmptyKey,
        SignErrorKind::EmptyIdentifier,
        SignErrorKind::IdentifierContainsNul,
        SignErrorKind::TooLong,
        SignErrorKind::ExpiryOutOfRange,
        SignErrorKind::SdkAppIdOutOfRange,
        SignErrorKind::ClockBeforeEpoch,
    ];

    /// The stable snake_case name, e.g. `"identifier_contains_nul"`: the kind the C ABI gives
    /// this kind's result code ([`crate::ffi::RESULT_CODES`]).
    ///
    /// ```
    /// use usersig::SignErrorKind;
    /// assert_eq!(SignErrorKind::IdentifierContainsNul.as_str(), "identifier_contains_nul");
    /// ```
    pub const fn as_str(self) -> &'static str {
        crate::ffi::kind_name(self.result_code())
    }

    /// Parses a name produced by [`SignErrorKind::as_str`].
    ///
    /// ```
    /// use usersig::SignErrorKind;
    /// assert_eq!(SignErrorKind::from_name("empty_key"), Some(SignErrorKind::EmptyKey));
    /// assert_eq!(SignErrorKind::from_name("expired"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<SignErrorKind> {
        SignErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for SignErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a key cannot be used: the error of [`Verifier::new`](crate::Verifier::new).
///
/// ```
/// use usersig::{KeyError, KeyErrorKind, Verifier};
/// let err = Verifier::new(1400000000, "").unwrap_err();
/// assert_eq!(err, KeyError::EmptyKey);
/// assert_eq!(err.kind(), KeyErrorKind::EmptyKey);
/// assert_eq!(err.kind().as_str(), "empty_key");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The key is empty.
    EmptyKey,
}

impl KeyError {
    /// The stable kind of this error, for a program to branch on.
    ///
    /// ```
    /// use usersig::{KeyErrorKind, Verifier};
    /// assert_eq!(Verifier::new(1, b"").unwrap_err().kind(), KeyErrorKind::EmptyKey);
    /// ```
    pub fn kind(&self) -> KeyErrorKind {
        match self {
            KeyError::EmptyKey => KeyErrorKind::EmptyKey,
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::EmptyKey => f.write_str("the key is empty"),
        }
    }
}

impl std::error::Error for KeyError {}

/// The stable kind of an unusable key ([`KeyError::kind`]).
///
/// The names returned by [`KeyErrorKind::as_str`] are a public contract, the same as the C
/// ABI's kinds for these result codes (`usersig_error_kind`); an empty key has the same kind,
/// `"empty_key"`, whether a signer or a verifier refused it.
///
/// ```
/// use usersig::{KeyErrorKind, SignErrorKind};
/// assert_eq!(KeyErrorKind::EmptyKey.as_str(), "empty_key");
/// assert_eq!(KeyErrorKind::EmptyKey.as_str(), SignErrorKind::EmptyKey.as_str());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyErrorKind {
    /// [`KeyError::EmptyKey`].
    EmptyKey,
}

impl KeyErrorKind {
    /// Every kind.
    pub const ALL: [KeyErrorKind; 1] = [KeyErrorKind::EmptyKey];

    /// The stable snake_case name, `"empty_key"`: the kind the C ABI gives this kind's result
    /// code ([`crate::ffi::RESULT_CODES`]).
    ///
    /// ```
    /// assert_eq!(usersig::KeyErrorKind::EmptyKey.as_str(), "empty_key");
    /// ```
    pub const fn as_str(self) -> &'static str {
        crate::ffi::kind_name(self.result_code())
    }

    /// Parses a name produced by [`KeyErrorKind::as_str`].
    ///
    /// ```
    /// use usersig::KeyErrorKind;
    /// assert_eq!(KeyErrorKind::from_name("empty_key"), Some(KeyErrorKind::EmptyKey));
    /// assert_eq!(KeyErrorKind::from_name("too_long"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<KeyErrorKind> {
        KeyErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for KeyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Mint, Signer, Verifier, inspect_at};

    /// Token text in a message is quoted through `Shown`, which escapes as `{:?}` does: a
    /// hostile identifier or version cannot put a control character into a log line.
    #[test]
    fn messages_that_quote_token_text_escape_control_characters() {
        let hostile = "eve\u{1b}[31m\r\n\u{7}\u{9b}\u{7f}\u{202e}";
        let signer = Signer::new(1_400_000_000, "k").unwrap();
        let token = signer.mint(&Mint::new(hostile).time(0)).unwrap();
        let verifier = Verifier::new(1_400_000_000, "k").unwrap();
        let mismatch = verifier.verify_at(&token, "alice", 0).unwrap_err();
        assert_eq!(mismatch.kind(), ErrorKind::IdentifierMismatch);
        let version = VerifyError::UnsupportedVersion {
            found: Some(hostile.into()),
            legacy_v1: false,
        };
        let reverse = VerifyError::IdentifierMismatch {
            expected: hostile.into(),
            found: "alice".into(),
        };
        for err in [mismatch, version, reverse] {
            let text = err.to_string();
            assert!(
                !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{text:?}"
            );
            assert!(
                text.contains(r"eve\u{1b}[31m\r\n\u{7}\u{9b}\u{7f}\u{202e}"),
                "{text}"
            );
        }
        // The token decodes; inspecting it is not an error.
        assert!(inspect_at(&token, 0).is_ok());
    }
}
