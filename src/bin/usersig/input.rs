//! Inputs shared by `verify`, `inspect` and `demo`: a token given as an argument or read from
//! standard input (`-`), and the clock. Unreadable input is a usage error (exit 2).

use std::io::{self, Read};

use crate::UsageError;

/// The most a token read from standard input may take, in bytes.
const MAX_STDIN_TOKEN: u64 = 1 << 20;

/// The token itself, or for `-` the first MiB of standard input, trimmed.
pub(crate) fn read_token(arg: &str) -> Result<String, UsageError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut text = String::new();
    io::stdin()
        .take(MAX_STDIN_TOKEN)
        .read_to_string(&mut text)
        .map_err(|e| UsageError(format!("cannot read the token from stdin: {e}")))?;
    Ok(text.trim().to_owned())
}

/// Now, in Unix seconds; 0 for a clock set before 1970.
pub(crate) fn now_or_zero() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
