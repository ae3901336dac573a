//! Who probably minted a token, from the traces each official SDK leaves in it (FORMAT.md §3,
//! §4.1, §9).

use super::Inspection;

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

pub(super) fn guess_producer(info: &Inspection) -> (&'static str, Vec<String>) {
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
