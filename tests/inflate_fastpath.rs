//! Inflating as verification does (`src/wire/zlib`: stored streams read in place, everything
//! else through a reused flate2 decompressor) gives exactly the library-backed reference's
//! answer (a fresh flate2 decompressor): differential tests on streams from real compressors,
//! hand-built streams that break one rule each, mutations and random bytes.

mod deflate_support;

use deflate_support::BitWriter;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use proptest::prelude::*;
use usersig::internals::inflate;
use usersig::internals::reference::{compress as compress_reference, inflate as inflate_reference};

const MAX: usize = 64 * 1024;

/// The answers of the production path and the reference for one input; panics if they
/// disagree. Returns (production, reference).
fn agree(z: &[u8], max: usize) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let reference = inflate_reference(z, max);
    let ours = inflate(z, max);
    let head = &z[..z.len().min(64)];
    assert!(
        ours.as_ref().ok() == reference.as_ref().ok(),
        "inflate and the reference differ: {} bytes {head:02x?}..., max {max}",
        z.len()
    );
    (ours.ok(), reference.ok())
}

/// Both accept, with `data`.
#[track_caller]
fn accepted(z: &[u8], data: &[u8]) {
    let (fast, reference) = agree(z, MAX.max(data.len()));
    assert!(
        reference.as_deref() == Some(data),
        "the reference rejects or differs"
    );
    assert!(fast.as_deref() == Some(data), "the production path rejects");
}

/// [`accepted`] with `data` when `ok`, else [`rejected`].
#[track_caller]
fn accepted_iff(ok: bool, z: &[u8], data: &[u8]) {
    if ok {
        accepted(z, data);
    } else {
        rejected(z);
    }
}

/// The reference rejects, and so does the production path.
#[track_caller]
fn rejected(z: &[u8]) {
    let (fast, reference) = agree(z, MAX);
    assert_eq!(reference, None, "reference accepted");
    assert_eq!(fast, None);
}

fn adler32(data: &[u8]) -> [u8; 4] {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    ((b << 16) | a).to_be_bytes()
}

fn block_types(z: &[u8]) -> u8 {
    (z[2] >> 1) & 3
}

// ---- A deflate writer for hand-built streams (RFC 1951) ----

/// Writes deflate blocks (§3.2) bit by bit.
#[derive(Default)]
struct W {
    w: BitWriter,
}

/// The canonical Huffman code of `sym` for the code lengths `lens` (§3.2.2): (code, length).
fn canonical(lens: &[u8], sym: usize) -> (u32, u32) {
    let mut count = [0u32; 16];
    for &l in lens {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u32; 16];
    let mut code = 0;
    for len in 1..16 {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for &l in &lens[..sym] {
        if l > 0 {
            next[usize::from(l)] += 1;
        }
    }
    let len = lens[sym];
    assert!(len > 0, "symbol {sym} has no code");
    (next[usize::from(len)], u32::from(len))
}

fn fixed_lit_lens() -> Vec<u8> {
    (0..288)
        .map(|s| match s {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        })
        .collect()
}

const FIXED_DIST: [u8; 32] = [5; 32];

/// A complete code length code: symbols 0..=12 get 4 bits, 13..=18 get 5.
const CL_LENS: [u8; 19] = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5];
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

impl W {
    fn bits(&mut self, value: u64, n: u32) {
        self.w.bits(value, n);
    }

    /// The code of `sym` in the canonical code of `lens`.
    fn code(&mut self, lens: &[u8], sym: usize) {
        let (code, len) = canonical(lens, sym);
        self.w.code(u64::from(code), len);
    }

    fn header(&mut self, last: bool, btype: u64) {
        self.bits(u64::from(last), 1);
        self.bits(btype, 2);
    }

    fn stored(&mut self, last: bool, data: &[u8]) {
        self.header(last, 0);
        self.w.align();
        let len = data.len() as u16;
        self.w.out.extend_from_slice(&len.to_le_bytes());
        self.w.out.extend_from_slice(&(!len).to_le_bytes());
        self.w.out.extend_from_slice(data);
    }

    /// A fixed-code literal.
    fn fixed_lit(&mut self, byte: u8) {
        self.code(&fixed_lit_lens(), usize::from(byte));
    }

    fn fixed_end(&mut self) {
        self.code(&fixed_lit_lens(), 256);
    }

    /// A length/distance pair in the given codes, as (symbol, extra bits, extra value).
    fn pair(&mut self, lit: &[u8], dist: &[u8], len: (usize, u32, u64), d: (usize, u32, u64)) {
        self.code(lit, len.0);
        self.bits(len.2, len.1);
        self.code(dist, d.0);
        self.bits(d.2, d.1);
    }

    /// A dynamic block header (§3.2.7) with raw HLIT/HDIST fields, sending the given code
    /// length symbols (symbol, extra value) with the code length code `cl`.
    fn dynamic_header(
        &mut self,
        last: bool,
        hlit: u64,
        hdist: u64,
        cl: &[u8; 19],
        symbols: &[(usize, u64)],
    ) {
        self.header(last, 2);
        self.bits(hlit, 5);
        self.bits(hdist, 5);
        self.bits(15, 4); // all 19 code length code lengths
        for &s in &CL_ORDER {
            self.bits(u64::from(cl[s]), 3);
        }
        for &(sym, extra) in symbols {
            self.code(cl, sym);
            match sym {
                16 => self.bits(extra, 2),
                17 => self.bits(extra, 3),
                18 => self.bits(extra, 7),
                _ => {}
            }
        }
    }

