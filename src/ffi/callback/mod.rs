//! Tencent's callbacks to an app server (`crate::callback`, docs/callbacks.md): the
//! `usersig_im_callback_*` and `usersig_trtc_callback_*` handles and exports.
//!
//! A refused request is one of the verification codes: `USERSIG_ERR_MALFORMED`,
//! `USERSIG_ERR_MISSING_SIGNATURE`, `USERSIG_ERR_BAD_SIGNATURE`, `USERSIG_ERR_STALE` (IM only)
//! or `USERSIG_ERR_SDKAPPID_MISMATCH`, the first failing check in that order.
//! `usersig_callback_error_message` explains them in a callback's words.

use std::ffi::{c_char, c_int};

use super::{
    Code, TextOut, USERSIG_ERR_MALFORMED, USERSIG_ERR_NULL_ARGUMENT, bytes_in, free_handle, handle,
    put_handle, usersig_error_message,
};
use crate::callback::{CallbackErrorKind, im, trtc};

// ---------------------------------------------------------------------------------------------
// Settings and sizes
// ---------------------------------------------------------------------------------------------

/// The default window of an IM callback verifier: a request is accepted when
/// `|now - RequestTime| <= 60` seconds.
pub const USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS: u64 = 60;
/// The widest window an IM callback verifier takes; a wider one is capped to this.
pub const USERSIG_IM_CALLBACK_MAX_WINDOW_SECS: u64 = 3_600;
/// The length of an IM callback `Sign`: 64 lowercase hex digits (a buffer needs 1 more).
pub const USERSIG_IM_CALLBACK_SIGN_LEN: usize = 64;
/// The length of a TRTC callback `Sign`: 44 base64 characters (a buffer needs 1 more).
pub const USERSIG_TRTC_CALLBACK_SIGN_LEN: usize = 44;
/// A text buffer of this size holds the fields of any IM callback Tencent sends
/// (`usersig_im_callback_verify_at`'s `text_out`); a larger request is retried as usual.
pub const USERSIG_IM_CALLBACK_TEXT_CAP: usize = 256;

const _: () = {
    assert!(USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS == im::DEFAULT_WINDOW_SECS);
    assert!(USERSIG_IM_CALLBACK_MAX_WINDOW_SECS == im::MAX_WINDOW_SECS);
};

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/// Verifies IM callback requests for one app's callback token. Create with
/// `usersig_im_callback_verifier_new`, free with `usersig_im_callback_verifier_free`.
/// Immutable after creation: usable from any number of threads at once.
#[allow(non_camel_case_types)]
pub struct usersig_im_callback_verifier {
    verifier: im::Verifier,
}

/// Verifies TRTC event callbacks for one app's callback key. Create with
/// `usersig_trtc_callback_verifier_new`, free with `usersig_trtc_callback_verifier_free`.
/// Immutable after creation: usable from any number of threads at once.
#[allow(non_camel_case_types)]
pub struct usersig_trtc_callback_verifier {
    verifier: trtc::Verifier,
}

const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<usersig_im_callback_verifier>();
    shareable::<usersig_trtc_callback_verifier>();
};

/// An IM callback request that verified, written by `usersig_im_callback_verify*` on success
/// only. Only `request_time` is signed; the other fields are as the query string carried them
/// (claims that arrived with a fresh signature, docs/callbacks.md).
///
/// The texts are copies in the caller's `text_out` buffer (percent-decoded), each
/// NUL-terminated: the pointers point into that buffer and are valid as long as it is. An
/// absent parameter has a NULL pointer and length 0. A decoded value may hold a NUL byte: use
/// the lengths.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct usersig_im_callback {
    /// `RequestTime`, Unix seconds (signed).
    pub request_time: u64,
    /// The query string had `SdkAppid`.
    pub has_sdkappid: bool,
    /// `SdkAppid` (0 when absent).
    pub sdkappid: u64,
    /// `CallbackCommand`, e.g. `C2C.CallbackBeforeSendMsg`; into `text_out`, or NULL.
    pub command: *const c_char,
    /// The length of `command` in bytes, without the NUL.
    pub command_len: usize,
    /// `ClientIP`; into `text_out`, or NULL.
    pub client_ip: *const c_char,
    /// The length of `client_ip` in bytes, without the NUL.
    pub client_ip_len: usize,
    /// `OptPlatform` (`RESTAPI`, `Web`, `Android`, ...); into `text_out`, or NULL.
    pub platform: *const c_char,
    /// The length of `platform` in bytes, without the NUL.
    pub platform_len: usize,
}

