//! A fast inflater for the small zlib streams tokens carry (RFC 1950, RFC 1951), in safe Rust.
//!
//! # Contract
//!
//! [`inflate`] returns `Some(out)` only when the reference path (flate2 on zlib-rs, see
//! `inflate_reference` in `src/zlib.rs`) would return exactly `Ok(out)` for the same bytes and
//! limit. Every doubt — a corrupt or truncated stream, an output over the limit, a checksum
//! mismatch, trailing bytes, or anything this code does not bother to handle — gives `None`,
//! and the caller then runs the reference, which gives the verdict (and the error message). So
//! this code may be stricter than zlib (only slower), never looser (a bug). The differential
//! tests in `tests/inflate_fastpath.rs` check it against the reference.
//!
//! # zlib's rules, mirrored
//!
//! zlib is not the RFC word for word; the rules here are zlib's (`inflate.c`, `inftrees.c`):
//! - a Huffman code set (RFC 1951 §3.2.2) may not be over-subscribed; it may not be
//!   incomplete either, except a literal/length or distance set of exactly one 1-bit code (the
//!   unused 1-bit code is then an invalid code), and an all-zero distance set (every distance
//!   code is then invalid: fine for a block of literals only). The code length code must be
//!   complete;
//! - at most 286 literal/length and 30 distance codes (HLIT, HDIST, §3.2.7); the fixed code's
//!   symbols 286, 287 (lengths) and 30, 31 (distances) are invalid codes (§3.2.6);
//! - the code length for symbol 256 (end of block) must not be zero; repeat code 16 needs a
//!   previous length, and no repeat may run past HLIT + HDIST lengths;
//! - length code 284 with all five extra bits set decodes to 258, as zlib does;
//! - a distance may not reach before the start of the output (no preset dictionary). zlib
//!   also accepts distances beyond the window CINFO announces (RFC 1950 §2.2: it only checks
//!   that in a "strict" build); this code defers those to the reference instead;
//! - the padding bits before a stored block and after the final block are ignored;
//! - the Adler-32 (RFC 1950 §2.2) must match and must end the input.
//!
//! # Design
//!
//! Bits are read least significant first (RFC 1951 §3.1.1) from a 64-bit buffer refilled a
//! word at a time; past the end of the input it is filled with zero bytes, and consuming any
//! of those is a truncated stream. Codes are decoded through lookup tables indexed by the
//! next bits: the fixed codes' tables are built once; a dynamic block's are built on the stack
//! for the block, as small as its longest code allows, codes longer than the table decoding
//! the canonical way, bit by bit. For fixed blocks, whose literals of ASCII text all have
//! 8-bit codes, four table entries are looked up at once and taken if they are four such
//! literals. The output is one buffer that grows (by doubling, never past `max`) only when a
//! symbol does not fit.

use std::sync::LazyLock;

/// Lookup tables for dynamic literal/length codes: indexed by 8 bits when no code is longer
/// (small documents), else by 10; longer codes (rare) take the canonical slow decode. The
/// table must be initialized in full (safe Rust): small tables for small codes.
const LIT_TABLE_SMALL: usize = 1 << 8;
const LIT_TABLE: usize = 1 << 10;
/// Lookup tables for dynamic distance codes: 7 bits.
const DIST_TABLE: usize = 1 << 7;
/// The code length code has codes of at most 7 bits (§3.2.7).
const CODE_LENGTH_TABLE: usize = 1 << 7;

/// The longest Huffman code (§3.2.7).
const MAX_CODE_BITS: usize = 15;

// A table entry is a `u32`:
// - bits 0..4: the length of the code in bits (bits 4..6 stay zero);
// - bits 8..12: the number of extra bits after it (lengths and distances, §3.2.5);
// - the kind: bit 31 for a literal, else bit 12, 13 or 14 (or none: invalid);
// - bits 16..31: the value: the literal byte, the code length symbol, or the length or
//   distance base.
// An all-zero entry is an invalid code.
const CODE_BITS: u32 = 0xf;
const EXTRA_SHIFT: u32 = 8;
const INVALID: u32 = 0;
/// A literal byte, or a symbol of the code length code.
const LITERAL: u32 = 1 << 31;
/// A length (literal/length code) or a distance (distance code).
const MATCH: u32 = 0x1000;
/// End of block.
const END: u32 = 0x2000;
/// The first bits of a code longer than the table index: decode it the slow way.
const LONG: u32 = 0x4000;
const VALUE_SHIFT: u32 = 16;
const VALUE_MASK: u32 = 0x7fff;

/// Length codes 257..=285: base lengths and extra bits (§3.2.5).
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Distance codes 0..=29: base distances and extra bits (§3.2.5).
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// The order in which a dynamic block sends the code length code's lengths (§3.2.7).
const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Inflates the whole zlib stream `bytes` (header already checked by the caller) if it is
/// valid and inflates to at most `max` bytes; `None` leaves the decision to the reference path.
pub(crate) fn inflate(bytes: &[u8], max: usize) -> Option<Vec<u8>> {
    // Tokens compress by about 1:1.5; grow (never past `max`) if that is not enough.
    let mut out = Out::heap(bytes.len().saturating_mul(4).max(256), max);
    inflate_into(bytes, &mut out)?;
    match out.buf {
        Storage::Heap(mut buf) => {
            buf.truncate(out.len);
            Some(buf)
        }
        Storage::Stack(_) => None,
    }
}

