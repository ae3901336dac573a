//! `rest::Client` end to end against a local stand-in for the REST endpoint (127.0.0.1 only):
//! the URL and the token the server receives, pooling, retries, renewal and giving up.
#![cfg(feature = "client")]

mod rest_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rest_support::{MockRest, Reply};
use serde_json::json;
use usersig::rest::{AdminToken, Client, ClientError, Endpoint, RestCode, RetryClass, RetryPolicy};
use usersig::{DEMO_KEY, DEMO_SDKAPPID, Signer, Verifier};

const ADMIN: &str = "administrator";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

fn client_for(server: &MockRest, admin: AdminToken) -> Client {
    let endpoint = Endpoint::custom(&server.base_url()).unwrap();
    Client::builder(endpoint, admin)
        .retry(fast_retries())
        .build()
}

fn admin() -> AdminToken {
    AdminToken::new(Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap(), ADMIN).unwrap()
}

/// A clock at the real time that moves one second forward at each reading, so that every
/// minted token differs (minting is deterministic within a second).
fn ticking_admin() -> AdminToken {
    let now = AtomicU64::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    AdminToken::builder(Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap(), ADMIN)
        .clock(move || now.fetch_add(1, Ordering::Relaxed))
        .build()
        .unwrap()
}

#[test]
fn calls_carry_a_verified_token_fresh_randoms_and_never_an_empty_body() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
    let client = client_for(&server, admin());

    let a = client
        .call("openim", "querystate", &serde_json::Value::Null)
        .unwrap();
    let b = client.call_json("openim", "querystate", "  ").unwrap();
    let c = client
        .call("openim", "querystate", &json!({"To_Account": ["alice"]}))
        .unwrap();
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    assert_eq!(c.rest["Echo"]["To_Account"][0], "alice");
    assert_eq!(c.request_id.as_deref(), Some("req-2"));

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    for s in &seen {
        assert_eq!(s.method, "POST");
        assert_eq!(s.path, "/v4/openim/querystate");
        assert_eq!(s.content_type.as_deref(), Some("application/json"));
        assert_eq!(s.verified, Ok(()));
        assert_eq!(s.query["identifier"], ADMIN);
        assert_eq!(s.query["sdkappid"], DEMO_SDKAPPID.to_string());
    }
    assert_eq!(seen[0].body, "{}");
    assert_eq!(seen[1].body, "{}");
    assert_eq!(seen[2].body, r#"{"To_Account":["alice"]}"#);
    // One cached admin token for all three; a fresh random for each.
    assert!(
        seen.iter()
            .all(|s| s.query["usersig"] == seen[0].query["usersig"])
    );
    let randoms: std::collections::HashSet<_> = seen.iter().map(|s| &s.query["random"]).collect();
    assert_eq!(randoms.len(), 3);
}

#[test]
fn one_pooled_connection_serves_consecutive_calls() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
    let client = client_for(&server, admin());
    for _ in 0..4 {
        client.call_json("openim", "querystate", "{}").unwrap();
    }
    assert_eq!(server.seen().len(), 4);
    assert_eq!(server.connections(), 1);
}

#[test]
fn rate_limit_60007_is_retried_with_backoff_until_it_succeeds() {
    let server = MockRest::start(
        DEMO_SDKAPPID,
        DEMO_KEY,
        &[Reply::Code(60007), Reply::Code(60007)],
    );
    let client = client_for(&server, admin());
    let reply = client.call_json("openim", "sendmsg", "{}").unwrap();
    assert!(reply.is_ok());
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let randoms: std::collections::HashSet<_> = seen.iter().map(|s| &s.query["random"]).collect();
    assert_eq!(
        randoms.len(),
        3,
        "each attempt is a new request with a new random"
    );
}

#[test]
fn too_frequent_60018_gives_up_after_the_attempt_limit() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Code(60018); 6]);
    let client = client_for(&server, admin());
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    match &err {
        ClientError::Rest { error, attempts } => {
            assert_eq!(error.code(), RestCode::TooFrequent { code: 60018 });
            assert_eq!(error.retry(), RetryClass::Backoff);
            assert_eq!(*attempts, 3);
        }
        other => panic!("unexpected {other}"),
    }
    assert_eq!(
        err.envelope().map(|e| e.error_info.as_str()),
        Some("scripted error 60018")
    );
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn expired_70001_renews_the_admin_token_and_retries_once() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Code(70001)]);
    let client = client_for(&server, ticking_admin());
    assert!(client.call_json("openim", "sendmsg", "{}").unwrap().is_ok());
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_ne!(
        seen[0].query["usersig"], seen[1].query["usersig"],
        "a new token was minted"
    );
    assert!(seen.iter().all(|s| s.verified.is_ok()));
    // The renewed token is the one cached from now on.
    assert_eq!(
        &*client.token().get().unwrap(),
        seen[1].query["usersig"].as_str()
    );
}

