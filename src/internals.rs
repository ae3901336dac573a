//! Each decoding layer alone, and a library-backed reference for each, for the differential
//! tests in `tests/` and the fuzz targets in `fuzz/`. Only with the `internals` feature, which
//! they enable: not part of the supported API, no stability promise.

use std::borrow::Cow;

use crate::{Compression, Limits, Malformed, VerifyError, wire};

pub use crate::wire::OuterStyle;

/// The fields of a type-checked v2 document (FORMAT.md §3); nothing verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// `TLS.identifier`.
    pub identifier: String,
    /// `TLS.sdkappid`.
    pub sdkappid: u64,
    /// `TLS.expire`.
    pub expire: u64,
    /// `TLS.time`.
    pub time: u64,
    /// `TLS.userbuf` as received.
    pub userbuf_b64: Option<String>,
    /// `TLS.sig` as received.
    pub sig_b64: String,
}

fn fields(d: wire::Document<'_>) -> Fields {
    Fields {
        identifier: d.identifier.into_owned(),
        sdkappid: d.sdkappid,
        expire: d.expire,
        time: d.time,
        userbuf_b64: d.userbuf_b64.map(Cow::into_owned),
        sig_b64: d.sig_b64.into_owned(),
    }
}

/// FORMAT.md §4.2-4.3: token text to zlib bytes, as verification decodes it.
pub fn decode_outer(token: &str, limits: &Limits) -> Result<Vec<u8>, Malformed> {
    wire::layers::decode_outer(token.as_bytes(), limits).map(|(bytes, _)| bytes)
}

/// [`decode_outer`] with what the text looked like.
pub fn decode_outer_styled(
    token: &str,
    limits: &Limits,
) -> Result<(Vec<u8>, OuterStyle), Malformed> {
    wire::layers::decode_outer(token.as_bytes(), limits)
}

/// FORMAT.md §4.2: bytes to token text, as minting writes it.
pub fn encode_outer(bytes: &[u8], out: &mut String) {
    wire::layers::encode_outer(bytes, out)
}

/// FORMAT.md §4.1: a zlib stream inflated under `max`, as verification inflates it.
pub fn inflate(bytes: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
    wire::layers::inflate(bytes, max)
}

/// FORMAT.md §4.1: `data` compressed as minting compresses it.
pub fn compress(data: &[u8], compression: Compression, out: &mut Vec<u8>) {
    wire::layers::compress(data, compression, out)
}

/// FORMAT.md §4: token text to the inflated JSON bytes, as verification decodes it.
pub fn decode_to_json(token: &str, limits: &Limits) -> Result<Vec<u8>, Malformed> {
    wire::unwrap(token.as_bytes(), limits).map(|layers| layers.json)
}

/// FORMAT.md §4 and §3: token bytes to type-checked fields by exactly the path verification
/// takes (`wire::decode`: the outer text in its stack buffer, the stream inflated or read in
/// place, the document read).
pub fn decode_document(token: &[u8], limits: &Limits) -> Result<Fields, VerifyError> {
    wire::decode(token, limits, |doc| doc.map(fields))
}

/// [`decode_document`] with the outer text's stack buffer `N` bytes long instead of
/// production's, so a differential test covers both sides of the stack/heap choice.
pub fn decode_document_with_stack<const N: usize>(
    token: &[u8],
    limits: &Limits,
) -> Result<Fields, VerifyError> {
    wire::decode_with_stack::<N, _>(token, limits, |doc| doc.map(fields))
}

/// [`decode_document`] with production's stack buffer and with none, a small and a large
/// one: their common answer, or `Err` saying which size answered differently. The
/// differential tests and the fuzz target run every input through this, so both sides of the
/// stack/heap choice meet the reference.
pub fn decode_document_at_every_stack_size(
    token: &[u8],
    limits: &Limits,
) -> Result<Result<Fields, VerifyError>, String> {
    let production = decode_document(token, limits);
    for (size, other) in [
        (0, decode_document_with_stack::<0>(token, limits)),
        (48, decode_document_with_stack::<48>(token, limits)),
        (4096, decode_document_with_stack::<4096>(token, limits)),
    ] {
        if format!("{other:?}") != format!("{production:?}") {
            return Err(format!(
                "a {size}-byte stack buffer gives {other:?}, production's gives {production:?}"
            ));
        }
    }
    Ok(production)
}

