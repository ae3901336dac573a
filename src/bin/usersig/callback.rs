//! `usersig callback`: check that a callback request really comes from Tencent, or sign one to
//! test a handler (docs/callbacks.md).
//!
//! - `callback im [--now UNIX] [--sdkappid N] [--window SECS] [--json] QUERY_OR_URL`, the token
//!   from `USERSIG_CALLBACK_TOKEN` or `--token-file PATH`;
//! - `callback trtc --sign SIGN [--sdkappid N] [--json] BODY_FILE` (`-`: standard input), the
//!   key from `USERSIG_CALLBACK_KEY` or `--key-file PATH`;
//! - `callback sign-im --sdkappid N --command CMD [--time UNIX]` prints a signed query string;
//!   `callback sign-trtc BODY_FILE` prints the `Sign` header for a body.
//!
//! Exit codes: 0 valid (or signed); 1 invalid (the verdict is on stdout); 2 usage error on
//! stderr. `--json` prints one object: `{"valid", "error" (kind or null), "message", ...}` with
//! the request's fields when valid. Secrets never come from the command line.

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use usersig::callback::{CallbackError, im, trtc};

use crate::UsageError;
use crate::input::now_or_zero;
use crate::key::read_secret;

/// Where the IM callback token is read from, when there is no `--token-file`.
const TOKEN_ENV: &str = "USERSIG_CALLBACK_TOKEN";
/// Where the TRTC callback key is read from, when there is no `--key-file`.
const KEY_ENV: &str = "USERSIG_CALLBACK_KEY";
/// The largest body read: Tencent's events are a few KiB.
const MAX_BODY: u64 = 1 << 20;

#[derive(Subcommand)]
pub(crate) enum CallbackCommand {
    /// Verify an IM callback URL (Sign and RequestTime in the query string).
    Im(ImArgs),
    /// Verify a TRTC event callback body against its Sign header.
    Trtc(TrtcArgs),
    /// Print a signed IM callback query string, for testing a handler.
    SignIm(SignImArgs),
    /// Print the Sign header for a TRTC callback body, for testing a handler.
    SignTrtc(SignTrtcArgs),
}

#[derive(Args)]
pub(crate) struct ImArgs {
    /// Verify as of this Unix time (default: now).
    #[arg(long, value_name = "UNIX")]
    now: Option<u64>,
    /// Refuse a request that names another SDKAppID.
    #[arg(long, value_name = "N")]
    sdkappid: Option<u64>,
    /// Seconds RequestTime may be from the clock, either way (at most 3600).
    #[arg(long, value_name = "SECS", default_value_t = im::DEFAULT_WINDOW_SECS)]
    window: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Read the callback token from this file. Default: $USERSIG_CALLBACK_TOKEN.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// The query string, or the whole URL, as the request arrived.
    #[arg(value_name = "QUERY_OR_URL", allow_hyphen_values = true)]
    query: String,
}

#[derive(Args)]
pub(crate) struct TrtcArgs {
    /// The request's Sign header.
    #[arg(long, value_name = "SIGN", allow_hyphen_values = true)]
    sign: String,
    /// Refuse a request whose SdkAppId header (--sdkappid-header) names another SDKAppID.
    #[arg(long, value_name = "N")]
    sdkappid: Option<u64>,
    /// The request's SdkAppId header, when it had one.
    #[arg(long, value_name = "N")]
    sdkappid_header: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Read the callback key from this file. Default: $USERSIG_CALLBACK_KEY.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// The body exactly as received, from this file or `-` for standard input.
    #[arg(value_name = "BODY_FILE", allow_hyphen_values = true)]
    body: String,
}

#[derive(Args)]
pub(crate) struct SignImArgs {
    /// The SDKAppID to put in the query.
    #[arg(long, value_name = "N")]
    sdkappid: u64,
    /// The CallbackCommand, e.g. C2C.CallbackBeforeSendMsg.
    #[arg(long, value_name = "CMD")]
    command: String,
    /// RequestTime (default: now).
    #[arg(long, value_name = "UNIX")]
    time: Option<u64>,
    /// Read the callback token from this file. Default: $USERSIG_CALLBACK_TOKEN.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct SignTrtcArgs {
    /// Read the callback key from this file. Default: $USERSIG_CALLBACK_KEY.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// The body to sign, from this file or `-` for standard input.
    #[arg(value_name = "BODY_FILE", allow_hyphen_values = true)]
    body: String,
}