    /// A dynamic block header sending `lit` and `dist` lengths one by one (no repeats).
    fn dynamic(&mut self, last: bool, lit: &[u8], dist: &[u8]) {
        self.dynamic_with(last, lit, dist, &CL_LENS);
    }

    /// The same with the code length code `cl`.
    fn dynamic_with(&mut self, last: bool, lit: &[u8], dist: &[u8], cl: &[u8; 19]) {
        let symbols: Vec<(usize, u64)> = lit
            .iter()
            .chain(dist)
            .map(|&l| (usize::from(l), 0))
            .collect();
        self.dynamic_header(
            last,
            lit.len() as u64 - 257,
            dist.len() as u64 - 1,
            cl,
            &symbols,
        );
    }

    /// The zlib stream: header, these blocks, the Adler-32 of `data`.
    fn zlib(mut self, data: &[u8]) -> Vec<u8> {
        self.w.align();
        let mut z = vec![0x78, 0x9c];
        z.extend_from_slice(&self.w.out);
        z.extend_from_slice(&adler32(data));
        z
    }
}

/// A literal/length code: lengths for 257 symbols, `extra` overriding some.
fn lit_lens(extra: &[(usize, u8)]) -> Vec<u8> {
    let mut lens = vec![0u8; 257];
    for &(s, l) in extra {
        if s >= lens.len() {
            lens.resize(s + 1, 0);
        }
        lens[s] = l;
    }
    lens
}

/// 'a', 'b', end of block, length 257 (3): a complete code of four 2-bit codes.
fn small_lit() -> Vec<u8> {
    lit_lens(&[(97, 2), (98, 2), (256, 2), (257, 2)])
}

// ---- Streams from real compressors ----

const TOKEN_JSON: &[u8] = br#"{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1569910200,"TLS.sig":"WqGmf4BkXPeeb7oVw3CvhVMB5h1WNnkvGzBOMm/2tTo="}"#;

fn json_like(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::new();
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let key = [
            "TLS.ver",
            "identifier",
            "sdkappid",
            "expire",
            "userbuf",
            "sig",
        ][(x % 6) as usize];
        out.extend_from_slice(format!("\"{key}\":\"{}\",", x % 100_000).as_bytes());
    }
    out.truncate(n);
    out
}

#[test]
fn the_fast_path_takes_fixed_and_dynamic_streams_at_every_level() {
    let z = compress_reference(TOKEN_JSON, 6);
    assert_eq!(block_types(&z), 1, "a token at level 6 is one fixed block");
    accepted(&z, TOKEN_JSON);
    let mut dynamic = 0;
    for level in 1..=9 {
        for data in [
            TOKEN_JSON.to_vec(),
            json_like(300, 1),
            json_like(3000, 2),
            json_like(100_000, 3),
            vec![b'x'; 5000],
            Vec::new(),
        ] {
            let z = compress_reference(&data, level);
            dynamic += usize::from(block_types(&z) == 2);
            accepted(&z, &data);
        }
    }
    assert!(dynamic >= 9, "{dynamic}");
}

#[test]
fn small_windows_from_the_compressor() {
    // CINFO < 7 (RFC 1950 §2.2): the compressor keeps distances within the window.
    let data = json_like(20_000, 9);
    for bits in 9..=15 {
        let mut z = Compress::new_with_window_bits(Compression::new(6), true, bits);
        let mut out = Vec::with_capacity(30_000);
        assert_eq!(
            z.compress_vec(&data, &mut out, FlushCompress::Finish)
                .unwrap(),
            Status::StreamEnd
        );
        assert_eq!(out[0] >> 4, bits - 8);
        accepted(&out, &data);
    }
}

/// A stream compressed in pieces with flushes in between: several blocks, empty stored
/// blocks (sync and full flushes) among compressed ones.
fn flushed(data: &[u8], level: u32, cuts: &[usize], flushes: &[u8]) -> Vec<u8> {
    let mut z = Compress::new(Compression::new(level), true);
    let mut out = Vec::with_capacity(data.len() * 2 + 1000);
    let mut at = 0;
    for (i, &cut) in cuts.iter().enumerate() {
        let cut = cut.clamp(at, data.len());
        let flush = match flushes.get(i).copied().unwrap_or(0) % 4 {
            0 => FlushCompress::None,
            1 => FlushCompress::Sync,
            2 => FlushCompress::Full,
            _ => FlushCompress::Partial,
        };
        z.compress_vec(&data[at..cut], &mut out, flush).unwrap();
        at = cut;
    }
    assert_eq!(
        z.compress_vec(&data[at..], &mut out, FlushCompress::Finish)
            .unwrap(),
        Status::StreamEnd
    );
    out
}

#[test]
fn streams_of_many_blocks_from_flushes() {
    let data = json_like(5000, 4);
    for level in 1..=9 {
        let z = flushed(&data, level, &[10, 100, 1000, 1001, 3000], &[1, 2, 3, 1, 0]);
        accepted(&z, &data);
    }
    // A stored block first, then compressed ones: the stored-only path hands it over.
    let z = flushed(&data, 0, &[], &[]);
    let mut w = W::default();
    w.stored(false, &data[..100]);
    w.header(true, 1);
    for &b in &data[100..200] {
        w.fixed_lit(b);
    }
    w.fixed_end();
    accepted(&w.zlib(&data[..200]), &data[..200]);
    accepted(&z, &data);
}

