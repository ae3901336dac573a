//! The C ABI: translation between C's pointers, lengths and result codes and the core's types,
//! and nothing else. All of the crate's `unsafe` code lives in this file.
//!
//! `include/usersig.h` is generated from this file by cbindgen (pinned in `tests/ffi_header.rs`,
//! which fails when the header is stale). The conventions every export follows, written once
//! here and repeated in the header:
//!
//! - **Result codes.** Every fallible function returns an `int`: [`USERSIG_OK`] (0) or one of
//!   the `USERSIG_ERR_*` codes. Codes are stable and never reused; each verification failure
//!   kind has its own (the same names as [`ErrorKind::as_str`]).
//! - **Inputs** are `(pointer, length)` pairs, never NUL-terminated. `(NULL, 0)` is the empty
//!   string or byte string; any other NULL pointer is [`USERSIG_ERR_NULL_ARGUMENT`]. Text
//!   (identifiers, rooms) must be UTF-8; a token that is not is malformed.
//! - **Outputs** go into caller buffers as `(out, cap, *len)`. Text is NUL-terminated and
//!   `*len` excludes the NUL, so `cap` must be at least `*len + 1`. When it is not, the call
//!   returns [`USERSIG_ERR_BUFFER_TOO_SMALL`], sets `*len` to the length needed (still without
//!   the NUL) and writes nothing else. `(NULL, 0, &len)` asks for the length. Nothing is
//!   written on any other failure. Output buffers must not overlap any input.
//! - **Panics** never cross the boundary: every export runs under `catch_unwind` and a panic
//!   becomes [`USERSIG_ERR_PANIC`].
//! - **Handles** ([`usersig_signer`], [`usersig_verifier`]) are immutable after creation and
//!   may be used from any number of threads at once. Freeing NULL does nothing; freeing wipes
//!   the keyed state. No export keeps a caller pointer after it returns, and there is no
//!   thread-local "last error".
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

use std::ffi::{CStr, c_char, c_int};
use std::mem::MaybeUninit;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use crate::rest::{self, Endpoint, RestUrl, RetryClass, UrlError};
use crate::{
    Claims, Compression, ErrorKind, Expect, Limits, Mint, Privileges, Room, SignError, Signer,
    Verifier, VerifyError, inspect, inspect_at,
};

// ---------------------------------------------------------------------------------------------
// Version
// ---------------------------------------------------------------------------------------------

/// The library's major version (the crate's semantic version; checked against Cargo.toml at
/// compile time). `USERSIG_VERSION_STRING` is `"MAJOR.MINOR.PATCH"`.
pub const USERSIG_VERSION_MAJOR: u32 = 0;
/// The library's minor version.
pub const USERSIG_VERSION_MINOR: u32 = 1;
/// The library's patch version.
pub const USERSIG_VERSION_PATCH: u32 = 0;

const fn parse_u32(s: &str) -> u32 {
    let mut rest = s.as_bytes();
    let mut n = 0u32;
    while let [digit, tail @ ..] = rest {
        n = n * 10 + (*digit - b'0') as u32;
        rest = tail;
    }
    n
}

// Bumping the version in Cargo.toml fails the build here until the constants above follow
// (and then `tests/ffi_header.rs` until the header is regenerated).
const _: () = assert!(USERSIG_VERSION_MAJOR == parse_u32(env!("CARGO_PKG_VERSION_MAJOR")));
const _: () = assert!(USERSIG_VERSION_MINOR == parse_u32(env!("CARGO_PKG_VERSION_MINOR")));
const _: () = assert!(USERSIG_VERSION_PATCH == parse_u32(env!("CARGO_PKG_VERSION_PATCH")));

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

// ---------------------------------------------------------------------------------------------
// Sizes and settings
// ---------------------------------------------------------------------------------------------

/// The longest token the library verifies by default, in bytes (FORMAT.md §5.1), and so the token
/// buffer size a caller needs, plus 1 for the NUL: `char buf[USERSIG_MAX_TOKEN_LEN + 1]`.
/// Minting never produces a longer token: one that would be longer (only with identifiers or
/// userbufs of many KiB) fails with `USERSIG_ERR_TOO_LONG`, since no default verifier would
/// accept it (FORMAT.md §7).
pub const USERSIG_MAX_TOKEN_LEN: usize = 16 * 1024;
/// The most bytes a token may inflate to by default (FORMAT.md §5.1).
pub const USERSIG_MAX_INFLATED_LEN: usize = 64 * 1024;
/// The longest userbuf the format carries (u16 lengths, FORMAT.md §7): a userbuf buffer of this
/// size holds any userbuf a verifier with the default limits accepts.
pub const USERSIG_MAX_USERBUF_LEN: usize = 65_535;
/// The default lifetime of a token: 180 days, in seconds (FORMAT.md §7).
pub const USERSIG_DEFAULT_EXPIRE_SECS: u64 = 15_552_000;
/// The default allowed clock skew for tokens issued in the future, in seconds (FORMAT.md §5.6).
pub const USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS: u64 = 300;

/// Compression: stored blocks (zlib level 0), the default: fastest to mint and verify.
pub const USERSIG_COMPRESSION_STORED: c_int = 0;
/// Compression: zlib level 1 (as the official C++ SDK).
pub const USERSIG_COMPRESSION_FAST: c_int = 1;
/// Compression: zlib level 6, the shortest tokens (as the Python, Node, PHP and Java SDKs).
pub const USERSIG_COMPRESSION_STANDARD: c_int = 2;

/// Privilege bit: create a room (FORMAT.md §6).
pub const USERSIG_PRIV_CREATE_ROOM: u32 = 1;
/// Privilege bit: enter a room.
pub const USERSIG_PRIV_ENTER_ROOM: u32 = 2;
/// Privilege bit: send audio.
pub const USERSIG_PRIV_SEND_AUDIO: u32 = 4;
/// Privilege bit: receive audio.
pub const USERSIG_PRIV_RECV_AUDIO: u32 = 8;
/// Privilege bit: send video.
pub const USERSIG_PRIV_SEND_VIDEO: u32 = 16;
/// Privilege bit: receive video.
pub const USERSIG_PRIV_RECV_VIDEO: u32 = 32;
/// Privilege bit: send the sub-stream (share the screen).
pub const USERSIG_PRIV_SEND_SUB_STREAM: u32 = 64;
/// Privilege bit: receive the sub-stream.
pub const USERSIG_PRIV_RECV_SUB_STREAM: u32 = 128;
/// All eight privileges.
pub const USERSIG_PRIV_ALL: u32 = 255;

/// Expectation: none; the token may carry any userbuf or none.
pub const USERSIG_EXPECT_ANYTHING: i32 = 0;
/// Expectation: the token must carry no userbuf.
pub const USERSIG_EXPECT_NO_USERBUF: i32 = 1;
/// Expectation: the token must carry exactly the bytes `userbuf`/`userbuf_len`.
pub const USERSIG_EXPECT_USERBUF: i32 = 2;
/// Expectation: a PrivateMapKey for numeric room `room_id` granting at least `privileges`.
pub const USERSIG_EXPECT_ROOM: i32 = 3;
/// Expectation: a PrivateMapKey for string room `room`/`room_len` granting at least
/// `privileges` (an empty string room means numeric room 0, FORMAT.md §6).
pub const USERSIG_EXPECT_STR_ROOM: i32 = 4;

/// Retry class of a REST error code (`usersig_rest_code_retry`): the code is not in FORMAT.md §8's
/// table. Treat it as `USERSIG_RETRY_NEVER` and read the reply's `ErrorInfo`.
// Written `0 - 1` so that cbindgen emits `(0 - 1)`: a bare `-1` macro breaks `x-MACRO`.
pub const USERSIG_RETRY_UNKNOWN: c_int = 0 - 1;
/// Retry class: retrying the same request cannot succeed; fix the request, key or settings.
pub const USERSIG_RETRY_NEVER: c_int = 0;
/// Retry class: transient (rate limit, timeout); retry with exponential backoff and jitter, a
/// bounded number of times.
pub const USERSIG_RETRY_BACKOFF: c_int = 1;
/// Retry class: locked out after too many UserSig failures (70050); wait 60 s, then retry.
pub const USERSIG_RETRY_AFTER_60S: c_int = 2;
/// Retry class: the admin UserSig was refused as expired or damaged (70001, 70003); mint a new
/// one, rebuild the URL and retry once.
pub const USERSIG_RETRY_RENEW_TOKEN: c_int = 3;

