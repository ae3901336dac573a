//! No token verifies for claims, an app or a key it was not minted with.
//!
//! The input chooses the claims (identifier, time, expire, userbuf), how the token is minted,
//! and a list of edits: to the token text, or to the JSON inside it (re-compressed at a chosen
//! level, so edits reach the parser instead of dying in zlib's checksum). Then:
//! - the untouched token verifies with key A to exactly the minted claims;
//! - an edited token never verifies with key B, for another SDKAppID or another identifier;
//! - an edited token that verifies with key A yields exactly the minted claims.
#![no_main]

use arbitrary::Arbitrary;
use base64::Engine as _;
use flate2::write::ZlibEncoder;
use libfuzzer_sys::fuzz_target;
use std::io::Write as _;
use usersig::{Claims, Compression, Limits, Mint, Signer, Verifier};

const KEY_A: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const KEY_B: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5f";
const APP: u64 = 1_400_000_000;

#[derive(Debug, Arbitrary)]
enum Edit {
    /// Replace the byte at `pos % len` with `byte`.
    Set { pos: u16, byte: u8 },
    /// Insert `byte` before `pos % (len + 1)`.
    Insert { pos: u16, byte: u8 },
    /// Remove the byte at `pos % len`.
    Remove { pos: u16 },
    /// Replace a run of bytes with other bytes.
    Splice { pos: u16, len: u8, with: Vec<u8> },
}

#[derive(Debug, Arbitrary)]
struct Input {
    identifier: String,
    other_identifier: String,
    other_app: u64,
    time: u32,
    expire: u32,
    userbuf: Option<Vec<u8>>,
    compression: u8,
    /// Edit the JSON (and re-compress at `level % 10`) rather than the token text.
    json_level: Option<u8>,
    edits: Vec<Edit>,
}

fn apply(buf: &mut Vec<u8>, edit: &Edit) {
    let len = buf.len();
    match *edit {
        Edit::Set { pos, byte } if len > 0 => buf[usize::from(pos) % len] = byte,
        Edit::Insert { pos, byte } => buf.insert(usize::from(pos) % (len + 1), byte),
        Edit::Remove { pos } if len > 0 => {
            buf.remove(usize::from(pos) % len);
        }
        Edit::Splice {
            pos,
            len: n,
            ref with,
        } => {
            let start = usize::from(pos) % (len + 1);
            let end = (start + usize::from(n)).min(len);
            buf.splice(start..end, with.iter().copied());
        }
        _ => {}
    }
}

fn edited(token: &str, input: &Input) -> Option<String> {
    match input.json_level {
        None => {
            let mut text = token.as_bytes().to_vec();
            input.edits.iter().for_each(|e| apply(&mut text, e));
            String::from_utf8(text).ok()
        }
        Some(level) => {
            let mut json =
                usersig::internals::decode_to_json(token, &Limits::default()).expect("our token");
            input.edits.iter().for_each(|e| apply(&mut json, e));
            let level = flate2::Compression::new(u32::from(level % 10));
            let mut z = ZlibEncoder::new(Vec::new(), level);
            z.write_all(&json).ok()?;
            let compressed = z.finish().ok()?;
            let text = base64::engine::general_purpose::STANDARD.encode(compressed);
            Some(text.replace('+', "*").replace('/', "-").replace('=', "_"))
        }
    }
}

fn same_claims(a: &Claims, b: &Claims) -> bool {
    (a.identifier == b.identifier)
        & (a.sdkappid == b.sdkappid)
        & (a.time == b.time)
        & (a.expire == b.expire)
        & (a.expires_at == b.expires_at)
        & (a.userbuf == b.userbuf)
        & (a.userbuf_b64 == b.userbuf_b64)
        & (a.private_map_key == b.private_map_key)
}

fuzz_target!(|input: Input| {
    let compression = match input.compression % 3 {
        0 => Compression::Stored,
        1 => Compression::Fast,
        _ => Compression::Standard,
    };
    let signer = Signer::new(APP, KEY_A)
        .unwrap()
        .with_compression(compression);
    let time = u64::from(input.time);
    let mut mint = Mint::new(&input.identifier)
        .time(time)
        .expire_secs(u64::from(input.expire));
    if let Some(userbuf) = &input.userbuf {
        mint = mint.userbuf(userbuf);
    }
    let Ok(token) = signer.mint(&mint) else {
        return;
    };
    let now = time;
    let key_a = Verifier::new(APP, KEY_A).unwrap();
    let key_b = Verifier::new(APP, KEY_B).unwrap();
    let original = key_a
        .verify_at(&token, &input.identifier, now)
        .expect("a freshly minted token verifies");
    assert_eq!(original.identifier, input.identifier);
    assert_eq!(
        (original.time, original.expire),
        (time, u64::from(input.expire))
    );
    assert_eq!(original.userbuf, input.userbuf);

    let Some(candidate) = edited(&token, &input) else {
        return;
    };
    for t in [&token, &candidate] {
        assert!(
            key_b.verify_at(t, &input.identifier, now).is_err(),
            "verified with the wrong key: {t:?}"
        );
        if input.other_identifier != input.identifier {
            assert!(
                key_a.verify_at(t, &input.other_identifier, now).is_err(),
                "verified for another identifier: {t:?}"
            );
        }
        if input.other_app != APP {
            let other_app = Verifier::new(input.other_app, KEY_A).unwrap();
            assert!(
                other_app.verify_at(t, &input.identifier, now).is_err(),
                "verified for another SDKAppID: {t:?}"
            );
        }
    }
    if let Ok(claims) = key_a.verify_at(&candidate, &input.identifier, now) {
        assert!(
            same_claims(&claims, &original),
            "edited token {candidate:?} verifies to {claims:?}, minted {original:?}"
        );
    }
});
