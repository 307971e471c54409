//! Phone numbers, e-mail and web addresses in the texts a worker reads, marked as links.
//!
//! Every text the engine returns (instructions, details, notes, help, summaries) may name a
//! number to call or an address to open. [`segments`] splits a text into plain runs and links,
//! so that every front makes each number a `tel:` link and each address a link, and none
//! has to guess with its own patterns. Joined back, the segments' texts are exactly the text.
//!
//! What counts as a link:
//! - a UK phone number: `0` followed by 9 or 10 more digits, in groups separated by single
//!   spaces (`0300 123 4043`, `08000 121 700`), or the same after `+44` (`+44 800 555 111`);
//!   and the three-digit lines `999`, `112`, `101` and `111` standing alone as a word;
//! - an e-mail address (`name@example.org.uk`);
//! - a web address: `http://` or `https://`, `www.` or a bare domain ending in a common
//!   top-level domain (`gov.uk/guidance`, `modernslaveryhelpline.org`).
//!
//! Trailing punctuation (`.`, `,`, `;`, `:`, `)`, `!`, `?`) is never part of a link.

use serde::Serialize;

/// A piece of a text: plain, or a link with where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment<'t> {
    /// The text as written.
    pub text: &'t str,
    /// Where it links (`tel:08000121700`, `mailto:…`, `https://…`); absent for plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

impl Segment<'_> {
    /// Whether this segment is a phone number (its link is `tel:`).
    pub fn is_phone(&self) -> bool {
        self.href.as_deref().is_some_and(|h| h.starts_with("tel:"))
    }
}

/// The text split into plain runs and links (see the module docs for what is a link).
/// Adjacent plain text is one segment; an empty text gives no segment.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut plain = 0; // start of the plain run not yet pushed
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !is_word(prev_char(text, i));
        let found = if starts_word {
            phone(text, i)
                .or_else(|| web(text, i))
                .or_else(|| email(text, i))
        } else {
            None
        };
        match found {
            Some((end, href)) => {
                if plain < i {
                    out.push(Segment {
                        text: &text[plain..i],
                        href: None,
                    });
                }
                out.push(Segment {
                    text: &text[i..end],
                    href: Some(href),
                });
                i = end;
                plain = end;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain < text.len() {
        out.push(Segment {
            text: &text[plain..],
            href: None,
        });
    }
    out
}

/// The text with the spaces inside each phone number made into [`GLUE`], which is not
/// whitespace, so that wrapping never splits a number across lines. [`plain_spaces`] undoes
/// it.
pub(crate) fn keep_numbers_whole(text: &str) -> String {
    segments(text)
        .iter()
        .map(|s| {
            if s.is_phone() {
                s.text.replace(' ', GLUE)
            } else {
                s.text.to_owned()
            }
        })
        .collect()
}

/// [`GLUE`] back to plain spaces.
pub(crate) fn plain_spaces(text: &str) -> String {
    text.replace(GLUE, " ")
}

/// A private-use character standing for a space inside a phone number while text is wrapped
/// (a no-break space would not do: it counts as whitespace).
const GLUE: &str = "\u{e000}";

fn prev_char(text: &str, i: usize) -> char {
    text[..i].chars().next_back().unwrap_or(' ')
}

/// Letters, digits and the characters that glue a token together (`s52`, `§2.1`, `a_b`).
/// Any character outside ASCII counts as a letter: that keeps a number inside a word in any
/// language from being taken for a phone number, without the Unicode tables (kilobytes of the
/// WebAssembly module's budget).
fn is_word(c: char) -> bool {
    is_letter_or_digit(c) || matches!(c, '_' | '§' | '/' | '@' | '.' | '-' | '+' | '£' | '#')
}

/// An ASCII letter or digit, or any character outside ASCII (see [`is_word`]).
fn is_letter_or_digit(c: char) -> bool {
    c.is_ascii_alphanumeric() || !c.is_ascii()
}

/// A phone number starting at `i`: its end and `tel:` link.
fn phone(text: &str, i: usize) -> Option<(usize, String)> {
    let rest = &text[i..];
    let (prefix_len, national) = if let Some(after) = rest.strip_prefix("+44") {
        let skip = usize::from(after.starts_with(' '));
        (3 + skip, false)
    } else if rest.starts_with('0') {
        (0, true)
    } else {
        return short_line(text, i);
    };
    // Digit groups separated by single spaces.
    let mut groups: Vec<(usize, usize)> = Vec::new(); // (end, digits so far)
    let mut j = i + prefix_len;
    let mut digits = 0;
    let b = text.as_bytes();
    loop {
        let start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == start {
            break;
        }
        digits += j - start;
        groups.push((j, digits));
        if j + 1 < b.len() && b[j] == b' ' && b[j + 1].is_ascii_digit() && digits < 11 {
            j += 1;
        } else {
            break;
        }
    }
    let wanted = if national { 10..=11 } else { 9..=10 };
    // The longest run of whole groups with a UK number's length that ends a word.
    let &(end, _) = groups.iter().rev().find(|&&(end, n)| {
        wanted.contains(&n)
            && text[end..]
                .chars()
                .next()
                .is_none_or(|c| !is_word_end(c, text, end))
    })?;
    let digits: String = text[i..end].chars().filter(char::is_ascii_digit).collect();
    let tel = if national {
        digits
    } else {
        format!("+{digits}")
    };
    Some((end, format!("tel:{tel}")))
}

/// Whether `c` (at `at`) continues a token, so a number or address cannot end before it.
fn is_word_end(c: char, text: &str, at: usize) -> bool {
    if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '-') {
        // Punctuation ends a token unless a letter or digit follows it (`0800.5`, `101-2`).
        return text[at + c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(is_letter_or_digit);
    }
    is_word(c)
}

/// `999`, `112`, `101` or `111` alone as a word.
fn short_line(text: &str, i: usize) -> Option<(usize, String)> {
    let number = text.get(i..i + 3)?;
    if !matches!(number, "999" | "112" | "101" | "111") {
        return None;
    }
    let end = i + 3;
    if text[end..]
        .chars()
        .next()
        .is_some_and(|c| is_word_end(c, text, end))
    {
        return None;
    }
    Some((end, format!("tel:{number}")))
}

/// Where an address starting at `i` ends: before trailing punctuation, and before a `)` that
/// does not close a `(` inside it.
fn address_end(text: &str, i: usize) -> usize {
    let mut end = i;
    for (k, c) in text[i..].char_indices() {
        if c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '[' | ']' | '{' | '}' | '|') {
            break;
        }
        end = i + k + c.len_utf8();
    }
    loop {
        let token = &text[i..end];
        match token.chars().next_back() {
            Some('.' | ',' | ';' | ':' | '!' | '?') => end -= 1,
            Some(')') if token.matches('(').count() < token.matches(')').count() => end -= 1,
            _ => return end,
        }
    }
}