/// [`inflate`] into `stack` (at most `max` bytes of it): `None` also when the output does not
/// fit there, for the caller to try [`inflate`].
pub(crate) fn inflate_on_stack<'s>(
    bytes: &[u8],
    max: usize,
    stack: &'s mut [u8],
) -> Option<&'s [u8]> {
    let room = stack.len().min(max);
    let mut out = Out {
        buf: Storage::Stack(stack.get_mut(..room)?),
        len: 0,
        max: room,
    };
    inflate_into(bytes, &mut out)?;
    match out.buf {
        Storage::Stack(buf) => buf.get(..out.len),
        Storage::Heap(_) => None,
    }
}

fn inflate_into(bytes: &[u8], out: &mut Out<'_>) -> Option<()> {
    // RFC 1950 §2.2: CINFO is the base-2 logarithm of the window size, minus eight.
    let cinfo = u32::from(bytes.first()? >> 4);
    if cinfo > 7 {
        return None;
    }
    let window = 1usize << (cinfo + 8);
    let fixed = FIXED.as_ref()?;
    let mut bits = Bits::new(bytes, 2);
    loop {
        // Block header (§3.2.3): BFINAL, then BTYPE.
        bits.refill()?;
        let header = bits.take(3);
        match header >> 1 {
            0 => stored(&mut bits, out)?,
            1 => block::<true, 512, 288, 32, 32>(&mut bits, out, &fixed.lit, &fixed.dist, window)?,
            2 => dynamic(&mut bits, out, window)?,
            _ => return None,
        }
        if header & 1 == 1 {
            break;
        }
    }
    // The Adler-32 of the output, big-endian, on the next byte boundary (RFC 1950 §2.2), and
    // nothing after it.
    bits.align();
    let at = bits.byte_pos()?;
    let &[a, b, c, d] = bytes.get(at..)? else {
        return None;
    };
    (u32::from_be_bytes([a, b, c, d]) == simd_adler32::adler32(&out.filled())).then_some(())
}

/// A stored block (§3.2.4): the bits up to the byte boundary are skipped.
fn stored(bits: &mut Bits<'_>, out: &mut Out<'_>) -> Option<()> {
    bits.align();
    let at = bits.byte_pos()?;
    let &[l0, l1, n0, n1] = bits.bytes.get(at..)?.first_chunk()?;
    let len = u16::from_le_bytes([l0, l1]);
    if len != !u16::from_le_bytes([n0, n1]) {
        return None;
    }
    let start = at + 4;
    let end = start + usize::from(len);
    out.extend(bits.bytes.get(start..end)?)?;
    bits.seek(end);
    Some(())
}

/// A block with dynamic Huffman codes (§3.2.7): the code length code, the code lengths, then
/// the data.
fn dynamic(input: &mut Bits<'_>, out: &mut Out<'_>, window: usize) -> Option<()> {
    // A copy that can live in registers.
    let mut bits = *input;
    bits.refill()?;
    let hlit = bits.take(5) as usize + 257;
    let hdist = bits.take(5) as usize + 1;
    let hclen = bits.take(4) as usize + 4;
    if hlit > 286 || hdist > 30 {
        return None;
    }
    let mut code_length_lens = [0u8; 19];
    for &sym in CODE_LENGTH_ORDER.iter().take(hclen) {
        bits.refill()?;
        *code_length_lens.get_mut(sym)? = bits.take(3) as u8;
    }
    let mut code_lengths = Huffman::<CODE_LENGTH_TABLE, 19>::new(Alphabet::CodeLength);
    code_lengths.build(&Lengths::of(&code_length_lens)?)?;

    // One run of lengths for both codes: repeats may cross from one to the other.
    let mut lit_lens = Lengths::<286>::new();
    let mut dist_lens = Lengths::<30>::new();
    let (mut lit_used, mut dist_used) = (0, 0);
    let total = hlit + hdist;
    let mut have = 0;
    let mut previous = None;
    while have < total {
        // A code (up to 7 bits) and its extra bits (up to 7).
        if bits.count < 14 {
            bits.refill()?;
        }
        let entry = code_lengths.lookup(bits.buf);
        if entry & LITERAL == 0 {
            return None;
        }
        bits.consume(entry & CODE_BITS);
        let (len, repeat) = match (entry >> VALUE_SHIFT) & VALUE_MASK {
            sym @ 0..=15 => (sym as u8, 1),
            // Repeat the previous length 3-6 times.
            16 => (previous?, 3 + bits.take(2) as usize),
            // Repeat a zero length 3-10 or 11-138 times.
            17 => (0, 3 + bits.take(3) as usize),
            _ => (0, 11 + bits.take(7) as usize),
        };
        let end = have + repeat;
        if end > total {
            return None;
        }
        if len != 0 {
            // (Zeros are there already.)
            for sym in have..end {
                match sym.checked_sub(hlit) {
                    None => lit_lens.set(&mut lit_used, sym, len)?,
                    Some(sym) => dist_lens.set(&mut dist_used, sym, len)?,
                }
            }
        }
        previous = Some(len);
        have = end;
    }
    lit_lens.finish(lit_used);
    dist_lens.finish(dist_used);
    // A block must be able to end.
    if *lit_lens.lens.get(256)? == 0 {
        return None;
    }
    *input = bits;
    let mut dist = Huffman::<DIST_TABLE, 30>::new(Alphabet::Dist);
    dist.build(&dist_lens)?;
    if lit_lens.longest() <= LIT_TABLE_SMALL.trailing_zeros() as usize {
        dynamic_block::<LIT_TABLE_SMALL>(input, out, &lit_lens, &dist, window)
    } else {
        dynamic_block::<LIT_TABLE>(input, out, &lit_lens, &dist, window)
    }
}

