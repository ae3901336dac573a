//! zlib streams (FORMAT.md §4.1), fast for the small documents tokens carry.
//!
//! Public only for the differential tests and fuzz targets: not part of the supported API.
//!
//! flate2 is the reference path. Two things make it slow for 200-byte documents: creating a
//! compressor or decompressor allocates and clears hundreds of KiB of state, and it is done per
//! call. So:
//! - stored streams (level 0, our default and the Go SDK's) are written and read directly: a
//!   zlib header, stored blocks and an Adler-32. Differential tests in `tests/zlib_fastpath.rs`
//!   prove they produce and accept exactly what flate2 does;
//! - level 1 (`Compression::Fast`) is written by `quick`, a copy of the algorithm zlib-rs uses
//!   for that level with a hash table that needs no clearing, byte for byte what flate2 writes
//!   (tests/zlib_fastpath.rs);
//! - compressed streams are read by `inflate_fast` when they are valid, and by flate2 in every
//!   other case, so errors always come from the reference (tests/inflate_fastpath.rs);
//! - everything else goes through flate2 with one compressor per level and one decompressor
//!   per thread, reset between uses instead of rebuilt.

use std::borrow::Cow;
use std::cell::RefCell;

use flate2::{Compress, Decompress, FlushCompress, FlushDecompress, Status};

use crate::error::{Layer, Malformed};

mod inflate_fast;
mod quick;

/// The largest stored block (RFC 1951 §3.2.4).
const MAX_STORED_BLOCK: usize = 65_535;

/// The header zlib writes for level 0 and 1 (FLEVEL 0, no dictionary, window 32 KiB).
const HEADER_FASTEST: [u8; 2] = [0x78, 0x01];

/// Appends `data` as a zlib stream of stored blocks to `out`.
pub(crate) fn compress_stored(data: &[u8], out: &mut Vec<u8>) {
    let blocks = data.len().div_ceil(MAX_STORED_BLOCK).max(1);
    out.reserve(2 + blocks * 5 + data.len() + 4);
    out.extend_from_slice(&HEADER_FASTEST);
    let mut chunks = data.chunks(MAX_STORED_BLOCK).peekable();
    if chunks.peek().is_none() {
        // An empty final stored block.
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        // BFINAL in bit 0, BTYPE 00, then padding to the byte boundary.
        out.push(u8::from(last));
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&simd_adler32::adler32(&data).to_be_bytes());
}

/// Appends a stored zlib stream of whatever `write` appends, written in place: the document
/// goes straight into the stream's one block instead of being copied there (tokens are far
/// below the 64 KiB a block holds; a longer one is re-framed by [`compress_stored`]). Returns
/// the document's length. The output is what `compress_stored` gives for the same bytes.
pub(crate) fn stored_in_place(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) -> usize {
    let start = out.len();
    // The header, then BFINAL + BTYPE 00 and LEN/NLEN, patched once the length is known.
    out.extend_from_slice(&[HEADER_FASTEST[0], HEADER_FASTEST[1], 1, 0, 0, 0, 0]);
    let body = start + 7;
    write(out);
    let len = out.len() - body;
    match u16::try_from(len) {
        Ok(n) => {
            let ([l0, l1], [n0, n1]) = (n.to_le_bytes(), (!n).to_le_bytes());
            if let Some(slot) = out.get_mut(start + 3..body) {
                slot.copy_from_slice(&[l0, l1, n0, n1]);
            }
            let adler = simd_adler32::adler32(&out.get(body..).unwrap_or_default());
            out.extend_from_slice(&adler.to_be_bytes());
        }
        Err(_) => {
            let document = out.split_off(body);
            out.truncate(start);
            compress_stored(&document, out);
        }
    }
    len
}

thread_local! {
    static COMPRESSORS: RefCell<[Option<Compress>; 10]> = const { RefCell::new([
        None, None, None, None, None, None, None, None, None, None,
    ]) };
    static DECOMPRESSOR: RefCell<Option<Decompress>> = const { RefCell::new(None) };
}

