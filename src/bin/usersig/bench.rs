//! `usersig bench`: an in-process throughput report in the spirit of `openssl speed`.
//!
//! The operations run in batches of ~2 ms, taking turns, for `--seconds` in all; the figure
//! reported for each is its median batch's nanoseconds per operation, which shrugs off the
//! odd preemption. The multi-thread figure runs a mint + verify mix on every thread at once.
//!
//! Exit codes: 0 after the report; 2 for a `--threads` or `--seconds` out of range (or a
//! setup step failing, a bug), with the message on stderr.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{Map, Value, json};

use usersig::{
    Compression, DEMO_KEY, DEMO_SDKAPPID, Mint, Privileges, Room, Signer, Verifier, inspect_at,
};

use crate::UsageError;

#[derive(Args)]
pub(crate) struct BenchArgs {
    /// Threads for the throughput figure.
    #[arg(long, default_value_t = 1, value_name = "N")]
    threads: usize,
    /// Total seconds to spend measuring the single-thread operations.
    #[arg(long, default_value_t = 3.0, value_name = "S")]
    seconds: f64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// A TRTC "enter room" event as Tencent sends it.
const TRTC_BODY: &[u8] = b"{\n\t\"EventGroupId\":\t1,\n\t\"EventType\":\t103,\n\t\"CallbackTs\":\t1687770731932,\n\t\"EventInfo\":\t{\n\t\t\"RoomId\":\t12345,\n\t\t\"EventTs\":\t1687770731,\n\t\t\"UserId\":\t\"test\",\n\t\t\"Role\":\t21,\n\t\t\"TerminalType\":\t2\n\t}\n}";

const TIME: u64 = 1_569_910_200;

/// One measured operation: a name, and a closure that performs it once.
type Op<'a> = (&'static str, &'static str, Box<dyn FnMut() + 'a>);

