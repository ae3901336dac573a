//! The response envelope and the error codes of FORMAT.md §8.

use usersig::rest::{ActionStatus, CODES, Envelope, EnvelopeError, RestCode, RetryClass, describe};

/// FORMAT.md §8's table: code and retry advice.
const SPEC_TABLE: &[(i64, RetryClass)] = &[
    (60002, RetryClass::Never),
    (60003, RetryClass::Never),
    (60004, RetryClass::Never),
    (60005, RetryClass::Never),
    (60006, RetryClass::Never),
    (60007, RetryClass::Backoff),
    (60008, RetryClass::Backoff),
    (60009, RetryClass::Never),
    (60010, RetryClass::Never),
    (60011, RetryClass::Backoff),
    (60012, RetryClass::Never),
    (60013, RetryClass::Backoff),
    (60014, RetryClass::Backoff),
    (60015, RetryClass::Never),
    (60016, RetryClass::Never),
    (60017, RetryClass::Never),
    (60018, RetryClass::Backoff),
    (60019, RetryClass::Backoff),
    (60020, RetryClass::Never),
    (60021, RetryClass::Never),
    (70001, RetryClass::RenewToken),
    (70003, RetryClass::RenewToken),
    (70009, RetryClass::Never),
    (70013, RetryClass::Never),
    (70014, RetryClass::Never),
    (70016, RetryClass::Never),
    (70020, RetryClass::Never),
    (70050, RetryClass::After60s),
];

#[test]
fn every_spec_code_has_a_typed_variant_a_meaning_and_its_retry_advice() {
    assert_eq!(CODES.len(), SPEC_TABLE.len());
    for &(code, retry) in SPEC_TABLE {
        let info = describe(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(info.code, code);
        assert_eq!(info.retry, retry, "{code}");
        assert!(!info.meaning.is_empty() && !info.action.is_empty());
        assert!(
            info.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
        );
        let typed = RestCode::from_code(code);
        assert!(!matches!(typed, RestCode::Unknown(_)), "{code}");
        assert_eq!(typed.code(), code);
        assert_eq!(typed.retry(), retry);
    }
}

#[test]
fn codes_outside_the_table_are_unknown_and_not_retried() {
    for code in [0, -1, 1, 60001, 60022, 70000, 90001, i64::MAX, i64::MIN] {
        assert!(describe(code).is_none());
        assert_eq!(RestCode::from_code(code), RestCode::Unknown(code));
        assert_eq!(RestCode::from_code(code).retry(), RetryClass::Never);
    }
}

#[test]
fn the_verifier_kinds_map_to_codes_the_table_explains() {
    for kind in usersig::ErrorKind::ALL {
        if let Some(code) = kind.server_code() {
            assert!(describe(i64::from(code)).is_some(), "{kind}");
        }
    }
}

#[test]
fn retry_class_integers_and_names_are_stable() {
    let names: Vec<_> = RetryClass::ALL
        .iter()
        .map(|c| (*c as u8, c.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (0, "never"),
            (1, "backoff"),
            (2, "after_60s"),
            (3, "renew_token")
        ]
    );
}

#[test]
fn a_success_envelope_keeps_the_rest_of_the_body() {
    let env = Envelope::parse(
        r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-1",
            "MsgTime":1700000000,"MsgKey":"k"}"#,
    )
    .unwrap();
    assert!(env.is_ok());
    assert_eq!(env.rest.len(), 2);
    assert_eq!(env.rest["MsgTime"], 1700000000);
    assert!(env.clone().into_result().is_ok());
    let round = Envelope::parse(&env.to_json().to_string()).unwrap();
    assert_eq!(round, env);
}

#[test]
fn a_failure_envelope_becomes_a_typed_error() {
    let err = Envelope::parse(
        r#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"sig expired","RequestId":"Id-2"}"#,
    )
    .unwrap()
    .into_result()
    .unwrap_err();
    assert_eq!(err.code(), RestCode::UserSigExpired);
    assert_eq!(err.retry(), RetryClass::RenewToken);
    let text = err.to_string();
    assert!(
        text.contains("70001") && text.contains("sig expired") && text.contains("Id-2"),
        "{text}"
    );
}

#[test]
fn lenient_where_it_costs_nothing() {
    let env = Envelope::parse(r#"{"ActionStatus":"OK"}"#).unwrap();
    assert_eq!(
        (env.error_code, env.error_info.as_str(), env.request_id),
        (0, "", None)
    );
    let env = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":"60007"}"#).unwrap();
    assert_eq!(env.code(), RestCode::RestRateLimited);
    // OK with a non-zero code, or an unheard-of status, is not success.
    assert!(
        !Envelope::parse(r#"{"ActionStatus":"OK","ErrorCode":60007}"#)
            .unwrap()
            .is_ok()
    );
    let odd = Envelope::parse(r#"{"ActionStatus":"MAYBE","ErrorCode":0}"#).unwrap();
    assert_eq!(odd.action_status, ActionStatus::Other("MAYBE".into()));
    assert!(!odd.is_ok());
}

#[test]
fn strict_where_guessing_would_mislead() {
    for (body, field) in [
        (r#"{}"#, "ActionStatus"),
        (r#"{"ActionStatus":1}"#, "ActionStatus"),
        (r#"{"ActionStatus":"FAIL"}"#, "ErrorCode"),
        (r#"{"ActionStatus":"FAIL","ErrorCode":1.5}"#, "ErrorCode"),
        (r#"{"ActionStatus":"FAIL","ErrorCode":"x"}"#, "ErrorCode"),
        (r#"{"ActionStatus":"OK","ErrorInfo":3}"#, "ErrorInfo"),
        (r#"{"ActionStatus":"OK","RequestId":[]}"#, "RequestId"),
    ] {
        match Envelope::parse(body) {
            Err(EnvelopeError::Field { field: f, .. }) => assert_eq!(f, field, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    for body in ["", "null", "[]", "<html>502</html>", "{\"ActionStatus\":"] {
        assert!(
            matches!(Envelope::parse(body), Err(EnvelopeError::NotJson(_))),
            "{body}"
        );
    }
}
