//! The FORMAT.md §2 signature: HMAC-SHA256 over the content lines, with the key's HMAC state made
//! once per signer or verifier.
//!
//! The content is laid out in one stack buffer and handed to the HMAC core as whole blocks,
//! with only the last partial block going through the block buffer: one copy of each piece,
//! most of them of constant length (a few moves each), instead of one buffered `update` per
//! piece. Content too long for the stack buffer is streamed through the block buffer instead.
//! Both paths end in the `hmac` crate's own finalisation (SHA-256 padding and the outer hash),
//! and the tests compare both with `Hmac<Sha256>` fed the whole content at once.

use hmac::KeyInit;
use hmac::block_api::HmacCore;
use hmac::digest::array::Array;
use hmac::digest::block_api::{Buffer, FixedOutputCore, UpdateCore};
use sha2::Sha256;

use crate::error::KeyError;

/// The content of a typical token (a short identifier, a PrivateMapKey userbuf) fits in four
/// SHA-256 blocks; longer content is streamed.
const LAYOUT_CAP: usize = 4 * 64;

/// The HMAC-SHA256 state keyed with the app key. The key itself is not kept: the keyed state (the inner and outer SHA-256
/// states) is all we need. That state is as sensitive as the key, and is wiped on drop: it
/// lives in sha2's block cores, which zeroize themselves on drop with the `zeroize` feature we
/// enable (asserted below at compile time); so is every copy made per token.
#[derive(Clone)]
pub(crate) struct KeyedMac {
    core: HmacCore<Sha256>,
}

const _: fn() = || {
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<sha2::block_api::Sha256VarCore>();
};

/// The token fields the signature covers (FORMAT.md §2), the numbers in decimal: the caller
/// formats them once for both the signature and the document.
#[derive(Clone, Copy)]
pub(crate) struct Content<'a> {
    pub identifier: &'a str,
    pub sdkappid: &'a str,
    pub time: &'a str,
    pub expire: &'a str,
    pub userbuf_b64: Option<&'a str>,
}

/// Where content pieces go: a fixed buffer (which can run out) or the hash itself.
trait Sink {
    /// Appends `bytes`; `None` when they do not fit.
    fn put(&mut self, bytes: &[u8]) -> Option<()>;
}

/// A fixed buffer filled from the front.
struct Layout<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Sink for Layout<'_> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len.checked_add(bytes.len())?;
        self.buf.get_mut(self.len..end)?.copy_from_slice(bytes);
        self.len = end;
        Some(())
    }
}

/// The hash, fed through its block buffer; never runs out.
struct Stream<'a> {
    core: &'a mut HmacCore<Sha256>,
    buffer: &'a mut Buffer<HmacCore<Sha256>>,
}

impl Sink for Stream<'_> {
    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let core = &mut *self.core;
        self.buffer
            .digest_blocks(bytes, |blocks| core.update_blocks(blocks));
        Some(())
    }
}

impl KeyedMac {
    /// The state for `key`, used as its raw bytes, never hex-decoded (FORMAT.md §1).
    pub(crate) fn new(key: &[u8]) -> Result<Self, KeyError> {
        if key.is_empty() {
            return Err(KeyError::EmptyKey);
        }
        // HMAC accepts keys of any length, so this cannot fail; map it all the same.
        HmacCore::<Sha256>::new_from_slice(key)
            .map(|core| KeyedMac { core })
            .map_err(|_| KeyError::EmptyKey)
    }