/// The data of a dynamic block, with a literal/length table of `L` entries.
fn dynamic_block<const L: usize>(
    bits: &mut Bits<'_>,
    out: &mut Out<'_>,
    lit_lens: &Lengths<286>,
    dist: &Huffman<DIST_TABLE, 30>,
    window: usize,
) -> Option<()> {
    let mut lit = Huffman::<L, 286>::new(Alphabet::LitLen);
    lit.build(lit_lens)?;
    block::<false, L, 286, DIST_TABLE, 30>(bits, out, &lit, dist, window)
}

/// The data of a compressed block (§3.2.5), up to and including its end-of-block code.
/// `FIXED`: the codes are the fixed ones (§3.2.6).
fn block<const FIXED: bool, const L: usize, const LS: usize, const D: usize, const DS: usize>(
    bits: &mut Bits<'_>,
    out: &mut Out<'_>,
    lit: &Huffman<L, LS>,
    dist: &Huffman<D, DS>,
    window: usize,
) -> Option<()> {
    loop {
        let mut len = out.len;
        let stop = run::<FIXED, L, LS, D, DS>(bits, out.dst(), &mut len, lit, dist, window);
        out.len = len;
        match stop {
            Stop::End => return Some(()),
            Stop::Bad => return None,
            Stop::Room(more) => out.grow(more)?,
        }
    }
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);

/// How many of the next bytes of the bit buffer `buf` (at most `count / 8`, at most 7) are
/// fixed-code literals 0..=143, and those literals, one per byte from the lowest.
///
/// The fixed code (§3.2.6) gives literal `v` in 0..=143 the 8-bit code `0x30 + v`, sent most
/// significant bit first, so a run of such literals is a run of bytes in the bit buffer
/// whose bit-reversed values lie in 0x30..=0xBF: every byte of a token's JSON, all tested in
/// one pass over the word.
#[inline(always)]
fn fixed_literals(buf: u64, count: u32) -> (usize, u64) {
    // The test reads each byte's first four bits as sent (bit 0 is the code's most
    // significant): `0ccc` with ccc in 011..=111, or `10xx`; that is c0 = 0 and (c1 or c2 and
    // c3), or c0 = 1 and not c1, with ck bit k of the byte. It decides the run length, which
    // the next step waits for, so it is kept short; the bit reversal for the values runs
    // beside it.
    let (c0, c1, c2, c3) = (buf, buf >> 1, buf >> 2, buf >> 3);
    let literal = ((!c0 & (c1 | (c2 & c3))) | (c0 & !c1)) & ONES;
    let run = ((!literal & ONES).trailing_zeros() / 8)
        .min(7)
        .min(count / 8);
    // The bytes above the run may borrow, never the ones in it.
    let values = buf.swap_bytes().reverse_bits().wrapping_sub(ONES * 0x30);
    (run as usize, values)
}

/// Why [`run`] stopped.
enum Stop {
    /// At the end of the block.
    End,
    /// The output needs room for this many more bytes; the symbol is not consumed.
    Room(usize),
    /// The stream is invalid (or this code defers it to the reference).
    Bad,
}