/// A TRTC event that verified, written by `usersig_trtc_callback_verify` on success only.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct usersig_trtc_event {
    /// `EventGroupId`: 1 room events, 2 media events, ...
    pub event_group_id: u64,
    /// `EventType`: 101 create room, 103 enter room, 201 start video, ...
    pub event_type: u64,
    /// `CallbackTs`: when Tencent sent it, Unix **milliseconds**.
    pub callback_ts: u64,
    /// `EventInfo`, the JSON object as received: a pointer into the caller's `body` (not
    /// NUL-terminated), valid as long as `body` is.
    pub event_info: *const c_char,
    /// The length of `event_info` in bytes.
    pub event_info_len: usize,
    /// The request had an `SdkAppId` header.
    pub has_sdkappid: bool,
    /// The `SdkAppId` header (0 when absent).
    pub sdkappid: u64,
}

// ---------------------------------------------------------------------------------------------
// IM callbacks
// ---------------------------------------------------------------------------------------------

/// Creates a verifier of IM callback requests.
///
/// - `token`, `token_len`: the callback token set in the console (1 to 128 bytes), not
///   NUL-terminated. Read during the call only; the verifier keeps a copy, wiped by
///   `usersig_im_callback_verifier_free`.
/// - `window_secs`: the accepted distance between `RequestTime` and the clock, either way
///   (`USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS` = 60); capped at
///   `USERSIG_IM_CALLBACK_MAX_WINDOW_SECS`.
/// - `sdkappid`: 0 for no check; otherwise a request whose `SdkAppid` names another app is
///   `USERSIG_ERR_SDKAPPID_MISMATCH` (one without `SdkAppid`, such as the console's check
///   request, still passes).
/// - `out`: on success receives the new verifier, owned by the caller. Not written on failure.
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_EMPTY_KEY` (empty token), `USERSIG_ERR_INVALID_ARGUMENT`
/// (a token longer than 128 bytes) or `USERSIG_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// `token` must point to `token_len` readable bytes (or be NULL with length 0); `out` must be
/// valid for a write of a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_im_callback_verifier_new(
    token: *const c_char,
    token_len: usize,
    window_secs: u64,
    sdkappid: u64,
    out: *mut *mut usersig_im_callback_verifier,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `token`/`token_len` is a readable input (caller contract), read during the call.
        let token = unsafe { bytes_in(token.cast::<u8>(), token_len) }?;
        if out.is_null() {
            return Err(USERSIG_ERR_NULL_ARGUMENT);
        }
        let mut verifier = im::Verifier::new(token)
            .map_err(Code::from)?
            .window_secs(window_secs);
        if sdkappid != 0 {
            verifier = verifier.sdkappid(sdkappid);
        }
        // SAFETY: `out` is valid for a pointer write (caller contract).
        unsafe { put_handle(out, usersig_im_callback_verifier { verifier }) }?;
        Ok(())
    })
}

/// Frees an IM callback verifier and wipes its token. NULL does nothing.
///
/// # Safety
/// `verifier` must be NULL or a verifier from `usersig_im_callback_verifier_new`, not used
/// after this call by any thread, and freed only once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_im_callback_verifier_free(
    verifier: *mut usersig_im_callback_verifier,
) {
    ffi_boundary!(() => {
        // SAFETY: caller contract.
        unsafe { free_handle(verifier) }
    })
}

