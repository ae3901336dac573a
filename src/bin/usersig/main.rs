//! `usersig`: mint, verify and inspect UserSig tokens from the command line.
//!
//! A thin shell over the library. The contract scripts rely on:
//! - the key comes only from `USERSIG_KEY` or `--key-file PATH`, never from argv;
//! - exit 0 = success / valid, 1 = invalid token, 2 = usage error (on stderr);
//! - `verify --json` and `inspect --json` print exactly one JSON object on stdout.

mod bench;
mod rest;

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;
use zeroize::Zeroizing;

use usersig::{
    Claims, Compression, DEFAULT_EXPIRE_SECS, DEFAULT_MAX_FUTURE_SKEW_SECS, DEMO_KEY,
    DEMO_SDKAPPID, Expect, Inspection, Mint, Privileges, Room, Signer, Verifier, VerifyError,
    claims_json, inspect_at,
};

const KEY_ENV: &str = "USERSIG_KEY";

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
    Gen(GenArgs),
    /// Verify a token: exit 0 when valid, 1 when not.
    Verify(VerifyArgs),
    /// Decode a token without the key and describe it.
    Inspect(InspectArgs),
    /// Mint, verify and inspect with the public demo app, and show what failures look like.
    Demo,
    /// Measure minting and verification speed in this process.
    Bench(bench::BenchArgs),
    /// Print a ready REST API URL carrying a fresh admin UserSig (FORMAT.md §8).
    RestUrl(rest::RestUrlArgs),
    /// Call the REST API and print the response envelope; exit 1 on FAIL.
    #[cfg(feature = "client")]
    Call(rest::CallArgs),
    /// Explain a REST error code or a verifier error kind, and what to do about it.
    Explain(rest::ExplainArgs),
}

#[derive(Args)]
struct KeyArgs {
    /// Read the key from this file (trailing whitespace is ignored). Default: $USERSIG_KEY.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// Not accepted: keys on the command line leak into `ps` and shell history.
    #[arg(long, hide = true, num_args = 0..=1, value_name = "KEY")]
    key: Option<Option<String>>,
}

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

#[derive(Args)]
#[group(id = "userbuf_kind", multiple = false)]
struct PayloadArgs {
    /// Carry these userbuf bytes (standard base64).
    #[arg(long, value_name = "B64", group = "userbuf_kind")]
    userbuf_b64: Option<String>,
    /// A TRTC PrivateMapKey for this numeric room.
    #[arg(long, value_name = "N", group = "userbuf_kind")]
    room_id: Option<u32>,
    /// A TRTC PrivateMapKey for this string room.
    #[arg(long, value_name = "S", group = "userbuf_kind")]
    room_str: Option<String>,
}

#[derive(Args)]
struct GenArgs {
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
    /// PrivateMapKey privileges: a number 0-255 or names joined by commas
    /// (create_room, enter_room, send_audio, recv_audio, send_video, recv_video,
    /// send_sub_stream, recv_sub_stream, all).
    #[arg(long, value_name = "P", default_value = "255", value_parser = parse_privileges)]
    privileges: Privileges,
    /// zlib compression of the JSON document.
    #[arg(long, value_enum, default_value = "stored")]
    compression: CompressionArg,
    #[command(flatten)]
    key: KeyArgs,
}

#[derive(Args)]
struct VerifyArgs {
    /// The SDKAppID the token must be for.
    #[arg(long, value_name = "N")]
    sdkappid: u64,
    /// The UserID the token must be for.
    #[arg(long, value_name = "ID")]
    identifier: String,
    /// Verify as of this Unix time (default: now).
    #[arg(long, value_name = "UNIX")]
    now: Option<u64>,
    #[command(flatten)]
    payload: PayloadArgs,
    /// With --room-id/--room-str: the privileges the PrivateMapKey must grant.
    #[arg(long, value_name = "P", value_parser = parse_privileges)]
    privileges: Option<Privileges>,
    /// Seconds a token's issue time may be in the future.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_MAX_FUTURE_SKEW_SECS)]
    max_future_skew: u64,
    /// Seconds a token is still accepted after it expires.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    leeway: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    key: KeyArgs,
    /// The token, or `-` to read it from standard input.
    #[arg(value_name = "TOKEN", allow_hyphen_values = true)]
    token: String,
}

