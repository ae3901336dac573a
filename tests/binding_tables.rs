//! The language bindings keep their own copies of the result codes' kinds: Go's sentinel errors
//! (`bindings/go/errors.go`, with the codes from cgo in `bindings/go/cabi.go`), Python's
//! exception classes (`bindings/python/src/usersig/errors.py`), and the kinds the C++ wrapper
//! (`bindings/cpp/usersig.hpp`) quotes. This test reads them, with the checked-in header and the
//! documents that quote codes, and compares every entry with the one table,
//! `usersig::ffi::RESULT_CODES` (`src/ffi/codes.rs`), both ways: no entry the table lacks or
//! contradicts, no table entry missing. Each failure names the file, the line and the entry.
//!
//! The C++ wrapper defines no table of its own (it asks `usersig_error_kind` at run time), so
//! for it only the first direction applies: every code it names and every kind it quotes exists.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::CStr;
use std::path::Path;

use usersig::ffi::{RESULT_CODES, ResultCode};

const TABLE: &str = "the table (usersig::ffi::RESULT_CODES, src/ffi/codes.rs)";

/// A file of the repository, its lines numbered from 1.
struct Source {
    path: String,
    text: String,
}

impl Source {
    fn read(path: &str) -> Source {
        let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
        Source {
            path: path.to_owned(),
            text,
        }
    }

    fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text.lines().enumerate().map(|(i, line)| (i + 1, line))
    }

    /// `path:line`, for messages.
    fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.path)
    }
}

/// The problems found, reported all at once.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, problem: String) {
        self.0.push(problem);
    }

    fn check(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what} disagrees with {TABLE}:\n  - {}\n",
            self.0.join("\n  - ")
        );
    }
}

fn by_code(code: i64) -> Option<&'static ResultCode> {
    RESULT_CODES.iter().find(|row| i64::from(row.code) == code)
}

fn by_name(name: &str) -> Option<&'static ResultCode> {
    RESULT_CODES.iter().find(|row| row.name == name)
}

fn by_kind(kind: &str) -> Option<&'static ResultCode> {
    RESULT_CODES.iter().find(|row| row.kind == kind)
}

/// The table's entries but success.
fn error_rows() -> impl Iterator<Item = &'static ResultCode> {
    RESULT_CODES
        .iter()
        .filter(|row| row.code != usersig::ffi::USERSIG_OK)
}

/// The kinds of the verification codes, which the bindings give a class or type of their own.
fn verification_kinds() -> BTreeSet<&'static str> {
    usersig::ErrorKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The kinds a callback verification fails with (`usersig::callback`): three of them shared
/// with tokens, two rows of their own.
fn callback_kinds() -> BTreeSet<&'static str> {
    usersig::callback::CallbackErrorKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect()
}

#[test]
fn every_callback_kind_is_a_verification_row() {
    for kind in callback_kinds() {
        let row = by_kind(kind).unwrap_or_else(|| panic!("{kind} has no row in {TABLE}"));
        assert!(
            (1..=19).contains(&row.code),
            "{} is not in the verification range 1-19",
            show(row)
        );
    }
}

/// The kind `usersig_error_kind` gives a code the table does not have.
fn unknown_kind() -> String {
    let code = (1..).find(|&c| by_code(c).is_none()).unwrap();
    // SAFETY: always safe to call; it returns a static NUL-terminated string.
    let kind = unsafe { CStr::from_ptr(usersig::ffi::usersig_error_kind(code as i32)) };
    kind.to_str().unwrap().to_owned()
}

/// `row` as a message names it.
fn show(row: &ResultCode) -> String {
    format!("{} = {} (\"{}\")", row.name, row.code, row.kind)
}

/// The text between the first `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// `USERSIG_OK` or `USERSIG_ERR_` and a name (not the prefix alone, nor `USERSIG_ERR_*`).
fn is_code_name(word: &str) -> bool {
    word == "USERSIG_OK"
        || word.strip_prefix("USERSIG_ERR_").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
}