// The retry constants are `RetryClass`'s discriminants (`#[repr(u8)]`).
const _: () = {
    assert!(USERSIG_RETRY_NEVER == RetryClass::Never as c_int);
    assert!(USERSIG_RETRY_BACKOFF == RetryClass::Backoff as c_int);
    assert!(USERSIG_RETRY_AFTER_60S == RetryClass::After60s as c_int);
    assert!(USERSIG_RETRY_RENEW_TOKEN == RetryClass::RenewToken as c_int);
};

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/// Mints tokens for one app (an SDKAppID and its key). Create with `usersig_signer_new`,
/// free with `usersig_signer_free`. Immutable after creation: one signer may be used from
/// any number of threads at once, without locking.
#[allow(non_camel_case_types)]
pub struct usersig_signer {
    signer: Signer,
}

/// Verifies tokens for one app with fixed settings. Create with `usersig_verifier_new`, free
/// with `usersig_verifier_free`. Immutable after creation: one verifier may be used from any
/// number of threads at once, without locking.
#[allow(non_camel_case_types)]
pub struct usersig_verifier {
    verifier: Verifier,
}

// The thread-safety promise above, checked by the compiler: both handles are shared by
// reference across threads (`Sync`) and may be freed on any thread (`Send`).
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<usersig_signer>();
    shareable::<usersig_verifier>();
};

/// What a valid token says, written by `usersig_verify` and `usersig_verify_at` on success
/// only (and, on `USERSIG_ERR_BUFFER_TOO_SMALL`, only `userbuf_len`).
///
/// The identifier is not repeated: it equals the one the caller passed, byte for byte. The
/// `pmk_*` fields describe the userbuf read as a TRTC PrivateMapKey; they are checked against
/// the token (account, SDKAppID, expiry) only when the caller passed a room expectation.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct usersig_claims {
    /// `TLS.sdkappid`.
    pub sdkappid: u64,
    /// `TLS.time`: the issue time, Unix seconds.
    pub time: u64,
    /// `TLS.expire`: the lifetime in seconds.
    pub expire: u64,
    /// `time + expire`: the last second the token is valid, Unix seconds.
    pub expires_at: u64,
    /// The token carries a userbuf (possibly empty).
    pub has_userbuf: bool,
    /// The length of the decoded userbuf in bytes (0 without one).
    pub userbuf_len: usize,
    /// The userbuf is a well-formed PrivateMapKey (FORMAT.md §6); the `pmk_*` fields are set.
    pub has_private_map_key: bool,
    /// The PrivateMapKey names a string room (its text is in the userbuf, FORMAT.md §6).
    pub pmk_is_string_room: bool,
    /// The PrivateMapKey's numeric room (0 for a string room).
    pub pmk_room_id: u32,
    /// The PrivateMapKey's privilege bits (`USERSIG_PRIV_*`).
    pub pmk_privileges: u32,
    /// The PrivateMapKey's absolute expiry, Unix seconds.
    pub pmk_expires_at: u32,
}

/// What the caller requires of the token's userbuf (FORMAT.md §5.8). Set `kind` to one of the
/// `USERSIG_EXPECT_*` values and the fields that kind names; the others are ignored. Pointers
/// follow the input convention (`(NULL, 0)` is empty) and are read during the call only.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct usersig_expect {
    /// One of the `USERSIG_EXPECT_*` values.
    pub kind: i32,
    /// `USERSIG_EXPECT_USERBUF`: the exact bytes required. Borrowed for the call.
    pub userbuf: *const u8,
    /// The length of `userbuf` in bytes.
    pub userbuf_len: usize,
    /// `USERSIG_EXPECT_ROOM`: the numeric room.
    pub room_id: u32,
    /// `USERSIG_EXPECT_STR_ROOM`: the string room, UTF-8, not NUL-terminated. Borrowed for
    /// the call.
    pub room: *const c_char,
    /// The length of `room` in bytes.
    pub room_len: usize,
    /// `USERSIG_EXPECT_ROOM`, `USERSIG_EXPECT_STR_ROOM`: the privileges required (bits of
    /// `USERSIG_PRIV_*`; the token must grant at least these).
    pub privileges: u32,
}

// ---------------------------------------------------------------------------------------------
// The panic boundary and the translation helpers
// ---------------------------------------------------------------------------------------------

/// Runs an export's body under `catch_unwind`. The body returns `Result<(), c_int>`; the
/// export returns `USERSIG_OK`, the error code, or `USERSIG_ERR_PANIC`. With a fallback
/// (`ffi_boundary!(fallback => body)`), the body returns the value itself.
///
/// `AssertUnwindSafe` is sound here: a panic can leave no broken state behind, because handles
/// are immutable and the body writes to caller memory only as its last steps.
macro_rules! ffi_boundary {
    ($body:block) => {
        match catch_unwind(AssertUnwindSafe(|| -> Result<(), c_int> { $body })) {
            Ok(Ok(())) => USERSIG_OK,
            Ok(Err(code)) => code,
            Err(_) => USERSIG_ERR_PANIC,
        }
    };
    ($fallback:expr => $body:block) => {
        match catch_unwind(AssertUnwindSafe(|| $body)) {
            Ok(value) => value,
            Err(_) => $fallback,
        }
    };
}

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

/// A result code on its way out, so `?` converts core errors.
struct Code(c_int);

impl From<Code> for c_int {
    fn from(code: Code) -> c_int {
        code.0
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

/// Borrows the input `(ptr, len)` as bytes: `(NULL, 0)` and `(p, 0)` are empty.
///
/// # Safety
/// Unless `len` is 0 or `ptr` is NULL, `ptr` must point to `len` initialized bytes that stay
/// valid and unmodified for `'a`.
unsafe fn bytes_in<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Code> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Code(USERSIG_ERR_NULL_ARGUMENT));
    }
    if isize::try_from(len).is_err() {
        return Err(Code(USERSIG_ERR_INVALID_ARGUMENT));
    }
    // SAFETY: `ptr` is non-NULL and, by this function's contract, points to `len` initialized
    // bytes valid for `'a`; `len` fits in `isize` (checked above).
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows the input `(ptr, len)` as UTF-8 text, or `USERSIG_ERR_INVALID_UTF8`.
///
/// # Safety
/// As [`bytes_in`].
unsafe fn str_in<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, Code> {
    // SAFETY: forwarded contract; `c_char` and `u8` have the same size and alignment.
    let bytes = unsafe { bytes_in(ptr.cast::<u8>(), len) }?;
    std::str::from_utf8(bytes).map_err(|_| Code(USERSIG_ERR_INVALID_UTF8))
}

/// Borrows a token: text that is not UTF-8 is not a token (FORMAT.md §4.2), so it is malformed.
///
/// # Safety
/// As [`bytes_in`].
unsafe fn token_in<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, Code> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes_in(ptr.cast::<u8>(), len) }?;
    std::str::from_utf8(bytes).map_err(|_| Code(USERSIG_ERR_MALFORMED))
}

/// Borrows a handle.
///
/// # Safety
/// `ptr` must be NULL or a live handle from the matching `*_new`, not yet freed.
unsafe fn handle<'a, T>(ptr: *const T) -> Result<&'a T, Code> {
    // SAFETY: by this function's contract, a non-NULL `ptr` came from `Box::into_raw` in a
    // `*_new` and has not been freed, so it is aligned and points to a live `T`.
    unsafe { ptr.as_ref() }.ok_or(Code(USERSIG_ERR_NULL_ARGUMENT))
}

/// A caller's text output `(out, cap, *len)`, checked before any work is done.
struct TextOut<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    len: &'a mut MaybeUninit<usize>,
}

