//! The REST error codes of FORMAT.md §8: what each means, what to do, whether to retry.

use std::fmt;

use super::retry::RetryClass;

/// What a REST error code means and what to do about it: one row of FORMAT.md §8's table.
///
/// ```
/// let info = usersig::rest::describe(70009).unwrap();
/// assert_eq!(info.name, "usersig_bad_signature");
/// assert!(!info.retry.is_retryable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The `ErrorCode`.
    pub code: i64,
    /// A stable snake_case name for the condition (60004 and 60005 share one, as do 60018
    /// and 60019: Tencent documents them alike).
    pub name: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// What to do about it.
    pub action: &'static str,
    /// Whether and how to retry.
    pub retry: RetryClass,
}

const fn row(
    code: i64,
    name: &'static str,
    meaning: &'static str,
    action: &'static str,
    retry: RetryClass,
) -> CodeInfo {
    CodeInfo {
        code,
        name,
        meaning,
        action,
        retry,
    }
}

/// Every code of FORMAT.md §8's table, in numeric order.
///
/// ```
/// use usersig::rest::CODES;
/// assert_eq!(CODES.len(), 28);
/// assert!(CODES.windows(2).all(|w| w[0].code < w[1].code));
/// ```
pub const CODES: [CodeInfo; 28] = {
    use RetryClass::{After60s, Backoff, Never, RenewToken};
    [
        row(
            60002,
            "http_parse",
            "HTTP parse error",
            "check the request URL's format",
            Never,
        ),
        row(
            60003,
            "request_json_parse",
            "the request body is not valid JSON",
            "fix the body; send {} when there is nothing to send, never an empty body",
            Never,
        ),
        row(
            60004,
            "bad_account_or_signature",
            "wrong account or signature in the URL or the body",
            "check the identifier and usersig parameters: the identifier must be the app \
             administrator the UserSig was minted for",
            Never,
        ),
        row(
            60005,
            "bad_account_or_signature",
            "wrong account or signature in the URL or the body",
            "check the identifier and usersig parameters: the identifier must be the app \
             administrator the UserSig was minted for",
            Never,
        ),
        row(
            60006,
            "sdkappid_invalid",
            "the SDKAppID is invalid",
            "check the sdkappid parameter against the console",
            Never,
        ),
        row(
            60007,
            "rest_rate_limited",
            "the REST API call rate limit was exceeded",
            "retry with backoff, and lower the call rate",
            Backoff,
        ),
        row(
            60008,
            "service_timeout",
            "the service timed out, or the HTTP request was malformed",
            "retry with backoff; if it persists, check the request format",
            Backoff,
        ),
        row(
            60009,
            "resource_error",
            "request resource error",
            "check the service and command in the URL",
            Never,
        ),
        row(
            60010,
            "admin_required",
            "the request needs App administrator privileges",
            "call with an identifier that is an App administrator in the console",
            Never,
        ),
        row(
            60011,
            "sdkappid_rate_limited",
            "the SDKAppID's call rate limit was exceeded",
            "retry with backoff, and lower the call rate",
            Backoff,
        ),
        row(
            60012,
            "sdkappid_missing",
            "the SDKAppID is missing from the URL",
            "add the sdkappid parameter",
            Never,
        ),
        row(
            60013,
            "response_json_parse",
            "the server could not parse a JSON response internally",
            "retry with backoff",
            Backoff,
        ),
        row(
            60014,
            "account_replace_timeout",
            "account replacement timed out",
            "retry with backoff",
            Backoff,
        ),
        row(
            60015,
            "account_wrong_type",
            "an account in the body has the wrong type",
            "send accounts as JSON strings",
            Never,
        ),
        row(
            60016,
            "sdkappid_disabled",
            "the SDKAppID is disabled",
            "check the app's status in the console",
            Never,
        ),
        row(
            60017,
            "request_disabled",
            "the request is disabled",
            "check that the feature is enabled for the app in the console",
            Never,
        ),
        row(
            60018,
            "too_frequent",
            "requests are too frequent",
            "retry later with backoff",
            Backoff,
        ),
        row(
            60019,
            "too_frequent",
            "requests are too frequent",
            "retry later with backoff",
            Backoff,
        ),
        row(
            60020,
            "plan_expired",
            "the Professional Edition package has expired",
            "renew the package in the console",
            Never,
        ),
        row(
            60021,
            "source_ip_not_allowed",
            "the calling IP address is not allowed",
            "add this server's IP to the app's allowlist in the console",
            Never,
        ),
        row(
            70001,
            "usersig_expired",
            "the UserSig has expired",
            "mint a new admin UserSig and retry once; if it recurs, check this server's clock",
            RenewToken,
        ),
        row(
            70003,
            "usersig_invalid",
            "the UserSig is illegal or truncated",
            "mint a new one and retry once; check that nothing (URL handling, a log line, a \
             length limit) altered or cut it",
            RenewToken,
        ),
        row(
            70009,
            "usersig_bad_signature",
            "the UserSig's signature does not match (wrong key or SDKAppID)",
            "check that the key and the SDKAppID come from the same app in the console",
            Never,
        ),
        row(
            70013,
            "identifier_mismatch",
            "the UserID in the request differs from the UserSig's",
            "use the identifier the admin UserSig was minted for",
            Never,
        ),
        row(
            70014,
            "sdkappid_mismatch",
            "the SDKAppID in the request differs from the UserSig's",
            "use the SDKAppID the admin UserSig was minted for",
            Never,
        ),
        row(
            70016,
            "key_not_found",
            "the key does not exist",
            "check the region: the app may live in another region's domain",
            Never,
        ),
        row(
            70020,
            "sdkappid_not_found",
            "the SDKAppID does not exist",
            "check the SDKAppID and the region domain",
            Never,
        ),
        row(
            70050,
            "usersig_lockout",
            "too many UserSig failures",
            "wait 60 seconds before retrying, and fix what makes the UserSigs fail",
            After60s,
        ),
    ]
};

