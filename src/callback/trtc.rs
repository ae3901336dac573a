//! TRTC room and media event callbacks: Tencent POSTs a JSON body
//! (`EventGroupId`, `EventType`, `CallbackTs` in milliseconds, `EventInfo`) with the headers
//! `SdkAppId` and
//!
//! ```text
//! Sign = base64( HMAC-SHA256( callback key, body ) )
//! ```
//!
//! over the body bytes exactly as received: whitespace, tabs, key order and all. Hand
//! [`Verifier::verify`] the raw body, never a re-serialized one. Checks run in this order:
//! the `Sign` header is there ([`MissingSignature`](super::CallbackError::MissingSignature)),
//! it matches in constant time ([`BadSignature`](super::CallbackError::BadSignature)), then the
//! authenticated body is read ([`Malformed`](super::CallbackError::Malformed): JSON is parsed
//! only once it is known to come from Tencent), then the `SdkAppId` header is compared when
//! the verifier names one. Answer HTTP 200 within 5 s (`{"code":0}` is customary); Tencent
//! retries otherwise, so handlers must tolerate a repeated event.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::value::RawValue;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::{CallbackError, SecretError, check_secret, quoted};

/// The longest callback key taken, in bytes (the console allows 32 letters and digits).
pub const MAX_KEY_LEN: usize = 128;

/// Checks TRTC event callbacks for one app's callback key. Build it once and share it between
/// threads; the keyed state is wiped on drop.
///
/// ```
/// use usersig::callback::trtc;
///
/// let verifier = trtc::Verifier::new("console-key")?;
/// let body = br#"{"EventGroupId":1,"EventType":103,"CallbackTs":1687770731932,"EventInfo":{"RoomId":12345,"UserId":"test"}}"#;
/// let sign = trtc::sign("console-key", body);                  // what Tencent puts in `Sign`
/// let event = verifier.verify(&sign, body)?;
/// assert_eq!((event.event_group_id, event.event_type), (1, 103));
/// assert_eq!(event.event_info, r#"{"RoomId":12345,"UserId":"test"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    mac: Hmac<Sha256>,
    sdkappid: Option<u64>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("trtc::Verifier")
            .field("key", &"<redacted>")
            .field("sdkappid", &self.sdkappid)
            .finish()
    }
}

/// An event that passed [`Verifier::verify`]. `EventInfo` stays raw JSON, borrowed from the
/// body: its fields depend on the event type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event<'a> {
    /// `EventGroupId`: 1 room events, 2 media events, ...
    pub event_group_id: u64,
    /// `EventType`: 101 create room, 103 enter room, 201 start video, ...
    pub event_type: u64,
    /// `CallbackTs`: when Tencent sent it, Unix **milliseconds**.
    pub callback_ts: u64,
    /// `EventInfo`, the JSON object as received.
    pub event_info: &'a str,
    /// The `SdkAppId` header, when the request had one.
    pub sdkappid: Option<u64>,
}

