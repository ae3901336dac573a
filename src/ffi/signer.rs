//! Minting: the `usersig_signer` handle, the `usersig_mint_params` struct and the
//! `usersig_mint*` exports.

use std::ffi::{c_char, c_int};

use super::{
    Code, TextOut, USERSIG_ERR_BUFFER_TOO_SMALL, USERSIG_ERR_INVALID_ARGUMENT,
    USERSIG_ERR_NULL_ARGUMENT, bytes_in, free_handle, handle, privileges, put_handle, str_in,
};
use crate::{Compression, Mint, Room, Signer};

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

/// Mint kind: a plain UserSig, no userbuf (the kind of a zeroed `usersig_mint_params`).
pub const USERSIG_MINT_PLAIN: i32 = 0;
/// Mint kind: a UserSig carrying `userbuf`/`userbuf_len` as `TLS.userbuf` (an empty userbuf
/// is still carried, FORMAT.md §7).
pub const USERSIG_MINT_USERBUF: i32 = 1;
/// Mint kind: a TRTC PrivateMapKey (FORMAT.md §6) for numeric room `room_id`, granting
/// `privileges`.
pub const USERSIG_MINT_ROOM: i32 = 2;
/// Mint kind: a TRTC PrivateMapKey for string room `string_room`/`string_room_len`, granting
/// `privileges` (an empty string room means numeric room 0, FORMAT.md §6).
pub const USERSIG_MINT_STRING_ROOM: i32 = 3;

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

/// What to mint, for `usersig_mint` and `usersig_mint_at`. Start from a zeroed struct
/// (`usersig_mint_params p = {0};`, a plain token), then set `kind` to one of the
/// `USERSIG_MINT_*` values, the identifier, the lifetime, and the fields that kind names.
/// Unlike `usersig_expect`, the fields a kind does not name must stay zero (NULL pointers,
/// zero lengths and numbers): a userbuf or a room set under the wrong kind is
/// `USERSIG_ERR_INVALID_ARGUMENT`, not silently left out of the token. Pointers follow the
/// input convention (`(NULL, 0)` is empty, nothing is NUL-terminated) and are read during the
/// call only.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct usersig_mint_params {
    /// One of the `USERSIG_MINT_*` values; any other is `USERSIG_ERR_INVALID_ARGUMENT`.
    pub kind: i32,
    /// Every kind: the identifier (the user, or the PrivateMapKey's account), UTF-8, not
    /// empty, no NUL byte. Borrowed for the call.
    pub identifier: *const c_char,
    /// The length of `identifier` in bytes.
    pub identifier_len: usize,
    /// Every kind: the lifetime in seconds, from the issue time (`USERSIG_DEFAULT_EXPIRE_SECS`
    /// is the documented default; 0 is a token that expires at once). A PrivateMapKey's
    /// absolute expiry, issue time + `expire`, must fit in 32 bits.
    pub expire: u64,
    /// `USERSIG_MINT_USERBUF`: the userbuf, any bytes, at most 65535. Borrowed for the call.
    pub userbuf: *const u8,
    /// The length of `userbuf` in bytes.
    pub userbuf_len: usize,
    /// `USERSIG_MINT_ROOM`: the numeric room.
    pub room_id: u32,
    /// `USERSIG_MINT_STRING_ROOM`: the string room, UTF-8, not NUL-terminated, at most 65535
    /// bytes. Borrowed for the call.
    pub string_room: *const c_char,
    /// The length of `string_room` in bytes.
    pub string_room_len: usize,
    /// `USERSIG_MINT_ROOM`, `USERSIG_MINT_STRING_ROOM`: the privileges granted (bits of
    /// `USERSIG_PRIV_*`; above 255 is `USERSIG_ERR_INVALID_ARGUMENT`).
    pub privileges: u32,
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

