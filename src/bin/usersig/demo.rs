//! `usersig demo`: mint, verify and inspect with the public demo app (FORMAT.md §2), then show
//! what an expired, a tampered, a forged-lifetime and a borrowed token look like. Needs no key
//! and prints none but the public demo key's tokens.
//!
//! Exit codes: 0 after the walk-through; 2 if a step does not behave as shown (a bug).

use std::io::{self, Write};
use std::process::ExitCode;

use serde_json::json;

use usersig::{
    DEMO_KEY, DEMO_SDKAPPID, Expect, Mint, Privileges, Room, Signer, Verifier, claims_json,
    inspect_at,
};

use crate::UsageError;
use crate::escape::clean;
use crate::input::now_or_zero;

/// Runs the walk-through on standard output.
pub(crate) fn run() -> Result<ExitCode, UsageError> {
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
        clean(&claims.identifier),
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
        clean(&info.json)
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
        clean(&err.to_string()),
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
        clean(&err.to_string()),
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
        clean(&err.to_string()),
        err.kind()
    )?;

    let err = verifier
        .verify_at(&token, "xiaohong", now)
        .err()
        .ok_or("a token verified for another user")?;
    writeln!(
        out,
        "8. The token presented by another user:\n   {} ({})",
        clean(&err.to_string()),
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
