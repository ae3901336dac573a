//! The JSON document as we emit it (FORMAT.md §3 "we emit").

use super::OutDoc;

/// Compact JSON in the order ver, identifier, sdkappid, expire, time, [userbuf], sig; no
/// trailing newline; non-ASCII as raw UTF-8 (FORMAT.md §3).
pub(crate) fn write(doc: &OutDoc<'_>, out: &mut Vec<u8>) {
    let c = &doc.content;
    out.extend_from_slice(br#"{"TLS.ver":"2.0","TLS.identifier":"#);
    write_string(c.identifier, out);
    out.extend_from_slice(br#","TLS.sdkappid":"#);
    out.extend_from_slice(c.sdkappid.as_bytes());
    out.extend_from_slice(br#","TLS.expire":"#);
    out.extend_from_slice(c.expire.as_bytes());
    out.extend_from_slice(br#","TLS.time":"#);
    out.extend_from_slice(c.time.as_bytes());
    if let Some(userbuf) = c.userbuf_b64 {
        // Base64 text never needs escaping.
        out.extend_from_slice(br#","TLS.userbuf":""#);
        out.extend_from_slice(userbuf.as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(br#","TLS.sig":""#);
    out.extend_from_slice(doc.sig_b64);
    out.extend_from_slice(b"\"}");
}

/// A JSON string literal: `"` and `\` and control characters escaped, the rest raw UTF-8.
fn write_string(s: &str, out: &mut Vec<u8>) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        // Nothing to escape (the usual case): the text between quotes, as serde_json writes
        // it too (tested below).
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // serde_json's escaping is the reference; writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_written_as_serde_json_writes_them() {
        let mut cases: Vec<String> = (0..=0x7fu8).map(|b| char::from(b).to_string()).collect();
        cases.extend(
            [
                "",
                "xiaojun",
                "小军/é",
                "a\"b",
                "a\\b",
                "\u{7f}",
                "\u{2028}",
                "\u{10ffff}x",
                "tab\t",
            ]
            .map(str::to_owned),
        );
        for case in &cases {
            let mut ours = Vec::new();
            write_string(case, &mut ours);
            assert_eq!(ours, serde_json::to_vec(case).unwrap(), "{case:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn json_strings_match_serde_json_on_any_text(s in proptest::prelude::any::<String>()) {
            let mut ours = Vec::new();
            write_string(&s, &mut ours);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&s).unwrap());
        }
    }
}
