//! `usersig verify`: check a token against the key, the SDKAppID, the identifier and
//! optionally the userbuf or PrivateMapKey it must carry; print the claims or why not, as text
//! or (`--json`) one JSON object.
//!
//! Exit codes: 0 valid; 1 invalid (the verdict is on stdout); 2 usage error on stderr.

use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use usersig::{
    Claims, DEFAULT_MAX_FUTURE_SKEW_SECS, Expect, Privileges, Verifier, VerifyError, claims_json,
};

use crate::UsageError;
use crate::escape::say;
use crate::input::read_token;
use crate::key::{KeyArgs, read_key};
use crate::payload::{PayloadArgs, parse_privileges};

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The SDKAppID the token must be for.
    #[arg(long, value_name = "N")]
    sdkappid: u64,
    /// The UserID the token must be for.
    #[arg(long, value_name = "ID")]
    identifier: String,
    /// Verify as of this Unix time (default: now).
    #[arg(long, value_name = "UNIX")]
    now: Option<u64>,
    #[command(flatten)]
    payload: PayloadArgs,
    /// With --room-id/--room-str: the privileges the PrivateMapKey must grant.
    #[arg(long, value_name = "P", value_parser = parse_privileges)]
    privileges: Option<Privileges>,
    /// Seconds a token's issue time may be in the future.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_MAX_FUTURE_SKEW_SECS)]
    max_future_skew: u64,
    /// Seconds a token is still accepted after it expires.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    leeway: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    key: KeyArgs,
    /// The token, or `-` to read it from standard input.
    #[arg(value_name = "TOKEN", allow_hyphen_values = true)]
    token: String,
}

/// Verifies the token and prints the verdict.
pub(crate) fn run(args: VerifyArgs) -> Result<ExitCode, UsageError> {
    let key = read_key(&args.key)?;
    let verifier = Verifier::new(args.sdkappid, key.as_slice())
        .map_err(|e| UsageError(e.to_string()))?
        .max_future_skew_secs(args.max_future_skew)
        .and_then(|v| v.leeway_secs(args.leeway))
        .map_err(|e| UsageError(format!("--max-future-skew/--leeway: {e}")))?;
    let token = read_token(&args.token)?;
    let userbuf = args.payload.userbuf()?;
    let privileges = args.privileges.unwrap_or(Privileges::NONE);
    let expect = if let Some(buf) = &userbuf {
        Expect::Userbuf(buf)
    } else if let Some(room) = args.payload.room() {
        Expect::Room { room, privileges }
    } else {
        Expect::Anything
    };
    let result = verifier.verify_with(&token, &args.identifier, &expect, args.now);
    if args.json {
        println!("{}", verify_json(&result));
    } else {
        match &result {
            Ok(claims) => print_claims(claims),
            Err(e) => say!("invalid ({}): {e}", e.kind()),
        }
    }
    Ok(if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The `--json` verdict: `valid`, `error`, `message`, and `claims` or `server_code` (with
/// `layer` and `field` for a malformed token).
fn verify_json(result: &Result<Claims, VerifyError>) -> serde_json::Value {
    match result {
        Ok(claims) => json!({
            "valid": true,
            "error": null,
            "message": "valid",
            "claims": claims_json(claims),
        }),
        Err(e) => {
            let mut v = json!({
                "valid": false,
                "error": e.kind().as_str(),
                "message": e.to_string(),
                "server_code": e.server_code(),
            });
            if let (VerifyError::Malformed(m), Some(obj)) = (e, v.as_object_mut()) {
                obj.insert("layer".into(), json!(m.layer.as_str()));
                obj.insert("field".into(), json!(m.field));
            }
            v
        }
    }
}

fn print_claims(claims: &Claims) {
    let v = claims_json(claims);
    println!("valid");
    say!("  identifier  {}", claims.identifier);
    say!("  sdkappid    {}", claims.sdkappid);
    say!("  time        {}", claims.time);
    say!("  expire      {} s", claims.expire);
    say!(
        "  expires at  {} ({})",
        claims.expires_at,
        v["expires_at_utc"].as_str().unwrap_or("")
    );
    if let Some(b64) = v["userbuf_b64"].as_str() {
        say!("  userbuf     {b64}");
    }
    if let Some(pmk) = &claims.private_map_key {
        say!(
            "  PrivateMapKey  {} privileges {} {:?}",
            pmk.room(),
            pmk.privileges.bits(),
            pmk.privileges.names()
        );
    }
}