/// Appends `data` compressed at `level` (1-9) as a zlib stream: level 1 by `quick` up to its
/// size limit, the rest through flate2, reusing this thread's compressor for that level.
pub(crate) fn compress_level(data: &[u8], level: u32, out: &mut Vec<u8>) {
    if level == 1 && quick::compress(data, out) {
        return;
    }
    let slot = usize::try_from(level.min(9)).unwrap_or(9);
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
        deflate_into(
            &mut Compress::new(flate2::Compression::new(level), true),
            data,
            out,
        );
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

/// Inflates a zlib stream, never producing more than `max` bytes (FORMAT.md §5.1): a
/// decompression bomb stops after at most `max + 1` bytes of output. The whole input must be
/// the stream: trailing bytes are rejected.
pub fn inflate(bytes: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
    check_header(bytes)?;
    match inflate_stored(bytes, max) {
        Stored::Done(result) => result.map(Cow::into_owned),
        Stored::NotStored => inflate_compressed(bytes, max, &mut []).map(Cow::into_owned),
    }
}

/// [`inflate`] for a caller that reads the output in place, in `read`: a stream of one stored
/// block (our default and the Go SDK's) is read where it lies in `bytes`; a compressed one
/// is inflated into a buffer on the stack when its output fits (every usual token's does),
/// else as [`inflate`] does. Nothing is copied or allocated for a usual token.
pub(crate) fn read_inflated<R>(
    bytes: &[u8],
    max: usize,
    read: impl for<'x> FnOnce(Result<Cow<'x, [u8]>, Malformed>) -> R,
) -> R {
    if let Err(e) = check_header(bytes) {
        return read(Err(e));
    }
    match inflate_stored(bytes, max) {
        Stored::Done(result) => read(result),
        Stored::NotStored => {
            // Only compressed streams pay for (zeroing) this buffer.
            let mut stack = [0u8; 1024];
            read(inflate_compressed(bytes, max, &mut stack))
        }
    }
}

/// A stream with a compressed block, inflated into `stack` when the output fits there, else
/// by the fast inflater into a `Vec`, else by flate2 (which also explains every error).
fn inflate_compressed<'a>(
    bytes: &[u8],
    max: usize,
    stack: &'a mut [u8],
) -> Result<Cow<'a, [u8]>, Malformed> {
    if !stack.is_empty() {
        if let Some(out) = inflate_fast::inflate_on_stack(bytes, max, stack) {
            return Ok(Cow::Borrowed(out));
        }
    }
    match inflate_fast::inflate(bytes, max) {
        Some(out) => Ok(Cow::Owned(out)),
        None => inflate_flate2(bytes, max).map(Cow::Owned),
    }
}

enum Stored<'a> {
    /// The stream is stored blocks only: this is the answer.
    Done(Result<Cow<'a, [u8]>, Malformed>),
    /// A compressed block appears: use the general path.
    NotStored,
}

