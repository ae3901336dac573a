//! The response envelope (FORMAT.md §8): `ActionStatus`, `ErrorCode`, `ErrorInfo`,
//! `RequestId` and the rest of the body, and [`RestError`], a `FAIL` answer as an error.

use std::fmt;

use serde_json::{Map, Value};

use super::codes::RestCode;
use super::retry::RetryClass;
use crate::error::Shown;

/// The `ActionStatus` of a response.
///
/// ```
/// use usersig::rest::ActionStatus;
/// assert_eq!(ActionStatus::from_wire("OK"), ActionStatus::Ok);
/// assert_eq!(ActionStatus::from_wire("FAIL").as_str(), "FAIL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionStatus {
    /// `"OK"`.
    Ok,
    /// `"FAIL"`.
    Fail,
    /// Anything else, kept as received (treated as a failure).
    Other(String),
}

impl ActionStatus {
    /// Reads the wire value.
    ///
    /// ```
    /// use usersig::rest::ActionStatus;
    /// assert_eq!(ActionStatus::from_wire("FAIL"), ActionStatus::Fail);
    /// assert_eq!(ActionStatus::from_wire("ok"), ActionStatus::Other("ok".into()));
    /// ```
    pub fn from_wire(text: &str) -> ActionStatus {
        match text {
            "OK" => ActionStatus::Ok,
            "FAIL" => ActionStatus::Fail,
            other => ActionStatus::Other(other.to_owned()),
        }
    }

    /// The wire value.
    ///
    /// ```
    /// use usersig::rest::ActionStatus;
    /// assert_eq!(ActionStatus::Ok.as_str(), "OK");
    /// assert_eq!(ActionStatus::Other("PENDING".into()).as_str(), "PENDING");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            ActionStatus::Ok => "OK",
            ActionStatus::Fail => "FAIL",
            ActionStatus::Other(s) => s,
        }
    }
}

/// Why a response body is not a REST envelope.
///
/// ```
/// use usersig::rest::{Envelope, EnvelopeError};
/// assert!(matches!(Envelope::parse("<html>"), Err(EnvelopeError::NotJson(_))));
/// assert!(matches!(Envelope::parse("{}"), Err(EnvelopeError::Field { field: "ActionStatus", .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The body is not a JSON object.
    NotJson(String),
    /// A field is missing or has the wrong JSON type.
    Field {
        /// `ActionStatus`, `ErrorCode`, `ErrorInfo` or `RequestId`.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::NotJson(e) => write!(f, "the response is not a JSON object: {e}"),
            EnvelopeError::Field { field, reason } => {
                write!(f, "the response's `{field}` {reason}")
            }
        }
    }
}

impl std::error::Error for EnvelopeError {}

/// A REST response (FORMAT.md §8): the four common fields, and every other field of the body
/// untouched in [`rest`](Envelope::rest).
///
/// Lenient where it costs nothing: `ErrorCode` may be missing on an `OK` response (it is then
/// 0), `ErrorInfo` may be missing (empty), `RequestId` is optional.
///
/// ```
/// use usersig::rest::{ActionStatus, Envelope};
/// let env = Envelope::parse(r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"",
///     "RequestId":"Id-8f2a","ResultItem":[{"UserID":"bob","AccountStatus":"Imported"}]}"#)?;
/// assert!(env.is_ok());
/// assert_eq!(env.action_status, ActionStatus::Ok);
/// assert_eq!(env.request_id.as_deref(), Some("Id-8f2a"));
/// assert_eq!(env.rest["ResultItem"][0]["UserID"], "bob");
/// # Ok::<(), usersig::rest::EnvelopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `ActionStatus`.
    pub action_status: ActionStatus,
    /// `ErrorCode`: 0 on success.
    pub error_code: i64,
    /// `ErrorInfo`: the server's explanation, often empty on success.
    pub error_info: String,
    /// `RequestId`, to quote to Tencent support.
    pub request_id: Option<String>,
    /// Every other field of the body.
    pub rest: Map<String, Value>,
}