#[derive(Args)]
struct InspectArgs {
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

/// A failure that ends the program with a message on stderr and exit code 2.
pub(crate) struct UsageError(pub(crate) String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen(args) => gen_cmd(args),
        Command::Verify(args) => verify_cmd(args),
        Command::Inspect(args) => inspect_cmd(args),
        Command::Demo => demo_cmd(),
        Command::Bench(args) => bench::run(args).map(|()| ExitCode::SUCCESS),
        Command::RestUrl(args) => rest::rest_url_cmd(args),
        #[cfg(feature = "client")]
        Command::Call(args) => rest::call_cmd(args),
        Command::Explain(args) => rest::explain_cmd(args),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            eprintln!("usersig: error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn parse_privileges(s: &str) -> Result<Privileges, String> {
    if let Ok(n) = s.parse::<u32>() {
        return Privileges::from_bits(n).ok_or_else(|| format!("{n} is not in 0-255"));
    }
    let mut p = Privileges::NONE;
    for name in s.split(',').map(str::trim) {
        p |= match name {
            "all" => Privileges::ALL,
            "create_room" => Privileges::CREATE_ROOM,
            "enter_room" => Privileges::ENTER_ROOM,
            "send_audio" => Privileges::SEND_AUDIO,
            "recv_audio" => Privileges::RECV_AUDIO,
            "send_video" => Privileges::SEND_VIDEO,
            "recv_video" => Privileges::RECV_VIDEO,
            "send_sub_stream" => Privileges::SEND_SUB_STREAM,
            "recv_sub_stream" => Privileges::RECV_SUB_STREAM,
            other => return Err(format!("unknown privilege {other:?}")),
        };
    }
    Ok(p)
}

/// Reads the key from `--key-file` or `$USERSIG_KEY`; never from argv.
fn read_key(args: &KeyArgs) -> Result<Zeroizing<Vec<u8>>, UsageError> {
    if args.key.is_some() {
        return Err(UsageError(format!(
            "--key is not accepted: a key on the command line shows in `ps` and shell \
             history; set {KEY_ENV} or use --key-file PATH"
        )));
    }
    let mut key = match &args.key_file {
        Some(path) => Zeroizing::new(std::fs::read(path).map_err(|e| {
            UsageError(format!("cannot read the key file {}: {e}", path.display()))
        })?),
        None => match std::env::var_os(KEY_ENV) {
            Some(v) => Zeroizing::new(v.into_encoded_bytes()),
            None => {
                return Err(UsageError(format!(
                    "no key: set {KEY_ENV} or pass --key-file PATH"
                )));
            }
        },
    };
    while key.last().is_some_and(u8::is_ascii_whitespace) {
        key.pop();
    }
    if key.is_empty() {
        return Err(UsageError("the key is empty".into()));
    }
    Ok(key)
}

fn decode_b64_arg(flag: &str, text: &str) -> Result<Vec<u8>, UsageError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| UsageError(format!("{flag} is not valid base64: {e}")))
}

fn read_token(arg: &str) -> Result<String, UsageError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut text = String::new();
    io::stdin()
        .take(1 << 20)
        .read_to_string(&mut text)
        .map_err(|e| UsageError(format!("cannot read the token from stdin: {e}")))?;
    Ok(text.trim().to_owned())
}

