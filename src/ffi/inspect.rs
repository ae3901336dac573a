//! Inspection: the `usersig_inspect*` exports.

use std::ffi::{c_char, c_int};

use super::{Code, TextOut, token_in};
use crate::{inspect, inspect_at};

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
