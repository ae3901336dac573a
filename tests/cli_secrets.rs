//! The key never shows: not in `Debug`, not in any error's message, not in the CLI's output,
//! and the CLI refuses it on the command line without echoing it.

use std::process::{Command, Output};

use usersig::{Compression, Expect, Limits, Mint, Privileges, Room, Signer, Verifier, inspect_at};

/// A key whose every fragment is easy to spot.
const KEY: &str = "K3Y-SECRET-0f1e2d3c4b5a69788796a5b4c3d2e1f0-END";
const APP: u64 = 1_400_000_000;
const NOW: u64 = 1_569_910_200;

/// Fails if `text` holds the key or any 12-character piece of it.
#[track_caller]
fn assert_no_key(what: &str, text: &str) {
    for start in 0..=KEY.len() - 12 {
        let piece = &KEY[start..start + 12];
        assert!(!text.contains(piece), "{what} leaks {piece:?}: {text}");
    }
}

/// Fails if `text` holds the admin `token` or any 16-character piece of it.
#[track_caller]
fn assert_no_token(what: &str, token: &str, text: &str) {
    for start in 0..=token.len().saturating_sub(16) {
        let piece = token.get(start..start + 16).unwrap_or(token);
        assert!(!text.contains(piece), "{what} leaks {piece:?}: {text}");
    }
}

