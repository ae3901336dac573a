//! The token format in both directions (FORMAT.md §3-4), knowing nothing of keys, signers or
//! verifiers: a document becomes token text, and token text becomes a type-checked document
//! under [`Limits`].
//!
//! ```text
//!  minting    OutDoc --document::write--> JSON --zlib--> bytes --outer::encode--> token
//!  verifying  token --outer::decode--> bytes --zlib::inflate--> JSON --document::parse--> Document
//! ```
//!
//! Each layer has one decoding path, bounded as FORMAT.md §5.1 requires: [`outer`] (the
//! `base64` crate, also the crate's one entry point to base64 for `TLS.sig` and
//! `TLS.userbuf`), [`zlib`] (flate2, with stored streams read in place) and [`document`]
//! (serde_json, with a one-pass reader for the layouts minted in practice).
//!
//! # What is hand-written, and why
//!
//! A hand-written replacement of a library stays only where it saves at least 25% on a path
//! users take by default: minting with `Compression::Stored`, verifying what this library and
//! the official SDKs mint. Instructions per operation (callgrind, `examples/hot_loop`,
//! SHA-256 in software), before this module and after:
//!
//! | operation (hot_loop)               | before | after | change |
//! |------------------------------------|-------:|------:|-------:|
//! | mint, stored (default)             | 12 301 | 13 420 |  +9% |
//! | mint, PrivateMapKey, stored        | 16 270 | 18 190 | +12% |
//! | mint, level 1 (opt-in)             | 19 017 | 212 063 | x11 |
//! | mint, level 6 (opt-in)             | 321 031 | 321 985 |  0% |
//! | verify, our stored token           | 13 360 | 19 720 | +48% |
//! | verify, level 6                    | 16 488 | 24 926 | +51% |
//! | verify, npm SDK token              | 16 503 | 24 883 | +51% |
//! | verify, Python SDK token           | 17 047 | 25 203 | +48% |
//!
//! "Before" had base64-simd, a hand-written inflater, a block-layout HMAC, an any-layout JSON
//! reader and a level-1 compressor; "after" removed them all at once. Measured one by one
//! (BENCHMARKS.md, "After the wire/ move"), only base64-simd on the outer text clears the
//! rule (29% of the default verification) and is back in [`outer`]: the default mint is now
//! 12 531 (+1.9% on before), the default verification 14 003 (+4.8%). The inflater saved
//! 16-18% of a compressed-token verification (now 20 402 for an npm token, +24% on before)
//! and stays removed, as do the block-layout HMAC (0.4%) and the level-1 compressor (opt-in).

mod document;
pub(crate) mod outer;
mod zlib;

use std::mem::MaybeUninit;

pub use outer::OuterStyle;
pub use zlib::Compression;

pub(crate) use document::{Document, OutDoc};

pub(crate) use document::parse as parse_document;
#[cfg(any(test, feature = "internals"))]
pub(crate) use document::{parse_canonical, reference::parse as parse_document_reference};
pub(crate) use outer::{decode_sig, decode_userbuf, encode_sig, encode_standard};

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
// Encoding (FORMAT.md §3 "we emit", §4, §7).
// ---------------------------------------------------------------------------------------------

/// A document or token longer than the limits of FORMAT.md §5.1 allow (FORMAT.md §7: never
/// mint what verification would refuse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLong {
    pub what: &'static str,
    pub len: usize,
    pub max: usize,
}

/// A document's zlib stream, ready to be written out as token text.
#[derive(Default)]
pub(crate) struct Encoder {
    json: Vec<u8>,
    zlib: Vec<u8>,
}

impl Encoder {
    /// Writes `doc` as JSON compressed as `compression` says, checked against `limits`.
    pub(crate) fn encode(
        &mut self,
        doc: &OutDoc<'_>,
        compression: Compression,
        limits: &Limits,
    ) -> Result<(), TooLong> {
        self.json.clear();
        self.zlib.clear();
        let document = if compression == Compression::Stored {
            // Written straight into the stored block: no copy of the document.
            zlib::stored_in_place(&mut self.zlib, |buf| document::write(doc, buf))
        } else {
            document::write(doc, &mut self.json);
            // Checked before compressing: an oversized document is not worth compressing.
            if self.json.len() <= limits.max_inflated_bytes {
                zlib::compress(&self.json, compression, &mut self.zlib);
            }
            self.json.len()
        };
        if document > limits.max_inflated_bytes {
            return Err(TooLong {
                what: "token document",
                len: document,
                max: limits.max_inflated_bytes,
            });
        }
        let token = self.text_len();
        if token > limits.max_token_bytes {
            return Err(TooLong {
                what: "token",
                len: token,
                max: limits.max_token_bytes,
            });
        }
        Ok(())
    }

