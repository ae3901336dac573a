//! The deflate layer past its checksum: the input is a raw deflate body, which this target
//! wraps as a zlib stream with a correct header and the Adler-32 of whatever the body inflates
//! to. Mutations of a token's compressed body then reach the inflater and the JSON reader
//! instead of dying at the checksum, as they almost always do in the other targets.
//!
//! Checks: the production inflater and the library-backed reference agree on accept or reject
//! and on the bytes; the whole production decoding path (outer text, inflate, document) and the
//! reference reader agree on accept or reject and on the fields of the token made from the
//! stream; nothing panics, and nothing inflates past the limit.
#![no_main]

use flate2::{Decompress, FlushDecompress, Status};
use libfuzzer_sys::fuzz_target;
use usersig::Limits;
use usersig::internals::{decode_document, encode_outer, inflate, reference};

/// What `body` inflates to as raw deflate, bounded: `None` when it does not end cleanly.
fn raw_inflate(body: &[u8], max: usize) -> Option<Vec<u8>> {
    let mut z = Decompress::new(false);
    let mut out = Vec::with_capacity(max + 1);
    match z.decompress_vec(body, &mut out, FlushDecompress::Finish) {
        Ok(Status::StreamEnd) if out.len() <= max => Some(out),
        _ => None,
    }
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fuzz_target!(|body: &[u8]| {
    let limits = Limits::default();
    let max = limits.max_inflated_bytes;
    // The checksum of what the body means; a body that does not inflate gets the checksum of
    // nothing, so the stream is still well framed and the inflaters must both refuse it.
    let content = raw_inflate(body, max);
    let mut stream = vec![0x78, 0x9c];
    stream.extend_from_slice(body);
    stream.extend_from_slice(&adler32(content.as_deref().unwrap_or_default()).to_be_bytes());

    let ours = inflate(&stream, max);
    let theirs = reference::inflate(&stream, max);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the inflaters disagree on the bytes"),
        (Err(_), Err(_)) => {}
        _ => panic!("the inflaters disagree: ours {ours:?}, reference {theirs:?}"),
    }
    if let Ok(json) = &ours {
        assert!(json.len() <= max, "inflated past the limit");
        // The whole production path on the token these bytes make, against the reference.
        let mut token = String::new();
        encode_outer(&stream, &mut token);
        let production = decode_document(token.as_bytes(), &limits);
        let reference = reference::parse_document(json);
        match (&production, &reference) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "the document readers disagree"),
            (Err(_), Err(_)) => {}
            _ => panic!("production {production:?}, reference {reference:?} for {json:?}"),
        }
    }
});
