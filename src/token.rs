//! The wire format: the JSON document, the zlib stream and the outer base64 variant
//! (FORMAT.md §3-4), in both directions. Knows nothing of keys or signatures.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::mem::MaybeUninit;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Layer, Malformed, Shown, VerifyError};
use crate::mac::Content;
use crate::zlib;

/// Standard alphabet, padding optional on input (FORMAT.md §4.3), canonical trailing bits required.
pub(crate) const B64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard alphabet with padding: what we emit for `TLS.userbuf` and `TLS.sig` (FORMAT.md §1).
pub(crate) const B64: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// How the JSON document is compressed. Every setting yields a zlib stream (FORMAT.md §4.1) that
/// every official verifier accepts; they trade token length for minting speed.
///
/// ```
/// use usersig::{Compression, Mint, Signer, DEMO_KEY};
/// let stored = Signer::new(1400000000, DEMO_KEY)?.with_compression(Compression::Stored);
/// let small = Signer::new(1400000000, DEMO_KEY)?.with_compression(Compression::Standard);
/// let mint = Mint::new("xiaojun").time(1569910200);
/// assert!(small.mint(&mint)?.len() < stored.mint(&mint)?.len());
/// # Ok::<(), usersig::SignError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compression {
    /// Level 0: stored blocks, the fastest to mint and to verify (the Go SDK since 2024-11).
    #[default]
    Stored,
    /// Level 1: fast compression (the C++ SDK). The best choice for short tokens: about
    /// twice the cost of `Stored` to mint, and for a plain UserSig within 5% of `Standard`'s
    /// length (a PrivateMapKey comes out up to ~8% longer). Written by a specialised encoder
    /// that gives exactly flate2's bytes (see `usersig::zlib`).
    Fast,
    /// Level 6: zlib's default, the shortest tokens in practice (Python, Node, PHP, Java).
    Standard,
}

impl Compression {
    /// The zlib level this setting uses.
    ///
    /// ```
    /// assert_eq!(usersig::Compression::Standard.level(), 6);
    /// ```
    pub const fn level(self) -> u32 {
        match self {
            Compression::Stored => 0,
            Compression::Fast => 1,
            Compression::Standard => 6,
        }
    }
}

/// Size limits on untrusted tokens, enforced while decoding and inflating (FORMAT.md §5.1).
///
/// ```
/// let limits = usersig::Limits::default();
/// assert_eq!((limits.max_token_bytes, limits.max_inflated_bytes), (16 * 1024, 64 * 1024));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest token accepted, in bytes of token text.
    pub max_token_bytes: usize,
    /// The most bytes the zlib stream may inflate to.
    pub max_inflated_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_token_bytes: 16 * 1024,
            max_inflated_bytes: 64 * 1024,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding (FORMAT.md §3 "we emit", §4).
// ---------------------------------------------------------------------------------------------

/// The fields we write (FORMAT.md §3): the signed content and the signature.
pub(crate) struct OutDoc<'a> {
    pub content: Content<'a>,
    /// Base64 text (ASCII), kept as bytes: it is only ever copied into the document.
    pub sig_b64: &'a [u8],
}

