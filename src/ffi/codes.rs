//! The result codes, their stable kind names and messages, and the conversions from the
//! core's errors.

use std::ffi::{CStr, c_char, c_int};

use super::Code;
use crate::rest::UrlError;
use crate::{ErrorKind, SignError, VerifyError};

// ---------------------------------------------------------------------------------------------
// Result codes: stable, never reused. 1-19 verification (FORMAT.md §5, in check order), 20-39
// minting (FORMAT.md §7), 40-59 calling errors (44-48: building a REST URL, FORMAT.md §8), 60+ internal.
// ---------------------------------------------------------------------------------------------

/// Success.
pub const USERSIG_OK: c_int = 0;
/// Verification: the token could not be decoded (size, encoding, zlib, JSON or a field;
/// FORMAT.md §5.1-5.2). Kind `"malformed"`; server code 70003.
pub const USERSIG_ERR_MALFORMED: c_int = 1;
/// Verification: `TLS.ver` is not `"2.0"`, or a legacy v1 (ECDSA) token. Kind
/// `"unsupported_version"`.
pub const USERSIG_ERR_UNSUPPORTED_VERSION: c_int = 2;
/// Verification: the token is for another SDKAppID. Kind `"sdkappid_mismatch"`; server code
/// 70014.
pub const USERSIG_ERR_SDKAPPID_MISMATCH: c_int = 3;
/// Verification: the token is for another identifier. Kind `"identifier_mismatch"`; server
/// code 70013.
pub const USERSIG_ERR_IDENTIFIER_MISMATCH: c_int = 4;
/// Verification: the signature does not match (wrong key, or altered). Kind
/// `"bad_signature"`; server code 70009.
pub const USERSIG_ERR_BAD_SIGNATURE: c_int = 5;
/// Verification: issued further in the future than the verifier's skew allows. Kind
/// `"not_yet_valid"`.
pub const USERSIG_ERR_NOT_YET_VALID: c_int = 6;
/// Verification: the token has expired. Kind `"expired"`; server code 70001.
pub const USERSIG_ERR_EXPIRED: c_int = 7;
/// Verification: the userbuf is not what the caller's expectation requires. Kind
/// `"userbuf_mismatch"`.
pub const USERSIG_ERR_USERBUF_MISMATCH: c_int = 8;
/// Minting: the key is empty. Kind `"empty_key"`.
pub const USERSIG_ERR_EMPTY_KEY: c_int = 20;
/// Minting, or building a REST URL: the (admin) identifier is empty. Kind
/// `"empty_identifier"`.
pub const USERSIG_ERR_EMPTY_IDENTIFIER: c_int = 21;
/// Minting: the identifier contains a NUL byte. Kind `"identifier_contains_nul"`.
pub const USERSIG_ERR_IDENTIFIER_CONTAINS_NUL: c_int = 22;
/// Minting: an identifier, userbuf or room string is longer than the format's 65535 bytes, or
/// the token would be longer than `USERSIG_MAX_TOKEN_LEN` (or its JSON longer than
/// `USERSIG_MAX_INFLATED_LEN`). Kind `"too_long"`.
pub const USERSIG_ERR_TOO_LONG: c_int = 23;
/// Minting: `time + expire` does not fit (in 64 bits, or 32 bits for a PrivateMapKey). Kind
/// `"expiry_out_of_range"`.
pub const USERSIG_ERR_EXPIRY_OUT_OF_RANGE: c_int = 24;
/// Minting: a PrivateMapKey needs an SDKAppID that fits in 32 bits. Kind
/// `"sdkappid_out_of_range"`.
pub const USERSIG_ERR_SDKAPPID_OUT_OF_RANGE: c_int = 25;
/// Minting: the system clock is before 1970. Kind `"clock_before_epoch"`.
pub const USERSIG_ERR_CLOCK_BEFORE_EPOCH: c_int = 26;
/// A required pointer is NULL (only `(NULL, 0)` inputs are accepted, as empty). Kind
/// `"null_argument"`.
pub const USERSIG_ERR_NULL_ARGUMENT: c_int = 40;
/// A text argument (an identifier, a room string, or an endpoint, service, command or UserSig
/// given to `usersig_rest_url`) is not valid UTF-8. Kind `"invalid_utf8"`.
pub const USERSIG_ERR_INVALID_UTF8: c_int = 41;
/// An argument is out of range: an unknown compression or expectation kind, privilege bits
/// above 255, or a length above `PTRDIFF_MAX`. Kind `"invalid_argument"`.
pub const USERSIG_ERR_INVALID_ARGUMENT: c_int = 42;
/// The output buffer is too small: `*len` holds the length needed. Kind `"buffer_too_small"`.
pub const USERSIG_ERR_BUFFER_TOO_SMALL: c_int = 43;
/// Building a REST URL: the endpoint is neither a known region code (`cn`, `sgp`, `kr`, `jpn`,
/// `ger`, `ind`, `usa`, `idn` or their longer names) nor a base URL (text containing `://`).
/// Kind `"unknown_region"`.
pub const USERSIG_ERR_UNKNOWN_REGION: c_int = 44;
/// Building a REST URL: the base URL is not `http(s)://host[:port][/prefix]` in printable
/// ASCII, without a query or a fragment. Kind `"bad_base_url"`.
pub const USERSIG_ERR_BAD_BASE_URL: c_int = 45;
/// Building a REST URL: the service or the command is empty or not made of `[A-Za-z0-9_]`.
/// Kind `"bad_path_segment"`.
pub const USERSIG_ERR_BAD_PATH_SEGMENT: c_int = 46;
/// Building a REST URL: the SDKAppID is 0. Kind `"missing_sdkappid"`.
pub const USERSIG_ERR_MISSING_SDKAPPID: c_int = 47;
/// Building a REST URL: the admin UserSig is empty. Kind `"empty_usersig"`.
pub const USERSIG_ERR_EMPTY_USERSIG: c_int = 48;
/// The library panicked: a bug. The call had no effect. Kind `"panic"`.
pub const USERSIG_ERR_PANIC: c_int = 60;

