//! `usersig callback`: the contract scripts depend on (exit 0 valid, 1 invalid, 2 usage; one
//! JSON object with --json; secrets only from the environment or a file), and an end-to-end
//! run of a signed IM and TRTC callback through a local HTTP server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use usersig::callback::{im, trtc};

/// Runs `usersig callback ARGS` with the callback secrets in the environment.
fn callback(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_usersig"))
        .arg("callback")
        .args(args)
        .env("USERSIG_CALLBACK_TOKEN", "console-token")
        .env("USERSIG_CALLBACK_KEY", "console-key")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn im_verdicts_have_their_exit_codes_and_json() {
    let q = im::signed_query("console-token", 1400000000, "State.StateChange", 1000);
    let ok = callback(
        &[
            "im",
            "--now",
            "1060",
            "--sdkappid",
            "1400000000",
            "--json",
            &q,
        ],
        None,
    );
    assert_eq!(ok.status.code(), Some(0));
    let v = json(&ok);
    assert_eq!(
        (v["valid"].clone(), v["error"].clone()),
        (Value::Bool(true), Value::Null)
    );
    assert_eq!(v["command"], "State.StateChange");
    assert_eq!(v["request_time"], 1000);

    let stale = callback(&["im", "--now", "1061", "--json", &q], None);
    assert_eq!(stale.status.code(), Some(1));
    assert_eq!(json(&stale)["error"], "stale");
    let narrow = callback(
        &["im", "--now", "1011", "--window", "10", "--json", &q],
        None,
    );
    assert_eq!(json(&narrow)["error"], "stale");
    let other_app = callback(
        &["im", "--now", "1000", "--sdkappid", "1", "--json", &q],
        None,
    );
    assert_eq!(json(&other_app)["error"], "sdkappid_mismatch");
    let unsigned = callback(&["im", "--json", "SdkAppid=1&CallbackCommand=x"], None);
    assert_eq!(json(&unsigned)["error"], "missing_signature");
    let repeated = callback(&["im", "--json", &format!("{q}&Sign=00")], None);
    assert_eq!(json(&repeated)["error"], "malformed");
}

#[test]
fn trtc_verdicts_read_the_body_from_a_file_or_stdin() {
    let body = b"{\n\t\"EventGroupId\":\t1,\n\t\"EventType\":\t103,\n\t\"CallbackTs\":\t1,\n\t\"EventInfo\":\t{\"RoomId\": 5}\n}";
    let signed = callback(&["sign-trtc", "-"], Some(body));
    assert_eq!(signed.status.code(), Some(0));
    let sign = String::from_utf8(signed.stdout).unwrap().trim().to_owned();
    assert_eq!(sign, trtc::sign("console-key", body));

    let ok = callback(&["trtc", "--sign", &sign, "--json", "-"], Some(body));
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(json(&ok)["event_info"]["RoomId"], 5);
    let mut changed = body.to_vec();
    changed.push(b'\n');
    let bad = callback(&["trtc", "--sign", &sign, "--json", "-"], Some(&changed));
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(json(&bad)["error"], "bad_signature");
    let missing = callback(&["trtc", "--sign", "/nonexistent/body"], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn secrets_never_come_from_the_command_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_usersig"))
        .args(["callback", "im", "Sign=a&RequestTime=1"])
        .env_remove("USERSIG_CALLBACK_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("USERSIG_CALLBACK_TOKEN"));
    let token_flag = callback(&["im", "--token", "x", "Sign=a&RequestTime=1"], None);
    assert_eq!(token_flag.status.code(), Some(2));
}

#[test]
fn text_output_escapes_what_the_request_carried() {
    let q = format!(
        "{}&ClientIP=%1B%5B31mred%0D%0Aforged",
        im::signed_query("console-token", 1, "x", 1000).replace("&ClientIP=127.0.0.1", "")
    );
    let out = callback(&["im", "--now", "1000", &q], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("\\u{1b}[31mred\\r\\nforged"), "{text}");
}

/// One HTTP/1.1 request read off a socket: the request target, headers and body.
fn read_request(stream: &TcpStream) -> (String, Vec<(String, String)>, Vec<u8>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let target = line.split(' ').nth(1).unwrap().to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    (target, headers, body)
}

#[test]
fn a_local_server_accepts_signed_callbacks_and_refuses_a_tampered_one() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let im_verifier = im::Verifier::new("console-token")
            .unwrap()
            .sdkappid(1400000000);
        let trtc_verifier = trtc::Verifier::new("console-key").unwrap();
        let mut verdicts = Vec::new();
        for stream in listener.incoming().take(3) {
            let mut stream = stream.unwrap();
            let (target, headers, body) = read_request(&stream);
            let header = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.clone());
            let (status, reply) = if target.starts_with("/im") {
                match im_verifier.verify(&target) {
                    Ok(_) => ("200 OK", im::reply_ok()),
                    Err(e) => ("403 Forbidden", im::reply_fail(1, e.kind().as_str())),
                }
            } else {
                let sign = header("sign");
                match trtc_verifier.verify_request(
                    sign.as_deref(),
                    header("sdkappid").as_deref(),
                    &body,
                ) {
                    Ok(_) => ("200 OK", r#"{"code":0}"#.to_owned()),
                    Err(e) => ("403 Forbidden", e.kind().as_str().to_owned()),
                }
            };
            verdicts.push(status);
            write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            )
            .unwrap();
        }
        verdicts
    });
    let post = |target: &str, headers: &str, body: &[u8]| {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "POST {target} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(body).unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let q = im::signed_query(
        "console-token",
        1400000000,
        "C2C.CallbackBeforeSendMsg",
        now,
    );
    let answer = post(
        &format!("/im?{q}"),
        "",
        br#"{"CallbackCommand":"C2C.CallbackBeforeSendMsg"}"#,
    );
    assert!(answer.ends_with(&im::reply_ok()), "{answer}");
    let body = br#"{"EventGroupId":1,"EventType":101,"CallbackTs":1,"EventInfo":{}}"#;
    let sign = trtc::sign("console-key", body);
    let answer = post(
        "/trtc",
        &format!("Sign: {sign}\r\nSdkAppId: 1400000000\r\n"),
        body,
    );
    assert!(answer.ends_with(r#"{"code":0}"#), "{answer}");
    let answer = post(
        "/trtc",
        &format!("Sign: {sign}\r\n"),
        br#"{"EventGroupId":2,"EventType":101,"CallbackTs":1,"EventInfo":{}}"#,
    );
    assert!(answer.ends_with("bad_signature"), "{answer}");
    assert_eq!(
        server.join().unwrap(),
        ["200 OK", "200 OK", "403 Forbidden"]
    );
}
