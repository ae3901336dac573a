//! The C ABI: translation between C's pointers, lengths and result codes and the core's types,
//! and nothing else. All of the crate's `unsafe` code lives in this module.
//!
//! `include/usersig.h` is generated from this module by cbindgen (pinned in `tests/ffi_header.rs`,
//! which fails when the header is stale). The conventions every export follows, written once
//! here and repeated in the header:
//!
//! - **Result codes.** Every fallible function returns an `int`: [`USERSIG_OK`] (0) or one of
//!   the `USERSIG_ERR_*` codes. Codes are stable and never reused; each verification failure
//!   kind has its own (the same names as [`ErrorKind::as_str`](crate::ErrorKind::as_str)).
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
//!
//! The module is laid out as the header is: this file holds the conventions, the version, the
//! sizes, the panic boundary and the pointer/length and output-buffer helpers every export
//! uses; `codes` the result codes; then one file per C object family: `signer`, `verifier`,
//! `inspect`, `rest` and `callback`.
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int};
use std::mem::MaybeUninit;

use crate::Privileges;

// ---------------------------------------------------------------------------------------------
// Version
// ---------------------------------------------------------------------------------------------

/// The library's major version (the crate's semantic version; checked against Cargo.toml at
/// compile time). `USERSIG_VERSION_STRING` is `"MAJOR.MINOR.PATCH"`.
pub const USERSIG_VERSION_MAJOR: u32 = 0;
/// The library's minor version.
pub const USERSIG_VERSION_MINOR: u32 = 2;
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
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::core::result::Result<(), ::std::ffi::c_int> { $body },
        )) {
            Ok(Ok(())) => $crate::ffi::USERSIG_OK,
            Ok(Err(code)) => code,
            Err(_) => $crate::ffi::USERSIG_ERR_PANIC,
        }
    };
    ($fallback:expr => $body:block) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(value) => value,
            Err(_) => $fallback,
        }
    };
}

// The exports, one file per family, declared after `ffi_boundary!` so that they can use it.
// cbindgen emits each module's items in the order the modules are declared here, which is the
// header's order: keep these apart so that rustfmt does not sort them.
mod codes;

mod signer;

mod verifier;

mod inspect;

mod rest;

mod callback;

pub use callback::*;
pub use codes::*;
pub use inspect::*;
pub use rest::*;
pub use signer::*;
pub use verifier::*;

/// A result code on its way out, so `?` converts core errors.
struct Code(c_int);

impl From<Code> for c_int {
    fn from(code: Code) -> c_int {
        code.0
    }
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
    // The size limit first (FORMAT.md §5.1): a token over it is malformed whatever its bytes,
    // so an attacker's megabytes are never scanned for UTF-8.
    if len > crate::Limits::default().max_token_bytes {
        return Err(Code(USERSIG_ERR_MALFORMED));
    }
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

/// A static C string returned by an export, as Rust text.
#[cfg(test)]
fn text(ptr: *const c_char) -> &'static str {
    // SAFETY: the exports return static NUL-terminated strings.
    unsafe { std::ffi::CStr::from_ptr(ptr) }.to_str().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

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
        // SAFETY: always safe.
        let version = unsafe { usersig_version() };
        assert_eq!(text(version), env!("CARGO_PKG_VERSION"));
    }
}
