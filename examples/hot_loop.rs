//! A fixed workload for profilers: `valgrind --tool=callgrind target/release/examples/hot_loop verify`
//! gives repeatable instruction counts per operation (divide by the iteration count).

use usersig::{Compression, DEMO_KEY, DEMO_SDKAPPID, Mint, Privileges, Room, Signer, Verifier};

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "verify".into());
    let n: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let time = 1_569_910_200;
    let stored = Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
    let level1 = stored.clone().with_compression(Compression::Fast);
    let level6 = stored.clone().with_compression(Compression::Standard);
    let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
    let plain = Mint::new("xiaojun").time(time);
    let pmk = plain.private_map_key(Room::Numeric(10000), Privileges::ALL);
    let stored_token = stored.mint(&plain).unwrap();
    let level1_token = level1.mint(&plain).unwrap();
    let level6_token = level6.mint(&plain).unwrap();
    let pmk6_token = level6.mint(&pmk).unwrap();
    // Tokens minted by the official SDKs (benches/fixtures), by name.
    let fixture = |name: &str| -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/fixtures/sdk_tokens.json"
        );
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let tokens = doc["tokens"].as_array().unwrap();
        let found = tokens.iter().find(|t| t["name"] == name).unwrap();
        found["token"].as_str().unwrap().to_owned()
    };
    let sdk_token = match what.as_str() {
        "verifynpm" => fixture("npm_plain"),
        "verifynpmpmk" => fixture("npm_pmk_room"),
        "verifypy" => fixture("python_plain"),
        _ => String::new(),
    };
    let mut out = String::new();
    for _ in 0..n {
        match what.as_str() {
            "mint" => stored.mint_into(&plain, &mut out).unwrap(),
            "mint1" => level1.mint_into(&plain, &mut out).unwrap(),
            "mint6" => level6.mint_into(&plain, &mut out).unwrap(),
            "pmk" => stored.mint_into(&pmk, &mut out).unwrap(),
            // The convenience API: one `String` allocated per token.
            "mintstring" => drop(std::hint::black_box(stored.mint(&plain).unwrap())),
            "pmkstring" => drop(std::hint::black_box(stored.mint(&pmk).unwrap())),
            "verify" => drop(verifier.verify_at(&stored_token, "xiaojun", time).unwrap()),
            "verify1" => drop(verifier.verify_at(&level1_token, "xiaojun", time).unwrap()),
            "verify6" => drop(verifier.verify_at(&level6_token, "xiaojun", time).unwrap()),
            "verifypmk6" => drop(verifier.verify_at(&pmk6_token, "xiaojun", time).unwrap()),
            "verifynpm" | "verifynpmpmk" | "verifypy" => {
                drop(verifier.verify_at(&sdk_token, "xiaojun", time).unwrap())
            }
            other => panic!("unknown workload {other}"),
        }
    }
    std::hint::black_box(out);
}
