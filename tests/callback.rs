//! Callback authentication (src/callback/) against an independent implementation: Python's
//! hashlib and hmac compute the signatures, and property tests check that a signed request
//! verifies and that any one-byte change to what is signed fails.

use std::process::Command;

use proptest::prelude::*;
use usersig::callback::{CallbackErrorKind as Kind, im, trtc};

/// Asks python3 for IM and TRTC signatures of (secret, input) pairs, hex-encoded in and out.
fn python_signatures(script: &str, pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<String> {
    let input: String = pairs
        .iter()
        .map(|(a, b)| format!("{} {}\n", hex(a), hex(b)))
        .collect();
    let out = Command::new("python3")
        .args(["-c", script, &input])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<String>() + "-"
}

const PY_IM: &str = r#"
import hashlib, sys
for line in sys.argv[1].splitlines():
    t, s = (bytes.fromhex(x[:-1]) for x in line.split())
    print(hashlib.sha256(t + s).hexdigest())
"#;

const PY_TRTC: &str = r#"
import base64, hashlib, hmac, sys
for line in sys.argv[1].splitlines():
    k, b = (bytes.fromhex(x[:-1]) for x in line.split())
    print(base64.b64encode(hmac.new(k, b, hashlib.sha256).digest()).decode())
"#;

#[test]
fn im_signatures_match_python_hashlib() {
    let cases: Vec<(Vec<u8>, u64)> = vec![
        (b"xxxxyyyy".to_vec(), 1669872112),
        (b"a".to_vec(), 0),
        ("t\u{f6}ken with spaces".as_bytes().to_vec(), 1700000000),
        (vec![b'z'; 128], u64::MAX),
    ];
    let pairs: Vec<_> = cases
        .iter()
        .map(|(t, time)| (t.clone(), time.to_string().into_bytes()))
        .collect();
    let want = python_signatures(PY_IM, &pairs);
    for ((token, time), want) in cases.iter().zip(&want) {
        assert_eq!(&im::sign(token, *time), want);
        let v = im::Verifier::new(token).unwrap();
        let q = format!("SdkAppid=1&Sign={want}&RequestTime={time}");
        assert_eq!(v.verify_at(&q, *time).unwrap().request_time, *time);
    }
}

#[test]
fn trtc_signatures_match_python_hmac() {
    let cases: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (b"key".to_vec(), br#"{"EventGroupId":1,"EventType":101,"CallbackTs":1,"EventInfo":{}}"#.to_vec()),
        (b"Ab12Cd34".to_vec(), b"{\n\t\"EventGroupId\":\t2,\n\t\"EventType\":\t201,\n\t\"CallbackTs\":\t5,\n\t\"EventInfo\":\t{}\n}\n".to_vec()),
        (vec![b'k'; 100], vec![0xff, 0x00, b'{']),
    ];
    let want = python_signatures(PY_TRTC, &cases);
    let v0 = trtc::Verifier::new(&cases[0].0).unwrap();
    assert!(v0.verify(&want[0], &cases[0].1).is_ok());
    for ((key, body), want) in cases.iter().zip(&want) {
        assert_eq!(&trtc::sign(key, body), want);
    }
    // The tabbed body verifies exactly as sent, and not with its trailing newline removed.
    let v1 = trtc::Verifier::new(&cases[1].0).unwrap();
    assert!(v1.verify(&want[1], &cases[1].1).is_ok());
    let trimmed = &cases[1].1[..cases[1].1.len() - 1];
    assert_eq!(
        v1.verify(&want[1], trimmed).unwrap_err().kind(),
        Kind::BadSignature
    );
}

#[test]
fn the_console_check_request_verifies_with_only_sign_and_time() {
    let v = im::Verifier::new("tok").unwrap().sdkappid(1400000000);
    let q = format!(
        "https://example.com/cb?Sign={}&RequestTime=1000",
        im::sign("tok", 1000)
    );
    let got = v.verify_at(&q, 1000).unwrap();
    assert_eq!((got.sdkappid, got.command), (None, None));
}

#[test]
fn percent_encoded_parameters_verify() {
    let v = im::Verifier::new("tok").unwrap();
    let sign = im::sign("tok", 1000);
    let q = format!(
        "%53ign={}&Request%54ime=%31000&ClientIP=%3A%3A1",
        sign.to_uppercase()
    );
    assert_eq!(
        v.verify_at(&q, 1000).unwrap().client_ip.as_deref(),
        Some("::1")
    );
}

proptest! {
    #[test]
    fn a_signed_im_request_verifies_and_any_changed_byte_of_sign_or_time_fails(
        token in proptest::collection::vec(any::<u8>(), 1..=128),
        time in 0u64..=4_102_444_800,
        pos in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let v = im::Verifier::new(&token).unwrap();
        let sign = im::sign(&token, time);
        let q = format!("Sign={sign}&RequestTime={time}");
        prop_assert!(v.verify_at(&q, time).is_ok());
        let mut bytes = q.into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= flip;
        if let Ok(changed) = String::from_utf8(bytes) {
            // A changed hex digit may only change case, which is the same signature.
            if !changed.eq_ignore_ascii_case(&format!("Sign={sign}&RequestTime={time}")) {
                prop_assert!(v.verify_at(&changed, time).is_err(), "{}", changed);
            }
        }
    }

    #[test]
    fn a_signed_trtc_body_verifies_and_any_changed_byte_fails(
        key in proptest::collection::vec(any::<u8>(), 1..=64),
        info in "[ -~]{0,40}",
        pos in any::<proptest::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let body = serde_json::json!({
            "EventGroupId": 1, "EventType": 103, "CallbackTs": 1, "EventInfo": {"x": info}
        }).to_string().into_bytes();
        let v = trtc::Verifier::new(&key).unwrap();
        let sign = trtc::sign(&key, &body);
        prop_assert!(v.verify(&sign, &body).is_ok());
        let mut changed = body.clone();
        let i = pos.index(changed.len());
        changed[i] ^= flip;
        prop_assert_eq!(v.verify(&sign, &changed).unwrap_err().kind(), Kind::BadSignature);
    }
}
