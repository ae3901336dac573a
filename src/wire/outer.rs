//! The outer text of a token (FORMAT.md §4.2-4.3), and the crate's one entry point to base64:
//! the standard alphabet of `TLS.sig` and `TLS.userbuf` (FORMAT.md §1) goes through here too.
//!
//! The outer text, the one layer every mint and every verification goes through, is encoded
//! and decoded by `base64-simd`, with the alphabet change (`*-_` for `+/=`) as a branch-free
//! pass that vectorizes; everything else (`TLS.sig`, `TLS.userbuf`, the test reference in
//! `crate::internals`) is the `base64` crate. Instructions per operation (callgrind,
//! `examples/hot_loop`, SHA-256 in software), the `base64` crate alone against this:
//!
//! | operation (hot_loop)      | `base64` crate | `base64-simd` | saved |
//! |---------------------------|---------------:|--------------:|------:|
//! | verify, our stored token  |         19 727 |        14 003 |  29%  |
//! | verify, npm SDK token     |         24 882 |        20 402 |  18%  |
//! | mint, stored (default)    |         13 447 |        12 531 |   7%  |
//!
//! The decode clears the project's 25% rule on the default verification: the `base64`
//! crate's decoder took 2 355 instructions per token and the byte-by-byte alphabet pass
//! before it 4 666, against about 1 100 for the vectorized pass and base64-simd here (the
//! whole table: BENCHMARKS.md, "After the wire/ move"). Encoding shares the dependency, so
//! it costs nothing more to keep, and brings the default mint within 2% of the figure before
//! `wire` (12 301). The zero-byte slack that once kept base64-simd's encoder in its vector
//! loop was not restored: it is hand-written and gains under 25%. `TLS.sig` (one per
//! verification) also goes through base64-simd: 160 instructions less per verification.

use std::mem::MaybeUninit;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::Limits;
use crate::error::{Layer, Malformed};

/// Standard alphabet with padding: what we emit for `TLS.userbuf` and `TLS.sig` (FORMAT.md §1).
const STANDARD: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Standard alphabet, padding optional on input (FORMAT.md §4.3), canonical trailing bits
/// required.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// What the outer text looked like, for inspection (FORMAT.md §4.2-4.3).
///
/// ```
/// use usersig::{Signer, DEMO_KEY};
/// let token = Signer::new(1400000000, DEMO_KEY)?.user_sig("alice", 600)?;
/// let plain = token.replace('*', "+").replace('-', "/").replace('_', "=");
/// let style = usersig::inspect(&plain)?.encoding;
/// assert!(style.plain_chars || plain == token);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OuterStyle {
    /// The token used `*`, `-` or `_` (the URL-safe variant of FORMAT.md §4.2).
    pub url_chars: bool,
    /// The token used `+`, `/` or `=` (plain base64; needs percent-encoding in a URL).
    pub plain_chars: bool,
    /// The token's padding was missing.
    pub padding_stripped: bool,
    /// The token contained ASCII whitespace (line wrapping).
    pub whitespace: bool,
}

// ---------------------------------------------------------------------------------------------
// Encoding (FORMAT.md §4.2).
// ---------------------------------------------------------------------------------------------

/// The length of the outer text for `len` bytes: padded base64.
pub(crate) fn encoded_len(len: usize) -> usize {
    len.div_ceil(3).saturating_mul(4)
}

/// Appends the outer text of `bytes` to `out`: base64 with `+/=` written as `*-_`.
pub(crate) fn encode(bytes: &[u8], out: &mut String) {
    let start = out.len();
    let mut text = std::mem::take(out).into_bytes();
    // One allocation at most, for the text with its padding.
    text.reserve(encoded_len(bytes.len()));
    base64_simd::STANDARD_NO_PAD.encode_append(bytes, &mut text);
    if let Some(body) = text.get_mut(start..) {
        body.iter_mut().for_each(to_url_alphabet);
    }
    text.extend(std::iter::repeat_n(b'_', padding(bytes.len())));
    // Base64 output is ASCII, so this cannot fail; if it somehow did, `out` stays empty and
    // the token is rejected by every verifier rather than corrupted.
    *out = String::from_utf8(text).unwrap_or_default();
}

