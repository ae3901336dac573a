//! What minting writes and verification reads at the zlib and outer layers is exactly what the
//! library-backed reference (flate2, the base64 crate written the plain way) writes and reads:
//! differential property tests.

use proptest::prelude::*;
use usersig::internals::decode_outer;
use usersig::internals::reference::{
    compress as compress_reference, decode_outer as decode_outer_reference,
    inflate as inflate_reference,
};
use usersig::{Compression, Limits};

const MAX: usize = 64 * 1024;

fn stored(data: &[u8]) -> Vec<u8> {
    // The public way in: mint-time compression through the crate's own path.
    let mut out = Vec::new();
    usersig::internals::compress(data, Compression::Stored, &mut out);
    out
}

fn compressed(data: &[u8], level: u32) -> Vec<u8> {
    let compression = match level {
        0 => Compression::Stored,
        1 => Compression::Fast,
        _ => Compression::Standard,
    };
    let mut out = Vec::new();
    usersig::internals::compress(data, compression, &mut out);
    out
}

fn inflate(bytes: &[u8]) -> Result<Vec<u8>, usersig::Malformed> {
    usersig::internals::inflate(bytes, MAX)
}

#[test]
fn stored_streams_match_the_reference_byte_for_byte_at_block_boundaries() {
    for n in [
        0usize, 1, 2, 200, 65_534, 65_535, 65_536, 131_070, 131_071, 200_000,
    ] {
        let data: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
        let ours = stored(&data);
        assert_eq!(inflate_reference(&ours, usize::MAX).unwrap(), data, "n={n}");
        assert_eq!(ours, compress_reference(&data, 0), "n={n}");
    }
}

#[test]
fn level_one_matches_the_reference_around_its_size_and_lookahead_boundaries() {
    // 262 is zlib-rs's MIN_LOOKAHEAD (its window refills change which positions are hashed),
    // 258 the longest match, 16 KiB a long token document.
    let pattern = br#"{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"#;
    for n in (0..12)
        .chain(250..275)
        .chain(510..530)
        .chain([4096, 16_383, 16_384, 16_385, 20_000])
    {
        for data in [
            pattern.iter().copied().cycle().take(n).collect::<Vec<u8>>(),
            (0..n).map(|i| (i % 3) as u8).collect(),
            (0..n).map(|i| ((i * i) % 7) as u8 + b'a').collect(),
            vec![b'z'; n],
        ] {
            let ours = compressed(&data, 1);
            assert_eq!(ours, compress_reference(&data, 1), "n={n}");
        }
    }
}

#[test]
fn level_one_matches_the_reference_on_every_kind_of_token_document() {
    let signer = usersig::Signer::new(1_400_000_000, usersig::DEMO_KEY).unwrap();
    let room_name = "r".repeat(300);
    let long_id = "user-".repeat(100);
    for mint in [
        usersig::Mint::new("xiaojun"),
        usersig::Mint::new("a").expire_secs(0),
        usersig::Mint::new(&long_id),
        usersig::Mint::new("bob").userbuf(&[0u8; 700]),
        usersig::Mint::new("alice")
            .private_map_key(usersig::Room::Numeric(10_000), usersig::Privileges::ALL),
        usersig::Mint::new("alice").private_map_key(
            usersig::Room::Str(&room_name),
            usersig::Privileges::ENTER_ROOM,
        ),
    ] {
        let token = signer.mint(&mint.time(1_569_910_200)).unwrap();
        let json = usersig::internals::decode_to_json(&token, &Limits::default()).unwrap();
        assert_eq!(compressed(&json, 1), compress_reference(&json, 1));
    }
}

