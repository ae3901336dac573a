//! A one-pass reader for the JSON documents every SDK writes in practice (SPEC §3): one flat
//! object of the seven known keys, unescaped strings and plain non-negative integers.
//!
//! It never decides anything on its own: it returns a [`Document`] only when the document is
//! fully valid, and `None` for anything else (escapes, unknown or duplicate keys, floats, a
//! wrong type, a missing field...), which sends the caller to the serde_json path, the
//! reference, which accepts the rest and explains every failure. `tests/json_fastpath.rs`
//! checks differentially that whenever this returns a document, serde_json's path returns the
//! same one.

use crate::token::{Document, KNOWN_KEYS};

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
        // memchr finds the end a word at a time; the control-character check vectorizes.
        let len = memchr::memchr2(b'"', b'\\', rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        // A fold rather than `any`: no early exit, so it vectorizes.
        if rest
            .get(..len)?
            .iter()
            .fold(false, |bad, &b| bad | (b < 0x20))
        {
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
pub(crate) fn parse(json: &[u8]) -> Option<Document> {
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
            let key = c.plain_string()?;
            let slot = KNOWN_KEYS.iter().position(|k| *k == key)?;
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
        Some(Value::Str(s)) => Some(s.to_owned()),
        Some(Value::Num(_)) => return None,
    };
    Some(Document {
        identifier: string(identifier)?.to_owned(),
        sdkappid: number(sdkappid)?,
        expire,
        time,
        userbuf_b64,
        sig_b64: string(sig)?.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
