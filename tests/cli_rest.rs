//! `usersig rest-url`, `usersig explain` and (feature `client`) `usersig call`.

mod rest_support;

mod cli_support;

use cli_support::{stderr, stdout, usersig};
use rest_support::percent_decode;
use serde_json::Value;
use usersig::{DEMO_KEY, DEMO_SDKAPPID, Verifier};

fn param<'a>(url: &'a str, name: &str) -> &'a str {
    let (_, q) = url.split_once('?').unwrap();
    q.split('&')
        .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

const APP: &str = "1400000000";

#[test]
fn rest_url_prints_one_ready_url_for_china_by_default() {
    let out = usersig(
        &[
            "rest-url",
            "--sdkappid",
            APP,
            "--identifier",
            "administrator",
            "openim",
            "sendmsg",
        ],
        Some(DEMO_KEY),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches('\n').count(), 1);
    let url = text.trim_end();
    assert!(url.starts_with("https://console.tim.qq.com/v4/openim/sendmsg?sdkappid=1400000000&identifier=administrator&usersig="), "{url}");
    assert!(url.ends_with("&contenttype=json"));
    param(url, "random").parse::<u32>().unwrap();
    let claims = Verifier::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .verify(&percent_decode(param(url, "usersig")), "administrator")
        .unwrap();
    assert_eq!(claims.expire, 86_400);
}