#[test]
fn expired_70001_twice_gives_up_after_one_renewal() {
    let server = MockRest::start(
        DEMO_SDKAPPID,
        DEMO_KEY,
        &[Reply::Code(70001), Reply::Code(70001), Reply::Code(70001)],
    );
    let client = client_for(&server, ticking_admin());
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    assert_eq!(err.rest_code(), Some(RestCode::UserSigExpired));
    assert!(matches!(err, ClientError::Rest { attempts: 2, .. }));
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn signature_mismatch_70009_is_never_retried() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Code(70009)]);
    let client = client_for(&server, admin());
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    assert_eq!(err.rest_code(), Some(RestCode::UserSigBadSignature));
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn a_token_minted_with_the_wrong_key_is_refused_by_the_server_and_not_retried() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
    let wrong = AdminToken::new(Signer::new(DEMO_SDKAPPID, "not the key").unwrap(), ADMIN).unwrap();
    let client = client_for(&server, wrong);
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    assert_eq!(err.rest_code(), Some(RestCode::UserSigBadSignature));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].verified.as_ref().unwrap_err().contains("signature"));
    assert!(err.to_string().contains("70009"), "{err}");
}

#[test]
fn lockout_70050_is_not_waited_out_by_default() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Code(70050)]);
    let client = client_for(&server, admin());
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    assert_eq!(err.rest_code(), Some(RestCode::UserSigLockout));
    assert_eq!(
        err.rest_code().map(|c| c.retry()),
        Some(RetryClass::After60s)
    );
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn unknown_codes_are_reported_and_not_retried() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Code(91000)]);
    let client = client_for(&server, admin());
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    assert_eq!(err.rest_code(), Some(RestCode::Unknown(91000)));
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn a_gateway_error_without_an_envelope_is_retried() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Status(503)]);
    let client = client_for(&server, admin());
    assert!(client.call_json("openim", "sendmsg", "{}").unwrap().is_ok());
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn a_client_error_status_without_an_envelope_is_not_retried() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Status(404)]);
    let client = client_for(&server, admin());
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Http {
                status: 404,
                attempts: 1,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn network_errors_are_retried_then_reported() {
    // A port that was just free: connections are refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = Endpoint::custom(&format!("http://127.0.0.1:{port}")).unwrap();
    let client = Client::builder(endpoint, admin())
        .retry(fast_retries())
        .build();
    let err = client.call_json("openim", "sendmsg", "{}").unwrap_err();
    match &err {
        ClientError::Transport { message, attempts } => {
            assert_eq!(*attempts, 3);
            assert!(!message.contains("eJ"), "no token in messages: {message}");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn a_body_that_is_not_a_json_object_is_refused_before_sending() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
    let client = client_for(&server, admin());
    assert!(matches!(
        client.call_json("openim", "sendmsg", "[1,2]"),
        Err(ClientError::BadBody(_))
    ));
    assert!(matches!(
        client.call("openim", "sendmsg", &json!("text")),
        Err(ClientError::BadBody(_))
    ));
    assert!(matches!(
        client.call_json("../x", "sendmsg", "{}"),
        Err(ClientError::Url(_))
    ));
    assert_eq!(server.seen().len(), 0);
}

#[test]
fn no_retries_means_one_attempt_even_for_an_expired_token() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[Reply::Code(70001)]);
    let endpoint = Endpoint::custom(&server.base_url()).unwrap();
    let client = Client::builder(endpoint, admin())
        .retry(RetryPolicy::none())
        .build();
    assert!(client.call_json("openim", "sendmsg", "{}").is_err());
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn one_client_serves_many_threads() {
    let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
    let client = Arc::new(client_for(&server, admin()));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let client = Arc::clone(&client);
            std::thread::spawn(move || {
                for _ in 0..3 {
                    client.call_json("openim", "querystate", "{}").unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 12);
    assert!(seen.iter().all(|s| s.verified.is_ok()));
    let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
    verifier.verify(&seen[0].query["usersig"], ADMIN).unwrap();
}

#[test]
fn debug_of_the_client_and_its_builder_never_shows_the_admin_token() {
    let admin = admin();
    let token = admin.get().unwrap();
    let builder = Client::builder(Endpoint::custom("http://127.0.0.1:9").unwrap(), admin);
    let builder_text = format!("{builder:?} {builder:#?}");
    let client = builder.build();
    let client_text = format!("{client:?} {client:#?}");
    for text in [builder_text, client_text] {
        assert!(!text.contains(&*token), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
}
