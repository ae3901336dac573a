//! The REST response envelope (FORMAT.md §8) on arbitrary bodies: never a panic (serde_json's
//! recursion limit holds on deep nesting), every accepted envelope round-trips through its JSON
//! form, and every code maps to a retry class and a printable explanation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use usersig::rest::Envelope;

fuzz_target!(|body: &str| {
    let Ok(envelope) = Envelope::parse(body) else {
        return;
    };
    let again =
        Envelope::parse(&envelope.to_json().to_string()).expect("an envelope's own JSON parses");
    assert_eq!(again, envelope, "the JSON form loses or changes a field");
    let _ = envelope.is_ok();
    let code = envelope.code();
    let _ = code.to_string();
    if let Err(e) = envelope.into_result() {
        let _ = (e.retry(), e.to_string(), e.code());
    }
});
