//! The one-pass JSON reader agrees with the serde_json reference path: whenever the full
//! parser (fast path first) accepts a document, the reference accepts it with the same fields,
//! and whenever either rejects, both reject (differential property tests).

use proptest::prelude::*;
use usersig::__fuzz::{parse_document, parse_document_reference};

/// A JSON value text for a field, in forms both valid and hostile.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (0u64..10).prop_map(|n| n.to_string()),
        Just("\"2.0\"".to_owned()),
        Just("\"xiaojun\"".to_owned()),
        "[a-zA-Z0-9+/=]{0,12}".prop_map(|s| format!("\"{s}\"")),
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("\"\\u00e9\\/\"".to_owned()),
        Just("\"a\\u0000b\"".to_owned()),
        Just("\"\u{7}\"".to_owned()),
        Just("01".to_owned()),
        Just("1.0".to_owned()),
        Just("1e3".to_owned()),
        Just("-1".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[1,2]".to_owned()),
        Just("{\"a\":1}".to_owned()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.expire", "TLS.time", "TLS.userbuf", "TLS.sig",
        ]).prop_map(|k| format!("\"{k}\"")),
        1 => Just("\"TLS.sdk_appid\"".to_owned()),
        1 => Just("\"TLS.v\\u0065r\"".to_owned()),
        1 => "[a-z.]{0,6}".prop_map(|k| format!("\"{k}\"")),
    ]
}

fn ws() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "", "", " ", "\n", "\t", "\r\n ", "\u{a0}"])
        .prop_map(str::to_owned)
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((ws(), key(), ws(), value(), ws()), 0..10),
        ws(),
        ws(),
    )
        .prop_map(|(entries, lead, trail)| {
            let body: Vec<String> = entries
                .into_iter()
                .map(|(a, k, b, v, c)| format!("{a}{k}{b}:{c}{v}"))
                .collect();
            format!("{lead}{{{}}}{trail}", body.join(","))
        })
}

/// A valid document in a random key order with random spacing: the common case.
fn valid_document() -> impl Strategy<Value = String> {
    (
        Just(()).prop_perturb(|_, mut rng| {
            use proptest::prelude::RngCore;
            let mut fields = vec![
                "\"TLS.ver\":\"2.0\"".to_owned(),
                "\"TLS.identifier\":\"xiaojun\"".to_owned(),
                format!("\"TLS.sdkappid\":{}", rng.next_u32()),
                format!("\"TLS.expire\":{}", rng.next_u32()),
                format!("\"TLS.time\":{}", rng.next_u32()),
                "\"TLS.sig\":\"gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=\"".to_owned(),
            ];
            if rng.next_u32() % 2 == 0 {
                fields.push("\"TLS.userbuf\":\"YWJj\"".to_owned());
            }
            for i in (1..fields.len()).rev() {
                let j = (rng.next_u32() as usize) % (i + 1);
                fields.swap(i, j);
            }
            fields
        }),
        prop::sample::select(vec!["", " ", "\n", "\t", "\r\n "]),
    )
        .prop_map(|(fields, sep)| format!("{{{}}}{sep}", fields.join(&format!(",{sep}"))))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn the_parser_agrees_with_the_reference_on_arbitrary_documents(doc in document()) {
        let ours = parse_document(doc.as_bytes());
        let reference = parse_document_reference(doc.as_bytes());
        prop_assert_eq!(ours.as_ref().ok(), reference.as_ref().ok(), "{}", doc);
        prop_assert_eq!(ours.err(), reference.err(), "{}", doc);
    }

    #[test]
    fn the_parser_agrees_on_valid_documents_in_any_order(doc in valid_document()) {
        let ours = parse_document(doc.as_bytes()).unwrap();
        prop_assert_eq!(Ok(ours), parse_document_reference(doc.as_bytes()));
    }

    #[test]
    fn the_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_document(&bytes);
    }
}