/// FORMAT.md §3, §5.2: JSON bytes to type-checked fields, as verification reads them.
pub fn parse_document(json: &[u8]) -> Result<Fields, VerifyError> {
    wire::parse_document(json).map(fields)
}

/// The one-pass reader for the layouts minted in practice alone; `None` where it leaves the
/// document to the serde_json reader.
pub fn parse_canonical(json: &[u8]) -> Option<Fields> {
    wire::parse_canonical(json).map(fields)
}

/// The `TLS.userbuf` text to bytes, as verification decodes it.
pub fn decode_userbuf(text: &str) -> Result<Vec<u8>, Malformed> {
    wire::decode_userbuf(text)
}

/// The library-backed reference for each layer: the `base64` crate written the plain way,
/// a fresh flate2 (de)compressor per call, serde_json. Differential tests compare the
/// production path with these.
pub mod reference {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use flate2::{Compress, Decompress, FlushCompress, FlushDecompress, Status};

    use super::{Fields, fields};
    use crate::{Layer, Limits, Malformed, VerifyError, wire};

    /// FORMAT.md §4.2-4.3: the alphabet swapped back and whitespace dropped by string
    /// replacement, then the `base64` crate's standard engine with optional padding.
    pub fn decode_outer(token: &str, limits: &Limits) -> Result<Vec<u8>, Malformed> {
        if token.len() > limits.max_token_bytes {
            return Err(Malformed::new(Layer::Size, "token over the size limit"));
        }
        let text: String = token
            .chars()
            .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c'))
            .map(|c| match c {
                '*' => '+',
                '-' => '/',
                '_' => '=',
                c => c,
            })
            .collect();
        let unpadded = text.trim_end_matches('=');
        if text.len() - unpadded.len() > 2 || unpadded.contains('=') || text.is_empty() {
            return Err(Malformed::new(Layer::Encoding, "bad padding"));
        }
        const LENIENT: GeneralPurpose = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        LENIENT
            .decode(text)
            .map_err(|e| Malformed::new(Layer::Encoding, e.to_string()))
    }

    /// FORMAT.md §4.1: a fresh flate2 decompressor, output bounded by `max`, the whole input
    /// one zlib stream.
    pub fn inflate(bytes: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
        let zlib = |why: String| Malformed::new(Layer::Zlib, why);
        if bytes.len() < 2 {
            return Err(zlib("too short".into()));
        }
        let mut z = Decompress::new(true);
        let mut out = Vec::with_capacity(max.saturating_add(1).min(1 << 20));
        loop {
            let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
            let rest = bytes.get(consumed..).unwrap_or_default();
            if out.len() == out.capacity() {
                out.reserve(4096);
            }
            let before = (z.total_in(), z.total_out());
            let status = z
                .decompress_vec(rest, &mut out, FlushDecompress::None)
                .map_err(|e| zlib(e.to_string()))?;
            if out.len() > max {
                return Err(Malformed::new(Layer::Size, "over the inflate limit"));
            }
            match status {
                Status::StreamEnd => break,
                _ if before == (z.total_in(), z.total_out()) && out.len() < out.capacity() => {
                    return Err(zlib("truncated".into()));
                }
                _ => {}
            }
        }
        if usize::try_from(z.total_in()).ok() != Some(bytes.len()) {
            return Err(zlib("trailing bytes".into()));
        }
        Ok(out)
    }

    /// FORMAT.md §4.1: `data` at zlib `level` by a fresh flate2 compressor.
    pub fn compress(data: &[u8], level: u32) -> Vec<u8> {
        let mut z = Compress::new(flate2::Compression::new(level), true);
        let mut out = Vec::with_capacity(data.len() + data.len() / 1000 * 5 + 64);
        loop {
            let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
            let rest = data.get(consumed..).unwrap_or_default();
            if out.len() == out.capacity() {
                out.reserve(4096);
            }
            match z.compress_vec(rest, &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) | Err(_) => break,
                Ok(_) => {}
            }
        }
        out
    }

    /// FORMAT.md §3, §5.2: serde_json alone.
    pub fn parse_document(json: &[u8]) -> Result<Fields, VerifyError> {
        wire::parse_document_reference(json).map(fields)
    }
}