/// [`encode`] into the start of `out`, which may be uninitialized (the C ABI's caller
/// buffer), writing nothing past the text. Returns the text's length; `out` must hold
/// [`encoded_len`] bytes, else only what fits is written.
pub(crate) fn encode_uninit(bytes: &[u8], out: &mut [MaybeUninit<u8>]) -> usize {
    let padded = encoded_len(bytes.len());
    let body = bytes.len().saturating_mul(4).div_ceil(3);
    let Some(text) = out.get_mut(..padded) else {
        // Too short: the text through a `String`, what fits copied.
        let mut text = String::new();
        encode(bytes, &mut text);
        let mut n = 0;
        for (slot, &b) in out.iter_mut().zip(text.as_bytes()) {
            slot.write(b);
            n += 1;
        }
        return n;
    };
    let (body_out, pad_out) = text.split_at_mut(body.min(padded));
    // base64-simd writes exactly `body` bytes into the uninitialized buffer and lends them back.
    let written =
        base64_simd::STANDARD_NO_PAD.encode(bytes, base64_simd::Out::from_uninit_slice(body_out));
    written.iter_mut().for_each(to_url_alphabet);
    for slot in pad_out {
        slot.write(b'_');
    }
    padded
}

/// `+` to `*` and `/` to `-`, branch-free so that it vectorizes: each differs from its
/// replacement in one bit, `+` (0x2b) from `*` (0x2a) in bit 0, `/` (0x2f) from `-` (0x2d)
/// in bit 1.
#[inline(always)]
fn to_url_alphabet(b: &mut u8) {
    let c = *b;
    *b = c ^ u8::from(c == b'+') ^ (u8::from(c == b'/') << 1);
}

/// The `=` (here `_`) characters padded base64 ends with for `len` bytes.
fn padding(len: usize) -> usize {
    (3 - len % 3) % 3
}

/// Appends standard padded base64 (FORMAT.md §1: `TLS.userbuf`) to `out`.
pub(crate) fn encode_standard(bytes: &[u8], out: &mut String) {
    STANDARD.encode_string(bytes, out);
}

/// A 32-byte signature as the 44 characters of `TLS.sig` (FORMAT.md §2).
pub(crate) fn encode_sig(tag: &[u8; 32]) -> [u8; 44] {
    let mut text = [0u8; 44];
    // 32 bytes are always exactly 44 characters of padded base64.
    let _ = STANDARD.encode_slice(tag, &mut text);
    text
}

// ---------------------------------------------------------------------------------------------
// Decoding (FORMAT.md §4.3, §5.1).
// ---------------------------------------------------------------------------------------------

/// `TLS.sig` to its 32 bytes: standard base64 with canonical padding and trailing bits, so
/// exactly 44 characters (FORMAT.md §5.5).
pub(crate) fn decode_sig(text: &str) -> Option<[u8; 32]> {
    if text.len() != 44 {
        return None;
    }
    // Every verification decodes one: base64-simd, as the outer text (see the module doc).
    // 44 characters decode to up to 33 bytes (no padding) and base64-simd asserts that the
    // output has room for what the input can hold: decode into 33, accept exactly 32. (A
    // 32-byte buffer made a 44-character signature without '=' a panic: found by fuzzing.)
    let mut room = [0u8; 33];
    let decoded =
        base64_simd::STANDARD.decode(text.as_bytes(), base64_simd::Out::from_slice(&mut room));
    match decoded {
        Ok(bytes) => <[u8; 32]>::try_from(&*bytes).ok(),
        Err(_) => None,
    }
}

/// Decodes a `TLS.userbuf` value: standard base64, whitespace ignored (old Java SDKs wrapped
/// it with CRLF, FORMAT.md §9), padding optional.
pub(crate) fn decode_userbuf(text: &str) -> Result<Vec<u8>, Malformed> {
    let result = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        LENIENT.decode(&compact)
    } else {
        LENIENT.decode(text)
    };
    result.map_err(|e| Malformed::field("TLS.userbuf", format!("not valid base64: {e}")))
}

/// The longest token text decoded on the stack; longer ones (rare: a long userbuf) use the
/// heap.
pub(crate) const STACK_TEXT: usize = 1024;

/// Undoes FORMAT.md §4.2, accepting plain base64, stripped padding and whitespace (FORMAT.md
/// §4.3), under the token size limit of FORMAT.md §5.1, which is checked before anything else
/// is read. `read` gets the zlib bytes and what the text looked like, or why it does not
/// decode. A usual token is decoded in place in one stack buffer. The token is bytes (from
/// the C ABI they need not be text): a byte outside the alphabet is malformed either way.
pub(crate) fn decode<R>(
    token: &[u8],
    limits: &Limits,
    read: impl FnOnce(Result<(&[u8], OuterStyle), Malformed>) -> R,
) -> R {
    decode_with_stack::<STACK_TEXT, R>(token, limits, read)
}

