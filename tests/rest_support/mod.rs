//! A stand-in for Tencent's REST endpoint on 127.0.0.1, shared by `tests/rest_client.rs` and
//! `tests/cli_rest.rs`. It speaks just enough HTTP/1.1 (keep-alive, Content-Length bodies),
//! verifies the `usersig` in each URL with our own `Verifier`, records every request and
//! answers from a script. Bounded: it serves at most `MAX_CONNECTIONS` connections, each with a
//! read timeout, and only ever listens on the loopback address.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use usersig::Verifier;

const MAX_CONNECTIONS: usize = 64;
const MAX_REQUESTS_PER_CONNECTION: usize = 64;

/// What the server answers to one request whose UserSig verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// An envelope with this `ErrorCode` (0: `OK`, echoing the body as `Echo`).
    Code(i64),
    /// This HTTP status with an HTML body and no envelope, as a proxy would.
    Status(u16),
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub content_type: Option<String>,
    pub body: String,
    /// `Ok(())` when the `usersig` verified for the `identifier` and sdkappid, else why not.
    pub verified: Result<(), String>,
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    seen: Vec<Seen>,
    connections: usize,
}

pub struct MockRest {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl MockRest {
    /// Starts a server for the app (`sdkappid`, `key`) answering `script` in order, then `OK`.
    pub fn start(sdkappid: u64, key: &str, script: &[Reply]) -> MockRest {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let state = Arc::new(Mutex::new(State {
            script: script.iter().copied().collect(),
            ..State::default()
        }));
        let verifier = Arc::new(Verifier::new(sdkappid, key).expect("verifier"));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().take(MAX_CONNECTIONS) {
                let Ok(stream) = stream else { continue };
                shared.lock().unwrap().connections += 1;
                let state = Arc::clone(&shared);
                let verifier = Arc::clone(&verifier);
                std::thread::spawn(move || serve(stream, &state, &verifier));
            }
        });
        MockRest { port, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, verifier: &Verifier) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    for n in 0..MAX_REQUESTS_PER_CONNECTION {
        let Some((method, target, headers, body)) = read_request(&mut reader) else {
            return;
        };
        let (path, query) = split_target(&target);
        let verified = check(verifier, &query);
        let reply = {
            let mut st = state.lock().unwrap();
            let reply = if verified.is_err() {
                // The real server checks the signature before anything else.
                Reply::Code(70009)
            } else {
                st.script.pop_front().unwrap_or(Reply::Code(0))
            };
            st.seen.push(Seen {
                method,
                path,
                query,
                content_type: headers.get("content-type").cloned(),
                body: body.clone(),
                verified,
            });
            reply
        };
        let (status, text) = match reply {
            Reply::Code(0) => {
                let echo: serde_json::Value =
                    serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
                (
                    200,
                    serde_json::json!({
                        "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
                        "RequestId": format!("req-{n}"), "Echo": echo,
                    })
                    .to_string(),
                )
            }
            Reply::Code(code) => (
                200,
                serde_json::json!({
                    "ActionStatus": "FAIL", "ErrorCode": code,
                    "ErrorInfo": format!("scripted error {code}"), "RequestId": format!("req-{n}"),
                })
                .to_string(),
            ),
            Reply::Status(status) => (status, "<html>bad gateway</html>".to_owned()),
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            text.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(text.as_bytes()).is_err()
        {
            return;
        }
        let _ = writer.flush();
    }
}

type Request = (String, String, HashMap<String, String>, String);

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = HashMap::new();
    for _ in 0..100 {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some((
        method,
        target,
        headers,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

fn split_target(target: &str) -> (String, HashMap<String, String>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect();
    (path.to_owned(), query)
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn check(verifier: &Verifier, query: &HashMap<String, String>) -> Result<(), String> {
    let get = |k: &str| query.get(k).ok_or_else(|| format!("no {k} parameter"));
    if get("contenttype")? != "json" {
        return Err("contenttype is not json".into());
    }
    get("random")?
        .parse::<u32>()
        .map_err(|e| format!("random is not a u32: {e}"))?;
    let sdkappid: u64 = get("sdkappid")?
        .parse()
        .map_err(|e| format!("sdkappid: {e}"))?;
    if sdkappid != verifier.sdkappid() {
        return Err(format!("sdkappid {sdkappid}"));
    }
    verifier
        .verify(get("usersig")?, get("identifier")?)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
