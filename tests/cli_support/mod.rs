//! Running the built `usersig` binary from the CLI tests: the key only ever through the
//! environment (as the contract requires), stdin optional, all output captured.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `usersig ARGS` with `USERSIG_KEY` set to `key` (or unset), feeding `stdin` if given.
pub fn usersig(args: &[&str], key: Option<&str>, stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_usersig"));
    cmd.args(args).env_remove("USERSIG_KEY");
    if let Some(k) = key {
        cmd.env("USERSIG_KEY", k);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Standard error as text.
#[allow(dead_code)] // not every test file reads stderr
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
