//! `usersig`: mint, verify and inspect UserSig tokens from the command line.
//!
//! A thin shell over the library. The contract scripts rely on:
//! - the key comes only from `USERSIG_KEY` or `--key-file PATH`, never from argv;
//! - exit 0 = success / valid, 1 = invalid token, 2 = usage error (on stderr);
//! - `verify --json` and `inspect --json` print exactly one JSON object on stdout.
//!
//! This file parses the arguments and dispatches; each subcommand lives in its own module,
//! with `escape` (token content in text output), `key` (the key), `payload` (userbuf, room and privileges flags), `input` (tokens
//! from stdin, the clock) and `rest` (the REST target) shared between them.

mod bench;
#[cfg(feature = "client")]
mod call;
mod callback;
mod demo;
mod escape;
mod explain;
mod r#gen;
mod input;
mod inspect;
mod key;
mod payload;
mod rest;
mod rest_url;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "usersig",
    version,
    about = "Mint, verify and inspect Tencent Cloud UserSig v2 tokens",
    long_about = "Mint, verify and inspect Tencent Cloud UserSig v2 (TLS Sig API v2) tokens.\n\n\
        The key is read from the environment variable USERSIG_KEY or from --key-file PATH; \
        it is never accepted on the command line, where `ps` and shell history would show it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Mint a token and print it followed by a newline.
    Gen(r#gen::GenArgs),
    /// Verify a token: exit 0 when valid, 1 when not.
    Verify(verify::VerifyArgs),
    /// Decode a token without the key and describe it.
    Inspect(inspect::InspectArgs),
    /// Mint, verify and inspect with the public demo app, and show what failures look like.
    Demo,
    /// Measure minting and verification speed in this process.
    Bench(bench::BenchArgs),
    /// Print a ready REST API URL carrying a fresh admin UserSig (FORMAT.md §8).
    RestUrl(rest_url::RestUrlArgs),
    /// Call the REST API and print the response envelope; exit 1 on FAIL.
    #[cfg(feature = "client")]
    Call(call::CallArgs),
    /// Explain a REST error code or a verifier error kind, and what to do about it.
    Explain(explain::ExplainArgs),
    /// Verify (or sign, for tests) Tencent's IM webhook and TRTC event callbacks.
    #[command(subcommand)]
    Callback(callback::CallbackCommand),
}

/// A failure that ends the program with a message on stderr and exit code 2.
pub(crate) struct UsageError(pub(crate) String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen(args) => r#gen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Demo => demo::run(),
        Command::Bench(args) => bench::run(args).map(|()| ExitCode::SUCCESS),
        Command::RestUrl(args) => rest_url::run(args),
        #[cfg(feature = "client")]
        Command::Call(args) => call::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Callback(command) => callback::run(command),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            eprintln!("usersig: error: {msg}");
            ExitCode::from(2)
        }
    }
}
