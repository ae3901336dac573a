//! Key-less inspection: decode any token, say what it claims, who likely minted it, and what
//! a support engineer should worry about. Nothing here is verified: there is no key.
//!
//! Tokens are decoded by [`crate::wire`] alone, by the decoders verification uses: what
//! inspection can read, verification can too. [`producer`] guesses who minted a token,
//! [`warnings`] says what looks wrong.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::{Value, json};

use crate::error::{Layer, Malformed, VerifyError};
use crate::time_fmt::{rfc3339, unix_now};
use crate::userbuf::PrivateMapKey;
use crate::wire::{self, Limits, OuterStyle};

mod producer;
mod warnings;

pub use warnings::Warning;

/// What the zlib header and first block say about how the token was compressed (FORMAT.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZlibInfo {
    /// The two header bytes.
    pub header: [u8; 2],
    /// The first deflate block is a stored (uncompressed) block: level 0.
    pub stored: bool,
    /// The FLEVEL field of the header: 0 fastest, 1 fast, 2 default, 3 maximum.
    pub flevel: u8,
}

impl ZlibInfo {
    /// A description such as `"stored (level 0)"` or `"default (level 6)"`.
    ///
    /// ```
    /// # use usersig::{inspect_at, Compression, Mint, Signer, DEMO_KEY};
    /// let signer = Signer::new(1, DEMO_KEY)?.with_compression(Compression::Standard);
    /// let info = inspect_at(&signer.mint(&Mint::new("a").time(0))?, 0)?;
    /// assert_eq!(info.zlib.describe(), "default (level 6)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn describe(&self) -> &'static str {
        match (self.stored, self.flevel) {
            (true, _) => "stored (level 0)",
            (false, 0) => "fastest (level 1)",
            (false, 1) => "fast (level 2-5)",
            (false, 2) => "default (level 6)",
            _ => "maximum (level 7-9)",
        }
    }
}

/// How the JSON document was written (FORMAT.md §3, §9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonStyle {
    /// The keys in the order they appear.
    pub key_order: Vec<String>,
    /// Whitespace between tokens (Python writes `", "` and `": "`).
    pub spaces: bool,
    /// `/` written as `\/` (PHP).
    pub escaped_slash: bool,
    /// `<`, `>` or `&` written as `\u003c`, `\u003e`, `\u0026` (Go).
    pub html_escapes: bool,
    /// Non-ASCII written as `\uXXXX` escapes (Python, PHP).
    pub unicode_escapes: bool,
    /// Non-ASCII written as raw UTF-8 (Node, Go, this library).
    pub raw_non_ascii: bool,
    /// The document ends with a newline (Go since 2024-11).
    pub trailing_newline: bool,
}

/// Everything a token says, decoded without the key. Nothing in it is verified.
///
/// ```
/// use usersig::{inspect_at, Mint, Signer, DEMO_KEY};
/// let token = Signer::new(1400000000, DEMO_KEY)?
///     .mint(&Mint::new("xiaojun").time(1569910200).expire_secs(3600))?;
/// let info = inspect_at(&token, 1569910200)?;
/// assert_eq!(info.identifier.as_deref(), Some("xiaojun"));
/// assert_eq!(info.producer, "usersig (this library)");
/// assert!(info.warnings.iter().any(|w| w.code() == "short_lifetime"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Inspection {
    /// `TLS.ver` (v2) or `TLS.version` (v1).
    pub version: Option<String>,
    /// A legacy v1 (ECDSA) token.
    pub legacy_v1: bool,
    /// `TLS.identifier`.
    pub identifier: Option<String>,
    /// `TLS.sdkappid` (or v1's `TLS.sdk_appid`).
    pub sdkappid: Option<u64>,
    /// `TLS.time`.
    pub time: Option<u64>,
    /// `TLS.expire` (or v1's `TLS.expire_after`).
    pub expire: Option<u64>,
    /// `time + expire`, when both are present and the sum fits.
    pub expires_at: Option<u64>,
    /// `TLS.userbuf` as text.
    pub userbuf_b64: Option<String>,
    /// `TLS.userbuf` decoded.
    pub userbuf: Option<Vec<u8>>,
    /// The userbuf parsed as a PrivateMapKey, when it is one.
    pub private_map_key: Option<PrivateMapKey>,
    /// `TLS.sig` as text.
    pub sig_b64: Option<String>,
    /// The inflated JSON document (invalid UTF-8 replaced).
    pub json: String,
    /// How the outer text was written.
    pub encoding: OuterStyle,
    /// How the JSON was compressed.
    pub zlib: ZlibInfo,
    /// How the JSON was written.
    pub style: JsonStyle,
    /// A best guess of which implementation minted the token.
    pub producer: &'static str,
    /// Why we guess so.
    pub producer_reasons: Vec<String>,
    /// What a support engineer should know, most serious first.
    pub warnings: Vec<Warning>,
}

