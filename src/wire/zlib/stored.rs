//! zlib streams of stored blocks (RFC 1951 §3.2.4), written and read directly: level 0,
//! which this crate mints by default and the Go SDK since 2024-11 (FORMAT.md §4.1).
//!
//! Kept by measurement (see `wire`'s module doc): through flate2, even with a compressor and a
//! decompressor kept per thread and reset, a stored stream costs resetting zlib-rs's state
//! (its hash table on every deflate reset) and a copy of the document each way. Here the
//! document is written straight into the stream's one block and read where it lies.
//! `tests/zlib_fastpath.rs` checks that what is written is flate2's level-0 stream byte for
//! byte, and that what is read or refused is what flate2 reads or refuses.

use super::{too_big, trailing};
use crate::error::{Layer, Malformed};

/// The largest stored block (RFC 1951 §3.2.4).
const MAX_BLOCK: usize = 65_535;

/// The header zlib writes for level 0 and 1 (FLEVEL 0, no dictionary, window 32 KiB).
const HEADER: [u8; 2] = [0x78, 0x01];

/// Appends `data` as a zlib stream of stored blocks to `out`.
pub(super) fn write(data: &[u8], out: &mut Vec<u8>) {
    let blocks = data.len().div_ceil(MAX_BLOCK).max(1);
    out.reserve(2 + blocks * 5 + data.len() + 4);
    out.extend_from_slice(&HEADER);
    let mut chunks = data.chunks(MAX_BLOCK).peekable();
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
/// below the 64 KiB a block holds; a longer one is re-framed by [`write`]). Returns the
/// document's length. The output is what [`write`] gives for the same bytes.
pub(crate) fn write_in_place(
    out: &mut Vec<u8>,
    write_document: impl FnOnce(&mut Vec<u8>),
) -> usize {
    let start = out.len();
    // The header, then BFINAL + BTYPE 00 and LEN/NLEN, patched once the length is known.
    out.extend_from_slice(&[HEADER[0], HEADER[1], 1, 0, 0, 0, 0]);
    let body = start + 7;
    write_document(out);
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
            write(&document, out);
        }
    }
    len
}

/// A stream (header already checked) of one stored block, our default and the Go SDK's:
/// `Some` with the verdict, the document borrowed where it lies; `None` for anything else (a
/// compressed block, several blocks), for flate2 to decide from the start. Never accepts what
/// flate2 would reject, nor the reverse (tests/zlib_fastpath.rs).
pub(super) fn read(bytes: &[u8], max: usize) -> Option<Result<&[u8], Malformed>> {
    let corrupt = |why: &str| {
        Some(Err(Malformed::new(
            Layer::Zlib,
            format!("corrupt zlib stream: {why}"),
        )))
    };
    // BFINAL set and BTYPE 00: a final stored block. Anything else is flate2's.
    if *bytes.get(2)? & 7 != 1 {
        return None;
    }
    let Some(&[l0, l1, n0, n1]) = bytes.get(3..7).and_then(|s| s.first_chunk()) else {
        return corrupt("truncated");
    };
    let len = u16::from_le_bytes([l0, l1]);
    if len != !u16::from_le_bytes([n0, n1]) {
        return corrupt("stored block length check failed");
    }
    let len = usize::from(len);
    let Some(document) = bytes.get(7..7 + len) else {
        return corrupt("truncated");
    };
    if len > max {
        return Some(Err(too_big(max)));
    }
    let Some(&[a, b, c, d]) = bytes.get(7 + len..11 + len).and_then(|s| s.first_chunk()) else {
        return corrupt("truncated");
    };
    if u32::from_be_bytes([a, b, c, d]) != simd_adler32::adler32(&document) {
        return corrupt("Adler-32 checksum mismatch");
    }
    if 11 + len != bytes.len() {
        return Some(Err(trailing(bytes.len() - 11 - len)));
    }
    Some(Ok(document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_in_place_stream_is_the_copied_one() {
        for n in [0usize, 1, 200, 65_535, 65_536, 70_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 13 % 256) as u8).collect();
            let mut copied = b"prefix".to_vec();
            write(&data, &mut copied);
            let mut in_place = b"prefix".to_vec();
            let len = write_in_place(&mut in_place, |out| out.extend_from_slice(&data));
            assert_eq!(len, n);
            assert_eq!(in_place, copied, "n={n}");
        }
    }
}
