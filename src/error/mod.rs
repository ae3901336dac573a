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

mod config;
mod sign;

pub use config::{ConfigError, ConfigErrorKind};
pub use sign::{KeyError, KeyErrorKind, SignError, SignErrorKind};

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
