//! The `usersig` command-line contract that scripts rely on.

mod cli_support;

use cli_support::{stdout, usersig};
use serde_json::Value;

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn mint_cli(extra: &[&str]) -> String {
    let mut args = vec![
        "gen",
        "--sdkappid",
        "1400000000",
        "--identifier",
        "xiaojun",
        "--time",
        "1569910200",
    ];
    args.extend_from_slice(extra);
    let out = usersig(&args, Some(KEY), None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(
        text.ends_with('\n') && text.matches('\n').count() == 1,
        "{text:?}"
    );
    text.trim_end().to_owned()
}

fn verify_json(token: &str, extra: &[&str], key: &str) -> (Option<i32>, Value) {
    let mut args = vec![
        "verify",
        "--sdkappid",
        "1400000000",
        "--identifier",
        "xiaojun",
        "--json",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", token]);
    let out = usersig(&args, Some(key), None);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    (out.status.code(), v)
}

#[test]
fn gen_then_verify_json_reports_the_claims() {
    let token = mint_cli(&["--expire", "86400"]);
    let (code, v) = verify_json(&token, &["--now", "1569910200"], KEY);
    assert_eq!(code, Some(0));
    assert_eq!(v["valid"], true);
    assert_eq!(v["error"], Value::Null);
    let c = &v["claims"];
    assert_eq!(c["identifier"], "xiaojun");
    assert_eq!(c["sdkappid"], 1400000000u64);
    assert_eq!(
        (c["time"].as_u64(), c["expire"].as_u64()),
        (Some(1569910200), Some(86400))
    );
    assert_eq!(c["expires_at"], 1569910200u64 + 86400);
    assert_eq!(c["userbuf_b64"], Value::Null);
}

#[test]
fn gen_matches_the_spec_known_answer() {
    let token = mint_cli(&[]);
    let out = usersig(&["inspect", "--json", &token], None, None);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["sig"], "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=");
}

#[test]
fn invalid_tokens_exit_1_with_the_error_kind() {
    let token = mint_cli(&["--expire", "60"]);
    let (code, v) = verify_json(&token, &["--now", "1569910261"], KEY);
    assert_eq!(code, Some(1));
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"], "expired");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("expired at 2019-10-01T06:11:00Z")
    );
    assert!(v.get("claims").is_none());

    let (code, v) = verify_json(&token, &["--now", "1569910200"], &"0".repeat(64));
    assert_eq!(
        (code, v["error"].as_str()),
        (Some(1), Some("bad_signature"))
    );

    let (code, v) = verify_json("not-a-token", &[], KEY);
    assert_eq!((code, v["error"].as_str()), (Some(1), Some("malformed")));
}

#[test]
fn pmk_and_userbuf_round_trip_through_the_cli() {
    let token = mint_cli(&[
        "--room-str",
        "1000000040",
        "--privileges",
        "enter_room,recv_audio",
    ]);
    let (code, v) = verify_json(
        &token,
        &[
            "--now",
            "1569910200",
            "--room-str",
            "1000000040",
            "--privileges",
            "2",
        ],
        KEY,
    );
    assert_eq!(code, Some(0), "{v}");
    let pmk = &v["claims"]["private_map_key"];
    assert_eq!(
        (pmk["room_str"].as_str(), pmk["privileges"].as_u64()),
        (Some("1000000040"), Some(10))
    );
    let (code, v) = verify_json(&token, &["--now", "1569910200", "--room-id", "5"], KEY);
    assert_eq!(
        (code, v["error"].as_str()),
        (Some(1), Some("userbuf_mismatch"))
    );

    let token = mint_cli(&["--userbuf-b64", "AP8="]);
    let (code, v) = verify_json(
        &token,
        &["--now", "1569910200", "--userbuf-b64", "AP8="],
        KEY,
    );
    assert_eq!(
        (code, v["claims"]["userbuf_b64"].as_str()),
        (Some(0), Some("AP8="))
    );
}

