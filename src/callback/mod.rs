//! Tencent's callbacks to your server, authenticated: the other half of server-to-server trust
//! next to the admin UserSig this crate mints for calls the other way.
//!
//! - [`im`]: IM third-party callbacks (before-send hooks that allow or block a message, state
//!   changes, group events). With callback authentication on in the console, Tencent adds
//!   `Sign = hex(SHA-256(token ‖ RequestTime))` and `RequestTime` to the query string; a request
//!   is accepted within a window around the server's clock (60 s by default).
//! - [`trtc`]: TRTC room and media event callbacks. Tencent sends the header
//!   `Sign = base64(HMAC-SHA256(callback key, body))` over the body bytes exactly as sent.
//!
//! Both verifiers take the raw parts a web framework hands a handler (the query string or the
//! whole URL, a header, the body bytes), compare signatures in constant time, keep their secret
//! in memory that is wiped on drop, print `<redacted>` for `Debug`, and answer a bad request
//! with a [`CallbackError`] whose [`kind`](CallbackError::kind) is a stable name. How to wire
//! them into a handler in each language: `docs/callbacks.md`.
//!
//! ```
//! use usersig::callback::{CallbackErrorKind, im};
//!
//! let verifier = im::Verifier::new("console-token")?.sdkappid(1400000000);
//! let url = im::signed_query("console-token", 1400000000, "C2C.CallbackBeforeSendMsg", 1700000000);
//! let request = verifier.verify_at(&url, 1700000030)?;           // 30 s later: inside 60 s
//! assert_eq!(request.command.as_deref(), Some("C2C.CallbackBeforeSendMsg"));
//! let err = verifier.verify_at(&url, 1700000061).unwrap_err();   // 61 s later: replayed?
//! assert_eq!(err.kind(), CallbackErrorKind::Stale);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod im;
mod query;
pub mod trtc;

use std::fmt;

/// Why a callback request was refused. The first failing check wins, in this order: the
/// request is readable ([`Malformed`](Self::Malformed)), carries a signature
/// ([`MissingSignature`](Self::MissingSignature)), the signature is right
/// ([`BadSignature`](Self::BadSignature)), it is recent ([`Stale`](Self::Stale), IM only), and
/// it is for the caller's application ([`SdkAppIdMismatch`](Self::SdkAppIdMismatch)).
///
/// `Display` never quotes the secret or the received signature; text from the request that it
/// quotes is escaped, so it cannot forge lines in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// The request cannot be read: a bad query string or percent-escape, a repeated parameter
    /// that must appear once, a non-numeric time, a body that is not the documented JSON.
    Malformed {
        /// What was wrong, for a person (request text escaped).
        detail: String,
    },
    /// `Sign` (or, for IM, `RequestTime`) is absent or empty: callback authentication may be
    /// off in the console, or the request is not from Tencent.
    MissingSignature {
        /// The missing parameter or header: `"Sign"` or `"RequestTime"`.
        field: &'static str,
    },
    /// The signature does not match: a wrong token or key, or a request that was changed.
    BadSignature,
    /// IM only: `RequestTime` is further than the window from the server's clock (a replay,
    /// or a clock that needs NTP).
    Stale {
        /// `RequestTime` as sent.
        request_time: u64,
        /// The server's clock.
        now: u64,
        /// The accepted distance, in seconds.
        window_secs: u64,
    },
    /// The request names another SDKAppID than the one the verifier was built for.
    SdkAppIdMismatch {
        /// The verifier's SDKAppID.
        expected: u64,
        /// The request's.
        got: u64,
    },
}

/// The stable, machine-readable kind of a [`CallbackError`], the same string in every language
/// and in `usersig callback --json`.
///
/// ```
/// use usersig::callback::CallbackErrorKind;
/// assert_eq!(CallbackErrorKind::BadSignature.as_str(), "bad_signature");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackErrorKind {
    /// `"malformed"`.
    Malformed,
    /// `"missing_signature"`.
    MissingSignature,
    /// `"bad_signature"`.
    BadSignature,
    /// `"stale"`.
    Stale,
    /// `"sdkappid_mismatch"`.
    SdkAppIdMismatch,
}

impl CallbackErrorKind {
    /// Every kind, in check order.
    pub const ALL: [CallbackErrorKind; 5] = [
        Self::Malformed,
        Self::MissingSignature,
        Self::BadSignature,
        Self::Stale,
        Self::SdkAppIdMismatch,
    ];

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::MissingSignature => "missing_signature",
            Self::BadSignature => "bad_signature",
            Self::Stale => "stale",
            Self::SdkAppIdMismatch => "sdkappid_mismatch",
        }
    }
}

impl fmt::Display for CallbackErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CallbackError {
    /// The stable kind.
    ///
    /// ```
    /// use usersig::callback::{CallbackErrorKind, trtc};
    /// let v = trtc::Verifier::new("key")?;
    /// let err = v.verify("not-the-sign", br#"{"EventGroupId":1}"#).unwrap_err();
    /// assert_eq!(err.kind(), CallbackErrorKind::BadSignature);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> CallbackErrorKind {
        match self {
            Self::Malformed { .. } => CallbackErrorKind::Malformed,
            Self::MissingSignature { .. } => CallbackErrorKind::MissingSignature,
            Self::BadSignature => CallbackErrorKind::BadSignature,
            Self::Stale { .. } => CallbackErrorKind::Stale,
            Self::SdkAppIdMismatch { .. } => CallbackErrorKind::SdkAppIdMismatch,
        }
    }

    fn malformed(detail: impl Into<String>) -> Self {
        Self::Malformed {
            detail: detail.into(),
        }
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { detail } => write!(f, "malformed callback request: {detail}"),
            Self::MissingSignature { field } => write!(
                f,
                "the request carries no {field}: turn on callback authentication in the console, \
                 or the request is not from Tencent"
            ),
            Self::BadSignature => f.write_str(
                "the signature does not match: a wrong token or key, or the request was changed",
            ),
            Self::Stale {
                request_time,
                now,
                window_secs,
            } => write!(
                f,
                "RequestTime {request_time} is {} s from this server's clock ({now}); at most \
                 {window_secs} s is accepted (a replay, or a clock that needs NTP)",
                request_time.abs_diff(*now)
            ),
            Self::SdkAppIdMismatch { expected, got } => write!(
                f,
                "the request is for SDKAppID {got}, this server expects {expected}"
            ),
        }
    }
}

impl std::error::Error for CallbackError {}

/// A secret that cannot be used: empty, or longer than the console allows.
///
/// ```
/// let err = usersig::callback::im::Verifier::new("").unwrap_err();
/// assert_eq!(err.to_string(), "the callback token is empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError {
    what: &'static str,
    len: usize,
    max: usize,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            write!(f, "the callback {} is empty", self.what)
        } else {
            write!(
                f,
                "the callback {} has {} bytes; the console allows at most {}",
                self.what, self.len, self.max
            )
        }
    }
}

impl SecretError {
    /// The secret was empty (rather than too long).
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::error::Error for SecretError {}

fn check_secret(what: &'static str, secret: &[u8], max: usize) -> Result<(), SecretError> {
    if secret.is_empty() || secret.len() > max {
        return Err(SecretError {
            what,
            len: secret.len(),
            max,
        });
    }
    Ok(())
}

/// Text from a request, made safe for a terminal or a log: control characters and quotes are
/// escaped as Rust escapes them, and anything past 64 characters is cut.
fn quoted(text: &str) -> String {
    let cut: String = text.chars().take(64).collect();
    let more = if cut.len() < text.len() { "..." } else { "" };
    format!("{:?}{more}", cut)
}

fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
