//! IM third-party callbacks ("webhooks"): Tencent POSTs JSON to
//! `<your URL>?SdkAppid=..&CallbackCommand=..&contenttype=json&ClientIP=..&OptPlatform=..`, and
//! with callback authentication on in the console it adds `Sign` and `RequestTime`:
//!
//! ```text
//! Sign = lowercase hex( SHA-256( token ‖ RequestTime ) )
//! ```
//!
//! where the token is the one set in the console (1 to 128 characters) and `RequestTime` is the
//! decimal Unix time as sent. [`Verifier::verify`] accepts a request whose `Sign` matches (in
//! constant time, either case of hex) and whose `RequestTime` is within 60 s of the server's
//! clock, inclusive (configurable). The console's "check URL" request may carry only `Sign` and
//! `RequestTime`; it verifies like any other.
//!
//! What the signature covers: only the token and the time. `SdkAppid`, `CallbackCommand`,
//! `ClientIP`, `OptPlatform` and the body are **not** signed, so treat them as claims that
//! arrived within the window together with a valid signature, not as authenticated data.
//! Answer with [`reply_ok`] or [`reply_fail`]; Tencent waits 2 s for a before-callback's
//! answer, then applies the console's default.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{CallbackError, SecretError, check_secret, query, quoted, system_now};

/// The default window: a request is accepted when `|now - RequestTime| <= 60` seconds.
pub const DEFAULT_WINDOW_SECS: u64 = 60;

/// The largest window [`Verifier::window_secs`] takes: a wider one would let a captured URL be
/// replayed for longer than any clock skew explains.
pub const MAX_WINDOW_SECS: u64 = 3_600;

/// The longest token the console accepts, in bytes.
pub const MAX_TOKEN_LEN: usize = 128;

/// Checks IM callback requests for one app's callback token. Build it once and share it
/// between threads; the token is wiped from memory on drop.
///
/// ```
/// use usersig::callback::im;
///
/// let verifier = im::Verifier::new("console-token")?;
/// // The example of Tencent's documentation: token "xxxxyyyy", RequestTime 1669872112.
/// let v = im::Verifier::new("xxxxyyyy")?;
/// let query = "Sign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061\
///              &RequestTime=1669872112";
/// assert_eq!(v.verify_at(query, 1669872112)?.request_time, 1669872112);
/// # let _ = verifier;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    token: Zeroizing<Vec<u8>>,
    window_secs: u64,
    sdkappid: Option<u64>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("im::Verifier")
            .field("token", &"<redacted>")
            .field("window_secs", &self.window_secs)
            .field("sdkappid", &self.sdkappid)
            .finish()
    }
}

/// A request that passed [`Verifier::verify`]: its signature matched and its time was within
/// the window. The other fields are as the query string carried them (not signed: see the
/// module docs); `None` where absent, as in the console's check request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Callback {
    /// `RequestTime`, Unix seconds (signed).
    pub request_time: u64,
    /// `SdkAppid`.
    pub sdkappid: Option<u64>,
    /// `CallbackCommand`, e.g. `C2C.CallbackBeforeSendMsg`.
    pub command: Option<String>,
    /// `ClientIP`.
    pub client_ip: Option<String>,
    /// `OptPlatform`: `RESTAPI`, `Web`, `Android`, `iOS`, ...
    pub platform: Option<String>,
}

impl Verifier {
    /// A verifier for the callback token set in the console (1 to 128 bytes), with the default
    /// 60 s window and no SDKAppID check.
    ///
    /// ```
    /// # use usersig::callback::im;
    /// assert!(im::Verifier::new("console-token").is_ok());
    /// assert!(im::Verifier::new("").is_err());                  // SecretError: empty
    /// assert!(im::Verifier::new("t".repeat(129)).is_err());     // over the console's 128
    /// ```
    pub fn new(token: impl AsRef<[u8]>) -> Result<Self, SecretError> {
        let token = token.as_ref();
        check_secret("token", token, MAX_TOKEN_LEN)?;
        Ok(Self {
            token: Zeroizing::new(token.to_vec()),
            window_secs: DEFAULT_WINDOW_SECS,
            sdkappid: None,
        })
    }