/// What `code` means and whether to retry, or `None` for a code outside FORMAT.md §8's table
/// (including 0, success).
///
/// ```
/// use usersig::rest::{describe, RetryClass};
/// let info = describe(70001).unwrap();
/// assert_eq!(info.retry, RetryClass::RenewToken);
/// assert!(info.meaning.contains("expired"));
/// assert!(describe(0).is_none());
/// assert!(describe(91000).is_none());
/// ```
pub fn describe(code: i64) -> Option<&'static CodeInfo> {
    CODES
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .and_then(|i| CODES.get(i))
}

/// A REST error code as a type: one variant per condition of FORMAT.md §8's table, and
/// [`Unknown`](RestCode::Unknown) for everything else.
///
/// ```
/// use usersig::rest::{RestCode, RetryClass};
/// assert_eq!(RestCode::from_code(70001), RestCode::UserSigExpired);
/// assert_eq!(RestCode::from_code(60019), RestCode::TooFrequent { code: 60019 });
/// assert_eq!(RestCode::from_code(60019).code(), 60019);
/// assert_eq!(RestCode::from_code(12345), RestCode::Unknown(12345));
/// assert_eq!(RestCode::Unknown(12345).retry(), RetryClass::Never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RestCode {
    /// 60002: HTTP parse error.
    HttpParse,
    /// 60003: the request body is not valid JSON.
    RequestJsonParse,
    /// 60004 or 60005: wrong account or signature in the URL or the body.
    BadAccountOrSignature {
        /// 60004 or 60005.
        code: i64,
    },
    /// 60006: the SDKAppID is invalid.
    SdkAppIdInvalid,
    /// 60007: REST call rate limit exceeded.
    RestRateLimited,
    /// 60008: the service timed out, or the request was malformed.
    ServiceTimeout,
    /// 60009: request resource error.
    ResourceError,
    /// 60010: needs App administrator privileges.
    AdminRequired,
    /// 60011: SDKAppID rate limit exceeded.
    SdkAppIdRateLimited,
    /// 60012: the SDKAppID is missing from the URL.
    SdkAppIdMissing,
    /// 60013: response JSON parse error.
    ResponseJsonParse,
    /// 60014: account replacement timed out.
    AccountReplaceTimeout,
    /// 60015: an account in the body has the wrong type.
    AccountWrongType,
    /// 60016: the SDKAppID is disabled.
    SdkAppIdDisabled,
    /// 60017: the request is disabled.
    RequestDisabled,
    /// 60018 or 60019: requests are too frequent.
    TooFrequent {
        /// 60018 or 60019.
        code: i64,
    },
    /// 60020: the Professional Edition package has expired.
    PlanExpired,
    /// 60021: the calling IP is not allowed.
    SourceIpNotAllowed,
    /// 70001: the UserSig expired.
    UserSigExpired,
    /// 70003: the UserSig is illegal or truncated.
    UserSigInvalid,
    /// 70009: the UserSig's signature does not match.
    UserSigBadSignature,
    /// 70013: the request's UserID differs from the UserSig's.
    IdentifierMismatch,
    /// 70014: the request's SDKAppID differs from the UserSig's.
    SdkAppIdMismatch,
    /// 70016: the key does not exist.
    KeyNotFound,
    /// 70020: the SDKAppID does not exist.
    SdkAppIdNotFound,
    /// 70050: too many UserSig failures; locked out for a minute.
    UserSigLockout,
    /// A code outside FORMAT.md §8's table (service-specific codes, new codes).
    Unknown(i64),
}

