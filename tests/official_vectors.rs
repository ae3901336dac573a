//! Every vector in tests/data/official.json: tokens minted by the official SDKs (and
//! layouts rebuilt from their writers), with the verdict FORMAT.md §5 expects.

mod vectors_support;

use base64::Engine as _;
use serde_json::Value;
use usersig::{ErrorKind, Expect, Privileges, Room, Verifier, inspect_at};

fn vectors() -> Vec<Value> {
    let list = vectors_support::official();
    assert!(
        list.len() >= 20,
        "expected the full vector set, got {}",
        list.len()
    );
    list
}

fn u(v: &Value, k: &str) -> u64 {
    v[k].as_u64()
        .unwrap_or_else(|| panic!("{k} in {}", v["name"]))
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} in {}", v["name"]))
}

#[test]
fn every_official_vector_gets_its_expected_verdict_and_claims() {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut checked = 0;
    for v in vectors() {
        let name = s(&v, "name");
        let verifier = Verifier::new(u(&v, "sdkappid"), s(&v, "key")).unwrap();
        let (token, id, time, expire) = (
            s(&v, "token"),
            s(&v, "identifier"),
            u(&v, "time"),
            u(&v, "expire"),
        );
        let result = verifier.verify_at(token, id, time);
        match s(&v, "expect") {
            "valid" => {
                let claims = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(claims.identifier, id, "{name}");
                assert_eq!(claims.sdkappid, u(&v, "sdkappid"), "{name}");
                assert_eq!((claims.time, claims.expire), (time, expire), "{name}");
                assert_eq!(claims.expires_at, time + expire, "{name}");
                let want_buf = v["userbuf_b64"].as_str().map(|t| b64.decode(t).unwrap());
                assert_eq!(claims.userbuf, want_buf, "{name}");

                // The last second is still valid; one more and it has expired (FORMAT.md §5.7).
                assert!(
                    verifier.verify_at(token, id, time + expire).is_ok(),
                    "{name}"
                );
                let err = verifier
                    .verify_at(token, id, time + expire + 1)
                    .unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Expired, "{name}");

                // The userbuf expectation matches exactly, and the PrivateMapKey grants its room.
                if let Some(buf) = &want_buf {
                    let ok = verifier.verify_with(token, id, &Expect::Userbuf(buf), Some(time));
                    assert!(ok.is_ok(), "{name}");
                    let err = verifier
                        .verify_with(token, id, &Expect::Userbuf(b"other"), Some(time))
                        .unwrap_err();
                    assert_eq!(err.kind(), ErrorKind::UserbufMismatch, "{name}");
                } else {
                    assert!(
                        verifier
                            .verify_with(token, id, &Expect::NoUserbuf, Some(time))
                            .is_ok()
                    );
                }
                let privileges = v["privileges"]
                    .as_u64()
                    .map(|p| Privileges::from_bits(p as u32).unwrap());
                let room = match (v["room_id"].as_u64(), v["room_str"].as_str()) {
                    (Some(n), _) => Some(Room::Numeric(n as u32)),
                    (None, Some(r)) => Some(Room::Str(r)),
                    _ => None,
                };
                if let (Some(room), Some(p)) = (room, privileges) {
                    let pmk = claims
                        .private_map_key
                        .as_ref()
                        .unwrap_or_else(|| panic!("{name}: no PMK"));
                    assert_eq!(pmk.room(), room, "{name}");
                    assert_eq!(pmk.privileges, p, "{name}");
                    assert_eq!(pmk.account, id, "{name}");
                    let expect = Expect::Room {
                        room,
                        privileges: Privileges::ALL,
                    };
                    assert!(
                        verifier.verify_with(token, id, &expect, Some(time)).is_ok(),
                        "{name}"
                    );
                    let elsewhere = Expect::Room {
                        room: Room::Numeric(42),
                        privileges: Privileges::NONE,
                    };
                    let err = verifier
                        .verify_with(token, id, &elsewhere, Some(time))
                        .unwrap_err();
                    assert_eq!(err.kind(), ErrorKind::UserbufMismatch, "{name}");
                }

                // And the TLS.sig inside is the one the vector names.
                let info = inspect_at(token, time).unwrap();
                assert_eq!(info.sig_b64.as_deref(), Some(s(&v, "sig")), "{name}");
            }
            kind => {
                let err = result
                    .err()
                    .unwrap_or_else(|| panic!("{name}: verified, expected {kind}"));
                assert_eq!(err.kind().as_str(), kind, "{name}: {err}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 20);
}

#[test]
fn the_inspector_names_the_producer_of_each_official_vector() {
    for v in vectors() {
        let name = s(&v, "name");
        let Ok(info) = inspect_at(s(&v, "token"), u(&v, "time")) else {
            assert_eq!(
                name, "raw-deflate",
                "only raw deflate has no JSON to inspect"
            );
            continue;
        };
        let want = match name.split('-').next().unwrap() {
            "go" => "Go SDK",
            "python" => "Python SDK",
            "node" => "Node SDK",
            "java" => "Java SDK",
            "cpp" => "C++ SDK",
            "php" => "PHP SDK",
            "plain" => "a third-party encoder",
            _ => continue,
        };
        assert!(
            info.producer.starts_with(want),
            "{name}: guessed {}",
            info.producer
        );
    }
}

#[test]
fn a_wrong_key_or_app_or_user_is_rejected_for_every_valid_vector() {
    for v in vectors().into_iter().filter(|v| v["expect"] == "valid") {
        let name = s(&v, "name");
        let (token, id, time) = (s(&v, "token"), s(&v, "identifier"), u(&v, "time"));
        let wrong_key = Verifier::new(u(&v, "sdkappid"), "0".repeat(64)).unwrap();
        assert_eq!(
            wrong_key.verify_at(token, id, time).unwrap_err().kind(),
            ErrorKind::BadSignature,
            "{name}"
        );
        let wrong_app = Verifier::new(u(&v, "sdkappid") + 1, s(&v, "key")).unwrap();
        let err = wrong_app.verify_at(token, id, time).unwrap_err();
        assert_eq!(
            (err.kind(), err.server_code()),
            (ErrorKind::SdkAppIdMismatch, Some(70014)),
            "{name}"
        );
        let right = Verifier::new(u(&v, "sdkappid"), s(&v, "key")).unwrap();
        let err = right.verify_at(token, "someone-else", time).unwrap_err();
        assert_eq!(
            (err.kind(), err.server_code()),
            (ErrorKind::IdentifierMismatch, Some(70013)),
            "{name}"
        );
    }
}