/// Reads the caller's parameters into a [`Mint`].
///
/// # Safety
/// `params` must be NULL or point to a readable `usersig_mint_params` whose pointers follow
/// the input convention, valid for `'a`.
unsafe fn mint_params<'a>(params: *const usersig_mint_params) -> Result<Mint<'a>, Code> {
    // SAFETY: a non-NULL `params` points to a readable, initialized `usersig_mint_params`
    // (caller contract); its fields are plain integers and pointers, valid for any bit pattern.
    let p = unsafe { params.as_ref() }.ok_or(Code(USERSIG_ERR_NULL_ARGUMENT))?;
    let invalid = Code(USERSIG_ERR_INVALID_ARGUMENT);
    // The fields a kind does not name must be zero: a userbuf or a room set under the wrong
    // kind is a mistake that would otherwise mint a token without it.
    let no_userbuf = p.userbuf.is_null() && p.userbuf_len == 0;
    let no_string_room = p.string_room.is_null() && p.string_room_len == 0;
    let no_room = p.room_id == 0 && p.privileges == 0;
    // SAFETY: `identifier`/`identifier_len` is a readable input (caller contract).
    let identifier = unsafe { str_in(p.identifier, p.identifier_len) }?;
    let mint = Mint::new(identifier).expire_secs(p.expire);
    Ok(match p.kind {
        USERSIG_MINT_PLAIN if no_userbuf && no_room && no_string_room => mint,
        USERSIG_MINT_USERBUF if no_room && no_string_room => {
            // SAFETY: `userbuf`/`userbuf_len` is a readable input (caller contract).
            mint.userbuf(unsafe { bytes_in(p.userbuf, p.userbuf_len) }?)
        }
        USERSIG_MINT_ROOM if no_userbuf && no_string_room => {
            mint.private_map_key(Room::Numeric(p.room_id), privileges(p.privileges)?)
        }
        USERSIG_MINT_STRING_ROOM if no_userbuf && p.room_id == 0 => {
            // SAFETY: `string_room`/`string_room_len` is a readable input (caller contract).
            let room = unsafe { str_in(p.string_room, p.string_room_len) }?;
            mint.private_map_key(Room::Str(room), privileges(p.privileges)?)
        }
        _ => return Err(invalid),
    })
}

/// The body of both mint exports: borrow, mint, write.
///
/// # Safety
/// The pointer contracts of `usersig_mint_at`.
unsafe fn mint(
    signer: *const usersig_signer,
    params: *const usersig_mint_params,
    now: Option<u64>,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> Result<(), Code> {
    // SAFETY: forwarded caller contracts: a live signer, readable parameters, a writable
    // output buffer and length.
    let (signer, mut mint, text_out) = unsafe {
        (
            handle(signer)?,
            mint_params(params)?,
            TextOut::new(out, cap, len)?,
        )
    };
    if let Some(now) = now {
        mint = mint.time(now);
    }
    // Minted straight into the caller's buffer (no allocation, no copy; issue 5), the last
    // byte kept for the NUL. The encoder writes the token's bytes and nothing past them, so
    // `out[..=*len]` is all that is written: a caller may share the rest of its buffer.
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

/// Mints a token as `params` describe, issued now (the system clock). See `usersig_mint_at`.
///
/// # Safety
/// As `usersig_mint_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_mint(
    signer: *const usersig_signer,
    params: *const usersig_mint_params,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `mint`'s.
        Ok(unsafe { mint(signer, params, None, out, cap, len) }?)
    })
}

