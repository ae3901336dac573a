//! The result codes: one table, [`RESULT_CODES`], holds every code's C name, number, stable
//! kind and message, and everything else is derived from it:
//!
//! - the `USERSIG_ERR_*` constants, in Rust here and in C as the header's `#define`s, which
//!   `tests/ffi_header.rs` renders from the table (cbindgen does not expand macros);
//! - [`usersig_error_kind`] and [`usersig_error_message`];
//! - the names of the core's error kinds ([`ErrorKind::as_str`], [`SignErrorKind::as_str`],
//!   [`KeyErrorKind::as_str`]), and the code each core error becomes at the boundary;
//! - the Go, Python and C++ bindings' copies, which `tests/binding_tables.rs` compares with the
//!   table, entry by entry, both ways.

use std::ffi::{CStr, c_char, c_int};

use super::Code;
use crate::callback::{CallbackError, CallbackErrorKind, SecretError};
use crate::rest::UrlError;
use crate::{ErrorKind, KeyError, KeyErrorKind, SignError, SignErrorKind, VerifyError};

/// One result code of the C ABI: a row of [`RESULT_CODES`]. (Rust only: cbindgen emits no
/// type that no export uses, and the header's `#define`s are rendered from the rows.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultCode {
    /// The C name, e.g. `"USERSIG_ERR_EXPIRED"`: `USERSIG_ERR_` and the kind in capitals
    /// (`USERSIG_OK` for success).
    pub name: &'static str,
    /// The value, e.g. 7. Stable and never reused.
    pub code: c_int,
    /// The stable kind, e.g. `"expired"`: what [`usersig_error_kind`] returns, and for the
    /// core's errors what their kind's `as_str` returns.
    pub kind: &'static str,
    /// The static message [`usersig_error_message`] returns: English, one line, no trailing
    /// period.
    pub message: &'static str,
    /// The constant's documentation, as rustdoc and the header show it: lines separated by
    /// `\n`, each with the leading space of a `///` comment, the last one naming the kind.
    pub doc: &'static str,
    kind_c: &'static CStr,
    message_c: &'static CStr,
}

/// A string literal with its NUL as a `CStr`, at compile time.
#[allow(clippy::panic)] // only ever evaluated in a const: a NUL inside fails the build
const fn c_str(with_nul: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(with_nul.as_bytes()) {
        Ok(text) => text,
        Err(_) => panic!("a kind or a message of RESULT_CODES contains a NUL"),
    }
}

/// Defines the table and, from each row, its Rust constant. A row is the constant's
/// documentation, then `NAME = code, "kind", "message";`.
macro_rules! result_codes {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal, $kind:literal, $message:literal;)*) => {
        $(
            $(#[doc = $doc])*
            #[doc = concat!(" Kind `\"", $kind, "\"`.")]
            pub const $name: c_int = $code;
        )*

        /// Every result code of the C ABI, in the order of their numbers: the one table the
        /// `USERSIG_ERR_*` constants, [`usersig_error_kind`], [`usersig_error_message`], the
        /// names of the core's error kinds and the header's `#define`s are made from.
        ///
        /// ```
        /// use usersig::ffi::{RESULT_CODES, USERSIG_ERR_EXPIRED};
        /// let expired = RESULT_CODES.iter().find(|c| c.code == USERSIG_ERR_EXPIRED).unwrap();
        /// assert_eq!((expired.name, expired.kind), ("USERSIG_ERR_EXPIRED", "expired"));
        /// assert_eq!(expired.kind, usersig::ErrorKind::Expired.as_str());
        /// ```
        pub const RESULT_CODES: &[ResultCode] = &[$(
            ResultCode {
                name: stringify!($name),
                code: $code,
                kind: $kind,
                message: $message,
                doc: concat!($($doc, "\n",)* " Kind `\"", $kind, "\"`."),
                kind_c: c_str(concat!($kind, "\0")),
                message_c: c_str(concat!($message, "\0")),
            },
        )*];
    };
}