    /// Accept requests whose `RequestTime` is at most `secs` from the server's clock, either
    /// way; capped at [`MAX_WINDOW_SECS`].
    ///
    /// ```
    /// # use usersig::callback::im;
    /// let v = im::Verifier::new("t")?.window_secs(30);
    /// let q = im::signed_query("t", 1, "State.StateChange", 1000);
    /// assert!(v.verify_at(&q, 1030).is_ok());
    /// assert!(v.verify_at(&q, 1031).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn window_secs(mut self, secs: u64) -> Self {
        self.window_secs = secs.min(MAX_WINDOW_SECS);
        self
    }

    /// Refuse requests whose `SdkAppid` names another app (a request without one, such as the
    /// console's check request, still passes).
    ///
    /// ```
    /// # use usersig::callback::{im, CallbackErrorKind};
    /// let v = im::Verifier::new("t")?.sdkappid(1400000000);
    /// let q = im::signed_query("t", 1400000001, "State.StateChange", 1000);
    /// assert_eq!(v.verify_at(&q, 1000).unwrap_err().kind(), CallbackErrorKind::SdkAppIdMismatch);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sdkappid(mut self, sdkappid: u64) -> Self {
        self.sdkappid = Some(sdkappid);
        self
    }

    /// Verifies a request against the system clock. `query_or_url` is the query string (with or
    /// without `?`) or the whole request URL.
    ///
    /// ```
    /// # use usersig::callback::im;
    /// let v = im::Verifier::new("t")?;
    /// assert!(v.verify("SdkAppid=1&CallbackCommand=State.StateChange").is_err()); // no Sign
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self, query_or_url: &str) -> Result<Callback, CallbackError> {
        self.verify_at(query_or_url, system_now())
    }

    /// [`verify`](Self::verify) at an explicit time, Unix seconds.
    ///
    /// ```
    /// # use usersig::callback::{im, CallbackErrorKind};
    /// let v = im::Verifier::new("t")?;
    /// let q = im::signed_query("t", 1, "State.StateChange", 1000);
    /// assert!(v.verify_at(&q, 940).is_ok());
    /// assert_eq!(v.verify_at(&q, 939).unwrap_err().kind(), CallbackErrorKind::Stale);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_at(&self, query_or_url: &str, now: u64) -> Result<Callback, CallbackError> {
        let params = query::parse(query_or_url)?;
        let request_time = match params.request_time.as_deref() {
            None | Some("") => None,
            Some(text) => Some(parse_time(text)?),
        };
        let sdkappid = match params.sdkappid.as_deref() {
            None | Some("") => None,
            Some(text) => Some(text.parse::<u64>().map_err(|_| {
                CallbackError::malformed(format!("SdkAppid {} is not a number", quoted(text)))
            })?),
        };
        let sign = match params.sign.as_deref() {
            None | Some("") => return Err(CallbackError::MissingSignature { field: "Sign" }),
            Some(sign) => sign,
        };
        let (Some(request_time), Some(time_text)) = (request_time, params.request_time.as_deref())
        else {
            return Err(CallbackError::MissingSignature {
                field: "RequestTime",
            });
        };
        let expected = digest(&self.token, time_text);
        let matches =
            query::hex_bytes::<32>(sign).is_some_and(|got| bool::from(got.ct_eq(&expected)));
        if !matches {
            return Err(CallbackError::BadSignature);
        }
        if request_time.abs_diff(now) > self.window_secs {
            return Err(CallbackError::Stale {
                request_time,
                now,
                window_secs: self.window_secs,
            });
        }
        if let (Some(expected), Some(got)) = (self.sdkappid, sdkappid) {
            if expected != got {
                return Err(CallbackError::SdkAppIdMismatch { expected, got });
            }
        }
        Ok(Callback {
            request_time,
            sdkappid,
            command: params.command,
            client_ip: params.client_ip,
            platform: params.platform,
        })
    }
}