/// Runs one `callback` subcommand.
pub(crate) fn run(command: CallbackCommand) -> Result<ExitCode, UsageError> {
    match command {
        CallbackCommand::Im(args) => run_im(args),
        CallbackCommand::Trtc(args) => run_trtc(args),
        CallbackCommand::SignIm(args) => {
            let token = im_token(args.token_file.as_deref())?;
            let time = args.time.unwrap_or_else(now_or_zero);
            println!(
                "{}",
                im::signed_query(token.as_slice(), args.sdkappid, &args.command, time)
            );
            Ok(ExitCode::SUCCESS)
        }
        CallbackCommand::SignTrtc(args) => {
            let key = trtc_key(args.key_file.as_deref())?;
            println!("{}", trtc::sign(key.as_slice(), &read_body(&args.body)?));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn im_token(file: Option<&std::path::Path>) -> Result<zeroize::Zeroizing<Vec<u8>>, UsageError> {
    read_secret("callback token", file, "--token-file", TOKEN_ENV)
}

fn trtc_key(file: Option<&std::path::Path>) -> Result<zeroize::Zeroizing<Vec<u8>>, UsageError> {
    read_secret("callback key", file, "--key-file", KEY_ENV)
}

fn run_im(args: ImArgs) -> Result<ExitCode, UsageError> {
    let token = im_token(args.token_file.as_deref())?;
    let mut verifier = im::Verifier::new(token.as_slice())
        .map_err(|e| UsageError(e.to_string()))?
        .window_secs(args.window);
    if let Some(n) = args.sdkappid {
        verifier = verifier.sdkappid(n);
    }
    let now = args.now.unwrap_or_else(now_or_zero);
    let verdict = verifier.verify_at(&args.query, now).map(|c| {
        json!({
            "request_time": c.request_time,
            "sdkappid": c.sdkappid,
            "command": c.command,
            "client_ip": c.client_ip,
            "platform": c.platform,
        })
    });
    Ok(report(verdict, args.json))
}

fn run_trtc(args: TrtcArgs) -> Result<ExitCode, UsageError> {
    let key = trtc_key(args.key_file.as_deref())?;
    let mut verifier =
        trtc::Verifier::new(key.as_slice()).map_err(|e| UsageError(e.to_string()))?;
    if let Some(n) = args.sdkappid {
        verifier = verifier.sdkappid(n);
    }
    let body = read_body(&args.body)?;
    let verdict = verifier
        .verify_request(Some(&args.sign), args.sdkappid_header.as_deref(), &body)
        .map(|e| {
            // EventInfo is JSON that passed serde_json's reader, so it parses again.
            let info: Value = serde_json::from_str(e.event_info).unwrap_or(Value::Null);
            json!({
                "event_group_id": e.event_group_id,
                "event_type": e.event_type,
                "callback_ts": e.callback_ts,
                "sdkappid": e.sdkappid,
                "event_info": info,
            })
        });
    Ok(report(verdict, args.json))
}

/// Prints the verdict (JSON, or text with request text escaped) and picks the exit code.
fn report(verdict: Result<Value, CallbackError>, as_json: bool) -> ExitCode {
    let (valid, mut out) = match &verdict {
        Ok(fields) => (true, fields.clone()),
        Err(_) => (false, json!({})),
    };
    if as_json {
        if let Value::Object(map) = &mut out {
            map.insert("valid".into(), json!(valid));
            let (error, message) = match &verdict {
                Ok(_) => (Value::Null, "the request comes from Tencent".to_owned()),
                Err(e) => (json!(e.kind().as_str()), e.to_string()),
            };
            map.insert("error".into(), error);
            map.insert("message".into(), json!(message));
        }
        println!("{out}");
    } else {
        match &verdict {
            Ok(fields) => {
                println!("valid: the request comes from Tencent");
                if let Value::Object(map) = fields {
                    for (name, value) in map {
                        // Debug-style escaping: request text cannot forge lines or colors.
                        let shown = match value {
                            Value::String(s) => format!("{s:?}"),
                            other => other.to_string(),
                        };
                        println!("  {name}: {shown}");
                    }
                }
            }
            Err(e) => println!("invalid ({}): {e}", e.kind()),
        }
    }
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The body, from a file or (`-`) standard input, at most 1 MiB.
fn read_body(arg: &str) -> Result<Vec<u8>, UsageError> {
    let mut body = Vec::new();
    let read = if arg == "-" {
        io::stdin().take(MAX_BODY + 1).read_to_end(&mut body)
    } else {
        std::fs::File::open(arg).and_then(|f| f.take(MAX_BODY + 1).read_to_end(&mut body))
    };
    read.map_err(|e| UsageError(format!("cannot read the body {arg}: {e}")))?;
    if body.len() as u64 > MAX_BODY {
        return Err(UsageError(format!("the body is over {MAX_BODY} bytes")));
    }
    Ok(body)
}