/// The hot loop: decodes symbols into `dst[*len..]` until the end of the block, an error, or
/// a symbol that does not fit. The bit reader lives in locals here.
#[inline(always)]
fn run<const FIXED: bool, const L: usize, const LS: usize, const D: usize, const DS: usize>(
    bits: &mut Bits<'_>,
    dst: &mut [u8],
    len: &mut usize,
    lit: &Huffman<L, LS>,
    dist: &Huffman<D, DS>,
    window: usize,
) -> Stop {
    let bytes = bits.bytes;
    let mut buf = bits.buf;
    let mut count = bits.count;
    let mut pos = bits.pos;
    let mut n = *len;
    let stop = 'run: loop {
        // At least 56 bits: enough for a literal/length code (15), its extra bits (5), a
        // distance code (15) and its extra bits (13).
        if let Some(chunk) = bytes.get(pos..).and_then(<[u8]>::first_chunk) {
            buf |= u64::from_le_bytes(*chunk) << count;
            pos += ((63 - count) >> 3) as usize;
            count |= 56;
        } else if count < 48 {
            // (Near the end, only when an iteration might need more bits.)
            match refill_at_end(bytes, pos, buf, count) {
                Some(refilled) => (pos, buf, count) = refilled,
                None => break 'run Stop::Bad,
            }
        }
        if FIXED {
            // Runs of the fixed code's 8-bit literals (all of a token's JSON) up to 7 at a
            // time, with one 8-byte store (the bytes past the run are scratch, overwritten
            // next); a shorter run, or too little room for the store, goes symbol by symbol.
            let (run, values) = fixed_literals(buf, count);
            if run >= 2 {
                if let Some(to) = dst.get_mut(n..).and_then(<[u8]>::first_chunk_mut::<8>) {
                    *to = values.to_le_bytes();
                    n += run;
                    buf >>= 8 * run;
                    count -= 8 * run as u32;
                    continue 'run;
                }
            }
        }
        let mut entry = lit.lookup(buf);
        // Literals, as many as the bits in the buffer surely hold.
        while entry & LITERAL != 0 {
            let Some(slot) = dst.get_mut(n) else {
                break 'run Stop::Room(1);
            };
            *slot = (entry >> VALUE_SHIFT) as u8;
            n += 1;
            // The shift takes the low 6 bits of the entry: the code length (bits 4, 5 are
            // zero), without masking on the critical path.
            buf = buf.wrapping_shr(entry);
            count -= entry & CODE_BITS;
            if count < MAX_CODE_BITS as u32 {
                continue 'run;
            }
            entry = lit.lookup(buf);
        }
        if count < 48 {
            // After literals: refill (and look up again) before a length and distance.
            continue 'run;
        }
        if entry & LONG != 0 {
            entry = lit.decode_long(buf);
            if entry & LITERAL != 0 {
                let Some(slot) = dst.get_mut(n) else {
                    break 'run Stop::Room(1);
                };
                *slot = (entry >> VALUE_SHIFT) as u8;
                n += 1;
                buf >>= entry & CODE_BITS;
                count -= entry & CODE_BITS;
                continue 'run;
            }
        }
        if entry & MATCH == 0 {
            if entry & END != 0 {
                buf >>= entry & CODE_BITS;
                count -= entry & CODE_BITS;
                break 'run Stop::End;
            }
            break 'run Stop::Bad;
        }
        // A length, then a distance (§3.2.5), read before anything is consumed: if the match
        // does not fit, the caller makes room and comes back to this symbol.
        let (length, used) = value(entry, buf);
        let rest = buf >> used;
        let mut entry = dist.lookup(rest);
        if entry & LONG != 0 {
            entry = dist.decode_long(rest);
        }
        if entry & MATCH == 0 {
            break 'run Stop::Bad;
        }
        let (distance, dused) = value(entry, rest);
        let Some(from) = n.checked_sub(distance) else {
            break 'run Stop::Bad;
        };
        if distance > window {
            break 'run Stop::Bad;
        }
        if length > dst.len() - n {
            break 'run Stop::Room(length);
        }
        buf = rest >> dused;
        count -= used + dused;
        if copy_match(dst, n, from, length).is_none() {
            break 'run Stop::Bad;
        }
        n += length;
    };
    bits.buf = buf;
    bits.count = count;
    bits.pos = pos;
    *len = n;
    stop
}

/// The value of a length or distance `entry` at the start of `buf` (§3.2.5): base plus extra
/// bits, and the number of bits it takes.
#[inline(always)]
fn value(entry: u32, buf: u64) -> (usize, u32) {
    let code = entry & CODE_BITS;
    let extra = (entry >> EXTRA_SHIFT) & 0xf;
    let value = ((entry >> VALUE_SHIFT) & VALUE_MASK) as usize
        + ((buf >> code) & ((1 << extra) - 1)) as usize;
    (value, code + extra)
}

/// Copies `length` bytes from `dst[from..]` to `dst[n..]` (room checked by the caller); the
/// copy may overlap itself, each byte then repeating the one `n - from` back (§3.2.3). Bytes
/// after `n + length` may be overwritten: they are not output yet.
#[inline(always)]
fn copy_match(dst: &mut [u8], n: usize, from: usize, length: usize) -> Option<()> {
    let distance = n - from;
    if distance >= length {
        let (done, todo) = dst.split_at_mut_checked(n)?;
        if length <= 16 && distance >= 16 && todo.len() >= 16 {
            // One fixed-size copy for the short matches that dominate small documents.
            let to: &mut [u8; 16] = todo.first_chunk_mut()?;
            *to = *done.get(from..)?.first_chunk()?;
        } else {
            todo.get_mut(..length)?
                .copy_from_slice(done.get(from..from + length)?);
        }
    } else {
        let run = dst.get_mut(from..n + length)?;
        for i in distance..run.len() {
            *run.get_mut(i)? = *run.get(i - distance)?;
        }
    }
    Some(())
}

/// Fills the bit buffer from the last (fewer than 8) bytes, loading zero bytes past the end:
/// the new (pos, buf, count), or `None` once a bit past the end has been consumed (the
/// stream is truncated). By value, so that the callers' copies can stay in registers.
#[cold]
#[inline(never)]
fn refill_at_end(bytes: &[u8], pos: usize, buf: u64, count: u32) -> Option<(usize, u64, u32)> {
    let mut word = [0u8; 8];
    let rest = bytes.get(pos..).unwrap_or_default();
    for (to, from) in word.iter_mut().zip(rest) {
        *to = *from;
    }
    let buf = buf | u64::from_le_bytes(word) << count;
    let pos = pos + ((63 - count) >> 3) as usize;
    let count = count | 56;
    let consumed = (pos * 8).checked_sub(count as usize)?;
    (consumed <= bytes.len() * 8).then_some((pos, buf, count))
}

