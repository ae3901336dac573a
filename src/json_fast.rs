//! A one-pass reader for the JSON documents every SDK writes in practice (SPEC §3): one flat
//! object of the seven known keys, unescaped strings and plain non-negative integers.
//!
//! It never decides anything on its own: it returns a [`Document`] only when the document is
//! fully valid, and `None` for anything else (escapes, unknown or duplicate keys, floats, a
//! wrong type, a missing field...), which sends the caller to the serde_json path, the
//! reference, which accepts the rest and explains every failure. `tests/json_fastpath.rs`
//! checks differentially that whenever this returns a document, serde_json's path returns the
//! same one.

use std::borrow::Cow;

use crate::token::Document;

/// Reads a document already checked to be UTF-8 as a whole (one validation pass instead of
/// one per string): strings are then sliced out at their quotes, which are always character
/// boundaries.
struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// A string with no escapes and no control characters, as UTF-8.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let rest = self.bytes.get(self.pos..)?;
        let len = plain_string_len(rest);
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        let s = self.text.get(self.pos..self.pos + len)?;
        self.pos += len + 1;
        Some(s)
    }

    /// A JSON integer in u64 range: `0` or a digit string without a leading zero, not followed
    /// by a fraction or exponent.
    fn plain_u64(&mut self) -> Option<u64> {
        let rest = self.bytes.get(self.pos..)?;
        let len = rest
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(rest.len());
        let digits = rest.get(..len)?;
        if len == 0 || (len > 1 && digits.first() == Some(&b'0')) {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = rest.get(len) {
            return None;
        }
        // Up to 19 digits cannot overflow u64; only 20 need checked arithmetic.
        let mut n: u64 = 0;
        if len <= 19 {
            for &d in digits {
                n = n * 10 + u64::from(d - b'0');
            }
        } else {
            for &d in digits {
                n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            }
        }
        self.pos += len;
        Some(n)
    }
}

