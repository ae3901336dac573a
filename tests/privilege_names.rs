//! The PrivateMapKey privilege names have one definition, `Privileges::NAMED` in
//! src/userbuf.rs; the bindings that spell them again must agree with it, name for name and
//! bit for bit, both ways:
//!
//! - Go: `privilegeNames` in bindings/go/privileges.go, whose bits come through the `Priv*`
//!   constants and bindings/go/cabi.go from the C header's macros;
//! - Python: `class Privileges(enum.IntFlag)` in bindings/python/src/usersig/api.py;
//! - C and C++: the `USERSIG_PRIV_*` macros of include/usersig.h (generated from src/ffi.rs;
//!   tests/ffi_header.rs keeps the two in step), which bindings/cpp/usersig.hpp uses as is.
//!
//! The files are read as text, so this runs with no Go or Python toolchain.

use std::collections::BTreeMap;
use std::path::Path;

use usersig::Privileges;

const GO: &str = "bindings/go/privileges.go";
const GO_CABI: &str = "bindings/go/cabi.go";
const PYTHON: &str = "bindings/python/src/usersig/api.py";
const HEADER: &str = "include/usersig.h";
const CPP: &str = "bindings/cpp/usersig.hpp";

/// One privilege as a binding spells it: the name compared with the table (lower case), the
/// bit, and how the file writes it, for the failure message.
struct Found {
    name: String,
    bit: u32,
    written: String,
}

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: cannot read it: {e}"))
}

/// Every disagreement between `found` (read from `file`) and `Privileges::NAMED`, both ways.
fn disagreements(file: &str, found: &[Found]) -> Vec<String> {
    let table: BTreeMap<&str, u32> = Privileges::NAMED
        .iter()
        .map(|&(name, p)| (name, p.bits()))
        .collect();
    let mut problems = Vec::new();
    if found.is_empty() {
        problems.push(format!(
            "{file}: no privilege names found; if its layout changed, update the reader in \
             tests/privilege_names.rs"
        ));
        return problems;
    }
    let mut seen = BTreeMap::new();
    for f in found {
        if let Some(earlier) = seen.insert(f.name.as_str(), f.written.as_str()) {
            problems.push(format!(
                "{file}: {} and {earlier} are the same name",
                f.written
            ));
        }
        match table.get(f.name.as_str()) {
            Some(&bit) if bit == f.bit => {}
            Some(&bit) => problems.push(format!(
                "{file}: {} is bit {}, but Privileges::NAMED (src/userbuf.rs) has {:?} = {bit}",
                f.written, f.bit, f.name
            )),
            None => problems.push(format!(
                "{file}: {} = {} is not a name in Privileges::NAMED (src/userbuf.rs)",
                f.written, f.bit
            )),
        }
    }
    for (name, bit) in table {
        if !found.iter().any(|f| f.name == name) {
            problems.push(format!(
                "{file}: lacks {name:?} = {bit}, which Privileges::NAMED (src/userbuf.rs) has"
            ));
        }
    }
    problems
}

#[track_caller]
fn assert_agrees(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "the privilege names disagree with Privileges::NAMED in src/userbuf.rs, their one \
         definition:\n  {}",
        problems.join("\n  ")
    );
}

/// `#define USERSIG_PRIV_<NAME> <bit>` lines of the C header, `ALL` included.
fn header_macros() -> BTreeMap<String, u32> {
    let mut macros = BTreeMap::new();
    for line in read(HEADER).lines() {
        let mut words = line.split_whitespace();
        if let (Some("#define"), Some(name), Some(value), None) =
            (words.next(), words.next(), words.next(), words.next())
        {
            if let (Some(suffix), Ok(bit)) = (name.strip_prefix("USERSIG_PRIV_"), value.parse()) {
                macros.insert(suffix.to_owned(), bit);
            }
        }
    }
    macros
}

/// The lines strictly between the first line starting with `opening` and the next line that
/// is exactly `closing` (after trimming), or `None` without such a block.
fn block<'a>(text: &'a str, opening: &str, closing: &str) -> Option<Vec<&'a str>> {
    let mut lines = text.lines().skip_while(|l| !l.trim().starts_with(opening));
    lines.next()?;
    let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != closing).collect();
    Some(body)
}

/// `ident = wrapper(inner)` lines (Go constant declarations), as `ident -> inner`.
fn go_wrapped(lines: &[&str], wrapper: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in lines {
        let code = line.split("//").next().unwrap_or("");
        if let Some((ident, value)) = code.split_once('=') {
            let value = value.trim();
            if let Some(inner) = value
                .strip_prefix(wrapper)
                .and_then(|v| v.strip_prefix('('))
                .and_then(|v| v.strip_suffix(')'))
            {
                map.insert(ident.trim().to_owned(), inner.trim().to_owned());
            }
        }
    }
    map
}