/// The input, read least significant bit first (§3.1.1) through a 64-bit buffer, outside the
/// hot loop (block headers, code lengths).
#[derive(Clone, Copy)]
struct Bits<'a> {
    bytes: &'a [u8],
    /// The bytes loaded into `buf` so far, zero bytes past the end included.
    pos: usize,
    /// The next bits, in `buf`'s low `count` bits; the bits above them are zero.
    buf: u64,
    count: u32,
}

impl<'a> Bits<'a> {
    fn new(bytes: &'a [u8], pos: usize) -> Self {
        Self {
            bytes,
            pos,
            buf: 0,
            count: 0,
        }
    }

    /// Fills the buffer to at least 56 bits; fails once a bit past the end has been consumed.
    fn refill(&mut self) -> Option<()> {
        if let Some(chunk) = self.bytes.get(self.pos..).and_then(<[u8]>::first_chunk) {
            // Whole bytes only: `count` goes to 56..=63, `pos` on by as many bytes.
            self.buf |= u64::from_le_bytes(*chunk) << self.count;
            self.pos += ((63 - self.count) >> 3) as usize;
            self.count |= 56;
            Some(())
        } else {
            (self.pos, self.buf, self.count) =
                refill_at_end(self.bytes, self.pos, self.buf, self.count)?;
            Some(())
        }
    }

    fn consume(&mut self, n: u32) {
        self.buf >>= n;
        self.count -= n;
    }

    /// Takes the next `n` bits (n < 32) as a number.
    fn take(&mut self, n: u32) -> u32 {
        let value = (self.buf & ((1 << n) - 1)) as u32;
        self.consume(n);
        value
    }

    /// Skips to the next byte boundary.
    fn align(&mut self) {
        self.consume(self.count & 7);
    }

    /// The position of the next unread byte, on a byte boundary; `None` past the end.
    fn byte_pos(&self) -> Option<usize> {
        let at = self.pos.checked_sub((self.count / 8) as usize)?;
        (at <= self.bytes.len()).then_some(at)
    }

    /// Continues from byte `pos`, on a byte boundary.
    fn seek(&mut self, pos: usize) {
        self.pos = pos;
        self.buf = 0;
        self.count = 0;
    }
}

/// The output: `buf[..len]` is written; `buf.len()` never exceeds `max`.
/// Where the output goes: a growing heap buffer, or a fixed one the caller lends.
enum Storage<'s> {
    Heap(Vec<u8>),
    Stack(&'s mut [u8]),
}

struct Out<'s> {
    buf: Storage<'s>,
    len: usize,
    max: usize,
}

impl Out<'_> {
    fn heap(size: usize, max: usize) -> Self {
        Self {
            buf: Storage::Heap(vec![0; size.min(max)]),
            len: 0,
            max,
        }
    }

    /// The whole buffer, written up to `len`.
    fn dst(&mut self) -> &mut [u8] {
        match &mut self.buf {
            Storage::Heap(buf) => buf,
            Storage::Stack(buf) => buf,
        }
    }

    /// The bytes written so far.
    fn filled(&self) -> &[u8] {
        let buf: &[u8] = match &self.buf {
            Storage::Heap(buf) => buf,
            Storage::Stack(buf) => buf,
        };
        buf.get(..self.len).unwrap_or_default()
    }

    /// Makes room for `more` bytes after `len`; fails past `max`, and always for a lent
    /// buffer.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, more: usize) -> Option<()> {
        let need = self.len.checked_add(more)?;
        if need > self.max {
            return None;
        }
        let Storage::Heap(buf) = &mut self.buf else {
            return None;
        };
        let size = need.max(buf.len().saturating_mul(2)).min(self.max);
        buf.resize(size, 0);
        Some(())
    }

    fn extend(&mut self, data: &[u8]) -> Option<()> {
        let end = self.len.checked_add(data.len())?;
        if end > self.dst().len() {
            self.grow(data.len())?;
        }
        let len = self.len;
        self.dst().get_mut(len..end)?.copy_from_slice(data);
        self.len = end;
        Some(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    /// The code length code of a dynamic block (§3.2.7): symbols 0..=18.
    CodeLength,
    /// Literals, end of block and lengths (§3.2.5): symbols 0..=285 (286, 287 invalid).
    LitLen,
    /// Distances (§3.2.5): symbols 0..=29 (30, 31 invalid).
    Dist,
}

impl Alphabet {
    /// The table entries of the symbols, without the code length.
    fn entries(self) -> &'static [u32] {
        match self {
            Self::CodeLength => &ENTRIES.code_length,
            Self::LitLen => &ENTRIES.lit_len,
            Self::Dist => &ENTRIES.dist,
        }
    }
}

/// The table entries of each alphabet's symbols, without the code length.
struct Entries {
    /// Each byte with its bits reversed.
    reversed_bytes: [u8; 256],
    code_length: [u32; 19],
    lit_len: [u32; 288],
    dist: [u32; 32],
}

