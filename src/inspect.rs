//! Key-less inspection: decode any token, say what it claims, who likely minted it, and what
//! a support engineer should worry about. Nothing here is verified: there is no key.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::{Value, json};

use crate::error::{Layer, Malformed, VerifyError};
use crate::sign::{UserIdProblem, check_user_id};
use crate::time_fmt::{rfc3339, span, unix_now};
use crate::token::{self, Limits, OuterStyle};
use crate::userbuf::PrivateMapKey;

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

/// Something a support engineer would want to know about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The token has expired.
    Expired {
        /// `time + expire`.
        expires_at: u64,
        /// How long ago, in seconds.
        secs_ago: u64,
    },
    /// The token expires within 24 hours.
    ExpiresSoon {
        /// `time + expire`.
        expires_at: u64,
        /// Seconds left.
        secs_left: u64,
    },
    /// The issue time is more than 300 s in the future.
    IssuedInFuture {
        /// `TLS.time`.
        time: u64,
        /// Seconds ahead of now.
        secs_ahead: u64,
    },
    /// The lifetime is under 24 hours.
    ShortLifetime {
        /// `TLS.expire`.
        expire: u64,
    },
    /// The lifetime is over 50 years.
    LongLifetime {
        /// `TLS.expire`.
        expire: u64,
    },
    /// The identifier breaks Tencent's UserID rules.
    UserIdRules(UserIdProblem),
    /// A legacy v1 (ECDSA) token.
    LegacyV1,
    /// The token uses `+`, `/` or `=`, which must be percent-encoded in a URL.
    NeedsUrlEscaping,
    /// A verifier will reject this token whatever the key: the reason.
    WillNotVerify(String),
    /// The PrivateMapKey disagrees with the token around it.
    PrivateMapKeyInconsistent(String),
}

impl Warning {
    /// A stable snake_case name for scripts, e.g. `"expires_soon"`.
    ///
    /// ```
    /// # use usersig::{inspect_at, Mint, Signer, DEMO_KEY};
    /// let token = Signer::new(1, DEMO_KEY)?.mint(&Mint::new("a").time(0).expire_secs(60))?;
    /// let codes: Vec<_> = inspect_at(&token, 61)?.warnings.iter().map(|w| w.code()).collect();
    /// assert_eq!(codes, ["expired", "short_lifetime"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Expired { .. } => "expired",
            Warning::ExpiresSoon { .. } => "expires_soon",
            Warning::IssuedInFuture { .. } => "issued_in_future",
            Warning::ShortLifetime { .. } => "short_lifetime",
            Warning::LongLifetime { .. } => "long_lifetime",
            Warning::UserIdRules(_) => "userid_rules",
            Warning::LegacyV1 => "legacy_v1",
            Warning::NeedsUrlEscaping => "needs_url_escaping",
            Warning::WillNotVerify(_) => "will_not_verify",
            Warning::PrivateMapKeyInconsistent(_) => "private_map_key_inconsistent",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Expired {
                expires_at,
                secs_ago,
            } => write!(
                f,
                "expired at {}, {} ago: mint a new one",
                rfc3339(*expires_at),
                span(*secs_ago)
            ),
            Warning::ExpiresSoon {
                expires_at,
                secs_left,
            } => write!(
                f,
                "expires within 24 h, at {} (in {})",
                rfc3339(*expires_at),
                span(*secs_left)
            ),
            Warning::IssuedInFuture { time, secs_ahead } => write!(
                f,
                "issued at {}, {} in the future: the minting server's clock is ahead",
                rfc3339(*time),
                span(*secs_ahead)
            ),
            Warning::ShortLifetime { expire } => write!(
                f,
                "lifetime is only {}: clients will need new tokens often",
                span(*expire)
            ),
            Warning::LongLifetime { expire } => write!(
                f,
                "lifetime is {}, over 50 years: a leaked token stays valid practically forever",
                span(*expire)
            ),
            Warning::UserIdRules(p) => write!(f, "{p}"),
            Warning::LegacyV1 => f.write_str(
                "legacy v1 (ECDSA) token: current SDKs and this library only verify v2 tokens",
            ),
            Warning::NeedsUrlEscaping => f.write_str(
                "uses the plain base64 alphabet (+ / =): percent-encode it in URLs, or mint \
                 with the URL-safe variant (* - _) every official SDK uses",
            ),
            Warning::WillNotVerify(why) => write!(f, "no verifier will accept this token: {why}"),
            Warning::PrivateMapKeyInconsistent(why) => write!(f, "PrivateMapKey: {why}"),
        }
    }
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
    let (compressed, encoding) = token::decode_outer(token, &limits)?;
    let zlib = ZlibInfo {
        header: [
            compressed.first().copied().unwrap_or(0),
            compressed.get(1).copied().unwrap_or(0),
        ],
        stored: compressed.get(2).is_some_and(|b| (b >> 1) & 3 == 0),
        flevel: compressed.get(1).map_or(0, |b| b >> 6),
    };
    let json = crate::zlib::inflate(&compressed, limits.max_inflated_bytes)?;
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
        .and_then(|t| token::decode_userbuf(t).ok());
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
    let (producer, reasons) = guess_producer(&info);
    info.producer = producer;
    info.producer_reasons = reasons;
    info.warnings = warnings(&info, &json, now);
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

