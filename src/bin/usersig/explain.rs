//! `usersig explain`: explain a REST `ErrorCode` (FORMAT.md §8), a code name or a verifier
//! error kind: what it means, what to do, whether to retry, as text or (`--json`) one JSON
//! object. Needs no key.
//!
//! Exit codes: 0 explained; 1 a number not in the table; 2 text that is neither a number, a
//! code name nor a verifier error kind.

use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use usersig::ErrorKind;
use usersig::rest as api;

use crate::UsageError;

#[derive(Args)]
pub(crate) struct ExplainArgs {
    /// A REST `ErrorCode` (e.g. 70001), a code name (usersig_expired) or a verifier error
    /// kind (expired, bad_signature, ...).
    #[arg(value_name = "CODE")]
    code: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Explains a code; no key needed. Exit 0 when known, 1 when not.
pub(crate) fn run(args: ExplainArgs) -> Result<ExitCode, UsageError> {
    let text = args.code.trim();
    let (code, kind) = if let Ok(n) = text.parse::<i64>() {
        (Some(n), None)
    } else if let Some(info) = api::CODES.iter().find(|i| i.name == text) {
        (Some(info.code), None)
    } else if let Some(kind) = ErrorKind::from_name(text) {
        (kind.server_code().map(i64::from), Some(kind))
    } else {
        return Err(UsageError(format!(
            "{text:?} is neither a number, a REST code name nor a verifier error kind"
        )));
    };

    if code == Some(0) {
        if args.json {
            println!(
                "{}",
                json!({"code": 0, "known": true, "name": "ok", "meaning": "success"})
            );
        } else {
            println!("0 ok: success (ActionStatus \"OK\")");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let info = code.and_then(api::describe);
    let kinds: Vec<&str> = match (kind, code) {
        (Some(k), _) => vec![k.as_str()],
        (None, Some(c)) => ErrorKind::ALL
            .into_iter()
            .filter(|k| k.server_code().map(i64::from) == Some(c))
            .map(ErrorKind::as_str)
            .collect(),
        (None, None) => Vec::new(),
    };
    let local = kind.and_then(local_only);

    if args.json {
        let v = match (info, local) {
            (Some(i), _) => json!({
                "code": i.code, "known": true, "name": i.name, "meaning": i.meaning,
                "action": i.action, "retry": i.retry.as_str(), "verifier_kinds": kinds,
            }),
            (None, Some(text)) => json!({
                "code": null, "known": true, "name": kinds.first(), "meaning": text,
                "retry": "never", "verifier_kinds": kinds,
            }),
            (None, None) => json!({"code": code, "known": false}),
        };
        println!("{v}");
    } else if let Some(i) = info {
        println!("{} {}: {}", i.code, i.name, i.meaning);
        println!("  what to do  {}", i.action);
        println!("  retry       {} ({})", i.retry, i.retry.advice());
        if !kinds.is_empty() {
            println!(
                "  verifier    `usersig verify` reports this as: {}",
                kinds.join(", ")
            );
        }
    } else if let Some(text) = local {
        println!("{}: {text}", kinds.join(", "));
        println!("  (no Tencent server code: only this library's verifier reports it)");
    } else {
        println!(
            "{}: not in the common REST code table (FORMAT.md §8); see the documentation of the \
             service you called, and do not retry blindly",
            code.map_or_else(|| text.to_owned(), |c| c.to_string())
        );
    }
    Ok(if info.is_some() || local.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Verifier kinds with no server code (FORMAT.md §5.6, §5.8).
fn local_only(kind: ErrorKind) -> Option<&'static str> {
    match kind {
        ErrorKind::NotYetValid => Some(
            "the token's issue time is further in the future than the allowed skew; check the \
             clocks of the minting server and the verifying one",
        ),
        ErrorKind::UserbufMismatch => Some(
            "the token's userbuf (or PrivateMapKey room and privileges) is not what the caller \
             expected; mint one with the right room and privileges",
        ),
        _ => None,
    }
}
