//! The library-backed reader of the JSON document (FORMAT.md §3, §5.2): serde_json, with
//! strict field checks. Accepts any key order, whitespace and escapes, and trailing
//! whitespace; rejects everything else, and explains every rejection.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::Document;
use crate::error::{Layer, Malformed, Shown, VerifyError};

/// A JSON value reduced to what field checks need; containers are skipped without storing.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Str(String),
    UInt(u64),
    NegInt,
    Float,
    Bool,
    Null,
    Array,
    Object,
}

impl Scalar {
    fn type_name(&self) -> &'static str {
        match self {
            Scalar::Str(_) => "a string",
            Scalar::UInt(_) => "an integer",
            Scalar::NegInt => "a negative integer",
            Scalar::Float => "a non-integer or out-of-range number",
            Scalar::Bool => "a boolean",
            Scalar::Null => "null",
            Scalar::Array => "an array",
            Scalar::Object => "an object",
        }
    }
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Str(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::UInt(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(u64::try_from(v).map_or(Scalar::NegInt, Scalar::UInt))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool)
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<Skipped>()?.is_some() {}
                Ok(Scalar::Array)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<Skipped, Skipped>()?.is_some() {}
                Ok(Scalar::Object)
            }
        }
        d.deserialize_any(V)
    }
}

/// A JSON value that is read in full and thrown away: every string checked as UTF-8 with valid
/// escapes, every number in range, as if it were parsed into a `serde_json::Value`, but with
/// nothing stored. serde's `IgnoredAny` would only skip the syntax, so a document that no
/// JSON parser accepts (a lone surrogate, `1e999`, raw invalid UTF-8 under an unknown key)
/// could verify while `inspect` rejects it (found by the `inspect` fuzz target).
struct Skipped;

impl<'de> de::Deserialize<'de> for Skipped {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Skipped;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, _: &str) -> Result<Skipped, E> {
                Ok(Skipped)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Skipped, E> {
                Ok(Skipped)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Skipped, E> {
                Ok(Skipped)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Skipped, E> {
                Ok(Skipped)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Skipped, E> {
                Ok(Skipped)
            }
            fn visit_unit<E>(self) -> Result<Skipped, E> {
                Ok(Skipped)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skipped, A::Error> {
                while seq.next_element::<Skipped>()?.is_some() {}
                Ok(Skipped)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skipped, A::Error> {
                while map.next_entry::<Skipped, Skipped>()?.is_some() {}
                Ok(Skipped)
            }
        }
        d.deserialize_any(V)
    }
}

/// The keys we know, in the order of [`KNOWN_KEYS`].
const KNOWN_KEYS: [&str; 7] = [
    "TLS.ver",
    "TLS.identifier",
    "TLS.sdkappid",
    "TLS.expire",
    "TLS.time",
    "TLS.userbuf",
    "TLS.sig",
];
const VER: usize = 0;
const IDENTIFIER: usize = 1;
const SDKAPPID: usize = 2;
const EXPIRE: usize = 3;
const TIME: usize = 4;
const USERBUF: usize = 5;
const SIG: usize = 6;

/// Keys that only v1 (ECDSA) tokens carry (FORMAT.md §5.2).
const V1_MARKERS: [&str; 2] = ["TLS.sdk_appid", "TLS.expire_after"];

/// The object as read: known fields by slot, and whether v1 markers were present.
#[derive(Default)]
struct RawObject {
    fields: [Option<Scalar>; 7],
    v1_marker: bool,
}

/// An object key: one of [`KNOWN_KEYS`] by slot (no allocation), or any other key.
enum Key {
    Known(usize),
    Other(String),
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(match KNOWN_KEYS.iter().position(|k| *k == v) {
                    Some(slot) => Key::Known(slot),
                    None => Key::Other(v.to_owned()),
                })
            }
        }
        d.deserialize_str(V)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = RawObject;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a UserSig JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
        let mut obj = RawObject::default();
        // Unknown keys are ignored, but duplicates among them are still rejected; their
        // names are kept only as hashes so a hostile object cannot make us store its keys.
        let mut unknown = HashSet::new();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Known(slot) => {
                    let key = KNOWN_KEYS.get(slot).copied().unwrap_or("?");
                    let value = map.next_value::<Scalar>()?;
                    let field = obj.fields.get_mut(slot).ok_or_else(|| {
                        de::Error::custom("internal: known-key slot out of range")
                    })?;
                    if field.is_some() {
                        return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
                    }
                    *field = Some(value);
                }
                Key::Other(key) => {
                    if V1_MARKERS.contains(&key.as_str()) {
                        obj.v1_marker = true;
                    }
                    if !unknown.insert(hash_key(&key)) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate key {}",
                            Shown(&key)
                        )));
                    }
                    map.next_value::<Skipped>()?;
                }
            }
        }
        Ok(obj)
    }
}

