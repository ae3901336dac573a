//! Claims as JSON: one shape for `usersig verify --json`, the C ABI and the language bindings.

use crate::{Claims, inspect, time_fmt, wire};

/// Claims as JSON, the shape of `usersig verify --json` and of the language bindings.
///
/// ```
/// # use usersig::{Mint, Signer, Verifier, DEMO_KEY};
/// # let token = Signer::new(1400000000, DEMO_KEY)?.mint(&Mint::new("x").time(1569910200))?;
/// let claims = Verifier::new(1400000000, DEMO_KEY)?.verify_at(&token, "x", 1569910200)?;
/// let v = usersig::claims_json(&claims);
/// assert_eq!(v["expires_at"], 1569910200u64 + 15552000);
/// assert!(v["userbuf_b64"].is_null());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn claims_json(claims: &Claims) -> serde_json::Value {
    serde_json::json!({
        "identifier": claims.identifier,
        "sdkappid": claims.sdkappid,
        "time": claims.time,
        "expire": claims.expire,
        "expires_at": claims.expires_at,
        "expires_at_utc": time_fmt::rfc3339(claims.expires_at),
        // Canonical base64 of the bytes (the received text may be line-wrapped, FORMAT.md §9).
        "userbuf_b64": claims.userbuf.as_deref().map(|b| {
            let mut text = String::new();
            wire::encode_standard(b, &mut text);
            text
        }),
        "private_map_key": claims.private_map_key.as_ref().map(inspect::pmk_json),
    })
}