/// Compact JSON in the order ver, identifier, sdkappid, expire, time, [userbuf], sig; no
/// trailing newline; non-ASCII as raw UTF-8 (FORMAT.md §3).
pub(crate) fn write_json(doc: &OutDoc<'_>, out: &mut Vec<u8>) {
    let c = &doc.content;
    out.extend_from_slice(br#"{"TLS.ver":"2.0","TLS.identifier":"#);
    write_json_string(c.identifier, out);
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
fn write_json_string(s: &str, out: &mut Vec<u8>) {
    if crate::json_fast::plain_string_len(s.as_bytes()) == s.len() {
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

/// Compresses `json` as a zlib stream (FORMAT.md §4.1) and appends it to `out`.
pub(crate) fn compress(json: &[u8], compression: Compression, out: &mut Vec<u8>) {
    match compression {
        Compression::Stored => zlib::compress_stored(json, out),
        other => zlib::compress_level(json, other.level(), out),
    }
}

/// Appends the outer encoding of FORMAT.md §4.2 to `out`: base64 with `+/=` written as `*-_`.
pub(crate) fn encode_outer(bytes: &[u8], out: &mut String) {
    encode_outer_vec(&mut bytes.to_vec(), out);
}

/// [`encode_outer`] for bytes in a `Vec`, which is lent for the zero slack that keeps the
/// whole encoding in base64-simd's vector loop (see [`with_zero_slack`]); it is given back
/// as it came.
pub(crate) fn encode_outer_vec(bytes: &mut Vec<u8>, out: &mut String) {
    let start = out.len();
    let mut text = std::mem::take(out).into_bytes();
    // At least 24 more input bytes give at least 32 more characters, so the alphabet pass
    // runs over whole 32-byte chunks, with no scalar tail either, and the padding fits.
    let len = with_zero_slack(bytes, 24, |input| {
        base64_simd::STANDARD_NO_PAD.encode_append(input, &mut text);
    });
    let padded = finish_outer(text.get_mut(start..).unwrap_or_default(), len);
    text.truncate(start + padded);
    // Base64 output is ASCII, so this cannot fail; if it somehow did, `out` stays empty and
    // the token is rejected by every verifier rather than corrupted.
    *out = String::from_utf8(text).unwrap_or_default();
}

/// The length of the outer text for `len` bytes: padded base64.
pub(crate) fn outer_len(len: usize) -> usize {
    len.div_ceil(3).saturating_mul(4)
}

/// [`encode_outer_vec`] into the start of `out`, which may be uninitialized (the C ABI's
/// caller buffer): no `String`, so no copy and no UTF-8 check. Returns the text's length,
/// [`outer_len`]; `out` must hold that many bytes, and nothing past them is written, not even
/// for a moment (a caller may share the rest of its buffer with another thread).
///
/// The head of the input, cut where base64-simd's vector loop takes it whole (`6 + 24k + 4`
/// bytes), is encoded in place; the rest, at most 24 bytes from the last whole 3-byte group
/// of the head on, is encoded with zero slack on the stack and copied after it. Base64
/// encodes each 3-byte group on its own, so the two parts join exactly.
// `&mut Vec` as `encode_outer_vec` takes it, so that the minting path's call stays as it is;
// this encoder only reads it.
#[allow(clippy::ptr_arg)]
pub(crate) fn encode_outer_uninit(bytes: &mut Vec<u8>, out: &mut [MaybeUninit<u8>]) -> usize {
    let input: &[u8] = bytes;
    let len = input.len();
    let unpadded = len.saturating_mul(4).div_ceil(3);
    let padded = outer_len(len);
    let Some(out) = out.get_mut(..padded) else {
        // Too short: the caller checked; write nothing rather than a partial token.
        return 0;
    };
    // The head: the longest `6 + 24k + 4` bytes in the input, whose text (`32k + 14`
    // characters) fits in `out` (at least `32k + 16` long). Its last partial group reads a
    // byte past it, so only its whole groups, the first `head - 1` bytes, are kept.
    let (tail_from, text_from) = if len >= 10 {
        let head = (len - 10) / 24 * 24 + 10;
        if let (Some(src), Some(dst)) = (input.get(..head), out.get_mut(..head.div_ceil(3) * 4 - 2))
        {
            let text =
                base64_simd::STANDARD_NO_PAD.encode(src, base64_simd::Out::from_uninit_slice(dst));
            to_url_alphabet_all(text);
        }
        (head - 1, (head - 1) / 3 * 4)
    } else {
        (0, 0)
    };
    // The tail: at most 24 bytes (9 when there is no head), grown with zeros to a shape the
    // vector loop takes whole (at most 34 bytes, 46 characters), encoded, changed to the URL
    // alphabet and padded on the stack, then copied over the head's last partial group.
    let tail = input.get(tail_from..).unwrap_or_default();
    let mut grown = [0u8; 40];
    let shape = vector_shape(tail.len(), 1).min(grown.len());
    if let Some(dst) = grown.get_mut(..tail.len()) {
        dst.copy_from_slice(tail);
    }
    let mut scratch = [MaybeUninit::<u8>::uninit(); 64];
    let encoded = base64_simd::STANDARD_NO_PAD.encode(
        grown.get(..shape).unwrap_or_default(),
        base64_simd::Out::from_uninit_slice(&mut scratch),
    );
    let mut text = [b'_'; 48];
    let want = unpadded.saturating_sub(text_from);
    if let (Some(dst), Some(src)) = (text.get_mut(..want), encoded.get(..want)) {
        dst.copy_from_slice(src);
        to_url_alphabet_all(dst);
    }
    if let (Some(dst), Some(src)) = (out.get_mut(text_from..), text.get(..padded - text_from)) {
        for (slot, &b) in dst.iter_mut().zip(src) {
            slot.write(b);
        }
    }
    padded
}

/// [`to_url_alphabet`] over `text`, 32 bytes at a time so that it vectorizes.
fn to_url_alphabet_all(text: &mut [u8]) {
    let mut chunks = text.chunks_exact_mut(32);
    for chunk in &mut chunks {
        chunk.iter_mut().for_each(to_url_alphabet);
    }
    chunks.into_remainder().iter_mut().for_each(to_url_alphabet);
}

/// The alphabet change and the padding over `body`, the text base64-simd wrote for a
/// slack-grown input whose wanted part is `len` characters. Returns the padded length.
fn finish_outer(body: &mut [u8], len: usize) -> usize {
    let covered = len.div_ceil(32).saturating_mul(32).min(body.len());
    let mut chunks = body
        .get_mut(..covered)
        .unwrap_or_default()
        .chunks_exact_mut(32);
    for chunk in &mut chunks {
        chunk.iter_mut().for_each(to_url_alphabet);
    }
    // Empty, given the slack; kept so the text is right whatever base64-simd wrote.
    chunks.into_remainder().iter_mut().for_each(to_url_alphabet);
    let padded = len.div_ceil(4).saturating_mul(4);
    if let Some(pad) = body.get_mut(len..padded) {
        pad.fill(b'_');
    }
    padded
}

/// The base64 text of `bytes` (either alphabet, no padding) by `encode`, with zero bytes
/// appended to `bytes` while it runs and removed after. Returns the length of the wanted
/// text, `⌈4·len/3⌉`, at the start of what `encode` wrote for the longer input.
///
/// Why: base64-simd encodes in vectors of 24 input bytes after a 6-byte scalar prologue,
/// leaving what is left of `6 + 24k + 4` bytes to a scalar loop that costs as much as the
/// vector part for a token. Grown to that shape (plus `extra`), the input goes through the
/// vector loop whole. It changes nothing in the wanted text: base64 encodes each 3-byte
/// group on its own, and a final partial group of 1 or 2 bytes reads only the top 4 or 2
/// bits of the byte after it, which is 0 here as it is in padded encoding.
pub(crate) fn with_zero_slack(
    bytes: &mut Vec<u8>,
    extra: usize,
    encode: impl FnOnce(&[u8]),
) -> usize {
    let len = bytes.len();
    // A fixed-size run of zeros (inline stores, no `memset` call), of which `encode` sees
    // what the shape needs: at most `extra` + 24 bytes.
    bytes.extend_from_slice(&[0; SLACK]);
    let shape = vector_shape(len, extra).min(len + SLACK);
    encode(bytes.get(..shape).unwrap_or_default());
    bytes.truncate(len);
    len.saturating_mul(4).div_ceil(3)
}

/// How many bytes [`with_zero_slack`] gives `encode` for `len` bytes: at least one zero and
/// `extra` more bytes, then up to the next `6 + 24k + 4`, which base64-simd's vector loop
/// takes whole; at most `len + max(extra, 1) + 23`.
pub(crate) fn vector_shape(len: usize, extra: usize) -> usize {
    let grown = len.saturating_add(extra.max(1));
    let shape = grown
        .saturating_sub(10)
        .div_ceil(24)
        .saturating_mul(24)
        .saturating_add(10);
    shape.max(grown)
}

/// The zero bytes [`with_zero_slack`] appends; enough for an `extra` of up to 40.
const SLACK: usize = 64;

/// `+` to `*` and `/` to `-`, branch-free so that it vectorizes: each differs from its
/// replacement in one bit, `+` (0x2b) from `*` (0x2a) in bit 0, `/` (0x2f) from `-` (0x2d)
/// in bit 1.
#[inline(always)]
fn to_url_alphabet(b: &mut u8) {
    let c = *b;
    *b = c ^ u8::from(c == b'+') ^ (u8::from(c == b'/') << 1);
}

// ---------------------------------------------------------------------------------------------
// Decoding (FORMAT.md §4.3, §5.1-5.2).
// ---------------------------------------------------------------------------------------------

/// What the outer text looked like, for inspection (FORMAT.md §4.2-4.3).
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

/// The one-pass decoder behind [`decode_to_json_fast`]; `None` means "ask the general path".
pub(crate) fn decode_outer_fast(token: &str, limits: &Limits) -> Option<Vec<u8>> {
    let text = fast_text(token.as_bytes(), limits)?;
    let mut buf = vec![0u8; text.len()];
    let len = decode_fast_into(text, &mut buf)?.len();
    buf.truncate(len);
    Some(buf)
}

/// The token's text without its padding, when the one-pass decoder may take it.
fn fast_text<'t>(bytes: &'t [u8], limits: &Limits) -> Option<&'t [u8]> {
    if bytes.is_empty() || bytes.len() > limits.max_token_bytes {
        return None;
    }
    let unpadded = bytes
        .strip_suffix(b"__")
        .or_else(|| bytes.strip_suffix(b"_"))
        .unwrap_or(bytes);
    let padding = bytes.len() - unpadded.len();
    if padding > 0 && bytes.len() % 4 != 0 {
        return None;
    }
    Some(unpadded)
}

/// Undoes the alphabet change into `buf` (exactly `text`'s length) in one vectorizable pass,
/// then SIMD base64 in place. `+` and `/` pass through, as the general path also accepts them
/// (FORMAT.md §4.3).
fn decode_fast_into<'b>(text: &[u8], buf: &'b mut [u8]) -> Option<&'b mut [u8]> {
    for (to, &c) in buf.iter_mut().zip(text) {
        // Branch-free, the inverse of `to_url_alphabet`.
        *to = c ^ u8::from(c == b'*') ^ (u8::from(c == b'-') << 1);
    }
    base64_simd::STANDARD_NO_PAD.decode_inplace(buf).ok()
}

