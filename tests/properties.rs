//! Property tests: round trips, single-character tampering, and no panics on any input.

use proptest::prelude::*;
use usersig::{Compression, DEMO_KEY, DEMO_SDKAPPID, Mint, Signer, Verifier, inspect, inspect_at};

fn compression() -> impl Strategy<Value = Compression> {
    prop_oneof![
        Just(Compression::Stored),
        Just(Compression::Fast),
        Just(Compression::Standard)
    ]
}

fn identifier() -> impl Strategy<Value = String> {
    // Any Unicode except NUL, including JSON specials, escapes and astral characters.
    prop::collection::vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 1..40)
        .prop_map(|cs| cs.into_iter().collect())
}

const TOKEN_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_+/=";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_identifier_userbuf_and_time_round_trip(
        id in identifier(),
        userbuf in prop::option::of(prop::collection::vec(any::<u8>(), 0..300)),
        time in 0u64..(1 << 40),
        expire in 0u64..(1 << 34),
        c in compression(),
    ) {
        let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap().with_compression(c);
        let mut mint = Mint::new(&id).time(time).expire_secs(expire);
        if let Some(buf) = &userbuf {
            mint = mint.userbuf(buf);
        }
        let token = signer.mint(&mint).unwrap();
        let claims = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap().verify_at(&token, &id, time).unwrap();
        prop_assert_eq!(&claims.identifier, &id);
        prop_assert_eq!((claims.time, claims.expire, claims.expires_at), (time, expire, time + expire));
        prop_assert_eq!(claims.userbuf, userbuf);
        let info = inspect_at(&token, time).unwrap();
        prop_assert_eq!(info.identifier.as_deref(), Some(id.as_str()));
    }

    #[test]
    fn changing_one_character_never_yields_a_token_for_other_claims(
        id in "[a-z0-9_]{1,12}",
        userbuf in prop::option::of(prop::collection::vec(any::<u8>(), 0..16)),
        c in compression(),
        pos in any::<prop::sample::Index>(),
        replacement in prop::sample::select(TOKEN_ALPHABET),
    ) {
        let time = 1_569_910_200;
        let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap().with_compression(c);
        let mut mint = Mint::new(&id).time(time).expire_secs(86_400);
        if let Some(buf) = &userbuf {
            mint = mint.userbuf(buf);
        }
        let token = signer.mint(&mint).unwrap();
        let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
        let original = verifier.verify_at(&token, &id, time).unwrap();
        let mut bytes = token.into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] = replacement;
        let tampered = String::from_utf8(bytes).unwrap();
        // Either rejected, or (a harmless re-encoding such as `_` <-> `=`) exactly the original.
        if let Ok(claims) = verifier.verify_at(&tampered, &id, time) {
            prop_assert_eq!(claims, original);
        }
    }

    #[test]
    fn verify_and_inspect_never_panic_on_arbitrary_strings(s in any::<String>()) {
        let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
        prop_assert!(verifier.verify_at(&s, "xiaojun", 0).is_err());
        let _ = inspect(&s);
    }

    #[test]
    fn verify_and_inspect_never_panic_on_strings_of_the_token_alphabet(
        s in prop::collection::vec(prop::sample::select(TOKEN_ALPHABET), 0..400)
    ) {
        let s = String::from_utf8(s).unwrap();
        let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
        prop_assert!(verifier.verify_at(&s, "xiaojun", 0).is_err());
        let _ = inspect(&s);
    }
}