static ENTRIES: LazyLock<Entries> = LazyLock::new(|| {
    let matches = |base: &[u16], extra: &[u8], to: &mut [u32]| {
        for ((to, &base), &extra) in to.iter_mut().zip(base).zip(extra) {
            *to = MATCH | (u32::from(base) << VALUE_SHIFT) | (u32::from(extra) << EXTRA_SHIFT);
        }
    };
    let mut entries = Entries {
        reversed_bytes: [0; 256],
        code_length: [0; 19],
        lit_len: [INVALID; 288],
        dist: [INVALID; 32],
    };
    for (byte, reversed) in entries.reversed_bytes.iter_mut().enumerate() {
        *reversed = (byte as u8).reverse_bits();
    }
    for (sym, entry) in entries.code_length.iter_mut().enumerate() {
        *entry = LITERAL | ((sym as u32) << VALUE_SHIFT);
    }
    for (sym, entry) in entries.lit_len.iter_mut().take(256).enumerate() {
        *entry = LITERAL | ((sym as u32) << VALUE_SHIFT);
    }
    if let Some(end) = entries.lit_len.get_mut(256) {
        *end = END;
    }
    // Lengths 257..=285; 286 and 287 stay invalid.
    matches(
        &LENGTH_BASE,
        &LENGTH_EXTRA,
        entries.lit_len.get_mut(257..).unwrap_or_default(),
    );
    // Distances 0..=29; 30 and 31 stay invalid.
    matches(&DIST_BASE, &DIST_EXTRA, &mut entries.dist);
    entries
});

/// A Huffman code (§3.2.2) as a lookup table indexed by the next `N.ilog2()` (at most) bits,
/// plus what the canonical decode of longer codes needs.
struct Huffman<const N: usize, const S: usize> {
    table: [u32; N],
    /// The table index mask: the table is used up to the longest code when that is shorter.
    mask: usize,
    alphabet: Alphabet,
    /// The number of codes of each length.
    counts: [u16; MAX_CODE_BITS + 1],
    /// Symbols by code length, then value: the order of their canonical codes.
    symbols: [u16; S],
}

impl<const N: usize, const S: usize> Huffman<N, S> {
    fn new(alphabet: Alphabet) -> Self {
        Self {
            table: [INVALID; N],
            mask: 0,
            alphabet,
            counts: [0; MAX_CODE_BITS + 1],
            symbols: [0; S],
        }
    }

    /// Builds the code of the code lengths `lengths` into this (new) value, if zlib accepts
    /// it (see the module docs).
    fn build(&mut self, lengths: &Lengths<S>) -> Option<()> {
        self.counts = lengths.counts;
        let longest = lengths.longest();
        if longest == 0 {
            // No codes at all: zlib accepts this for distances (as long as none is used).
            return (self.alphabet == Alphabet::Dist).then_some(());
        }
        // Over-subscribed (a negative number of codes left) or incomplete?
        let mut left: i32 = 1;
        for &count in self.counts.get(1..)? {
            left = 2 * left - i32::from(count);
            if left < 0 {
                return None;
            }
        }
        if left > 0 && (self.alphabet == Alphabet::CodeLength || longest != 1) {
            return None;
        }

        let entries = self.alphabet.entries();
        let reversed_bytes = &ENTRIES.reversed_bytes;
        let root = longest.min(N.trailing_zeros() as usize);
        self.mask = (1 << root) - 1;
        // The first code of each length (§3.2.2).
        let mut next = [0u32; MAX_CODE_BITS + 1];
        let mut code = 0;
        for (next, &count) in next.iter_mut().skip(1).zip(&self.counts) {
            code = (code + u32::from(count)) << 1;
            *next = code;
        }
        let table = self.table.get_mut(..=self.mask)?;
        let used = lengths.used.get(..lengths.n_used)?;
        for &sym in used {
            let len = usize::from(*lengths.lens.get(usize::from(sym))?);
            let next = next.get_mut(len)?;
            // Codes are sent most significant bit first (§3.1.1): reverse them for the index.
            let reversed = reverse(reversed_bytes, *next, len);
            *next += 1;
            if len <= root {
                // Every index that starts with the code.
                let entry = entry(entries, usize::from(sym), len);
                for chunk in table.chunks_exact_mut(1 << len) {
                    *chunk.get_mut(reversed)? = entry;
                }
            } else {
                *table.get_mut(reversed & self.mask)? = LONG;
            }
        }
        if longest > root {
            // The slow decode wants the symbols by code length (symbol order within a length).
            let mut offset = [0u16; MAX_CODE_BITS + 1];
            let mut at = 0;
            for (offset, &count) in offset.iter_mut().zip(&self.counts) {
                *offset = at;
                at += count;
            }
            for &sym in used {
                let len = *lengths.lens.get(usize::from(sym))?;
                let place = offset.get_mut(usize::from(len))?;
                *self.symbols.get_mut(usize::from(*place))? = sym;
                *place += 1;
            }
        }
        Some(())
    }

    /// The entry for the code at the start of `buf`.
    #[inline(always)]
    fn lookup(&self, buf: u64) -> u32 {
        let index = buf as usize & self.mask & (N - 1);
        self.table.get(index).copied().unwrap_or(INVALID)
    }

