//! `usersig inspect`: decode a token without the key and describe what it claims, who
//! probably minted it and what looks wrong, as text or (`--json`) one JSON object. Nothing it
//! prints is verified.
//!
//! Exit codes: 0 decoded; 1 not decodable (the reason is on stdout); 2 usage error on stderr.

use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use usersig::{Inspection, inspect_at};

use crate::UsageError;
use crate::escape::say;
use crate::input::{now_or_zero, read_token};

#[derive(Args)]
pub(crate) struct InspectArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Judge expiry as of this Unix time (default: now).
    #[arg(long, value_name = "UNIX")]
    now: Option<u64>,
    /// The token, or `-` to read it from standard input.
    #[arg(value_name = "TOKEN", allow_hyphen_values = true)]
    token: String,
}

/// Decodes the token and prints the description.
pub(crate) fn run(args: InspectArgs) -> Result<ExitCode, UsageError> {
    let token = read_token(&args.token)?;
    let now = args.now.unwrap_or_else(now_or_zero);
    match inspect_at(&token, now) {
        Ok(info) if args.json => {
            println!("{}", info.to_json());
            Ok(ExitCode::SUCCESS)
        }
        Ok(info) => {
            print_inspection(&info);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if args.json => {
            println!(
                "{}",
                json!({"error": e.kind().as_str(), "message": e.to_string()})
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            say!("cannot decode ({}): {e}", e.kind());
            Ok(ExitCode::from(1))
        }
    }
}

/// Prints the description as text: every line with token content through `say!`, so nothing
/// in the token can forge a line or reach the terminal as a control sequence.
fn print_inspection(info: &Inspection) {
    let v = info.to_json();
    let show = |x: &serde_json::Value| match x {
        serde_json::Value::Null => "-".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    println!("(decoded without the key: nothing here is verified)");
    say!("  version     {}", show(&v["version"]));
    say!("  identifier  {}", show(&v["identifier"]));
    say!("  sdkappid    {}", show(&v["sdkappid"]));
    say!(
        "  issued      {} ({})",
        show(&v["time"]),
        show(&v["time_utc"])
    );
    say!("  expire      {} s", show(&v["expire"]));
    say!(
        "  expires at  {} ({})",
        show(&v["expires_at"]),
        show(&v["expires_at_utc"])
    );
    if info.userbuf_b64.is_some() {
        say!("  userbuf     {}", show(&v["userbuf_b64"]));
    }
    if let Some(pmk) = &info.private_map_key {
        say!(
            "  PrivateMapKey  account {:?}, sdkappid {}, {}, expires {}, privileges {} {:?}",
            pmk.account,
            pmk.sdkappid,
            pmk.room(),
            show(&v["private_map_key"]["expires_at_utc"]),
            pmk.privileges.bits(),
            pmk.privileges.names()
        );
    }
    say!("  compression {}", info.zlib.describe());
    say!("  producer    {} (a guess)", info.producer);
    for r in &info.producer_reasons {
        say!("                - {r}");
    }
    say!("  json        {}", info.json.trim_end());
    if info.warnings.is_empty() {
        println!("  warnings    none");
    } else {
        println!("  warnings");
        for w in &info.warnings {
            say!("    - [{}] {w}", w.code());
        }
    }
}