fn is_kind_like(text: &str) -> bool {
    !text.is_empty()
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Every `"..."` string literal of a line.
fn quoted(line: &str) -> Vec<&str> {
    line.split('"').skip(1).step_by(2).collect()
}

/// A Go result-code constant of cabi.go: `codeX = int(C.NAME)` (or, wrongly, a number).
struct GoCode {
    line: usize,
    row: Option<&'static ResultCode>,
}

#[test]
fn go_errors_match_the_table() {
    let cabi = Source::read("bindings/go/cabi.go");
    let errors = Source::read("bindings/go/errors.go");
    let mut problems = Problems::default();

    // cabi.go: `codeX = int(C.USERSIG_...)`, the codes from the header through cgo.
    let mut codes: BTreeMap<&str, GoCode> = BTreeMap::new();
    for (n, line) in cabi.lines() {
        let Some((ident, value)) = line.trim().split_once('=') else {
            continue;
        };
        let (ident, value) = (ident.trim(), value.trim());
        if !(ident.starts_with("code") && ident.len() > 4 && !ident.contains(' ')) {
            continue;
        }
        let row = if let Some(name) = between(value, "int(C.", ")") {
            let row = by_name(name);
            if row.is_none() {
                problems.add(format!(
                    "{}: {ident} is {name}, which is not in the table",
                    cabi.at(n)
                ));
            }
            row
        } else if let Ok(number) = value.parse::<i64>() {
            let row = by_code(number);
            match row {
                None => problems.add(format!(
                    "{}: {ident} = {number}, a code that is not in the table",
                    cabi.at(n)
                )),
                Some(row) => problems.add(format!(
                    "{}: {ident} = {number} types the number of {}; take it from the header: \
                     int(C.{})",
                    cabi.at(n),
                    row.name,
                    row.name
                )),
            }
            row
        } else {
            problems.add(format!(
                "{}: {ident} = {value}: expected int(C.USERSIG_...)",
                cabi.at(n)
            ));
            None
        };
        codes.insert(ident, GoCode { line: n, row });
    }
    for row in RESULT_CODES {
        let named: Vec<&str> = codes
            .iter()
            .filter(|(_, c)| c.row.is_some_and(|r| r.code == row.code))
            .map(|(ident, _)| *ident)
            .collect();
        match named.as_slice() {
            [_] => {}
            [] => problems.add(format!("{}: no code constant is {}", cabi.path, show(row))),
            many => problems.add(format!(
                "{}: {} are all {}",
                cabi.path,
                many.join(", "),
                show(row)
            )),
        }
    }

    // errors.go: the sentinels, `ErrX = errors.New("usersig: kind")`.
    let mut sentinels: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (n, line) in errors.lines() {
        let Some((ident, value)) = line.trim().split_once('=') else {
            continue;
        };
        let ident = ident.trim();
        if let Some(text) = between(value, "errors.New(\"usersig: ", "\")") {
            if is_kind_like(text) && by_kind(text).is_none() {
                problems.add(format!(
                    "{}: {ident} is the kind \"{text}\", which is not in the table",
                    errors.at(n)
                ));
            }
            sentinels.insert(ident, (n, text));
        }
    }

    // The sentinels map, `codeX: ErrX,`: each code's sentinel must be its kind's.
    let map = between(&errors.text, "var sentinels = map[int]error{", "}")
        .expect("bindings/go/errors.go: no `var sentinels = map[int]error{`");
    let map_start = errors.text[..errors.text.find(map).unwrap()]
        .lines()
        .count();
    let mut mapped: BTreeMap<i32, &str> = BTreeMap::new();
    for (i, line) in map.lines().enumerate() {
        let Some((code_ident, sentinel)) = line.trim().trim_end_matches(',').split_once(':') else {
            continue;
        };
        let (code_ident, sentinel) = (code_ident.trim(), sentinel.trim());
        let at = errors.at(map_start + i);
        let Some(code) = codes.get(code_ident) else {
            problems.add(format!(
                "{at}: {code_ident} is not a code constant of cabi.go"
            ));
            continue;
        };
        let Some(&(_, kind)) = sentinels.get(sentinel) else {
            problems.add(format!("{at}: {sentinel} is not a sentinel of errors.go"));
            continue;
        };
        let Some(row) = code.row else {
            continue; // reported above
        };
        if kind != row.kind {
            problems.add(format!(
                "{at}: {code_ident} ({} = {}, {}:{}) maps to {sentinel}, whose kind is \
                 \"{kind}\"; {TABLE} says {} is \"{}\"",
                row.name, row.code, cabi.path, code.line, row.code, row.kind
            ));
        }
        if mapped.insert(row.code, sentinel).is_some() {
            problems.add(format!("{at}: {} has two sentinels", show(row)));
        }
    }
    for (ident, (n, text)) in &sentinels {
        if is_kind_like(text) && !mapped.values().any(|s| s == ident) {
            problems.add(format!(
                "{}: {ident} (\"{text}\") is in no entry of the sentinels map",
                errors.at(*n)
            ));
        }
    }

    // ErrInternal stands for the codes the package never expects; its comment lists them.
    let internal = between(&errors.text, "// ErrInternal matches", "ErrInternal =")
        .and_then(|comment| between(comment, "(", ")"))
        .expect("bindings/go/errors.go: ErrInternal's comment lists no kinds in parentheses");
    let unknown = unknown_kind();
    let mut internal_kinds = BTreeSet::new();
    for kind in internal
        .split(',')
        .map(|k| k.trim().trim_start_matches("// ").trim())
    {
        match by_kind(kind) {
            Some(row) if mapped.contains_key(&row.code) => problems.add(format!(
                "{}: ErrInternal's comment lists \"{kind}\", which has a sentinel",
                errors.path
            )),
            Some(row) => {
                internal_kinds.insert(row.code);
            }
            None if kind == unknown => {}
            None => problems.add(format!(
                "{}: ErrInternal's comment lists \"{kind}\", which is not in the table",
                errors.path
            )),
        }
    }
    for row in error_rows() {
        if !mapped.contains_key(&row.code) && !internal_kinds.contains(&row.code) {
            problems.add(format!(
                "{}: {} has no sentinel, and ErrInternal's comment does not list it",
                errors.path,
                show(row)
            ));
        }
    }

    // newError makes a *VerifyError for a range of codes: exactly the verification kinds.
    let range = between(&errors.text, "if code >= ", " {")
        .expect("bindings/go/errors.go: newError's `if code >= codeA && code <= codeB {`");
    let (low, high) = range
        .split_once(" && code <= ")
        .expect("bindings/go/errors.go: newError's range");
    let value = |ident: &str| codes.get(ident).and_then(|c| c.row).map(|r| r.code);
    match (value(low), value(high)) {
        (Some(low), Some(high)) => {
            let in_range: BTreeSet<&str> = RESULT_CODES
                .iter()
                .filter(|row| (low..=high).contains(&row.code))
                .map(|row| row.kind)
                .collect();
            if in_range != verification_kinds() {
                problems.add(format!(
                    "{}: newError's VerifyError range {low}-{high} holds {in_range:?}, not the \
                     verification kinds {:?}",
                    errors.path,
                    verification_kinds()
                ));
            }
        }
        _ => problems.add(format!(
            "{}: newError's range {low}..{high} is not made of code constants",
            errors.path
        )),
    }

    problems.check("bindings/go (errors.go, cabi.go)");
}

#[test]
fn python_errors_match_the_table() {
    let errors = Source::read("bindings/python/src/usersig/errors.py");
    let mut problems = Problems::default();

    // `class XError(Base):` then `code, kind = N, "kind"` in its body.
    let mut classes: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    let mut current: Option<(usize, String, String)> = None;
    let mut by_row: BTreeMap<i32, String> = BTreeMap::new();
    for (n, line) in errors.lines() {
        if let Some(rest) = line.strip_prefix("class ") {
            let name = rest.split('(').next().unwrap_or_default().to_owned();
            let base = between(rest, "(", ")").unwrap_or_default().to_owned();
            current = Some((n, name, base));
            continue;
        }
        if let Some(default) = line.trim().strip_prefix("kind: str = ") {
            let default = default.trim_matches('"');
            if default != unknown_kind() {
                problems.add(format!(
                    "{}: the default kind is \"{default}\"; the library's for an unknown code \
                     is \"{}\"",
                    errors.at(n),
                    unknown_kind()
                ));
            }
        }
        let Some(values) = line.trim().strip_prefix("code, kind = ") else {
            continue;
        };
        let Some((class_line, class, base)) = current.as_ref() else {
            problems.add(format!("{}: a code outside any class", errors.at(n)));
            continue;
        };
        let (code, kind) = values.split_once(',').unwrap_or((values, ""));
        let (code, kind) = (code.trim(), kind.trim().trim_matches('"'));
        let Ok(code) = code.parse::<i64>() else {
            problems.add(format!(
                "{}: {class}: code {code} is not a number",
                errors.at(n)
            ));
            continue;
        };
        match by_code(code) {
            None => problems.add(format!(
                "{}: {class} is code {code} (\"{kind}\"), which is not in the table",
                errors.at(n)
            )),
            Some(row) if row.kind != kind => problems.add(format!(
                "{}: {class} is code {code} with kind \"{kind}\"; {TABLE} says {code} is {} (\"{}\")",
                errors.at(n),
                row.name,
                row.kind
            )),
            Some(row) => {
                if let Some(other) = by_row.insert(row.code, class.clone()) {
                    problems.add(format!(
                        "{}: {class} and {other} are both {}",
                        errors.at(n),
                        show(row)
                    ));
                }
                // Python's VerifyError is also the base of the callback kinds.
                let verification = verification_kinds().contains(row.kind)
                    || callback_kinds().contains(row.kind);
                if verification != (base == "VerifyError") {
                    problems.add(format!(
                        "{}: {class} derives from {base}; a {} kind derives from {}",
                        errors.at(*class_line),
                        if verification { "verification" } else { "non-verification" },
                        if verification { "VerifyError" } else { "UserSigError" }
                    ));
                }
            }
        }
        classes.insert(class.clone(), (n, kind));
    }
    for row in error_rows() {
        if !by_row.contains_key(&row.code) {
            problems.add(format!("{}: no class is {}", errors.path, show(row)));
        }
    }

    // BY_CODE lists the classes by hand: exactly the classes with a code.
    let listed = between(&errors.text, "for cls in (", ")")
        .expect("bindings/python/src/usersig/errors.py: BY_CODE's `for cls in (...)`");
    let listed: BTreeSet<&str> = listed
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    for class in classes.keys() {
        if !listed.contains(class.as_str()) {
            problems.add(format!("{}: BY_CODE does not list {class}", errors.path));
        }
    }
    for class in &listed {
        if !classes.contains_key(*class) {
            problems.add(format!(
                "{}: BY_CODE lists {class}, which has no code",
                errors.path
            ));
        }
    }

    // The other modules must not type a code again (`_BUFFER_TOO_SMALL = 43`): they take it
    // from errors.py. Only success, `_OK = 0`, may be spelled out.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bindings/python/src/usersig");
    let mut modules: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".py") && name != "errors.py")
        .collect();
    modules.sort();
    for module in modules {
        let source = Source::read(&format!("bindings/python/src/usersig/{module}"));
        for (n, line) in source.lines() {
            let Some((ident, value)) = line.split_once(" = ") else {
                continue;
            };
            let Some(kind) = ident.strip_prefix('_') else {
                continue;
            };
            let Some(row) = by_kind(&kind.to_ascii_lowercase()) else {
                continue;
            };
            let Ok(number) = value.trim().parse::<i64>() else {
                continue;
            };
            if number != i64::from(row.code) {
                problems.add(format!(
                    "{}: {ident} = {number}; {TABLE} says {}",
                    source.at(n),
                    show(row)
                ));
            } else if row.code != usersig::ffi::USERSIG_OK {
                problems.add(format!(
                    "{}: {ident} = {number} types the code of {} again; take it from errors.py",
                    source.at(n),
                    show(row)
                ));
            }
        }
    }
    problems.check("bindings/python");
}

