//! The key, shared by every subcommand that signs or verifies: read only from `USERSIG_KEY`
//! or `--key-file PATH`, never from the command line, where `ps` and shell history would
//! show it. A missing, unreadable or empty key is a usage error (exit 2).

use std::path::{Path, PathBuf};

use clap::Args;
use zeroize::Zeroizing;

use crate::UsageError;

/// The environment variable the key is read from when there is no `--key-file`.
pub(crate) const KEY_ENV: &str = "USERSIG_KEY";

#[derive(Args)]
pub(crate) struct KeyArgs {
    /// Read the key from this file (trailing whitespace is ignored). Default: $USERSIG_KEY.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// Not accepted: keys on the command line leak into `ps` and shell history.
    #[arg(long, hide = true, num_args = 0..=1, value_name = "KEY")]
    key: Option<Option<String>>,
}

/// Reads the key from `--key-file` or `$USERSIG_KEY`; never from argv, and never echoes it.
pub(crate) fn read_key(args: &KeyArgs) -> Result<Zeroizing<Vec<u8>>, UsageError> {
    if args.key.is_some() {
        return Err(UsageError(format!(
            "--key is not accepted: a key on the command line shows in `ps` and shell \
             history; set {KEY_ENV} or use --key-file PATH"
        )));
    }
    read_secret("key", args.key_file.as_deref(), "--key-file", KEY_ENV)
}

/// Reads a secret (`what`: "key", "callback token", ...) from `file` when given, otherwise
/// from the environment variable `env`. Trailing whitespace is dropped; a missing, unreadable
/// or empty secret is a usage error naming where it looked, never the secret.
pub(crate) fn read_secret(
    what: &str,
    file: Option<&Path>,
    file_flag: &str,
    env: &str,
) -> Result<Zeroizing<Vec<u8>>, UsageError> {
    let mut secret = match file {
        Some(path) => Zeroizing::new(std::fs::read(path).map_err(|e| {
            UsageError(format!(
                "cannot read the {what} file {}: {e}",
                path.display()
            ))
        })?),
        None => match std::env::var_os(env) {
            Some(v) => Zeroizing::new(v.into_encoded_bytes()),
            None => {
                return Err(UsageError(format!(
                    "no {what}: set {env} or pass {file_flag} PATH"
                )));
            }
        },
    };
    while secret.last().is_some_and(u8::is_ascii_whitespace) {
        secret.pop();
    }
    if secret.is_empty() {
        return Err(UsageError(format!("the {what} is empty")));
    }
    Ok(secret)
}
