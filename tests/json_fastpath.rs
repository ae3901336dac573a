//! The one-pass JSON reader agrees with the serde_json reference path: whenever the full
//! parser (fast path first) accepts a document, the reference accepts it with the same fields,
//! and whenever either rejects, both reject (differential property tests).

mod vectors_support;

use proptest::prelude::*;
use usersig::Limits;
use usersig::internals::reference::parse_document as parse_document_reference;
use usersig::internals::{decode_to_json, parse_canonical, parse_document};

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

/// A document in our own compact layout (FORMAT.md §3), with values both valid and hostile.
fn canonical_document() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        3 => any::<u32>().prop_map(|n| n.to_string()),
        1 => value(),
    ];
    let fields = (
        prop_oneof![3 => Just("\"xiaojun\"".to_owned()), 1 => value()],
        number.clone(),
        number.clone(),
        number,
        prop::option::of(prop_oneof![3 => Just("\"YWJj\"".to_owned()), 1 => value()]),
        prop_oneof![
            3 => Just("\"gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=\"".to_owned()),
            1 => value(),
        ],
    );
    (fields, any::<Layout>(), any::<bool>()).prop_map(
        |((identifier, sdkappid, expire, time, userbuf, sig), layout, time_first)| {
            let userbuf = userbuf
                .map(|u| format!(",\"TLS.userbuf\":{u}"))
                .unwrap_or_default();
            let (expire, time) = (
                format!("\"TLS.expire\":{expire}"),
                format!("\"TLS.time\":{time}"),
            );
            // Ours, or the npm SDK's order (time before expire).
            let (first, second) = if time_first {
                (time, expire)
            } else {
                (expire, time)
            };
            layout.apply(&format!(
                "{{\"TLS.ver\":\"2.0\",\"TLS.identifier\":{identifier},\"TLS.sdkappid\":{sdkappid},\
                 {first},{second}{userbuf},\"TLS.sig\":{sig}}}"
            ))
        },
    )
}

/// The spacings and endings the canonical reader takes: ours (compact), the Python SDK's
/// (`", "` and `": "`), and either with the Go SDK's trailing newline.
#[derive(Debug, Clone, Copy)]
struct Layout {
    spaced: bool,
    newline: bool,
}

impl Arbitrary for Layout {
    type Parameters = ();
    type Strategy = BoxedStrategy<Layout>;
    fn arbitrary_with((): ()) -> Self::Strategy {
        (any::<bool>(), any::<bool>())
            .prop_map(|(spaced, newline)| Layout { spaced, newline })
            .boxed()
    }
}

impl Layout {
    const ALL: [Layout; 4] = [
        Layout {
            spaced: false,
            newline: false,
        },
        Layout {
            spaced: true,
            newline: false,
        },
        Layout {
            spaced: false,
            newline: true,
        },
        Layout {
            spaced: true,
            newline: true,
        },
    ];

    /// The separators between items, and between a key and its value.
    fn separators(self) -> (&'static str, &'static str) {
        if self.spaced {
            (", ", ": ")
        } else {
            (",", ":")
        }
    }

    /// `compact`, a compact document, in this layout: a space after every `,"TLS.` and `":`
    /// (which may also change a string that holds them: still a document to compare on).
    fn apply(self, compact: &str) -> String {
        let mut doc = if self.spaced {
            compact
                .replace(",\"TLS.", ", \"TLS.")
                .replace("\":", "\": ")
        } else {
            compact.to_owned()
        };
        if self.newline {
            doc.push('\n');
        }
        doc
    }
}

/// One byte of `doc` replaced, inserted or removed.
fn mutated(doc: &str, at: usize, byte: u8, how: u8) -> Vec<u8> {
    let mut bytes = doc.as_bytes().to_vec();
    let at = at % (bytes.len() + 1);
    match how % 3 {
        0 if at < bytes.len() => bytes[at] = byte,
        1 if at < bytes.len() => {
            bytes.remove(at);
        }
        _ => bytes.insert(at, byte),
    }
    bytes
}

/// Whatever the canonical reader accepts, the reference accepts with the same fields.
fn canonical_agrees(json: &[u8]) -> Result<(), TestCaseError> {
    if let Some(fields) = parse_canonical(json) {
        prop_assert_eq!(
            Ok(fields),
            parse_document_reference(json),
            "{}",
            String::from_utf8_lossy(json)
        );
    }
    let ours = parse_document(json);
    let reference = parse_document_reference(json);
    prop_assert_eq!(ours.as_ref().ok(), reference.as_ref().ok());
    prop_assert_eq!(ours.err(), reference.err());
    Ok(())
}

