//! A one-pass reader for the JSON documents our library and the official SDKs mint in
//! practice (FORMAT.md §3): the keys in our order (or npm's, time before expire), compact or
//! with Python's spaces, unescaped strings and plain non-negative integers.
//!
//! It never decides anything on its own: it returns a [`Document`] only when the document is
//! fully valid, and `None` for anything else (escapes, other key orders, unknown or duplicate
//! keys, floats, a wrong type...), which sends the caller to [`super::reference`], which accepts
//! the rest and explains every failure. `tests/json_fastpath.rs` checks differentially that
//! whenever this returns a document, the reference returns the same one. Kept by measurement
//! (see `wire`'s module doc).

use std::borrow::Cow;

use super::Document;

/// Reads a document already checked to be UTF-8 as a whole (one validation pass instead of
/// one per string): strings are then sliced out at their quotes, which are always character
/// boundaries.
struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The first eight bytes of `bytes` as a little-endian word (the first byte lowest), padded
/// with zero bytes when there are fewer.
fn word(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(chunk) => u64::from_le_bytes(*chunk),
        None => {
            let mut padded = [0u8; 8];
            if let Some(head) = padded.get_mut(..bytes.len()) {
                head.copy_from_slice(bytes);
            }
            u64::from_le_bytes(padded)
        }
    }
}

/// How many bytes of `x`, from the lowest, are ASCII digits before the first other byte (8
/// when all are).
fn digit_run(x: u64) -> usize {
    // Digits become 0..=9 in their byte. Adding 0x76 to the low seven bits of a byte sets its
    // high bit exactly when they are 10 or more (and never carries into the next byte); a
    // byte whose high bit is already set is not a digit either.
    let t = x ^ (ONES * 0x30);
    let not_digit = (((t & (ONES * 0x7f)) + ONES * 0x76) | t) & HIGHS;
    (not_digit.trailing_zeros() / 8) as usize
}

/// The value of the first `n` (0 to 8) bytes of `x`, all ASCII digits, the first byte the
/// most significant digit.
fn digits_value(x: u64, n: usize) -> u64 {
    // The digits moved to the top of the word: the bytes shifted in below them are zeros,
    // that is leading zero digits, which change nothing (n = 0 shifts everything out).
    let d = (x ^ (ONES * 0x30))
        .checked_shl(8 * (8 - n as u32))
        .unwrap_or(0);
    // Then neighbours combine without carries: digit pairs in every other byte (at most 99),
    // pairs of pairs in every other 16-bit lane (at most 9999), and the two halves.
    let pairs = (d.wrapping_mul(10) + (d >> 8)) & 0x00ff_00ff_00ff_00ff;
    let quads = (pairs.wrapping_mul(100) + (pairs >> 16)) & 0x0000_ffff_0000_ffff;
    (quads & 0xffff) * 10_000 + (quads >> 32)
}

const POW10: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The JSON integer at the start of `bytes` when it is in u64 range, and its length: `0`, or
/// digits without a leading zero (at most 20). Eight digits at a time.
fn leading_u64(bytes: &[u8]) -> Option<(u64, usize)> {
    let x = word(bytes);
    let n = digit_run(x);
    if n == 0 || (n > 1 && x & 0xff == u64::from(b'0')) {
        return None;
    }
    if n < 8 {
        return Some((digits_value(x, n), n));
    }
    let high = digits_value(x, 8);
    let x = word(bytes.get(8..)?);
    let n = digit_run(x);
    if n < 8 {
        return Some((high * POW10.get(n)? + digits_value(x, n), 8 + n));
    }
    // 16 digits fit in u64 with room to spare; a 17th to 20th may overflow; a 21st always does.
    let high = high * 100_000_000 + digits_value(x, 8);
    let x = word(bytes.get(16..)?);
    let n = digit_run(x);
    if n > 4 {
        return None;
    }
    let value = high
        .checked_mul(*POW10.get(n)?)?
        .checked_add(digits_value(x, n))?;
    Some((value, 16 + n))
}

