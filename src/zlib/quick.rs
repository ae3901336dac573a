//! zlib level 1 for small documents, byte for byte what flate2 (zlib-rs backend) writes.
//!
//! zlib-rs compresses level 1 with zlib-ng's "quick" strategy: one fixed-Huffman block
//! (RFC 1951 §3.2.6), greedy matching against the single most recent position with the same
//! hash of the next four bytes, no hash chains, no lazy evaluation. That is cheap; what makes
//! flate2 slow for a 200-byte token is resetting its 128 KiB hash table on every stream. Here
//! the table is kept per thread and its entries carry the number of the stream that wrote
//! them, so an entry from an earlier stream reads as empty without any clearing, and a stream
//! costs time in proportion to its own length. The table takes 256 KiB per thread that mints
//! at level 1, allocated on its first such token and kept.
//!
//! Output is identical to the reference (`compress_reference(data, 1)`) for every input up to
//! [`MAX_INPUT`] bytes: `tests/zlib_fastpath.rs` checks that with property tests. Longer inputs
//! go to flate2. The details that decide the bytes, read off zlib-rs 0.6 (deflate/algorithm/
//! quick.rs, hash_calc.rs, fill_window):
//! - the hash of position `s` is `(le32(data[s..s+4]) * 2654435761) >> 16` (16 bits) and the
//!   table starts zeroed, so an empty slot proposes position 0;
//! - a candidate is used when it is 1..=`MAX_DIST` back and its first four bytes are equal;
//!   the match then runs to at most 258 bytes and never past the input. Positions inside a
//!   match are not inserted, and nor is anything in the last three bytes;
//! - the whole input is read into the window at once (it is far smaller than the window), so
//!   the window refills that insert extra positions in longer streams never do so here.

use std::cell::RefCell;

use super::HEADER_FASTEST;

/// The longest input taken here: far below where zlib-rs would slide its 32 KiB window, and
/// positions fit the 16-bit hash table entries with room to spare.
pub(crate) const MAX_INPUT: usize = 16 * 1024;

/// zlib-rs's `max_dist()` for a 32 KiB window: `w_size - MIN_LOOKAHEAD`, where
/// `MIN_LOOKAHEAD` is `STD_MAX_MATCH + STD_MIN_MATCH + 1`.
const MAX_DIST: usize = 32 * 1024 - (258 + 3 + 1);
const MAX_MATCH: usize = 258;
const HASH_SLOTS: usize = 1 << 16;

struct Table {
    /// Per hash: the stream number in the high 16 bits, the most recent position with that
    /// hash in the low 16. An entry from another stream reads as position 0, as zlib-rs's
    /// freshly zeroed table would, so nothing needs clearing between streams.
    head: Vec<u32>,
    /// This stream's number, 1..=0xffff; when it wraps, the table is zeroed once.
    stream: u32,
}

thread_local! {
    static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
}

/// Appends `data` as a level-1 zlib stream to `out`. Returns `false`, writing nothing, when
/// `data` is longer than [`MAX_INPUT`] or this thread's table is unavailable (re-entered or
/// being torn down): the caller then uses flate2.
pub(crate) fn compress(data: &[u8], out: &mut Vec<u8>) -> bool {
    if data.len() > MAX_INPUT {
        return false;
    }
    TABLE
        .try_with(|cell| {
            let Ok(mut slot) = cell.try_borrow_mut() else {
                return false;
            };
            let table = slot.get_or_insert_with(Table::new);
            table.next_stream();
            encode(data, table, out);
            true
        })
        .unwrap_or(false)
}

fn hash(v: u32) -> usize {
    // HASH_SLOTS is 1 << 16, so the shifted product always indexes the table.
    (v.wrapping_mul(2_654_435_761) >> 16) as usize
}

fn le32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .and_then(|b| b.first_chunk())
        .map(|b| u32::from_le_bytes(*b))
}

impl Table {
    fn new() -> Self {
        Table {
            head: vec![0; HASH_SLOTS],
            stream: 0,
        }
    }

    /// Starts a stream: every entry now reads as position 0.
    fn next_stream(&mut self) {
        if self.stream == 0xffff {
            self.head.fill(0);
            self.stream = 0;
        }
        self.stream += 1;
    }

    /// Records `pos` as the latest position with hash `h`, returning the previous one.
    fn insert(&mut self, h: usize, pos: usize) -> usize {
        let Some(entry) = self.head.get_mut(h) else {
            return 0;
        };
        let previous = if *entry >> 16 == self.stream {
            *entry & 0xffff
        } else {
            0
        };
        // Positions are below MAX_INPUT, so they fit in 16 bits.
        *entry = self.stream << 16 | pos as u32;
        previous as usize
    }
}

