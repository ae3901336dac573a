//! The C callback exports driven as C would: handles, outputs, buffer sizes, messages.

use super::*;
use crate::ffi::{
    USERSIG_ERR_BAD_SIGNATURE, USERSIG_ERR_BUFFER_TOO_SMALL, USERSIG_ERR_EMPTY_KEY,
    USERSIG_ERR_INVALID_ARGUMENT, USERSIG_ERR_MISSING_SIGNATURE, USERSIG_ERR_SDKAPPID_MISMATCH,
    USERSIG_ERR_STALE, USERSIG_OK, text,
};
use std::mem::MaybeUninit;
use std::ptr::{null, null_mut};

fn im_new(token: &str, window: u64, app: u64) -> Result<*mut usersig_im_callback_verifier, c_int> {
    let mut v = null_mut();
    // SAFETY: a readable token and a writable out.
    let rc = unsafe {
        usersig_im_callback_verifier_new(token.as_ptr().cast(), token.len(), window, app, &mut v)
    };
    if rc == USERSIG_OK { Ok(v) } else { Err(rc) }
}

fn im_verify_at(
    v: *const usersig_im_callback_verifier,
    q: &str,
    now: u64,
    buf: &mut [u8],
) -> (c_int, usersig_im_callback, usize) {
    let mut cb = MaybeUninit::<usersig_im_callback>::zeroed();
    let mut len = usize::MAX;
    // SAFETY: live verifier, readable query, writable outputs.
    let rc = unsafe {
        usersig_im_callback_verify_at(
            v,
            q.as_ptr().cast(),
            q.len(),
            now,
            cb.as_mut_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut len,
        )
    };
    // SAFETY: zeroed is a valid `usersig_im_callback` (NULL pointers, zeros, false).
    (rc, unsafe { cb.assume_init() }, len)
}

fn field(ptr: *const c_char, len: usize) -> Option<&'static str> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the pointer and length point into a live buffer of the test.
    Some(std::str::from_utf8(unsafe { std::slice::from_raw_parts(ptr.cast(), len) }).unwrap())
}

#[test]
fn im_verifies_and_copies_the_fields() {
    let v = im_new("tok", 60, 1400000000).unwrap();
    let q = im::signed_query("tok", 1400000000, "C2C.CallbackBeforeSendMsg", 1000);
    let mut buf = [0xABu8; USERSIG_IM_CALLBACK_TEXT_CAP];
    let (rc, cb, len) = im_verify_at(v, &q, 1030, &mut buf);
    assert_eq!(rc, USERSIG_OK);
    assert_eq!(
        (cb.request_time, cb.has_sdkappid, cb.sdkappid),
        (1000, true, 1400000000)
    );
    assert_eq!(
        field(cb.command, cb.command_len),
        Some("C2C.CallbackBeforeSendMsg")
    );
    assert_eq!(field(cb.client_ip, cb.client_ip_len), Some("127.0.0.1"));
    assert_eq!(field(cb.platform, cb.platform_len), Some("RESTAPI"));
    assert_eq!(
        &buf[..=len],
        b"C2C.CallbackBeforeSendMsg\x00127.0.0.1\x00RESTAPI\x00"
    );
    let (rc, _, need) = im_verify_at(v, &q, 1030, &mut buf[..len]);
    assert_eq!((rc, need), (USERSIG_ERR_BUFFER_TOO_SMALL, len));
    let (rc, _, _) = im_verify_at(v, &q, 1061, &mut buf);
    assert_eq!(rc, USERSIG_ERR_STALE);
    let (rc, _, _) = im_verify_at(v, "SdkAppid=1", 1000, &mut buf);
    assert_eq!(rc, USERSIG_ERR_MISSING_SIGNATURE);
    let other = im::signed_query("tok", 1400000001, "x", 1000);
    assert_eq!(
        im_verify_at(v, &other, 1000, &mut buf).0,
        USERSIG_ERR_SDKAPPID_MISMATCH
    );
    let check = format!("Sign={}&RequestTime=1000", im::sign("tok", 1000));
    let (rc, cb, len) = im_verify_at(v, &check, 1000, &mut buf);
    assert_eq!(
        (rc, cb.has_sdkappid, cb.command, len),
        (USERSIG_OK, false, null(), 2)
    );
    // SAFETY: a live verifier, freed once.
    unsafe { usersig_im_callback_verifier_free(v) };
    assert_eq!(im_new("", 60, 0).unwrap_err(), USERSIG_ERR_EMPTY_KEY);
    assert_eq!(
        im_new(&"t".repeat(129), 60, 0).unwrap_err(),
        USERSIG_ERR_INVALID_ARGUMENT
    );
}

#[test]
fn trtc_verifies_and_points_into_the_body() {
    let body = br#"{"EventGroupId":1,"EventType":103,"CallbackTs":5,"EventInfo":{"RoomId":1}}"#;
    let mut v = null_mut();
    // SAFETY: readable key, writable out.
    let rc = unsafe { usersig_trtc_callback_verifier_new(c"k".as_ptr(), 1, 7, &mut v) };
    assert_eq!(rc, USERSIG_OK);
    let mut sign = [0 as c_char; USERSIG_TRTC_CALLBACK_SIGN_LEN + 1];
    let mut len = 0;
    // SAFETY: readable inputs, writable outputs.
    let rc = unsafe {
        usersig_trtc_callback_sign(
            c"k".as_ptr(),
            1,
            body.as_ptr(),
            body.len(),
            sign.as_mut_ptr(),
            sign.len(),
            &mut len,
        )
    };
    assert_eq!((rc, len), (USERSIG_OK, USERSIG_TRTC_CALLBACK_SIGN_LEN));
    let verify = |sign: &[c_char], app: &str, body: &[u8]| {
        let mut e = MaybeUninit::<usersig_trtc_event>::zeroed();
        // SAFETY: readable inputs, writable event.
        let rc = unsafe {
            usersig_trtc_callback_verify(
                v,
                sign.as_ptr(),
                sign.len(),
                app.as_ptr().cast(),
                app.len(),
                body.as_ptr(),
                body.len(),
                e.as_mut_ptr(),
            )
        };
        // SAFETY: zeroed is a valid event.
        (rc, unsafe { e.assume_init() })
    };
    let (rc, e) = verify(&sign[..len], "7", body);
    assert_eq!((rc, e.event_type, e.sdkappid), (USERSIG_OK, 103, 7));
    assert_eq!(
        field(e.event_info, e.event_info_len),
        Some(r#"{"RoomId":1}"#)
    );
    assert!(e.event_info.cast::<u8>() > body.as_ptr());
    assert_eq!(
        verify(&sign[..len], "8", body).0,
        USERSIG_ERR_SDKAPPID_MISMATCH
    );
    assert_eq!(verify(&[], "", body).0, USERSIG_ERR_MISSING_SIGNATURE);
    assert_eq!(
        verify(&sign[..len], "", &body[1..]).0,
        USERSIG_ERR_BAD_SIGNATURE
    );
    // SAFETY: a live verifier, freed once.
    unsafe { usersig_trtc_callback_verifier_free(v) };
}

#[test]
fn callback_messages_speak_of_callbacks() {
    for kind in CallbackErrorKind::ALL {
        // SAFETY: always safe.
        let msg = text(unsafe { usersig_callback_error_message(kind.result_code()) });
        assert!(msg.contains("callback"), "{msg}");
    }
    // SAFETY: always safe.
    let other = text(unsafe { usersig_callback_error_message(USERSIG_ERR_EMPTY_KEY) });
    assert_eq!(other, "the key is empty");
}
