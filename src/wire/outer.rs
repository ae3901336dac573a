//! The outer text of a token (FORMAT.md §4.2-4.3), and the crate's one entry point to base64:
//! the standard alphabet of `TLS.sig` and `TLS.userbuf` (FORMAT.md §1) goes through here too.
//!
//! Everything is the `base64` crate. `base64-simd`, with a trick that grew its input by zero
//! bytes to keep it in its vector loop, used to encode and decode the outer text; it saved too
//! little of a mint or a verification to keep a second base64 library (see `wire`'s module
//! doc for the measurement).

use std::mem::MaybeUninit;

use base64::Engine as _;
use base64::alphabet::{self, Alphabet};
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

/// FORMAT.md §4.2's alphabet: `*` for `+`, `-` for `/`. (`Alphabet::new` checks 64 distinct
/// printable characters; these are, which a test asserts.)
const URL_ALPHABET: Alphabet =
    match Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-") {
        Ok(a) => a,
        Err(_) => alphabet::STANDARD,
    };

/// FORMAT.md §4.2 without its padding, which is `_` rather than the `=` the engine would write.
const URL_NO_PAD: GeneralPurpose = GeneralPurpose::new(
    &URL_ALPHABET,
    GeneralPurposeConfig::new().with_encode_padding(false),
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
    // One allocation at most, for the text with its padding.
    out.reserve(encoded_len(bytes.len()));
    URL_NO_PAD.encode_string(bytes, out);
    out.extend(std::iter::repeat_n('_', padding(bytes.len())));
}

/// [`encode`] into the start of `out`, which may be uninitialized (the C ABI's caller
/// buffer), writing nothing past the text. Returns the text's length; `out` must hold
/// [`encoded_len`] bytes, else only what fits is written.
pub(crate) fn encode_uninit(bytes: &[u8], out: &mut [MaybeUninit<u8>]) -> usize {
    // Through a stack buffer for a usual token; the copy costs a fraction of the encoding.
    let mut stack = [0u8; 1024];
    let len = encoded_len(bytes.len());
    let text: &[u8] = match stack.get_mut(..len) {
        Some(buf) => {
            let body = URL_NO_PAD.encode_slice(bytes, &mut *buf).unwrap_or(0);
            if let Some(pad) = buf.get_mut(body..) {
                pad.fill(b'_');
            }
            buf
        }
        None => {
            let mut text = String::new();
            encode(bytes, &mut text);
            return copy_into(text.as_bytes(), out);
        }
    };
    copy_into(text, out)
}

fn copy_into(text: &[u8], out: &mut [MaybeUninit<u8>]) -> usize {
    let mut n = 0;
    for (slot, &b) in out.iter_mut().zip(text) {
        slot.write(b);
        n += 1;
    }
    n
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
    let mut out = [0u8; 33];
    match STANDARD.decode_slice(text.as_bytes(), &mut out) {
        Ok(32) => out.first_chunk::<32>().copied(),
        _ => None,
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
const STACK_TEXT: usize = 1024;

/// Undoes FORMAT.md §4.2, accepting plain base64, stripped padding and whitespace (FORMAT.md
/// §4.3), under the token size limit of FORMAT.md §5.1. `read` gets the zlib bytes and what
/// the text looked like, or why it does not decode. A usual token is decoded on the stack.
/// The token is bytes (from the C ABI they need not be text): a byte outside the alphabet is
/// malformed either way.
pub(crate) fn decode<R>(
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
    let mut text_stack = [0u8; STACK_TEXT];
    let mut bytes_stack = [0u8; STACK_TEXT / 4 * 3];
    let (mut text_heap, mut bytes_heap) = (Vec::new(), Vec::new());
    let (text, bytes) = match (
        text_stack.get_mut(..token.len()),
        bytes_stack.get_mut(..token.len() / 4 * 3 + 3),
    ) {
        (Some(text), Some(bytes)) => (text, bytes),
        _ => {
            text_heap.resize(token.len(), 0);
            bytes_heap.resize(token.len() / 4 * 3 + 3, 0);
            (&mut text_heap[..], &mut bytes_heap[..])
        }
    };
    let decoded = normalize(token, text).and_then(|(text, style)| {
        let len = LENIENT
            .decode_slice(text, &mut *bytes)
            .map_err(|e| Malformed::new(Layer::Encoding, format!("not valid base64: {e}")))?;
        Ok((bytes.get(..len).unwrap_or_default(), style))
    });
    read(decoded)
}

/// The token as standard base64 in `buf` (at least the token's length), whitespace removed,
/// with the padding checked; what the text looked like.
fn normalize<'b>(token: &[u8], buf: &'b mut [u8]) -> Result<(&'b [u8], OuterStyle), Malformed> {
    let mut style = OuterStyle::default();
    let mut len = 0;
    for (pos, &byte) in token.iter().enumerate() {
        let mapped = match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => byte,
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
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                style.whitespace = true;
                continue;
            }
            _ => return Err(not_in_alphabet(token, pos)),
        };
        if let Some(slot) = buf.get_mut(len) {
            *slot = mapped;
        }
        len += 1;
    }
    let text = buf.get(..len).unwrap_or_default();
    if text.is_empty() {
        return Err(Malformed::new(Layer::Encoding, "token is empty"));
    }
    let unpadded = text.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let padding = len - unpadded;
    if padding > 2 || text.get(..unpadded).is_some_and(|t| t.contains(&b'=')) {
        return Err(Malformed::new(
            Layer::Encoding,
            "padding (`_` or `=`) may only appear at the end, at most twice",
        ));
    }
    style.padding_stripped = padding == 0 && unpadded % 4 != 0;
    Ok((text, style))
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
        assert_eq!(URL_NO_PAD.encode([0xfb, 0xff]), "*-8");
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
