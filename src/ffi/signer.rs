//! Minting: the `usersig_signer` handle and the `usersig_sign*` exports.

use std::ffi::{c_char, c_int};

use super::{
    Code, TextOut, USERSIG_ERR_BUFFER_TOO_SMALL, USERSIG_ERR_INVALID_ARGUMENT,
    USERSIG_ERR_NULL_ARGUMENT, bytes_in, free_handle, handle, privileges, put_handle, str_in,
};
use crate::{Compression, Mint, Privileges, Room, Signer};

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// The handle
// ---------------------------------------------------------------------------------------------

/// Mints tokens for one app (an SDKAppID and its key). Create with `usersig_signer_new`,
/// free with `usersig_signer_free`. Immutable after creation: one signer may be used from
/// any number of threads at once, without locking.
#[allow(non_camel_case_types)]
pub struct usersig_signer {
    signer: Signer,
}

// The thread-safety promise above, checked by the compiler: a signer is shared by reference
// across threads (`Sync`) and may be freed on any thread (`Send`).
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<usersig_signer>();
};

fn compression(value: c_int) -> Result<Compression, Code> {
    match value {
        USERSIG_COMPRESSION_STORED => Ok(Compression::Stored),
        USERSIG_COMPRESSION_FAST => Ok(Compression::Fast),
        USERSIG_COMPRESSION_STANDARD => Ok(Compression::Standard),
        _ => Err(Code(USERSIG_ERR_INVALID_ARGUMENT)),
    }
}

// ---------------------------------------------------------------------------------------------
// The exports: creating and freeing a signer, minting
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

#[cfg(test)]
mod tests {
    use std::mem::MaybeUninit;

    use super::*;
    use crate::ffi::USERSIG_OK;

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
            crate::wire::outer::encode(&bytes, &mut want);
            // One byte past the text: buffers of `room - 1` to `room + 1` bracket its exact length.
            let room = crate::wire::outer::encoded_len(len) + 1;
            for size in [want.len(), want.len() + 1, room - 1, room, room + 1, 1024] {
                let mut buf = vec![MaybeUninit::new(0xa5u8); size.max(want.len())];
                let input = bytes.clone();
                let n = crate::wire::outer::encode_uninit(&input, &mut buf);
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
    fn privilege_bits_match_the_core() {
        assert_eq!(USERSIG_PRIV_ALL, Privileges::ALL.bits());
        assert_eq!(
            USERSIG_PRIV_RECV_SUB_STREAM,
            Privileges::RECV_SUB_STREAM.bits()
        );
    }
}