// Stable, never reused. 1-19 verification (FORMAT.md §5, in check order), 20-39 minting
// (FORMAT.md §7), 40-59 calling errors (44-48: building a REST URL, FORMAT.md §8), 60+ internal.
result_codes! {
    /// Success.
    USERSIG_OK = 0, "ok", "success";

    /// Verification: the token could not be decoded (size, encoding, zlib, JSON or a field;
    /// FORMAT.md §5.1-5.2). Server code 70003.
    USERSIG_ERR_MALFORMED = 1, "malformed",
        "the token could not be decoded (size, encoding, zlib, JSON or a field); server code 70003";
    /// Verification: `TLS.ver` is not `"2.0"`, or a legacy v1 (ECDSA) token.
    USERSIG_ERR_UNSUPPORTED_VERSION = 2, "unsupported_version",
        "the token is not a v2 token: TLS.ver is not \"2.0\", or it is a legacy v1 (ECDSA) token";
    /// Verification: the token is for another SDKAppID. Server code 70014.
    USERSIG_ERR_SDKAPPID_MISMATCH = 3, "sdkappid_mismatch",
        "the token is for another SDKAppID (server code 70014)";
    /// Verification: the token is for another identifier. Server code 70013.
    USERSIG_ERR_IDENTIFIER_MISMATCH = 4, "identifier_mismatch",
        "the token is for another identifier (server code 70013)";
    /// Verification: the signature does not match (wrong key, or altered). Server code 70009.
    USERSIG_ERR_BAD_SIGNATURE = 5, "bad_signature",
        "the signature does not match: the token was minted with another key or altered (server code 70009)";
    /// Verification: issued further in the future than the verifier's skew allows.
    USERSIG_ERR_NOT_YET_VALID = 6, "not_yet_valid",
        "the token is issued further in the future than the allowed clock skew; check the clocks";
    /// Verification: the token has expired. Server code 70001.
    USERSIG_ERR_EXPIRED = 7, "expired",
        "the token has expired; mint a new one (server code 70001)";
    /// Verification: the userbuf is not what the caller's expectation requires.
    USERSIG_ERR_USERBUF_MISMATCH = 8, "userbuf_mismatch",
        "the token's userbuf is not what the caller expected";
    /// Verifying a callback (`usersig_im_callback_verify*`, `usersig_trtc_callback_verify`): the
    /// request carries no `Sign` (or, IM, no `RequestTime`): callback authentication is off in
    /// the console, or the request is not from Tencent. A callback that is unreadable, wrongly
    /// signed or for another app is `USERSIG_ERR_MALFORMED`, `USERSIG_ERR_BAD_SIGNATURE` or
    /// `USERSIG_ERR_SDKAPPID_MISMATCH`, the same concepts as for tokens.
    USERSIG_ERR_MISSING_SIGNATURE = 9, "missing_signature",
        "the callback request carries no Sign (or no RequestTime): turn on callback authentication, or it is not from Tencent";
    /// Verifying an IM callback: `RequestTime` is further than the verifier's window from the
    /// clock (a replay, or a clock that needs NTP).
    USERSIG_ERR_STALE = 10, "stale",
        "the callback's RequestTime is outside the accepted window from this clock (a replay, or a clock that needs NTP)";

    /// Minting, or creating a signer or a verifier: the key is empty.
    USERSIG_ERR_EMPTY_KEY = 20, "empty_key", "the key is empty";
    /// Minting, or building a REST URL: the (admin) identifier is empty.
    USERSIG_ERR_EMPTY_IDENTIFIER = 21, "empty_identifier", "the identifier is empty";
    /// Minting: the identifier contains a NUL byte.
    USERSIG_ERR_IDENTIFIER_CONTAINS_NUL = 22, "identifier_contains_nul",
        "the identifier contains a NUL byte";
    /// Minting: an identifier, userbuf or room string is longer than the format's 65535 bytes, or
    /// the token would be longer than `USERSIG_MAX_TOKEN_LEN` (or its JSON longer than
    /// `USERSIG_MAX_INFLATED_LEN`).
    USERSIG_ERR_TOO_LONG = 23, "too_long",
        "an identifier, userbuf or room string is longer than the format's 65535 bytes";
    /// Minting: `time + expire` does not fit (in 64 bits, or 32 bits for a PrivateMapKey).
    USERSIG_ERR_EXPIRY_OUT_OF_RANGE = 24, "expiry_out_of_range",
        "time + expire is out of range (64 bits, or 32 bits for a PrivateMapKey)";
    /// Minting: a PrivateMapKey needs an SDKAppID that fits in 32 bits.
    USERSIG_ERR_SDKAPPID_OUT_OF_RANGE = 25, "sdkappid_out_of_range",
        "the SDKAppID does not fit in the 32 bits a PrivateMapKey has";
    /// Minting: the system clock is before 1970.
    USERSIG_ERR_CLOCK_BEFORE_EPOCH = 26, "clock_before_epoch", "the system clock is before 1970";

    /// A required pointer is NULL (only `(NULL, 0)` inputs are accepted, as empty).
    USERSIG_ERR_NULL_ARGUMENT = 40, "null_argument",
        "a required pointer is NULL (only (NULL, 0) is accepted, as empty input)";
    /// A text argument (an identifier, a room string, or an endpoint, service, command or UserSig
    /// given to `usersig_rest_url`) is not valid UTF-8.
    USERSIG_ERR_INVALID_UTF8 = 41, "invalid_utf8",
        "a text argument (identifier, room, or REST endpoint, service, command or UserSig) is not valid UTF-8";
    /// An argument is out of range: an unknown compression or expectation kind, privilege bits
    /// above 255, or a length above `PTRDIFF_MAX`.
    USERSIG_ERR_INVALID_ARGUMENT = 42, "invalid_argument",
        "an argument is out of range: unknown compression or expectation kind, privilege bits above 255, or a length above PTRDIFF_MAX";
    /// The output buffer is too small: `*len` holds the length needed.
    USERSIG_ERR_BUFFER_TOO_SMALL = 43, "buffer_too_small",
        "the output buffer is too small; *len holds the length needed (text needs 1 more byte for the NUL)";
    /// Building a REST URL: the endpoint is neither a known region code (`cn`, `sgp`, `kr`, `jpn`,
    /// `ger`, `ind`, `usa`, `idn` or their longer names) nor a base URL (text containing `://`).
    USERSIG_ERR_UNKNOWN_REGION = 44, "unknown_region",
        "unknown REST region; known: cn, sgp, kr, jpn, ger, ind, usa, idn, or a base URL with ://";
    /// Building a REST URL: the base URL is not `http(s)://host[:port][/prefix]` in printable
    /// ASCII, without a query or a fragment.
    USERSIG_ERR_BAD_BASE_URL = 45, "bad_base_url",
        "the REST base URL is not http(s)://host[:port][/prefix] in printable ASCII without a query or fragment";
    /// Building a REST URL: the service or the command is empty or not made of `[A-Za-z0-9_]`.
    USERSIG_ERR_BAD_PATH_SEGMENT = 46, "bad_path_segment",
        "the REST service or command is empty or not made of letters, digits and _";
    /// Building a REST URL: the SDKAppID is 0.
    USERSIG_ERR_MISSING_SDKAPPID = 47, "missing_sdkappid", "the SDKAppID of the REST URL is 0";
    /// Building a REST URL: the admin UserSig is empty.
    USERSIG_ERR_EMPTY_USERSIG = 48, "empty_usersig", "the admin UserSig of the REST URL is empty";

    /// The library panicked: a bug. The call had no effect.
    USERSIG_ERR_PANIC = 60, "panic",
        "internal error: the library panicked and the call had no effect; please report this bug";
}