/// Inspects `token` against the system clock. See [`inspect_at`].
///
/// ```
/// # use usersig::{Signer, DEMO_KEY};
/// let token = Signer::new(1400000000, DEMO_KEY)?.user_sig("alice", 86_400 * 30)?;
/// let info = usersig::inspect(&token)?;
/// assert_eq!(info.sdkappid, Some(1400000000));
/// assert!(info.warnings.is_empty(), "{:?}", info.warnings);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inspect(token: &str) -> Result<Inspection, VerifyError> {
    inspect_at(token, unix_now().unwrap_or(0))
}

/// Decodes `token` without a key and describes it as of `now`.
///
/// Fails only when there is no JSON object to describe (size, encoding, zlib or JSON syntax);
/// field problems become a [`Warning::WillNotVerify`].
///
/// ```
/// # use usersig::{Mint, Signer, DEMO_KEY};
/// let token = Signer::new(1400000000, DEMO_KEY)?.mint(&Mint::new("小军").time(1569910200))?;
/// let info = usersig::inspect_at(&token, 1569910200)?;
/// assert_eq!(info.expires_at, Some(1569910200 + 15552000));
/// // "小军" is a valid identifier for the format, but not under Tencent's UserID rules.
/// assert!(info.warnings.iter().any(|w| w.code() == "userid_rules"));
/// assert!(usersig::inspect_at("%%%", 0).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inspect_at(token: &str, now: u64) -> Result<Inspection, VerifyError> {
    let limits = Limits::default();
    let wire::Layers {
        style: encoding,
        zlib: compressed,
        json,
    } = wire::unwrap(token.as_bytes(), &limits)?;
    let zlib = ZlibInfo {
        header: [
            compressed.first().copied().unwrap_or(0),
            compressed.get(1).copied().unwrap_or(0),
        ],
        stored: compressed.get(2).is_some_and(|b| (b >> 1) & 3 == 0),
        flevel: compressed.get(1).map_or(0, |b| b >> 6),
    };
    let entries = parse_ordered(&json)?;

    let get = |name: &str| entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let get_str = |name: &str| get(name).and_then(Value::as_str).map(str::to_owned);
    // v1 tokens carry numbers as strings.
    let get_num = |name: &str| {
        get(name).and_then(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        })
    };

    let legacy_v1 = get("TLS.ver").is_none()
        && (get("TLS.sdk_appid").is_some() || get("TLS.expire_after").is_some());
    let version = get_str("TLS.ver").or_else(|| get_str("TLS.version"));
    let identifier = get_str("TLS.identifier");
    let sdkappid = get_num("TLS.sdkappid").or_else(|| get_num("TLS.sdk_appid"));
    let time = get_num("TLS.time");
    let expire = get_num("TLS.expire").or_else(|| get_num("TLS.expire_after"));
    let expires_at = time.zip(expire).and_then(|(t, e)| t.checked_add(e));
    let userbuf_b64 = get_str("TLS.userbuf");
    let userbuf = userbuf_b64
        .as_deref()
        .and_then(|t| wire::decode_userbuf(t).ok());
    let private_map_key = userbuf
        .as_deref()
        .and_then(|b| PrivateMapKey::parse(b).ok());
    let sig_b64 = get_str("TLS.sig");
    let style = json_style(&json, &entries);

    let mut info = Inspection {
        version,
        legacy_v1,
        identifier,
        sdkappid,
        time,
        expire,
        expires_at,
        userbuf_b64,
        userbuf,
        private_map_key,
        sig_b64,
        json: String::from_utf8_lossy(&json).into_owned(),
        encoding,
        zlib,
        style,
        producer: "",
        producer_reasons: Vec::new(),
        warnings: Vec::new(),
    };
    let (producer, reasons) = producer::guess_producer(&info);
    info.producer = producer;
    info.producer_reasons = reasons;
    info.warnings = warnings::warnings(&info, &json, now);
    Ok(info)
}