// ---- Hand-built streams, one rule each ----

#[test]
fn an_empty_fixed_block() {
    accepted(&[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], b"");
    let mut w = W::default();
    w.header(true, 1);
    w.fixed_end();
    accepted(&w.zlib(b""), b"");
}

#[test]
fn padding_bits_after_the_final_block_are_ignored() {
    let mut w = W::default();
    w.header(true, 1);
    w.fixed_lit(b'a');
    w.fixed_end();
    // 3 + 8 + 7 bits so far: pad the byte with six one bits.
    w.bits(0b11_1111, 6);
    accepted(&w.zlib(b"a"), b"a");
}

#[test]
fn distances_reach_back_at_most_to_the_start() {
    let lit = fixed_lit_lens();
    for (back, ok) in [(2u64, true), (3, false)] {
        let mut w = W::default();
        w.header(true, 1);
        w.fixed_lit(b'a');
        w.fixed_lit(b'b');
        // Length 3 (257), distance 2 or 3 (codes 1, 2).
        w.pair(&lit, &FIXED_DIST, (257, 0, 0), ((back - 1) as usize, 0, 0));
        w.fixed_end();
        let z = w.zlib(b"ababa");
        accepted_iff(ok, &z, b"ababa");
    }
}

#[test]
fn overlapping_and_long_matches() {
    let lit = fixed_lit_lens();
    let mut w = W::default();
    w.header(true, 1);
    w.fixed_lit(b'x');
    // 258 (285) at distance 1, then 258 as length 284 with all five extra bits set (227 + 31):
    // RFC 1951 says 284 covers 227-257, zlib decodes 258.
    w.pair(&lit, &FIXED_DIST, (285, 0, 0), (0, 0, 0));
    w.pair(&lit, &FIXED_DIST, (284, 5, 31), (0, 0, 0));
    w.fixed_lit(b'y');
    w.fixed_lit(b'z');
    // Length 10 at distance 2 (overlapping), length 4 at distance 100 (not).
    w.pair(&lit, &FIXED_DIST, (264, 0, 0), (1, 0, 0));
    w.pair(&lit, &FIXED_DIST, (258, 0, 0), (13, 5, 100 - 97));
    w.fixed_end();
    let mut data = vec![b'x'; 1 + 258 + 258];
    data.extend_from_slice(b"yz");
    data.extend_from_slice(b"yzyzyzyzyz");
    let n = data.len();
    data.extend_from_within(n - 100..n - 96);
    accepted(&w.zlib(&data), &data);
}

#[test]
fn distances_beyond_the_announced_window() {
    // CINFO 0 announces a 256-byte window (RFC 1950 §2.2). zlib only enforces it in a
    // "strict" build: the reference accepts a distance of 300; the fast path defers.
    let lit = fixed_lit_lens();
    let data: Vec<u8> = (0..300u32).map(|i| (i * 7 % 256) as u8).collect();
    let mut deflate = W::default();
    deflate.header(true, 1);
    for &b in &data {
        deflate.fixed_lit(b);
    }
    // Length 3 at distance 300 (code 16: 257 + 43, 7 extra bits).
    deflate.pair(&lit, &FIXED_DIST, (257, 0, 0), (16, 7, 43));
    deflate.fixed_end();
    let mut full = data.clone();
    full.extend_from_slice(&data[..3]);
    let mut z = deflate.zlib(&full);
    z[0] = 0x08;
    z[1] = 0x1d;
    let (fast, reference) = agree(&z, MAX);
    assert_eq!(
        reference,
        Some(full.clone()),
        "zlib ignores CINFO for distances"
    );
    assert_eq!(fast, reference);
    // The same stream announcing 512 bytes (CINFO 1).
    z[0] = 0x18;
    z[1] = 0x19;
    assert_eq!(u16::from_be_bytes([z[0], z[1]]) % 31, 0);
    accepted(&z, &full);
}

#[test]
fn the_fixed_code_has_invalid_symbols() {
    let lit = fixed_lit_lens();
    for sym in [286, 287] {
        let mut w = W::default();
        w.header(true, 1);
        w.fixed_lit(b'a');
        w.code(&lit, sym);
        w.bits(0, 5);
        w.fixed_end();
        rejected(&w.zlib(b"a"));
    }
    for dist in [30, 31] {
        let mut w = W::default();
        w.header(true, 1);
        w.fixed_lit(b'a');
        w.pair(&lit, &FIXED_DIST, (257, 0, 0), (dist, 0, 0));
        w.fixed_end();
        rejected(&w.zlib(b"aaaa"));
    }
}

#[test]
fn block_type_3_is_invalid() {
    let mut w = W::default();
    w.header(true, 3);
    w.bits(0, 13);
    rejected(&w.zlib(b""));
}

#[test]
fn a_dynamic_block_by_hand() {
    let lit = small_lit();
    let dist = [1u8, 1];
    let mut w = W::default();
    w.dynamic(true, &lit, &dist);
    w.code(&lit, 97);
    w.code(&lit, 98);
    w.pair(&lit, &dist, (257, 0, 0), (1, 0, 0));
    w.code(&lit, 256);
    accepted(&w.zlib(b"ababa"), b"ababa");
}