impl Verifier {
    /// A verifier for the callback key set in the console (1 to [`MAX_KEY_LEN`] bytes).
    ///
    /// ```
    /// # use usersig::callback::trtc;
    /// assert!(trtc::Verifier::new("Ab12Cd34").is_ok());
    /// assert!(trtc::Verifier::new("").is_err());
    /// ```
    pub fn new(key: impl AsRef<[u8]>) -> Result<Self, SecretError> {
        let key = key.as_ref();
        check_secret("key", key, MAX_KEY_LEN)?;
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| SecretError {
            what: "key",
            len: key.len(),
            max: MAX_KEY_LEN,
        })?;
        Ok(Self {
            mac,
            sdkappid: None,
        })
    }

    /// Refuse requests whose `SdkAppId` header names another app (see
    /// [`verify_request`](Self::verify_request)).
    ///
    /// ```
    /// # use usersig::callback::trtc;
    /// let v = trtc::Verifier::new("k")?.sdkappid(1400000000);
    /// let body = br#"{"EventGroupId":1,"EventType":101,"CallbackTs":1,"EventInfo":{}}"#;
    /// let sign = trtc::sign("k", body);
    /// assert!(v.verify_request(Some(&sign), Some("1400000001"), body).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sdkappid(mut self, sdkappid: u64) -> Self {
        self.sdkappid = Some(sdkappid);
        self
    }

    /// Verifies `body`, the raw bytes as received, against the `Sign` header's value.
    ///
    /// ```
    /// # use usersig::callback::{trtc, CallbackErrorKind};
    /// let v = trtc::Verifier::new("k")?;
    /// let body = b"{\"EventGroupId\":2,\"EventType\":201,\"CallbackTs\":1,\"EventInfo\":{}}\n";
    /// let sign = trtc::sign("k", body);
    /// assert_eq!(v.verify(&sign, body)?.event_type, 201);
    /// // Without its trailing newline the body is not what was signed.
    /// let err = v.verify(&sign, &body[..body.len() - 1]).unwrap_err();
    /// assert_eq!(err.kind(), CallbackErrorKind::BadSignature);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify<'a>(&self, sign: &str, body: &'a [u8]) -> Result<Event<'a>, CallbackError> {
        self.verify_request(Some(sign), None, body)
    }

    /// Verifies a request from its `Sign` and `SdkAppId` headers as the framework hands them
    /// (`None` when absent) and the raw body.
    ///
    /// ```
    /// # use usersig::callback::{trtc, CallbackErrorKind};
    /// let v = trtc::Verifier::new("k")?.sdkappid(1400000000);
    /// let body = br#"{"EventGroupId":2,"EventType":201,"CallbackTs":1,"EventInfo":{}}"#;
    /// let sign = trtc::sign("k", body);
    /// assert!(v.verify_request(Some(&sign), Some("1400000000"), body).is_ok());
    /// let err = v.verify_request(Some(&sign), Some("1400000001"), body).unwrap_err();
    /// assert_eq!(err.kind(), CallbackErrorKind::SdkAppIdMismatch);
    /// assert_eq!(v.verify_request(None, None, body).unwrap_err().kind(), CallbackErrorKind::MissingSignature);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_request<'a>(
        &self,
        sign: Option<&str>,
        sdkappid: Option<&str>,
        body: &'a [u8],
    ) -> Result<Event<'a>, CallbackError> {
        let sign = match sign.map(str::trim) {
            None | Some("") => return Err(CallbackError::MissingSignature { field: "Sign" }),
            Some(sign) => sign,
        };
        let expected = self.tag(body);
        let mut got = [0u8; 48];
        let matches = sign.len() <= 64
            && STANDARD
                .decode_slice(sign, &mut got)
                .is_ok_and(|n| n == 32 && bool::from(got[..32].ct_eq(&expected)));
        if !matches {
            return Err(CallbackError::BadSignature);
        }
        let sdkappid = match sdkappid.map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<u64>().map_err(|_| {
                CallbackError::malformed(format!("SdkAppId {} is not a number", quoted(text)))
            })?),
        };
        let event = parse_body(body, sdkappid)?;
        if let (Some(expected), Some(got)) = (self.sdkappid, sdkappid) {
            if expected != got {
                return Err(CallbackError::SdkAppIdMismatch { expected, got });
            }
        }
        Ok(event)
    }

    fn tag(&self, body: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(body);
        mac.finalize().into_bytes().into()
    }
}

fn parse_body(body: &[u8], sdkappid: Option<u64>) -> Result<Event<'_>, CallbackError> {
    let fields: BTreeMap<&str, &RawValue> = serde_json::from_slice(body)
        .map_err(|e| CallbackError::malformed(format!("the body is not a JSON object: {e}")))?;
    let number = |name: &str| -> Result<u64, CallbackError> {
        let raw = fields
            .get(name)
            .ok_or_else(|| CallbackError::malformed(format!("the body has no {name}")))?;
        serde_json::from_str::<u64>(raw.get()).map_err(|_| {
            CallbackError::malformed(format!(
                "{name} is {}, not a non-negative integer",
                quoted(raw.get())
            ))
        })
    };
    let event_info = fields
        .get("EventInfo")
        .map(|raw| raw.get())
        .filter(|text| text.starts_with('{'))
        .ok_or_else(|| CallbackError::malformed("the body has no EventInfo object"))?;
    Ok(Event {
        event_group_id: number("EventGroupId")?,
        event_type: number("EventType")?,
        callback_ts: number("CallbackTs")?,
        event_info,
        sdkappid,
    })
}