/// [`decode`] with a stack buffer of `N` bytes: production uses [`STACK_TEXT`]; the fuzz and
/// differential tests run other sizes too, so both sides of the stack/heap choice are compared
/// with the reference on every input.
pub(crate) fn decode_with_stack<const N: usize, R>(
    token: &[u8],
    limits: &Limits,
    read: impl FnOnce(Result<(&[u8], OuterStyle), Malformed>) -> R,
) -> R {
    if token.len() > limits.max_token_bytes {
        return read(Err(Malformed::new(
            Layer::Size,
            format!(
                "token is {} bytes, over the limit of {}",
                token.len(),
                limits.max_token_bytes
            ),
        )));
    }
    let mut stack = [0u8; N];
    let mut heap = Vec::new();
    let buf = match stack.get_mut(..token.len()) {
        Some(buf) => buf,
        None => {
            heap.resize(token.len(), 0);
            &mut heap[..]
        }
    };
    read(decode_in(token, buf))
}

/// The one decoding pass: the alphabet swapped back into `buf` (the token's length) while
/// noting what the text looked like, whitespace dropped when there was any, the padding
/// checked, then `base64-simd` in place. Every refusal is explained by [`explain`].
fn decode_in<'b>(token: &[u8], buf: &'b mut [u8]) -> Result<(&'b [u8], OuterStyle), Malformed> {
    // What the text looked like, one bit each: 1 URL characters, 2 plain ones, 4 whitespace.
    // Whole chunks of 32 with an accumulator per lane, so that the loop vectorizes; the rest
    // through one more chunk, padded with `A` (no flags, mapped to itself).
    let mut lanes = [0u8; 32];
    let mut to = buf.chunks_exact_mut(32);
    let mut from = token.chunks_exact(32);
    for (to, from) in (&mut to).zip(&mut from) {
        classify_chunk(to, from, &mut lanes);
    }
    let (to, from) = (to.into_remainder(), from.remainder());
    if !from.is_empty() {
        let mut chunk = [b'A'; 32];
        for (slot, &c) in chunk.iter_mut().zip(from) {
            *slot = c;
        }
        let mut mapped = [0u8; 32];
        classify_chunk(&mut mapped, &chunk, &mut lanes);
        for (slot, &c) in to.iter_mut().zip(&mapped) {
            *slot = c;
        }
    }
    let seen = lanes.iter().fold(0, |a, b| a | b);
    let (url, plain, space) = (seen & 1 != 0, seen & 2 != 0, seen & 4 != 0);
    let mut len = buf.len().min(token.len());
    let mut whitespace = false;
    if space {
        // Line-wrapped (FORMAT.md §4.3): compact in place.
        let mut kept = 0;
        for i in 0..len {
            let c = buf.get(i).copied().unwrap_or(b' ');
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
                if let Some(slot) = buf.get_mut(kept) {
                    *slot = c;
                }
                kept += 1;
            }
        }
        whitespace = kept != len;
        len = kept;
    }
    let text = buf.get_mut(..len).unwrap_or_default();
    let padding = match text {
        [.., b'=', b'='] => 2,
        [.., b'='] => 1,
        _ => 0,
    };
    let unpadded = len - padding;
    // What the `base64` crate accepts with optional padding: none, or after 2 or 3 characters
    // of the last quad and not past it.
    let padding_ok = padding == 0 || (unpadded % 4 >= 2 && unpadded % 4 + padding <= 4);
    let style = OuterStyle {
        url_chars: url,
        plain_chars: plain,
        padding_stripped: padding == 0 && unpadded % 4 != 0,
        whitespace,
    };
    if len == 0 || !padding_ok {
        return Err(explain(token));
    }
    match text
        .get_mut(..unpadded)
        .map(|t| base64_simd::STANDARD_NO_PAD.decode_inplace(t))
    {
        Some(Ok(bytes)) => Ok((bytes, style)),
        _ => Err(explain(token)),
    }
}

/// [`classify`] over a chunk of 32 bytes: the mapped bytes to `to`, the flags ORed into
/// `lanes`.
#[inline(always)]
fn classify_chunk(to: &mut [u8], from: &[u8], lanes: &mut [u8; 32]) {
    for ((to, &c), lane) in to.iter_mut().zip(from).zip(lanes.iter_mut()) {
        let (mapped, flags) = classify(c);
        *to = mapped;
        *lane |= flags;
    }
}