fn hash_key(key: &str) -> u64 {
    use std::hash::{BuildHasher, RandomState};
    thread_local! {
        static STATE: RandomState = RandomState::new();
    }
    STATE.with(|s| s.hash_one(key))
}

/// The reference parser: serde_json with strict field checks.
pub(crate) fn parse(json: &[u8]) -> Result<Document<'static>, VerifyError> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let obj = de
        .deserialize_map(ObjectVisitor)
        .and_then(|obj| de.end().map(|()| obj))
        .map_err(|e| Malformed::new(Layer::Json, e.to_string()))?;
    let [ver, identifier, sdkappid, expire, time, userbuf, sig] = obj.fields;

    match ver {
        Some(Scalar::Str(v)) if v == "2.0" => {}
        Some(Scalar::Str(v)) => {
            return Err(VerifyError::UnsupportedVersion {
                found: Some(v.chars().take(64).collect()),
                legacy_v1: false,
            });
        }
        None if obj.v1_marker => {
            return Err(VerifyError::UnsupportedVersion {
                found: None,
                legacy_v1: true,
            });
        }
        None => return Err(Malformed::field(KNOWN_KEYS[VER], "missing").into()),
        Some(other) => return Err(wrong_type(VER, &other, "a string").into()),
    }
    let identifier = string_field(IDENTIFIER, identifier)?;
    let sdkappid = integer_field(SDKAPPID, sdkappid)?;
    let expire = integer_field(EXPIRE, expire)?;
    let time = integer_field(TIME, time)?;
    if time.checked_add(expire).is_none() {
        return Err(Malformed::field(
            KNOWN_KEYS[EXPIRE],
            format!("time {time} + expire {expire} overflows"),
        )
        .into());
    }
    let userbuf_b64 = match userbuf {
        None => None,
        Some(v) => Some(string_field(USERBUF, Some(v))?),
    };
    let sig_b64 = string_field(SIG, sig)?;
    Ok(Document {
        identifier: Cow::Owned(identifier),
        sdkappid,
        expire,
        time,
        userbuf_b64: userbuf_b64.map(Cow::Owned),
        sig_b64: Cow::Owned(sig_b64),
    })
}

fn wrong_type(slot: usize, found: &Scalar, wanted: &str) -> Malformed {
    let name = KNOWN_KEYS.get(slot).copied().unwrap_or("?");
    Malformed::field(
        name,
        format!("expected {wanted}, found {}", found.type_name()),
    )
}

fn string_field(slot: usize, value: Option<Scalar>) -> Result<String, Malformed> {
    match value {
        Some(Scalar::Str(s)) => Ok(s),
        Some(other) => Err(wrong_type(slot, &other, "a string")),
        None => Err(Malformed::field(
            KNOWN_KEYS.get(slot).copied().unwrap_or("?"),
            "missing",
        )),
    }
}

fn integer_field(slot: usize, value: Option<Scalar>) -> Result<u64, Malformed> {
    match value {
        Some(Scalar::UInt(n)) => Ok(n),
        Some(other) => Err(wrong_type(slot, &other, "a non-negative integer")),
        None => Err(Malformed::field(
            KNOWN_KEYS.get(slot).copied().unwrap_or("?"),
            "missing",
        )),
    }
}