    /// Decodes a code longer than the table index, one bit at a time (the canonical code of
    /// §3.2.2: the codes of each length are consecutive numbers).
    #[cold]
    #[inline(never)]
    fn decode_long(&self, buf: u64) -> u32 {
        let mut code = 0i32; // the bits so far, as a number
        let mut first = 0i32; // the first code of this length
        let mut index = 0i32; // the index of that first code in `symbols`
        for len in 1..=MAX_CODE_BITS {
            code |= ((buf >> (len - 1)) & 1) as i32;
            let count = i32::from(self.counts.get(len).copied().unwrap_or(0));
            if code - first < count {
                let Some(&sym) = self.symbols.get((index + code - first) as usize) else {
                    return INVALID;
                };
                return entry(self.alphabet.entries(), usize::from(sym), len);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        INVALID
    }
}

/// The code lengths of an alphabet's symbols, counted as they come.
struct Lengths<const S: usize> {
    lens: [u8; S],
    /// The number of codes of each length, once finished; `counts[0]` stays 0 (§3.2.2:
    /// bl_count[0] = 0).
    counts: [u16; MAX_CODE_BITS + 1],
    /// The same for the even and odd symbols in `used` as they come: two tallies, so that
    /// runs of equal lengths do not wait on one counter in memory.
    tallies: [[u16; MAX_CODE_BITS + 1]; 2],
    /// The symbols with a code, in increasing order.
    used: [u16; S],
    n_used: usize,
}

impl<const S: usize> Lengths<S> {
    fn new() -> Self {
        Self {
            lens: [0; S],
            counts: [0; MAX_CODE_BITS + 1],
            tallies: [[0; MAX_CODE_BITS + 1]; 2],
            used: [0; S],
            n_used: 0,
        }
    }

    /// Ends the lengths after `used` symbols with a code.
    fn finish(&mut self, used: usize) {
        self.n_used = used;
        let [even, odd] = &self.tallies;
        for ((count, even), odd) in self.counts.iter_mut().zip(even).zip(odd) {
            *count = even + odd;
        }
    }

    /// The longest code length (0 if none).
    fn longest(&self) -> usize {
        self.counts.iter().rposition(|&n| n > 0).unwrap_or(0)
    }

    fn of(lens: &[u8; S]) -> Option<Self> {
        let mut lengths = Self::new();
        let mut used = 0;
        for (sym, &len) in lens.iter().enumerate() {
            if len != 0 {
                lengths.set(&mut used, sym, len)?;
            }
        }
        lengths.finish(used);
        Some(lengths)
    }

    /// Gives `sym` (above all symbols set so far) a code of `len` (1..=15) bits; `used`
    /// counts the symbols set (kept out of `self` so that it can live in a register: the
    /// caller passes it to [`Self::finish`] at the end).
    #[inline(always)]
    fn set(&mut self, used: &mut usize, sym: usize, len: u8) -> Option<()> {
        *self.lens.get_mut(sym)? = len;
        *self.tallies.get_mut(*used & 1)?.get_mut(usize::from(len))? += 1;
        *self.used.get_mut(*used)? = sym as u16;
        *used += 1;
        Some(())
    }
}

/// The `len` (1..=15) low bits of `code`, reversed, with the table of reversed bytes `table`
/// (x86 has no instruction for it).
#[inline(always)]
fn reverse(table: &[u8; 256], code: u32, len: usize) -> usize {
    let byte = |b: u32| usize::from(table.get(b as usize & 0xff).copied().unwrap_or(0));
    ((byte(code) << 8) | byte(code >> 8)) >> (16 - len)
}

/// The table entry of `sym` with a code of `len` bits.
#[inline(always)]
fn entry(entries: &[u32], sym: usize, len: usize) -> u32 {
    match entries.get(sym) {
        Some(&INVALID) | None => INVALID,
        Some(&entry) => entry | len as u32,
    }
}

/// The fixed codes (§3.2.6).
struct Fixed {
    lit: Huffman<512, 288>,
    dist: Huffman<32, 32>,
}

static FIXED: LazyLock<Option<Fixed>> = LazyLock::new(|| {
    let mut lens = [8u8; 288];
    for (sym, len) in lens.iter_mut().enumerate() {
        *len = match sym {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
    }
    let mut fixed = Fixed {
        lit: Huffman::new(Alphabet::LitLen),
        dist: Huffman::new(Alphabet::Dist),
    };
    fixed.lit.build(&Lengths::of(&lens)?)?;
    fixed.dist.build(&Lengths::of(&[5; 32])?)?;
    Some(fixed)
});

#[cfg(test)]
mod tests {
    use super::*;

    fn code<const N: usize, const S: usize>(
        lens: &[u8; S],
        alphabet: Alphabet,
    ) -> Option<Huffman<N, S>> {
        let mut code = Huffman::new(alphabet);
        code.build(&Lengths::of(lens)?)?;
        Some(code)
    }

    #[test]
    fn runs_of_fixed_literals_are_what_the_table_decodes() {
        // The word test against symbol-by-symbol table lookups: every byte value at every
        // position of a word of literals, with every bit count the hot loop can hold.
        let fixed = FIXED.as_ref().unwrap();
        let by_table = |buf: u64, count: u32| {
            let mut values = Vec::new();
            while values.len() < 7 && (values.len() as u32 + 1) * 8 <= count {
                let e = fixed.lit.lookup(buf >> (8 * values.len()));
                if e & LITERAL == 0 || e & CODE_BITS != 8 {
                    break;
                }
                values.push((e >> VALUE_SHIFT) as u8);
            }
            values
        };
        // `a` (0x61) is sent as the code 0x91, bits reversed: 0x89.
        let filler = u64::from_le_bytes([0x89; 8]);
        assert_eq!(by_table(filler, 63), b"aaaaaaa");
        for at in 0..8 {
            for byte in 0..=255u64 {
                let buf = (filler & !(0xff << (8 * at))) | (byte << (8 * at));
                for count in [0, 7, 8, 15, 16, 24, 47, 48, 55, 56, 63] {
                    let expected = by_table(buf, count);
                    let (run, values) = fixed_literals(buf, count);
                    assert_eq!(run, expected.len(), "{buf:016x} {count}");
                    assert_eq!(&values.to_le_bytes()[..run], &expected[..], "{buf:016x}");
                }
            }
        }
    }

    #[test]
    fn the_fixed_tables_build() {
        let fixed = FIXED.as_ref().unwrap();
        assert_eq!(fixed.lit.mask, 511);
        assert_eq!(fixed.dist.mask, 31);
        // 0000000 (end of block), sent as seven zero bits.
        assert_eq!(fixed.lit.lookup(0), END | 7);
        // 00110000 is literal 0, 10111111 is 143 (sent reversed).
        assert_eq!(fixed.lit.lookup(0b0000_1100), LITERAL | 8);
        assert_eq!(
            fixed.lit.lookup(0b1111_1101),
            LITERAL | (143 << VALUE_SHIFT) | 8
        );
        // 11000101 is 285, length 258.
        assert_eq!(
            fixed.lit.lookup(0b1010_0011),
            MATCH | (258 << VALUE_SHIFT) | 8
        );
        // Distance codes 30 and 31 (11110, 11111 sent reversed) are invalid.
        assert_eq!(fixed.dist.lookup(0b01111), INVALID);
        assert_eq!(fixed.dist.lookup(0b11111), INVALID);
        assert_eq!(
            fixed.dist.lookup(0b10111),
            MATCH | (24577 << VALUE_SHIFT) | (13 << EXTRA_SHIFT) | 5
        );
        assert!(fixed.lit.table.iter().all(|&e| e & LONG == 0));
        // Only 286 and 287 are invalid: two 8-bit codes, each twice in the 9-bit table.
        assert_eq!(fixed.lit.table.iter().filter(|&&e| e == INVALID).count(), 4);
    }

    #[test]
    fn long_codes_decode_the_slow_way() {
        // Lengths 1, 2, ..., 14, 15, 15: complete, and longer than the 10-bit index.
        let mut lens = [0u8; 286];
        for (i, len) in (1..=15).enumerate() {
            lens[i] = len;
        }
        lens[256] = 15;
        let code = code::<LIT_TABLE, _>(&lens, Alphabet::LitLen).unwrap();
        // Symbol 12 has 13 bits: 1111111111110 sent first bit first.
        let sent = 0b0_1111_1111_1111u64;
        assert_eq!(code.lookup(sent), LONG);
        assert_eq!(code.decode_long(sent), LITERAL | (12 << VALUE_SHIFT) | 13);
        // The end of block is the last 15-bit code: all ones.
        assert_eq!(code.decode_long(0x7fff), END | 15);
        // Symbol 9 (10 bits) is in the table.
        assert_eq!(
            code.lookup(0b01_1111_1111),
            LITERAL | (9 << VALUE_SHIFT) | 10
        );
    }

    #[test]
    fn zlib_rules_for_incomplete_codes() {
        let one = |alphabet| {
            let mut lens = [0u8; 286];
            lens[if alphabet == Alphabet::LitLen { 256 } else { 0 }] = 1;
            code::<LIT_TABLE, _>(&lens, alphabet).is_some()
        };
        assert!(one(Alphabet::LitLen));
        assert!(one(Alphabet::Dist));
        assert!(!one(Alphabet::CodeLength));
        assert!(code::<DIST_TABLE, _>(&[0; 30], Alphabet::Dist).is_some());
        assert!(code::<CODE_LENGTH_TABLE, _>(&[0; 19], Alphabet::CodeLength).is_none());
        // Two 2-bit codes: incomplete.
        assert!(code::<DIST_TABLE, _>(&[2, 2], Alphabet::Dist).is_none());
        // Three 1-bit codes: over-subscribed.
        assert!(code::<DIST_TABLE, _>(&[1, 1, 1], Alphabet::Dist).is_none());
        // A single 1-bit code: "0" decodes, "1" is invalid.
        let single = code::<DIST_TABLE, _>(&[0, 0, 1], Alphabet::Dist).unwrap();
        assert_eq!(single.lookup(0), MATCH | (3 << VALUE_SHIFT) | 1);
        assert_eq!(single.lookup(1), INVALID);
    }
}