#[test]
fn incomplete_and_over_subscribed_literal_codes() {
    // Incomplete: 'a', 'b', end of block at 2 bits, nothing else.
    let incomplete = lit_lens(&[(97, 2), (98, 2), (256, 2)]);
    // Over-subscribed: five 2-bit codes.
    let over = lit_lens(&[(97, 2), (98, 2), (99, 2), (256, 2), (257, 2)]);
    for lit in [incomplete, over] {
        let mut w = W::default();
        w.dynamic(true, &lit, &[1, 1]);
        w.code(&lit[..257.min(lit.len())], 97);
        rejected(&w.zlib(b"a"));
    }
}

#[test]
fn a_single_one_bit_literal_code_is_accepted_until_its_missing_twin_is_sent() {
    // zlib: an incomplete set is an error unless it is one code of one bit.
    let lit = lit_lens(&[(256, 1)]);
    let mut w = W::default();
    w.dynamic(true, &lit, &[0]);
    w.code(&lit, 256);
    accepted(&w.zlib(b""), b"");
    // The unused code "1" is an invalid code.
    let mut w = W::default();
    w.dynamic(true, &lit, &[0]);
    w.bits(1, 1);
    w.code(&lit, 256);
    rejected(&w.zlib(b""));
    // One code of two bits is incomplete.
    let lit = lit_lens(&[(256, 2)]);
    let mut w = W::default();
    w.dynamic(true, &lit, &[0]);
    w.code(&lit, 256);
    rejected(&w.zlib(b""));
}

#[test]
fn distance_codes_that_are_empty_or_single() {
    let lit = small_lit();
    // No distance codes: fine for literals only, an error once a match needs one.
    let mut w = W::default();
    w.dynamic(true, &lit, &[0]);
    w.code(&lit, 97);
    w.code(&lit, 256);
    accepted(&w.zlib(b"a"), b"a");
    let mut w = W::default();
    w.dynamic(true, &lit, &[0, 0, 0]);
    w.code(&lit, 97);
    w.code(&lit, 98);
    w.code(&lit, 257);
    w.bits(0, 8);
    w.code(&lit, 256);
    rejected(&w.zlib(b"ababa"));
    // One 1-bit distance code: its code 0 works, the unused 1 does not.
    for (bit, ok) in [(0, true), (1, false)] {
        let mut w = W::default();
        w.dynamic(true, &lit, &[0, 1]);
        w.code(&lit, 97);
        w.code(&lit, 98);
        w.code(&lit, 257);
        w.bits(bit, 1);
        w.code(&lit, 256);
        let z = w.zlib(b"ababa");
        accepted_iff(ok, &z, b"ababa");
    }
    // Incomplete otherwise, and over-subscribed.
    for dist in [&[2u8, 2][..], &[1, 2], &[1, 1, 1]] {
        let mut w = W::default();
        w.dynamic(true, &lit, dist);
        w.code(&lit, 97);
        w.code(&lit, 256);
        rejected(&w.zlib(b"a"));
    }
}

#[test]
fn too_many_length_or_distance_codes() {
    // HLIT 287 and 288, HDIST 31 and 32 (RFC 1951 §3.2.7 allows 286 and 30).
    for (hlit, hdist, ok) in [
        (286, 30, true),
        (287, 30, false),
        (288, 1, false),
        (257, 31, false),
        (257, 32, false),
    ] {
        let mut lit = small_lit();
        lit.resize(hlit, 0);
        let mut dist = vec![0u8; hdist];
        dist[0] = 1;
        if hdist > 1 {
            dist[1] = 1;
        }
        let mut w = W::default();
        w.dynamic(true, &lit, &dist);
        w.code(&lit, 97);
        w.code(&lit, 256);
        let z = w.zlib(b"a");
        accepted_iff(ok, &z, b"a");
    }
}

#[test]
fn the_end_of_block_code_must_exist() {
    let lit = lit_lens(&[(97, 1), (257, 1)]);
    let mut w = W::default();
    w.dynamic(true, &lit, &[1, 1]);
    w.code(&lit, 97);
    rejected(&w.zlib(b"a"));
}

#[test]
fn code_length_repeats() {
    // Zeros by 18 (11-138), 17 (3-10) and single zeros.
    let zeros = |n: usize| -> Vec<(usize, u64)> {
        let mut out = Vec::new();
        let mut left = n;
        while left >= 11 {
            let k = left.min(138);
            out.push((18, (k - 11) as u64));
            left -= k;
        }
        if left >= 3 {
            out.push((17, (left - 3) as u64));
            left = 0;
        }
        out.extend(std::iter::repeat_n((0, 0), left));
        out
    };
    let lit = small_lit(); // 258 lengths: HLIT field 1
    let send = |hdist: u64, symbols: &[(usize, u64)]| {
        let mut w = W::default();
        w.dynamic_header(true, 1, hdist, &CL_LENS, symbols);
        w.code(&lit, 97);
        w.code(&lit, 256);
        w.zlib(b"a")
    };
    // Literal lengths up to 256: 'a' and 'b' (97, 98) and 256 have 2 bits.
    let mut up_to_256 = zeros(97);
    up_to_256.extend([(2, 0), (2, 0)]);
    up_to_256.extend(zeros(256 - 99));
    up_to_256.push((2, 0));
    let with = |tail: &[(usize, u64)]| -> Vec<(usize, u64)> {
        up_to_256.iter().chain(tail).copied().collect()
    };
    // 257 = 2, then two distance lengths 1, 1.
    accepted(&send(1, &with(&[(2, 0), (1, 0), (1, 0)])), b"a");
    // 16 repeats 256's length for 257 and the first two of four distance lengths (2, 2, 2,
    // 2: complete): a repeat may cross from one code to the other.
    accepted(&send(3, &with(&[(16, 0), (2, 0), (2, 0)])), b"a");
    // Ending exactly at HLIT + HDIST by a repeat: fine as such (here the distance lengths
    // 2, 2 are then incomplete, which is an error; with HDIST 3 it would be a valid stream).
    rejected(&send(1, &with(&[(16, 0)])));

    // 16 first: no previous length.
    let mut first = vec![(16, 0)];
    first.extend(with(&[(2, 0), (1, 0), (1, 0)]).into_iter().skip(1));
    rejected(&send(1, &first));

    // A repeat running past HLIT + HDIST: 17 (3 zeros), 18 (11) or 16 (3 copies) where two
    // lengths are left, or 16 where one is left.
    for sym in [(17, 0), (18, 0), (16, 0)] {
        rejected(&send(1, &with(&[(2, 0), sym])));
    }
    rejected(&send(1, &with(&[(2, 0), (1, 0), (16, 0)])));
}

