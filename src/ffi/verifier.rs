//! Verification: the `usersig_verifier` handle, the claims and expectation structs, and the
//! `usersig_verify*` exports.

use std::ffi::{c_char, c_int};

use super::{
    Code, USERSIG_ERR_BUFFER_TOO_SMALL, USERSIG_ERR_INVALID_ARGUMENT, USERSIG_ERR_NULL_ARGUMENT,
    bytes_in, bytes_out, copy_into, free_handle, handle, privileges, put_handle, str_in,
};
use crate::{Claims, Expect, Limits, PrivateMapKey, Room, Verifier};

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/// Expectation: none; the token may carry any userbuf or none.
pub const USERSIG_EXPECT_ANYTHING: i32 = 0;
/// Expectation: the token must carry no userbuf.
pub const USERSIG_EXPECT_NO_USERBUF: i32 = 1;
/// Expectation: the token must carry exactly the bytes `userbuf`/`userbuf_len`.
pub const USERSIG_EXPECT_USERBUF: i32 = 2;
/// Expectation: a PrivateMapKey for numeric room `room_id` granting at least `privileges`.
pub const USERSIG_EXPECT_ROOM: i32 = 3;
/// Expectation: a PrivateMapKey for string room `string_room`/`string_room_len` granting at
/// least `privileges` (an empty string room means numeric room 0, FORMAT.md §6).
pub const USERSIG_EXPECT_STRING_ROOM: i32 = 4;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/// Verifies tokens for one app with fixed settings. Create with `usersig_verifier_new`, free
/// with `usersig_verifier_free`. Immutable after creation: one verifier may be used from any
/// number of threads at once, without locking.
#[allow(non_camel_case_types)]
pub struct usersig_verifier {
    verifier: Verifier,
}

// The thread-safety promise above, checked by the compiler: a verifier is shared by reference
// across threads (`Sync`) and may be freed on any thread (`Send`).
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<usersig_verifier>();
};

