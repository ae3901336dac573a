//! Token content in text output. A token is attacker-controlled: its identifier, JSON and
//! userbuf can hold an ANSI escape, a carriage return, a bell or a newline that would color the
//! terminal, hide text or forge an output line. Every human-readable line that shows token
//! content goes through [`clean`] (or [`say!`]); JSON output needs none of this, serde escapes.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1: ESC, CR, BEL, the 8-bit CSI, ...) and
/// every invisible character that can reorder or hide text (zero-width characters, bidi marks,
/// embeddings, overrides and isolates, line and paragraph separators, the BOM) written as
/// `\n`, `\r`, `\t` or `\u{..}`, as Rust writes them. Printable text, non-ASCII included, is
/// kept as it is; so are backslashes, so the JSON shown stays readable JSON.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// `println!` of one line that shows token content: the formatted text goes through [`clean`],
/// so whatever the token holds, one call prints exactly one line.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", $crate::escape::clean(&format!($($arg)*)))
    };
}
pub(crate) use say;

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn controls_and_invisible_formatting_are_escaped() {
        assert_eq!(
            clean("a\u{1b}[31m\r\n\t\u{7}\u{7f}\u{9b}\u{202e}\u{200b}\u{feff}b"),
            r"a\u{1b}[31m\r\n\t\u{7}\u{7f}\u{9b}\u{202e}\u{200b}\u{feff}b"
        );
    }

    #[test]
    fn printable_text_is_borrowed_unchanged() {
        for text in [
            "",
            "xiaojun",
            "管理员 é",
            r#"{"TLS.identifier":"a\u001b"}"#,
            r"a\nb",
        ] {
            assert!(matches!(clean(text), std::borrow::Cow::Borrowed(t) if t == text));
        }
    }
}