#[test]
fn the_code_length_code_must_be_complete() {
    let lit = small_lit();
    let send = |cl: &[u8; 19]| {
        let mut w = W::default();
        w.dynamic_with(true, &lit, &[1, 1], cl);
        w.code(&lit, 97);
        w.code(&lit, 256);
        w.zlib(b"a")
    };
    // Lengths 0, 1, 2 with 1 bit, 2 bits, 2 bits: complete.
    let mut complete = [0u8; 19];
    complete[0] = 1;
    complete[1] = 2;
    complete[2] = 2;
    accepted(&send(&complete), b"a");
    // Incomplete: lengths 0, 1, 2 at 2 bits each.
    let mut incomplete = [0u8; 19];
    incomplete[0] = 2;
    incomplete[1] = 2;
    incomplete[2] = 2;
    rejected(&send(&incomplete));
    // Over-subscribed.
    let mut over = complete;
    over[3] = 2;
    rejected(&send(&over));
    // All zero: zlib builds a table of invalid codes, reads zeros, then misses end-of-block.
    let mut w = W::default();
    w.header(true, 2);
    w.bits(0, 5);
    w.bits(0, 5);
    w.bits(15, 4);
    w.bits(0, 57);
    w.bits(0, 64);
    w.bits(0, 64);
    w.bits(0, 64);
    w.bits(0, 64);
    w.bits(0, 64);
    rejected(&w.zlib(b""));
}

#[test]
fn long_codes_take_the_slow_decode() {
    // Literals 'a'..: lengths 1, 2, ..., 14, 15, and end of block 15: codes longer than any
    // table index.
    let mut lit = vec![0u8; 257];
    for (i, len) in (1..=15u8).enumerate() {
        lit[usize::from(b'a') + i] = len;
    }
    lit[256] = 15;
    let data: Vec<u8> = (0..15u8).rev().map(|i| b'a' + i).chain(*b"aab").collect();
    let mut w = W::default();
    w.dynamic(true, &lit, &[0]);
    for &b in &data {
        w.code(&lit, usize::from(b));
    }
    w.code(&lit, 256);
    accepted(&w.zlib(&data), &data);
    // Long distance codes too: 'b'..='o' at 1..=14 bits, end of block and length 3 (257)
    // at 15; distance code i at i + 1 bits (code 9, 25-32 with 3 extra bits, has 10).
    let mut lit = vec![0u8; 258];
    for (i, len) in (1..=14u8).enumerate() {
        lit[usize::from(b'b') + i] = len;
    }
    lit[256] = 15;
    lit[257] = 15;
    let mut dist = vec![0u8; 16];
    for (i, len) in (1..=15u8).enumerate() {
        dist[i] = len;
    }
    dist[15] = 15;
    let mut data: Vec<u8> = b"bcdefghijklmnobcdefghijklmno".to_vec();
    let mut w = W::default();
    w.dynamic(true, &lit, &dist);
    for &b in &data {
        w.code(&lit, usize::from(b));
    }
    w.pair(&lit, &dist, (257, 0, 0), (9, 3, 2));
    w.code(&lit, 256);
    let n = data.len();
    data.extend_from_within(n - 27..n - 24);
    accepted(&w.zlib(&data), &data);
}

#[test]
fn the_limit_is_exact() {
    for data in [TOKEN_JSON.to_vec(), json_like(3000, 5), vec![7; 100_000]] {
        let z = compress_reference(&data, 6);
        let n = data.len();
        for max in [0, 1, n / 2, n - 1, n, n + 1, usize::MAX] {
            let (fast, reference) = agree(&z, max);
            assert_eq!(reference.is_some(), max >= n, "max {max} n {n}");
            assert_eq!(fast.is_some(), max >= n, "max {max} n {n}");
        }
    }
    // An empty stream fits in nothing.
    let empty = compress_reference(b"", 6);
    assert_eq!(agree(&empty, 0), (Some(Vec::new()), Some(Vec::new())));
    // Stored blocks inside a compressed stream count too.
    let mut w = W::default();
    w.header(false, 1);
    w.fixed_lit(b'a');
    w.fixed_end();
    w.stored(true, b"bcdef");
    let z = w.zlib(b"abcdef");
    for max in 0..8 {
        let (fast, _) = agree(&z, max);
        assert_eq!(fast.is_some(), max >= 6);
    }
}