/// The object's entries in order, duplicates kept (inspection reports what is there).
fn parse_ordered(json: &[u8]) -> Result<Vec<(String, Value)>, Malformed> {
    struct Ordered;
    impl<'de> Visitor<'de> for Ordered {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = map.next_entry::<String, Value>()? {
                out.push(entry);
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    let entries = de
        .deserialize_map(Ordered)
        .and_then(|e| de.end().map(|()| e))
        .map_err(|e: serde_json::Error| Malformed::new(Layer::Json, e.to_string()))?;
    Ok(entries)
}

fn json_style(json: &[u8], entries: &[(String, Value)]) -> JsonStyle {
    let mut style = JsonStyle {
        key_order: entries.iter().map(|(k, _)| k.clone()).collect(),
        trailing_newline: json.last() == Some(&b'\n'),
        ..JsonStyle::default()
    };
    let body_end = json
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        if i >= body_end {
            break;
        }
        if in_string {
            match b {
                b'"' => in_string = false,
                b'\\' => {
                    match json.get(i + 1) {
                        Some(b'/') => style.escaped_slash = true,
                        Some(b'u') => {
                            let hex = json
                                .get(i + 2..i + 6)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok());
                            match hex {
                                Some(0x3c | 0x3e | 0x26) => style.html_escapes = true,
                                Some(c) if c >= 0x80 => style.unicode_escapes = true,
                                _ => {}
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                b if b >= 0x80 => style.raw_non_ascii = true,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b.is_ascii_whitespace() {
            style.spaces = true;
        }
        i += 1;
    }
    style
}

/// A PrivateMapKey as JSON, the shape the CLI and the C ABI share.
pub(crate) fn pmk_json(pmk: &PrivateMapKey) -> Value {
    json!({
        "version": pmk.version(),
        "account": pmk.account,
        "sdkappid": pmk.sdkappid,
        "room_id": pmk.room_id,
        "room_str": pmk.room_str,
        "expires_at": pmk.expires_at,
        "expires_at_utc": rfc3339(u64::from(pmk.expires_at)),
        "privileges": pmk.privileges.bits(),
        "privilege_names": pmk.privileges.names(),
        "account_type": pmk.account_type,
    })
}

impl Inspection {
    /// The inspection as a JSON value: the shape of `usersig inspect --json` and of the C
    /// ABI's inspect call.
    ///
    /// `userbuf_b64` is `TLS.userbuf` as written in the token; `userbuf_hex` is the userbuf as
    /// the library decoded it (null when there is none, or when it does not decode), so a
    /// binding reads the bytes without decoding the token's base64 itself.
    ///
    /// ```
    /// # use usersig::{inspect_at, Mint, Signer, DEMO_KEY};
    /// # let token = Signer::new(1400000000, DEMO_KEY)?.mint(&Mint::new("x").time(1569910200))?;
    /// let v = inspect_at(&token, 1569910200)?.to_json();
    /// assert_eq!(v["identifier"], "x");
    /// assert_eq!(v["expires_at_utc"], "2020-03-29T06:10:00Z");
    /// assert!(v["userbuf_hex"].is_null());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> Value {
        json!({
            "version": self.version,
            "legacy_v1": self.legacy_v1,
            "identifier": self.identifier,
            "sdkappid": self.sdkappid,
            "time": self.time,
            "time_utc": self.time.map(rfc3339),
            "expire": self.expire,
            "expires_at": self.expires_at,
            "expires_at_utc": self.expires_at.map(rfc3339),
            "userbuf_b64": self.userbuf_b64,
            "userbuf_hex": self.userbuf.as_deref().map(crate::hex::lower),
            "private_map_key": self.private_map_key.as_ref().map(pmk_json),
            "sig": self.sig_b64,
            "json": self.json,
            "encoding": {
                "url_safe_alphabet": self.encoding.url_chars,
                "plain_alphabet": self.encoding.plain_chars,
                "padding_stripped": self.encoding.padding_stripped,
                "whitespace": self.encoding.whitespace,
            },
            "compression": self.zlib.describe(),
            "json_style": {
                "key_order": self.style.key_order,
                "spaces": self.style.spaces,
                "escaped_slash": self.style.escaped_slash,
                "html_escapes": self.style.html_escapes,
                "unicode_escapes": self.style.unicode_escapes,
                "raw_non_ascii": self.style.raw_non_ascii,
                "trailing_newline": self.style.trailing_newline,
            },
            "producer": self.producer,
            "producer_reasons": self.producer_reasons,
            "warnings": self.warnings.iter().map(|w| json!({
                "code": w.code(),
                "message": w.to_string(),
            })).collect::<Vec<_>>(),
        })
    }
}