#[test]
fn privileges_takes_and_lists_every_name_of_the_library_table() {
    let help = stdout(&usersig(&["gen", "--help"], None, None));
    for &(name, bit) in usersig::Privileges::NAMED {
        assert!(help.contains(name), "{name} missing in gen --help:\n{help}");
        let token = mint_cli(&["--room-id", "7", "--privileges", name]);
        let out = usersig(&["inspect", "--json", &token], None, None);
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(
            v["private_map_key"]["privileges"].as_u64(),
            Some(u64::from(bit.bits())),
            "{name}"
        );
    }
    assert!(help.contains(usersig::Privileges::ALL_NAME));
}

#[test]
fn the_token_can_come_from_stdin() {
    let token = mint_cli(&[]);
    let args = [
        "verify",
        "--sdkappid",
        "1400000000",
        "--identifier",
        "xiaojun",
        "--now",
        "1569910200",
        "-",
    ];
    let out = usersig(&args, Some(KEY), Some(&format!("{token}\n")));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_missing_key_is_a_usage_error() {
    let out = usersig(&["gen", "--sdkappid", "1", "--identifier", "a"], None, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("USERSIG_KEY"));
}

#[test]
fn the_key_is_never_taken_from_argv_and_never_echoed() {
    let secret = "do-not-echo-this-secret";
    for args in [
        vec![
            "gen",
            "--sdkappid",
            "1",
            "--identifier",
            "a",
            "--key",
            secret,
        ],
        vec![
            "gen",
            "--sdkappid",
            "1",
            "--identifier",
            "a",
            &format!("--key={secret}"),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(|s| s.as_ref()).collect();
        let out = usersig(&args, Some(KEY), None);
        assert_eq!(out.status.code(), Some(2));
        let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(secret), "{all}");
    }
}

#[test]
fn the_key_can_come_from_a_file() {
    let dir = std::env::temp_dir().join(format!("usersig-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("key");
    std::fs::write(&path, format!("{KEY}\n")).unwrap();
    let args = [
        "gen",
        "--sdkappid",
        "1400000000",
        "--identifier",
        "xiaojun",
        "--time",
        "1569910200",
        "--key-file",
        path.to_str().unwrap(),
    ];
    let out = usersig(&args, None, None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).trim_end(), mint_cli(&[]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2_on_stderr() {
    for args in [
        vec!["gen", "--identifier", "a"],
        vec!["verify", "--sdkappid", "x", "--identifier", "a", "t"],
        vec![
            "gen",
            "--sdkappid",
            "1",
            "--identifier",
            "a",
            "--room-id",
            "1",
            "--room-str",
            "b",
        ],
        vec![
            "gen",
            "--sdkappid",
            "1",
            "--identifier",
            "a",
            "--privileges",
            "256",
        ],
        vec!["frobnicate"],
        // Verifier settings over their ceiling of a year (FORMAT.md §5.6-5.7).
        vec![
            "verify",
            "--sdkappid",
            "1",
            "--identifier",
            "a",
            "--leeway",
            "31536001",
            "t",
        ],
        vec![
            "verify",
            "--sdkappid",
            "1",
            "--identifier",
            "a",
            "--max-future-skew",
            "18446744073709551615",
            "t",
        ],
    ] {
        let out = usersig(&args, Some(KEY), None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = usersig(
        &["gen", "--sdkappid", "1", "--identifier", ""],
        Some(KEY),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("identifier is empty"));
}

#[test]
fn inspect_needs_no_key_and_reads_as_text() {
    let token = mint_cli(&["--expire", "3600"]);
    let out = usersig(&["inspect", "--now", "1569910200", &token], None, None);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "xiaojun",
        "1400000000",
        "2019-10-01T07:10:00Z",
        "usersig (this library)",
        "expires within 24 h",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    let out = usersig(&["inspect", "%%%"], None, None);
    assert_eq!(out.status.code(), Some(1));
}

/// An identifier an attacker would pick: an ANSI color, a carriage return, a bell, a newline
/// that forges an output line, the 8-bit CSI, DEL and a right-to-left override.
const HOSTILE: &str = "eve\u{1b}[31m\rRED\u{7}\n  identifier  admin\u{9b}2J\u{7f}\u{202e}gnp.exe";

/// Fails if `text` holds a byte or character a terminal would act on, other than the newline
/// ending each line.
#[track_caller]
fn assert_no_control(what: &str, text: &str) {
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what} prints {c:?} raw:\n{text:?}");
    }
}

#[test]
fn text_output_escapes_control_characters_from_the_token() {
    use usersig::{Mint, Privileges, Room, Signer};
    let signer = Signer::new(1_400_000_000, KEY).unwrap();
    let plain = signer
        .mint(&Mint::new(HOSTILE).time(1_569_910_200))
        .unwrap();
    let pmk = signer
        .mint(
            &Mint::new(HOSTILE)
                .time(1_569_910_200)
                .private_map_key(Room::Str("r\u{1b}]0;t\u{7}"), Privileges::ALL),
        )
        .unwrap();
    let inspect = |token: &str| usersig(&["inspect", "--now", "1569910200", token], None, None);
    // Hand-made: a key of its own (shown in the producer's reasons) and C1, DEL and bidi
    // characters, which JSON carries raw, in the identifier.
    let forged = {
        use base64::Engine as _;
        use std::io::Write as _;
        let json = format!(
            r#"{{"TLS.ver":"2.0","TLS.identifier":"eve\u001b[31m\r\n","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1569910200,"TLS.sig":"x","\r\n  identifier  admin{}":1}}"#,
            "\u{9b}2J\u{7f}\u{202e}"
        );
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(json.as_bytes()).unwrap();
        base64::engine::general_purpose::STANDARD
            .encode(z.finish().unwrap())
            .replace('+', "*")
            .replace('/', "-")
            .replace('=', "_")
    };
    for token in [&plain, &pmk, &forged] {
        let out = inspect(token);
        assert_eq!(out.status.code(), Some(0));
        assert_no_control("inspect", &stdout(&out));
        assert!(
            stdout(&out).contains(r"identifier  eve\u{1b}[31m\r"),
            "{}",
            stdout(&out)
        );
        let text = stdout(&out);
        let identifier_lines = text
            .lines()
            .filter(|l| l.starts_with("  identifier"))
            .count();
        assert_eq!(identifier_lines, 1, "a line was forged:\n{text}");
    }
    // verify: the claims of a valid token, and the reasons a token is refused.
    let verify = |token: &str, identifier: &str| {
        usersig(
            &[
                "verify",
                "--sdkappid",
                "1400000000",
                "--identifier",
                identifier,
                "--now",
                "1569910200",
                "--",
                token,
            ],
            Some(KEY),
            None,
        )
    };
    let out = verify(&plain, HOSTILE);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_no_control("verify", &stdout(&out));
    let out = verify(&plain, "eve");
    assert_eq!(out.status.code(), Some(1));
    assert_no_control("verify", &stdout(&out));
    // JSON output stays JSON, with the identifier intact.
    let out = usersig(
        &["inspect", "--json", "--now", "1569910200", &plain],
        None,
        None,
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["identifier"], HOSTILE);
}

#[test]
fn demo_runs_and_shows_each_verdict() {
    let out = usersig(&["demo"], None, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for needle in [
        "(expired)",
        "(bad_signature)",
        "(identifier_mismatch)",
        "(malformed)",
        "valid",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    assert!(!text.contains(KEY), "the demo must not print the key");
}

#[test]
fn bench_json_has_the_documented_keys() {
    let out = usersig(
        &["bench", "--seconds", "0.3", "--threads", "2", "--json"],
        None,
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    for key in [
        "gen_ns",
        "gen_stored_ns",
        "gen_compressed_ns",
        "gen_level6_ns",
        "gen_pmk_ns",
        "gen_string_ns",
        "gen_pmk_string_ns",
        "gen_pmk_str_ns",
        "verify_ns",
        "verify_compressed_ns",
        "verify_npm_ns",
        "verify_npm_pmk_ns",
        "verify_python_ns",
        "inspect_ns",
        "total_ops_per_s",
    ] {
        let ns = v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"));
        assert!(ns.is_finite() && ns > 0.0, "{key}: {ns}");
    }
    assert_eq!(v["threads"], 2);
    // Real compression (level 1) stays within 5% of level 6's length for a plain token.
    let fast = v["compressed_token_len"].as_u64().unwrap();
    let level6 = v["level6_token_len"].as_u64().unwrap();
    assert!(fast * 100 <= level6 * 105, "{fast} vs {level6}");
}
