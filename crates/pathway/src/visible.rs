//! Text that cannot control a terminal or reorder what is shown.
//!
//! A control character (C0, DEL, C1) in text printed to a terminal can move the cursor, clear
//! the screen, retitle the window or write the clipboard (OSC 52); a bidirectional override or
//! isolate (Trojan Source) draws text in another order than it is stored, so that `evil` reads
//! as `live`; a line or paragraph separator breaks a line where no line break is seen in the
//! file. [`is_hidden`] names these characters, the compiler refuses them in pathway files, and
//! [`visible`] shows them as escapes (`\u001b` for ESC) wherever text from input is printed.
//! The escape is JSON's, so JSON output with an escape in a string is still the same JSON.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use crate::diagnostic::{Code, Diagnostic};

/// Whether `c` is a character that text shown to a person must not carry as it is: every C0
/// control but the line feed and tab, DEL, every C1 control, the bidirectional marks,
/// embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069), and the line and paragraph separators U+2028 and U+2029.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Whether `c` is refused in a pathway file's text: a hidden character ([`is_hidden`]), a line
/// feed or a tab (a text of a pathway is one line; line breaks are the renderers' to make).
pub(crate) fn is_refused_in_pathway(c: char) -> bool {
    is_hidden(c) || c == '\n' || c == '\t'
}

/// The name of a refused character, for messages: `U+001B (ESC)`.
pub(crate) fn describe(c: char) -> String {
    let name = match c {
        '\0' => "NUL",
        '\u{7}' => "BEL",
        '\u{8}' => "BACKSPACE",
        '\t' => "TAB",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESC",
        '\u{7f}' => "DEL",
        '\u{9b}' => "CSI",
        '\u{9d}' => "OSC",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{85}' => "NEXT LINE",
        '\u{a0}' => "NO-BREAK SPACE",
        '\u{1680}' => "OGHAM SPACE MARK",
        '\u{2000}'..='\u{200a}' => "a typographic space",
        '\u{202f}' => "NARROW NO-BREAK SPACE",
        '\u{205f}' => "MEDIUM MATHEMATICAL SPACE",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        c if (c as u32) < 0x20 || ('\u{80}'..='\u{9f}').contains(&c) => "a control character",
        _ => "",
    };
    if name.is_empty() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} ({name})", c as u32)
    }
}

/// `text` with every hidden character ([`is_hidden`]) written as a visible escape, `\u001b`
/// for ESC; borrowed when there is none (the usual case). Line feeds and tabs are kept. The
/// escape is JSON's: inside a JSON string it stands for the same character.
///
/// ```
/// assert_eq!(pathway::visible("a\u{1b}]52;c;x\u{7}b"), "a\\u001b]52;c;x\\u0007b");
/// assert_eq!(pathway::visible("evil\u{202e}"), "evil\\u202e");
/// assert_eq!(pathway::visible("plain text\n"), "plain text\n");
/// ```
pub fn visible(text: &str) -> Cow<'_, str> {
    if first_hidden(text).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let _ = Visible(&mut out).write_str(text);
    Cow::Owned(out)
}

/// A [`fmt::Write`] that escapes hidden characters ([`is_hidden`]) as it writes: for printing
/// formatted text from input without building it first.
///
/// ```
/// use std::fmt::Write;
/// let mut out = String::new();
/// write!(pathway::Visible(&mut out), "key `{}`", "\u{1b}[2J").unwrap();
/// assert_eq!(out, "key `\\u001b[2J`");
/// ```
pub struct Visible<W>(pub W);

/// The first hidden character of `text` and where it is. Eight bytes at a time are skipped
/// while they are all printable ASCII (most of what is printed); only the bytes that can begin
/// a hidden character (below 0x20, 0x7F, and the lead bytes 0xC2, 0xD8, 0xE2 of C1 controls,
/// U+061C and U+200E..U+2069) are decoded.
fn first_hidden(text: &str) -> Option<(usize, char)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if let Some(word) = bytes.get(at..at + 8) {
            let w = u64::from_le_bytes(word.try_into().ok()?);
            // A byte below 0x20, or at or above 0x7F (a carry only adds false alarms).
            let below = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            let above = (w.wrapping_add(ONES) | w) & HIGH;
            if below | above == 0 {
                at += 8;
                continue;
            }
        }
        let b = bytes[at];
        if b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2 {
            // A byte below 0x80 or a lead byte starts a character.
            let c = text.get(at..)?.chars().next()?;
            if is_hidden(c) {
                return Some((at, c));
            }
            at += c.len_utf8();
        } else {
            at += 1;
        }
    }
    None
}