/// The body of both IM verify exports.
///
/// # Safety
/// The pointer contracts of `usersig_im_callback_verify_at`.
#[allow(clippy::too_many_arguments)]
unsafe fn im_verify(
    verifier: *const usersig_im_callback_verifier,
    query: *const c_char,
    query_len: usize,
    now: Option<u64>,
    callback: *mut usersig_im_callback,
    text_out: *mut c_char,
    text_cap: usize,
    text_len: *mut usize,
) -> Result<(), Code> {
    // SAFETY: forwarded caller contracts: a live verifier, a readable query, a writable text
    // buffer and length.
    let (verifier, query, text) = unsafe {
        (
            handle(verifier)?,
            bytes_in(query.cast::<u8>(), query_len)?,
            TextOut::new(text_out, text_cap, text_len)?,
        )
    };
    if callback.is_null() {
        return Err(Code(USERSIG_ERR_NULL_ARGUMENT));
    }
    // A query string that is not UTF-8 is not one Tencent sends.
    let query = std::str::from_utf8(query).map_err(|_| Code(USERSIG_ERR_MALFORMED))?;
    let found = match now {
        Some(now) => verifier.verifier.verify_at(query, now)?,
        None => verifier.verifier.verify(query)?,
    };
    // The three texts back to back, each with its NUL (the last one's is `put`'s), and where
    // each present one starts.
    let mut joined = String::new();
    let mut placed = [None, None, None];
    for (i, (field, slot)) in [&found.command, &found.client_ip, &found.platform]
        .into_iter()
        .zip(placed.iter_mut())
        .enumerate()
    {
        if i > 0 {
            joined.push('\0');
        }
        if let Some(value) = field {
            *slot = Some((joined.len(), value.len()));
            joined.push_str(value);
        }
    }
    text.put(&joined)?;
    // Each offset is within the `joined.len() + 1` bytes just written to `text_out`.
    let [
        (command, command_len),
        (client_ip, client_ip_len),
        (platform, platform_len),
    ] = placed.map(|slot| match slot {
        Some((offset, len)) => (text_out.cast_const().wrapping_add(offset), len),
        None => (std::ptr::null(), 0),
    });
    let value = usersig_im_callback {
        request_time: found.request_time,
        has_sdkappid: found.sdkappid.is_some(),
        sdkappid: found.sdkappid.unwrap_or(0),
        command,
        command_len,
        client_ip,
        client_ip_len,
        platform,
        platform_len,
    };
    // SAFETY: `callback` is non-NULL and valid for a write of a `usersig_im_callback` (caller
    // contract); `write` neither reads nor drops the possibly uninitialized old value.
    unsafe { callback.write(value) };
    Ok(())
}

/// Verifies an IM callback request against the system clock. See
/// `usersig_im_callback_verify_at`.
///
/// # Safety
/// As `usersig_im_callback_verify_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_im_callback_verify(
    verifier: *const usersig_im_callback_verifier,
    query: *const c_char,
    query_len: usize,
    callback: *mut usersig_im_callback,
    text_out: *mut c_char,
    text_cap: usize,
    text_len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `im_verify`'s.
        Ok(unsafe {
            im_verify(
                verifier, query, query_len, None, callback, text_out, text_cap, text_len,
            )
        }?)
    })
}