#[test]
fn checksum_trailing_bytes_and_truncation() {
    let z = compress_reference(TOKEN_JSON, 6);
    accepted(&z, TOKEN_JSON);
    for n in 0..z.len() {
        rejected(&z[..n]);
    }
    for extra in [&[0u8][..], &[0, 0, 0, 0], b"garbage"] {
        let mut m = z.clone();
        m.extend_from_slice(extra);
        rejected(&m);
    }
    for i in z.len() - 4..z.len() {
        let mut m = z.clone();
        m[i] ^= 0x10;
        rejected(&m);
    }
}

#[test]
fn every_bit_flip_of_fixed_and_dynamic_streams() {
    for data in [TOKEN_JSON.to_vec(), json_like(1500, 6)] {
        let z = compress_reference(&data, 9);
        for i in 0..z.len() {
            for bit in 0..8 {
                let mut m = z.clone();
                m[i] ^= 1 << bit;
                for max in [data.len() - 1, MAX] {
                    agree(&m, max);
                }
            }
        }
    }
}

#[test]
fn random_deflate_made_valid() {
    // Random bytes after a fixed or dynamic block header, cut where a raw inflater finds the
    // end, with the right Adler-32: valid streams with odd contents.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut valid = 0;
    for round in 0..20_000 {
        let mut body = Vec::new();
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            body.push(x as u8);
        }
        // BFINAL, fixed codes; skew towards short outputs ending quickly.
        body[0] = (body[0] & !7) | if round % 3 == 0 { 0b101 } else { 0b011 };
        if let Some((consumed, out)) = raw_inflate(&body) {
            let mut z = vec![0x78, 0x9c];
            z.extend_from_slice(&body[..consumed]);
            z.extend_from_slice(&adler32(&out));
            let (fast, reference) = agree(&z, MAX);
            assert_eq!(reference.as_ref(), Some(&out));
            valid += usize::from(fast.is_some());
        }
    }
    assert!(valid > 100, "{valid}");
}

/// Raw deflate through flate2: (bytes consumed, output) if `body` holds a whole stream.
fn raw_inflate(body: &[u8]) -> Option<(usize, Vec<u8>)> {
    let mut d = Decompress::new(false);
    let mut out = Vec::with_capacity(1 << 16);
    match d.decompress_vec(body, &mut out, FlushDecompress::Finish) {
        Ok(Status::StreamEnd) => Some((d.total_in() as usize, out)),
        _ => None,
    }
}

// ---- Random valid streams, written by hand ----

/// A small deterministic generator for the stream writer.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Huffman code lengths for `weights` (0 = unused), at most `limit` bits: halving the weights
/// until the tree fits. A single used symbol gets one bit (the one incomplete code zlib takes).
fn code_lengths(weights: &[u64], limit: u8) -> Vec<u8> {
    let mut weights = weights.to_vec();
    loop {
        let used: Vec<usize> = (0..weights.len()).filter(|&s| weights[s] > 0).collect();
        let mut lens = vec![0u8; weights.len()];
        if used.len() == 1 {
            lens[used[0]] = 1;
            return lens;
        }
        // Nodes: (weight, symbols under it); merge the two lightest until one is left.
        let mut nodes: Vec<(u64, Vec<usize>)> =
            used.iter().map(|&s| (weights[s], vec![s])).collect();
        while nodes.len() > 1 {
            nodes.sort_by_key(|node| std::cmp::Reverse(node.0));
            let (wa, a) = nodes.pop().unwrap();
            let (wb, b) = nodes.pop().unwrap();
            for &s in a.iter().chain(&b) {
                lens[s] += 1;
            }
            nodes.push((wa + wb, [a, b].concat()));
        }
        if lens.iter().all(|&l| l <= limit) {
            return lens;
        }
        for w in weights.iter_mut().filter(|w| **w > 0) {
            *w = (*w).div_ceil(2);
        }
    }
}

/// Random weights over `n` symbols: some unused, the rest skewed (geometric) or flat.
fn random_weights(rng: &mut Rng, n: usize, keep_one_in: usize) -> Vec<u64> {
    let skewed = rng.chance(2);
    (0..n)
        .map(|_| {
            if !rng.chance(keep_one_in) {
                0
            } else if skewed {
                1 << rng.below(20)
            } else {
                1 + rng.below(8) as u64
            }
        })
        .collect()
}

/// Writes a dynamic block header for `lit` and `dist` lengths, run-length coding them with
/// 16, 17 and 18 at random, under a code length code built for the result.
fn write_dynamic_header(w: &mut W, rng: &mut Rng, last: bool, lit: &[u8], dist: &[u8]) {
    let all: Vec<u8> = lit.iter().chain(dist).copied().collect();
    let mut symbols: Vec<(usize, u64)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let len = all[i];
        let run = all[i..].iter().take_while(|&&l| l == len).count();
        if len == 0 && run >= 11 && rng.chance(2) {
            let k = run.min(138);
            symbols.push((18, (k - 11) as u64));
            i += k;
        } else if len == 0 && run >= 3 && rng.chance(2) {
            let k = run.min(10);
            symbols.push((17, (k - 3) as u64));
            i += k;
        } else if i > 0 && all[i - 1] == len && run >= 3 && rng.chance(2) {
            let k = run.min(6);
            symbols.push((16, (k - 3) as u64));
            i += k;
        } else {
            symbols.push((usize::from(len), 0));
            i += 1;
        }
    }
    let mut weights = vec![0u64; 19];
    for &(s, _) in &symbols {
        weights[s] += 1;
    }
    if weights.iter().filter(|&&w| w > 0).count() == 1 {
        // The code length code must be complete: a second symbol, unused.
        let other = if weights[0] > 0 { 18 } else { 0 };
        weights[other] = 1;
    }
    let cl: [u8; 19] = code_lengths(&weights, 7).try_into().unwrap();
    w.dynamic_header(
        last,
        lit.len() as u64 - 257,
        dist.len() as u64 - 1,
        &cl,
        &symbols,
    );
}

