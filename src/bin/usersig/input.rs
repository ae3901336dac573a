//! Inputs shared by `verify`, `inspect` and `demo`: a token given as an argument or read from
//! standard input (`-`), and the clock. Unreadable input is a usage error (exit 2).

use std::io::{self, Read};

use usersig::Limits;

use crate::UsageError;

/// The most a token read from standard input may take, in bytes.
const MAX_STDIN_TOKEN: u64 = 1 << 20;

/// The token itself, or for `-` the first MiB of standard input, trimmed. Standard input
/// longer than the token size limit (FORMAT.md §5.1) is refused as such before it is checked
/// as text: a large input is never scanned.
pub(crate) fn read_token(arg: &str) -> Result<String, UsageError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut bytes = Vec::new();
    io::stdin()
        .take(MAX_STDIN_TOKEN)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("cannot read the token from stdin: {e}")))?;
    stdin_token(bytes, Limits::default().max_token_bytes)
}

/// Standard input as the token: trimmed, its length checked against `max` first, then as text.
fn stdin_token(bytes: Vec<u8>, max: usize) -> Result<String, UsageError> {
    let token = bytes.trim_ascii();
    if token.len() > max {
        return Err(UsageError(format!(
            "the token on stdin is {} bytes, over the limit of {max}",
            token.len()
        )));
    }
    std::str::from_utf8(token)
        .map(str::to_owned)
        .map_err(|e| UsageError(format!("cannot read the token from stdin: {e}")))
}

/// Now, in Unix seconds; 0 for a clock set before 1970.
pub(crate) fn now_or_zero() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_input_is_refused_as_over_the_limit_not_as_not_utf8() {
        // Not UTF-8 from its first byte: a scan would have said so.
        let input = vec![0xff; 10 << 20];
        let Err(e) = stdin_token(input, 16 * 1024) else {
            panic!("accepted")
        };
        assert!(e.0.contains("over the limit of 16384"), "{}", e.0);
        assert!(stdin_token(b"  \xff ".to_vec(), 16).is_err());
        assert_eq!(
            stdin_token(b" abc\n".to_vec(), 3).ok().as_deref(),
            Some("abc")
        );
    }
}