/// What a valid token says, written by `usersig_verify` and `usersig_verify_at` on success
/// only (and, on `USERSIG_ERR_BUFFER_TOO_SMALL`, only `userbuf_len`).
///
/// The identifier is not repeated: it equals the one the caller passed, byte for byte.
///
/// The `pmk_*` fields describe whatever userbuf the token carries, read as a TRTC
/// PrivateMapKey (FORMAT.md §6). They are authenticated only as far as the app signed them:
/// the signature covers the userbuf, but whoever holds the app's key may have put any
/// PrivateMapKey there. They are checked against a room (account equal to the identifier,
/// SDKAppID, expiry, room, privileges) only when the caller passed a room expectation
/// (`USERSIG_EXPECT_ROOM`, `USERSIG_EXPECT_STRING_ROOM`); otherwise they are only what the
/// bytes say.
///
/// The account and the string room are text inside the userbuf, given as an offset and a
/// length into the userbuf bytes the call copied to `userbuf_out` (so no binding parses the
/// FORMAT.md §6 layout). With a NULL `userbuf_out` the lengths still tell their sizes, but
/// the text is not available.
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
    /// The PrivateMapKey names a string room (version 1, FORMAT.md §6), located by
    /// `pmk_string_room_offset` and `pmk_string_room_len`.
    pub pmk_has_string_room: bool,
    /// The PrivateMapKey's numeric room (0 for a string room).
    pub pmk_room_id: u32,
    /// The PrivateMapKey's privilege bits (`USERSIG_PRIV_*`).
    pub pmk_privileges: u32,
    /// The PrivateMapKey's absolute expiry, Unix seconds.
    pub pmk_expires_at: u32,
    /// The PrivateMapKey's account (UTF-8): its first byte's offset in the userbuf (0 when
    /// `has_private_map_key` is false).
    pub pmk_account_offset: usize,
    /// The length of the account in bytes.
    pub pmk_account_len: usize,
    /// The PrivateMapKey's string room (UTF-8; an empty one means numeric room 0): its first
    /// byte's offset in the userbuf (0 when `pmk_has_string_room` is false).
    pub pmk_string_room_offset: usize,
    /// The length of the string room in bytes (0 for a numeric room).
    pub pmk_string_room_len: usize,
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
    /// `USERSIG_EXPECT_STRING_ROOM`: the string room, UTF-8, not NUL-terminated. Borrowed
    /// for the call.
    pub string_room: *const c_char,
    /// The length of `string_room` in bytes.
    pub string_room_len: usize,
    /// `USERSIG_EXPECT_ROOM`, `USERSIG_EXPECT_STRING_ROOM`: the privileges required (bits of
    /// `USERSIG_PRIV_*`; the token must grant at least these).
    pub privileges: u32,
}
// ---------------------------------------------------------------------------------------------
// The exports: creating and freeing a verifier, verifying
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
/// - Settings over their ceilings (skew or leeway over 31,536,000 s, a token limit over
///   65,536 bytes, an inflated limit over 1,048,576 bytes) are refused with
///   `USERSIG_ERR_INVALID_ARGUMENT`.
/// - `out`: on success receives a new verifier, owned by the caller, to be freed with
///   `usersig_verifier_free`. Not written on failure.
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_EMPTY_KEY`, `USERSIG_ERR_NULL_ARGUMENT` or
/// `USERSIG_ERR_INVALID_ARGUMENT`.
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
            .and_then(|v| v.leeway_secs(leeway_secs))
            .and_then(|v| {
                v.limits(Limits {
                    max_token_bytes: max_token_len,
                    max_inflated_bytes: max_inflated_len,
                })
            })
            // A setting over its ceiling (a year of skew or leeway, 64 KiB / 1 MiB limits).
            .map_err(|_| Code(USERSIG_ERR_INVALID_ARGUMENT))?;
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
        USERSIG_EXPECT_STRING_ROOM => Expect::Room {
            // SAFETY: `string_room`/`string_room_len` is a readable input (caller contract).
            room: Room::Str(unsafe { str_in(e.string_room, e.string_room_len) }?),
            privileges: privileges(e.privileges)?,
        },
        _ => return Err(Code(USERSIG_ERR_INVALID_ARGUMENT)),
    })
}

/// Where a PrivateMapKey's account and string room are in its userbuf, as (offset, length).
/// FORMAT.md §6: the account follows the version byte and its u16 length; the string room,
/// when there is one, ends the key (parsing rejects trailing bytes).
fn pmk_text(userbuf: &[u8], pmk: &PrivateMapKey) -> ((usize, usize), (usize, usize)) {
    let account = (3, pmk.account.len());
    let string_room = pmk.room_str.as_ref().map_or((0, 0), |room| {
        (userbuf.len().saturating_sub(room.len()), room.len())
    });
    debug_assert_eq!(
        userbuf.get(account.0..account.0 + account.1),
        Some(pmk.account.as_bytes())
    );
    debug_assert!(pmk.room_str.as_ref().is_none_or(|room| {
        userbuf
            .get(string_room.0..)
            .is_some_and(|text| text == room.as_bytes())
    }));
    (account, string_room)
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
    let (account, string_room) = pmk.map_or(((0, 0), (0, 0)), |p| pmk_text(userbuf, p));
    let value = usersig_claims {
        sdkappid: found.sdkappid,
        time: found.time,
        expire: found.expire,
        expires_at: found.expires_at,
        has_userbuf: found.userbuf.is_some(),
        userbuf_len: userbuf.len(),
        has_private_map_key: pmk.is_some(),
        pmk_has_string_room: pmk.is_some_and(|p| p.room_str.is_some()),
        pmk_room_id: pmk.map_or(0, |p| p.room_id),
        pmk_privileges: pmk.map_or(0, |p| p.privileges.bits()),
        pmk_expires_at: pmk.map_or(0, |p| p.expires_at),
        pmk_account_offset: account.0,
        pmk_account_len: account.1,
        pmk_string_room_offset: string_room.0,
        pmk_string_room_len: string_room.1,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::USERSIG_OK;
    use crate::{Mint, Privileges, Signer};

    #[test]
    fn claims_locate_the_account_and_the_string_room_in_the_userbuf() {
        let signer = Signer::new(crate::DEMO_SDKAPPID, crate::DEMO_KEY).unwrap();
        let verifier = usersig_verifier {
            verifier: Verifier::new(crate::DEMO_SDKAPPID, crate::DEMO_KEY).unwrap(),
        };
        for (room, string_room) in [
            (Room::Str("lobby-7"), Some("lobby-7")),
            (Room::Numeric(10000), None),
        ] {
            let mut token = String::new();
            let mint = Mint::new("xiaojun")
                .time(1_569_910_200)
                .private_map_key(room, Privileges::ALL);
            signer.mint_into(&mint, &mut token).unwrap();
            let mut userbuf = [0u8; 256];
            let mut claims = MaybeUninitClaims::uninit();
            // SAFETY: a live verifier, readable inputs, writable claims and userbuf buffer.
            let code = unsafe {
                usersig_verify_at(
                    &verifier,
                    token.as_ptr().cast(),
                    token.len(),
                    c"xiaojun".as_ptr(),
                    7,
                    1_569_910_200,
                    std::ptr::null(),
                    claims.as_mut_ptr(),
                    userbuf.as_mut_ptr(),
                    userbuf.len(),
                )
            };
            assert_eq!(code, USERSIG_OK);
            // SAFETY: written on success.
            let c = unsafe { claims.assume_init() };
            assert!(c.has_private_map_key);
            let at = |offset: usize, len: usize| &userbuf[offset..offset + len];
            assert_eq!(at(c.pmk_account_offset, c.pmk_account_len), b"xiaojun");
            assert_eq!(c.pmk_has_string_room, string_room.is_some());
            assert_eq!(
                at(c.pmk_string_room_offset, c.pmk_string_room_len),
                string_room.unwrap_or_default().as_bytes()
            );
        }
    }

    type MaybeUninitClaims = std::mem::MaybeUninit<usersig_claims>;

    /// `usersig_verifier_new` with one setting changed from the defaults.
    fn create(skew: u64, leeway: u64, token: usize, inflated: usize) -> c_int {
        let key = crate::DEMO_KEY;
        let mut out: *mut usersig_verifier = std::ptr::null_mut();
        // SAFETY: a readable key and a writable out pointer.
        let rc = unsafe {
            usersig_verifier_new(
                crate::DEMO_SDKAPPID,
                key.as_ptr().cast(),
                key.len(),
                skew,
                leeway,
                token,
                inflated,
                &mut out,
            )
        };
        // SAFETY: NULL or the verifier just created.
        unsafe { usersig_verifier_free(out) };
        rc
    }

    #[test]
    fn settings_over_their_ceilings_are_invalid_arguments() {
        const YEAR: u64 = 31_536_000;
        assert_eq!(create(300, YEAR, 64 << 10, 1 << 20), USERSIG_OK);
        assert_eq!(create(YEAR, 0, 16384, 65536), USERSIG_OK);
        for (skew, leeway, token, inflated) in [
            (300, u64::MAX, 16384, 65536),
            (300, YEAR + 1, 16384, 65536),
            (YEAR + 1, 0, 16384, 65536),
            (300, 0, (64 << 10) + 1, 65536),
            (300, 0, 16384, (1 << 20) + 1),
            (300, 0, usize::MAX, usize::MAX),
        ] {
            assert_eq!(
                create(skew, leeway, token, inflated),
                USERSIG_ERR_INVALID_ARGUMENT,
                "{skew} {leeway} {token} {inflated}"
            );
        }
    }
}