/// The length of the run of bytes that may stand unescaped in a JSON string: up to the first
/// quote, backslash or control character (RFC 8259 §7), or the end. Eight bytes at a time:
/// token strings are short (keys, a 44-byte sig), too short for memchr's vector loops to pay
/// for their set-up, and the control-character check comes in the same pass.
fn plain_string_len(bytes: &[u8]) -> usize {
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

/// The document when it has exactly the layout we mint (FORMAT.md §3), or one of the official
/// SDKs' variants of it: the keys in the order ver, identifier, sdkappid, expire, time,
/// [userbuf], sig (the npm SDK puts time before expire), either compact (ours, the npm and Go
/// SDKs') or with `", "` and `": "` between items (the Python SDK's `json.dumps`), and `}` or
/// `}\n` at the end (the Go SDK's encoder adds the newline). Read as a sequence of fixed texts and values, with no dispatch on keys and no
/// whitespace to skip; anything else is `None`, for the reference reader. It
/// accepts a subset of what that accepts, with the same values.
pub(crate) fn parse(json: &[u8]) -> Option<Document<'_>> {
    // `{"TLS.ver":` then `"` (compact) or ` ` (spaced).
    if json.get(11) == Some(&b' ') {
        read_layout::<true>(json)
    } else {
        read_layout::<false>(json)
    }
}