impl Envelope {
    /// Parses a response body.
    ///
    /// ```
    /// use usersig::rest::{Envelope, EnvelopeError};
    /// let env = Envelope::parse(r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#)?;
    /// assert!(env.is_ok());
    /// assert!(matches!(Envelope::parse("[]"), Err(EnvelopeError::NotJson(_))));
    /// # Ok::<(), EnvelopeError>(())
    /// ```
    pub fn parse(body: &str) -> Result<Envelope, EnvelopeError> {
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => Envelope::from_map(map),
            Ok(_) => Err(EnvelopeError::NotJson("a JSON value, not an object".into())),
            Err(e) => Err(EnvelopeError::NotJson(e.to_string())),
        }
    }

    /// Takes the common fields out of a parsed body.
    ///
    /// ```
    /// use usersig::rest::Envelope;
    /// let map = serde_json::json!({"ActionStatus": "OK"});
    /// let env = Envelope::from_map(map.as_object().cloned().unwrap_or_default())?;
    /// assert_eq!(env.error_code, 0);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn from_map(mut map: Map<String, Value>) -> Result<Envelope, EnvelopeError> {
        let field = |field, reason| EnvelopeError::Field { field, reason };
        let action_status = match map.remove("ActionStatus") {
            Some(Value::String(s)) => ActionStatus::from_wire(&s),
            Some(_) => return Err(field("ActionStatus", "is not a string")),
            None => return Err(field("ActionStatus", "is missing")),
        };
        let error_code = match map.remove("ErrorCode") {
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| field("ErrorCode", "is not an integer"))?,
            // Some services have sent numbers as strings; tolerate digits.
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| field("ErrorCode", "is not an integer"))?,
            Some(_) => return Err(field("ErrorCode", "is not an integer")),
            None if action_status == ActionStatus::Ok => 0,
            None => return Err(field("ErrorCode", "is missing from a failed response")),
        };
        let error_info = match map.remove("ErrorInfo") {
            Some(Value::String(s)) => s,
            Some(Value::Null) | None => String::new(),
            Some(_) => return Err(field("ErrorInfo", "is not a string")),
        };
        let request_id = match map.remove("RequestId") {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(_) => return Err(field("RequestId", "is not a string")),
        };
        Ok(Envelope {
            action_status,
            error_code,
            error_info,
            request_id,
            rest: map,
        })
    }

    /// `ActionStatus` is `OK` and `ErrorCode` is 0.
    ///
    /// ```
    /// # use usersig::rest::Envelope;
    /// assert!(Envelope::parse(r#"{"ActionStatus":"OK"}"#)?.is_ok());
    /// assert!(!Envelope::parse(r#"{"ActionStatus":"OK","ErrorCode":60007}"#)?.is_ok());
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn is_ok(&self) -> bool {
        self.action_status == ActionStatus::Ok && self.error_code == 0
    }

    /// The typed `ErrorCode`.
    ///
    /// ```
    /// # use usersig::rest::{Envelope, RestCode};
    /// let env = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":""}"#)?;
    /// assert_eq!(env.code(), RestCode::RestRateLimited);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    ///
    /// ```
    /// # use usersig::rest::{Envelope, RestCode};
    /// let err = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":70003}"#)?
    ///     .into_result()
    ///     .unwrap_err();
    /// assert_eq!(err.code(), RestCode::UserSigInvalid);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn code(&self) -> RestCode {
        RestCode::from_code(self.error_code)
    }

    /// `Ok(self)` on success, else the typed error (which keeps the envelope).
    ///
    /// ```
    /// # use usersig::rest::{Envelope, RestCode};
    /// let env = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"sig"}"#)?;
    /// let err = env.into_result().unwrap_err();
    /// assert_eq!(err.code(), RestCode::UserSigBadSignature);
    /// assert!(err.to_string().contains("70009"));
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn into_result(self) -> Result<Envelope, RestError> {
        if self.is_ok() {
            Ok(self)
        } else {
            Err(RestError { envelope: self })
        }
    }

    /// The body as JSON again, the common fields first.
    ///
    /// ```
    /// # use usersig::rest::Envelope;
    /// let env = Envelope::parse(r#"{"X":1,"ActionStatus":"OK"}"#)?;
    /// assert_eq!(env.to_json().to_string(),
    ///     r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","X":1}"#);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert(
            "ActionStatus".into(),
            Value::String(self.action_status.as_str().to_owned()),
        );
        map.insert("ErrorCode".into(), Value::from(self.error_code));
        map.insert("ErrorInfo".into(), Value::String(self.error_info.clone()));
        if let Some(id) = &self.request_id {
            map.insert("RequestId".into(), Value::String(id.clone()));
        }
        for (k, v) in &self.rest {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
    }
}

/// A request the server answered with `FAIL`: the typed code, and the whole envelope.
///
/// ```
/// use usersig::rest::{Envelope, RetryClass};
/// let err = Envelope::parse(
///     r#"{"ActionStatus":"FAIL","ErrorCode":60018,"ErrorInfo":"busy","RequestId":"r1"}"#,
/// )?.into_result().unwrap_err();
/// assert_eq!(err.retry(), RetryClass::Backoff);
/// assert_eq!(err.envelope().request_id.as_deref(), Some("r1"));
/// # Ok::<(), usersig::rest::EnvelopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RestError {
    envelope: Envelope,
}

impl RestError {
    /// The typed `ErrorCode`.
    pub fn code(&self) -> RestCode {
        self.envelope.code()
    }