#[test]
fn the_cpp_wrapper_names_only_table_entries() {
    let hpp = Source::read("bindings/cpp/usersig.hpp");
    let mut problems = Problems::default();
    let regions: BTreeSet<&str> = usersig::rest::Region::ALL
        .iter()
        .map(|r| r.code())
        .collect();
    let rest_names: BTreeSet<&str> = usersig::rest::CODES.iter().map(|c| c.name).collect();
    let retry_names: BTreeSet<&str> = usersig::rest::RetryClass::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    for (n, line) in hpp.lines() {
        for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if is_code_name(word) && by_name(word).is_none() {
                problems.add(format!("{}: {word} is not in the table", hpp.at(n)));
            }
        }
        for text in quoted(line).into_iter().filter(|t| is_kind_like(t)) {
            let known = by_kind(text).is_some()
                || regions.contains(text)
                || rest_names.contains(text)
                || retry_names.contains(text);
            if !known {
                problems.add(format!(
                    "{}: \"{text}\" is neither a kind in the table nor a region, REST code or \
                     retry class name",
                    hpp.at(n)
                ));
            }
        }
    }
    problems.check("bindings/cpp/usersig.hpp");
}

#[test]
fn the_checked_in_header_defines_the_table() {
    let header = Source::read("include/usersig.h");
    let mut problems = Problems::default();
    let mut defined = BTreeSet::new();
    let mut comment = String::new();
    for (n, line) in header.lines() {
        if line.starts_with("/**") {
            comment.clear();
        }
        comment.push_str(line);
        comment.push('\n');
        let Some(define) = line.strip_prefix("#define ") else {
            continue;
        };
        let (name, value) = define.split_once(' ').unwrap_or((define, ""));
        if !is_code_name(name) {
            continue;
        }
        match by_name(name) {
            None => problems.add(format!("{}: {name} is not in the table", header.at(n))),
            Some(row) => {
                if value.trim() != row.code.to_string() {
                    problems.add(format!(
                        "{}: {name} is {value}; {TABLE} says {}",
                        header.at(n),
                        row.code
                    ));
                }
                let kind = format!("Kind `\"{}\"`.", row.kind);
                if !comment.contains(&kind) {
                    problems.add(format!(
                        "{}: {name}'s documentation does not say {kind}",
                        header.at(n)
                    ));
                }
                defined.insert(row.code);
            }
        }
    }
    for row in RESULT_CODES {
        if !defined.contains(&row.code) {
            problems.add(format!("{}: {} is not defined", header.path, show(row)));
        }
    }
    problems
        .check("include/usersig.h (regenerate it: USERSIG_BLESS=1 cargo test --test ffi_header)");
}