/// `RequestTime`: decimal digits only (no sign, no space), at most 20 of them, within u64.
fn parse_time(text: &str) -> Result<u64, CallbackError> {
    if text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(t) = text.parse::<u64>() {
            return Ok(t);
        }
    }
    Err(CallbackError::malformed(format!(
        "RequestTime {} is not a Unix time in decimal digits",
        quoted(text)
    )))
}

fn digest(token: &[u8], request_time: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(token);
    hash.update(request_time.as_bytes());
    hash.finalize().into()
}

/// The `Sign` Tencent sends for `token` at `request_time`: lowercase hex of
/// SHA-256(token ‖ decimal time). For testing your own handlers.
///
/// ```
/// use usersig::callback::im;
/// assert_eq!(
///     im::sign("xxxxyyyy", 1669872112),
///     "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
/// );
/// ```
pub fn sign(token: impl AsRef<[u8]>, request_time: u64) -> String {
    crate::hex::lower(&digest(token.as_ref(), &request_time.to_string()))
}

/// A query string as Tencent sends it for `command`, signed at `request_time`: what a test of
/// your own handler feeds it.
///
/// ```
/// use usersig::callback::im;
/// let q = im::signed_query("t", 1400000000, "State.StateChange", 1000);
/// assert!(q.starts_with("SdkAppid=1400000000&CallbackCommand=State.StateChange&"));
/// assert!(q.ends_with(&format!("&Sign={}&RequestTime=1000", im::sign("t", 1000))));
/// ```
pub fn signed_query(
    token: impl AsRef<[u8]>,
    sdkappid: u64,
    command: &str,
    request_time: u64,
) -> String {
    let mut command_escaped = String::with_capacity(command.len());
    for byte in command.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            command_escaped.push(char::from(byte));
        } else {
            command_escaped.push_str(&format!("%{byte:02X}"));
        }
    }
    format!(
        "SdkAppid={sdkappid}&CallbackCommand={command_escaped}&contenttype=json\
         &ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign={}&RequestTime={request_time}",
        sign(token, request_time)
    )
}

/// The answer that lets the action go ahead: `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`.
///
/// ```
/// assert_eq!(usersig::callback::im::reply_ok(), r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#);
/// ```
pub fn reply_ok() -> String {
    reply("OK", 0, "")
}

/// The answer that refuses it (for a before-callback: the message is not sent, the member not
/// added, ...), with your own error code and text, JSON-escaped.
///
/// ```
/// assert_eq!(
///     usersig::callback::im::reply_fail(1, "blocked \"word\""),
///     r#"{"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"blocked \"word\""}"#
/// );
/// ```
pub fn reply_fail(error_code: i64, error_info: &str) -> String {
    reply("FAIL", error_code, error_info)
}