impl TextOut<'_> {
    /// Checks and borrows `(out, cap, len)`: `len` must not be NULL, `out` only when `cap` is 0.
    ///
    /// # Safety
    /// Unless NULL, `out` must be valid for writes of `cap` bytes and `len` for a write of a
    /// `size_t`, neither overlapping any input, both for `'a`.
    unsafe fn new<'a>(out: *mut c_char, cap: usize, len: *mut usize) -> Result<TextOut<'a>, Code> {
        // SAFETY: a non-NULL `len` is valid for writes of a `size_t` (contract); viewing it as
        // `MaybeUninit` makes no claim about its current contents.
        let len = unsafe { len.cast::<MaybeUninit<usize>>().as_mut() }
            .ok_or(Code(USERSIG_ERR_NULL_ARGUMENT))?;
        // SAFETY: as `bytes_in`, for writes, over possibly uninitialized memory.
        let buf = unsafe { bytes_out(out.cast::<u8>(), cap) }?;
        Ok(TextOut { buf, len })
    }

    /// Writes `text` and its NUL, or only the length needed when it does not fit.
    fn put(self, text: &str) -> Result<(), Code> {
        let need = text.len();
        self.put_or_report(text, need)
    }

    /// As [`TextOut::put`], reporting `need` (at least `text.len()`) as the length needed when
    /// `text` does not fit: for text whose length varies from call to call.
    fn put_or_report(self, text: &str, need: usize) -> Result<(), Code> {
        let bytes = text.as_bytes();
        let Some((nul, dst)) = self
            .buf
            .get_mut(..=bytes.len())
            .and_then(|dst| dst.split_last_mut())
        else {
            self.len.write(need.max(bytes.len()));
            return Err(Code(USERSIG_ERR_BUFFER_TOO_SMALL));
        };
        self.len.write(bytes.len());
        copy_into(dst, bytes);
        nul.write(0);
        Ok(())
    }
}

/// Copies `src` into the start of `dst` (one `memcpy`; a byte loop costs measurably per token).
fn copy_into(dst: &mut [MaybeUninit<u8>], src: &[u8]) {
    let n = src.len().min(dst.len());
    // SAFETY: both ranges hold `n` bytes; `dst` is a `&mut` borrow, so it overlaps nothing,
    // and writing initialized bytes into `MaybeUninit<u8>` is always valid.
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_mut_ptr().cast::<u8>(), n) };
}

/// Borrows the output buffer `(ptr, cap)` for writing. `(NULL, 0)` is an empty buffer.
///
/// # Safety
/// Unless `cap` is 0 or `ptr` is NULL, `ptr` must be valid for writes of `cap` bytes for `'a`,
/// overlapping no other borrowed argument.
unsafe fn bytes_out<'a>(ptr: *mut u8, cap: usize) -> Result<&'a mut [MaybeUninit<u8>], Code> {
    if cap == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(Code(USERSIG_ERR_NULL_ARGUMENT));
    }
    if isize::try_from(cap).is_err() {
        return Err(Code(USERSIG_ERR_INVALID_ARGUMENT));
    }
    // SAFETY: `ptr` is non-NULL and valid for writes of `cap` bytes for `'a` (contract);
    // `MaybeUninit<u8>` needs no initialization; `cap` fits in `isize`.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr.cast::<MaybeUninit<u8>>(), cap) })
}

/// Writes a new handle to `*out`.
///
/// # Safety
/// `out` must be NULL or valid for a write of a pointer.
unsafe fn put_handle<T>(out: *mut *mut T, value: T) -> Result<(), Code> {
    if out.is_null() {
        return Err(Code(USERSIG_ERR_NULL_ARGUMENT));
    }
    let ptr = Box::into_raw(Box::new(value));
    // SAFETY: `out` is non-NULL and valid for a pointer write (contract); `write` does not read
    // or drop the (possibly uninitialized) old value.
    unsafe { out.write(ptr) };
    Ok(())
}

/// Frees a handle.
///
/// # Safety
/// `ptr` must be NULL or a live handle from the matching `*_new`, freed only once.
unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: a non-NULL `ptr` came from `Box::into_raw` in `put_handle` and is freed only
        // once (contract); dropping the box drops the Signer/Verifier, which wipes its keys.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

fn compression(value: c_int) -> Result<Compression, Code> {
    match value {
        USERSIG_COMPRESSION_STORED => Ok(Compression::Stored),
        USERSIG_COMPRESSION_FAST => Ok(Compression::Fast),
        USERSIG_COMPRESSION_STANDARD => Ok(Compression::Standard),
        _ => Err(Code(USERSIG_ERR_INVALID_ARGUMENT)),
    }
}

fn privileges(bits: u32) -> Result<Privileges, Code> {
    Privileges::from_bits(bits).ok_or(Code(USERSIG_ERR_INVALID_ARGUMENT))
}

// ---------------------------------------------------------------------------------------------
// Library information
// ---------------------------------------------------------------------------------------------

/// The library version, `"MAJOR.MINOR.PATCH"` (equal to `USERSIG_VERSION_STRING` of the
/// header the caller compiled against, when header and library match).
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    ffi_boundary!(VERSION.as_ptr().cast::<c_char>() => { VERSION.as_ptr().cast::<c_char>() })
}

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

// ---------------------------------------------------------------------------------------------
// Signer
// ---------------------------------------------------------------------------------------------

/// Creates a signer for `sdkappid` with the app's key, used as its raw bytes (FORMAT.md §1).
///
/// - `key`, `key_len`: the key, not NUL-terminated. Read during the call only; the signer
///   keeps a keyed HMAC state, wiped by `usersig_signer_free`.
/// - `compression`: `USERSIG_COMPRESSION_STORED` (the default choice), `_FAST` or `_STANDARD`.
/// - `out`: on success receives a new signer, owned by the caller, to be freed with
///   `usersig_signer_free`. Not written on failure.
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_EMPTY_KEY`, `USERSIG_ERR_INVALID_ARGUMENT` (unknown
/// compression) or `USERSIG_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// `key` must point to `key_len` readable bytes (or be NULL with `key_len` 0); `out` must be
/// valid for a write of a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_signer_new(
    sdkappid: u64,
    key: *const c_char,
    key_len: usize,
    compression: c_int,
    out: *mut *mut usersig_signer,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `key`/`key_len` is a readable input (caller contract), read during the call.
        let key = unsafe { bytes_in(key.cast::<u8>(), key_len) }?;
        let compression = self::compression(compression)?;
        if out.is_null() {
            return Err(USERSIG_ERR_NULL_ARGUMENT);
        }
        let signer = Signer::new(sdkappid, key)
            .map_err(Code::from)?
            .with_compression(compression);
        // SAFETY: `out` is valid for a pointer write (caller contract).
        unsafe { put_handle(out, usersig_signer { signer }) }?;
        Ok(())
    })
}

/// Frees a signer and wipes its keyed state. `usersig_signer_free(NULL)` does nothing.
///
/// # Safety
/// `signer` must be NULL or a signer from `usersig_signer_new`, not used after this call by
/// any thread, and freed only once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_signer_free(signer: *mut usersig_signer) {
    ffi_boundary!(() => {
        // SAFETY: caller contract.
        unsafe { free_handle(signer) }
    })
}