/// A random valid zlib stream (stored, fixed and dynamic blocks, every length and distance
/// code, long codes, the odd codes zlib allows) and what it inflates to.
fn random_stream(seed: u64) -> (Vec<u8>, Vec<u8>) {
    let (z, data, _) = random_stream_with_features(seed);
    (z, data)
}

/// What a random stream used, to check that the generator covers the cases.
#[derive(Default, Debug)]
struct Features {
    dynamic: usize,
    /// Dynamic literal/length codes longer than 10 bits (the fast path's slow decode).
    long_lit_codes: usize,
    long_dist_codes: usize,
    only_end_of_block: usize,
    no_distance_codes: usize,
    matches: usize,
}

fn random_stream_with_features(seed: u64) -> (Vec<u8>, Vec<u8>, Features) {
    let mut features = Features::default();
    let mut rng = Rng(seed | 1);
    let mut w = W::default();
    let mut out: Vec<u8> = Vec::new();
    let blocks = 1 + rng.below(3);
    for b in 0..blocks {
        let last = b + 1 == blocks;
        let kind = rng.below(5);
        if kind == 0 {
            let n = rng.below(40);
            let data: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            w.stored(last, &data);
            out.extend_from_slice(&data);
            continue;
        }
        let (lit, dist) = if kind == 1 {
            w.header(last, 1);
            (fixed_lit_lens(), FIXED_DIST.to_vec())
        } else {
            let hlit = 257 + rng.below(30);
            let hdist = 1 + rng.below(30);
            let keep = 1 + rng.below(4);
            let mut lit_w = random_weights(&mut rng, hlit, keep);
            lit_w[256] = lit_w[256].max(1);
            if rng.chance(10) {
                // Only the end of block: one 1-bit code.
                lit_w = vec![0; hlit];
                lit_w[256] = 1;
            }
            let dist_w = if rng.chance(8) {
                vec![0; hdist] // no distance codes at all
            } else {
                let keep = 1 + rng.below(3);
                random_weights(&mut rng, hdist, keep)
            };
            let lit = code_lengths(&lit_w, 15);
            let dist = code_lengths(&dist_w, 15);
            features.dynamic += 1;
            features.long_lit_codes += usize::from(lit.iter().any(|&l| l > 10));
            features.long_dist_codes += usize::from(dist.iter().any(|&l| l > 7));
            features.only_end_of_block += usize::from(lit.iter().filter(|&&l| l > 0).count() == 1);
            features.no_distance_codes += usize::from(dist.iter().all(|&l| l == 0));
            write_dynamic_header(&mut w, &mut rng, last, &lit, &dist);
            (lit, dist)
        };
        let lit_used: Vec<usize> = (0..lit.len()).filter(|&s| lit[s] > 0 && s != 256).collect();
        let dist_used: Vec<usize> = (0..dist.len().min(30)).filter(|&s| dist[s] > 0).collect();
        let symbols = rng.below(120);
        for _ in 0..symbols {
            let Some(&sym) = lit_used.get(rng.below(lit_used.len().max(1))) else {
                break;
            };
            if sym < 256 {
                w.code(&lit, sym);
                out.push(sym as u8);
                continue;
            }
            if sym > 285 || dist_used.is_empty() {
                continue;
            }
            // A length (with its extra bits) and a distance that reaches back no further
            // than the output.
            let d = dist_used[rng.below(dist_used.len())];
            let (dbase, dextra) = DIST_CODES[d];
            let dx = rng.below(1 << dextra) as u64;
            let distance = dbase + dx as usize;
            if distance > out.len() {
                continue;
            }
            let (lbase, lextra) = LENGTH_CODES[sym - 257];
            let lx = rng.below(1 << lextra) as u64;
            let length = lbase + lx as usize;
            w.code(&lit, sym);
            w.bits(lx, lextra);
            w.code(&dist, d);
            w.bits(dx, dextra);
            for _ in 0..length {
                out.push(out[out.len() - distance]);
            }
            features.matches += 1;
        }
        w.code(&lit, 256);
    }
    (w.zlib(&out), out, features)
}

/// (base, extra bits) of length codes 257..=285 and distance codes 0..=29 (RFC 1951 §3.2.5).
const LENGTH_CODES: [(usize, u32); 29] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 1),
    (13, 1),
    (15, 1),
    (17, 1),
    (19, 2),
    (23, 2),
    (27, 2),
    (31, 2),
    (35, 3),
    (43, 3),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 4),
    (115, 4),
    (131, 5),
    (163, 5),
    (195, 5),
    (227, 5),
    (258, 0),
];
const DIST_CODES: [(usize, u32); 30] = [
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 1),
    (7, 1),
    (9, 2),
    (13, 2),
    (17, 3),
    (25, 3),
    (33, 4),
    (49, 4),
    (65, 5),
    (97, 5),
    (129, 6),
    (193, 6),
    (257, 7),
    (385, 7),
    (513, 8),
    (769, 8),
    (1025, 9),
    (1537, 9),
    (2049, 10),
    (3073, 10),
    (4097, 11),
    (6145, 11),
    (8193, 12),
    (12289, 12),
    (16385, 13),
    (24577, 13),
];