/// Verifies an IM callback request at `now` (Unix seconds): `Sign` must be
/// `hex(SHA-256(token ‖ RequestTime))` (either case) and `RequestTime` within the window of
/// `now`.
///
/// - `verifier`: borrowed for the call.
/// - `query`, `query_len`: the query string (with or without `?`) or the whole request URL
///   (target), as received; read during the call only. Not UTF-8: `USERSIG_ERR_MALFORMED`.
/// - `callback`: required; written on success only (see `usersig_im_callback`).
/// - `text_out`, `text_cap`, `text_len`: the buffer the texts of `callback` are copied into:
///   `CallbackCommand`, `ClientIP` and `OptPlatform` one after another, each NUL-terminated
///   (an absent one as the empty string), `*text_len` set to the bytes used without the last
///   NUL. `USERSIG_IM_CALLBACK_TEXT_CAP` bytes hold what Tencent sends. Too small:
///   `USERSIG_ERR_BUFFER_TOO_SMALL` (returned only for a request that verified), `*text_len` =
///   length needed, nothing else written.
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_MALFORMED`, `USERSIG_ERR_MISSING_SIGNATURE`,
/// `USERSIG_ERR_BAD_SIGNATURE`, `USERSIG_ERR_STALE`, `USERSIG_ERR_SDKAPPID_MISMATCH` (the first
/// failing check, in this order), `USERSIG_ERR_NULL_ARGUMENT` or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `verifier` must be a live IM callback verifier; `query` must point to `query_len` readable
/// bytes (or be NULL with length 0); `callback` must be writable; `text_out` must be writable
/// for `text_cap` bytes (or NULL with `text_cap` 0); `text_len` must be writable. Outputs must
/// not overlap inputs or each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_im_callback_verify_at(
    verifier: *const usersig_im_callback_verifier,
    query: *const c_char,
    query_len: usize,
    now: u64,
    callback: *mut usersig_im_callback,
    text_out: *mut c_char,
    text_cap: usize,
    text_len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: the caller's contract is `im_verify`'s.
        Ok(unsafe {
            im_verify(
                verifier,
                query,
                query_len,
                Some(now),
                callback,
                text_out,
                text_cap,
                text_len,
            )
        }?)
    })
}

/// Writes the `Sign` Tencent sends for `token` at `request_time`: 64 lowercase hex digits of
/// SHA-256(token ‖ decimal time). For testing a handler: append
/// `&Sign=<sign>&RequestTime=<request_time>` to the query string.
///
/// - `token`, `token_len`: the callback token; read during the call only.
/// - `out`, `cap`, `len`: the text with a NUL (`USERSIG_IM_CALLBACK_SIGN_LEN` + 1 bytes).
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_NULL_ARGUMENT` or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `token` must point to `token_len` readable bytes (or be NULL with length 0); `out` must be
/// writable for `cap` bytes (or NULL with `cap` 0); `len` must be writable. Outputs must not
/// overlap inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_im_callback_sign(
    token: *const c_char,
    token_len: usize,
    request_time: u64,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: caller contracts: a readable token, a writable output and length.
        let (token, text) = unsafe {
            (
                bytes_in(token.cast::<u8>(), token_len)?,
                TextOut::new(out, cap, len)?,
            )
        };
        Ok(text.put(&im::sign(token, request_time))?)
    })
}

// ---------------------------------------------------------------------------------------------
// TRTC callbacks
// ---------------------------------------------------------------------------------------------

/// Creates a verifier of TRTC event callbacks.
///
/// - `key`, `key_len`: the callback key set in the console (1 to 128 bytes), not
///   NUL-terminated. Read during the call only; the verifier keeps a keyed HMAC state, wiped by
///   `usersig_trtc_callback_verifier_free`.
/// - `sdkappid`: 0 for no check; otherwise a request whose `SdkAppId` header names another app
///   is `USERSIG_ERR_SDKAPPID_MISMATCH`.
/// - `out`: on success receives the new verifier, owned by the caller. Not written on failure.
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_EMPTY_KEY`, `USERSIG_ERR_INVALID_ARGUMENT` (a key longer
/// than 128 bytes) or `USERSIG_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// `key` must point to `key_len` readable bytes (or be NULL with length 0); `out` must be
/// valid for a write of a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_trtc_callback_verifier_new(
    key: *const c_char,
    key_len: usize,
    sdkappid: u64,
    out: *mut *mut usersig_trtc_callback_verifier,
) -> c_int {
    ffi_boundary!({
        // SAFETY: `key`/`key_len` is a readable input (caller contract), read during the call.
        let key = unsafe { bytes_in(key.cast::<u8>(), key_len) }?;
        if out.is_null() {
            return Err(USERSIG_ERR_NULL_ARGUMENT);
        }
        let mut verifier = trtc::Verifier::new(key).map_err(Code::from)?;
        if sdkappid != 0 {
            verifier = verifier.sdkappid(sdkappid);
        }
        // SAFETY: `out` is valid for a pointer write (caller contract).
        unsafe { put_handle(out, usersig_trtc_callback_verifier { verifier }) }?;
        Ok(())
    })
}