fn gen_cmd(args: GenArgs) -> Result<ExitCode, UsageError> {
    let key = read_key(&args.key)?;
    let compression = match args.compression {
        CompressionArg::Stored => Compression::Stored,
        CompressionArg::Fast => Compression::Fast,
        CompressionArg::Standard => Compression::Standard,
    };
    let signer = Signer::new(args.sdkappid, key.as_slice())
        .map_err(|e| UsageError(e.to_string()))?
        .with_compression(compression);
    let userbuf = match &args.payload.userbuf_b64 {
        Some(b64) => Some(decode_b64_arg("--userbuf-b64", b64)?),
        None => None,
    };
    let mut mint = Mint::new(&args.identifier).expire_secs(args.expire);
    if let Some(t) = args.time {
        mint = mint.time(t);
    }
    if let Some(buf) = &userbuf {
        mint = mint.userbuf(buf);
    } else if let Some(room) = args.payload.room_id {
        mint = mint.private_map_key(Room::Numeric(room), args.privileges);
    } else if let Some(room) = &args.payload.room_str {
        mint = mint.private_map_key(Room::Str(room), args.privileges);
    }
    let token = signer
        .mint(&mint)
        .map_err(|e| UsageError(format!("cannot mint: {e}")))?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

fn verify_cmd(args: VerifyArgs) -> Result<ExitCode, UsageError> {
    let key = read_key(&args.key)?;
    let verifier = Verifier::new(args.sdkappid, key.as_slice())
        .map_err(|e| UsageError(e.to_string()))?
        .max_future_skew_secs(args.max_future_skew)
        .leeway_secs(args.leeway);
    let token = read_token(&args.token)?;
    let userbuf = match &args.payload.userbuf_b64 {
        Some(b64) => Some(decode_b64_arg("--userbuf-b64", b64)?),
        None => None,
    };
    let privileges = args.privileges.unwrap_or(Privileges::NONE);
    let expect = if let Some(buf) = &userbuf {
        Expect::Userbuf(buf)
    } else if let Some(room) = args.payload.room_id {
        Expect::Room {
            room: Room::Numeric(room),
            privileges,
        }
    } else if let Some(room) = &args.payload.room_str {
        Expect::Room {
            room: Room::Str(room),
            privileges,
        }
    } else {
        Expect::Anything
    };
    let result = verifier.verify_with(&token, &args.identifier, &expect, args.now);
    if args.json {
        println!("{}", verify_json(&result));
    } else {
        match &result {
            Ok(claims) => print_claims(claims),
            Err(e) => println!("invalid ({}): {e}", e.kind()),
        }
    }
    Ok(if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn verify_json(result: &Result<Claims, VerifyError>) -> serde_json::Value {
    match result {
        Ok(claims) => json!({
            "valid": true,
            "error": null,
            "message": "valid",
            "claims": claims_json(claims),
        }),
        Err(e) => {
            let mut v = json!({
                "valid": false,
                "error": e.kind().as_str(),
                "message": e.to_string(),
                "server_code": e.server_code(),
            });
            if let (VerifyError::Malformed(m), Some(obj)) = (e, v.as_object_mut()) {
                obj.insert("layer".into(), json!(m.layer.as_str()));
                obj.insert("field".into(), json!(m.field));
            }
            v
        }
    }
}

fn print_claims(claims: &Claims) {
    let v = claims_json(claims);
    println!("valid");
    println!("  identifier  {}", claims.identifier);
    println!("  sdkappid    {}", claims.sdkappid);
    println!("  time        {}", claims.time);
    println!("  expire      {} s", claims.expire);
    println!(
        "  expires at  {} ({})",
        claims.expires_at,
        v["expires_at_utc"].as_str().unwrap_or("")
    );
    if let Some(b64) = v["userbuf_b64"].as_str() {
        println!("  userbuf     {b64}");
    }
    if let Some(pmk) = &claims.private_map_key {
        println!(
            "  PrivateMapKey  {} privileges {} {:?}",
            pmk.room(),
            pmk.privileges.bits(),
            pmk.privileges.names()
        );
    }
}

fn inspect_cmd(args: InspectArgs) -> Result<ExitCode, UsageError> {
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
            println!("cannot decode ({}): {e}", e.kind());
            Ok(ExitCode::from(1))
        }
    }
}

fn now_or_zero() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn print_inspection(info: &Inspection) {
    let v = info.to_json();
    let show = |x: &serde_json::Value| match x {
        serde_json::Value::Null => "-".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    println!("(decoded without the key: nothing here is verified)");
    println!("  version     {}", show(&v["version"]));
    println!("  identifier  {}", show(&v["identifier"]));
    println!("  sdkappid    {}", show(&v["sdkappid"]));
    println!(
        "  issued      {} ({})",
        show(&v["time"]),
        show(&v["time_utc"])
    );
    println!("  expire      {} s", show(&v["expire"]));
    println!(
        "  expires at  {} ({})",
        show(&v["expires_at"]),
        show(&v["expires_at_utc"])
    );
    if info.userbuf_b64.is_some() {
        println!("  userbuf     {}", show(&v["userbuf_b64"]));
    }
    if let Some(pmk) = &info.private_map_key {
        println!(
            "  PrivateMapKey  account {:?}, sdkappid {}, {}, expires {}, privileges {} {:?}",
            pmk.account,
            pmk.sdkappid,
            pmk.room(),
            show(&v["private_map_key"]["expires_at_utc"]),
            pmk.privileges.bits(),
            pmk.privileges.names()
        );
    }
    println!("  compression {}", info.zlib.describe());
    println!("  producer    {} (a guess)", info.producer);
    for r in &info.producer_reasons {
        println!("                - {r}");
    }
    println!("  json        {}", info.json.trim_end());
    if info.warnings.is_empty() {
        println!("  warnings    none");
    } else {
        println!("  warnings");
        for w in &info.warnings {
            println!("    - [{}] {w}", w.code());
        }
    }
}

fn demo_cmd() -> Result<ExitCode, UsageError> {
    let out = io::stdout();
    let mut out = out.lock();
    demo(&mut out).map_err(|e| UsageError(format!("demo failed: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

fn demo(out: &mut impl Write) -> Result<(), Box<dyn std::error::Error>> {
    let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY)?;
    let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY)?;
    let now = now_or_zero();
    writeln!(
        out,
        "usersig demo: the public demo app (SDKAppID {DEMO_SDKAPPID}, the demo key of FORMAT.md §2)\n"
    )?;

    let token = signer.mint(&Mint::new("xiaojun").time(now))?;
    writeln!(
        out,
        "1. Mint a UserSig for \"xiaojun\", valid 180 days:\n   {token}\n"
    )?;

    let claims = verifier.verify_at(&token, "xiaojun", now)?;
    writeln!(
        out,
        "2. Verify it: valid for {} (SDKAppID {}), expires {}\n",
        claims.identifier,
        claims.sdkappid,
        claims_json(&claims)["expires_at_utc"]
            .as_str()
            .unwrap_or("")
    )?;

    let info = inspect_at(&token, now)?;
    writeln!(
        out,
        "3. Inspect it without the key: producer {:?}, compression {}, JSON {}\n",
        info.producer,
        info.zlib.describe(),
        info.json
    )?;

    let pmk = signer.mint(
        &Mint::new("xiaojun")
            .time(now)
            .expire_secs(300)
            .private_map_key(Room::Numeric(10000), Privileges::ALL),
    )?;
    let expect = Expect::Room {
        room: Room::Numeric(10000),
        privileges: Privileges::ENTER_ROOM,
    };
    let ok = verifier.verify_with(&pmk, "xiaojun", &expect, Some(now));
    writeln!(
        out,
        "4. A TRTC PrivateMapKey for room 10000 (all privileges, 5 minutes): {}\n   {pmk}\n",
        if ok.is_ok() { "valid" } else { "INVALID" }
    )?;

    let old = signer.mint(&Mint::new("xiaojun").time(1569910200).expire_secs(86400))?;
    let err = verifier
        .verify_at(&old, "xiaojun", now)
        .err()
        .ok_or("an expired token verified")?;
    writeln!(
        out,
        "5. A token from 2019 that lived one day:\n   {} ({})\n",
        err,
        err.kind()
    )?;

    let flipped = flip_one_char(&token);
    let err = verifier
        .verify_at(&flipped, "xiaojun", now)
        .err()
        .ok_or("a tampered token verified")?;
    writeln!(
        out,
        "6. The token with one character changed:\n   {} ({})\n",
        err,
        err.kind()
    )?;

    let extended = extend_lifetime(&info.json)?;
    let err = verifier
        .verify_at(&extended, "xiaojun", now)
        .err()
        .ok_or("a token with a forged lifetime verified")?;
    writeln!(
        out,
        "7. The token re-encoded with TLS.expire raised to 10 years:\n   {} ({})\n",
        err,
        err.kind()
    )?;

    let err = verifier
        .verify_at(&token, "xiaohong", now)
        .err()
        .ok_or("a token verified for another user")?;
    writeln!(
        out,
        "8. The token presented by another user:\n   {} ({})",
        err,
        err.kind()
    )?;
    Ok(())
}

/// Re-encodes a token's JSON with a longer lifetime, as a forger would (FORMAT.md §3-4).
fn extend_lifetime(json: &str) -> Result<String, Box<dyn std::error::Error>> {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut doc: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)?;
    doc.insert("TLS.expire".into(), json!(10 * 365 * 86_400));
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(serde_json::to_string(&doc)?.as_bytes())?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(z.finish()?);
    Ok(b64.replace('+', "*").replace('/', "-").replace('=', "_"))
}

/// Changes one character in the middle of the token, to one that decodes differently.
fn flip_one_char(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let mid = chars.len() / 2;
    if let Some(c) = chars.get_mut(mid) {
        *c = if *c == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}