/// A literal as Rust text and as a C string.
macro_rules! text_and_c_str {
    ($text:literal) => {
        ($text, c_str(concat!($text, "\0")))
    };
}

/// The kind of a code not in the table.
const UNKNOWN_KIND: (&str, &CStr) = text_and_c_str!("unknown");
/// The message of a code not in the table.
const UNKNOWN_MESSAGE: &CStr = c"unknown result code";

/// What they give if looking a code up ever panicked: the panic row.
const PANICKED: &ResultCode = match row(USERSIG_ERR_PANIC) {
    Some(row) => row,
    None => panic!("USERSIG_ERR_PANIC has no row"),
};

/// The row of `code`, if it has one.
pub(crate) const fn row(code: c_int) -> Option<&'static ResultCode> {
    let mut rows = RESULT_CODES;
    while let [row, rest @ ..] = rows {
        if row.code == code {
            return Some(row);
        }
        rows = rest;
    }
    None
}

/// The kind of `code`: the table's, or `"unknown"`. The core's kinds take their names from
/// here; each has a row (checked at compile time below).
pub(crate) const fn kind_name(code: c_int) -> &'static str {
    match row(code) {
        Some(row) => row.kind,
        None => UNKNOWN_KIND.0,
    }
}

// ---------------------------------------------------------------------------------------------
// The core's errors: which row each kind is. The matches are exhaustive (the crate sees through
// `non_exhaustive`), so a new kind fails to compile here until it is given a row.
// ---------------------------------------------------------------------------------------------