pub(crate) fn run(args: BenchArgs) -> Result<(), UsageError> {
    if args.threads == 0 || args.threads > 1024 {
        return Err(UsageError("--threads must be between 1 and 1024".into()));
    }
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 3600.0) {
        return Err(UsageError("--seconds must be between 0 and 3600".into()));
    }
    let bench_err = |e: &dyn std::fmt::Display| UsageError(format!("bench setup failed: {e}"));
    let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY).map_err(|e| bench_err(&e))?;
    let stored = signer.clone().with_compression(Compression::Stored);
    let fast = signer.clone().with_compression(Compression::Fast);
    let level6 = signer.clone().with_compression(Compression::Standard);
    let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).map_err(|e| bench_err(&e))?;
    let plain = Mint::new("xiaojun").time(TIME);
    let pmk = plain.private_map_key(Room::Numeric(10000), Privileges::ALL);
    let pmk_str = plain.private_map_key(Room::Str("1000000040"), Privileges::ALL);
    let [npm_token, npm_pmk_token, python_token] =
        ["npm_plain", "npm_pmk_room", "python_plain"].map(sdk_token);
    // Timing a refusal would be no figure at all.
    for token in [&npm_token, &npm_pmk_token, &python_token] {
        verifier
            .verify_at(token, "xiaojun", TIME)
            .map_err(|e| bench_err(&e))?;
    }
    let default_token = signer.mint(&plain).map_err(|e| bench_err(&e))?;
    let level6_token = level6.mint(&plain).map_err(|e| bench_err(&e))?;
    let fast_token = fast.mint(&plain).map_err(|e| bench_err(&e))?;

    // Minting writes into a reused `String` (`Signer::mint_into`, the buffer API that
    // allocates nothing once warm), except where a key says `string`: `Signer::mint`, which
    // allocates the `String` it returns.
    let mut outs: [String; 6] = Default::default();
    let [
        out_default,
        out_stored,
        out_fast,
        out_level6,
        out_pmk,
        out_pmk_str,
    ] = &mut outs;
    // Callback verification: a signed IM query and a TRTC body of a typical size.
    let im_callback = usersig::callback::im::Verifier::new("bench-callback-token")
        .map_err(|e| UsageError(e.to_string()))?;
    let im_query = usersig::callback::im::signed_query(
        "bench-callback-token",
        DEMO_SDKAPPID,
        "C2C.CallbackBeforeSendMsg",
        TIME,
    );
    let trtc_callback = usersig::callback::trtc::Verifier::new("bench-callback-key")
        .map_err(|e| UsageError(e.to_string()))?;
    let trtc_sign = usersig::callback::trtc::sign("bench-callback-key", TRTC_BODY);
    let mut ops: Vec<Op<'_>> = vec![
        (
            "gen_ns",
            "mint, default settings (stored)",
            Box::new(|| {
                let _ = black_box(signer.mint_into(black_box(&plain), out_default));
            }),
        ),
        (
            "gen_stored_ns",
            "mint, stored zlib",
            Box::new(|| {
                let _ = black_box(stored.mint_into(black_box(&plain), out_stored));
            }),
        ),
        (
            "gen_compressed_ns",
            "mint, zlib level 1 (Compression::Fast)",
            Box::new(|| {
                let _ = black_box(fast.mint_into(black_box(&plain), out_fast));
            }),
        ),
        (
            "gen_level6_ns",
            "mint, zlib level 6 (Compression::Standard)",
            Box::new(|| {
                let _ = black_box(level6.mint_into(black_box(&plain), out_level6));
            }),
        ),
        (
            "gen_pmk_ns",
            "mint PrivateMapKey, stored",
            Box::new(|| {
                let _ = black_box(stored.mint_into(black_box(&pmk), out_pmk));
            }),
        ),
        (
            "gen_pmk_str_ns",
            "mint PrivateMapKey, string room, stored",
            Box::new(|| {
                let _ = black_box(stored.mint_into(black_box(&pmk_str), out_pmk_str));
            }),
        ),
        (
            "gen_string_ns",
            "mint, stored, returning a new String",
            Box::new(|| {
                let _ = black_box(stored.mint(black_box(&plain)));
            }),
        ),
        (
            "gen_pmk_string_ns",
            "mint PrivateMapKey, returning a new String",
            Box::new(|| {
                let _ = black_box(stored.mint(black_box(&pmk)));
            }),
        ),
        (
            "verify_ns",
            "verify a default-settings token",
            Box::new(|| {
                let _ = black_box(verifier.verify_at(black_box(&default_token), "xiaojun", TIME));
            }),
        ),
        (
            "verify_compressed_ns",
            "verify a level-6 token",
            Box::new(|| {
                let _ = black_box(verifier.verify_at(black_box(&level6_token), "xiaojun", TIME));
            }),
        ),
        (
            "verify_npm_ns",
            "verify the npm SDK's token (level 6)",
            Box::new(|| {
                let _ = black_box(verifier.verify_at(black_box(&npm_token), "xiaojun", TIME));
            }),
        ),
        (
            "verify_npm_pmk_ns",
            "verify the npm SDK's PrivateMapKey token",
            Box::new(|| {
                let _ = black_box(verifier.verify_at(black_box(&npm_pmk_token), "xiaojun", TIME));
            }),
        ),
        (
            "verify_python_ns",
            "verify the PyPI SDK's token (level 6)",
            Box::new(|| {
                let _ = black_box(verifier.verify_at(black_box(&python_token), "xiaojun", TIME));
            }),
        ),
        (
            "inspect_ns",
            "inspect a level-6 token",
            Box::new(|| {
                let _ = black_box(inspect_at(black_box(&level6_token), TIME));
            }),
        ),
        (
            "callback_im_ns",
            "verify an IM callback URL (Sign, RequestTime)",
            Box::new(|| {
                let _ = black_box(im_callback.verify_at(black_box(&im_query), TIME));
            }),
        ),
        (
            "callback_trtc_ns",
            "verify a TRTC event callback (200-byte body)",
            Box::new(|| {
                let _ =
                    black_box(trtc_callback.verify(black_box(&trtc_sign), black_box(TRTC_BODY)));
            }),
        ),
    ];

    let share = Duration::from_secs_f64(args.seconds / ops.len() as f64);
    let budget = Duration::from_secs_f64(args.seconds);
    let mut report = Map::new();
    let mut rows = Vec::new();
    let medians = interleaved_medians(&mut ops, budget);
    for ((key, label, _), ns) in ops.iter().zip(medians) {
        report.insert((*key).into(), json!(round1(ns)));
        rows.push((*label, ns));
    }

    let (total_ops, elapsed) = throughput(&signer, &verifier, &plain, args.threads, share * 2);
    let ops_per_s = total_ops as f64 / elapsed.as_secs_f64();
    report.insert("threads".into(), json!(args.threads));
    report.insert("total_ops_per_s".into(), json!(ops_per_s.round()));
    report.insert(
        "throughput_workload".into(),
        json!("mint (stored) + verify, alternating, on every thread"),
    );
    // The compressed-mint target is about length as well as speed: tokens no longer than
    // level 6 gives + 5%.
    report.insert("compressed_token_len".into(), json!(fast_token.len()));
    report.insert("level6_token_len".into(), json!(level6_token.len()));
    report.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));

    if args.json {
        println!("{}", Value::Object(report));
    } else {
        println!(
            "usersig {} bench (single thread, median of batches)",
            env!("CARGO_PKG_VERSION")
        );
        println!("{:<42} {:>12} {:>14}", "operation", "ns/op", "ops/s");
        for (label, ns) in rows {
            println!("{label:<42} {ns:>12.1} {:>14.0}", 1e9 / ns);
        }
        println!(
            "\ntoken length: {} bytes at level 1, {} at level 6",
            fast_token.len(),
            level6_token.len()
        );
        println!(
            "\nthroughput, {} thread(s), mint+verify mix: {:.0} ops/s",
            args.threads, ops_per_s
        );
    }
    Ok(())
}