/// [`decode_outer_any`] for a token given as bytes, decoding into `stack` when the token fits
/// there (every usual token does): no allocation, and no UTF-8 check, which the base64
/// alphabet makes redundant (a byte outside ASCII fails the decoder). Longer tokens, and
/// every token the one-pass decoder leaves to the general path, are checked to be text and
/// decoded as before.
pub(crate) fn decode_outer_on_stack<'b>(
    token: &[u8],
    limits: &Limits,
    stack: &'b mut [u8],
) -> Result<Cow<'b, [u8]>, Malformed> {
    // The one-pass decoder into the stack; into a Vec only when the token does not fit there.
    // Once it has refused a token, the general decoder decides, without a second attempt.
    let too_big_for_stack = match fast_text(token, limits) {
        Some(text) => match stack.get_mut(..text.len()) {
            Some(buf) => match decode_fast_into(text, buf) {
                Some(bytes) => return Ok(Cow::Borrowed(bytes)),
                None => false,
            },
            None => true,
        },
        None => false,
    };
    let token = std::str::from_utf8(token)
        .map_err(|e| Malformed::new(Layer::Encoding, format!("token is not UTF-8 text: {e}")))?;
    if too_big_for_stack {
        decode_outer_any(token, limits).map(Cow::Owned)
    } else {
        decode_outer(token, limits).map(|(bytes, _)| Cow::Owned(bytes))
    }
}

