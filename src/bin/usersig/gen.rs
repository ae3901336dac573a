//! `usersig gen`: mint a token (plain, with a userbuf, or a TRTC PrivateMapKey) and print it
//! followed by a newline.
//!
//! Exit codes: 0 printed the token; 2 usage error or input the library refuses to mint
//! (no key, bad base64, an empty identifier, ...), with the message on stderr.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use usersig::{Compression, DEFAULT_EXPIRE_SECS, Mint, Privileges, Signer};

use crate::UsageError;
use crate::key::{KeyArgs, read_key};
use crate::payload::{PayloadArgs, parse_privileges, privileges_help};

#[derive(Clone, Copy, ValueEnum)]
enum CompressionArg {
    /// Level 0, stored blocks (fastest; the default).
    Stored,
    /// Level 1.
    Fast,
    /// Level 6, the shortest tokens.
    #[value(alias = "default")]
    Standard,
}

impl From<CompressionArg> for Compression {
    fn from(arg: CompressionArg) -> Compression {
        match arg {
            CompressionArg::Stored => Compression::Stored,
            CompressionArg::Fast => Compression::Fast,
            CompressionArg::Standard => Compression::Standard,
        }
    }
}

#[derive(Args)]
pub(crate) struct GenArgs {
    /// The application's SDKAppID.
    #[arg(long, value_name = "N")]
    sdkappid: u64,
    /// The UserID the token is for.
    #[arg(long, value_name = "ID")]
    identifier: String,
    /// Lifetime in seconds.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_EXPIRE_SECS)]
    expire: u64,
    /// Issue time in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX")]
    time: Option<u64>,
    #[command(flatten)]
    payload: PayloadArgs,
    #[arg(
        long,
        value_name = "P",
        default_value = "255",
        value_parser = parse_privileges,
        help = privileges_help()
    )]
    privileges: Privileges,
    /// zlib compression of the JSON document.
    #[arg(long, value_enum, default_value = "stored")]
    compression: CompressionArg,
    #[command(flatten)]
    key: KeyArgs,
}

/// Mints the token and prints it.
pub(crate) fn run(args: GenArgs) -> Result<ExitCode, UsageError> {
    let key = read_key(&args.key)?;
    let signer = Signer::new(args.sdkappid, key.as_slice())
        .map_err(|e| UsageError(e.to_string()))?
        .with_compression(args.compression.into());
    let userbuf = args.payload.userbuf()?;
    let mut mint = Mint::new(&args.identifier).expire_secs(args.expire);
    if let Some(t) = args.time {
        mint = mint.time(t);
    }
    if let Some(buf) = &userbuf {
        mint = mint.userbuf(buf);
    } else if let Some(room) = args.payload.room() {
        mint = mint.private_map_key(room, args.privileges);
    }
    let token = signer
        .mint(&mint)
        .map_err(|e| UsageError(format!("cannot mint: {e}")))?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}
