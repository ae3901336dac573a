//! The callback parsers on arbitrary input: the IM query string (whole URL or query, strict
//! percent-decoding) and the TRTC headers and body. Never a panic; an unsigned request never
//! verifies; a request signed here always does, and the fields it returns are the ones sent.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use usersig::callback::{im, trtc};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    query: &'a str,
    sign: &'a str,
    sdkappid: Option<&'a str>,
    body: &'a [u8],
    now: u64,
}

fuzz_target!(|input: Input<'_>| {
    let im = im::Verifier::new("fuzz-token").unwrap();
    // The fuzzer cannot find SHA-256 preimages: whatever it writes must not verify, unless
    // it copied a signature this target made (none are in the corpus).
    if let Ok(ok) = im.verify_at(input.query, input.now) {
        panic!("an unsigned query verified: {:?} -> {ok:?}", input.query);
    }
    // Signed here, then carried in whatever else the fuzzer wrote: must verify when the rest
    // parses, and must keep the time.
    let time = input.now % 4_102_444_800;
    let signed = format!(
        "{}&Sign={}&RequestTime={time}",
        input.query.replace(['#', '?'], ""),
        im::sign("fuzz-token", time)
    );
    match im.verify_at(&signed, time) {
        Ok(callback) => assert_eq!(callback.request_time, time),
        Err(e) => {
            let text = e.to_string();
            assert!(
                !text.contains('\n') && !text.contains('\x1b'),
                "unescaped: {text:?}"
            );
        }
    }

    let trtc = trtc::Verifier::new("fuzz-key").unwrap();
    if let Ok(event) = trtc.verify_request(Some(input.sign), input.sdkappid, input.body) {
        panic!("an unsigned body verified: {event:?}");
    }
    let sign = trtc::sign("fuzz-key", input.body);
    if let Ok(event) = trtc.verify_request(Some(&sign), input.sdkappid, input.body) {
        let start = event.event_info.as_ptr() as usize - input.body.as_ptr() as usize;
        assert!(start + event.event_info.len() <= input.body.len());
    }
});