impl ErrorKind {
    /// The result code of this kind.
    pub(crate) const fn result_code(self) -> c_int {
        match self {
            ErrorKind::Malformed => USERSIG_ERR_MALFORMED,
            ErrorKind::UnsupportedVersion => USERSIG_ERR_UNSUPPORTED_VERSION,
            ErrorKind::SdkAppIdMismatch => USERSIG_ERR_SDKAPPID_MISMATCH,
            ErrorKind::IdentifierMismatch => USERSIG_ERR_IDENTIFIER_MISMATCH,
            ErrorKind::BadSignature => USERSIG_ERR_BAD_SIGNATURE,
            ErrorKind::NotYetValid => USERSIG_ERR_NOT_YET_VALID,
            ErrorKind::Expired => USERSIG_ERR_EXPIRED,
            ErrorKind::UserbufMismatch => USERSIG_ERR_USERBUF_MISMATCH,
        }
    }
}

impl CallbackErrorKind {
    /// The result code of this kind: the token verification codes where the concept is the
    /// same (malformed, bad signature, another SDKAppID), rows of their own otherwise.
    pub(crate) const fn result_code(self) -> c_int {
        match self {
            CallbackErrorKind::Malformed => USERSIG_ERR_MALFORMED,
            CallbackErrorKind::MissingSignature => USERSIG_ERR_MISSING_SIGNATURE,
            CallbackErrorKind::BadSignature => USERSIG_ERR_BAD_SIGNATURE,
            CallbackErrorKind::Stale => USERSIG_ERR_STALE,
            CallbackErrorKind::SdkAppIdMismatch => USERSIG_ERR_SDKAPPID_MISMATCH,
        }
    }
}

impl SignErrorKind {
    /// The result code of this kind.
    pub(crate) const fn result_code(self) -> c_int {
        match self {
            SignErrorKind::EmptyKey => USERSIG_ERR_EMPTY_KEY,
            SignErrorKind::EmptyIdentifier => USERSIG_ERR_EMPTY_IDENTIFIER,
            SignErrorKind::IdentifierContainsNul => USERSIG_ERR_IDENTIFIER_CONTAINS_NUL,
            SignErrorKind::TooLong => USERSIG_ERR_TOO_LONG,
            SignErrorKind::ExpiryOutOfRange => USERSIG_ERR_EXPIRY_OUT_OF_RANGE,
            SignErrorKind::SdkAppIdOutOfRange => USERSIG_ERR_SDKAPPID_OUT_OF_RANGE,
            SignErrorKind::ClockBeforeEpoch => USERSIG_ERR_CLOCK_BEFORE_EPOCH,
        }
    }
}

