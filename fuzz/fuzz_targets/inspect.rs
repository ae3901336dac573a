//! Key-less inspection of arbitrary bytes: never panics, renders every field, and fails only
//! where verification would fail as malformed too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usersig::{DEMO_KEY, DEMO_SDKAPPID, ErrorKind, Verifier, inspect_at};

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    // Vary the clock with the input so expiry warnings and their arithmetic get exercised.
    let now = data.iter().fold(1_569_910_200u64, |acc, &b| {
        acc.rotate_left(5) ^ u64::from(b)
    });
    match inspect_at(token, now) {
        Ok(info) => {
            let json = info.to_json();
            let _ = serde_json::to_string(&json).expect("inspection JSON serializes");
            for w in &info.warnings {
                let _ = (w.to_string(), w.code());
            }
            let _ = info.zlib.describe();
        }
        Err(e) => {
            let _ = e.to_string();
            // Inspection fails only when there is no JSON object; verification of the same
            // text must then fail as malformed as well, whatever the key.
            let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).expect("demo key is valid");
            let err = verifier
                .verify_at(token, "xiaojun", now)
                .expect_err("inspect failed, so verify must");
            assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
        }
    }
});