/// What to mint, with the pointers already borrowed.
enum Payload<'a> {
    Plain,
    Userbuf(&'a [u8]),
    Room(Room<'a>, Privileges),
}

/// The body of every mint export: borrow, mint, write.
///
/// # Safety
/// The pointer contracts of the `usersig_sign*` functions.
#[allow(clippy::too_many_arguments)]
unsafe fn sign(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    time: Option<u64>,
    payload: Payload<'_>,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> Result<(), Code> {
    // SAFETY: forwarded caller contracts: a live signer, a readable identifier, a writable
    // output buffer and length.
    let (signer, identifier, text_out) = unsafe {
        (
            handle(signer)?,
            str_in(identifier, identifier_len)?,
            TextOut::new(out, cap, len)?,
        )
    };
    let mut mint = Mint::new(identifier).expire_secs(expire);
    if let Some(time) = time {
        mint = mint.time(time);
    }
    mint = match payload {
        Payload::Plain => mint,
        Payload::Userbuf(bytes) => mint.userbuf(bytes),
        Payload::Room(room, privileges) => mint.private_map_key(room, privileges),
    };
    // Minted straight into the caller's buffer (no allocation, no copy; issue 5), the last
    // byte kept for the NUL.
    let TextOut { buf, len } = text_out;
    let room = buf.len().saturating_sub(1);
    let written = signer
        .signer
        .mint_into_uninit(&mint, buf.get_mut(..room).unwrap_or_default())
        .map_err(Code::from)?;
    match written {
        Ok(n) => {
            if let Some(nul) = buf.get_mut(n) {
                nul.write(0);
            }
            len.write(n);
            Ok(())
        }
        Err(needed) => {
            len.write(needed);
            Err(Code(USERSIG_ERR_BUFFER_TOO_SMALL))
        }
    }
}

/// Mints a plain UserSig for `identifier`, issued now (the system clock), valid for `expire`
/// seconds (`USERSIG_DEFAULT_EXPIRE_SECS` is the documented default).
///
/// - `signer`: borrowed for the call.
/// - `identifier`, `identifier_len`: UTF-8, not NUL-terminated; read during the call only.
/// - `out`, `cap`, `len`: the token is written to `out` with a NUL, `*len` set to its length
///   without the NUL. A buffer of `USERSIG_MAX_TOKEN_LEN + 1` bytes holds any token a
///   verifier accepts. Too small: `USERSIG_ERR_BUFFER_TOO_SMALL`, `*len` = length needed,
///   nothing else written.
///
/// Returns `USERSIG_OK`, a minting error (`USERSIG_ERR_EMPTY_IDENTIFIER` ...),
/// `USERSIG_ERR_INVALID_UTF8`, `USERSIG_ERR_NULL_ARGUMENT` or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `signer` must be a live signer; `identifier` must point to `identifier_len` readable bytes
/// (or be NULL with length 0); `out` must be writable for `cap` bytes (or NULL with `cap` 0);
/// `len` must be writable. Outputs must not overlap inputs or each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `sign`'s.
        Ok(unsafe {
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                None,
                Payload::Plain,
                out,
                cap,
                len,
            )
        }?)
    })
}

/// As `usersig_sign`, issued at `time` (Unix seconds) instead of the system clock: the same
/// arguments always give the same token.
///
/// # Safety
/// As `usersig_sign`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign_at(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    time: u64,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `sign`'s.
        Ok(unsafe {
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                Some(time),
                Payload::Plain,
                out,
                cap,
                len,
            )
        }?)
    })
}

/// As `usersig_sign`, the token carrying `userbuf` as `TLS.userbuf` (an empty userbuf is
/// still carried, FORMAT.md §7).
///
/// - `userbuf`, `userbuf_len`: any bytes, at most 65535; read during the call only.
///
/// # Safety
/// As `usersig_sign`; `userbuf` must point to `userbuf_len` readable bytes (or be NULL with
/// length 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign_userbuf(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    userbuf: *const u8,
    userbuf_len: usize,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `userbuf` is a readable input (caller contract); the rest is `sign`'s.
        Ok(unsafe {
            let userbuf = bytes_in(userbuf, userbuf_len)?;
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                None,
                Payload::Userbuf(userbuf),
                out,
                cap,
                len,
            )
        }?)
    })
}

/// As `usersig_sign_userbuf`, issued at `time` (Unix seconds).
///
/// # Safety
/// As `usersig_sign_userbuf`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign_userbuf_at(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    time: u64,
    userbuf: *const u8,
    userbuf_len: usize,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `userbuf` is a readable input (caller contract); the rest is `sign`'s.
        Ok(unsafe {
            let userbuf = bytes_in(userbuf, userbuf_len)?;
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                Some(time),
                Payload::Userbuf(userbuf),
                out,
                cap,
                len,
            )
        }?)
    })
}

/// Mints a TRTC PrivateMapKey (FORMAT.md §6) for numeric room `room_id`, granting `privileges`
/// (bits of `USERSIG_PRIV_*`), issued now. Its absolute expiry is `time + expire`, which
/// must fit in 32 bits, as must the signer's SDKAppID.
///
/// Returns as `usersig_sign`, and `USERSIG_ERR_INVALID_ARGUMENT` for privilege bits above
/// 255, `USERSIG_ERR_SDKAPPID_OUT_OF_RANGE`, `USERSIG_ERR_EXPIRY_OUT_OF_RANGE`.
///
/// # Safety
/// As `usersig_sign`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign_pmk(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    room_id: u32,
    privileges: u32,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        let payload = Payload::Room(Room::Numeric(room_id), self::privileges(privileges)?);
        // SAFETY: the caller's contract is `sign`'s.
        Ok(unsafe {
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                None,
                payload,
                out,
                cap,
                len,
            )
        }?)
    })
}

/// As `usersig_sign_pmk`, issued at `time` (Unix seconds).
///
/// # Safety
/// As `usersig_sign`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign_pmk_at(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    time: u64,
    room_id: u32,
    privileges: u32,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        let payload = Payload::Room(Room::Numeric(room_id), self::privileges(privileges)?);
        // SAFETY: the caller's contract is `sign`'s.
        Ok(unsafe {
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                Some(time),
                payload,
                out,
                cap,
                len,
            )
        }?)
    })
}

/// As `usersig_sign_pmk`, for the string room `room`, `room_len` (UTF-8, not NUL-terminated,
/// at most 65535 bytes; read during the call only). An empty string room means numeric
/// room 0 (FORMAT.md §6).
///
/// # Safety
/// As `usersig_sign`; `room` must point to `room_len` readable bytes (or be NULL with length
/// 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign_pmk_str(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    room: *const c_char,
    room_len: usize,
    privileges: u32,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `room` is a readable input (caller contract); the rest is `sign`'s.
        Ok(unsafe {
            let payload = Payload::Room(
                Room::Str(str_in(room, room_len)?),
                self::privileges(privileges)?,
            );
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                None,
                payload,
                out,
                cap,
                len,
            )
        }?)
    })
}

/// As `usersig_sign_pmk_str`, issued at `time` (Unix seconds).
///
/// # Safety
/// As `usersig_sign_pmk_str`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_sign_pmk_str_at(
    signer: *const usersig_signer,
    identifier: *const c_char,
    identifier_len: usize,
    expire: u64,
    time: u64,
    room: *const c_char,
    room_len: usize,
    privileges: u32,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `room` is a readable input (caller contract); the rest is `sign`'s.
        Ok(unsafe {
            let payload = Payload::Room(
                Room::Str(str_in(room, room_len)?),
                self::privileges(privileges)?,
            );
            sign(
                signer,
                identifier,
                identifier_len,
                expire,
                Some(time),
                payload,
                out,
                cap,
                len,
            )
        }?)
    })
}

// ---------------------------------------------------------------------------------------------
// Verifier
// ---------------------------------------------------------------------------------------------

/// Creates a verifier for `sdkappid` with the app's key (raw bytes, FORMAT.md §1) and its settings.
///
/// - `key`, `key_len`: the key, not NUL-terminated. Read during the call only; the verifier
///   keeps a keyed HMAC state, wiped by `usersig_verifier_free`.
/// - `max_future_skew_secs`: how far in the future `TLS.time` may be
///   (`USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS` = 300).
/// - `leeway_secs`: how long after expiry a token is still accepted (usually 0).
/// - `max_token_len`, `max_inflated_len`: the size limits, enforced while decoding
///   (`USERSIG_MAX_TOKEN_LEN`, `USERSIG_MAX_INFLATED_LEN` are FORMAT.md §5.1's). Raising them
///   raises what an attacker's token may cost.
/// - `out`: on success receives a new verifier, owned by the caller, to be freed with
///   `usersig_verifier_free`. Not written on failure.
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_EMPTY_KEY` or `USERSIG_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// `key` must point to `key_len` readable bytes (or be NULL with `key_len` 0); `out` must be
/// valid for a write of a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_verifier_new(
    sdkappid: u64,
    key: *const c_char,
    key_len: usize,
    max_future_skew_secs: u64,
    leeway_secs: u64,
    max_token_len: usize,
    max_inflated_len: usize,
    out: *mut *mut usersig_verifier,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `key`/`key_len` is a readable input (caller contract), read during the call.
        let key = unsafe { bytes_in(key.cast::<u8>(), key_len) }?;
        if out.is_null() {
            return Err(USERSIG_ERR_NULL_ARGUMENT);
        }
        let verifier = Verifier::new(sdkappid, key)
            .map_err(Code::from)?
            .max_future_skew_secs(max_future_skew_secs)
            .leeway_secs(leeway_secs)
            .limits(Limits {
                max_token_bytes: max_token_len,
                max_inflated_bytes: max_inflated_len,
            });
        // SAFETY: `out` is valid for a pointer write (caller contract).
        unsafe { put_handle(out, usersig_verifier { verifier }) }?;
        Ok(())
    })
}