impl KeyErrorKind {
    /// The result code of this kind.
    pub(crate) const fn result_code(self) -> c_int {
        match self {
            KeyErrorKind::EmptyKey => USERSIG_ERR_EMPTY_KEY,
        }
    }
}

// Every code in the table once, and every kind of the core a row of its own category: a broken
// table fails the build.
const _: () = {
    let mut rows = RESULT_CODES;
    while let [row, rest @ ..] = rows {
        let mut others = rest;
        while let [other, tail @ ..] = others {
            assert!(
                row.code < other.code,
                "RESULT_CODES: codes out of order or repeated"
            );
            assert!(
                !same(row.kind, other.kind),
                "RESULT_CODES: a kind is repeated"
            );
            others = tail;
        }
        rows = rest;
    }
    let mut kinds: &[ErrorKind] = &ErrorKind::ALL;
    while let [kind, rest @ ..] = kinds {
        let code = kind.result_code();
        assert!(
            row(code).is_some() && code >= 1 && code <= 19,
            "ErrorKind: 1-19"
        );
        kinds = rest;
    }
    let mut kinds: &[CallbackErrorKind] = &CallbackErrorKind::ALL;
    while let [kind, rest @ ..] = kinds {
        let code = kind.result_code();
        assert!(
            row(code).is_some() && code >= 1 && code <= 19,
            "CallbackErrorKind: 1-19"
        );
        assert!(
            same(kind_name(code), kind.as_str()),
            "CallbackErrorKind: named as its row"
        );
        kinds = rest;
    }
    let mut kinds: &[SignErrorKind] = &SignErrorKind::ALL;
    while let [kind, rest @ ..] = kinds {
        let code = kind.result_code();
        assert!(
            row(code).is_some() && code >= 20 && code <= 39,
            "SignErrorKind: 20-39"
        );
        kinds = rest;
    }
    let mut kinds: &[KeyErrorKind] = &KeyErrorKind::ALL;
    while let [kind, rest @ ..] = kinds {
        let code = kind.result_code();
        assert!(
            row(code).is_some() && code >= 20 && code <= 39,
            "KeyErrorKind: 20-39"
        );
        kinds = rest;
    }
};

/// Byte-wise string equality, for the checks above.
const fn same(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while let ([x, a_rest @ ..], [y, b_rest @ ..]) = (a, b) {
        if *x != *y {
            return false;
        }
        (a, b) = (a_rest, b_rest);
    }
    a.is_empty() && b.is_empty()
}

impl From<VerifyError> for Code {
    fn from(err: VerifyError) -> Code {
        Code(err.kind().result_code())
    }
}

impl From<CallbackError> for Code {
    fn from(err: CallbackError) -> Code {
        Code(err.kind().result_code())
    }
}

impl From<SecretError> for Code {
    /// An empty token or key is `USERSIG_ERR_EMPTY_KEY`; one longer than the console allows,
    /// `USERSIG_ERR_INVALID_ARGUMENT`.
    fn from(err: SecretError) -> Code {
        Code(if err.is_empty() {
            USERSIG_ERR_EMPTY_KEY
        } else {
            USERSIG_ERR_INVALID_ARGUMENT
        })
    }
}

impl From<SignError> for Code {
    fn from(err: SignError) -> Code {
        Code(err.kind().result_code())
    }
}

impl From<KeyError> for Code {
    fn from(err: KeyError) -> Code {
        Code(err.kind().result_code())
    }
}