const TLDS: [&str; 9] = [
    "uk", "org", "com", "net", "gov", "global", "info", "eu", "int",
];

/// A web address starting at `i`.
fn web(text: &str, i: usize) -> Option<(usize, String)> {
    let rest = &text[i..];
    let lower = |p: &str| {
        rest.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    let scheme = lower("https://") || lower("http://");
    let end = address_end(text, i);
    let token = &text[i..end];
    if scheme {
        let host = token.split_once("//").map_or("", |(_, h)| h);
        return (host.len() > 2 && host.contains('.')).then(|| (end, token.to_owned()));
    }
    if token.contains('@') {
        return None;
    }
    let host = token.split(['/', '?', '#']).next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    let valid = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| TLDS.contains(&tld.to_ascii_lowercase().as_str()))
        && labels[0].bytes().any(|b| b.is_ascii_alphabetic());
    valid.then(|| (end, format!("https://{token}")))
}

/// An e-mail address starting at `i`.
fn email(text: &str, i: usize) -> Option<(usize, String)> {
    let end = address_end(text, i);
    let token = &text[i..end];
    let (local, domain) = token.split_once('@')?;
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    (local_ok && domain_ok).then(|| (end, format!("mailto:{token}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The links of a text, as (text, href).
    fn links(text: &str) -> Vec<(&str, String)> {
        segments(text)
            .into_iter()
            .filter_map(|s| s.href.map(|h| (s.text, h)))
            .collect()
    }

    #[test]
    fn uk_numbers_in_groups_are_phone_links() {
        assert_eq!(
            links("Call the Helpline on 08000 121 700 (24 hours), or 0300 123 4043 now."),
            [
                ("08000 121 700", "tel:08000121700".to_owned()),
                ("0300 123 4043", "tel:03001234043".to_owned()),
            ]
        );
        assert_eq!(
            links("GLAA 0800 432 0804; Crimestoppers 0800 555 111."),
            [
                ("0800 432 0804", "tel:08004320804".to_owned()),
                ("0800 555 111", "tel:0800555111".to_owned()),
            ]
        );
        assert_eq!(
            links("Beacon: 03000 11 55 55"),
            [("03000 11 55 55", "tel:03000115555".to_owned())]
        );
        assert_eq!(
            links("+44 800 555 111"),
            [("+44 800 555 111", "tel:+44800555111".to_owned())]
        );
    }

    #[test]
    fn a_number_stops_before_a_following_number_that_is_not_part_of_it() {
        // "24" would make 13 digits: the number ends before it.
        assert_eq!(
            links("ring 0800 808 3733 24 hours a day"),
            [("0800 808 3733", "tel:08008083733".to_owned())]
        );
    }

    #[test]
    fn short_lines_only_alone() {
        assert_eq!(
            links("Call 999 now; then 101."),
            [("999", "tel:999".to_owned()), ("101", "tel:101".to_owned())]
        );
        for text in [
            "MSA s101",
            "1999",
            "9999",
            "101st",
            "§101",
            "2026-12-15",
            "section 52(3)",
            "30 days",
            "v3.11",
            "0300",
            "0123 45",
            "999.5",
        ] {
            assert_eq!(links(text), [], "{text}");
        }
    }

    #[test]
    fn addresses_are_links_without_trailing_punctuation() {
        assert_eq!(
            links("Email intelligence@gla.gov.uk, or see https://www.gov.uk/x (guidance)."),
            [
                (
                    "intelligence@gla.gov.uk",
                    "mailto:intelligence@gla.gov.uk".to_owned()
                ),
                ("https://www.gov.uk/x", "https://www.gov.uk/x".to_owned()),
            ]
        );
        assert_eq!(
            links("(see modernslaveryhelpline.org)"),
            [(
                "modernslaveryhelpline.org",
                "https://modernslaveryhelpline.org".to_owned()
            )]
        );
        assert_eq!(
            links("www.stopexploitationherts.org.uk/report"),
            [(
                "www.stopexploitationherts.org.uk/report",
                "https://www.stopexploitationherts.org.uk/report".to_owned()
            )]
        );
        for text in [
            "e.g. this",
            "i.e.",
            "v1.0.0",
            "NRM-A §2.1",
            "a.b",
            "file.json",
        ] {
            assert_eq!(links(text), [], "{text}");
        }
    }

    #[test]
    fn segments_join_back_to_the_text() {
        let text = "Call 999. Then 0300 123 4042 or www.example.org.uk!";
        let joined: String = segments(text).iter().map(|s| s.text).collect();
        assert_eq!(joined, text);
        assert_eq!(segments(""), []);
    }

    #[test]
    fn numbers_stay_whole_when_wrapped() {
        let kept = keep_numbers_whole("on 0300 123 4043 now");
        assert_eq!(kept, "on 0300\u{e000}123\u{e000}4043 now");
        assert_eq!(plain_spaces(&kept), "on 0300 123 4043 now");
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_into_segments_that_join_back(text in "\\PC{0,80}") {
            let segs = segments(&text);
            let joined: String = segs.iter().map(|s| s.text).collect();
            proptest::prop_assert_eq!(&joined, &text);
            for s in &segs {
                proptest::prop_assert!(!s.text.is_empty());
            }
        }

        #[test]
        fn texts_made_of_link_parts_split_and_join_back(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("0300 123 4043".to_owned()),
                    proptest::strategy::Just("999".to_owned()),
                    proptest::strategy::Just("a@b.org".to_owned()),
                    proptest::strategy::Just("https://x.gov.uk/a(b)".to_owned()),
                    proptest::strategy::Just("gov.uk".to_owned()),
                    "[ .,;:()0-9a-z@/]{0,6}",
                ],
                0..12,
            )
        ) {
            let text = parts.concat();
            let joined: String = segments(&text).iter().map(|s| s.text).collect();
            proptest::prop_assert_eq!(joined, text);
        }
    }
}
