//! The PrivateMapKey parser (FORMAT.md §6) on arbitrary bytes: never panics, and whatever it accepts
//! writes back to exactly the same bytes (no field is lost, defaulted or normalized).
#![no_main]

use libfuzzer_sys::fuzz_target;
use usersig::PrivateMapKey;

fuzz_target!(|data: &[u8]| {
    match PrivateMapKey::parse(data) {
        Ok(pmk) => {
            let back = pmk.to_bytes().expect("a parsed key fits the format");
            assert_eq!(back, data, "parse/write round trip differs for {pmk:?}");
            let _ = (
                pmk.room().to_string(),
                pmk.privileges.names(),
                pmk.version(),
            );
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