/// A token minted by an official SDK, from `benches/fixtures/sdk_tokens.json` (built in; its
/// provenance is in the file). Empty if the name is missing, which the tests rule out.
fn sdk_token(name: &str) -> String {
    let doc: Value =
        serde_json::from_str(include_str!("../../../benches/fixtures/sdk_tokens.json"))
            .unwrap_or_default();
    doc["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["name"] == name))
        .and_then(|t| t["token"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Each operation's median ns/op over batches of ~2 ms, the operations taking turns batch by
/// batch for `budget` (at least 5 batches each). Taking turns matters on a shared machine:
/// a noisy spell lasting seconds then slows every operation alike, instead of the one whose
/// time slice it fell in, so the figures of one run stay comparable with each other.
fn interleaved_medians(ops: &mut [Op<'_>], budget: Duration) -> Vec<f64> {
    let batches: Vec<u64> = ops.iter_mut().map(|(_, _, op)| batch_size(op)).collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); ops.len()];
    let deadline = Instant::now() + budget;
    while Instant::now() < deadline || samples.iter().any(|s| s.len() < 5) {
        for (((_, _, op), &batch), samples) in ops.iter_mut().zip(&batches).zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..batch {
                op();
            }
            samples.push(start.elapsed().as_nanos() as f64 / batch as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s.get(s.len() / 2).copied().unwrap_or(f64::NAN)
        })
        .collect()
}

/// How many calls of `op` take about 2 ms.
fn batch_size(op: &mut dyn FnMut()) -> u64 {
    let mut batch = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            op();
        }
        if start.elapsed() >= Duration::from_millis(2) || batch >= 1 << 24 {
            return batch;
        }
        batch *= 2;
    }
}

/// Total operations completed by `threads` threads in `budget`, each alternating mint and
/// verify on the shared signer and verifier.
fn throughput(
    signer: &Signer,
    verifier: &Verifier,
    mint: &Mint<'_>,
    threads: usize,
    budget: Duration,
) -> (u64, Duration) {
    let start = Instant::now();
    let deadline = start + budget;
    let total: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut token = String::new();
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        for _ in 0..64 {
                            let _ = signer.mint_into(mint, &mut token);
                            let _ = black_box(verifier.verify_at(&token, "xiaojun", TIME));
                        }
                        n += 128;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    (total, start.elapsed())
}
