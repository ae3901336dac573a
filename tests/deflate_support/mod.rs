//! A deflate bit writer for the tests that build zlib streams by hand (`hostile_input.rs`,
//! `inflate_fastpath.rs`).

/// Writes bits least significant first, as deflate packs them (RFC 1951 §3.1.1).
#[derive(Default)]
pub struct BitWriter {
    /// The bytes completed so far.
    pub out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    /// `n` bits of `value`, least significant first.
    pub fn bits(&mut self, value: u64, n: u32) {
        if n > 32 {
            self.bits(value & 0xffff_ffff, 32);
            self.bits(value >> 32, n - 32);
            return;
        }
        assert!(value < 1u64 << n, "{value} in {n} bits");
        self.acc |= value << self.n;
        self.n += n;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code of `width` bits, most significant bit first (§3.1.1).
    pub fn code(&mut self, code: u64, width: u32) {
        let reversed = (0..width).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
        self.bits(reversed, width);
    }

    /// Zero bits up to the next byte boundary.
    pub fn align(&mut self) {
        if self.n > 0 {
            self.bits(0, 8 - self.n);
        }
    }
}