impl<W: fmt::Write> fmt::Write for Visible<W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some((at, c)) = first_hidden(rest) {
            self.0.write_str(&rest[..at])?;
            write!(self.0, "\\u{:04x}", c as u32)?;
            rest = &rest[at + c.len_utf8()..];
        }
        self.0.write_str(rest)
    }
}

/// The compiler's check of a pathway or contacts file: every text (object keys included) that
/// holds a character refused in pathway text ([`is_refused_in_pathway`]), as one
/// `control-character` error per text, at most ten per file (then one that counts the rest).
pub(crate) fn refused_texts(file: &str, value: &serde_json::Value) -> Vec<Diagnostic> {
    use serde_json::Value as Json;
    let mut out = Vec::new();
    const CHARACTER_ERRORS: usize = 10;
    let mut found = 0;
    let mut report = |at: &str, text: &str| {
        let Some(c) = text.chars().find(|c| is_refused_in_pathway(*c)) else {
            return;
        };
        found += 1;
        if found <= CHARACTER_ERRORS {
            let message = format!(
                "the text holds {}, which could control a terminal, hide text or break the line where it is shown",
                describe(c)
            );
            out.push(Diagnostic::error(Code::ControlCharacter, file, at, message));
        }
    };
    // Depth-first in file order; serde_json bounds the depth.
    let mut stack = vec![(String::from("the document"), value)];
    while let Some((at, value)) = stack.pop() {
        match value {
            Json::String(text) => report(&at, text),
            Json::Array(items) => {
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(i, v)| (format!("{at}[{i}]"), v)),
                );
            }
            Json::Object(map) => {
                for (key, _) in map {
                    report(&format!("a key of {at}"), key);
                }
                let base = if at == "the document" {
                    ""
                } else {
                    at.as_str()
                };
                let sep = if base.is_empty() { "" } else { "." };
                let children: Vec<_> = map
                    .iter()
                    .map(|(k, v)| (format!("{base}{sep}{}", visible(k)), v))
                    .collect();
                stack.extend(children.into_iter().rev());
            }
            Json::Null | Json::Bool(_) | Json::Number(_) => {}
        }
    }
    if found > CHARACTER_ERRORS {
        let more = found - CHARACTER_ERRORS;
        out.push(
            Diagnostic::error(
                Code::ControlCharacter,
                file,
                "",
                format!("{more} more texts hold such characters"),
            )
            .hint("remove them: a pathway text is plain text on one line"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hidden_character_becomes_a_visible_escape_and_nothing_else_changes() {
        let hostile = "\u{1b}]52;c;aGk=\u{7}\u{9b}2J\r\u{8}\u{202e}evil\u{2066}\u{2028}\u{7f}\0";
        let shown = visible(hostile);
        assert!(!shown.chars().any(is_hidden), "{shown:?}");
        assert_eq!(
            shown,
            "\\u001b]52;c;aGk=\\u0007\\u009b2J\\u000d\\u0008\\u202eevil\\u2066\\u2028\\u007f\\u0000"
        );
        let plain = "Tab\there, line\nand « é ∞ 👍 » — الاتجار (Arabic) unchanged";
        assert!(matches!(visible(plain), Cow::Borrowed(_)));
    }

    proptest::proptest! {
        /// The byte scan finds exactly the characters `is_hidden` names.
        #[test]
        fn the_byte_scan_agrees_with_is_hidden(text in "\\PC*|[\\x00-\\x{2070}]{0,40}") {
            let expected = text.char_indices().find(|&(_, c)| is_hidden(c));
            proptest::prop_assert_eq!(first_hidden(&text), expected);
        }
    }

    #[test]
    fn describe_names_what_it_can() {
        assert_eq!(describe('\u{1b}'), "U+001B (ESC)");
        assert_eq!(describe('\u{202e}'), "U+202E (RIGHT-TO-LEFT OVERRIDE)");
        assert_eq!(describe('\u{3}'), "U+0003 (a control character)");
    }
}