impl From<UrlError> for Code {
    fn from(err: UrlError) -> Code {
        // Exhaustive on purpose, as the kinds above: a new UrlError needs its own code.
        Code(match err {
            UrlError::UnknownRegion(_) => USERSIG_ERR_UNKNOWN_REGION,
            UrlError::BadBaseUrl { .. } => USERSIG_ERR_BAD_BASE_URL,
            UrlError::BadPathSegment { .. } => USERSIG_ERR_BAD_PATH_SEGMENT,
            UrlError::MissingSdkAppId => USERSIG_ERR_MISSING_SDKAPPID,
            UrlError::EmptyIdentifier => USERSIG_ERR_EMPTY_IDENTIFIER,
            UrlError::EmptyUserSig => USERSIG_ERR_EMPTY_USERSIG,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Naming a code
// ---------------------------------------------------------------------------------------------

/// The static, human-readable message for a result code (English, one line, no trailing
/// period). Unknown codes get `"unknown result code"`.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_error_message(code: c_int) -> *const c_char {
    ffi_boundary!(PANICKED.message_c.as_ptr() => {
        row(code).map_or(UNKNOWN_MESSAGE, |row| row.message_c).as_ptr()
    })
}

/// The stable machine-readable kind of a result code: `"ok"` for `USERSIG_OK` and, for each
/// `USERSIG_ERR_*` code, the kind its documentation names, e.g. `"expired"`. The verification
/// kinds are also the CLI's JSON `error` names, and the verification and minting kinds are
/// the names of the Rust API's error kinds. Unknown codes get `"unknown"`.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_error_kind(code: c_int) -> *const c_char {
    ffi_boundary!(PANICKED.kind_c.as_ptr() => {
        row(code).map_or(UNKNOWN_KIND.1, |row| row.kind_c).as_ptr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::text;

    #[test]
    fn every_core_kind_has_its_own_code_and_the_same_name() {
        let mut seen = std::collections::HashSet::new();
        let kinds = (ErrorKind::ALL.iter().map(|k| (k.result_code(), k.as_str()))).chain(
            SignErrorKind::ALL
                .iter()
                .map(|k| (k.result_code(), k.as_str())),
        );
        for (code, name) in kinds {
            assert!(seen.insert(code), "{name} shares a code");
            // SAFETY: always safe.
            assert_eq!(text(unsafe { usersig_error_kind(code) }), name);
        }
        assert_eq!(seen.len(), 15);
        for kind in KeyErrorKind::ALL {
            // An empty key is one kind, whoever refuses it.
            assert_eq!(kind.as_str(), SignErrorKind::EmptyKey.as_str());
            assert_eq!(kind.result_code(), USERSIG_ERR_EMPTY_KEY);
        }
        assert_eq!(Code::from(KeyError::EmptyKey).0, USERSIG_ERR_EMPTY_KEY);
    }

    #[test]
    fn callback_kinds_share_the_concepts_and_add_two_rows() {
        let mut own = Vec::new();
        for kind in CallbackErrorKind::ALL {
            let code = kind.result_code();
            // SAFETY: always safe.
            assert_eq!(text(unsafe { usersig_error_kind(code) }), kind.as_str());
            if !ErrorKind::ALL.iter().any(|k| k.result_code() == code) {
                own.push(code);
            }
        }
        assert_eq!(own, [USERSIG_ERR_MISSING_SIGNATURE, USERSIG_ERR_STALE]);
    }

    #[test]
    fn every_row_is_named_after_its_kind_and_answered_for() {
        assert_eq!(RESULT_CODES.len(), 28);
        for row in RESULT_CODES {
            let name = match row.code {
                0 => "USERSIG_OK".to_owned(),
                _ => format!("USERSIG_ERR_{}", row.kind.to_ascii_uppercase()),
            };
            assert_eq!(row.name, name, "the C name is the kind in capitals");
            assert!(!row.message.is_empty() && !row.message.ends_with('.'));
            assert!(row.doc.ends_with(&format!(" Kind `\"{}\"`.", row.kind)));
            // SAFETY: always safe.
            let (kind, message) = unsafe {
                (
                    usersig_error_kind(row.code),
                    usersig_error_message(row.code),
                )
            };
            assert_eq!((text(kind), text(message)), (row.kind, row.message));
        }
        for code in [11, 12345, -1, c_int::MIN, c_int::MAX] {
            // SAFETY: always safe.
            let (kind, message) =
                unsafe { (usersig_error_kind(code), usersig_error_message(code)) };
            assert_eq!(
                (text(kind), text(message)),
                ("unknown", "unknown result code")
            );
            assert_eq!(kind_name(code), "unknown");
        }
    }
}