impl RestCode {
    /// The typed form of an `ErrorCode`.
    pub fn from_code(code: i64) -> RestCode {
        match code {
            60002 => RestCode::HttpParse,
            60003 => RestCode::RequestJsonParse,
            60004 | 60005 => RestCode::BadAccountOrSignature { code },
            60006 => RestCode::SdkAppIdInvalid,
            60007 => RestCode::RestRateLimited,
            60008 => RestCode::ServiceTimeout,
            60009 => RestCode::ResourceError,
            60010 => RestCode::AdminRequired,
            60011 => RestCode::SdkAppIdRateLimited,
            60012 => RestCode::SdkAppIdMissing,
            60013 => RestCode::ResponseJsonParse,
            60014 => RestCode::AccountReplaceTimeout,
            60015 => RestCode::AccountWrongType,
            60016 => RestCode::SdkAppIdDisabled,
            60017 => RestCode::RequestDisabled,
            60018 | 60019 => RestCode::TooFrequent { code },
            60020 => RestCode::PlanExpired,
            60021 => RestCode::SourceIpNotAllowed,
            70001 => RestCode::UserSigExpired,
            70003 => RestCode::UserSigInvalid,
            70009 => RestCode::UserSigBadSignature,
            70013 => RestCode::IdentifierMismatch,
            70014 => RestCode::SdkAppIdMismatch,
            70016 => RestCode::KeyNotFound,
            70020 => RestCode::SdkAppIdNotFound,
            70050 => RestCode::UserSigLockout,
            other => RestCode::Unknown(other),
        }
    }

    /// The numeric `ErrorCode`.
    ///
    /// ```
    /// use usersig::rest::{RestCode, CODES};
    /// assert!(CODES.iter().all(|i| RestCode::from_code(i.code).code() == i.code));
    /// ```
    pub fn code(self) -> i64 {
        match self {
            RestCode::HttpParse => 60002,
            RestCode::RequestJsonParse => 60003,
            RestCode::BadAccountOrSignature { code } | RestCode::TooFrequent { code } => code,
            RestCode::SdkAppIdInvalid => 60006,
            RestCode::RestRateLimited => 60007,
            RestCode::ServiceTimeout => 60008,
            RestCode::ResourceError => 60009,
            RestCode::AdminRequired => 60010,
            RestCode::SdkAppIdRateLimited => 60011,
            RestCode::SdkAppIdMissing => 60012,
            RestCode::ResponseJsonParse => 60013,
            RestCode::AccountReplaceTimeout => 60014,
            RestCode::AccountWrongType => 60015,
            RestCode::SdkAppIdDisabled => 60016,
            RestCode::RequestDisabled => 60017,
            RestCode::PlanExpired => 60020,
            RestCode::SourceIpNotAllowed => 60021,
            RestCode::UserSigExpired => 70001,
            RestCode::UserSigInvalid => 70003,
            RestCode::UserSigBadSignature => 70009,
            RestCode::IdentifierMismatch => 70013,
            RestCode::SdkAppIdMismatch => 70014,
            RestCode::KeyNotFound => 70016,
            RestCode::SdkAppIdNotFound => 70020,
            RestCode::UserSigLockout => 70050,
            RestCode::Unknown(code) => code,
        }
    }

    /// The table row for this code, `None` for [`Unknown`](RestCode::Unknown).
    ///
    /// ```
    /// use usersig::rest::RestCode;
    /// assert_eq!(RestCode::KeyNotFound.info().map(|i| i.name), Some("key_not_found"));
    /// ```
    pub fn info(self) -> Option<&'static CodeInfo> {
        describe(self.code())
    }

    /// Whether and how to retry. Unknown codes are not retried: retrying what we cannot
    /// classify risks repeating a request that had an effect.
    pub fn retry(self) -> RetryClass {
        self.info().map_or(RetryClass::Never, |info| info.retry)
    }
}

impl fmt::Display for RestCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Some(info) => write!(f, "{} ({}): {}", info.code, info.name, info.meaning),
            None => write!(f, "{} (not in the common code table)", self.code()),
        }
    }
}