    /// The length of the token text.
    pub(crate) fn text_len(&self) -> usize {
        outer::encoded_len(self.zlib.len())
    }

    /// Appends the token text (FORMAT.md §4.2) to `out`.
    pub(crate) fn write_text(&self, out: &mut String) {
        outer::encode(&self.zlib, out);
    }

    /// Writes the token text into the start of `out`, which must hold [`Encoder::text_len`]
    /// bytes, and nothing past it. Returns the text's length.
    pub(crate) fn write_text_uninit(&self, out: &mut [MaybeUninit<u8>]) -> usize {
        outer::encode_uninit(&self.zlib, out)
    }

    /// Gives memory back after an unusually large token, so one big mint does not pin it.
    pub(crate) fn trim(&mut self) {
        const KEEP: usize = 16 * 1024;
        if self.json.capacity() > KEEP || self.zlib.capacity() > KEEP {
            *self = Encoder::default();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding (FORMAT.md §4.3, §5.1-5.2).
// ---------------------------------------------------------------------------------------------

/// Token text to a type-checked document (FORMAT.md §5.1-5.2), each layer bounded by
/// `limits`, handed to `read` with its strings borrowed from the decoding buffers where they
/// need no unescaping. The token is bytes (from the C ABI it need not be text).
pub(crate) fn decode<R>(
    token: &[u8],
    limits: &Limits,
    read: impl FnOnce(Result<Document<'_>, crate::VerifyError>) -> R,
) -> R {
    decode_with_stack::<{ outer::STACK_TEXT }, R>(token, limits, read)
}

/// [`decode`] with the outer text decoded in a stack buffer of `N` bytes (see
/// `outer::decode_with_stack`): the same path, for the differential tests and fuzzing.
pub(crate) fn decode_with_stack<const N: usize, R>(
    token: &[u8],
    limits: &Limits,
    read: impl FnOnce(Result<Document<'_>, crate::VerifyError>) -> R,
) -> R {
    outer::decode_with_stack::<N, R>(token, limits, |bytes| match bytes {
        Err(e) => read(Err(e.into())),
        Ok((bytes, _)) => zlib::inflate(bytes, limits.max_inflated_bytes, |json| match json {
            Err(e) => read(Err(e.into())),
            Ok(json) => read(document::parse(json)),
        }),
    })
}

/// Every layer of a token, for inspection.
pub(crate) struct Layers {
    /// What the outer text looked like.
    pub style: OuterStyle,
    /// The zlib stream.
    pub zlib: Vec<u8>,
    /// The JSON bytes.
    pub json: Vec<u8>,
}

/// Token text to its layers, by the same decoders as [`decode`] (FORMAT.md §4.3, §5.1-5.2).
pub(crate) fn unwrap(token: &[u8], limits: &Limits) -> Result<Layers, crate::error::Malformed> {
    outer::decode(token, limits, |bytes| {
        let (bytes, style) = bytes?;
        zlib::inflate(bytes, limits.max_inflated_bytes, |json| {
            Ok(Layers {
                style,
                zlib: bytes.to_vec(),
                json: json?.to_vec(),
            })
        })
    })
}

/// The test and fuzz hooks of `crate::internals`: each layer alone.
#[cfg(any(test, feature = "internals"))]
pub(crate) mod layers {
    use super::*;
    use crate::error::Malformed;

    /// FORMAT.md §4.2-4.3 alone.
    pub(crate) fn decode_outer(
        token: &[u8],
        limits: &Limits,
    ) -> Result<(Vec<u8>, OuterStyle), Malformed> {
        outer::decode(token, limits, |r| r.map(|(b, s)| (b.to_vec(), s)))
    }

    /// FORMAT.md §4.2 alone.
    pub(crate) fn encode_outer(bytes: &[u8], out: &mut String) {
        outer::encode(bytes, out)
    }

    /// FORMAT.md §4.1 inflating alone.
    pub(crate) fn inflate(bytes: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
        zlib::inflate(bytes, max, |r| r.map(<[u8]>::to_vec))
    }

    /// FORMAT.md §4.1 compressing alone.
    pub(crate) fn compress(data: &[u8], compression: Compression, out: &mut Vec<u8>) {
        zlib::compress(data, compression, out)
    }
}
