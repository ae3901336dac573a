//! The decoding verification takes (token text -> type-checked fields, through exactly
//! `wire::decode`, the production path) against a reference written the plain way: a
//! hand-rolled base64 decoder, one-shot flate2 inflate, serde_json `Value`s. The production
//! path runs with its own stack buffer and with three other sizes (none, smaller and larger
//! than most tokens), which must all give the same answer, so both sides of the stack/heap
//! choice meet the reference on every input.
//!
//! Both must agree on accept or reject, on the layer that rejects (or the version error), and
//! on every field. Our decoder is deliberately stricter than "whatever flate2 and serde_json
//! take" in documented ways (FORMAT.md §4.3, §5.1-5.2); the reference encodes each of those rules
//! explicitly, marked DOCUMENTED below, instead of our decoder being loosened to match:
//! - the 16 KiB token and 64 KiB inflated limits;
//! - base64: padding optional but never more than canonical, non-zero trailing bits rejected;
//! - zlib: exactly one stream, nothing after it;
//! - JSON: duplicate keys rejected anywhere in the top-level object, unknown keys ignored;
//! - integers: JSON integers in u64 only; `time + expire` must not overflow.
#![no_main]

use std::fmt;

use flate2::{Decompress, FlushDecompress, Status};
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;
use usersig::internals::{Fields, decode_document_at_every_stack_size, decode_userbuf};
use usersig::{Layer, Limits, VerifyError};

/// A token's decoded fields plus its decoded userbuf (or the fact that it does not decode).
#[derive(Debug, PartialEq, Eq)]
struct Decoded {
    fields: Fields,
    userbuf: Option<Option<Vec<u8>>>,
}

/// How a decode failed, at the granularity both sides can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reject {
    Layer(Layer),
    UnsupportedVersion,
}

fn reject(e: VerifyError) -> Reject {
    match e {
        VerifyError::Malformed(m) => Reject::Layer(m.layer),
        VerifyError::UnsupportedVersion { .. } => Reject::UnsupportedVersion,
        other => panic!("decoding returned a non-decoding error: {other}"),
    }
}

fn ours(token: &str) -> Result<Decoded, Reject> {
    let production = decode_document_at_every_stack_size(token.as_bytes(), &Limits::default())
        .unwrap_or_else(|why| panic!("{why}, for {token:?}"));
    let fields = production.map_err(reject)?;
    let userbuf = fields
        .userbuf_b64
        .as_deref()
        .map(|t| decode_userbuf(t).ok());
    Ok(Decoded { fields, userbuf })
}

// ---------------------------------------------------------------------------------------------
// The reference.
// ---------------------------------------------------------------------------------------------