/// Undoes FORMAT.md §4.2, accepting plain base64, stripped padding and whitespace (FORMAT.md §4.3).
pub(crate) fn decode_outer(
    token: &str,
    limits: &Limits,
) -> Result<(Vec<u8>, OuterStyle), Malformed> {
    if token.len() > limits.max_token_bytes {
        return Err(Malformed::new(
            Layer::Size,
            format!(
                "token is {} bytes, over the limit of {}",
                token.len(),
                limits.max_token_bytes
            ),
        ));
    }
    let mut style = OuterStyle::default();
    let mut text = Vec::with_capacity(token.len());
    for (pos, byte) in token.bytes().enumerate() {
        let mapped = match byte {
            b'*' | b'-' | b'_' => {
                style.url_chars = true;
                match byte {
                    b'*' => b'+',
                    b'-' => b'/',
                    _ => b'=',
                }
            }
            b'+' | b'/' | b'=' => {
                style.plain_chars = true;
                byte
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => byte,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                style.whitespace = true;
                continue;
            }
            _ => {
                let ch = token
                    .get(pos..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or('?');
                return Err(Malformed::new(
                    Layer::Encoding,
                    format!("character {ch:?} at byte {pos} is not part of the token alphabet"),
                ));
            }
        };
        text.push(mapped);
    }
    if text.is_empty() {
        return Err(Malformed::new(Layer::Encoding, "token is empty"));
    }
    let unpadded = text.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let padding = text.len() - unpadded;
    if padding > 2 || text.get(..unpadded).is_some_and(|t| t.contains(&b'=')) {
        return Err(Malformed::new(
            Layer::Encoding,
            "padding (`_` or `=`) may only appear at the end, at most twice",
        ));
    }
    style.padding_stripped = padding == 0 && unpadded % 4 != 0;
    let bytes = B64_LENIENT
        .decode(&text)
        .map_err(|e| Malformed::new(Layer::Encoding, format!("not valid base64: {e}")))?;
    Ok((bytes, style))
}

// ---------------------------------------------------------------------------------------------
// The JSON document (FORMAT.md §3, §5.2).
// ---------------------------------------------------------------------------------------------

/// A v2 document whose fields all have the right types (FORMAT.md §3). Not yet trusted: nothing
/// here has been checked against a key. The fast reader borrows its strings from the JSON
/// bytes; the reference parser owns them (it has unescaped them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Document<'a> {
    pub identifier: Cow<'a, str>,
    pub sdkappid: u64,
    pub expire: u64,
    pub time: u64,
    /// The `TLS.userbuf` text exactly as received (FORMAT.md §5.5).
    pub userbuf_b64: Option<Cow<'a, str>>,
    pub sig_b64: Cow<'a, str>,
}