#[test]
fn rest_url_takes_a_region_an_expiry_and_a_pinned_random() {
    let out = usersig(
        &[
            "rest-url",
            "--sdkappid",
            APP,
            "--identifier",
            "admin",
            "--region",
            "sgp",
            "--expire",
            "600",
            "--random",
            "12345",
            "im_open_login_svc",
            "account_import",
        ],
        Some(DEMO_KEY),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let url = stdout(&out).trim_end().to_owned();
    assert!(
        url.starts_with("https://adminapisgp.im.qcloud.com/v4/im_open_login_svc/account_import?")
    );
    assert_eq!(param(&url, "random"), "12345");
    let claims = Verifier::new(DEMO_SDKAPPID, DEMO_KEY)
        .unwrap()
        .verify(param(&url, "usersig"), "admin")
        .unwrap();
    assert_eq!(claims.expire, 600);
}

#[test]
fn rest_url_takes_a_base_url_but_not_with_a_region() {
    let base = [
        "rest-url",
        "--sdkappid",
        APP,
        "--identifier",
        "a",
        "--base-url",
        "http://127.0.0.1:9/p/",
    ];
    let mut args = base.to_vec();
    args.extend(["s", "c"]);
    let out = usersig(&args, Some(DEMO_KEY), None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("http://127.0.0.1:9/p/v4/s/c?sdkappid="));

    let mut args = base.to_vec();
    args.extend(["--region", "usa", "s", "c"]);
    assert_eq!(usersig(&args, Some(DEMO_KEY), None).status.code(), Some(2));
}

#[test]
fn rest_url_refuses_plain_http_to_a_remote_host_and_says_why() {
    let out = usersig(
        &[
            "rest-url",
            "--sdkappid",
            APP,
            "--identifier",
            "a",
            "--base-url",
            "http://example.com",
            "s",
            "c",
        ],
        Some(DEMO_KEY),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("cleartext"), "{}", stderr(&out));
}

#[test]
fn rest_url_usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &[
            "rest-url",
            "--sdkappid",
            APP,
            "--identifier",
            "a",
            "--region",
            "mars",
            "s",
            "c",
        ],
        &[
            "rest-url",
            "--sdkappid",
            APP,
            "--identifier",
            "a",
            "../s",
            "c",
        ],
        &["rest-url", "--sdkappid", APP, "--identifier", "", "s", "c"],
        &[
            "rest-url",
            "--sdkappid",
            APP,
            "--identifier",
            "a",
            "--base-url",
            "ftp://x",
            "s",
            "c",
        ],
        &["rest-url", "--sdkappid", APP, "--identifier", "a", "s"],
    ];
    for args in cases {
        let out = usersig(args, Some(DEMO_KEY), None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn rest_url_needs_the_key_from_the_environment_or_a_file() {
    let args = ["rest-url", "--sdkappid", APP, "--identifier", "a", "s", "c"];
    let out = usersig(&args, None, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("USERSIG_KEY"));

    let dir = std::env::temp_dir().join(format!("usersig-cli-rest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("key");
    std::fs::write(&file, format!("{DEMO_KEY}\n")).unwrap();
    let mut args = args.to_vec();
    let path = file.to_str().unwrap();
    args.extend(["--key-file", path]);
    let out = usersig(&args, None, None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn explain_a_rest_code_says_what_it_means_and_whether_to_retry() {
    let out = usersig(&["explain", "70001"], None, None);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("70001 usersig_expired:"), "{text}");
    assert!(text.contains("renew_token"));
    assert!(text.contains("expired"), "names the verifier kind: {text}");

    let out = usersig(&["explain", "60007", "--json"], None, None);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["retry"], "backoff");
    assert_eq!(v["name"], "rest_rate_limited");

    let v: Value = serde_json::from_str(&stdout(&usersig(
        &["explain", "70050", "--json"],
        None,
        None,
    )))
    .unwrap();
    assert_eq!(v["retry"], "after_60s");
    let v: Value = serde_json::from_str(&stdout(&usersig(
        &["explain", "70009", "--json"],
        None,
        None,
    )))
    .unwrap();
    assert_eq!(v["retry"], "never");
    assert_eq!(v["verifier_kinds"][0], "bad_signature");
}

#[test]
fn explain_takes_names_and_verifier_kinds() {
    let out = usersig(&["explain", "bad_signature"], None, None);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("70009 "));
    let out = usersig(&["explain", "usersig_lockout"], None, None);
    assert!(stdout(&out).starts_with("70050 "));
    let out = usersig(&["explain", "not_yet_valid"], None, None);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("clocks"));
    let out = usersig(&["explain", "0"], None, None);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn explain_an_unknown_code_exits_1_and_garbage_exits_2() {
    let out = usersig(&["explain", "91000"], None, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("not in the common REST code table"));
    let v: Value = serde_json::from_str(&stdout(&usersig(
        &["explain", "91000", "--json"],
        None,
        None,
    )))
    .unwrap();
    assert_eq!(v["known"], false);
    assert_eq!(
        usersig(&["explain", "what?"], None, None).status.code(),
        Some(2)
    );
}

#[cfg(feature = "client")]
mod call {
    use super::*;
    use rest_support::{MockRest, Reply};

    fn call(
        server: &MockRest,
        key: &str,
        extra: &[&str],
        stdin: Option<&str>,
    ) -> std::process::Output {
        let base = server.base_url();
        let mut args = vec![
            "call",
            "--sdkappid",
            APP,
            "--identifier",
            "administrator",
            "--base-url",
            &base,
        ];
        args.extend_from_slice(extra);
        usersig(&args, Some(key), stdin)
    }

    #[test]
    fn call_prints_the_envelope_and_exits_0_on_ok() {
        let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
        let out = call(
            &server,
            DEMO_KEY,
            &["openim", "querystate", r#"{"To_Account":["a"]}"#],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["ActionStatus"], "OK");
        assert_eq!(v["Echo"]["To_Account"][0], "a");
        let seen = server.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].path, "/v4/openim/querystate");
        assert!(seen[0].verified.is_ok());
    }

    #[test]
    fn call_without_a_body_sends_an_empty_object_and_reads_stdin_for_dash() {
        let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
        assert_eq!(
            call(&server, DEMO_KEY, &["s", "c"], None).status.code(),
            Some(0)
        );
        let out = call(&server, DEMO_KEY, &["s", "c", "-"], Some(r#"{"x":1}"#));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let seen = server.seen();
        assert_eq!(seen[0].body, "{}");
        assert_eq!(seen[1].body, r#"{"x":1}"#);
    }

    #[test]
    fn call_exits_1_on_fail_with_the_envelope_on_stdout() {
        let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
        let out = call(&server, "a wrong key", &["openim", "sendmsg"], None);
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["ActionStatus"], "FAIL");
        assert_eq!(v["ErrorCode"], 70009);
        assert!(stderr(&out).contains("70009"));
        assert_eq!(server.seen().len(), 1, "70009 is not retried");
    }

    #[test]
    fn call_retries_a_rate_limit_and_renews_an_expired_token() {
        let server = MockRest::start(
            DEMO_SDKAPPID,
            DEMO_KEY,
            &[Reply::Code(60007), Reply::Code(70001)],
        );
        let out = call(&server, DEMO_KEY, &["openim", "sendmsg"], None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(server.seen().len(), 3);
    }

    #[test]
    fn call_refuses_a_body_that_is_not_an_object() {
        let server = MockRest::start(DEMO_SDKAPPID, DEMO_KEY, &[]);
        let out = call(&server, DEMO_KEY, &["s", "c", "[1]"], None);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(server.seen().len(), 0);
    }
}