fn reply(status: &str, code: i64, info: &str) -> String {
    serde_json::json!({"ActionStatus": status, "ErrorCode": code, "ErrorInfo": info}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::CallbackErrorKind as Kind;

    const T: u64 = 1_669_872_112;

    fn kind(v: &Verifier, q: &str, now: u64) -> Kind {
        v.verify_at(q, now).unwrap_err().kind()
    }

    #[test]
    fn the_window_is_inclusive_on_both_sides() {
        let v = Verifier::new("xxxxyyyy").unwrap();
        let q = signed_query("xxxxyyyy", 1, "State.StateChange", T);
        for now in [T - 60, T, T + 60] {
            assert!(v.verify_at(&q, now).is_ok(), "{now}");
        }
        for now in [T - 61, T + 61, 0, u64::MAX] {
            assert_eq!(kind(&v, &q, now), Kind::Stale, "{now}");
        }
    }

    #[test]
    fn uppercase_hex_verifies_and_a_changed_time_does_not() {
        let v = Verifier::new("xxxxyyyy").unwrap();
        let upper = format!(
            "Sign={}&RequestTime={T}",
            sign("xxxxyyyy", T).to_uppercase()
        );
        assert!(v.verify_at(&upper, T).is_ok());
        let moved = format!("Sign={}&RequestTime={}", sign("xxxxyyyy", T), T + 1);
        assert_eq!(kind(&v, &moved, T), Kind::BadSignature);
        let padded = format!("Sign={}&RequestTime=0{T}", sign("xxxxyyyy", T));
        assert_eq!(kind(&v, &padded, T), Kind::BadSignature);
    }

    #[test]
    fn each_failure_has_its_kind_and_the_first_wins() {
        let v = Verifier::new("tok").unwrap().sdkappid(7);
        let good = sign("tok", T);
        let cases = [
            ("Sign=a&Sign=b&RequestTime=x".to_owned(), Kind::Malformed),
            (format!("Sign={good}&RequestTime=12a"), Kind::Malformed),
            (format!("Sign={good}&RequestTime=-1"), Kind::Malformed),
            (
                format!("Sign={good}&RequestTime={T}&SdkAppid=x"),
                Kind::Malformed,
            ),
            ("RequestTime=1".to_owned(), Kind::MissingSignature),
            (format!("Sign=&RequestTime={T}"), Kind::MissingSignature),
            (format!("Sign={good}"), Kind::MissingSignature),
            (format!("Sign={good}&RequestTime="), Kind::MissingSignature),
            (format!("Sign=zz&RequestTime={T}"), Kind::BadSignature),
            (
                format!("Sign={}&RequestTime={T}", sign("other", T)),
                Kind::BadSignature,
            ),
            (
                format!("Sign={}&RequestTime={}", sign("tok", 5), 5),
                Kind::Stale,
            ),
            (
                format!("Sign={good}&RequestTime={T}&SdkAppid=8"),
                Kind::SdkAppIdMismatch,
            ),
        ];
        for (q, want) in cases {
            assert_eq!(kind(&v, &q, T), want, "{q}");
        }
        assert!(
            v.verify_at(&format!("Sign={good}&RequestTime={T}"), T)
                .is_ok()
        );
    }

    #[test]
    fn the_trusted_request_carries_the_query_fields() {
        let v = Verifier::new("tok").unwrap().sdkappid(1400000000);
        let q = signed_query("tok", 1400000000, "Group.CallbackAfterNewMemberJoin", T);
        let got = v
            .verify_at(&format!("https://example.com/im?{q}"), T)
            .unwrap();
        assert_eq!(got.sdkappid, Some(1400000000));
        assert_eq!(
            got.command.as_deref(),
            Some("Group.CallbackAfterNewMemberJoin")
        );
        assert_eq!(got.client_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(got.platform.as_deref(), Some("RESTAPI"));
        assert_eq!(got.request_time, T);
    }

    #[test]
    fn secrets_are_checked_and_never_printed() {
        assert!(Verifier::new("").is_err());
        assert!(Verifier::new("a".repeat(129)).is_err());
        assert!(Verifier::new("a".repeat(128)).is_ok());
        let v = Verifier::new("s3cr3t-token").unwrap();
        assert!(!format!("{v:?}").contains("s3cr3t"));
        let err = v.verify_at("Sign=s3cr3t&RequestTime=1", 1).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"));
    }

    #[test]
    fn the_window_is_capped() {
        let v = Verifier::new("t").unwrap().window_secs(u64::MAX);
        let q = signed_query("t", 1, "x", 0);
        assert_eq!(kind(&v, &q, MAX_WINDOW_SECS + 1), Kind::Stale);
    }

    #[test]
    fn error_text_from_the_request_is_escaped() {
        let v = Verifier::new("t").unwrap();
        let err = v
            .verify_at("Sign=a&RequestTime=1%0D%0Aforged%1B[31m", 1)
            .unwrap_err();
        let text = err.to_string();
        assert!(
            !text.contains('\r') && !text.contains('\n') && !text.contains('\x1b'),
            "{text}"
        );
    }
}