/// Frees a TRTC callback verifier and wipes its keyed state. NULL does nothing.
///
/// # Safety
/// `verifier` must be NULL or a verifier from `usersig_trtc_callback_verifier_new`, not used
/// after this call by any thread, and freed only once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_trtc_callback_verifier_free(
    verifier: *mut usersig_trtc_callback_verifier,
) {
    ffi_boundary!(() => {
        // SAFETY: caller contract.
        unsafe { free_handle(verifier) }
    })
}

/// Verifies a TRTC event callback: `Sign` must be `base64(HMAC-SHA256(key, body))` over the
/// body exactly as received. Checks run in this order: `Sign` is there, it matches (constant
/// time), the body is the documented JSON, the `SdkAppId` header is the verifier's.
///
/// - `verifier`: borrowed for the call.
/// - `sign`, `sign_len`: the `Sign` header's value; `(NULL, 0)` when the request had none.
/// - `sdkappid`, `sdkappid_len`: the `SdkAppId` header's value; `(NULL, 0)` when absent.
/// - `body`, `body_len`: the raw body bytes, never a re-serialized JSON value.
/// - `event`: required; written on success only. Its `event_info` points into `body`.
///
/// Header values are read as text; bytes that are not UTF-8 cannot match (`Sign`:
/// `USERSIG_ERR_BAD_SIGNATURE`; `SdkAppId`: `USERSIG_ERR_MALFORMED`).
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_MISSING_SIGNATURE`, `USERSIG_ERR_BAD_SIGNATURE`,
/// `USERSIG_ERR_MALFORMED`, `USERSIG_ERR_SDKAPPID_MISMATCH` (the first failing check) or
/// `USERSIG_ERR_NULL_ARGUMENT`.
///
/// # Safety
/// `verifier` must be a live TRTC callback verifier; `sign`, `sdkappid` and `body` must point
/// to as many readable bytes as their lengths say (or be NULL with length 0), and `body` must
/// stay valid while `event->event_info` is used; `event` must be writable and overlap no input.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_trtc_callback_verify(
    verifier: *const usersig_trtc_callback_verifier,
    sign: *const c_char,
    sign_len: usize,
    sdkappid: *const c_char,
    sdkappid_len: usize,
    body: *const u8,
    body_len: usize,
    event: *mut usersig_trtc_event,
) -> c_int {
    ffi_boundary!({
        // SAFETY: caller contracts: a live verifier and readable inputs, read during the call
        // (`event_info` below points into `body`, which the caller keeps).
        let (verifier, sign, header, body) = unsafe {
            (
                handle(verifier)?,
                bytes_in(sign.cast::<u8>(), sign_len)?,
                bytes_in(sdkappid.cast::<u8>(), sdkappid_len)?,
                bytes_in(body, body_len)?,
            )
        };
        if event.is_null() {
            return Err(USERSIG_ERR_NULL_ARGUMENT);
        }
        let sign = String::from_utf8_lossy(sign);
        let header = String::from_utf8_lossy(header);
        let found = verifier
            .verifier
            .verify_request(
                Some(&sign),
                Some(&header).filter(|h| !h.is_empty()).map(|h| h.as_ref()),
                body,
            )
            .map_err(Code::from)?;
        let value = usersig_trtc_event {
            event_group_id: found.event_group_id,
            event_type: found.event_type,
            callback_ts: found.callback_ts,
            event_info: found.event_info.as_ptr().cast::<c_char>(),
            event_info_len: found.event_info.len(),
            has_sdkappid: found.sdkappid.is_some(),
            sdkappid: found.sdkappid.unwrap_or(0),
        };
        // SAFETY: `event` is non-NULL and valid for a write of a `usersig_trtc_event` (caller
        // contract); `write` neither reads nor drops the possibly uninitialized old value.
        unsafe { event.write(value) };
        Ok(())
    })
}

/// Writes the `Sign` header Tencent sends for `body` under `key`: base64 of
/// HMAC-SHA256(key, body), `USERSIG_TRTC_CALLBACK_SIGN_LEN` characters. For testing a handler.
///
/// - `key`, `key_len`, `body`, `body_len`: read during the call only.
/// - `out`, `cap`, `len`: the text with a NUL (`USERSIG_TRTC_CALLBACK_SIGN_LEN` + 1 bytes).
///
/// Returns `USERSIG_OK`, `USERSIG_ERR_NULL_ARGUMENT` or `USERSIG_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `key` and `body` must point to as many readable bytes as their lengths say (or be NULL with
/// length 0); `out` must be writable for `cap` bytes (or NULL with `cap` 0); `len` must be
/// writable. Outputs must not overlap inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_trtc_callback_sign(
    key: *const c_char,
    key_len: usize,
    body: *const u8,
    body_len: usize,
    out: *mut c_char,
    cap: usize,
    len: *mut usize,
) -> c_int {
    ffi_boundary!({
        // SAFETY: caller contracts: readable inputs, a writable output and length.
        let (key, body, text) = unsafe {
            (
                bytes_in(key.cast::<u8>(), key_len)?,
                bytes_in(body, body_len)?,
                TextOut::new(out, cap, len)?,
            )
        };
        Ok(text.put(&trtc::sign(key, body))?)
    })
}