fn encode(data: &[u8], table: &mut Table, out: &mut Vec<u8>) {
    // Fixed codes take at most 9 bits per literal; a match never takes more than its bytes.
    out.reserve(2 + data.len() + data.len() / 8 + 16);
    out.extend_from_slice(&HEADER_FASTEST);
    let mut bits = BitWriter::default();
    // BFINAL = 1, BTYPE = 01 (fixed Huffman codes).
    bits.put(0b011, 3, out);
    let n = data.len();
    let mut s = 0;
    while s < n {
        let left = n - s;
        if let Some(v) = le32(data, s) {
            let candidate = table.insert(hash(v), s);
            let dist = s - candidate.min(s);
            if dist > 0 && dist <= MAX_DIST && le32(data, candidate) == Some(v) {
                let len = common_prefix(data, candidate, s, left.min(MAX_MATCH));
                bits.put_match(len, dist, out);
                s += len;
                continue;
            }
        }
        if let Some(&byte) = data.get(s) {
            let (code, width) = LITERALS.get(usize::from(byte)).copied().unwrap_or_default();
            bits.put(u64::from(code), width, out);
        }
        s += 1;
    }
    // End of block (symbol 256: seven zero bits), then zero padding to the byte boundary.
    bits.put(0, 7, out);
    bits.finish(out);
    out.extend_from_slice(&simd_adler32::adler32(&data).to_be_bytes());
}

/// How many bytes from `a` and `b` agree, up to `max` (at least 4 here: the caller compared
/// the first four).
fn common_prefix(data: &[u8], a: usize, b: usize, max: usize) -> usize {
    let (Some(x), Some(y)) = (data.get(a..), data.get(b..b + max)) else {
        return 0;
    };
    x.iter().zip(y).take_while(|(p, q)| p == q).count()
}

/// Deflate's bit order: codes go in starting from the least significant bit of each byte.
#[derive(Default)]
struct BitWriter {
    buf: u64,
    len: u32,
}

impl BitWriter {
    fn put(&mut self, value: u64, width: u32, out: &mut Vec<u8>) {
        self.buf |= value << self.len;
        self.len += width;
        if self.len >= 32 {
            out.extend_from_slice(&(self.buf as u32).to_le_bytes());
            self.buf >>= 32;
            self.len -= 32;
        }
    }

    /// A length/distance pair: length code and extra bits, distance code and extra bits.
    fn put_match(&mut self, len: usize, dist: usize, out: &mut Vec<u8>) {
        let (code, width) = LENGTHS.get(len - 3).copied().unwrap_or_default();
        // At most 8 + 5 bits here, and at most 5 + 13 below: each fits one `put`.
        self.put(u64::from(code), width, out);
        let (code, width) = distance_bits(dist);
        self.put(code, width, out);
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        while self.len > 0 {
            out.push(self.buf as u8);
            self.buf >>= 8;
            self.len = self.len.saturating_sub(8);
        }
    }
}

/// The fixed code and extra bits for a distance of 1..=32768 (RFC 1951 §3.2.5), as bits to
/// write and their count.
fn distance_bits(dist: usize) -> (u64, u32) {
    let x = (dist - 1) as u32;
    let (code, extra, extra_bits) = if x < 4 {
        (x, 0, 0)
    } else {
        let top = 31 - x.leading_zeros();
        let extra_bits = top - 1;
        (
            2 * top + ((x >> extra_bits) & 1),
            x & ((1 << extra_bits) - 1),
            extra_bits,
        )
    };
    let code = u64::from(reverse(code, 5));
    (code | (u64::from(extra) << 5), 5 + extra_bits)
}

/// `code` with its low `width` bits in reverse order: Huffman codes are sent most significant
/// bit first (RFC 1951 §3.1.1).
const fn reverse(code: u32, width: u32) -> u32 {
    code.reverse_bits() >> (32 - width)
}

/// The fixed literal/length code of `symbol` (0-287) and its width (RFC 1951 §3.2.6): 0-143
/// take 8 bits from 0x30, 144-255 take 9 bits from 0x190, 256-279 take 7 bits from 0, 280-287
/// take 8 bits from 0xc0.
const fn fixed_code(symbol: u32) -> (u32, u32) {
    if symbol < 144 {
        (0x30 + symbol, 8)
    } else if symbol < 256 {
        (0x190 + symbol - 144, 9)
    } else if symbol < 280 {
        (symbol - 256, 7)
    } else {
        (0xc0 + symbol - 280, 8)
    }
}

