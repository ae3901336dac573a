//! `include/usersig.h` is generated from `src/ffi/` (its `mod.rs` and the modules it declares)
//! by the cbindgen pinned in Cargo.toml and checked in. This test regenerates it in memory and
//! fails when the checked-in file differs.
//!
//! cbindgen does not expand macros, so it cannot see the result codes, which `src/ffi/codes.rs`
//! defines from one table with a macro: this test renders their `#define`s from that table,
//! [`usersig::ffi::RESULT_CODES`], in cbindgen's style, and hands them to cbindgen with the
//! text it puts after the `#include`s.
//!
//! Regenerate with: `USERSIG_BLESS=1 cargo test --test ffi_header`

use std::path::Path;

const BLESS: &str = "USERSIG_BLESS=1 cargo test --test ffi_header";

/// The result codes' `#define`s, each with its documentation, as cbindgen writes constants:
/// a blank line before each, none after the last (cbindgen adds its own).
fn result_code_defines() -> String {
    let mut out = String::new();
    for row in usersig::ffi::RESULT_CODES {
        out.push_str("\n\n/**\n");
        for line in row.doc.lines() {
            // A `///` comment's text starts with a space; an empty line has none.
            let line = line.strip_prefix(' ').unwrap_or(line);
            out.push_str(if line.is_empty() { " *" } else { " * " });
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(" */\n");
        out.push_str(&format!("#define {} {}", row.name, row.code));
    }
    out
}

fn generated() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let after_includes = config.after_includes.take().unwrap_or_default();
    config.after_includes = Some(after_includes + &result_code_defines());
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .expect("cbindgen could not parse src/ffi/");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

fn checked_in_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include/usersig.h")
}

#[test]
fn header_is_fresh() {
    let fresh = generated();
    let path = checked_in_path();
    if std::env::var_os("USERSIG_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("write include/usersig.h");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != fresh {
        let first = current
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(fresh.lines().count()));
        panic!(
            "include/usersig.h is stale (first difference at line {}): regenerate it with\n\n    \
             {BLESS}\n\nand commit the result",
            first + 1
        );
    }
}

fn define(header: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{name} is not defined in the header"))
        .trim()
        .to_owned()
}

#[test]
fn version_macros_match_cargo_toml() {
    // Checked on the generated text: `header_is_fresh` ties it to the checked-in file.
    let header = generated();
    assert_eq!(
        define(&header, "USERSIG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        define(&header, "USERSIG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        define(&header, "USERSIG_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert!(
        env!("CARGO_PKG_VERSION_PRE").is_empty(),
        "USERSIG_VERSION_STRING has no pre-release part: extend the header's version macros"
    );
}

#[test]
fn every_export_and_type_is_prefixed() {
    // Checked on the generated text: `header_is_fresh` ties it to the checked-in file.
    let header = generated();
    for line in header.lines() {
        if let Some(name) = line.strip_prefix("#define ") {
            assert!(name.starts_with("USERSIG_"), "unprefixed macro: {line}");
        }
        if let Some(rest) = line.strip_prefix("typedef struct ") {
            assert!(rest.starts_with("usersig_"), "unprefixed type: {line}");
        }
        let is_decl = line.ends_with('(') && !line.starts_with(' ') && !line.starts_with('#');
        if is_decl {
            let name = line
                .trim_end_matches('(')
                .rsplit([' ', '*'])
                .next()
                .unwrap_or("");
            assert!(name.starts_with("usersig_"), "unprefixed function: {line}");
        }
    }
}