#[test]
fn go_names_match_the_table() {
    let go = read(GO);
    let mut problems = Vec::new();
    let entries = block(&go, "var privilegeNames", "}").unwrap_or_else(|| {
        panic!("{GO}: no `var privilegeNames` block; update tests/privilege_names.rs")
    });
    let consts = block(&go, "const (", ")")
        .map_or_else(BTreeMap::new, |lines| go_wrapped(&lines, "Privileges"));
    let cabi = go_wrapped(&read(GO_CABI).lines().collect::<Vec<_>>(), "uint32");
    let macros = header_macros();

    // Go's bits: `PrivX = Privileges(privX)`, `privX = uint32(C.USERSIG_PRIV_X)`, `#define`.
    let bit_of = |ident: &str| -> Result<u32, String> {
        let inner = consts.get(ident).ok_or_else(|| {
            format!("{GO}: {ident} is not a `{ident} = Privileges(...)` constant")
        })?;
        let c = cabi.get(inner).ok_or_else(|| {
            format!("{GO_CABI}: no `{inner} = uint32(C.USERSIG_PRIV_...)` for {GO}'s {ident}")
        })?;
        let suffix = c.strip_prefix("C.USERSIG_PRIV_").ok_or_else(|| {
            format!("{GO_CABI}: {inner} is {c}, not one of the C header's USERSIG_PRIV_* macros")
        })?;
        macros
            .get(suffix)
            .copied()
            .ok_or_else(|| format!("{HEADER}: no USERSIG_PRIV_{suffix}, which {GO_CABI} uses"))
    };

    let mut found = Vec::new();
    for line in entries
        .iter()
        .map(|l| l.trim())
        .filter(|l| l.starts_with('{'))
    {
        let inner = line.trim_start_matches('{').trim_end_matches(',');
        let inner = inner.trim_end_matches('}');
        let Some((ident, name)) = inner.split_once(',') else {
            problems.push(format!(
                "{GO}: cannot read the privilegeNames entry {line:?}"
            ));
            continue;
        };
        let (ident, name) = (ident.trim(), name.trim().trim_matches('"'));
        match bit_of(ident) {
            Ok(bit) => found.push(Found {
                name: name.to_owned(),
                bit,
                written: format!("{{{ident}, {name:?}}}"),
            }),
            Err(e) => problems.push(e),
        }
    }
    problems.extend(disagreements(GO, &found));

    // Every exported bit but PrivAll has a name, and PrivAll is every bit.
    for ident in consts
        .keys()
        .filter(|i| i.starts_with("Priv") && *i != "PrivAll")
    {
        if !entries.iter().any(|l| l.contains(&format!("{{{ident},"))) {
            problems.push(format!("{GO}: {ident} has no entry in privilegeNames"));
        }
    }
    match bit_of("PrivAll") {
        Ok(bit) if bit == Privileges::ALL.bits() => {}
        Ok(bit) => problems.push(format!(
            "{GO}: PrivAll is {bit}, not {}",
            Privileges::ALL.bits()
        )),
        Err(e) => problems.push(e),
    }
    assert_agrees(&problems);
}

#[test]
fn python_names_match_the_table() {
    let py = read(PYTHON);
    // The class body: the indented (or blank) lines after `class Privileges(`.
    let lines: Vec<&str> = py
        .lines()
        .skip_while(|l| !l.starts_with("class Privileges("))
        .skip(1)
        .take_while(|l| l.trim().is_empty() || l.starts_with(char::is_whitespace))
        .collect();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut all = None;
    for line in &lines {
        let code = line.split('#').next().unwrap_or("");
        let Some((member, value)) = code.split_once('=') else {
            continue;
        };
        let member = member.trim();
        let is_member = !member.is_empty()
            && member
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !is_member {
            continue;
        }
        let Ok(bit) = value.trim().parse::<u32>() else {
            problems.push(format!(
                "{PYTHON}: Privileges.{member} is not a number: {line:?}"
            ));
            continue;
        };
        if member == "ALL" {
            all = Some(bit);
        } else {
            found.push(Found {
                name: member.to_ascii_lowercase(),
                bit,
                written: format!("Privileges.{member}"),
            });
        }
    }
    problems.extend(disagreements(PYTHON, &found));
    if all != Some(Privileges::ALL.bits()) {
        problems.push(format!(
            "{PYTHON}: Privileges.ALL is {all:?}, not {}",
            Privileges::ALL.bits()
        ));
    }
    assert_agrees(&problems);
}

#[test]
fn c_header_names_match_the_table() {
    let mut macros = header_macros();
    let mut problems = Vec::new();
    match macros.remove("ALL") {
        Some(bit) if bit == Privileges::ALL.bits() => {}
        other => problems.push(format!(
            "{HEADER}: USERSIG_PRIV_ALL is {other:?}, not {}",
            Privileges::ALL.bits()
        )),
    }
    let found: Vec<Found> = macros
        .into_iter()
        .map(|(suffix, bit)| Found {
            name: suffix.to_ascii_lowercase(),
            bit,
            written: format!("USERSIG_PRIV_{suffix}"),
        })
        .collect();
    problems.extend(disagreements(HEADER, &found));
    assert_agrees(&problems);
}

/// The C++ wrapper spells no names of its own: it passes `USERSIG_PRIV_*` bits through. If it
/// ever grows its own list, this points here so that list is checked too.
#[test]
fn cpp_wrapper_uses_the_header_macros() {
    let cpp = read(CPP);
    let own: Vec<&str> = Privileges::NAMED
        .iter()
        .map(|&(name, _)| name)
        .filter(|name| {
            let upper = name.to_ascii_uppercase();
            let outside_macros = cpp.replace(&format!("USERSIG_PRIV_{upper}"), "");
            outside_macros.contains(name) || outside_macros.contains(&upper)
        })
        .collect();
    assert!(
        own.is_empty(),
        "{CPP} spells privilege names {own:?} itself, not through {HEADER}'s USERSIG_PRIV_* \
         macros; check them against Privileges::NAMED (src/userbuf.rs) in \
         tests/privilege_names.rs"
    );
}