const ORDER_OURS: [&str; 6] = [
    "TLS.ver",
    "TLS.identifier",
    "TLS.sdkappid",
    "TLS.expire",
    "TLS.time",
    "TLS.sig",
];
const ORDER_NODE: [&str; 6] = [
    "TLS.ver",
    "TLS.identifier",
    "TLS.sdkappid",
    "TLS.time",
    "TLS.expire",
    "TLS.sig",
];
const ORDER_CPP: [&str; 6] = [
    "TLS.ver",
    "TLS.sdkappid",
    "TLS.identifier",
    "TLS.time",
    "TLS.expire",
    "TLS.sig",
];
const ORDER_JAVA: [&str; 6] = [
    "TLS.expire",
    "TLS.ver",
    "TLS.sdkappid",
    "TLS.identifier",
    "TLS.sig",
    "TLS.time",
];

fn guess_producer(info: &Inspection) -> (&'static str, Vec<String>) {
    let style = &info.style;
    let order: Vec<&str> = style
        .key_order
        .iter()
        .map(String::as_str)
        .filter(|k| *k != "TLS.userbuf")
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    let mut reasons = vec![
        format!("key order: {}", order.join(", ")),
        format!("compression: {}", info.zlib.describe()),
    ];
    let mut because = |r: &str| reasons.push(r.to_owned());
    let name = if info.legacy_v1 {
        because("v1 fields (TLS.sdk_appid, TLS.expire_after)");
        "a v1 SDK (tls-sig-api, ECDSA)"
    } else if info.encoding.plain_chars && !info.encoding.url_chars {
        because("plain base64 alphabet (+ / =), which no official SDK emits");
        "a third-party encoder (plain base64 alphabet)"
    } else if style.spaces && order == ORDER_OURS {
        because("spaces after `:` and `,` (json.dumps)");
        "Python SDK"
    } else if style.trailing_newline && info.zlib.stored {
        because("stored zlib and a trailing newline (json.Encoder)");
        "Go SDK (2024-11 or later)"
    } else if style.trailing_newline || style.html_escapes {
        because("trailing newline or \\u003c-style escapes");
        "Go SDK"
    } else if order.len() > 1 && order == sorted {
        because("keys sorted alphabetically (map[string]interface{})");
        "Go SDK (before 2024-11)"
    } else if order == ORDER_JAVA {
        because("Java HashMap key order");
        "Java SDK"
    } else if order == ORDER_CPP {
        because("sdkappid before identifier, time before expire");
        "C++ SDK"
    } else if order == ORDER_NODE {
        because("time before expire");
        "Node SDK"
    } else if order == ORDER_OURS && style.escaped_slash {
        because("`/` escaped as `\\/` (json_encode)");
        "PHP SDK"
    } else if order == ORDER_OURS && info.zlib.stored {
        because("compact JSON, no trailing newline, stored zlib");
        "usersig (this library)"
    } else if order == ORDER_OURS {
        because("compact JSON in the documented order");
        "usersig (this library), or the PHP or C# SDK"
    } else {
        "unknown"
    };
    (name, reasons)
}

fn warnings(info: &Inspection, json: &[u8], now: u64) -> Vec<Warning> {
    let mut out = Vec::new();
    if info.legacy_v1 {
        out.push(Warning::LegacyV1);
    } else if let Err(e) = token::parse_document(json) {
        out.push(Warning::WillNotVerify(e.to_string()));
    } else if let Some(Err(e)) = info.userbuf_b64.as_deref().map(token::decode_userbuf) {
        out.push(Warning::WillNotVerify(e.to_string()));
    }
    if let Some(expires_at) = info.expires_at {
        if now > expires_at {
            out.push(Warning::Expired {
                expires_at,
                secs_ago: now - expires_at,
            });
        } else if expires_at - now < 86_400 {
            out.push(Warning::ExpiresSoon {
                expires_at,
                secs_left: expires_at - now,
            });
        }
    }
    if let Some(time) = info.time {
        if time > now.saturating_add(crate::verify::DEFAULT_MAX_FUTURE_SKEW_SECS) {
            out.push(Warning::IssuedInFuture {
                time,
                secs_ahead: time - now,
            });
        }
    }
    match info.expire {
        Some(e) if e < 86_400 => out.push(Warning::ShortLifetime { expire: e }),
        Some(e) if e > 50 * 31_557_600 => out.push(Warning::LongLifetime { expire: e }),
        _ => {}
    }
    if let Some(id) = &info.identifier {
        if let Err(p) = check_user_id(id) {
            out.push(Warning::UserIdRules(p));
        }
    }
    if info.encoding.plain_chars {
        out.push(Warning::NeedsUrlEscaping);
    }
    if let Some(pmk) = &info.private_map_key {
        if info.identifier.as_deref() != Some(pmk.account.as_str()) {
            out.push(Warning::PrivateMapKeyInconsistent(
                "its account differs from the token's identifier".into(),
            ));
        }
        if info.sdkappid != Some(u64::from(pmk.sdkappid)) {
            out.push(Warning::PrivateMapKeyInconsistent(
                "its SDKAppID differs from the token's".into(),
            ));
        }
        if info.expires_at != Some(u64::from(pmk.expires_at)) {
            out.push(Warning::PrivateMapKeyInconsistent(format!(
                "its expiry {} differs from the token's time + expire",
                rfc3339(u64::from(pmk.expires_at))
            )));
        }
    }
    out
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
    /// ```
    /// # use usersig::{inspect_at, Mint, Signer, DEMO_KEY};
    /// # let token = Signer::new(1400000000, DEMO_KEY)?.mint(&Mint::new("x").time(1569910200))?;
    /// let v = inspect_at(&token, 1569910200)?.to_json();
    /// assert_eq!(v["identifier"], "x");
    /// assert_eq!(v["expires_at_utc"], "2020-03-29T06:10:00Z");
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
