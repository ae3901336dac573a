//! Verification of arbitrary bytes with a fixed key, app, identifier and clock.
//!
//! It must never panic. Should the fuzzer reach a token that verifies (the seeds include the
//! official vectors, which do), the claims must be exactly what the verifier asked for, and a
//! key-less inspection must read the same fields: the two parsers may not disagree on a token
//! that passed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usersig::{DEMO_KEY, DEMO_SDKAPPID, Verifier, inspect_at};

const NOW: u64 = 1_569_910_200;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).expect("demo key is valid");
    let result = verifier.verify_at(token, "xiaojun", NOW);
    // Every error must render without panicking.
    if let Err(e) = &result {
        let _ = (e.to_string(), e.kind().as_str(), e.server_code());
        return;
    }
    let claims = result.expect("checked above");
    assert_eq!(claims.identifier, "xiaojun");
    assert_eq!(claims.sdkappid, DEMO_SDKAPPID);
    assert_eq!(claims.expires_at, claims.time + claims.expire);
    assert!(claims.time <= NOW + usersig::DEFAULT_MAX_FUTURE_SKEW_SECS);
    assert!(NOW <= claims.expires_at);

    let info = inspect_at(token, NOW).expect("a verified token must inspect");
    assert_eq!(info.identifier.as_deref(), Some("xiaojun"));
    assert_eq!(info.sdkappid, Some(claims.sdkappid));
    assert_eq!(info.time, Some(claims.time));
    assert_eq!(info.expire, Some(claims.expire));
    assert_eq!(info.userbuf_b64, claims.userbuf_b64);
    assert_eq!(info.userbuf, claims.userbuf);
    assert!(
        !info.warnings.iter().any(|w| w.code() == "will_not_verify"),
        "inspect says a verified token will not verify: {:?}",
        info.warnings
    );
});