/// A JSON value reduced to what field checks need; containers are skipped without storing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
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
pub(crate) const KNOWN_KEYS: [&str; 7] = [
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

/// Parses and type-checks the JSON document (FORMAT.md §3, §5.2). Accepts any key order,
/// whitespace and escapes, and trailing whitespace; rejects everything else.
///
/// The common case takes a one-pass reader ([`crate::json_fast`]); everything else, and every
/// error, comes from the serde_json path ([`parse_document_reference`]).
pub(crate) fn parse_document(json: &[u8]) -> Result<Document<'_>, VerifyError> {
    match crate::json_fast::parse(json) {
        Some(doc) => Ok(doc),
        None => parse_document_reference(json),
    }
}

/// The reference parser: serde_json with strict field checks.
pub(crate) fn parse_document_reference(json: &[u8]) -> Result<Document<'static>, VerifyError> {
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

/// Decodes a `TLS.userbuf` value: standard base64, whitespace ignored (old Java SDKs wrapped
/// it with CRLF, FORMAT.md §9), padding optional.
pub(crate) fn decode_userbuf(text: &str) -> Result<Vec<u8>, Malformed> {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    B64_LENIENT
        .decode(&compact)
        .map_err(|e| Malformed::field(KNOWN_KEYS[USERBUF], format!("not valid base64: {e}")))
}

/// Token text to JSON bytes for verification: the common case (the URL-variant alphabet,
/// no whitespace, canonical or no padding) decodes in one pass without copying; anything else
/// takes the general path of [`decode_outer`], which also explains what is wrong. The fast
/// path accepts a subset of what the general one does, with the same result (tested).
pub(crate) fn decode_to_json_fast(token: &str, limits: &Limits) -> Result<Vec<u8>, Malformed> {
    zlib::inflate(&decode_outer_any(token, limits)?, limits.max_inflated_bytes)
}

