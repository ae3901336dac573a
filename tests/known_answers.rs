//! FORMAT.md §2 and §6 known answers: our signatures and PrivateMapKey bytes match byte for byte.

use base64::Engine as _;
use usersig::{
    Compression, DEMO_KEY, DEMO_SDKAPPID, Mint, PrivateMapKey, Privileges, Room, Signer, Verifier,
    inspect_at,
};

const TIME: u64 = 1_569_910_200;
const EXPIRE: u64 = 15_552_000;

fn sig_of(token: &str) -> String {
    inspect_at(token, TIME).unwrap().sig_b64.unwrap()
}

fn signer(c: Compression) -> Signer {
    Signer::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .with_compression(c)
}

const ALL_COMPRESSIONS: [Compression; 3] = [
    Compression::Stored,
    Compression::Fast,
    Compression::Standard,
];

#[test]
fn spec_section_2_signatures_match_at_every_compression() {
    let cases: [(&str, Option<&[u8]>, &str); 4] = [
        (
            "xiaojun",
            None,
            "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=",
        ),
        (
            "xiaojun",
            Some(b"abc"),
            "3TxjjQy6zPPaA/ym48DhPp0nXv+HlvvewKWOX4u3upg=",
        ),
        ("0", None, "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY="),
        (
            "0",
            Some(b"abc"),
            "bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8=",
        ),
    ];
    for c in ALL_COMPRESSIONS {
        for (id, userbuf, sig) in cases {
            let mut mint = Mint::new(id).time(TIME).expire_secs(EXPIRE);
            if let Some(buf) = userbuf {
                mint = mint.userbuf(buf);
            }
            let token = signer(c).mint(&mint).unwrap();
            assert_eq!(sig_of(&token), sig, "{id} {userbuf:?} {c:?}");
        }
    }
}

#[test]
fn default_expire_is_180_days() {
    let token = signer(Compression::Stored)
        .mint(&Mint::new("xiaojun").time(TIME))
        .unwrap();
    assert_eq!(
        sig_of(&token),
        "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="
    );
}

#[test]
fn spec_section_6_private_map_keys_match() {
    let b64 = base64::engine::general_purpose::STANDARD;
    let cases = [
        (
            Room::Numeric(10000),
            "AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA",
        ),
        (
            Room::Str("1000000040"),
            "AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw",
        ),
    ];
    for (room, want) in cases {
        let token = signer(Compression::Standard)
            .mint(
                &Mint::new("xiaojun")
                    .time(TIME)
                    .expire_secs(EXPIRE)
                    .private_map_key(room, Privileges::ALL),
            )
            .unwrap();
        let info = inspect_at(&token, TIME).unwrap();
        assert_eq!(info.userbuf_b64.as_deref(), Some(want));
        let bytes = b64.decode(want).unwrap();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(info.to_json()["userbuf_hex"], hex.as_str());
        let pmk = PrivateMapKey::parse(&bytes).unwrap();
        assert_eq!(info.private_map_key.as_ref(), Some(&pmk));
        assert_eq!(pmk.room(), room);
        assert_eq!(u64::from(pmk.expires_at), TIME + EXPIRE);
    }
}

#[test]
fn empty_string_room_is_numeric_room_zero() {
    let s = signer(Compression::Stored);
    let a = s
        .mint(
            &Mint::new("u")
                .time(TIME)
                .private_map_key(Room::Str(""), Privileges::ALL),
        )
        .unwrap();
    let b = s
        .mint(
            &Mint::new("u")
                .time(TIME)
                .private_map_key(Room::Numeric(0), Privileges::ALL),
        )
        .unwrap();
    assert_eq!(a, b);
    let pmk = inspect_at(&a, TIME).unwrap().private_map_key.unwrap();
    assert_eq!((pmk.version(), pmk.room_id, pmk.room_str), (0, 0, None));
}

#[test]
fn we_emit_the_documented_json_layout() {
    let token = signer(Compression::Stored)
        .mint(
            &Mint::new("小军/\"x\"")
                .time(TIME)
                .expire_secs(0)
                .userbuf(b""),
        )
        .unwrap();
    let info = inspect_at(&token, TIME).unwrap();
    assert_eq!(
        info.json,
        r#"{"TLS.ver":"2.0","TLS.identifier":"小军/\"x\"","TLS.sdkappid":1400000000,"TLS.expire":0,"TLS.time":1569910200,"TLS.userbuf":"","TLS.sig":""#
            .to_owned()
            + info.sig_b64.as_deref().unwrap()
            + "\"}"
    );
    // expire 0 and an empty userbuf are both emitted and verify (FORMAT.md §7).
    let claims = Verifier::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .verify_at(&token, "小军/\"x\"", TIME)
        .unwrap();
    assert_eq!(claims.userbuf.as_deref(), Some(&b""[..]));
    assert_eq!(claims.expires_at, TIME);
}

#[test]
fn tokens_use_only_the_url_safe_alphabet_and_the_requested_level() {
    for (c, header) in [
        (Compression::Stored, [0x78, 0x01]),
        (Compression::Fast, [0x78, 0x01]),
        (Compression::Standard, [0x78, 0x9c]),
    ] {
        let token = signer(c)
            .mint(&Mint::new("xiaojun").time(TIME).userbuf(&[0xfb, 0xff, 0xfe]))
            .unwrap();
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"*-_".contains(&b)),
            "{token}"
        );
        let info = inspect_at(&token, TIME).unwrap();
        assert_eq!(info.zlib.header, header, "{c:?}");
        assert_eq!(info.zlib.stored, c == Compression::Stored);
    }
}

#[test]
fn tokens_the_default_verifier_would_refuse_are_never_minted() {
    use usersig::{Limits, SignError};
    let limits = Limits::default();
    let long_id = "a".repeat(20_000);
    // Stored: the token text passes 16 KiB.
    let err = signer(Compression::Stored)
        .mint(&Mint::new(&long_id).time(TIME))
        .unwrap_err();
    assert!(
        matches!(err, SignError::TooLong { what: "token", max, .. } if max == limits.max_token_bytes)
    );
    // Compressed, the same identifier fits, and verifies.
    let token = signer(Compression::Standard)
        .mint(&Mint::new(&long_id).time(TIME))
        .unwrap();
    assert!(token.len() <= limits.max_token_bytes);
    Verifier::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .verify_at(&token, &long_id, TIME)
        .unwrap();
    // But no compression makes a document over 64 KiB acceptable (stored documents are
    // written in place, compressed ones beside the stream: both paths are checked).
    for compression in [
        Compression::Stored,
        Compression::Fast,
        Compression::Standard,
    ] {
        let err = signer(compression)
            .mint(&Mint::new(&"a".repeat(65_535)).time(TIME))
            .unwrap_err();
        assert!(
            matches!(
                err,
                SignError::TooLong {
                    what: "token document",
                    ..
                }
            ),
            "{compression:?}: {err}"
        );
    }
}
