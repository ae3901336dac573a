//! The outer decoding (FORMAT.md §4.2-4.3) and the inflate step on arbitrary text.
//!
//! Whatever the outer decoder accepts must be the one canonical spelling of its bytes, up to
//! what FORMAT.md §4.3 allows to vary: the `+/=` or `*-_` alphabet, padding present or stripped,
//! and ASCII whitespace. So re-encoding the bytes must give back the input once those are
//! normalized; anything else means two different byte strings share a token text.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use usersig::internals::{decode_outer, decode_to_json};
use usersig::Limits;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::default();
    let Ok(bytes) = decode_outer(token, &limits) else {
        assert!(decode_to_json(token, &limits).is_err());
        return;
    };
    assert!(token.len() <= limits.max_token_bytes);

    let normalized: String = token
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let canonical = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let unpadded = canonical.trim_end_matches('=');
    assert!(
        normalized == canonical || normalized.trim_end_matches('=') == unpadded,
        "decoded {bytes:02x?} from {token:?}, which is not a spelling of {canonical:?}"
    );
    // The padding that is there must not exceed the canonical padding.
    assert!(normalized.len() <= canonical.len());

    if let Ok(json) = decode_to_json(token, &limits) {
        assert!(json.len() <= limits.max_inflated_bytes);
    }
});