    /// Whether and how to retry.
    ///
    /// ```
    /// # use usersig::rest::{Envelope, RetryClass};
    /// let err = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":70003}"#)?
    ///     .into_result()
    ///     .unwrap_err();
    /// assert_eq!(err.retry(), RetryClass::RenewToken);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn retry(&self) -> RetryClass {
        self.code().retry()
    }

    /// The response.
    ///
    /// ```
    /// # use usersig::rest::Envelope;
    /// let err = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":60009,"ErrorInfo":"no such"}"#)?
    ///     .into_result()
    ///     .unwrap_err();
    /// assert_eq!(err.envelope().error_info, "no such");
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The response, by value.
    ///
    /// ```
    /// # use usersig::rest::Envelope;
    /// let err = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":60009,"Extra":1}"#)?
    ///     .into_result()
    ///     .unwrap_err();
    /// assert_eq!(err.into_envelope().rest["Extra"], 1);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn into_envelope(self) -> Envelope {
        self.envelope
    }
}

impl fmt::Display for RestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let env = &self.envelope;
        write!(f, "REST error {}", self.code())?;
        if let Some(info) = self.code().info() {
            write!(f, "; {}", info.action)?;
        }
        if !env.error_info.is_empty() {
            write!(f, " (ErrorInfo {})", Shown(&env.error_info))?;
        }
        if let Some(id) = &env.request_id {
            write!(f, " [RequestId {}]", Shown(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for RestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_other_fields_survive_a_round_trip_through_the_json_form() {
        // Found by the rest_envelope fuzz target: without correctly rounded float parsing
        // (serde_json's `float_roundtrip`), 7000133e68 read back as another f64 once written.
        for body in [
            r#"{"ActionStatus":"OK","N":700013300000000000000000000000000000000000000000000000017112406762611923695}"#,
            r#"{"ActionStatus":"OK","N":0.1,"M":1e-300,"L":123456789.12345678}"#,
        ] {
            let env = Envelope::parse(body).unwrap();
            assert_eq!(
                Envelope::parse(&env.to_json().to_string()).unwrap(),
                env,
                "{body}"
            );
        }
    }

    fn field_error(body: &str) -> &'static str {
        match Envelope::parse(body) {
            Err(EnvelopeError::Field { field, .. }) => field,
            other => panic!("{body}: {other:?}"),
        }
    }

    fn failure(code: i64, info: &str, request_id: Option<&str>) -> RestError {
        Envelope {
            action_status: ActionStatus::Fail,
            error_code: code,
            error_info: info.to_owned(),
            request_id: request_id.map(str::to_owned),
            rest: Map::new(),
        }
        .into_result()
        .unwrap_err()
    }

    #[test]
    fn a_success_takes_out_the_common_fields_and_keeps_the_rest() {
        let env = Envelope::parse(
            r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"r",
                "ResultItem":[{"UserID":"bob"}],"Next":7}"#,
        )
        .unwrap();
        assert!(env.is_ok());
        assert_eq!(env.request_id.as_deref(), Some("r"));
        assert_eq!(env.rest.len(), 2);
        assert!(!env.rest.contains_key("ActionStatus"));
        assert_eq!(env.rest["Next"], 7);
    }

    #[test]
    fn success_needs_ok_and_a_zero_code() {
        for (body, ok) in [
            (r#"{"ActionStatus":"OK"}"#, true),
            (r#"{"ActionStatus":"OK","ErrorCode":0}"#, true),
            (r#"{"ActionStatus":"OK","ErrorCode":1}"#, false),
            (r#"{"ActionStatus":"FAIL","ErrorCode":0}"#, false),
            (r#"{"ActionStatus":"ok","ErrorCode":0}"#, false),
            (r#"{"ActionStatus":"","ErrorCode":0}"#, false),
        ] {
            let env = Envelope::parse(body).unwrap();
            assert_eq!(env.is_ok(), ok, "{body}");
            assert_eq!(env.clone().into_result().is_ok(), ok, "{body}");
        }
    }

    #[test]
    fn an_unheard_of_status_is_kept_as_received() {
        assert_eq!(
            ActionStatus::from_wire("ok"),
            ActionStatus::Other("ok".into())
        );
        for text in ["OK", "FAIL", "PARTIAL", ""] {
            assert_eq!(ActionStatus::from_wire(text).as_str(), text);
        }
    }

    #[test]
    fn an_error_code_as_a_string_of_digits_is_read() {
        for (code, value) in [(r#""60007""#, 60007), (r#"" 70001 ""#, 70001), ("-1", -1)] {
            let body = format!(r#"{{"ActionStatus":"FAIL","ErrorCode":{code}}}"#);
            assert_eq!(Envelope::parse(&body).unwrap().error_code, value, "{code}");
        }
    }

    #[test]
    fn an_error_code_that_is_no_i64_is_refused() {
        for code in [
            "1.5",
            "1e3",
            "9223372036854775808",
            "18446744073709551615",
            r#""0x10""#,
            r#""""#,
            r#""9223372036854775808""#,
            "true",
            "null",
            "[]",
            "{}",
        ] {
            let body = format!(r#"{{"ActionStatus":"FAIL","ErrorCode":{code}}}"#);
            assert_eq!(field_error(&body), "ErrorCode", "{code}");
        }
    }

    #[test]
    fn fields_of_the_wrong_type_are_named() {
        assert_eq!(field_error(r#"{"ActionStatus":null}"#), "ActionStatus");
        assert_eq!(field_error(r#"{"ActionStatus":["OK"]}"#), "ActionStatus");
        assert_eq!(field_error(r#"{"ActionStatus":"FAIL"}"#), "ErrorCode");
        assert_eq!(
            field_error(r#"{"ActionStatus":"OK","ErrorInfo":{}}"#),
            "ErrorInfo"
        );
        assert_eq!(
            field_error(r#"{"ActionStatus":"OK","RequestId":1}"#),
            "RequestId"
        );
    }

    #[test]
    fn null_error_info_and_request_id_read_as_absent() {
        let env =
            Envelope::parse(r#"{"ActionStatus":"OK","ErrorInfo":null,"RequestId":null}"#).unwrap();
        assert_eq!((env.error_info.as_str(), env.request_id), ("", None));
    }

    #[test]
    fn bodies_that_are_not_one_json_object_are_not_json() {
        let deep = format!(
            r#"{{"ActionStatus":"OK","x":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        for body in [
            "",
            " ",
            "null",
            "0",
            r#""OK""#,
            "[{}]",
            "\u{feff}{\"ActionStatus\":\"OK\"}",
            r#"{"ActionStatus":"OK"} trailing"#,
            r#"{"ActionStatus":"OK""#,
            "{\"ActionStatus\":\"\u{0}\"}",
            deep.as_str(),
        ] {
            assert!(
                matches!(Envelope::parse(body), Err(EnvelopeError::NotJson(_))),
                "{:?}",
                body.get(..40)
            );
        }
    }

    #[test]
    fn a_repeated_field_counts_once_the_last_one() {
        let env = Envelope::parse(r#"{"ActionStatus":"OK","ActionStatus":"FAIL","ErrorCode":7}"#)
            .unwrap();
        assert_eq!(env.action_status, ActionStatus::Fail);
        assert!(!env.is_ok());
    }

    #[test]
    fn to_json_puts_the_common_fields_first_and_parses_back_the_same() {
        let body = r#"{"Z":[1,{"a":null}],"RequestId":"r","ErrorInfo":"e","ErrorCode":60018,"ActionStatus":"FAIL"}"#;
        let env = Envelope::parse(body).unwrap();
        let json = env.to_json();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId", "Z"]
        );
        assert_eq!(Envelope::parse(&json.to_string()).unwrap(), env);
    }

    #[test]
    fn a_failure_carries_its_typed_code_its_retry_class_and_the_whole_envelope() {
        let err = failure(70001, "expired", Some("r1"));
        assert_eq!(err.code(), RestCode::UserSigExpired);
        assert_eq!(err.retry(), RetryClass::RenewToken);
        assert_eq!(err.envelope().error_info, "expired");
        assert_eq!(err.into_envelope().request_id.as_deref(), Some("r1"));
    }

    #[test]
    fn a_failure_explains_the_code_the_action_and_what_the_server_said() {
        let text = failure(60007, "slow down", Some("Id-9")).to_string();
        assert_eq!(
            text,
            "REST error 60007 (rest_rate_limited): the REST API call rate limit was exceeded; \
             retry with backoff, and lower the call rate (ErrorInfo \"slow down\") \
             [RequestId \"Id-9\"]"
        );
        assert_eq!(
            failure(91000, "", None).to_string(),
            "REST error 91000 (not in the common code table)"
        );
    }

    #[test]
    fn a_failure_escapes_and_shortens_what_the_server_said() {
        let hostile = format!("\u{1b}[2J\n{}", "x".repeat(10_000));
        let text = failure(60002, &hostile, Some(&hostile)).to_string();
        assert!(!text.contains(['\u{1b}', '\n']), "{text}");
        assert!(text.len() < 400, "{}", text.len());
    }

    #[test]
    fn envelope_errors_say_which_field_and_why() {
        let err = Envelope::parse(r#"{"ActionStatus":"FAIL"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the response's `ErrorCode` is missing from a failed response"
        );
        let err = Envelope::parse("<html>").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the response is not a JSON object: "),
            "{err}"
        );
    }
}
