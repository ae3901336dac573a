//! `usersig rest-url`, `usersig call` (feature `client`) and `usersig explain`: the REST API
//! (FORMAT.md §8) from the command line, a thin shell over `usersig::rest`.

use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use usersig::rest::{self as api, DEFAULT_ADMIN_LIFETIME_SECS, Endpoint, Region, RestUrl};
use usersig::{ErrorKind, Mint, Signer};

use super::{KeyArgs, UsageError, read_key};

/// Who calls what, where: shared by `rest-url` and `call`.
#[derive(Args)]
pub(crate) struct TargetArgs {
    /// The application's SDKAppID.
    #[arg(long, value_name = "N")]
    sdkappid: u64,
    /// The app administrator to call as (the UserSig is minted for it).
    #[arg(long, value_name = "ADMIN")]
    identifier: String,
    /// The app's region: cn (console.tim.qq.com), sgp, kr, jpn, ger, ind, usa, idn.
    #[arg(long, value_name = "REGION", default_value = "cn", value_parser = parse_region)]
    region: Region,
    /// Send to this base URL instead of the region's domain (a proxy, a test server).
    #[arg(long, value_name = "URL", conflicts_with = "region")]
    base_url: Option<String>,
    /// Lifetime of the admin UserSig, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_ADMIN_LIFETIME_SECS)]
    expire: u64,
    #[command(flatten)]
    key: KeyArgs,
    /// The service, e.g. `openim` or `im_open_login_svc`.
    #[arg(value_name = "SERVICE")]
    service: String,
    /// The command, e.g. `sendmsg` or `account_import`.
    #[arg(value_name = "COMMAND")]
    command: String,
}

impl TargetArgs {
    fn endpoint(&self) -> Result<Endpoint, UsageError> {
        match &self.base_url {
            Some(url) => Endpoint::custom(url).map_err(|e| UsageError(e.to_string())),
            None => Ok(Endpoint::from(self.region)),
        }
    }

    fn signer(&self) -> Result<Signer, UsageError> {
        let key = read_key(&self.key)?;
        Signer::new(self.sdkappid, key.as_slice()).map_err(|e| UsageError(e.to_string()))
    }
}

fn parse_region(text: &str) -> Result<Region, String> {
    text.parse::<Region>().map_err(|e| e.to_string())
}

#[derive(Args)]
pub(crate) struct RestUrlArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Use this `random` instead of a fresh one.
    #[arg(long, value_name = "U32")]
    random: Option<u32>,
}

/// Prints a ready URL: POST `{}` or a JSON object to it.
pub(crate) fn rest_url_cmd(args: RestUrlArgs) -> Result<ExitCode, UsageError> {
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

#[cfg(feature = "client")]
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
#[cfg(feature = "client")]
pub(crate) fn call_cmd(args: CallArgs) -> Result<ExitCode, UsageError> {
    use std::io::Read as _;
    use usersig::rest::{AdminToken, Client, ClientError, RetryPolicy};

    let t = &args.target;
    let endpoint = t.endpoint()?;
    let body = match args.body.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .take(16 << 20)
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
pub(crate) fn explain_cmd(args: ExplainArgs) -> Result<ExitCode, UsageError> {
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