/// The admin UserSig is a bearer token with every right on the app: the REST types that hold
/// it show neither it nor the key in `Debug`, so a `{:?}` in a log line leaks nothing.
#[test]
fn debug_of_rest_types_never_shows_the_admin_token() {
    use usersig::rest::{AdminToken, Endpoint, RestUrl};
    let admin = AdminToken::new(Signer::new(APP, KEY).unwrap(), "administrator").unwrap();
    let token = admin.get().unwrap();
    let endpoint = Endpoint::default();
    let url = RestUrl::new(&endpoint, "openim", "sendmsg")
        .sdkappid(APP)
        .identifier("administrator")
        .usersig(&token)
        .random(7);
    let builder = AdminToken::builder(Signer::new(APP, KEY).unwrap(), "administrator");
    for text in [
        format!("{url:?}"),
        format!("{url:#?}"),
        format!("{admin:?}"),
        format!("{admin:#?}"),
        format!("{builder:?}"),
    ] {
        assert_no_token("Debug", &token, &text);
        assert_no_key("Debug", &text);
    }
    // Still useful: where the request goes and for whom, and that a token is set.
    let shown = format!("{url:?}");
    for part in [
        "console.tim.qq.com",
        "openim",
        "sendmsg",
        "administrator",
        "redacted",
    ] {
        assert!(shown.contains(part), "{part}: {shown}");
    }
    // What is sent is unchanged: the URL carries the token in full.
    assert!(url.build().unwrap().contains(&format!("&usersig={token}&")));
    let empty = format!("{:?}", url.usersig(""));
    assert!(empty.contains(r#"usersig: """#), "{empty}");
}

#[test]
fn debug_of_signer_and_verifier_is_redacted() {
    let signer = Signer::new(APP, KEY)
        .unwrap()
        .with_compression(Compression::Standard);
    let verifier = Verifier::new(APP, KEY).unwrap().leeway_secs(5).unwrap();
    for text in [
        format!("{signer:?}"),
        format!("{signer:#?}"),
        format!("{verifier:?}"),
        format!("{verifier:#?}"),
    ] {
        assert_no_key("Debug", &text);
        assert!(text.contains("redacted"), "{text}");
    }
}

#[test]
fn no_error_message_contains_the_key() {
    let signer = Signer::new(APP, KEY).unwrap();
    let verifier = Verifier::new(APP, KEY).unwrap();
    let good = signer
        .mint(
            &Mint::new("alice")
                .time(NOW)
                .expire_secs(60)
                .private_map_key(Room::Numeric(7), Privileges::ENTER_ROOM),
        )
        .unwrap();
    // Tokens that fail at every stage, including ones that carry the key in their fields.
    let mut tokens = vec![
        good.clone(),
        String::new(),
        " ".into(),
        KEY.into(),
        format!("eJ{KEY}"),
        good[..good.len() / 2].into(),
        good.replace('A', "B"),
        "A".repeat(20_000),
    ];
    for identifier in [KEY, "bob"] {
        tokens.push(signer.mint(&Mint::new(identifier).time(NOW)).unwrap());
        tokens.push(
            signer
                .mint(&Mint::new(identifier).userbuf(KEY.as_bytes()))
                .unwrap(),
        );
    }
    tokens.push(
        Signer::new(APP + 1, KEY)
            .unwrap()
            .mint(&Mint::new("alice").time(NOW))
            .unwrap(),
    );
    let mut failures = 0;
    for token in &tokens {
        for identifier in ["alice", "bob", KEY] {
            for now in [0, NOW, NOW + 61, u64::MAX] {
                for expect in [
                    Expect::Anything,
                    Expect::NoUserbuf,
                    Expect::Userbuf(KEY.as_bytes()),
                    Expect::Room {
                        room: Room::Str(KEY),
                        privileges: Privileges::ALL,
                    },
                ] {
                    if let Err(e) = verifier.verify_with(token, identifier, &expect, Some(now)) {
                        failures += 1;
                        assert_no_key("Display", &e.to_string().replace(KEY, ""));
                        assert_no_key("Debug", &format!("{e:?}").replace(KEY, ""));
                    }
                }
            }
        }
        if let Ok(info) = inspect_at(token, NOW) {
            for w in &info.warnings {
                assert_no_key("warning", &w.to_string().replace(KEY, ""));
            }
        }
    }
    // Echoing what the *token* says (an identifier that happens to equal the key) is fine;
    // the `replace` above removes exactly that. What must never appear is the verifier's key
    // from any other source, which the tokens below (signed with other keys) check.
    assert!(failures > 300, "{failures}");
    let small = verifier
        .clone()
        .limits(Limits {
            max_token_bytes: 10,
            max_inflated_bytes: 10,
        })
        .unwrap();
    let e = small.verify_at(&good, "alice", NOW).unwrap_err();
    assert_no_key("Display", &e.to_string());
    for e in [
        Signer::new(APP, "").unwrap_err(),
        signer.user_sig("", 1).unwrap_err(),
        signer.user_sig("a\0b", 1).unwrap_err(),
        signer.mint(&Mint::new("a").time(u64::MAX)).unwrap_err(),
    ] {
        assert_no_key("SignError", &format!("{e} {e:?}"));
    }
}

#[test]
fn errors_for_tokens_never_minted_with_the_key_do_not_mention_it() {
    // Here no token contains the key at all, so no replacement is needed: nothing may leak.
    let verifier = Verifier::new(APP, KEY).unwrap();
    let other = Signer::new(APP, "another key").unwrap();
    for id in ["alice", "K3Y", "SECRET"] {
        let token = other.mint(&Mint::new(id).time(NOW)).unwrap();
        for now in [0, NOW, u64::MAX] {
            let e = verifier.verify_at(&token, id, now).unwrap_err();
            assert_no_key("Display", &format!("{e} {e:?}"));
        }
    }
}

fn usersig(args: &[&str], env_key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_usersig"));
    cmd.args(args).env_remove("USERSIG_KEY");
    if let Some(k) = env_key {
        cmd.env("USERSIG_KEY", k);
    }
    cmd.output().expect("run the usersig binary")
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_cli_refuses_a_key_on_argv_without_echoing_it() {
    let token = Signer::new(APP, KEY)
        .unwrap()
        .mint(&Mint::new("alice").time(NOW))
        .unwrap();
    let app = APP.to_string();
    let key_eq = format!("--key={KEY}");
    for args in [
        vec![
            "verify",
            "--key",
            KEY,
            "--sdkappid",
            &app,
            "--identifier",
            "alice",
            &token,
        ],
        vec![
            "verify",
            &key_eq,
            "--sdkappid",
            &app,
            "--identifier",
            "alice",
            &token,
        ],
        vec![
            "gen",
            "--key",
            KEY,
            "--sdkappid",
            &app,
            "--identifier",
            "alice",
        ],
        vec!["gen", "--sdkappid", &app, "--identifier", "alice", &key_eq],
    ] {
        // Even with a usable key in the environment, a key on argv is an error.
        let out = usersig(&args, Some(KEY));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", all_output(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        let text = all_output(&out);
        assert_no_key("CLI output", &text);
        assert!(text.contains("--key is not accepted"), "{text}");
    }
}

#[test]
fn the_cli_never_prints_the_key_it_was_given() {
    let token = Signer::new(APP, KEY)
        .unwrap()
        .mint(&Mint::new("alice").time(NOW).expire_secs(10))
        .unwrap();
    let app = APP.to_string();
    let later = (NOW + 100).to_string();
    let now = NOW.to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "verify",
            "--sdkappid",
            &app,
            "--identifier",
            "alice",
            "--now",
            &now,
            &token,
        ],
        vec![
            "verify",
            "--sdkappid",
            &app,
            "--identifier",
            "bob",
            "--now",
            &now,
            &token,
        ],
        vec![
            "verify",
            "--sdkappid",
            &app,
            "--identifier",
            "alice",
            "--now",
            &later,
            &token,
        ],
        vec![
            "verify",
            "--json",
            "--sdkappid",
            &app,
            "--identifier",
            "alice",
            "--now",
            &later,
            &token,
        ],
        vec!["verify", "--sdkappid", "1", "--identifier", "alice", &token],
        vec![
            "verify",
            "--sdkappid",
            &app,
            "--identifier",
            "alice",
            "not a token",
        ],
        vec!["gen", "--sdkappid", &app, "--identifier", "alice"],
        vec!["inspect", &token],
    ];
    for args in &cases {
        let out = usersig(args, Some(KEY));
        assert_no_key(&format!("{args:?}"), &all_output(&out));
    }
    // A wrong key: the failure says so without showing either key.
    let out = usersig(&cases[0], Some("some other key"));
    assert_eq!(out.status.code(), Some(1));
    assert_no_key("wrong key", &all_output(&out));
    // A key file that does not exist is named by path, and nothing else.
    let out = usersig(
        &[
            "verify",
            "--key-file",
            "/nonexistent/usersig-key",
            "--sdkappid",
            &app,
            "--identifier",
            "a",
            &token,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(all_output(&out).contains("/nonexistent/usersig-key"));
}