#[test]
fn inflate_rejects_what_the_reference_rejects_on_every_truncation_and_flip() {
    let data = br#"{"TLS.ver":"2.0","TLS.identifier":"xiaojun"}"#;
    let z = stored(data);
    for n in 0..z.len() {
        assert_eq!(
            inflate(&z[..n]).is_ok(),
            inflate_reference(&z[..n], MAX).is_ok(),
            "len {n}"
        );
    }
    for i in 0..z.len() {
        for bit in 0..8 {
            let mut m = z.clone();
            m[i] ^= 1 << bit;
            let (a, b) = (inflate(&m), inflate_reference(&m, MAX));
            assert_eq!(
                a.as_ref().ok(),
                b.as_ref().ok(),
                "byte {i} bit {bit}: {a:?} vs {b:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn stored_compression_round_trips_and_matches_the_reference(data in prop::collection::vec(any::<u8>(), 0..3000)) {
        let ours = stored(&data);
        prop_assert_eq!(&ours, &compress_reference(&data, 0));
        prop_assert_eq!(inflate(&ours).unwrap(), data);
    }

    #[test]
    fn reused_compressors_give_the_reference_output(
        data in prop::collection::vec(any::<u8>(), 0..3000),
        level in prop::sample::select(vec![1u32, 6]),
    ) {
        let ours = compressed(&data, level);
        prop_assert_eq!(&ours, &compress_reference(&data, level));
        prop_assert_eq!(inflate(&ours).unwrap(), data);
    }

    #[test]
    fn level_one_matches_the_reference_on_repetitive_data(
        text in prop_oneof![
            "[ab]{0,600}",
            "[abc{}:\",. 0-9]{0,3000}",
            "(\\{\"TLS\\.[a-z]{1,6}\":\"[a-z0-9]{0,12}\",){0,40}",
        ],
        run in prop::collection::vec((any::<u8>(), 1usize..600), 0..6),
    ) {
        // Small alphabets, JSON-shaped keys and long runs: the inputs where level 1 finds
        // matches (random bytes almost never have four bytes in common).
        let mut data = text.into_bytes();
        for (byte, n) in run {
            data.extend(std::iter::repeat_n(byte, n));
            data.extend_from_slice(b"\"TLS.sig\":\"");
        }
        let ours = compressed(&data, 1);
        prop_assert_eq!(&ours, &compress_reference(&data, 1));
        prop_assert_eq!(inflate(&ours).unwrap(), data);
    }

    #[test]
    fn production_and_reference_inflate_agree_on_mutated_streams(
        data in prop::collection::vec(any::<u8>(), 0..400),
        level in 0u32..=9,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
        extra in prop::collection::vec(any::<u8>(), 0..3),
    ) {
        let mut z = compressed(&data, level);
        for (at, byte) in edits {
            let i = at.index(z.len());
            z[i] = byte;
        }
        if cut.index(4) == 0 {
            let n = cut.index(z.len() + 1);
            z.truncate(n);
        }
        z.extend_from_slice(&extra);
        let (a, b) = (inflate(&z), inflate_reference(&z, MAX));
        prop_assert_eq!(a.as_ref().ok(), b.as_ref().ok());
        prop_assert_eq!(a.is_ok(), b.is_ok());
    }

    #[test]
    fn the_outer_decoder_agrees_with_the_reference(s in "[A-Za-z0-9*_=+/ -]{0,64}") {
        let limits = Limits::default();
        prop_assert_eq!(decode_outer(&s, &limits).ok(), decode_outer_reference(&s, &limits).ok());
    }

    #[test]
    fn the_outer_decoder_takes_every_token_we_mint(data in prop::collection::vec(any::<u8>(), 1..300)) {
        let mut token = String::new();
        usersig::internals::encode_outer(&data, &mut token);
        prop_assert_eq!(decode_outer(&token, &Limits::default()).ok(), Some(data));
    }
}

#[test]
fn the_outer_decoder_rejects_non_canonical_trailing_bits_like_the_reference() {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-+/";
    let limits = Limits::default();
    let mut accepted = 0;
    for prefix in ["", "QU", "QUJD"] {
        for &a in ALPHABET {
            for &b in ALPHABET {
                for tail in [
                    vec![a, b],
                    vec![b'Q', a, b],
                    vec![a, b, b'_', b'_'],
                    vec![b'Q', a, b, b'_'],
                ] {
                    let token = format!("{prefix}{}", String::from_utf8(tail).unwrap());
                    let ours = decode_outer(&token, &limits).ok();
                    assert_eq!(
                        ours,
                        decode_outer_reference(&token, &limits).ok(),
                        "{token}"
                    );
                    accepted += usize::from(ours.is_some());
                }
            }
        }
    }
    // Both outcomes were exercised.
    assert!(accepted > 1000, "{accepted}");
}