/// Frees a verifier and wipes its keyed state. `usersig_verifier_free(NULL)` does nothing.
///
/// # Safety
/// `verifier` must be NULL or a verifier from `usersig_verifier_new`, not used after this call
/// by any thread, and freed only once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_verifier_free(verifier: *mut usersig_verifier) {
    ffi_boundary!(() => {
        // SAFETY: caller contract.
        unsafe { free_handle(verifier) }
    })
}

/// Reads the caller's expectation.
///
/// # Safety
/// `expect` must be NULL or point to a readable `usersig_expect` whose pointers follow the
/// input convention.
unsafe fn expectation<'a>(expect: *const usersig_expect) -> Result<Expect<'a>, Code> {
    // SAFETY: a non-NULL `expect` points to a readable, initialized `usersig_expect` (caller
    // contract); its fields are plain integers and pointers, valid for any bit pattern.
    let Some(e) = (unsafe { expect.as_ref() }) else {
        return Ok(Expect::Anything);
    };
    Ok(match e.kind {
        USERSIG_EXPECT_ANYTHING => Expect::Anything,
        USERSIG_EXPECT_NO_USERBUF => Expect::NoUserbuf,
        // SAFETY: `userbuf`/`userbuf_len` is a readable input (caller contract).
        USERSIG_EXPECT_USERBUF => Expect::Userbuf(unsafe { bytes_in(e.userbuf, e.userbuf_len) }?),
        USERSIG_EXPECT_ROOM => Expect::Room {
            room: Room::Numeric(e.room_id),
            privileges: privileges(e.privileges)?,
        },
        USERSIG_EXPECT_STR_ROOM => Expect::Room {
            // SAFETY: `room`/`room_len` is a readable input (caller contract).
            room: Room::Str(unsafe { str_in(e.room, e.room_len) }?),
            privileges: privileges(e.privileges)?,
        },
        _ => return Err(Code(USERSIG_ERR_INVALID_ARGUMENT)),
    })
}

/// The body of both verify exports.
///
/// # Safety
/// The pointer contracts of `usersig_verify`.
#[allow(clippy::too_many_arguments)]
unsafe fn verify(
    verifier: *const usersig_verifier,
    token: *const c_char,
    token_len: usize,
    identifier: *const c_char,
    identifier_len: usize,
    now: Option<u64>,
    expect: *const usersig_expect,
    claims: *mut usersig_claims,
    userbuf_out: *mut u8,
    userbuf_cap: usize,
) -> Result<(), Code> {
    // SAFETY: forwarded caller contracts: a live verifier, readable inputs, a writable userbuf
    // buffer when non-NULL. NULL `userbuf_out` means the bytes are not wanted.
    let (verifier, token, identifier, expect, userbuf_buf) = unsafe {
        (
            handle(verifier)?,
            // Not checked as UTF-8 here: decoding finds a token that is not (FORMAT.md §4.2).
            bytes_in(token.cast::<u8>(), token_len)?,
            str_in(identifier, identifier_len)?,
            expectation(expect)?,
            if userbuf_out.is_null() {
                None
            } else {
                Some(bytes_out(userbuf_out, userbuf_cap)?)
            },
        )
    };
    if claims.is_null() {
        return Err(Code(USERSIG_ERR_NULL_ARGUMENT));
    }
    let found: Claims = verifier
        .verifier
        .verify_bytes(token, identifier, &expect, now)?;
    let userbuf = found.userbuf.as_deref().unwrap_or_default();
    if let Some(buf) = userbuf_buf {
        let Some(dst) = buf.get_mut(..userbuf.len()) else {
            // SAFETY: `claims` is non-NULL and valid for writes (caller contract); only this
            // field is written, through a raw place, so nothing else is touched or read.
            unsafe { (&raw mut (*claims).userbuf_len).write(userbuf.len()) };
            return Err(Code(USERSIG_ERR_BUFFER_TOO_SMALL));
        };
        copy_into(dst, userbuf);
    }
    let pmk = found.private_map_key.as_ref();
    let value = usersig_claims {
        sdkappid: found.sdkappid,
        time: found.time,
        expire: found.expire,
        expires_at: found.expires_at,
        has_userbuf: found.userbuf.is_some(),
        userbuf_len: userbuf.len(),
        has_private_map_key: pmk.is_some(),
        pmk_is_string_room: pmk.is_some_and(|p| p.room_str.is_some()),
        pmk_room_id: pmk.map_or(0, |p| p.room_id),
        pmk_privileges: pmk.map_or(0, |p| p.privileges.bits()),
        pmk_expires_at: pmk.map_or(0, |p| p.expires_at),
    };
    // SAFETY: `claims` is non-NULL and valid for a write of a `usersig_claims` (caller
    // contract); `write` neither reads nor drops the possibly uninitialized old value.
    unsafe { claims.write(value) };
    Ok(())
}

/// Verifies `token` for `identifier` against the system clock (FORMAT.md §5). See
/// `usersig_verify_at`.
///
/// # Safety
/// As `usersig_verify_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_verify(
    verifier: *const usersig_verifier,
    token: *const c_char,
    token_len: usize,
    identifier: *const c_char,
    identifier_len: usize,
    expect: *const usersig_expect,
    claims: *mut usersig_claims,
    userbuf_out: *mut u8,
    userbuf_cap: usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `verify`'s.
        Ok(unsafe {
            verify(
                verifier,
                token,
                token_len,
                identifier,
                identifier_len,
                None,
                expect,
                claims,
                userbuf_out,
                userbuf_cap,
            )
        }?)
    })
}

/// Verifies `token` for `identifier` at `now` (Unix seconds). Checks run in FORMAT.md §5 order;
/// the first failure is returned.
///
/// - `verifier`: borrowed for the call.
/// - `token`, `token_len`: the token text, not NUL-terminated; read during the call only.
///   Text that is not UTF-8 is `USERSIG_ERR_MALFORMED`.
/// - `identifier`, `identifier_len`: the expected identifier, UTF-8; compared byte for byte.
/// - `expect`: NULL for no userbuf requirement, or a `usersig_expect` read during the call.
/// - `claims`: required; written on success only (see `usersig_claims`).
/// - `userbuf_out`, `userbuf_cap`: NULL when the userbuf bytes are not wanted
///   (`claims->userbuf_len` still tells their length). Otherwise the decoded userbuf is
///   copied there (no NUL; a buffer of `USERSIG_MAX_USERBUF_LEN` always suffices); when it
///   does not fit the call returns `USERSIG_ERR_BUFFER_TOO_SMALL`, sets only
///   `claims->userbuf_len` and writes nothing else.
///
/// Returns `USERSIG_OK`, one of the eight verification codes (1-8),
/// `USERSIG_ERR_INVALID_UTF8`, `USERSIG_ERR_INVALID_ARGUMENT` (bad expectation),
/// `USERSIG_ERR_NULL_ARGUMENT` or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `verifier` must be a live verifier; `token` and `identifier` must point to as many
/// readable bytes as their lengths say (or be NULL with length 0); `expect` must be NULL or
/// readable; `claims` must be writable; `userbuf_out` must be NULL or writable for
/// `userbuf_cap` bytes. Outputs must not overlap inputs or each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_verify_at(
    verifier: *const usersig_verifier,
    token: *const c_char,
    token_len: usize,
    identifier: *const c_char,
    identifier_len: usize,
    now: u64,
    expect: *const usersig_expect,
    claims: *mut usersig_claims,
    userbuf_out: *mut u8,
    userbuf_cap: usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `verify`'s.
        Ok(unsafe {
            verify(
                verifier,
                token,
                token_len,
                identifier,
                identifier_len,
                Some(now),
                expect,
                claims,
                userbuf_out,
                userbuf_cap,
            )
        }?)
    })
}

