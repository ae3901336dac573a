//! `usersig call` (feature `client`): call the REST API (FORMAT.md §8) as the app
//! administrator, retrying what may be retried, and print the response envelope as one JSON
//! object on stdout.
//!
//! Exit codes: 0 `ActionStatus` OK; 1 FAIL (the envelope on stdout, the error on stderr) or a
//! network failure; 2 usage error (no key, a body that is not a JSON object, a bad URL).

use std::io::Read as _;
use std::process::ExitCode;

use clap::Args;

use usersig::rest::{AdminToken, Client, ClientError, RetryPolicy};

use crate::UsageError;
use crate::rest::TargetArgs;

/// The most a body read from standard input may take, in bytes.
const MAX_STDIN_BODY: u64 = 16 << 20;

#[derive(Args)]
pub(crate) struct CallArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Attempts per request, retries included (1 = no retries).
    #[arg(long, value_name = "N", default_value_t = 3)]
    attempts: u32,
    /// The JSON body, or `-` to read it from standard input. Default: `{}`.
    #[arg(value_name = "BODY_JSON", allow_hyphen_values = true)]
    body: Option<String>,
}

/// Performs the request and prints the envelope as one JSON object; exit 1 on `FAIL`.
pub(crate) fn run(args: CallArgs) -> Result<ExitCode, UsageError> {
    let t = &args.target;
    let endpoint = t.endpoint()?;
    let body = match args.body.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .take(MAX_STDIN_BODY)
                .read_to_string(&mut text)
                .map_err(|e| UsageError(format!("cannot read the body from stdin: {e}")))?;
            text
        }
        Some(text) => text.to_owned(),
        None => String::new(),
    };
    let admin = AdminToken::builder(t.signer()?, t.identifier.clone())
        .lifetime_secs(t.expire)
        .build()
        .map_err(|e| UsageError(format!("cannot mint the admin UserSig: {e}")))?;
    let client = Client::builder(endpoint, admin)
        .retry(RetryPolicy::default().max_attempts(args.attempts))
        .build();
    match client.call_json(&t.service, &t.command, &body) {
        Ok(envelope) => {
            println!("{}", envelope.to_json());
            Ok(ExitCode::SUCCESS)
        }
        Err(ClientError::Rest { error, attempts }) => {
            println!("{}", error.envelope().to_json());
            eprintln!("usersig: {error} (after {attempts} attempt(s))");
            Ok(ExitCode::from(1))
        }
        Err(e @ (ClientError::BadBody(_) | ClientError::Url(_) | ClientError::Sign(_))) => {
            Err(UsageError(e.to_string()))
        }
        Err(e) => {
            eprintln!("usersig: error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