#[test]
fn documents_quote_codes_as_the_table_has_them() {
    let mut problems = Problems::default();
    let documents = [
        "README.md",
        "docs/rest.md",
        "bindings/c/README-section.md",
        "bindings/go/README-section.md",
        "bindings/python/README-section.md",
        "bindings/node/README.md",
    ];
    for path in documents {
        let doc = Source::read(path);
        for (n, line) in doc.lines() {
            // `USERSIG_ERR_NAME` (N ... and `NAME` N: the number must be the table's.
            for (i, piece) in line.split('`').enumerate().skip(1).step_by(2) {
                let name = if piece.starts_with("USERSIG_") {
                    piece.to_owned()
                } else if piece.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
                    format!("USERSIG_ERR_{piece}")
                } else {
                    continue;
                };
                let after = line.split('`').nth(i + 1).unwrap_or_default();
                let number: String = after
                    .trim_start_matches([' ', '('])
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                match by_name(&name) {
                    None if is_code_name(piece) => {
                        problems.add(format!("{}: {piece} is not in the table", doc.at(n)))
                    }
                    Some(row) if !number.is_empty() && number != row.code.to_string() => problems
                        .add(format!(
                            "{}: `{piece}` is quoted as {number}; {TABLE} says {}",
                            doc.at(n),
                            row.code
                        )),
                    _ => {}
                }
            }
        }
    }
    problems.check("the documents");
}