// ---------------------------------------------------------------------------------------------
// Inspection
// ---------------------------------------------------------------------------------------------

/// The body of both inspect exports.
///
/// # Safety
/// The pointer contracts of `usersig_inspect_at`.
unsafe fn inspect_into(
    token: *const c_char,
    token_len: usize,
    now: Option<u64>,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> Result<(), Code> {
    // SAFETY: forwarded caller contracts: a readable token, a writable output and length.
    let (token, text_out) = unsafe { (token_in(token, token_len)?, TextOut::new(out, cap, len)?) };
    let inspection = match now {
        Some(now) => inspect_at(token, now)?,
        None => inspect(token)?,
    };
    text_out.put(&inspection.to_json().to_string())
}

/// Decodes `token` without a key, as of the system clock, and describes it as JSON text (the
/// shape of `usersig inspect --json`). Nothing is verified. See `usersig_inspect_at`.
///
/// # Safety
/// As `usersig_inspect_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_inspect(
    token: *const c_char,
    token_len: usize,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `inspect_into`'s.
        Ok(unsafe { inspect_into(token, token_len, None, out, cap, len) }?)
    })
}

/// Decodes `token` without a key and describes it as of `now` (Unix seconds), as JSON text:
/// its claims, encoding, compression, JSON style, probable producer and warnings. Nothing is
/// verified: never use this to accept a token.
///
/// - `token`, `token_len`: the token text; read during the call only.
/// - `out`, `cap`, `len`: the JSON is written with a NUL, `*len` set to its length without the
///   NUL. Too small: `USERSIG_ERR_BUFFER_TOO_SMALL`, `*len` = length needed, nothing else
///   written; the length depends on the token (a few KiB for ordinary ones).
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_MALFORMED` (no JSON object to describe),
/// `USERSIG_ERR_NULL_ARGUMENT` or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `token` must point to `token_len` readable bytes (or be NULL with length 0); `out` must be
/// writable for `cap` bytes (or NULL with `cap` 0); `len` must be writable. Outputs must not
/// overlap inputs or each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_inspect_at(
    token: *const c_char,
    token_len: usize,
    now: u64,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `inspect_into`'s.
        Ok(unsafe { inspect_into(token, token_len, Some(now), out, cap, len) }?)
    })
}

// ---------------------------------------------------------------------------------------------
// REST API (FORMAT.md §8): the request URL and what an `ErrorCode` means. No HTTP client.
// ---------------------------------------------------------------------------------------------

/// The body of `usersig_rest_url`.
///
/// # Safety
/// The pointer contracts of `usersig_rest_url`.
#[allow(clippy::too_many_arguments)]
unsafe fn rest_url(
    endpoint: *const c_char,
    endpoint_len: usize,
    service: *const c_char,
    service_len: usize,
    command: *const c_char,
    command_len: usize,
    sdkappid: u64,
    identifier: *const c_char,
    identifier_len: usize,
    usersig: *const c_char,
    usersig_len: usize,
    fixed_random: *const u32,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> Result<(), Code> {
    // SAFETY: forwarded caller contracts: readable text inputs, a NULL or readable and aligned
    // `fixed_random`, a writable output buffer and length.
    let (endpoint, service, command, identifier, usersig, random, text_out) = unsafe {
        (
            str_in(endpoint, endpoint_len)?,
            str_in(service, service_len)?,
            str_in(command, command_len)?,
            str_in(identifier, identifier_len)?,
            str_in(usersig, usersig_len)?,
            fixed_random.as_ref().copied(),
            TextOut::new(out, cap, len)?,
        )
    };
    let endpoint = if endpoint.is_empty() {
        Endpoint::default()
    } else {
        Endpoint::parse(endpoint)?
    };
    // A fresh `random` is drawn here so that, when the buffer is too small, the length
    // reported is the one with the longest `random` (10 digits): a buffer of that length plus
    // the NUL then holds the URL of the next call too, whatever `random` it draws.
    let drawn = random.unwrap_or_else(rest::fresh_random);
    let mut text = String::new();
    RestUrl::new(&endpoint, service, command)
        .sdkappid(sdkappid)
        .identifier(identifier)
        .usersig(usersig)
        .random(drawn)
        .write_into(&mut text)?;
    let spare = match random {
        Some(_) => 0,
        None => 10 - drawn.checked_ilog10().map_or(1, |d| d as usize + 1),
    };
    text_out.put_or_report(&text, text.len() + spare)
}

/// Writes the URL of one REST API request (FORMAT.md §8):
/// `<base>/v4/<service>/<command>?sdkappid=<n>&identifier=<admin>&usersig=<token>&random=<u32>&contenttype=json`.
/// POST a JSON body to it (`{}` when there is nothing to send, never an empty body) with any
/// HTTP client; the library has none. Mint the admin UserSig with `usersig_sign` for the app
/// administrator, keep it, and mint a new one shortly before it expires: never one per request.
///
/// - `endpoint`, `endpoint_len`: a region code (`cn`, `sgp`, `kr`, `jpn`, `ger`, `ind`, `usa`,
///   `idn`, or a longer name such as `singapore`; any case), or a base URL
///   `http(s)://host[:port][/prefix]` (any text containing `://`; a trailing `/` is dropped).
///   Empty (`(NULL, 0)`) is China, `https://console.tim.qq.com`.
/// - `service`, `command`: e.g. `openim`, `sendmsg`; `[A-Za-z0-9_]` only.
/// - `sdkappid`: the app's SDKAppID, not 0.
/// - `identifier`, `usersig`: the app administrator and its UserSig, not empty; both are
///   percent-encoded (a UserSig in the token alphabet passes unchanged; `+`, `/`, `=` become
///   `%2B`, `%2F`, `%3D`).
/// - `fixed_random`: NULL draws a fresh `random` from the operating system (the normal case:
///   a new URL per request); otherwise `*fixed_random` is used as is (tests, reproducible
///   output).
/// - `out`, `cap`, `len`: the URL is written with a NUL, `*len` set to its length without the
///   NUL. Too small: `USERSIG_ERR_BUFFER_TOO_SMALL`, `*len` = length needed, nothing else
///   written. With `fixed_random` NULL the length varies with the `random` drawn (1 to 10
///   digits), so the length reported is the longest: `*len + 1` bytes suffice for any later
///   call with the same arguments. 1024 bytes hold a region URL with a short identifier and
///   a token minted with the default settings.
///
/// All inputs are checked before anything is written. Returns `USERSIG_OK`,
/// `USERSIG_ERR_UNKNOWN_REGION`, `USERSIG_ERR_BAD_BASE_URL`, `USERSIG_ERR_BAD_PATH_SEGMENT`,
/// `USERSIG_ERR_MISSING_SDKAPPID`, `USERSIG_ERR_EMPTY_IDENTIFIER`, `USERSIG_ERR_EMPTY_USERSIG`,
/// `USERSIG_ERR_INVALID_UTF8`, `USERSIG_ERR_NULL_ARGUMENT` or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// Each text input must point to as many readable bytes as its length says (or be NULL with
/// length 0); `fixed_random` must be NULL or point to a readable, aligned `uint32_t`; `out`
/// must be writable for `cap` bytes (or NULL with `cap` 0); `len` must be writable. Outputs
/// must not overlap inputs or each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_rest_url(
    endpoint: *const c_char,
    endpoint_len: usize,
    service: *const c_char,
    service_len: usize,
    command: *const c_char,
    command_len: usize,
    sdkappid: u64,
    identifier: *const c_char,
    identifier_len: usize,
    usersig: *const c_char,
    usersig_len: usize,
    fixed_random: *const u32,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `rest_url`'s.
        Ok(unsafe {
            rest_url(
                endpoint,
                endpoint_len,
                service,
                service_len,
                command,
                command_len,
                sdkappid,
                identifier,
                identifier_len,
                usersig,
                usersig_len,
                fixed_random,
                out,
                cap,
                len,
            )
        }?)
    })
}

/// The NUL-terminated copies of one `rest::CodeInfo`'s texts.
struct CodeTexts {
    name: std::ffi::CString,
    meaning: std::ffi::CString,
    action: std::ffi::CString,
}

/// The NUL-terminated copies of one `RetryClass`'s texts.
struct RetryTexts {
    name: std::ffi::CString,
    advice: std::ffi::CString,
}

