//! The REST error codes of FORMAT.md §8 (what each means, what to do, whether to retry),
//! written once, in the [`code_table!`] invocation below, from which [`CODES`], [`describe`]
//! and [`RestCode`] with its conversions are all made.

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

/// Makes everything that knows a code from one table: [`CODES`], [`RestCode`] (a variant per
/// condition, its doc made of the code and the meaning), [`RestCode::from_code`] and
/// [`RestCode::code`].
///
/// A row reads `codes => Variant: "name", retry class, "meaning", "action";`. A condition
/// Tencent documents under two codes (`60004 | 60005`) makes a variant that keeps which code
/// came (`Variant { code }`) and a [`CODES`] entry per code, alike but for the number.
macro_rules! code_table {
    // The value of `RestCode::code` for a row: its only code, or the one the variant keeps.
    (@code $only:literal) => { $only };
    (@code $first:literal, $field:ident) => { $field };
    (
        $(#[$enum_attr:meta])*
        pub enum RestCode {
            $(
                $first:literal $(| $more:literal)* => $variant:ident $({ $field:ident })?:
                    $name:literal, $retry:ident,
                    $meaning:literal,
                    $action:literal;
            )*
        }
    ) => {
        /// Every code of FORMAT.md §8's table, in numeric order.
        ///
        /// ```
        /// use usersig::rest::CODES;
        /// assert_eq!(CODES.len(), 28);
        /// assert!(CODES.windows(2).all(|w| w[0].code < w[1].code));
        /// ```
        pub const CODES: [CodeInfo; [$($first, $($more,)*)*].len()] = [$(
            CodeInfo {
                code: $first,
                name: $name,
                meaning: $meaning,
                action: $action,
                retry: RetryClass::$retry,
            },
            $(CodeInfo {
                code: $more,
                name: $name,
                meaning: $meaning,
                action: $action,
                retry: RetryClass::$retry,
            },)*
        )*];

        $(#[$enum_attr])*
        pub enum RestCode {
            $(
                #[doc = concat!($first, $(" or ", $more,)* ": ", $meaning, ".")]
                $variant $({
                    /// Which of the condition's codes came.
                    $field: i64,
                })?,
            )*
            /// A code outside FORMAT.md §8's table (service-specific codes, new codes).
            Unknown(i64),
        }

        impl RestCode {
            /// The typed form of an `ErrorCode`.
            ///
            /// ```
            /// use usersig::rest::RestCode;
            /// assert_eq!(RestCode::from_code(60007), RestCode::RestRateLimited);
            /// assert_eq!(RestCode::from_code(60005), RestCode::BadAccountOrSignature { code: 60005 });
            /// assert_eq!(RestCode::from_code(0), RestCode::Unknown(0));
            /// ```
            pub const fn from_code(code: i64) -> RestCode {
                match code {
                    $($first $(| $more)* => RestCode::$variant $({ $field: code })?,)*
                    other => RestCode::Unknown(other),
                }
            }

            /// The numeric `ErrorCode`.
            ///
            /// ```
            /// use usersig::rest::{RestCode, CODES};
            /// assert!(CODES.iter().all(|i| RestCode::from_code(i.code).code() == i.code));
            /// ```
            pub const fn code(self) -> i64 {
                match self {
                    $(RestCode::$variant $({ $field })? => code_table!(@code $first $(, $field)?),)*
                    RestCode::Unknown(code) => code,
                }
            }
        }
    };
}

code_table! {
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
        60002 => HttpParse: "http_parse", Never,
            "HTTP parse error",
            "check the request URL's format";
        60003 => RequestJsonParse: "request_json_parse", Never,
            "the request body is not valid JSON",
            "fix the body; send {} when there is nothing to send, never an empty body";
        60004 | 60005 => BadAccountOrSignature { code }: "bad_account_or_signature", Never,
            "wrong account or signature in the URL or the body",
            "check the identifier and usersig parameters: the identifier must be the app \
             administrator the UserSig was minted for";
        60006 => SdkAppIdInvalid: "sdkappid_invalid", Never,
            "the SDKAppID is invalid",
            "check the sdkappid parameter against the console";
        60007 => RestRateLimited: "rest_rate_limited", Backoff,
            "the REST API call rate limit was exceeded",
            "retry with backoff, and lower the call rate";
        60008 => ServiceTimeout: "service_timeout", Backoff,
            "the service timed out, or the HTTP request was malformed",
            "retry with backoff; if it persists, check the request format";
        60009 => ResourceError: "resource_error", Never,
            "request resource error",
            "check the service and command in the URL";
        60010 => AdminRequired: "admin_required", Never,
            "the request needs App administrator privileges",
            "call with an identifier that is an App administrator in the console";
        60011 => SdkAppIdRateLimited: "sdkappid_rate_limited", Backoff,
            "the SDKAppID's call rate limit was exceeded",
            "retry with backoff, and lower the call rate";
        60012 => SdkAppIdMissing: "sdkappid_missing", Never,
            "the SDKAppID is missing from the URL",
            "add the sdkappid parameter";
        60013 => ResponseJsonParse: "response_json_parse", Backoff,
            "the server could not parse a JSON response internally",
            "retry with backoff";
        60014 => AccountReplaceTimeout: "account_replace_timeout", Backoff,
            "account replacement timed out",
            "retry with backoff";
        60015 => AccountWrongType: "account_wrong_type", Never,
            "an account in the body has the wrong type",
            "send accounts as JSON strings";
        60016 => SdkAppIdDisabled: "sdkappid_disabled", Never,
            "the SDKAppID is disabled",
            "check the app's status in the console";
        60017 => RequestDisabled: "request_disabled", Never,
            "the request is disabled",
            "check that the feature is enabled for the app in the console";
        60018 | 60019 => TooFrequent { code }: "too_frequent", Backoff,
            "requests are too frequent",
            "retry later with backoff";
        60020 => PlanExpired: "plan_expired", Never,
            "the Professional Edition package has expired",
            "renew the package in the console";
        60021 => SourceIpNotAllowed: "source_ip_not_allowed", Never,
            "the calling IP address is not allowed",
            "add this server's IP to the app's allowlist in the console";
        70001 => UserSigExpired: "usersig_expired", RenewToken,
            "the UserSig has expired",
            "mint a new admin UserSig and retry once; if it recurs, check this server's clock";
        70003 => UserSigInvalid: "usersig_invalid", RenewToken,
            "the UserSig is illegal or truncated",
            "mint a new one and retry once; check that nothing (URL handling, a log line, a \
             length limit) altered or cut it";
        70009 => UserSigBadSignature: "usersig_bad_signature", Never,
            "the UserSig's signature does not match (wrong key or SDKAppID)",
            "check that the key and the SDKAppID come from the same app in the console";
        70013 => IdentifierMismatch: "identifier_mismatch", Never,
            "the UserID in the request differs from the UserSig's",
            "use the identifier the admin UserSig was minted for";
        70014 => SdkAppIdMismatch: "sdkappid_mismatch", Never,
            "the SDKAppID in the request differs from the UserSig's",
            "use the SDKAppID the admin UserSig was minted for";
        70016 => KeyNotFound: "key_not_found", Never,
            "the key does not exist",
            "check the region: the app may live in another region's domain";
        70020 => SdkAppIdNotFound: "sdkappid_not_found", Never,
            "the SDKAppID does not exist",
            "check the SDKAppID and the region domain";
        70050 => UserSigLockout: "usersig_lockout", After60s,
            "too many UserSig failures",
            "wait 60 seconds before retrying, and fix what makes the UserSigs fail";
    }
}

// `describe` searches the table by halves: it must be in strictly increasing order, which
// also means no code is in it twice. `ErrorKind::server_code` hands codes out as `u32`: each
// must fit. Checked when the crate compiles.
const _: () = {
    let mut rows: &[CodeInfo] = &CODES;
    while let [row, rest @ ..] = rows {
        assert!(
            row.code > 0 && row.code <= u32::MAX as i64,
            "a code must fit in u32"
        );
        if let [next, ..] = rest {
            assert!(
                row.code < next.code,
                "CODES must be in strictly increasing order"
            );
        }
        rows = rest;
    }
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

impl RestCode {
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
    ///
    /// ```
    /// use usersig::rest::{RestCode, RetryClass};
    /// assert_eq!(RestCode::UserSigLockout.retry(), RetryClass::After60s);
    /// assert_eq!(RestCode::Unknown(91000).retry(), RetryClass::Never);
    /// ```
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code a row of the table names, and one either side of it.
    fn codes_and_neighbours() -> impl Iterator<Item = i64> {
        CODES.iter().flat_map(|i| [i.code - 1, i.code, i.code + 1])
    }

    #[test]
    fn every_code_has_a_name_a_meaning_and_an_action() {
        for info in CODES {
            assert!(!info.name.is_empty(), "{}", info.code);
            assert!(!info.meaning.is_empty(), "{}", info.code);
            assert!(!info.action.is_empty(), "{}", info.code);
        }
    }

    #[test]
    fn names_are_snake_case_and_texts_hold_no_nul_or_line_break() {
        for info in CODES {
            assert!(
                info.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}",
                info.name
            );
            for text in [info.name, info.meaning, info.action] {
                assert!(!text.contains(['\0', '\n']), "{}: {text:?}", info.code);
            }
        }
    }

    #[test]
    fn no_code_appears_twice_and_the_table_is_in_numeric_order() {
        assert!(CODES.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn a_name_is_shared_only_by_the_codes_of_one_condition() {
        for a in CODES {
            for b in CODES {
                if a.name == b.name {
                    assert_eq!(
                        std::mem::discriminant(&RestCode::from_code(a.code)),
                        std::mem::discriminant(&RestCode::from_code(b.code)),
                        "{} and {} share {:?}",
                        a.code,
                        b.code,
                        a.name
                    );
                    assert_eq!(
                        (a.meaning, a.action, a.retry),
                        (b.meaning, b.action, b.retry)
                    );
                }
            }
        }
    }

    #[test]
    fn describe_finds_every_row_and_nothing_between_them() {
        for code in codes_and_neighbours() {
            let row = CODES.iter().find(|i| i.code == code);
            assert_eq!(describe(code), row, "{code}");
        }
        for code in [0, -1, i64::MIN, i64::MAX, 60000, 70000, 99999] {
            assert_eq!(describe(code), None, "{code}");
        }
    }

    #[test]
    fn from_code_and_code_give_back_the_number_for_any_code() {
        for code in codes_and_neighbours().chain([0, -1, i64::MIN, i64::MAX]) {
            assert_eq!(RestCode::from_code(code).code(), code);
        }
    }

    #[test]
    fn a_code_is_typed_exactly_when_the_table_has_it() {
        for code in codes_and_neighbours() {
            let typed = RestCode::from_code(code);
            assert_eq!(
                matches!(typed, RestCode::Unknown(_)),
                describe(code).is_none(),
                "{code}"
            );
        }
    }

    #[test]
    fn every_lookup_agrees_with_the_row() {
        for info in &CODES {
            let typed = RestCode::from_code(info.code);
            assert_eq!(typed.info(), Some(info));
            assert_eq!(typed.retry(), info.retry);
            assert_eq!(
                typed.to_string(),
                format!("{} ({}): {}", info.code, info.name, info.meaning)
            );
        }
    }

    #[test]
    fn an_unknown_code_is_never_retried_and_says_it_is_not_in_the_table() {
        let unknown = RestCode::from_code(91000);
        assert_eq!(unknown, RestCode::Unknown(91000));
        assert_eq!(unknown.info(), None);
        assert_eq!(unknown.retry(), RetryClass::Never);
        assert_eq!(unknown.to_string(), "91000 (not in the common code table)");
    }

    #[test]
    fn conditions_with_two_codes_keep_the_one_that_came() {
        for code in [60004, 60005] {
            assert_eq!(
                RestCode::from_code(code),
                RestCode::BadAccountOrSignature { code }
            );
        }
        for code in [60018, 60019] {
            assert_eq!(RestCode::from_code(code), RestCode::TooFrequent { code });
        }
    }

    #[test]
    fn every_retry_class_is_some_code_s_advice() {
        for class in RetryClass::ALL {
            assert!(CODES.iter().any(|i| i.retry == class), "{class}");
        }
    }
}