    /// The 32-byte tag over the FORMAT.md §2 content lines of `content`; nothing is allocated.
    pub(crate) fn tag(&self, content: &Content<'_>) -> [u8; 32] {
        let mut core = self.core.clone();
        let mut buffer = Buffer::<HmacCore<Sha256>>::default();
        let mut text = [0u8; LAYOUT_CAP];
        let mut layout = Layout {
            buf: &mut text,
            len: 0,
        };
        if self.feed(&mut layout, content).is_some() {
            let laid_out = layout.buf.get(..layout.len).unwrap_or_default();
            let (blocks, tail) = Array::slice_as_chunks(laid_out);
            core.update_blocks(blocks);
            buffer.digest_blocks(tail, |blocks| core.update_blocks(blocks));
        } else {
            // Too long to lay out: every piece through the block buffer, from the start.
            let mut stream = Stream {
                core: &mut core,
                buffer: &mut buffer,
            };
            let _ = self.feed(&mut stream, content);
        }
        let mut out = Default::default();
        core.finalize_fixed_core(&mut buffer, &mut out);
        out.into()
    }

    /// The FORMAT.md §2 content lines, piece by piece.
    #[inline(always)]
    fn feed(&self, sink: &mut impl Sink, c: &Content<'_>) -> Option<()> {
        sink.put(b"TLS.identifier:")?;
        sink.put(c.identifier.as_bytes())?;
        sink.put(b"\nTLS.sdkappid:")?;
        sink.put(c.sdkappid.as_bytes())?;
        sink.put(b"\nTLS.time:")?;
        sink.put(c.time.as_bytes())?;
        sink.put(b"\nTLS.expire:")?;
        sink.put(c.expire.as_bytes())?;
        sink.put(b"\n")?;
        if let Some(userbuf) = c.userbuf_b64 {
            sink.put(b"TLS.userbuf:")?;
            sink.put(userbuf.as_bytes())?;
            sink.put(b"\n")?;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;

    /// The reference: the `hmac` crate's streaming API over the content written out in full.
    fn reference(key: &[u8], c: &Content<'_>) -> [u8; 32] {
        let mut text = format!(
            "TLS.identifier:{}\nTLS.sdkappid:{}\nTLS.time:{}\nTLS.expire:{}\n",
            c.identifier, c.sdkappid, c.time, c.expire
        );
        if let Some(userbuf) = c.userbuf_b64 {
            text.push_str(&format!("TLS.userbuf:{userbuf}\n"));
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn every_content_length_across_the_layout_cap_matches_the_reference() {
        // Identifier lengths from 1 to well past the stack buffer, with and without a userbuf,
        // with short and long numbers: every block boundary of both the laid-out and the
        // streamed paths.
        let key = b"5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
        let mac = KeyedMac::new(key).unwrap();
        let long_userbuf = "QUJD".repeat(40);
        for len in 1..=320 {
            let identifier = "x".repeat(len);
            for sdkappid in ["1400000000", "7", "18446744073709551615"] {
                for userbuf_b64 in [None, Some(""), Some("YWJj"), Some(long_userbuf.as_str())] {
                    let c = Content {
                        identifier: &identifier,
                        sdkappid,
                        time: "1569910200",
                        expire: "18446744072139641415",
                        userbuf_b64,
                    };
                    assert_eq!(mac.tag(&c), reference(key, &c), "{len} {sdkappid}");
                }
            }
        }
    }

    #[test]
    fn an_empty_key_is_refused() {
        assert!(matches!(KeyedMac::new(b""), Err(KeyError::EmptyKey)));
    }

    proptest! {
        #[test]
        fn tags_match_the_hmac_crate(
            key in prop::collection::vec(any::<u8>(), 1..150),
            identifier in any::<String>(),
            sdkappid in any::<u64>(),
            time in any::<u64>(),
            expire in any::<u64>(),
            userbuf_b64 in prop::option::of("[A-Za-z0-9+/=]{0,300}"),
        ) {
            let mac = KeyedMac::new(&key).unwrap();
            let (sdkappid, time, expire) =
                (sdkappid.to_string(), time.to_string(), expire.to_string());
            let c = Content {
                identifier: &identifier,
                sdkappid: &sdkappid,
                time: &time,
                expire: &expire,
                userbuf_b64: userbuf_b64.as_deref(),
            };
            prop_assert_eq!(mac.tag(&c), reference(&key, &c));
        }
    }
}