/// [`parse`] for one of the two spacings.
#[inline(always)]
fn read_layout<const SPACED: bool>(json: &[u8]) -> Option<Document<'_>> {
    // One validation of the whole text (cheaper than one per string); the strings are then
    // sliced out of it at their quotes, which are character boundaries.
    let text = std::str::from_utf8(json).ok()?;
    let mut c = Cursor {
        text,
        bytes: json,
        pos: 0,
    };
    c.either::<SPACED, _, _>(
        br#"{"TLS.ver":"2.0","TLS.identifier":""#,
        br#"{"TLS.ver": "2.0", "TLS.identifier": ""#,
    )?;
    let identifier = c.string_body()?;
    c.either::<SPACED, _, _>(br#","TLS.sdkappid":"#, br#", "TLS.sdkappid": "#)?;
    let sdkappid = c.uint()?;
    // Expire then time (ours, Go's, Python's), or time then expire (npm's).
    let expire_key =
        |c: &mut Cursor<'_>| c.either::<SPACED, _, _>(br#","TLS.expire":"#, br#", "TLS.expire": "#);
    let time_key =
        |c: &mut Cursor<'_>| c.either::<SPACED, _, _>(br#","TLS.time":"#, br#", "TLS.time": "#);
    let (expire, time) = if expire_key(&mut c).is_some() {
        let expire = c.uint()?;
        time_key(&mut c)?;
        (expire, c.uint()?)
    } else {
        time_key(&mut c)?;
        let time = c.uint()?;
        expire_key(&mut c)?;
        (c.uint()?, time)
    };
    let userbuf_b64 =
        match c.either::<SPACED, _, _>(br#","TLS.userbuf":""#, br#", "TLS.userbuf": ""#) {
            Some(()) => Some(Cow::Borrowed(c.string_body()?)),
            None => None,
        };
    c.either::<SPACED, _, _>(br#","TLS.sig":""#, br#", "TLS.sig": ""#)?;
    let sig = c.string_body()?;
    if !matches!(c.bytes.get(c.pos..)?, b"}" | b"}\n") {
        return None;
    }
    time.checked_add(expire)?;
    Some(Document {
        identifier: Cow::Borrowed(identifier),
        sdkappid,
        expire,
        time,
        userbuf_b64,
        sig_b64: Cow::Borrowed(sig),
    })
}

impl<'a> Cursor<'a> {
    /// Steps over `text` when the input continues with it. Its length is a constant at each
    /// call, so the compare is a few loads, not a `memcmp` call.
    #[inline(always)]
    fn literal<const N: usize>(&mut self, text: &[u8; N]) -> Option<()> {
        let rest = self.bytes.get(self.pos..)?;
        (rest.first_chunk::<N>()? == text).then(|| self.pos += N)
    }

    /// [`Cursor::literal`] with `compact` or, in the spaced layout, `spaced`.
    #[inline(always)]
    fn either<const SPACED: bool, const A: usize, const B: usize>(
        &mut self,
        compact: &[u8; A],
        spaced: &[u8; B],
    ) -> Option<()> {
        if SPACED {
            self.literal(spaced)
        } else {
            self.literal(compact)
        }
    }

    /// The text of a string whose opening quote is already read, up to its closing quote (no
    /// escapes, no control characters); steps over the closing quote.
    #[inline(always)]
    fn string_body(&mut self) -> Option<&'a str> {
        let rest = self.bytes.get(self.pos..)?;
        let len = plain_string_len(rest);
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        let s = self.text.get(self.pos..self.pos + len)?;
        self.pos += len + 1;
        Some(s)
    }

    /// An integer in u64 range with nothing after it checked.
    #[inline(always)]
    fn uint(&mut self) -> Option<u64> {
        let (n, len) = leading_u64(self.bytes.get(self.pos..)?)?;
        self.pos += len;
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// What `leading_u64` must return: the digit run, parsed by the standard library, under
    /// JSON's rules (no leading zero before other digits).
    fn naive_u64(bytes: &[u8]) -> Option<(u64, usize)> {
        let len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let digits = std::str::from_utf8(&bytes[..len]).unwrap();
        if len == 0 || (len > 1 && digits.starts_with('0')) {
            return None;
        }
        digits.parse().ok().map(|n| (n, len))
    }

    #[test]
    fn numbers_eight_digits_at_a_time_equal_the_standard_parse() {
        // Every length from 0 to 24 digits, each digit value at each place, the u64 limits,
        // leading zeros, and every kind of byte after the digits or the end of the input.
        let mut cases: Vec<String> = vec![
            "0".into(),
            "00".into(),
            "01".into(),
            "10".into(),
            "18446744073709551615".into(),
            "18446744073709551616".into(),
            "99999999999999999999".into(),
            "09999999999999999999".into(),
            "10000000000000000000".into(),
            "1844674407370955161".into(),
            "184467440737095516150".into(),
        ];
        for len in 0..=24 {
            for d in '0'..='9' {
                cases.push(std::iter::repeat_n(d, len).collect());
                for at in 0..len {
                    let mut s: Vec<char> = std::iter::repeat_n('7', len).collect();
                    s[at] = d;
                    cases.push(s.into_iter().collect());
                }
            }
            cases.push((0..len).map(|i| char::from(b'1' + (i % 9) as u8)).collect());
        }
        let followers: [&[u8]; 12] = [
            b"", b",", b"}", b".5", b"e3", b"/", b":", b"\x00", b"\xb0", b"\xb9", b" 1", b"a",
        ];
        for case in &cases {
            for follower in followers {
                let mut bytes = case.as_bytes().to_vec();
                bytes.extend_from_slice(follower);
                assert_eq!(leading_u64(&bytes), naive_u64(&bytes), "{bytes:?}");
            }
        }
        // Every single byte value next to digits, in every position of the first word.
        for b in 0..=255u8 {
            for at in 0..10 {
                let mut bytes = b"12345678901".to_vec();
                bytes[at] = b;
                assert_eq!(leading_u64(&bytes), naive_u64(&bytes), "{bytes:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn numbers_agree_with_the_standard_parse_on_any_bytes(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![4 => b'0'..=b'9', 1 => proptest::prelude::any::<u8>()],
                0..30,
            ),
        ) {
            proptest::prop_assert_eq!(leading_u64(&bytes), naive_u64(&bytes));
        }
    }
}
