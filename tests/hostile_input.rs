//! Hostile tokens: every one fails cleanly, with the error kind and layer a caller can act on
//! (FORMAT.md §5.1-5.2), and no edit of a valid token verifies to other claims.
//!
//! Tokens are built here by hand (flate2, base64, and an HMAC where a case needs a correct
//! signature to reach a later check), never by the library under test.

mod deflate_support;

use base64::Engine as _;
use deflate_support::BitWriter;
use flate2::write::ZlibEncoder;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::io::Write as _;
use usersig::{
    Claims, Compression, DEMO_KEY, DEMO_SDKAPPID, ErrorKind, Layer, Limits, Mint, Privileges, Room,
    Signer, Verifier, VerifyError,
};

const NOW: u64 = 1_569_910_200;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn verifier() -> Verifier {
    Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap()
}

/// FORMAT.md §4.2 applied to arbitrary bytes.
fn outer(bytes: &[u8]) -> String {
    B64.encode(bytes)
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// A token around this JSON, compressed at level 9 (the smallest tokens).
fn token_of(json: &[u8]) -> String {
    outer(&zlib(json, 9))
}

/// The FORMAT.md §2 signature of these fields under the demo key.
fn sig(identifier: &str, sdkappid: u64, time: u64, expire: u64, userbuf: Option<&str>) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(DEMO_KEY.as_bytes()).unwrap();
    let mut content = format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    );
    if let Some(u) = userbuf {
        content.push_str(&format!("TLS.userbuf:{u}\n"));
    }
    mac.update(content.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// A correctly signed document for `xiaojun` with `extra` JSON members spliced in first.
fn signed_json_with(extra: &str) -> String {
    let s = sig("xiaojun", DEMO_SDKAPPID, NOW, 86_400, None);
    format!(
        r#"{{{extra}"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":{DEMO_SDKAPPID},"TLS.expire":86400,"TLS.time":{NOW},"TLS.sig":"{s}"}}"#
    )
}

fn verify(token: &str) -> Result<Claims, VerifyError> {
    verifier().verify_at(token, "xiaojun", NOW)
}

/// Asserts `token` fails as malformed at `layer`, and returns the message.
#[track_caller]
fn assert_malformed(token: &str, layer: Layer) -> String {
    match verify(token) {
        Err(VerifyError::Malformed(m)) => {
            assert_eq!(m.layer, layer, "wrong layer: {m}");
            m.to_string()
        }
        other => panic!("expected malformed at {layer:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_json_malformed(json: &[u8], layer: Layer) -> String {
    assert_malformed(&token_of(json), layer)
}

// ---------------------------------------------------------------------------------------------
// Decompression bombs (FORMAT.md §5.1).
// ---------------------------------------------------------------------------------------------

/// A zlib stream inflating to `n` zero bytes, written by hand with fixed Huffman codes: one
/// literal 0, then (length 258, distance 1) pairs, and a tail of literals. 13 bits per 258
/// bytes, so 100 MB costs 630 KiB, without spending seconds compressing in a debug build.
fn zero_bomb(n: usize) -> Vec<u8> {
    let mut bits = BitWriter::default();
    bits.out.extend_from_slice(&[0x78, 0xda]);
    bits.bits(1, 1); // BFINAL
    bits.bits(1, 2); // BTYPE = fixed Huffman
    let literal_zero = |b: &mut BitWriter| b.code(0b0011_0000, 8); // literal 0: codes 0x30.. (8 bits)
    let mut left = n;
    if left > 0 {
        literal_zero(&mut bits);
        left -= 1;
    }
    while left >= 258 {
        bits.code(0b1100_0101, 8); // length code 285 = 258 bytes
        bits.code(0, 5); // distance code 0 = distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal_zero(&mut bits);
    }
    bits.code(0, 7); // end of block (256)
    bits.align();
    let mut out = bits.out;
    // Adler-32 of n zeros: a = 1, b = n.
    let adler = ((n % 65_521) as u32) << 16 | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

#[test]
fn the_hand_written_bomb_is_a_valid_zlib_stream() {
    for n in [0, 1, 258, 1_000, 70_001] {
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&zero_bomb(n)[..]).read_to_end_checked(&mut inflated);
        assert_eq!(inflated, vec![0u8; n], "n = {n}");
    }
}

trait ReadChecked {
    fn read_to_end_checked(self, out: &mut Vec<u8>);
}
impl<R: std::io::Read> ReadChecked for R {
    fn read_to_end_checked(mut self, out: &mut Vec<u8>) {
        self.read_to_end(out).unwrap();
    }
}

#[test]
fn a_100_mb_bomb_is_refused_by_size_before_inflating() {
    let bomb = zero_bomb(100_000_000);
    let token = outer(&bomb);
    assert!(token.len() > 800_000);
    let msg = assert_malformed(&token, Layer::Size);
    assert!(msg.contains("over the limit of 16384"), "{msg}");
}

#[test]
fn a_7_mb_bomb_stops_at_the_inflate_limit_when_the_token_limit_is_raised() {
    // The token limit at its ceiling (64 KiB) holds a bomb of about 7 MB.
    let token = outer(&zero_bomb(7_000_000));
    assert!(token.len() <= 64 * 1024, "{}", token.len());
    let roomy = verifier()
        .limits(Limits {
            max_token_bytes: 64 * 1024,
            ..Limits::default()
        })
        .unwrap();
    match roomy.verify_at(&token, "xiaojun", NOW) {
        Err(VerifyError::Malformed(m)) => {
            assert_eq!(m.layer, Layer::Size);
            assert!(m.reason.contains("inflates to more than 65536"), "{m}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bomb_under_the_token_limit_stops_at_the_inflate_limit() {
    // Level 9 of zeros is about 1000:1: 8 MiB of JSON-looking zeros fits a 16 KiB token.
    let mut json = br#"{"TLS.ver":"2.0","x":""#.to_vec();
    json.resize(8 << 20, b'0');
    let token = token_of(&json);
    assert!(token.len() < 16 * 1024, "{}", token.len());
    let msg = assert_malformed(&token, Layer::Size);
    assert!(msg.contains("inflates to more than 65536"), "{msg}");
}

#[test]
fn a_document_of_exactly_the_inflate_limit_is_decoded_and_one_byte_more_is_not() {
    let base = signed_json_with(r#""pad":"","#);
    let fill = 64 * 1024 - base.len();
    let json = signed_json_with(&format!(r#""pad":"{}","#, " ".repeat(fill)));
    assert_eq!(json.len(), 64 * 1024);
    assert!(verify(&token_of(json.as_bytes())).is_ok());
    let json = signed_json_with(&format!(r#""pad":"{}","#, " ".repeat(fill + 1)));
    assert_malformed(&token_of(json.as_bytes()), Layer::Size);
}

// ---------------------------------------------------------------------------------------------
// JSON structure and types (FORMAT.md §5.2).
// ---------------------------------------------------------------------------------------------

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let depth = 10_000;
        let nested = format!("{}1{}", open.repeat(depth), close.repeat(depth));
        // As an unknown member, as the value of a known field, and as the whole document.
        for json in [
            signed_json_with(&format!(r#""x":{nested},"#)),
            format!(r#"{{"TLS.ver":"2.0","TLS.identifier":{nested}}}"#),
            nested.clone(),
        ] {
            let msg = assert_json_malformed(json.as_bytes(), Layer::Json);
            assert!(msg.len() < 300, "{msg}");
        }
    }
}

#[test]
fn integers_out_of_range_floats_negatives_strings_booleans_and_null_are_refused() {
    for field in ["TLS.sdkappid", "TLS.expire", "TLS.time"] {
        for bad in [
            "18446744073709551616",
            "99999999999999999999999999999",
            "86400.0",
            "8.64e4",
            "1e2",
            "-1",
            "-0",
            "\"86400\"",
            "null",
            "true",
            "[]",
            "{}",
        ] {
            let json = signed_json_with("").replace(
                &format!(r#""{field}":"#),
                &format!(r#""{field}":{bad},"ignored":"#),
            );
            match verify(&token_of(json.as_bytes())) {
                Err(VerifyError::Malformed(m)) => {
                    assert_eq!(
                        (m.layer, m.field),
                        (Layer::Field, Some(field)),
                        "{bad}: {m}"
                    )
                }
                other => panic!("{field} = {bad}: {other:?}"),
            }
        }
        // Beyond f64's range serde_json refuses the number itself.
        let json = signed_json_with("").replace(
            &format!(r#""{field}":"#),
            &format!(r#""{field}":1e400,"ignored":"#),
        );
        assert_json_malformed(json.as_bytes(), Layer::Json);
    }
}

#[test]
fn strings_of_the_wrong_type_are_refused() {
    for field in ["TLS.identifier", "TLS.sig", "TLS.userbuf"] {
        for bad in ["1", "null", "[\"a\"]", "{}", "false"] {
            let json = signed_json_with(&format!(r#""{field}":{bad},"#));
            let json = if field == "TLS.userbuf" {
                json
            } else {
                // Remove the real one so the hostile one is the only one.
                json.replacen(&format!(r#""{field}":"#), r#""dropped":"#, 2)
                    .replacen(r#""dropped":"#, &format!(r#""{field}":"#), 1)
            };
            match verify(&token_of(json.as_bytes())) {
                Err(VerifyError::Malformed(m)) => {
                    assert_eq!(
                        (m.layer, m.field),
                        (Layer::Field, Some(field)),
                        "{bad}: {m}"
                    )
                }
                other => panic!("{field} = {bad}: {other:?}"),
            }
        }
    }
}

#[test]
fn duplicate_keys_are_refused_known_or_unknown_equal_or_not() {
    let s = sig("xiaojun", DEMO_SDKAPPID, NOW, 86_400, None);
    for extra in [
        r#""TLS.identifier":"mallory","#,
        r#""TLS.identifier":"xiaojun","#,
        r#""TLS.time":1,"#,
        r#""TLS.ver":"2.0","#,
        &format!(r#""TLS.sig":"{s}","#),
        r#""x":1,"x":1,"#,
        r#""TLS.userbuf":"","TLS.userbuf":"","#,
    ] {
        let msg = assert_json_malformed(signed_json_with(extra).as_bytes(), Layer::Json);
        assert!(msg.contains("duplicate key"), "{msg}");
    }
}

#[test]
fn a_missing_field_is_named() {
    for field in [
        "TLS.identifier",
        "TLS.sdkappid",
        "TLS.expire",
        "TLS.time",
        "TLS.sig",
    ] {
        let json = signed_json_with("").replace(&format!(r#""{field}":"#), r#""gone":"#);
        match verify(&token_of(json.as_bytes())) {
            Err(VerifyError::Malformed(m)) => {
                assert_eq!(m.field, Some(field));
                assert!(m.reason.contains("missing"), "{m}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn non_objects_and_trailing_garbage_are_refused() {
    for json in [
        "[]",
        "\"TLS.ver\"",
        "2.0",
        "null",
        "",
        " ",
        "{",
        "{}{}",
        &format!("{} x", signed_json_with("")),
    ] {
        assert_json_malformed(json.as_bytes(), Layer::Json);
    }
    // Trailing whitespace after the object is accepted (FORMAT.md §3): Go writes a newline.
    assert!(
        verify(&token_of(
            format!("{} \n\t\r\n", signed_json_with("")).as_bytes()
        ))
        .is_ok()
    );
}

// ---------------------------------------------------------------------------------------------
// NUL, invalid UTF-8, surrogates, long identifiers.
// ---------------------------------------------------------------------------------------------

#[test]
fn raw_control_bytes_and_invalid_utf8_in_strings_are_refused_wherever_they_are() {
    let raw: [&[u8]; 5] = [b"\x00", b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"a\xe4\xb8"];
    for bad in raw {
        for (before, after) in [
            (
                &br#"{"TLS.ver":"2.0","TLS.identifier":"xiao"#[..],
                &br#"jun"}"#[..],
            ),
            (br#"{"TLS.ver":"2.0","x":""#, br#""}"#),
            (br#"{"TLS.ver":"2.0",""#, br#"":1}"#),
        ] {
            let json = [before, bad, after].concat();
            assert_json_malformed(&json, Layer::Json);
        }
    }
}

#[test]
fn lone_surrogate_escapes_are_refused_also_under_unknown_keys() {
    // Regression: values of unknown keys were skipped unchecked, so these verified while
    // `inspect` (which parses them) refused the token.
    for bad in [
        r"\ud800",
        r"\udc00",
        r"\ud800x",
        r"\ud800\u0041",
        r"\udfff\ud800",
    ] {
        for json in [
            signed_json_with(&format!(r#""x":"{bad}","#)),
            signed_json_with(&format!(r#""x":["{bad}"],"#)),
            signed_json_with(&format!(r#""{bad}":1,"#)),
            signed_json_with("").replace("\"xiaojun\"", &format!("\"xiao{bad}\"")),
        ] {
            assert_json_malformed(json.as_bytes(), Layer::Json);
        }
    }
    for json in [
        signed_json_with(r#""x":1e400,"#),
        signed_json_with(r#""x":{"y":[-1e999]},"#),
    ] {
        assert_json_malformed(json.as_bytes(), Layer::Json);
    }
    // A surrogate pair is a valid escape (FORMAT.md §3).
    assert!(
        verify(&token_of(
            signed_json_with(r#""x":"\ud83d\ude00","#).as_bytes()
        ))
        .is_ok()
    );
}

#[test]
fn an_escaped_nul_in_the_identifier_is_compared_byte_for_byte() {
    // `\u0000` is valid JSON; the identifier then holds a NUL and matches nobody who did not
    // ask for exactly that. (Minting such an identifier is refused, FORMAT.md §7.)
    let json = signed_json_with("").replace("\"xiaojun\"", r#""xiao\u0000jun""#);
    let err = verify(&token_of(json.as_bytes())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IdentifierMismatch);
    assert!(err.to_string().contains(r"\0"), "{err}");
    let err = verifier()
        .verify_at(&token_of(json.as_bytes()), "xiao\0jun", NOW)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadSignature);
}

#[test]
fn overlong_identifiers_fail_with_short_messages() {
    // 60 000 bytes: decodes, then fails the identifier check with a message cut to 64 chars.
    let long = "x".repeat(60_000);
    let json = signed_json_with("").replace("\"xiaojun\"", &format!("\"{long}\""));
    let err = verify(&token_of(json.as_bytes())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IdentifierMismatch);
    assert!(err.to_string().len() < 200, "{}", err.to_string().len());
    // Longer than the inflate limit: a size error.
    let json = signed_json_with("").replace("\"xiaojun\"", &format!("\"{}\"", "x".repeat(70_000)));
    assert_json_malformed(json.as_bytes(), Layer::Size);
    // Over the token limit before decoding at all.
    assert_malformed(&"A".repeat(16 * 1024 + 4), Layer::Size);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic and versions.
// ---------------------------------------------------------------------------------------------

#[test]
fn time_plus_expire_overflow_is_malformed_even_when_signed() {
    for (time, expire) in [(u64::MAX, 1), (1, u64::MAX), (u64::MAX, u64::MAX)] {
        let s = sig("xiaojun", DEMO_SDKAPPID, time, expire, None);
        let json = format!(
            r#"{{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":{DEMO_SDKAPPID},"TLS.expire":{expire},"TLS.time":{time},"TLS.sig":"{s}"}}"#
        );
        let msg = assert_json_malformed(json.as_bytes(), Layer::Field);
        assert!(msg.contains("overflows"), "{msg}");
    }
    // The largest sum that fits is fine as far as decoding goes (it is from the future).
    let s = sig("xiaojun", DEMO_SDKAPPID, u64::MAX - 5, 5, None);
    let json = format!(
        r#"{{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":{DEMO_SDKAPPID},"TLS.expire":5,"TLS.time":{},"TLS.sig":"{s}"}}"#,
        u64::MAX - 5
    );
    let err = verify(&token_of(json.as_bytes())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotYetValid);
}

#[test]
fn legacy_v1_tokens_are_named_as_such() {
    let v1 = r#"{"TLS.account_type":"0","TLS.identifier":"xiaojun","TLS.appid_at_3rd":"0","TLS.sdk_appid":"1400000000","TLS.expire_after":"15552000","TLS.version":"201512300000","TLS.time":"1569910200","TLS.sig":"MEUCIQDc"}"#;
    for json in [
        v1.to_owned(),
        r#"{"TLS.sdk_appid":"1400000000"}"#.to_owned(),
        r#"{"TLS.expire_after":"180"}"#.to_owned(),
    ] {
        let err = verify(&token_of(json.as_bytes())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnsupportedVersion);
        assert!(
            matches!(
                err,
                VerifyError::UnsupportedVersion {
                    legacy_v1: true,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("legacy v1"), "{err}");
    }
}

#[test]
fn other_versions_are_unsupported_and_a_non_string_version_is_malformed() {
    for ver in [
        "1.0",
        "3.0",
        "2",
        "2.0 ",
        " 2.0",
        "2.00",
        "",
        "\u{0}",
        &"9".repeat(1000),
    ] {
        let json = signed_json_with("").replace(
            r#""TLS.ver":"2.0""#,
            &format!(r#""TLS.ver":{}"#, serde_json::to_string(ver).unwrap()),
        );
        let err = verify(&token_of(json.as_bytes())).unwrap_err();
        match &err {
            VerifyError::UnsupportedVersion {
                found: Some(found),
                legacy_v1: false,
            } => assert!(found.chars().count() <= 64),
            other => panic!("{ver:?}: {other:?}"),
        }
        assert!(err.to_string().len() < 300);
    }
    for ver in ["2.0", "2", "null", "[\"2.0\"]"] {
        let json =
            signed_json_with("").replace(r#""TLS.ver":"2.0""#, &format!(r#""TLS.ver":{ver}"#));
        match verify(&token_of(json.as_bytes())) {
            Err(VerifyError::Malformed(m)) => assert_eq!(m.field, Some("TLS.ver"), "{m}"),
            other => panic!("{ver}: {other:?}"),
        }
    }
    // No version and no v1 markers: the field is missing.
    let json = signed_json_with("").replace(r#""TLS.ver":"2.0","#, "");
    assert_json_malformed(json.as_bytes(), Layer::Field);
}

// ---------------------------------------------------------------------------------------------
// The outer text.
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_and_whitespace_only_tokens_are_malformed_encodings() {
    for token in ["", " ", "\n", "\t\r\n ", "\x0c"] {
        let msg = assert_malformed(token, Layer::Encoding);
        assert!(msg.contains("empty"), "{msg}");
    }
    for token in [
        "_", "__", "=", "A", "A_", "AAAA_", "AA___", "eJ\u{0}", "eJ%2B", "eJ😀",
    ] {
        assert_malformed(token, Layer::Encoding);
    }
}

#[test]
fn not_zlib_is_named() {
    let json = signed_json_with("");
    let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
    raw.write_all(json.as_bytes()).unwrap();
    let raw = raw.finish().unwrap();
    assert_malformed(&outer(&raw), Layer::Zlib);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    gz.write_all(json.as_bytes()).unwrap();
    let msg = assert_malformed(&outer(&gz.finish().unwrap()), Layer::Zlib);
    assert!(msg.contains("gzip"), "{msg}");
    let mut trailing = zlib(json.as_bytes(), 6);
    trailing.push(0);
    assert_malformed(&outer(&trailing), Layer::Zlib);
}

// ---------------------------------------------------------------------------------------------
// Every truncation and every single-character substitution of valid tokens.
// ---------------------------------------------------------------------------------------------

/// Valid tokens of every compression and padding shape: (token, identifier).
fn valid_tokens() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (compression, identifier) in [
        (Compression::Stored, "xiaojun"),
        (Compression::Stored, "xiaojun1"),
        (Compression::Stored, "xiaojun12"),
        (Compression::Standard, "xiaojun"),
        (Compression::Fast, "ann"),
    ] {
        let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY)
            .unwrap()
            .with_compression(compression);
        let mint = Mint::new(identifier).time(NOW).expire_secs(86_400);
        let mint = if compression == Compression::Fast {
            mint.private_map_key(Room::Str("lobby"), Privileges::ALL)
        } else {
            mint
        };
        out.push((signer.mint(&mint).unwrap(), identifier));
    }
    let pads: Vec<usize> = out
        .iter()
        .map(|(t, _)| t.len() - t.trim_end_matches('_').len())
        .collect();
    // The set must cover no padding, one `_` and two.
    for p in 0..=2 {
        assert!(
            pads.contains(&p),
            "no token with {p} padding characters: {pads:?}"
        );
    }
    out
}

fn padding_len(token: &str) -> usize {
    token.len() - token.trim_end_matches('_').len()
}

#[test]
fn no_truncation_verifies_except_dropping_padding() {
    for (token, identifier) in valid_tokens() {
        let original = verifier().verify_at(&token, identifier, NOW).unwrap();
        let keep_at_least = token.len() - padding_len(&token);
        for n in 0..token.len() {
            let result = verifier().verify_at(&token[..n], identifier, NOW);
            if n >= keep_at_least {
                // Harmless: only `_` padding was cut (FORMAT.md §4.3, padding may be stripped).
                assert_eq!(result.as_ref(), Ok(&original), "{n} of {token}");
            } else {
                assert!(result.is_err(), "verified when cut to {n}: {token}");
            }
        }
    }
}

/// Everything a token character may be replaced with: both alphabets, padding in both
/// spellings, and whitespace (which decoders skip, FORMAT.md §4.3).
const REPLACEMENTS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=*-_ ";

/// Why a substitution may verify: each verifies to exactly the original claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Harmless {
    /// `*` <-> `+`, `-` <-> `/`: the two spellings of FORMAT.md §4.2-4.3.
    AlphabetTwin,
    /// A padding `_` written as `=` or as whitespace (padding may be stripped, FORMAT.md §4.3).
    Padding,
    /// Other zlib bytes, same document: bits deflate ignores (after a stored block's 3-bit
    /// header, RFC 1951 §3.2.4, or after the final block's end code) or a header variant.
    SameDocument,
}

fn twin(c: u8) -> Option<u8> {
    Some(match c {
        b'*' => b'+',
        b'+' => b'*',
        b'-' => b'/',
        b'/' => b'-',
        _ => return None,
    })
}

/// One-shot inflate with flate2 as the reference: the whole input must be one stream.
fn reference_inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut z = flate2::Decompress::new(true);
    let mut out = Vec::with_capacity(64 * 1024 + 1);
    let status = z
        .decompress_vec(bytes, &mut out, flate2::FlushDecompress::Finish)
        .ok()?;
    (status == flate2::Status::StreamEnd && z.total_in() == bytes.len() as u64).then_some(out)
}

fn strict_b64(text: &str) -> Option<Vec<u8>> {
    let std_text: String = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine.decode(std_text).ok()
}

/// Why replacing `token[pos]` with `with` is harmless, or `None` when it must not verify.
/// `doc` is the token's zlib bytes and the document they inflate to.
fn classify(token: &str, doc: &(Vec<u8>, Vec<u8>), pos: usize, with: u8) -> Option<Harmless> {
    let original = token.as_bytes()[pos];
    if twin(original) == Some(with) {
        return Some(Harmless::AlphabetTwin);
    }
    if pos >= token.len() - padding_len(token) && b"= ".contains(&with) {
        return Some(Harmless::Padding);
    }
    let mut edited = token.as_bytes().to_vec();
    edited[pos] = with;
    let edited = String::from_utf8(edited).unwrap();
    let edited_bytes = strict_b64(&edited)?;
    if edited_bytes == doc.0 {
        return None;
    }
    (reference_inflate(&edited_bytes)? == doc.1).then_some(Harmless::SameDocument)
}

#[test]
fn no_single_character_substitution_verifies_to_other_claims() {
    let verifier = verifier();
    for (token, identifier) in valid_tokens() {
        let original = verifier.verify_at(&token, identifier, NOW).unwrap();
        let zlib_bytes = strict_b64(&token).unwrap();
        let document = (reference_inflate(&zlib_bytes).unwrap(), zlib_bytes);
        let document = (document.1, document.0);
        let mut buf = token.clone().into_bytes();
        let mut same_document = Vec::new();
        let mut verified = 0;
        for pos in 0..token.len() {
            for &with in REPLACEMENTS.as_bytes() {
                if with == token.as_bytes()[pos] {
                    continue;
                }
                buf[pos] = with;
                let edited = std::str::from_utf8(&buf).unwrap();
                let result = verifier.verify_at(edited, identifier, NOW);
                buf[pos] = token.as_bytes()[pos];
                let expected = classify(&token, &document, pos, with);
                match (&result, expected) {
                    (Ok(claims), Some(why)) => {
                        assert_eq!(claims, &original, "{why:?} at {pos} -> {}", with as char);
                        verified += 1;
                        if why == Harmless::SameDocument {
                            same_document.push((pos, with as char));
                        }
                    }
                    (Err(_), None) => {}
                    (Ok(claims), None) => panic!(
                        "{:?} at {pos} verified to {claims:?}: {token}",
                        with as char
                    ),
                    (Err(e), Some(why)) => panic!(
                        "harmless ({why:?}) {:?} at {pos} did not verify: {e}: {token}",
                        with as char
                    ),
                }
            }
        }
        assert!(verified > 0);
        // Say exactly which re-encodings of the zlib bytes those were.
        let stored = strict_b64(&token).unwrap()[2] & 0b110 == 0;
        if stored {
            assert!(token.starts_with("eAEB"), "one final stored block: {token}");
            // Stored: byte 2 is the block header; only its low 3 bits (BFINAL, BTYPE) count.
            // Character 2 carries byte 1's low nibble and byte 2's top 2 bits (3 other
            // spellings); character 3 carries byte 2's low 6 bits, of which the top 3 are
            // ignored (7 other spellings).
            let c2: Vec<char> = same_document
                .iter()
                .filter(|s| s.0 == 2)
                .map(|s| s.1)
                .collect();
            let c3: Vec<char> = same_document
                .iter()
                .filter(|s| s.0 == 3)
                .map(|s| s.1)
                .collect();
            assert_eq!(c2, vec!['F', 'G', 'H'], "{token}");
            assert_eq!(c3, vec!['J', 'R', 'Z', 'h', 'p', 'x', '5'], "{token}");
            assert_eq!(same_document.len(), 10, "{same_document:?}");
        } else {
            // Compressed blocks: a back-reference may point at another copy of the same bytes
            // (`"TLS.` occurs six times), and the bits after the end-of-block code are unused.
            // Which spellings exist depends on the compressor's choices, so they are listed,
            // not pinned; each one was checked above to verify to exactly the original claims.
            eprintln!("same-document re-encodings of {token}: {same_document:?}");
        }
    }
}

#[test]
fn settings_over_their_ceilings_are_refused() {
    use usersig::{ConfigError, ConfigErrorKind};
    // A leeway of u64::MAX would accept every expired token; a year is the most.
    let e = verifier().leeway_secs(u64::MAX).unwrap_err();
    assert_eq!(e.kind(), ConfigErrorKind::LeewayTooLarge);
    assert!(verifier().leeway_secs(31_536_000).is_ok());
    assert!(verifier().leeway_secs(31_536_001).is_err());
    let e = verifier().max_future_skew_secs(31_536_001).unwrap_err();
    assert_eq!(e.kind(), ConfigErrorKind::FutureSkewTooLarge);
    assert!(verifier().max_future_skew_secs(31_536_000).is_ok());
    // Huge limits would remove the bomb protection.
    let token_limit = |max_token_bytes| {
        verifier().limits(Limits {
            max_token_bytes,
            ..Limits::default()
        })
    };
    assert!(token_limit(64 * 1024).is_ok());
    let e = token_limit(64 * 1024 + 1).unwrap_err();
    assert_eq!(e.kind(), ConfigErrorKind::TokenLimitTooLarge);
    assert_eq!((e.value(), e.max()), (65_537, 65_536));
    let inflated = |max_inflated_bytes| {
        verifier().limits(Limits {
            max_inflated_bytes,
            ..Limits::default()
        })
    };
    assert!(inflated(ConfigError::MAX_INFLATED_BYTES).is_ok());
    let e = inflated(usize::MAX).unwrap_err();
    assert_eq!(e.kind(), ConfigErrorKind::InflatedLimitTooLarge);
    assert_eq!(
        e.to_string(),
        format!(
            "inflated size limit {} is over the ceiling of 1048576",
            usize::MAX
        )
    );
}

#[test]
fn a_signature_of_44_characters_without_padding_is_a_bad_signature_not_a_panic() {
    // Found by the forgery fuzz target: 44 base64 characters with no '=' decode to 33 bytes,
    // and the decoder's output buffer held 32, which panicked inside verification.
    let good = sig("xiaojun", DEMO_SDKAPPID, NOW, 86_400, None);
    for text in [
        "A".repeat(44),
        format!("{}A", &good[..43]),
        format!("{}==", &good[..42]),
        format!("{}=", "/".repeat(43)),
    ] {
        let json = format!(
            r#"{{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":{DEMO_SDKAPPID},"TLS.expire":86400,"TLS.time":{NOW},"TLS.sig":"{text}"}}"#
        );
        let err = verify(&token_of(json.as_bytes())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadSignature, "{text}: {err}");
    }
    assert!(verify(&token_of(signed_json_with("").as_bytes())).is_ok());
}