/// Mints a token as `params` describe (a plain UserSig, one carrying a userbuf, or a TRTC
/// PrivateMapKey), issued at `now` (Unix seconds): the same arguments always give the same
/// token.
///
/// - `signer`: borrowed for the call.
/// - `params`: required; read during the call only (see `usersig_mint_params`).
/// - `out`, `cap`, `len`: the token is written to `out` with a NUL, `*len` set to its length
///   without the NUL. A buffer of `USERSIG_MAX_TOKEN_LEN + 1` bytes holds any token a
///   verifier accepts. Too small: `USERSIG_ERR_BUFFER_TOO_SMALL`, `*len` = length needed,
///   nothing else written. On success only `out[0..=*len]` is written: the bytes past the NUL
///   are never touched, not even for a moment.
///
/// Returns `USERSIG_OK`, a minting error (`USERSIG_ERR_EMPTY_IDENTIFIER`,
/// `USERSIG_ERR_TOO_LONG`, and for a PrivateMapKey `USERSIG_ERR_SDKAPPID_OUT_OF_RANGE`,
/// `USERSIG_ERR_EXPIRY_OUT_OF_RANGE` ...), `USERSIG_ERR_INVALID_UTF8`,
/// `USERSIG_ERR_INVALID_ARGUMENT` (an unknown `kind`, a field the kind does not name set, or
/// privilege bits above 255), `USERSIG_ERR_NULL_ARGUMENT` (NULL `signer`, `params` or `len`)
/// or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `signer` must be a live signer; `params` must point to a readable `usersig_mint_params`
/// whose pointers point to as many readable bytes as their lengths say (or are NULL with
/// length 0); `out` must be writable for `cap` bytes (or NULL with `cap` 0); `len` must be
/// writable. Outputs must not overlap inputs or each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_mint_at(
    signer: *const usersig_signer,
    params: *const usersig_mint_params,
    now: u64,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `mint`'s.
        Ok(unsafe { mint(signer, params, Some(now), out, cap, len) }?)
    })
}

#[cfg(test)]
mod tests {
    use std::mem::MaybeUninit;

    use super::*;
    use crate::Privileges;
    use crate::ffi::USERSIG_OK;