// ---------------------------------------------------------------------------------------------
// Explaining a refusal
// ---------------------------------------------------------------------------------------------

/// The message of a callback kind, in a callback's words.
const fn callback_message(code: c_int) -> Option<&'static std::ffi::CStr> {
    let mut kinds: &[CallbackErrorKind] = &CallbackErrorKind::ALL;
    while let [kind, rest @ ..] = kinds {
        if kind.result_code() == code {
            return Some(match kind {
                CallbackErrorKind::Malformed => {
                    c"the callback request cannot be read: query string, header or body"
                }
                CallbackErrorKind::MissingSignature => {
                    c"the callback request carries no Sign (or no RequestTime): turn on callback authentication, or it is not from Tencent"
                }
                CallbackErrorKind::BadSignature => {
                    c"the callback signature does not match: a wrong token or key, or the request was changed"
                }
                CallbackErrorKind::Stale => {
                    c"the callback's RequestTime is outside the accepted window from this clock (a replay, or a clock that needs NTP)"
                }
                CallbackErrorKind::SdkAppIdMismatch => {
                    c"the callback request is for another SDKAppID than the verifier's"
                }
            });
        }
        kinds = rest;
    }
    None
}

/// The static message for a result code of a callback verification, in a callback's words
/// (`USERSIG_ERR_BAD_SIGNATURE`: "the callback signature does not match: ..."). Other codes
/// get `usersig_error_message`'s.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn usersig_callback_error_message(code: c_int) -> *const c_char {
    ffi_boundary!(c"internal error".as_ptr() => {
        match callback_message(code) {
            Some(text) => text.as_ptr(),
            // SAFETY: always safe to call.
            None => unsafe { usersig_error_message(code) },
        }
    })
}

#[cfg(test)]
mod tests;