/// The fast path: a stream of stored blocks only. Anything else is left to flate2, so this
/// never accepts what flate2 would reject, nor the reverse (see tests/zlib_fastpath.rs).
fn inflate_stored(bytes: &[u8], max: usize) -> Stored<'_> {
    let corrupt = |why: &str| {
        Stored::Done(Err(Malformed::new(
            Layer::Zlib,
            format!("corrupt zlib stream: {why}"),
        )))
    };
    let mut pos = 2;
    // One block (the usual case) is borrowed; a second one makes it a copy.
    let mut out: Cow<'_, [u8]> = Cow::Borrowed(&[]);
    let mut blocks = 0usize;
    loop {
        let Some(&head) = bytes.get(pos) else {
            return if out.is_empty() && pos == 2 {
                Stored::NotStored
            } else {
                corrupt("truncated")
            };
        };
        if (head >> 1) & 3 != 0 {
            // A compressed block (or the reserved type 3): flate2 decides, from the start. Streams
            // that mix stored and compressed blocks are legal but rare.
            return Stored::NotStored;
        }
        let Some(&[l0, l1, n0, n1]) = bytes.get(pos + 1..pos + 5).and_then(|s| s.first_chunk())
        else {
            return corrupt("truncated");
        };
        let len = u16::from_le_bytes([l0, l1]);
        if len != !u16::from_le_bytes([n0, n1]) {
            return corrupt("stored block length check failed");
        }
        let len = usize::from(len);
        let Some(data) = bytes.get(pos + 5..pos + 5 + len) else {
            return corrupt("truncated");
        };
        if out.len().saturating_add(len) > max {
            return Stored::Done(Err(too_big(max)));
        }
        if blocks == 0 {
            out = Cow::Borrowed(data);
        } else {
            out.to_mut().extend_from_slice(data);
        }
        blocks += 1;
        pos += 5 + len;
        if head & 1 == 1 {
            break;
        }
    }
    let Some(&[a, b, c, d]) = bytes.get(pos..pos + 4).and_then(|s| s.first_chunk()) else {
        return corrupt("truncated");
    };
    if u32::from_be_bytes([a, b, c, d]) != simd_adler32::adler32(&out.as_ref()) {
        return corrupt("Adler-32 checksum mismatch");
    }
    if pos + 4 != bytes.len() {
        return Stored::Done(Err(trailing(bytes.len() - pos - 4)));
    }
    Stored::Done(Ok(out))
}

fn trailing(n: usize) -> Malformed {
    Malformed::new(
        Layer::Zlib,
        format!("{n} bytes of garbage after the zlib stream"),
    )
}

/// The general path, through flate2, reusing this thread's decompressor.
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

/// Compresses `data` at `level` (0 = stored) by the path minting takes.
pub fn compress(data: &[u8], level: u32, out: &mut Vec<u8>) {
    if level == 0 {
        compress_stored(data, out);
    } else {
        compress_level(data, level, out);
    }
}

/// Level 1 by the fast path alone (`None` where it declines), for differential tests.
#[doc(hidden)]
pub fn compress_fast_only(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    quick::compress(data, &mut out).then_some(out)
}

/// The reference path alone (no fast path, a fresh decompressor), for differential tests.
#[doc(hidden)]
pub fn inflate_reference(bytes: &[u8], max: usize) -> Result<Vec<u8>, Malformed> {
    check_header(bytes)?;
    inflate_with(&mut Decompress::new(true), bytes, max)
}

/// The reference compressor (a fresh flate2 compressor), for differential tests.
#[doc(hidden)]
pub fn compress_reference(data: &[u8], level: u32) -> Vec<u8> {
    let mut out = Vec::new();
    deflate_into(
        &mut Compress::new(flate2::Compression::new(level), true),
        data,
        &mut out,
    );
    out
}

/// The fast inflater alone (header check, then `inflate_fast`; `None` = "ask the reference"),
/// for differential tests.
#[doc(hidden)]
pub fn inflate_fast_only(bytes: &[u8], max: usize) -> Option<Vec<u8>> {
    check_header(bytes).ok()?;
    inflate_fast::inflate(bytes, max)
}

/// The fast inflater into a lent buffer of `stack` bytes alone (`None` = "ask the heap path"),
/// for differential tests.
#[doc(hidden)]
pub fn inflate_fast_on_stack_only(bytes: &[u8], max: usize, stack: usize) -> Option<Vec<u8>> {
    check_header(bytes).ok()?;
    inflate_fast::inflate_on_stack(bytes, max, &mut vec![0xa5; stack]).map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_in_place_stored_stream_is_the_copied_one() {
        for n in [0usize, 1, 200, 65_535, 65_536, 70_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 13 % 256) as u8).collect();
            let mut copied = b"prefix".to_vec();
            compress_stored(&data, &mut copied);
            let mut in_place = b"prefix".to_vec();
            let len = stored_in_place(&mut in_place, |out| out.extend_from_slice(&data));
            assert_eq!(len, n);
            assert_eq!(in_place, copied, "n={n}");
        }
    }
}