#[test]
fn random_hand_written_streams_are_taken_by_the_fast_path() {
    let mut total = Features::default();
    for seed in 0..2000u64 {
        let (z, data, f) = random_stream_with_features(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        accepted(&z, &data);
        total.dynamic += f.dynamic;
        total.long_lit_codes += f.long_lit_codes;
        total.long_dist_codes += f.long_dist_codes;
        total.only_end_of_block += f.only_end_of_block;
        total.no_distance_codes += f.no_distance_codes;
        total.matches += f.matches;
    }
    // The generator reached every case (counts over 2000 streams).
    let Features {
        dynamic,
        long_lit_codes,
        long_dist_codes,
        only_end_of_block,
        no_distance_codes,
        matches,
    } = total;
    assert!(dynamic > 1000, "{total:?}");
    for n in [
        long_lit_codes,
        long_dist_codes,
        only_end_of_block,
        no_distance_codes,
    ] {
        assert!(n > 50, "{total:?}");
    }
    assert!(matches > 3000, "{total:?}");
}

// ---- Properties ----

fn data_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2000),
        // Small alphabets: long matches, dynamic codes.
        (1u8..8, prop::collection::vec(any::<u8>(), 0..3000))
            .prop_map(|(k, v)| v.into_iter().map(|b| b'a' + b % k).collect()),
        // Skewed: a geometric-ish distribution over all bytes gives long codes.
        prop::collection::vec(any::<u32>(), 0..6000).prop_map(|v| v
            .into_iter()
            .map(|r| r.trailing_zeros() as u8 * 7 + (r >> 28) as u8)
            .collect()),
        (any::<u64>(), 0usize..5000).prop_map(|(seed, n)| json_like(n, seed)),
    ]
}

// The default configuration: 256 cases, or PROPTEST_CASES.
proptest! {

    #[test]
    fn compressed_data_round_trips_through_the_fast_path(data in data_strategy(), level in 1u32..=9) {
        let z = compress_reference(&data, level);
        let (fast, reference) = agree(&z, MAX.max(data.len()));
        prop_assert_eq!(reference.as_ref(), Some(&data));
        prop_assert_eq!(fast.as_ref(), Some(&data));
    }

    #[test]
    fn flushed_streams_round_trip(
        data in data_strategy(),
        level in 0u32..=9,
        cuts in prop::collection::vec(0usize..6000, 0..5),
        flushes in prop::collection::vec(any::<u8>(), 0..5),
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        let z = flushed(&data, level, &cuts, &flushes);
        let (fast, reference) = agree(&z, MAX.max(data.len()));
        prop_assert_eq!(reference.as_ref(), Some(&data));
        prop_assert_eq!(fast.as_ref(), Some(&data));
    }

    #[test]
    fn mutated_streams_get_the_same_answer(
        data in data_strategy(),
        level in 1u32..=9,
        flips in prop::collection::vec((any::<prop::sample::Index>(), 0u8..8), 0..3),
        inserts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..2),
        cut in prop::option::of(any::<prop::sample::Index>()),
        max_pick in 0usize..5,
    ) {
        let mut z = compress_reference(&data, level);
        for (at, bit) in flips {
            let i = 2 + at.index(z.len() - 2);
            z[i] ^= 1 << bit;
        }
        for (at, byte) in inserts {
            let i = 2 + at.index(z.len() - 1);
            z.insert(i, byte);
        }
        if let Some(cut) = cut {
            let n = cut.index(z.len() + 1);
            z.truncate(n);
        }
        let n = data.len();
        let max = [0, n.saturating_sub(1), n, n + 1, MAX][max_pick];
        agree(&z, max);
    }

    #[test]
    fn hand_written_streams_and_their_mutations(
        seed in any::<u64>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..3),
        max_pick in 0usize..4,
    ) {
        let (z, data) = random_stream(seed);
        let (fast, reference) = agree(&z, MAX);
        prop_assert_eq!(reference.as_ref(), Some(&data));
        prop_assert_eq!(fast.as_ref(), Some(&data));
        let mut m = z.clone();
        for (at, bit) in flips {
            let i = 2 + at.index(m.len() - 2);
            m[i] ^= 1 << bit;
        }
        let n = data.len();
        agree(&m, [n.saturating_sub(1), n, n + 1, MAX][max_pick]);
    }

    #[test]
    fn random_bytes_behind_a_header_get_the_same_answer(
        body in prop::collection::vec(any::<u8>(), 0..300),
        btype in 0u8..4,
        header in prop::sample::select(vec![[0x78u8, 0x9c], [0x78, 0x01], [0x78, 0xda], [0x08, 0x1d], [0x48, 0x0d]]),
        max in prop::sample::select(vec![0usize, 10, 300, MAX]),
    ) {
        let mut z = header.to_vec();
        z.extend_from_slice(&body);
        if let Some(first) = z.get_mut(2) {
            *first = (*first & !6) | (btype << 1);
        }
        agree(&z, max);
    }
}