/// `rest::CODES` and `RetryClass::ALL` as C strings, made once on first use and never freed,
/// so the pointers handed out stay valid for the life of the process.
struct RestTexts {
    codes: Vec<CodeTexts>,
    classes: Vec<RetryTexts>,
}

fn rest_texts() -> &'static RestTexts {
    static TEXTS: OnceLock<RestTexts> = OnceLock::new();
    // The core's texts hold no NUL (a unit test checks); one that did would read as "".
    let c = |text: &str| std::ffi::CString::new(text).unwrap_or_default();
    TEXTS.get_or_init(|| RestTexts {
        codes: rest::CODES
            .iter()
            .map(|info| CodeTexts {
                name: c(info.name),
                meaning: c(info.meaning),
                action: c(info.action),
            })
            .collect(),
        classes: RetryClass::ALL
            .iter()
            .map(|class| RetryTexts {
                name: c(class.as_str()),
                advice: c(class.advice()),
            })
            .collect(),
    })
}

/// The texts of a code in FORMAT.md §8's table.
fn code_texts(code: i64) -> Option<&'static CodeTexts> {
    let index = rest::CODES
        .binary_search_by_key(&code, |info| info.code)
        .ok()?;
    rest_texts().codes.get(index)
}

/// The texts of a retry class given as an integer.
fn retry_texts(class: c_int) -> Option<&'static RetryTexts> {
    let index = usize::try_from(class).ok()?;
    rest_texts().classes.get(index)
}

/// A static C string, or `""` for `None`.
fn or_empty(text: Option<&'static std::ffi::CString>) -> *const c_char {
    text.map_or(c"".as_ptr(), |t| t.as_ptr())
}

/// How to react to a REST reply's `ErrorCode` (FORMAT.md §8): `USERSIG_RETRY_NEVER`,
/// `USERSIG_RETRY_BACKOFF`, `USERSIG_RETRY_AFTER_60S` or `USERSIG_RETRY_RENEW_TOKEN` for a code
/// in the table, `USERSIG_RETRY_UNKNOWN` (-1) for any other code, 0 included (0 is success, not
/// an error). Never retry an unknown code.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_rest_code_retry(code: i64) -> c_int {
    ffi_boundary!(USERSIG_RETRY_UNKNOWN => {
        rest::describe(code).map_or(USERSIG_RETRY_UNKNOWN, |info| c_int::from(info.retry as u8))
    })
}

/// The stable snake_case name of a REST `ErrorCode`, e.g. `"usersig_expired"` for 70001 (the
/// name `usersig explain` prints; 60004 and 60005 share one, as do 60018 and 60019). `""` for
/// a code outside FORMAT.md §8's table.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_rest_code_name(code: i64) -> *const c_char {
    ffi_boundary!(c"".as_ptr() => { or_empty(code_texts(code).map(|t| &t.name)) })
}

/// What a REST `ErrorCode` means (English, one line, no trailing period), e.g. `"the UserSig
/// has expired"` for 70001. `""` for a code outside FORMAT.md §8's table.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_rest_code_meaning(code: i64) -> *const c_char {
    ffi_boundary!(c"".as_ptr() => { or_empty(code_texts(code).map(|t| &t.meaning)) })
}

/// What to do about a REST `ErrorCode` (English, for a person; one line, no trailing period).
/// `""` for a code outside FORMAT.md §8's table.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_rest_code_action(code: i64) -> *const c_char {
    ffi_boundary!(c"".as_ptr() => { or_empty(code_texts(code).map(|t| &t.action)) })
}

/// The stable name of a retry class: `"never"`, `"backoff"`, `"after_60s"`, `"renew_token"`
/// (the names of the Rust API and the CLI). `""` for any other value, `USERSIG_RETRY_UNKNOWN`
/// included, so `usersig_rest_retry_class_name(usersig_rest_code_retry(code))` is always safe.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_rest_retry_class_name(retry_class: c_int) -> *const c_char {
    ffi_boundary!(c"".as_ptr() => { or_empty(retry_texts(retry_class).map(|t| &t.name)) })
}