#[test]
fn the_official_sdks_documents_in_our_key_order_take_the_canonical_reader() {
    // The Go (compact, trailing newline), Python (spaced) and npm (compact, time before
    // expire) SDKs write the keys in our order or that one; all of their valid vectors without
    // escapes must be read by the canonical reader, with the reference's fields. The Java and
    // C++ layouts (other key orders) and the escaping ones must not.
    let mut taken = 0;
    for vector in &vectors_support::official() {
        let Some(token) = vector["token"].as_str() else {
            continue;
        };
        let Ok(json) = decode_to_json(token, &Limits::default()) else {
            continue;
        };
        let Ok(reference) = parse_document_reference(&json) else {
            continue;
        };
        let ordered = json.starts_with(br#"{"TLS.ver":"2.0","TLS.identifier":""#)
            || json.starts_with(br#"{"TLS.ver": "2.0", "TLS.identifier": ""#);
        let expected = ordered && !json.contains(&b'\\');
        let canonical = parse_canonical(&json);
        assert_eq!(canonical.is_some(), expected, "{}", vector["name"]);
        if let Some(fields) = canonical {
            assert_eq!(fields, reference, "{}", vector["name"]);
            taken += 1;
        }
    }
    assert!(
        taken >= 12,
        "only {taken} vectors took the canonical reader"
    );
}

#[test]
fn the_canonical_reader_agrees_after_every_one_byte_edit_of_real_documents() {
    // Exhaustive over positions, for the bytes that end or break a field, in documents with
    // and without a userbuf: every quote, digit and separator replaced, removed or doubled.
    let docs = [
        r#"{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1569910200,"TLS.sig":"gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="}"#,
        r#"{"TLS.ver":"2.0","TLS.identifier":"a","TLS.sdkappid":0,"TLS.expire":0,"TLS.time":10,"TLS.userbuf":"YWJj","TLS.sig":""}"#,
        r#"{"TLS.ver":"2.0","TLS.identifier":"b","TLS.sdkappid":7,"TLS.time":10,"TLS.expire":86400,"TLS.sig":"c2ln"}"#,
    ];
    let bytes = [
        b'"', b'\\', b' ', b',', b':', b'0', b'1', b'.', b'e', b'-', b'}', b'{', 0x00, 0x1f, 0x80,
    ];
    for doc in docs
        .iter()
        .flat_map(|doc| Layout::ALL.map(|layout| layout.apply(doc)))
    {
        assert!(parse_canonical(doc.as_bytes()).is_some(), "{doc}");
        for at in 0..=doc.len() {
            for &byte in &bytes {
                for how in 0..3 {
                    canonical_agrees(&mutated(&doc, at, byte, how)).unwrap();
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn the_canonical_reader_agrees_with_the_reference(doc in canonical_document()) {
        canonical_agrees(doc.as_bytes())?;
    }

    #[test]
    fn the_canonical_reader_agrees_after_any_one_byte_edit(
        doc in canonical_document(),
        at in any::<usize>(),
        byte in prop_oneof![
            Just(b'"'), Just(b'\\'), Just(b' '), Just(b','), Just(b'0'), Just(b'9'),
            Just(b'.'), Just(b'}'), Just(0x80u8), any::<u8>(),
        ],
        how in any::<u8>(),
    ) {
        canonical_agrees(&mutated(&doc, at, byte, how))?;
    }

    #[test]
    fn the_canonical_reader_takes_every_valid_document_in_its_layouts(
        identifier in "[^\"\\\\\\x00-\\x1f]{1,40}",
        sdkappid in any::<u64>(),
        time in any::<u32>(),
        expire in any::<u32>(),
        userbuf in prop::option::of("[A-Za-z0-9+/=]{0,80}"),
        layout in any::<Layout>(),
        time_first in any::<bool>(),
    ) {
        // Built with the layout's separators (not `apply`: the identifier may hold `":`).
        let (c, s) = layout.separators();
        let userbuf_field = userbuf
            .as_ref()
            .map(|u| format!("{c}\"TLS.userbuf\"{s}\"{u}\""))
            .unwrap_or_default();
        let (expire_field, time_field) =
            (format!("\"TLS.expire\"{s}{expire}"), format!("\"TLS.time\"{s}{time}"));
        let (first, second) = if time_first {
            (time_field, expire_field)
        } else {
            (expire_field, time_field)
        };
        let mut doc = format!(
            "{{\"TLS.ver\"{s}\"2.0\"{c}\"TLS.identifier\"{s}\"{identifier}\"{c}\"TLS.sdkappid\"{s}{sdkappid}\
             {c}{first}{c}{second}{userbuf_field}{c}\"TLS.sig\"{s}\"c2ln\"}}"
        );
        if layout.newline {
            doc.push('\n');
        }
        let fields = parse_canonical(doc.as_bytes()).expect("a document in our order");
        prop_assert_eq!(&fields.identifier, &identifier);
        prop_assert_eq!((fields.sdkappid, fields.time, fields.expire), (sdkappid, u64::from(time), u64::from(expire)));
        prop_assert_eq!(&fields.userbuf_b64, &userbuf);
        prop_assert_eq!(Ok(fields), parse_document_reference(doc.as_bytes()));
    }

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
