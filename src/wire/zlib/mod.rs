//! zlib streams (FORMAT.md §4.1): what minting writes (stored blocks, level 1 or level 6) and
//! inflating under a size limit (FORMAT.md §5.1).
//!
//! flate2 (zlib-rs) compresses and inflates, one compressor per level and one decompressor per
//! thread, reset between uses instead of rebuilt: creating one allocates and clears hundreds
//! of KiB, far more than a token costs. The one hand-written part is [`stored`]: stored
//! streams, our default and the Go SDK's, are written and read directly (see its module doc
//! for the measurement that keeps it).

mod stored;

use std::cell::RefCell;

use flate2::{Compress, Decompress, FlushCompress, FlushDecompress, Status};

use crate::error::{Layer, Malformed};

pub(crate) use stored::write_in_place as stored_in_place;

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
    /// Level 1: fast compression (the C++ SDK). For a plain UserSig within 5% of
    /// `Standard`'s length (a PrivateMapKey comes out up to ~8% longer), for less work.
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

/// Appends `json` compressed as `compression` says to `out` (FORMAT.md §4.1).
pub(crate) fn compress(json: &[u8], compression: Compression, out: &mut Vec<u8>) {
    match compression {
        Compression::Stored => stored::write(json, out),
        other => compress_level(json, other.level(), out),
    }
}

thread_local! {
    static COMPRESSORS: RefCell<[Option<Compress>; 2]> = const { RefCell::new([None, None]) };
    static DECOMPRESSOR: RefCell<Option<Decompress>> = const { RefCell::new(None) };
}

/// Appends `data` compressed at `level` (1 or 6; others share level 6's slot) to `out`,
/// reusing this thread's compressor for that level.
fn compress_level(data: &[u8], level: u32, out: &mut Vec<u8>) {
    let slot = usize::from(level != 1);
    let reused = COMPRESSORS.try_with(|cell| {
        let Ok(mut slots) = cell.try_borrow_mut() else {
            return false;
        };
        let Some(entry) = slots.get_mut(slot) else {
            return false;
        };
        let z = entry.get_or_insert_with(|| Compress::new(flate2::Compression::new(level), true));
        z.reset();
        deflate_into(z, data, out);
        true
    });
    if reused != Ok(true) {
        // Thread-local storage is being torn down (or re-entered): use a fresh compressor.
        let mut z = Compress::new(flate2::Compression::new(level), true);
        deflate_into(&mut z, data, out);
    }
}

/// Runs a fresh or reset compressor over all of `data`, appending the stream to `out`.
fn deflate_into(z: &mut Compress, data: &[u8], out: &mut Vec<u8>) {
    // Deflate never grows data by more than 5 bytes per 16 KiB block plus the wrapper.
    out.reserve(data.len() + data.len() / 16_000 * 5 + 64);
    loop {
        let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
        let rest = data.get(consumed..).unwrap_or_default();
        if out.len() == out.capacity() {
            out.reserve(64);
        }
        match z.compress_vec(rest, out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Inflates a zlib stream under the limit of FORMAT.md §5.1 and hands the JSON bytes to
/// `read`: a decompression bomb stops after at most `max + 1` bytes of output. The whole
/// input must be the stream: trailing bytes are rejected. A stream of stored blocks is read
/// where it lies; any other goes through flate2.
pub(crate) fn inflate<R>(
    bytes: &[u8],
    max: usize,
    read: impl FnOnce(Result<&[u8], Malformed>) -> R,
) -> R {
    if let Err(e) = check_header(bytes) {
        return read(Err(e));
    }
    let owned = match stored::read(bytes, max) {
        Some(Ok(document)) => return read(Ok(document)),
        Some(Err(e)) => return read(Err(e)),
        None => inflate_flate2(bytes, max),
    };
    match owned {
        Ok(document) => read(Ok(&document)),
        Err(e) => read(Err(e)),
    }
}

/// Checks the two-byte zlib header (RFC 1950), naming the common wrong formats.
fn check_header(bytes: &[u8]) -> Result<(), Malformed> {
    let (cmf, flg) = match bytes {
        [cmf, flg, ..] => (*cmf, *flg),
        _ => return Err(Malformed::new(Layer::Zlib, "too short for a zlib stream")),
    };
    if cmf == 0x1f && flg == 0x8b {
        return Err(Malformed::new(
            Layer::Zlib,
            "this is gzip, not zlib; UserSig tokens are zlib streams (FORMAT.md §4.1)",
        ));
    }
    let header_ok =
        cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(cmf) * 256 + u16::from(flg)) % 31 == 0;
    if !header_ok {
        return Err(Malformed::new(
            Layer::Zlib,
            "no zlib header (raw deflate and gzip are not accepted, FORMAT.md §4.1)",
        ));
    }
    if flg & 0x20 != 0 {
        return Err(Malformed::new(
            Layer::Zlib,
            "zlib stream needs a preset dictionary",
        ));
    }
    Ok(())
}

fn too_big(max: usize) -> Malformed {
    Malformed::new(
        Layer::Size,
        format!("token inflates to more than {max} bytes"),
    )
}

fn trailing(n: usize) -> Malformed {
    Malformed::new(
        Layer::Zlib,
        format!("{n} bytes of garbage after the zlib stream"),
    )
}

/// Any stream through flate2, reusing this thread's decompressor.
fn inflate_flate2(bytes: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
    let reused = DECOMPRESSOR.try_with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return None;
        };
        let z = slot.get_or_insert_with(|| Decompress::new(true));
        z.reset(true);
        Some(inflate_with(z, bytes, max))
    });
    match reused {
        Ok(Some(result)) => result,
        _ => inflate_with(&mut Decompress::new(true), bytes, max),
    }
}

fn inflate_with(z: &mut Decompress, bytes: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
    // Tokens inflate to a few hundred bytes; start small and grow up to the limit + 1.
    // Any `max` is accepted, `usize::MAX` included: nothing here may overflow.
    let limit = max.saturating_add(1);
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().saturating_mul(4).max(256).min(limit));
    loop {
        let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
        let rest = bytes.get(consumed..).unwrap_or_default();
        if out.len() == out.capacity() {
            if out.len() > max {
                return Err(too_big(max));
            }
            let room = limit.saturating_sub(out.len()).min(out.capacity().max(256));
            out.reserve_exact(room);
        }
        let before = (z.total_in(), z.total_out());
        let status = z
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|e| Malformed::new(Layer::Zlib, format!("corrupt zlib stream: {e}")))?;
        if out.len() > max {
            return Err(too_big(max));
        }
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {
                if before == (z.total_in(), z.total_out()) && out.len() < out.capacity() {
                    return Err(Malformed::new(Layer::Zlib, "zlib stream is truncated"));
                }
            }
        }
    }
    let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
    if consumed != bytes.len() {
        return Err(trailing(bytes.len().saturating_sub(consumed)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflated(z: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
        inflate(z, max, |r| r.map(<[u8]>::to_vec))
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
            assert_eq!(inflated(&z, 1024).unwrap(), json);
        }
    }

    #[test]
    fn inflate_stops_at_the_limit() {
        let json = vec![b' '; 10_000];
        for c in [Compression::Stored, Compression::Standard] {
            let mut z = Vec::new();
            compress(&json, c, &mut z);
            let err = inflated(&z, 9_999).unwrap_err();
            assert_eq!(err.layer, Layer::Size);
            assert_eq!(inflated(&z, 10_000).unwrap().len(), 10_000);
        }
    }
}