const MAX_TOKEN: usize = 16 * 1024; // DOCUMENTED: FORMAT.md §5.1
const MAX_INFLATED: usize = 64 * 1024; // DOCUMENTED: FORMAT.md §5.1

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Standard base64 with `=` padding optional, whitespace already removed.
fn ref_base64(text: &[u8]) -> Option<Vec<u8>> {
    let body_len = text.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    let (body, pad) = text.split_at(body_len);
    let canonical_pad = (4 - body.len() % 4) % 4;
    // DOCUMENTED: padding, if any, is at most the canonical amount (FORMAT.md §4.3 allows it to be
    // stripped, not to be invented); a body of 4k+1 characters is never valid.
    if body.len() % 4 == 1 || pad.len() > canonical_pad {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in body {
        acc = (acc << 6) | sextet(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // DOCUMENTED: the unused low bits of the last character must be zero, so every byte
    // string has one spelling.
    if acc != 0 {
        return None;
    }
    Some(out)
}

/// The token's outer text to zlib bytes (FORMAT.md §4.2-4.3).
fn ref_outer(token: &str) -> Result<Vec<u8>, Reject> {
    if token.len() > MAX_TOKEN {
        return Err(Reject::Layer(Layer::Size));
    }
    let mut text = Vec::new();
    for c in token.bytes() {
        match c {
            b'*' => text.push(b'+'),
            b'-' => text.push(b'/'),
            b'_' => text.push(b'='),
            c if c.is_ascii_whitespace() => {}
            c if c.is_ascii_alphanumeric() || b"+/=".contains(&c) => text.push(c),
            _ => return Err(Reject::Layer(Layer::Encoding)),
        }
    }
    if text.is_empty() {
        return Err(Reject::Layer(Layer::Encoding));
    }
    ref_base64(&text).ok_or(Reject::Layer(Layer::Encoding))
}

/// One-shot inflate into a buffer one byte larger than the limit.
fn ref_inflate(bytes: &[u8]) -> Result<Vec<u8>, Reject> {
    let mut z = Decompress::new(true);
    let mut out = Vec::with_capacity(MAX_INFLATED + 1);
    let status = z
        .decompress_vec(bytes, &mut out, FlushDecompress::Finish)
        .map_err(|_| Reject::Layer(Layer::Zlib))?;
    if out.len() > MAX_INFLATED {
        return Err(Reject::Layer(Layer::Size));
    }
    // DOCUMENTED: one complete stream and nothing after it.
    if status != Status::StreamEnd || z.total_in() != bytes.len() as u64 {
        return Err(Reject::Layer(Layer::Zlib));
    }
    Ok(out)
}

/// RFC 1950's trailer. The reference's one-shot inflate may be built without the check (some
/// deflate backends skip it under `--cfg fuzzing` so that random inputs get past it), while
/// our side always makes it; so a wrong checksum lets our side reject where the reference
/// went on.
fn adler_ok(bytes: &[u8], out: &[u8]) -> bool {
    let trailer = bytes.len().checked_sub(4).and_then(|at| bytes.get(at..));
    trailer == Some(&adler32(out).to_be_bytes()[..])
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// The top-level object's entries in order, duplicates kept.
struct Entries(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn ref_fields(json: &[u8]) -> Result<Fields, Reject> {
    let malformed = Reject::Layer(Layer::Json);
    let bad_field = Reject::Layer(Layer::Field);
    let entries: Entries = serde_json::from_slice(json).map_err(|_| malformed)?;
    let entries = entries.0;
    // DOCUMENTED: duplicate keys are rejected, known or not (FORMAT.md §5.2).
    for (i, (k, _)) in entries.iter().enumerate() {
        if entries.iter().skip(i + 1).any(|(other, _)| other == k) {
            return Err(malformed);
        }
    }
    // DOCUMENTED: unknown keys are ignored; only these are read.
    let get = |name: &str| entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    match get("TLS.ver") {
        Some(Value::String(v)) if v == "2.0" => {}
        Some(Value::String(_)) => return Err(Reject::UnsupportedVersion),
        None if get("TLS.sdk_appid").is_some() || get("TLS.expire_after").is_some() => {
            return Err(Reject::UnsupportedVersion);
        }
        _ => return Err(bad_field),
    }
    let string = |name: &str| match get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(bad_field),
    };
    // DOCUMENTED: JSON integers that fit u64; no floats, negatives, strings or null.
    let integer = |name: &str| get(name).and_then(Value::as_u64).ok_or(bad_field);
    let identifier = string("TLS.identifier")?;
    let sdkappid = integer("TLS.sdkappid")?;
    let expire = integer("TLS.expire")?;
    let time = integer("TLS.time")?;
    // DOCUMENTED: time + expire must fit (FORMAT.md §5.7).
    time.checked_add(expire).ok_or(bad_field)?;
    let userbuf_b64 = match get("TLS.userbuf") {
        None => None,
        Some(_) => Some(string("TLS.userbuf")?),
    };
    let sig_b64 = string("TLS.sig")?;
    Ok(Fields {
        identifier,
        sdkappid,
        expire,
        time,
        userbuf_b64,
        sig_b64,
    })
}

/// The reference's answer, and whether the Adler-32 trailer was wrong.
fn reference(token: &str) -> (Result<Decoded, Reject>, bool) {
    let mut adler_wrong = false;
    let result = (|| {
        let compressed = ref_outer(token)?;
        let json = ref_inflate(&compressed)?;
        adler_wrong = !adler_ok(&compressed, &json);
        let fields = ref_fields(&json)?;
        let userbuf = fields.userbuf_b64.as_deref().map(|t| {
            let compact: Vec<u8> = t.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
            ref_base64(&compact)
        });
        Ok(Decoded { fields, userbuf })
    })();
    (result, adler_wrong)
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let ours = ours(token);
    let (theirs, adler_wrong) = reference(token);
    if adler_wrong && ours == Err(Reject::Layer(Layer::Zlib)) {
        return;
    }
    assert_eq!(ours, theirs, "decoders disagree on {token:?}");
});