    #[test]
    fn tokens_are_encoded_into_exactly_their_bytes() {
        // The outer encoding straight into a caller's buffer: given exactly the text's bytes
        // (then a sentinel), it fills them with the String path's text and nothing past them.
        // Every length 0-300 covers each head/tail split.
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
                assert_eq!(n, want.len(), "{len}");
                // SAFETY: every byte was initialized above, and writes only store bytes.
                let text: Vec<u8> = buf.iter().map(|b| unsafe { b.assume_init() }).collect();
                assert_eq!(&text[..n], want.as_bytes(), "{len}");
                assert!(text[n..].iter().all(|&b| b == 0xa5), "{len}: written past");
            }
        }
    }

    fn demo() -> usersig_signer {
        usersig_signer {
            signer: Signer::new(crate::DEMO_SDKAPPID, crate::DEMO_KEY).unwrap(),
        }
    }

    fn params(kind: i32) -> usersig_mint_params {
        usersig_mint_params {
            kind,
            identifier: c"xiaojun".as_ptr(),
            identifier_len: 7,
            expire: 86400,
            userbuf: std::ptr::null(),
            userbuf_len: 0,
            room_id: 0,
            string_room: std::ptr::null(),
            string_room_len: 0,
            privileges: 0,
        }
    }

    /// `usersig_mint_at` into a buffer of `cap` bytes filled with 0x5a.
    fn mint_at(handle: &usersig_signer, p: &usersig_mint_params, cap: usize) -> (c_int, Vec<u8>) {
        let mut buf = vec![0x5a as c_char; cap];
        let mut n = 0usize;
        // SAFETY: a live signer, readable parameters, `cap` writable bytes, a length.
        let code =
            unsafe { usersig_mint_at(handle, p, 1_569_910_200, buf.as_mut_ptr(), cap, &mut n) };
        let mut bytes: Vec<u8> = buf.iter().map(|&c| c as u8).collect();
        if code == USERSIG_OK {
            bytes.truncate(n + 1);
        }
        (code, bytes)
    }

    #[test]
    fn minting_into_a_large_buffer_leaves_everything_past_the_nul() {
        let handle = demo();
        let mut reference = String::new();
        let mint = Mint::new("xiaojun").time(1_569_910_200).expire_secs(86400);
        handle.signer.mint_into(&mint, &mut reference).unwrap();
        for cap in [reference.len() + 1, reference.len() + 2, 400, 4096] {
            let mut buf = vec![0x5a as c_char; cap];
            let mut n = 0usize;
            // SAFETY: a live signer, readable parameters, `cap` writable bytes, a length.
            let code = unsafe {
                usersig_mint_at(
                    &handle,
                    &params(USERSIG_MINT_PLAIN),
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
    fn each_kind_mints_what_the_core_mints() {
        let handle = demo();
        let at = |mint: Mint<'_>| {
            let mut s = String::new();
            let mint = mint.time(1_569_910_200).expire_secs(86400);
            handle.signer.mint_into(&mint, &mut s).unwrap();
            s
        };
        let mut userbuf = params(USERSIG_MINT_USERBUF);
        userbuf.userbuf = b"abc".as_ptr();
        userbuf.userbuf_len = 3;
        let mut room = params(USERSIG_MINT_ROOM);
        room.room_id = 10000;
        room.privileges = USERSIG_PRIV_ALL;
        let mut string_room = params(USERSIG_MINT_STRING_ROOM);
        string_room.string_room = c"lobby".as_ptr();
        string_room.string_room_len = 5;
        string_room.privileges = USERSIG_PRIV_ENTER_ROOM;
        let cases = [
            (params(USERSIG_MINT_PLAIN), at(Mint::new("xiaojun"))),
            (userbuf, at(Mint::new("xiaojun").userbuf(b"abc"))),
            (
                room,
                at(Mint::new("xiaojun").private_map_key(Room::Numeric(10000), Privileges::ALL)),
            ),
            (
                string_room,
                at(Mint::new("xiaojun")
                    .private_map_key(Room::Str("lobby"), Privileges::ENTER_ROOM)),
            ),
        ];
        for (p, want) in cases {
            let (code, bytes) = mint_at(&handle, &p, 1024);
            assert_eq!(code, USERSIG_OK, "kind {}", p.kind);
            assert_eq!(&bytes[..want.len()], want.as_bytes(), "kind {}", p.kind);
        }
    }

    #[test]
    fn fields_the_kind_does_not_name_are_invalid() {
        let handle = demo();
        let ub = b"x".as_ptr();
        let sr = c"r".as_ptr();
        type Set = fn(&mut usersig_mint_params, *const u8, *const c_char);
        let set: [(&str, Set); 4] = [
            ("userbuf", |p, ub, _| p.userbuf = ub),
            ("room_id", |p, _, _| p.room_id = 7),
            ("string_room", |p, _, sr| {
                p.string_room = sr;
                p.string_room_len = 1;
            }),
            ("privileges", |p, _, _| p.privileges = 1),
        ];
        let named: [(i32, &[&str]); 4] = [
            (USERSIG_MINT_PLAIN, &[]),
            (USERSIG_MINT_USERBUF, &["userbuf"]),
            (USERSIG_MINT_ROOM, &["room_id", "privileges"]),
            (USERSIG_MINT_STRING_ROOM, &["string_room", "privileges"]),
        ];
        for (kind, names) in named {
            for (field, f) in &set {
                let mut p = params(kind);
                if kind == USERSIG_MINT_ROOM || kind == USERSIG_MINT_STRING_ROOM {
                    p.privileges = 1;
                }
                f(&mut p, ub, sr);
                let (code, _) = mint_at(&handle, &p, 1024);
                let want = if names.contains(field) {
                    USERSIG_OK
                } else {
                    USERSIG_ERR_INVALID_ARGUMENT
                };
                assert_eq!(code, want, "kind {kind}, {field}");
            }
        }
        for kind in [-1, 4, i32::MAX] {
            assert_eq!(
                mint_at(&handle, &params(kind), 1024).0,
                USERSIG_ERR_INVALID_ARGUMENT
            );
        }
        let mut p = params(USERSIG_MINT_ROOM);
        p.privileges = 256;
        assert_eq!(mint_at(&handle, &p, 1024).0, USERSIG_ERR_INVALID_ARGUMENT);
        let mut n = 0usize;
        // SAFETY: NULL parameters are checked; the other pointers are valid.
        let code =
            unsafe { usersig_mint(&handle, std::ptr::null(), std::ptr::null_mut(), 0, &mut n) };
        assert_eq!(code, USERSIG_ERR_NULL_ARGUMENT);
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