/// A token byte as standard base64, and what it says of the text: bit 1 a URL character, 2 a
/// plain one, 4 whitespace or a control byte. Branch-free: `*` (0x2a) to `+` (0x2b), `-` (0x2d) to `/` (0x2f),
/// `_` (0x5f) to `=` (0x3d); anything else is left as it is, for the decoder to refuse.
#[inline(always)]
fn classify(c: u8) -> (u8, u8) {
    let (star, dash, under) = (
        u8::from(c == b'*'),
        u8::from(c == b'-'),
        u8::from(c == b'_'),
    );
    let plain = u8::from(c == b'+') | u8::from(c == b'/') | u8::from(c == b'=');
    // Every whitespace byte is at most b' ' and every alphabet byte above it: one compare
    // finds whitespace (or a control byte, which the decoder then refuses).
    let space = u8::from(c <= b' ');
    (
        c ^ star ^ (dash << 1) ^ (under * 0x62),
        star | dash | under | (plain << 1) | (space << 2),
    )
}

/// Why [`decode_in`] refused `token`, in the order a reader checks: a character outside the
/// alphabet, nothing left, misplaced padding, then a base64 text that cannot end as it does.
#[cold]
fn explain(token: &[u8]) -> Malformed {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    if let Some(pos) = token
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b"*-_+/=".contains(&b) || is_space(&b)))
    {
        return not_in_alphabet(token, pos);
    }
    let text: Vec<u8> = token.iter().filter(|b| !is_space(b)).copied().collect();
    if text.is_empty() {
        return Malformed::new(Layer::Encoding, "token is empty");
    }
    let is_pad = |b: &u8| matches!(b, b'_' | b'=');
    let unpadded = text.iter().rposition(|b| !is_pad(b)).map_or(0, |i| i + 1);
    let padding = text.len() - unpadded;
    let misplaced = text.get(..unpadded).is_some_and(|t| t.iter().any(is_pad));
    if padding > 2 || misplaced {
        return Malformed::new(
            Layer::Encoding,
            "padding (`_` or `=`) may only appear at the end, at most twice",
        );
    }
    let why = if unpadded % 4 == 1 {
        format!("{unpadded} characters cannot end a base64 text")
    } else if padding > 0 && (unpadded % 4 < 2 || unpadded % 4 + padding > 4) {
        format!("{padding} padding characters after {unpadded} characters")
    } else {
        "the last character has bits set past the end of the data".to_owned()
    };
    Malformed::new(Layer::Encoding, format!("not valid base64: {why}"))
}

/// The error for the byte at `pos`, which is outside the token alphabet: the character it
/// starts, or, when the token is not text at all, that.
fn not_in_alphabet(token: &[u8], pos: usize) -> Malformed {
    match std::str::from_utf8(token) {
        Ok(text) => {
            let ch = text
                .get(pos..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or('?');
            Malformed::new(
                Layer::Encoding,
                format!("character {ch:?} at byte {pos} is not part of the token alphabet"),
            )
        }
        Err(e) => Malformed::new(Layer::Encoding, format!("token is not UTF-8 text: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference for the outer text: the standard engine, then the three characters
    /// swapped (FORMAT.md §4.2).
    fn reference(bytes: &[u8]) -> String {
        STANDARD
            .encode(bytes)
            .replace('+', "*")
            .replace('/', "-")
            .replace('=', "_")
    }

    fn decoded(token: &str) -> Result<(Vec<u8>, OuterStyle), Malformed> {
        decode(token.as_bytes(), &Limits::default(), |r| {
            r.map(|(b, s)| (b.to_vec(), s))
        })
    }

    #[test]
    fn the_url_alphabet_is_the_one_of_format_4_2() {
        let mut out = String::new();
        encode(&[0xfb, 0xff], &mut out);
        assert_eq!(out, "*-8_");
    }

    #[test]
    fn encoding_equals_the_reference_at_every_length_and_round_trips() {
        for len in 0..=1100usize {
            // Runs of 0xfb/0xff bytes put `+` and `/` at every position.
            let bytes: Vec<u8> = (0..len)
                .map(|i| [0xfb, 0xff, 0xbf, (i * 7) as u8][i % 4])
                .collect();
            let mut out = "abc".to_owned();
            encode(&bytes, &mut out);
            assert_eq!(out, format!("abc{}", reference(&bytes)), "{len}");
            assert_eq!(out.len() - 3, encoded_len(len));
            if len > 0 {
                let (back, style) = decoded(&out[3..]).unwrap();
                assert_eq!(back, bytes);
                assert!(!style.plain_chars && !style.whitespace && !style.padding_stripped);
            }
        }
    }
}