/// The `Sign` header Tencent sends for `body` under `key`: for testing your own handlers.
///
/// ```
/// let sign = usersig::callback::trtc::sign("key", b"{}");
/// assert_eq!(sign.len(), 44);
/// ```
pub fn sign(key: impl AsRef<[u8]>, body: &[u8]) -> String {
    // An HMAC takes a key of any length; an empty one is allowed here, for tests.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_ref())
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::CallbackErrorKind as Kind;

    // The body of Tencent's signature example: tabs, newlines and all.
    const BODY: &[u8] = b"{\n\t\"EventGroupId\":\t1,\n\t\"EventType\":\t103,\n\t\"CallbackTs\":\t1615554923704,\n\t\"EventInfo\":\t{\n\t\t\"RoomId\":\t12345,\n\t\t\"EventTs\":\t1608441737,\n\t\t\"UserId\":\t\"test\",\n\t\t\"UniqueId\":\t1615554922656,\n\t\t\"Role\":\t20,\n\t\t\"Reason\":\t1\n\t}\n}";

    #[test]
    fn the_body_as_sent_verifies_and_its_fields_are_read() {
        let v = Verifier::new("key").unwrap();
        let e = v.verify(&sign("key", BODY), BODY).unwrap();
        assert_eq!(
            (e.event_group_id, e.event_type, e.callback_ts),
            (1, 103, 1615554923704)
        );
        assert!(e.event_info.starts_with("{\n\t\t\"RoomId\":\t12345"));
        assert!(e.event_info.ends_with("\n\t}"));
    }

    #[test]
    fn any_change_to_the_body_fails() {
        let v = Verifier::new("key").unwrap();
        let s = sign("key", BODY);
        let mut trailing = BODY.to_vec();
        trailing.push(b'\n');
        assert_eq!(
            v.verify(&s, &trailing).unwrap_err().kind(),
            Kind::BadSignature
        );
        for i in 0..BODY.len() {
            let mut changed = BODY.to_vec();
            changed[i] ^= 1;
            assert_eq!(
                v.verify(&s, &changed).unwrap_err().kind(),
                Kind::BadSignature,
                "{i}"
            );
        }
    }

    #[test]
    fn malformed_signatures_are_bad_signatures_and_absent_ones_missing() {
        let v = Verifier::new("key").unwrap();
        for s in ["x", "====", &"A".repeat(1000), &sign("other", BODY)] {
            assert_eq!(
                v.verify(s, BODY).unwrap_err().kind(),
                Kind::BadSignature,
                "{s}"
            );
        }
        assert_eq!(
            v.verify("", BODY).unwrap_err().kind(),
            Kind::MissingSignature
        );
        assert_eq!(
            v.verify("  ", BODY).unwrap_err().kind(),
            Kind::MissingSignature
        );
    }

    #[test]
    fn an_authentic_body_that_is_not_an_event_is_malformed() {
        let v = Verifier::new("key").unwrap();
        for body in [
            &b"not json"[..],
            br#"{"EventGroupId":1}"#,
            br#"{"EventGroupId":-1,"EventType":1,"CallbackTs":1,"EventInfo":{}}"#,
            br#"{"EventGroupId":1,"EventType":1,"CallbackTs":1,"EventInfo":[]}"#,
        ] {
            let err = v.verify(&sign("key", body), body).unwrap_err();
            assert_eq!(
                err.kind(),
                Kind::Malformed,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let err = v.verify_request(Some(&sign("key", BODY)), Some("abc"), BODY);
        assert_eq!(err.unwrap_err().kind(), Kind::Malformed);
    }

    #[test]
    fn the_key_is_checked_and_never_printed() {
        assert!(Verifier::new("").is_err());
        assert!(Verifier::new("k".repeat(MAX_KEY_LEN + 1)).is_err());
        let v = Verifier::new("s3cr3t").unwrap();
        assert!(!format!("{v:?}").contains("s3cr3t"));
    }
}