/// Token text to zlib bytes: the one-pass decoder when it applies, else the general one.
pub(crate) fn decode_outer_any(token: &str, limits: &Limits) -> Result<Vec<u8>, Malformed> {
    match decode_outer_fast(token, limits) {
        Some(bytes) => Ok(bytes),
        None => decode_outer(token, limits).map(|(bytes, _)| bytes),
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
        for c in 0..=0x7fu8 {
            cases.push(format!(
                "{}abcdefgh{}ijklmnop",
                char::from(c),
                char::from(c)
            ));
        }
        for case in &cases {
            let mut ours = Vec::new();
            write_json_string(case, &mut ours);
            assert_eq!(ours, serde_json::to_vec(case).unwrap(), "{case:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn json_strings_match_serde_json_on_any_text(s in proptest::prelude::any::<String>()) {
            let mut ours = Vec::new();
            write_json_string(&s, &mut ours);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&s).unwrap());
        }
    }

    #[test]
    fn decoding_on_the_stack_equals_decoding_into_a_vec() {
        let limits = Limits::default();
        let mut texts: Vec<String> = ["", "_", "eJw_", "eJ w", "eJw", "eJ*-", "eJ+/", "e==="]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // Lengths around the stack buffer's size, each with every padding form.
        for len in [1usize, 2, 3, 190, 191, 192, 193, 574, 575, 576, 577, 1000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let mut token = String::new();
            encode_outer(&bytes, &mut token);
            texts.push(token.trim_end_matches('_').to_owned());
            texts.push(token.replace('*', "+"));
            texts.push(token);
        }
        for text in &texts {
            let any = decode_outer_any(text, &limits);
            for size in [0usize, 4, 256, 768] {
                let mut stack = vec![0u8; size];
                let on_stack = decode_outer_on_stack(text.as_bytes(), &limits, &mut stack);
                assert_eq!(on_stack.map(Cow::into_owned), any, "{text} {size}");
            }
        }
    }

    /// The reference for the outer text: the `base64` crate with FORMAT.md §4.2's alphabet.
    fn outer_reference(bytes: &[u8]) -> String {
        let alphabet = alphabet::Alphabet::new(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-",
        )
        .unwrap();
        let engine = GeneralPurpose::new(&alphabet, GeneralPurposeConfig::new());
        engine.encode(bytes).replace('=', "_")
    }

    #[test]
    fn zero_slack_changes_neither_the_text_nor_the_input() {
        // Every length through several vector-loop shapes, every `extra` the callers use and
        // more, with input bytes that set every bit the slack could disturb.
        for len in 0..=300usize {
            let bytes: Vec<u8> = (0..len).map(|i| 0xff ^ (i * 29) as u8).collect();
            for extra in [0usize, 1, 2, 23, 24, 25, 40] {
                let mut input = bytes.clone();
                let mut text = b"kept:".to_vec();
                let mut seen = 0;
                let n = with_zero_slack(&mut input, extra, |grown| {
                    seen = grown.len();
                    base64_simd::STANDARD_NO_PAD.encode_append(grown, &mut text);
                });
                assert_eq!(input, bytes, "input given back, {len} {extra}");
                assert!(
                    seen > len && seen >= len + extra.min(40),
                    "{len} {extra}: {seen}"
                );
                let wanted = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&bytes);
                assert_eq!(n, wanted.len(), "{len} {extra}");
                assert_eq!(&text[..5], b"kept:");
                assert_eq!(&text[5..5 + n], wanted.as_bytes(), "{len} {extra}");
            }
        }
    }

    #[test]
    fn outer_encoding_equals_the_reference_at_every_length() {
        for len in 0..=400usize {
            // Runs of 0xfb/0xff bytes put `+` and `/` at every position.
            let bytes: Vec<u8> = (0..len)
                .map(|i| [0xfb, 0xff, 0xbf, (i * 7) as u8][i % 4])
                .collect();
            for prefix in ["", "abc"] {
                let mut out = prefix.to_owned();
                encode_outer(&bytes, &mut out);
                assert_eq!(out, format!("{prefix}{}", outer_reference(&bytes)), "{len}");
                let mut vec = bytes.clone();
                let mut out = prefix.to_owned();
                encode_outer_vec(&mut vec, &mut out);
                assert_eq!(out, format!("{prefix}{}", outer_reference(&bytes)), "{len}");
                assert_eq!(vec, bytes);
            }
        }
    }

    #[test]
    fn outer_encoding_round_trips_and_uses_the_url_alphabet() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        let mut s = String::new();
        encode_outer(&bytes, &mut s);
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"*-_".contains(&b))
        );
        let (back, style) = decode_outer(&s, &Limits::default()).unwrap();
        assert_eq!(back, bytes);
        assert!(style.url_chars && !style.plain_chars);
        assert_eq!(decode_outer_fast(&s, &Limits::default()), Some(bytes));
    }

    #[test]
    fn compress_then_inflate_at_every_level() {
        let json = br#"{"TLS.ver":"2.0"}"#;
        for c in [
            Compression::Stored,
            Compression::Fast,
            Compression::Standard,
        ] {
            let mut z = Vec::new();
            compress(json, c, &mut z);
            assert_eq!(zlib::inflate(&z, 1024).unwrap(), json);
        }
    }

    #[test]
    fn inflate_stops_at_the_limit() {
        let json = vec![b' '; 10_000];
        let mut z = Vec::new();
        compress(&json, Compression::Standard, &mut z);
        let err = zlib::inflate(&z, 9_999).unwrap_err();
        assert_eq!(err.layer, Layer::Size);
        assert_eq!(zlib::inflate(&z, 10_000).unwrap().len(), 10_000);
    }
}
