//! Criterion benchmarks of the Rust API: mint (plain, PrivateMapKey numeric and string room)
//! at each compression setting, verify of our tokens and of tokens minted by the official
//! Python and npm SDKs (benches/fixtures/sdk_tokens.json), and inspect.
//!
//! `cargo bench --bench usersig`. The C ABI is timed from C, as its users call it:
//! `benches/c/bench_capi.c` (the same operations, the SDK fixtures included, in the same
//! batches and medians; run by `benches/compare.sh` beside `usersig bench`), and its overhead
//! counted in instructions by `benches/instructions.sh`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use usersig::{
    Compression, DEMO_KEY, DEMO_SDKAPPID, Mint, Privileges, Room, Signer, Verifier, inspect_at,
};

const TIME: u64 = 1_569_910_200;

const COMPRESSIONS: [(&str, Compression); 3] = [
    ("stored", Compression::Stored),
    ("fast", Compression::Fast),
    ("level6", Compression::Standard),
];

fn mint(c: &mut Criterion) {
    let mut group = c.benchmark_group("mint");
    let plain = Mint::new("xiaojun").time(TIME);
    let kinds = [
        ("plain", plain),
        (
            "pmk_room",
            plain.private_map_key(Room::Numeric(10000), Privileges::ALL),
        ),
        (
            "pmk_strroom",
            plain.private_map_key(Room::Str("1000000040"), Privileges::ALL),
        ),
    ];
    for (cname, compression) in COMPRESSIONS {
        let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY)
            .unwrap()
            .with_compression(compression);
        for (kname, mint) in &kinds {
            let mut out = String::new();
            group.bench_function(format!("{kname}/{cname}/into"), |b| {
                b.iter(|| signer.mint_into(black_box(mint), &mut out).unwrap())
            });
        }
        group.bench_function(format!("plain/{cname}/string"), |b| {
            b.iter(|| signer.mint(black_box(&plain)).unwrap())
        });
    }
    group.finish();
}

fn fixtures() -> Vec<(String, String)> {
    let text = include_str!("fixtures/sdk_tokens.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["token"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn verify(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify");
    let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
    let mut tokens: Vec<(String, String)> = COMPRESSIONS
        .iter()
        .map(|(name, compression)| {
            let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY)
                .unwrap()
                .with_compression(*compression);
            (
                format!("ours_{name}"),
                signer.mint(&Mint::new("xiaojun").time(TIME)).unwrap(),
            )
        })
        .collect();
    tokens.extend(fixtures());
    for (name, token) in &tokens {
        verifier.verify_at(token, "xiaojun", TIME).unwrap();
        group.bench_function(name.as_str(), |b| {
            b.iter(|| {
                verifier
                    .verify_at(black_box(token), "xiaojun", TIME)
                    .unwrap()
            })
        });
    }
    group.finish();
}

fn inspect(c: &mut Criterion) {
    let mut group = c.benchmark_group("inspect");
    for (name, token) in fixtures().into_iter().take(1) {
        group.bench_function(name, |b| {
            b.iter(|| inspect_at(black_box(&token), TIME).unwrap())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = mint, verify, inspect
}
criterion_main!(benches);