fn verify_code(kind: ErrorKind) -> c_int {
    match kind {
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

impl From<VerifyError> for Code {
    fn from(err: VerifyError) -> Code {
        Code(verify_code(err.kind()))
    }
}

impl From<SignError> for Code {
    fn from(err: SignError) -> Code {
        // Exhaustive on purpose (the crate sees through `non_exhaustive`): a new SignError
        // fails to compile here until it has its own code.
        Code(match err {
            SignError::EmptyKey => USERSIG_ERR_EMPTY_KEY,
            SignError::EmptyIdentifier => USERSIG_ERR_EMPTY_IDENTIFIER,
            SignError::IdentifierContainsNul => USERSIG_ERR_IDENTIFIER_CONTAINS_NUL,
            SignError::TooLong { .. } => USERSIG_ERR_TOO_LONG,
            SignError::ExpiryOutOfRange { .. } => USERSIG_ERR_EXPIRY_OUT_OF_RANGE,
            SignError::SdkAppIdOutOfRange { .. } => USERSIG_ERR_SDKAPPID_OUT_OF_RANGE,
            SignError::ClockBeforeEpoch => USERSIG_ERR_CLOCK_BEFORE_EPOCH,
        })
    }
}

impl From<UrlError> for Code {
    fn from(err: UrlError) -> Code {
        // Exhaustive on purpose, as for SignError: a new UrlError needs its own code.
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

/// The stable kind name and the static message of every code, in one table.
const CODES: [(c_int, &CStr, &CStr); 26] = [
    (USERSIG_OK, c"ok", c"success"),
    (
        USERSIG_ERR_MALFORMED,
        c"malformed",
        c"the token could not be decoded (size, encoding, zlib, JSON or a field); server code 70003",
    ),
    (
        USERSIG_ERR_UNSUPPORTED_VERSION,
        c"unsupported_version",
        c"the token is not a v2 token: TLS.ver is not \"2.0\", or it is a legacy v1 (ECDSA) token",
    ),
    (
        USERSIG_ERR_SDKAPPID_MISMATCH,
        c"sdkappid_mismatch",
        c"the token is for another SDKAppID (server code 70014)",
    ),
    (
        USERSIG_ERR_IDENTIFIER_MISMATCH,
        c"identifier_mismatch",
        c"the token is for another identifier (server code 70013)",
    ),
    (
        USERSIG_ERR_BAD_SIGNATURE,
        c"bad_signature",
        c"the signature does not match: the token was minted with another key or altered (server code 70009)",
    ),
    (
        USERSIG_ERR_NOT_YET_VALID,
        c"not_yet_valid",
        c"the token is issued further in the future than the allowed clock skew; check the clocks",
    ),
    (
        USERSIG_ERR_EXPIRED,
        c"expired",
        c"the token has expired; mint a new one (server code 70001)",
    ),
    (
        USERSIG_ERR_USERBUF_MISMATCH,
        c"userbuf_mismatch",
        c"the token's userbuf is not what the caller expected",
    ),
    (USERSIG_ERR_EMPTY_KEY, c"empty_key", c"the key is empty"),
    (
        USERSIG_ERR_EMPTY_IDENTIFIER,
        c"empty_identifier",
        c"the identifier is empty",
    ),
    (
        USERSIG_ERR_IDENTIFIER_CONTAINS_NUL,
        c"identifier_contains_nul",
        c"the identifier contains a NUL byte",
    ),
    (
        USERSIG_ERR_TOO_LONG,
        c"too_long",
        c"an identifier, userbuf or room string is longer than the format's 65535 bytes",
    ),
    (
        USERSIG_ERR_EXPIRY_OUT_OF_RANGE,
        c"expiry_out_of_range",
        c"time + expire is out of range (64 bits, or 32 bits for a PrivateMapKey)",
    ),
    (
        USERSIG_ERR_SDKAPPID_OUT_OF_RANGE,
        c"sdkappid_out_of_range",
        c"the SDKAppID does not fit in the 32 bits a PrivateMapKey has",
    ),
    (
        USERSIG_ERR_CLOCK_BEFORE_EPOCH,
        c"clock_before_epoch",
        c"the system clock is before 1970",
    ),
    (
        USERSIG_ERR_NULL_ARGUMENT,
        c"null_argument",
        c"a required pointer is NULL (only (NULL, 0) is accepted, as empty input)",
    ),
    (
        USERSIG_ERR_INVALID_UTF8,
        c"invalid_utf8",
        c"a text argument (identifier, room, or REST endpoint, service, command or UserSig) is not valid UTF-8",
    ),
    (
        USERSIG_ERR_INVALID_ARGUMENT,
        c"invalid_argument",
        c"an argument is out of range: unknown compression or expectation kind, privilege bits above 255, or a length above PTRDIFF_MAX",
    ),
    (
        USERSIG_ERR_BUFFER_TOO_SMALL,
        c"buffer_too_small",
        c"the output buffer is too small; *len holds the length needed (text needs 1 more byte for the NUL)",
    ),
    (
        USERSIG_ERR_UNKNOWN_REGION,
        c"unknown_region",
        c"unknown REST region; known: cn, sgp, kr, jpn, ger, ind, usa, idn, or a base URL with ://",
    ),
    (
        USERSIG_ERR_BAD_BASE_URL,
        c"bad_base_url",
        c"the REST base URL is not http(s)://host[:port][/prefix] in printable ASCII without a query or fragment",
    ),
    (
        USERSIG_ERR_BAD_PATH_SEGMENT,
        c"bad_path_segment",
        c"the REST service or command is empty or not made of letters, digits and _",
    ),
    (
        USERSIG_ERR_MISSING_SDKAPPID,
        c"missing_sdkappid",
        c"the SDKAppID of the REST URL is 0",
    ),
    (
        USERSIG_ERR_EMPTY_USERSIG,
        c"empty_usersig",
        c"the admin UserSig of the REST URL is empty",
    ),
    (
        USERSIG_ERR_PANIC,
        c"panic",
        c"internal error: the library panicked and the call had no effect; please report this bug",
    ),
];

fn code_info(code: c_int) -> (&'static CStr, &'static CStr) {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or((c"unknown", c"unknown result code"), |(_, kind, msg)| {
            (kind, msg)
        })
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
    ffi_boundary!(c"internal error".as_ptr() => { code_info(code).1.as_ptr() })
}

/// The stable machine-readable kind of a result code: `"ok"`, the verification kinds
/// (`"malformed"`, `"unsupported_version"`, `"sdkappid_mismatch"`, `"identifier_mismatch"`,
/// `"bad_signature"`, `"not_yet_valid"`, `"expired"`, `"userbuf_mismatch"`, the same names as
/// the Rust API and the CLI's JSON), and for the others `"empty_key"`, `"empty_identifier"`,
/// `"identifier_contains_nul"`, `"too_long"`, `"expiry_out_of_range"`,
/// `"sdkappid_out_of_range"`, `"clock_before_epoch"`, `"null_argument"`, `"invalid_utf8"`,
/// `"invalid_argument"`, `"buffer_too_small"`, `"unknown_region"`, `"bad_base_url"`,
/// `"bad_path_segment"`, `"missing_sdkappid"`, `"empty_usersig"`, `"panic"`. Unknown codes get
/// `"unknown"`.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_error_kind(code: c_int) -> *const c_char {
    ffi_boundary!(c"panic".as_ptr() => { code_info(code).0.as_ptr() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::text;

    #[test]
    fn every_verify_kind_has_its_own_code_and_the_same_name() {
        let mut seen = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            let code = verify_code(kind);
            assert!(seen.insert(code), "{kind} shares a code");
            // SAFETY: always safe.
            assert_eq!(text(unsafe { usersig_error_kind(code) }), kind.as_str());
        }
    }

    #[test]
    fn codes_are_unique_and_named() {
        let known: Vec<c_int> = CODES.iter().map(|(c, _, _)| *c).collect();
        let unique: std::collections::HashSet<_> = known.iter().collect();
        assert_eq!(unique.len(), known.len());
        assert_eq!(known.len(), 26);
        for code in known {
            // SAFETY: always safe.
            let (kind, msg) = unsafe { (usersig_error_kind(code), usersig_error_message(code)) };
            assert_ne!(text(kind), "unknown");
            assert!(!text(msg).is_empty());
        }
        // SAFETY: always safe.
        assert_eq!(text(unsafe { usersig_error_kind(12345) }), "unknown");
        // SAFETY: always safe.
        assert_eq!(text(unsafe { usersig_error_kind(c_int::MIN) }), "unknown");
    }
}