/// What a retry class asks of the caller, for a person, e.g. `"wait 60 seconds, then retry"`.
/// `""` for any value but the four `USERSIG_RETRY_*` classes.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_rest_retry_class_advice(retry_class: c_int) -> *const c_char {
    ffi_boundary!(c"".as_ptr() => { or_empty(retry_texts(retry_class).map(|t| &t.advice)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(ptr: *const c_char) -> &'static str {
        // SAFETY: the exports return static NUL-terminated strings.
        unsafe { CStr::from_ptr(ptr) }.to_str().unwrap()
    }

    #[test]
    fn tokens_are_encoded_into_the_buffer_and_nothing_past_them_is_touched() {
        // The outer encoding straight into a caller's buffer borrows base64-simd's slack past
        // the text; every byte there must be given back. Every length 0-300, buffers from
        // exactly the text to plenty, against the String path's text.
        for len in 0..=300usize {
            let bytes: Vec<u8> = (0..len)
                .map(|i| [0xfb, 0xff, 0xbf, (i * 11) as u8][i % 4])
                .collect();
            let mut want = String::new();
            crate::token::encode_outer(&bytes, &mut want);
            let room = crate::token::outer_room(len);
            for size in [want.len(), want.len() + 1, room - 1, room, room + 1, 1024] {
                let mut buf = vec![MaybeUninit::new(0xa5u8); size.max(want.len())];
                let mut input = bytes.clone();
                let n = crate::token::encode_outer_uninit(&mut input, &mut buf);
                assert_eq!(input, bytes, "input given back");
                // SAFETY: every byte was initialized above, and writes only store bytes.
                let text: Vec<u8> = buf.iter().map(|b| unsafe { b.assume_init() }).collect();
                assert_eq!(n, want.len(), "{len} {size}");
                assert_eq!(&text[..n], want.as_bytes(), "{len} {size}");
                assert!(
                    text[n..].iter().all(|&b| b == 0xa5),
                    "{len} {size}: written past"
                );
            }
        }
    }

    #[test]
    fn signing_into_a_large_buffer_leaves_everything_past_the_nul() {
        let signer = Signer::new(crate::DEMO_SDKAPPID, crate::DEMO_KEY).unwrap();
        let handle = usersig_signer { signer };
        let mut reference = String::new();
        let mint = Mint::new("xiaojun").time(1_569_910_200).expire_secs(86400);
        handle.signer.mint_into(&mint, &mut reference).unwrap();
        for cap in [reference.len() + 1, reference.len() + 2, 400, 4096] {
            let mut buf = vec![0x5a as c_char; cap];
            let mut n = 0usize;
            // SAFETY: a live signer, a readable identifier, `cap` writable bytes, a length.
            let code = unsafe {
                usersig_sign_at(
                    &handle,
                    c"xiaojun".as_ptr(),
                    7,
                    86400,
                    1_569_910_200,
                    buf.as_mut_ptr(),
                    cap,
                    &mut n,
                )
            };
            assert_eq!(code, USERSIG_OK);
            let bytes: Vec<u8> = buf.iter().map(|&c| c as u8).collect();
            assert_eq!(&bytes[..n], reference.as_bytes());
            assert_eq!(bytes[n], 0);
            assert!(bytes[n + 1..].iter().all(|&b| b == 0x5a), "cap {cap}");
        }
    }

    #[test]
    fn a_panic_becomes_the_panic_code() {
        let code = ffi_boundary!({
            if text(c"x".as_ptr()) == "x" {
                panic!("boom");
            }
            Ok(())
        });
        assert_eq!(code, USERSIG_ERR_PANIC);
        let value: u8 = ffi_boundary!(7 => { panic!("boom") });
        assert_eq!(value, 7);
    }

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

    #[test]
    fn constants_match_the_core() {
        assert_eq!(
            USERSIG_MAX_TOKEN_LEN,
            Limits::default().max_token_bytes,
            "FORMAT.md §5.1"
        );
        assert_eq!(
            USERSIG_MAX_INFLATED_LEN,
            Limits::default().max_inflated_bytes
        );
        assert_eq!(USERSIG_DEFAULT_EXPIRE_SECS, crate::DEFAULT_EXPIRE_SECS);
        assert_eq!(
            USERSIG_DEFAULT_MAX_FUTURE_SKEW_SECS,
            crate::DEFAULT_MAX_FUTURE_SKEW_SECS
        );
        assert_eq!(USERSIG_PRIV_ALL, Privileges::ALL.bits());
        assert_eq!(
            USERSIG_PRIV_RECV_SUB_STREAM,
            Privileges::RECV_SUB_STREAM.bits()
        );
        // SAFETY: always safe.
        let version = unsafe { usersig_version() };
        assert_eq!(text(version), env!("CARGO_PKG_VERSION"));
    }

    /// Calls `usersig_rest_url` with Rust strings; `Err` carries the code and `*len`.
    fn rest_url_of(
        endpoint: &str,
        service: &str,
        identifier: &str,
        usersig: &str,
        random: Option<u32>,
        cap: usize,
    ) -> Result<String, (c_int, usize)> {
        let mut buf = vec![0xABu8; cap];
        let mut len = usize::MAX;
        let random = random
            .as_ref()
            .map_or(std::ptr::null(), |r| r as *const u32);
        // SAFETY: every input is a live Rust string with its length; the buffer holds `cap`
        // bytes; `len` and `random` are valid.
        let code = unsafe {
            usersig_rest_url(
                endpoint.as_ptr().cast(),
                endpoint.len(),
                service.as_ptr().cast(),
                service.len(),
                c"sendmsg".as_ptr(),
                7,
                1_400_000_000,
                identifier.as_ptr().cast(),
                identifier.len(),
                usersig.as_ptr().cast(),
                usersig.len(),
                random,
                if cap == 0 {
                    std::ptr::null_mut()
                } else {
                    buf.as_mut_ptr().cast()
                },
                cap,
                &mut len,
            )
        };
        if code != USERSIG_OK {
            assert!(buf.iter().all(|&b| b == 0xAB), "written on failure");
            return Err((code, len));
        }
        assert_eq!(buf.get(len), Some(&0), "NUL-terminated");
        buf.truncate(len);
        Ok(String::from_utf8(buf).unwrap())
    }

    #[test]
    fn rest_url_matches_the_core() {
        let want = "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg?sdkappid=1400000000\
                    &identifier=a%2Bb%2Fc%3D&usersig=tok*-_%2B%2F%3D&random=7&contenttype=json";
        let got = rest_url_of("sgp", "openim", "a+b/c=", "tok*-_+/=", Some(7), 1024);
        assert_eq!(got.as_deref(), Ok(want));
        let core = RestUrl::new(&Endpoint::parse("sgp").unwrap(), "openim", "sendmsg")
            .sdkappid(1_400_000_000)
            .identifier("a+b/c=")
            .usersig("tok*-_+/=")
            .random(7)
            .build()
            .unwrap();
        assert_eq!(core, want);

        let empty = rest_url_of("", "openim", "admin", "t", Some(0), 1024).unwrap();
        assert!(empty.starts_with("https://console.tim.qq.com/v4/openim/sendmsg?"));
        assert!(empty.contains("&random=0&"));
        let custom = rest_url_of("http://127.0.0.1:9/p/", "openim", "admin", "t", None, 1024);
        assert!(
            custom
                .unwrap()
                .starts_with("http://127.0.0.1:9/p/v4/openim/sendmsg?")
        );
    }

    #[test]
    fn rest_url_errors_have_their_own_codes() {
        let err = |endpoint, service, identifier, usersig| {
            rest_url_of(endpoint, service, identifier, usersig, None, 1024).map_err(|e| e.0)
        };
        assert_eq!(
            err("mars", "openim", "a", "t"),
            Err(USERSIG_ERR_UNKNOWN_REGION)
        );
        assert_eq!(
            err("ftp://x", "openim", "a", "t"),
            Err(USERSIG_ERR_BAD_BASE_URL)
        );
        assert_eq!(
            err("https://x/?q", "openim", "a", "t"),
            Err(USERSIG_ERR_BAD_BASE_URL)
        );
        assert_eq!(
            err("cn", "../x", "a", "t"),
            Err(USERSIG_ERR_BAD_PATH_SEGMENT)
        );
        assert_eq!(err("cn", "", "a", "t"), Err(USERSIG_ERR_BAD_PATH_SEGMENT));
        assert_eq!(
            err("cn", "openim", "", "t"),
            Err(USERSIG_ERR_EMPTY_IDENTIFIER)
        );
        assert_eq!(err("cn", "openim", "a", ""), Err(USERSIG_ERR_EMPTY_USERSIG));
        let all = [
            UrlError::UnknownRegion(String::new()),
            UrlError::BadBaseUrl {
                url: String::new(),
                reason: "",
            },
            UrlError::BadPathSegment {
                what: "service",
                value: String::new(),
            },
            UrlError::MissingSdkAppId,
            UrlError::EmptyIdentifier,
            UrlError::EmptyUserSig,
        ];
        let codes: std::collections::HashSet<c_int> =
            all.into_iter().map(|e| Code::from(e).0).collect();
        assert_eq!(codes.len(), 6);
        for code in codes {
            // SAFETY: always safe.
            assert_ne!(text(unsafe { usersig_error_kind(code) }), "unknown");
        }
    }

    #[test]
    fn rest_url_reports_a_length_that_always_suffices() {
        // Pinned: the exact length.
        let exact = rest_url_of("cn", "openim", "admin", "t", Some(7), 1024).unwrap();
        assert_eq!(
            rest_url_of("cn", "openim", "admin", "t", Some(7), exact.len()),
            Err((USERSIG_ERR_BUFFER_TOO_SMALL, exact.len()))
        );
        assert!(rest_url_of("cn", "openim", "admin", "t", Some(7), exact.len() + 1).is_ok());
        // Fresh: the length with a 10-digit random, whatever was drawn.
        let longest = exact.len() + 9;
        for _ in 0..50 {
            assert_eq!(
                rest_url_of("cn", "openim", "admin", "t", None, 0),
                Err((USERSIG_ERR_BUFFER_TOO_SMALL, longest))
            );
            let url = rest_url_of("cn", "openim", "admin", "t", None, longest + 1).unwrap();
            assert!(url.len() <= longest);
        }
    }

    #[test]
    fn rest_code_info_matches_the_core() {
        for info in rest::CODES {
            // SAFETY: always safe.
            unsafe {
                assert_eq!(usersig_rest_code_retry(info.code), info.retry as c_int);
                assert_eq!(text(usersig_rest_code_name(info.code)), info.name);
                assert_eq!(text(usersig_rest_code_meaning(info.code)), info.meaning);
                assert_eq!(text(usersig_rest_code_action(info.code)), info.action);
            }
        }
        for code in [0, -1, 60001, 70000, 91000, i64::MIN, i64::MAX] {
            // SAFETY: always safe.
            unsafe {
                assert_eq!(usersig_rest_code_retry(code), USERSIG_RETRY_UNKNOWN);
                assert_eq!(text(usersig_rest_code_name(code)), "");
                assert_eq!(text(usersig_rest_code_meaning(code)), "");
                assert_eq!(text(usersig_rest_code_action(code)), "");
            }
        }
        for class in RetryClass::ALL {
            // SAFETY: always safe.
            unsafe {
                assert_eq!(
                    text(usersig_rest_retry_class_name(class as c_int)),
                    class.as_str()
                );
                assert_eq!(
                    text(usersig_rest_retry_class_advice(class as c_int)),
                    class.advice()
                );
            }
        }
        for class in [USERSIG_RETRY_UNKNOWN, 4, c_int::MIN, c_int::MAX] {
            // SAFETY: always safe.
            unsafe {
                assert_eq!(text(usersig_rest_retry_class_name(class)), "");
                assert_eq!(text(usersig_rest_retry_class_advice(class)), "");
            }
        }
        // No text was cut short by a NUL of its own.
        for (info, t) in rest::CODES.iter().zip(&rest_texts().codes) {
            assert_eq!(t.action.as_bytes().len(), info.action.len());
            assert_eq!(t.meaning.as_bytes().len(), info.meaning.len());
            assert_eq!(t.name.as_bytes().len(), info.name.len());
        }
    }
}