/// The fixed code of each literal byte, reversed for sending, and its width.
static LITERALS: [(u16, u32); 256] = literal_codes();

// Evaluated at compile time only, where an index out of range fails the build.
#[allow(clippy::indexing_slicing)]
const fn literal_codes() -> [(u16, u32); 256] {
    let mut table = [(0u16, 0u32); 256];
    let mut c = 0;
    while c < 256 {
        let (code, width) = fixed_code(c as u32);
        table[c] = (reverse(code, width) as u16, width);
        c += 1;
    }
    table
}

/// For a match length of 3..=258 (indexed by length - 3): the fixed code of its length
/// symbol, reversed, with the extra bits above it, and the total width.
static LENGTHS: [(u16, u32); 256] = length_codes();

// Evaluated at compile time only, where an index out of range fails the build.
#[allow(clippy::indexing_slicing)]
const fn length_codes() -> [(u16, u32); 256] {
    let mut table = [(0u16, 0u32); 256];
    let mut x = 0u32;
    while x < 256 {
        let (symbol, extra, extra_bits) = if x < 8 {
            (257 + x, 0, 0)
        } else if x == 255 {
            (285, 0, 0)
        } else {
            let top = 31 - x.leading_zeros();
            let extra_bits = top - 2;
            (
                257 + 4 * (top - 1) + ((x >> extra_bits) & 3),
                x & ((1 << extra_bits) - 1),
                extra_bits,
            )
        };
        let (code, width) = fixed_code(symbol);
        table[x as usize] = (
            (reverse(code, width) | (extra << width)) as u16,
            width + extra_bits,
        );
        x += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_code_is_rfc1951s_table() {
        // (first symbol, its code, width) of each range, and the last symbols' codes.
        for (symbol, code, width) in [
            (0, 0b0011_0000, 8),
            (143, 0b1011_1111, 8),
            (144, 0b1_1001_0000, 9),
            (255, 0b1_1111_1111, 9),
            (256, 0, 7),
            (279, 0b001_0111, 7),
            (280, 0b1100_0000, 8),
            (287, 0b1100_0111, 8),
        ] {
            assert_eq!(fixed_code(symbol), (code, width), "{symbol}");
        }
        assert_eq!(LITERALS[b'a' as usize], (reverse(0x30 + 97, 8) as u16, 8));
    }

    #[test]
    fn length_and_distance_codes_follow_rfc1951() {
        // (length, symbol, extra bits, extra value), RFC 1951 §3.2.5.
        for (len, symbol, extra_bits, extra) in [
            (3, 257, 0, 0),
            (10, 264, 0, 0),
            (11, 265, 1, 0),
            (12, 265, 1, 1),
            (19, 269, 2, 0),
            (130, 280, 4, 15),
            (257, 284, 5, 30),
            (258, 285, 0, 0),
        ] {
            let (code, width) = fixed_code(symbol);
            let want = reverse(code, width) | (extra << width);
            assert_eq!(LENGTHS[len - 3], (want as u16, width + extra_bits), "{len}");
        }
        let distances: [(usize, u32, u32, u32); 7] = [
            (1, 0, 0, 0),
            (4, 3, 0, 0),
            (5, 4, 1, 0),
            (7, 5, 1, 0),
            (8, 5, 1, 1),
            (24_577, 29, 13, 0),
            (32_768, 29, 13, 8191),
        ];
        for (dist, code, extra_bits, extra) in distances {
            let want = u64::from(reverse(code, 5)) | (u64::from(extra) << 5);
            assert_eq!(distance_bits(dist), (want, 5 + extra_bits), "{dist}");
        }
    }

    #[test]
    fn entries_from_earlier_streams_read_as_empty_even_across_the_wrap() {
        let doc: &[u8] = br#"{"TLS.ver":"2.0","TLS.identifier":"x","TLS.sig":"x"}"#;
        let mut table = Table::new();
        let mut first = Vec::new();
        table.next_stream();
        encode(doc, &mut table, &mut first);
        // 0x10000 streams later the counter has wrapped; the output must not change.
        for _ in 0..0x10000 {
            table.next_stream();
            let mut again = Vec::new();
            encode(doc, &mut table, &mut again);
            assert_eq!(again, first);
        }
    }
}
