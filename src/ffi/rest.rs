//! The REST API: the `usersig_rest_*` exports.

use std::ffi::{c_char, c_int};
use std::sync::OnceLock;

use super::{Code, TextOut, str_in};
use crate::rest::{self, Endpoint, RestUrl, RetryClass};

// ---------------------------------------------------------------------------------------------
// Retry classes
// ---------------------------------------------------------------------------------------------

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
/// HTTP client; the library has none. Mint the admin UserSig with `usersig_mint` for the app
/// administrator, keep it, and mint a new one shortly before it expires: never one per request.
///
/// - `endpoint`, `endpoint_len`: a region code (`cn`, `sgp`, `kr`, `jpn`, `ger`, `ind`, `usa`,
///   `idn`, or a longer name such as `singapore`; any case), or a base URL
///   `https://host[:port][/prefix]` (any text containing `://`; a trailing `/` is dropped).
///   Plain `http://` is accepted only for a loopback host (`localhost`, `127.0.0.0/8`,
///   `[::1]`): the URL carries the admin UserSig, which must not cross a network in cleartext.
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
    use crate::ffi::{
        Code, USERSIG_ERR_BAD_BASE_URL, USERSIG_ERR_BAD_PATH_SEGMENT, USERSIG_ERR_BUFFER_TOO_SMALL,
        USERSIG_ERR_EMPTY_IDENTIFIER, USERSIG_ERR_EMPTY_USERSIG, USERSIG_ERR_UNKNOWN_REGION,
        USERSIG_OK, text, usersig_error_kind,
    };
    use crate::rest::UrlError;

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
        for remote in [
            "http://example.com",
            "HTTP://example.com/p",
            "http://127.0.0.1.evil.com",
            "http://localhost.evil.com",
            "http://127.0.0.1@evil.com",
        ] {
            assert_eq!(
                err(remote, "openim", "a", "t"),
                Err(USERSIG_ERR_BAD_BASE_URL),
                "{remote}"
            );
        }
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9",
        ] {
            assert!(
                rest_url_of(local, "openim", "a", "t", None, 1024)
                    .is_ok_and(|url| url.starts_with(local)),
                "{local}"
            );
        }
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
