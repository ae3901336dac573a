//! `usersig rest-url`: print a ready REST API URL (FORMAT.md §8) carrying a fresh admin
//! UserSig; POST `{}` or a JSON object to it.
//!
//! Exit codes: 0 printed the URL; 2 usage error (no key, a bad region or base URL) on stderr.

use std::process::ExitCode;

use clap::Args;

use usersig::Mint;
use usersig::rest::RestUrl;

use crate::UsageError;
use crate::rest::TargetArgs;

#[derive(Args)]
pub(crate) struct RestUrlArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Use this `random` instead of a fresh one.
    #[arg(long, value_name = "U32")]
    random: Option<u32>,
}

/// Prints a ready URL: POST `{}` or a JSON object to it.
pub(crate) fn run(args: RestUrlArgs) -> Result<ExitCode, UsageError> {
    let t = &args.target;
    let endpoint = t.endpoint()?;
    let token = t
        .signer()?
        .mint(&Mint::new(&t.identifier).expire_secs(t.expire))
        .map_err(|e| UsageError(format!("cannot mint the admin UserSig: {e}")))?;
    let mut url = RestUrl::new(&endpoint, &t.service, &t.command)
        .sdkappid(t.sdkappid)
        .identifier(&t.identifier)
        .usersig(&token);
    if let Some(r) = args.random {
        url = url.random(r);
    }
    println!("{}", url.build().map_err(|e| UsageError(e.to_string()))?);
    Ok(ExitCode::SUCCESS)
}