/// The length of the run of bytes that may stand unescaped in a JSON string: up to the first
/// quote, backslash or control character (RFC 8259 §7), or the end. Eight bytes at a time:
/// token strings are short (keys, a 44-byte sig), too short for memchr's vector loops to pay
/// for their set-up, and the control-character check comes in the same pass.
fn plain_string_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte of x that is zero (below 0x20 for `less_than_space`). Bytes
    // above a flagged one may be flagged falsely by the borrow, never bytes below it, so the
    // lowest flag is always a true one.
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let less_than_space = |x: u64| x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut done = 0;
    for chunk in chunks.by_ref() {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(chunk);
        let flags =
            zero_bytes(x ^ (ONES * 0x22)) | zero_bytes(x ^ (ONES * 0x5c)) | less_than_space(x);
        if flags != 0 {
            return done + (flags.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    let tail = chunks.remainder();
    done + tail
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(tail.len())
}

impl Cursor<'_> {
    /// A key that is one of the known keys, by its slot in `token::KNOWN_KEYS`. A JSON string
    /// ends at its first quote, and no known key contains a quote or a backslash, so the key is
    /// exactly a known one iff the text here starts with that key between quotes: matched
    /// without scanning, by one fixed-length compare after a dispatch on the letter that
    /// follows `"TLS.`.
    fn known_key(&mut self) -> Option<usize> {
        let rest = self.bytes.get(self.pos..)?;
        let (slot, len) = match rest.get(5)? {
            b'v' => (0, quoted(rest, b"\"TLS.ver\"")?),
            b'i' => (1, quoted(rest, b"\"TLS.identifier\"")?),
            b's' if rest.get(6) == Some(&b'd') => (2, quoted(rest, b"\"TLS.sdkappid\"")?),
            b'e' => (3, quoted(rest, b"\"TLS.expire\"")?),
            b't' => (4, quoted(rest, b"\"TLS.time\"")?),
            b'u' => (5, quoted(rest, b"\"TLS.userbuf\"")?),
            b's' => (6, quoted(rest, b"\"TLS.sig\"")?),
            _ => return None,
        };
        self.pos += len;
        Some(slot)
    }
}

/// The length of `key` when `rest` starts with it. Its length is a constant at each call, so
/// the compare is a few loads, not a `memcmp` call.
fn quoted<const N: usize>(rest: &[u8], key: &[u8; N]) -> Option<usize> {
    (rest.first_chunk::<N>()? == key).then_some(N)
}

#[derive(Clone, Copy)]
enum Value<'a> {
    Str(&'a str),
    Num(u64),
}

fn string(v: Option<Value<'_>>) -> Option<&str> {
    match v {
        Some(Value::Str(s)) => Some(s),
        _ => None,
    }
}

fn number(v: Option<Value<'_>>) -> Option<u64> {
    match v {
        Some(Value::Num(n)) => Some(n),
        _ => None,
    }
}

/// The document, when `json` is the common, fully valid case; `None` otherwise.
pub(crate) fn parse(json: &[u8]) -> Option<Document<'_>> {
    let text = std::str::from_utf8(json).ok()?;
    let mut c = Cursor {
        text,
        bytes: json,
        pos: 0,
    };
    let mut fields: [Option<Value<'_>>; 7] = [None; 7];
    c.skip_ws();
    c.eat(b'{')?;
    c.skip_ws();
    if c.peek()? != b'}' {
        loop {
            c.skip_ws();
            let slot = c.known_key()?;
            c.skip_ws();
            c.eat(b':')?;
            c.skip_ws();
            let value = match c.peek()? {
                b'"' => Value::Str(c.plain_string()?),
                b'0'..=b'9' => Value::Num(c.plain_u64()?),
                _ => return None,
            };
            let field = fields.get_mut(slot)?;
            if field.is_some() {
                return None;
            }
            *field = Some(value);
            c.skip_ws();
            match c.peek()? {
                b',' => c.pos += 1,
                b'}' => break,
                _ => return None,
            }
        }
    }
    c.eat(b'}')?;
    c.skip_ws();
    if c.pos != json.len() {
        return None;
    }

    let [ver, identifier, sdkappid, expire, time, userbuf, sig] = fields;
    if string(ver)? != "2.0" {
        return None;
    }
    let (expire, time) = (number(expire)?, number(time)?);
    time.checked_add(expire)?;
    let userbuf_b64 = match userbuf {
        None => None,
        Some(Value::Str(s)) => Some(Cow::Borrowed(s)),
        Some(Value::Num(_)) => return None,
    };
    Some(Document {
        identifier: Cow::Borrowed(string(identifier)?),
        sdkappid: number(sdkappid)?,
        expire,
        time,
        userbuf_b64,
        sig_b64: Cow::Borrowed(string(sig)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::KNOWN_KEYS;

    #[test]
    fn the_word_scan_finds_the_first_byte_that_ends_a_plain_string() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(b.len())
        };
        // Every position of every ending byte, after every mix of bytes on either side of it
        // (including the neighbours 0x21, 0x23, 0x5b, 0x5d, 0x1f and 0x80+ that a wrong mask
        // would confuse), in strings of every length across two words.
        let fillers = [b'a', 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff, 0x20, 0x01];
        for len in 0..20 {
            for &fill in &fillers {
                let mut text = vec![fill; len];
                assert_eq!(plain_string_len(&text), naive(&text), "{text:?}");
                for at in 0..len {
                    for end in [b'"', b'\\', 0x00, 0x1f, 0x0a] {
                        text[at] = end;
                        assert_eq!(plain_string_len(&text), naive(&text), "{text:?}");
                        text[at] = fill;
                    }
                }
            }
        }
    }

    #[test]
    fn known_keys_are_matched_exactly_and_nothing_else() {
        let slot = |text: &str| {
            let mut c = Cursor {
                text,
                bytes: text.as_bytes(),
                pos: 0,
            };
            c.known_key().map(|slot| (slot, c.pos))
        };
        for (i, key) in KNOWN_KEYS.iter().enumerate() {
            let quoted = format!("\"{key}\":1");
            assert_eq!(slot(&quoted), Some((i, key.len() + 2)), "{key}");
            assert_eq!(slot(&format!("\"{}\":1", key.to_ascii_lowercase())), None);
            assert_eq!(slot(&format!("\"{}\":1", &key[..key.len() - 1])), None);
            assert_eq!(slot(&format!("\"{key}x\":1")), None);
            assert_eq!(slot(&format!("\"{key}\\\"\":1")), None);
            assert_eq!(slot(&quoted[..quoted.len() - 3]), None);
        }
        for other in [
            "",
            "\"",
            "\"TLS.",
            "\"TLS.ve\"",
            "\"TLS.sigg\"",
            "\"TLS.s\"",
            "\"tls.ver\"",
        ] {
            assert_eq!(slot(other), None, "{other}");
        }
    }
    use crate::token::{self, Limits};
    use crate::{Compression, DEMO_KEY, Mint, Privileges, Room, Signer};

    #[test]
    fn every_token_we_mint_takes_the_fast_path_unless_it_needs_escapes() {
        for (id, fast) in [("xiaojun", true), ("小军/é", true), ("a\"b", false)] {
            let plain = Mint::new(id).time(1_569_910_200);
            let mints = [
                plain,
                plain.userbuf(b"\x00\xff"),
                plain.private_map_key(Room::Str("lobby"), Privileges::ALL),
                plain.private_map_key(Room::Numeric(7), Privileges::ALL),
            ];
            for c in [Compression::Stored, Compression::Standard] {
                let signer = Signer::new(1_400_000_000, DEMO_KEY)
                    .unwrap()
                    .with_compression(c);
                for mint in &mints {
                    let token = signer.mint(mint).unwrap();
                    let json = token::decode_to_json_fast(&token, &Limits::default()).unwrap();
                    // An escaped quote needs the reference path; everything else is fast.
                    assert_eq!(
                        parse(&json).is_some(),
                        fast,
                        "{}",
                        String::from_utf8_lossy(&json)
                    );
                }
            }
        }
    }
}
