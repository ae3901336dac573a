//! The official vectors, `tests/data/official.json` (provenance in `tests/data/README.md`), for
//! every Rust suite that reads them. `USERSIG_VECTORS` may name another copy of the same file.

use serde_json::Value;

/// Every vector of the file, in its order.
pub fn official() -> Vec<Value> {
    let path = std::env::var("USERSIG_VECTORS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/official.json").to_owned()
    });
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the official vectors at {path}: {e}"));
    let doc: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path} is not the vectors' JSON: {e}"));
    doc["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} has no \"vectors\" list"))
        .clone()
}
