//! JSON read strictly: an object that names a key twice is an error, not "the last one wins".
//!
//! `serde_json` keeps the last of two equal keys in a map, so `"actions": {"call_999": …,
//! "call_999": …}` in a pathway, or a fact given twice in a scenario, would silently lose
//! one. Every document the library reads from text goes through [`parse`] first.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The end of the message for a key given twice.
pub(crate) const DUPLICATE: &str = " is given twice in one object";

/// Parses `text` as JSON, refusing any object with a duplicate key. The error carries the
/// line and column, and names the key.
pub(crate) fn parse(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// serde_json's message for a syntax error in `text`, made exact where it misleads: a byte
/// order mark (`expected value`), a space JSON does not allow (a no-break space or a line
/// separator, where only space, tab, line feed and carriage return are JSON's), and a number
/// too large to read (`number out of range`, without the number). The message keeps
/// serde_json's ending, ` at line L column C`.
pub(crate) fn explain(text: &str, e: &serde_json::Error) -> String {
    let message = e.to_string();
    let (line, column) = (e.line(), e.column());
    if !e.is_syntax() || line == 0 || column == 0 {
        return message;
    }
    let place = format!("at line {line} column {column}");
    // serde_json counts the column in bytes from the start of the line.
    let line_start: usize = text.split('\n').take(line - 1).map(|l| l.len() + 1).sum();
    let at = line_start + column - 1;
    if message.starts_with("number out of range") {
        // The column is the number's last byte.
        let bytes = text.as_bytes();
        let end = (at + 1).min(bytes.len());
        let numeric = |b: &u8| b.is_ascii_digit() || b"+-.eE".contains(b);
        let begin = end - bytes[..end].iter().rev().take_while(|b| numeric(b)).count();
        let number = text.get(begin..end).unwrap_or_default();
        let mut shown: String = number.chars().take(40).collect();
        if shown.len() < number.len() {
            shown.push('…');
        }
        return format!(
            "the number {shown} is too large to read (numbers must be within ±1.7e308) {place}"
        );
    }
    match text.get(at..).and_then(|rest| rest.chars().next()) {
        Some('\u{feff}') if at == 0 => {
            format!(
                "the text starts with a byte order mark (U+FEFF), which JSON does not allow (save it as UTF-8 without one) {place}"
            )
        }
        Some(c)
            if c == '\u{feff}' || (c.is_whitespace() && !matches!(c, ' ' | '\t' | '\n' | '\r')) =>
        {
            format!(
                "{} is not a space JSON allows (only space, tab, line feed and carriage return) {place}",
                crate::visible::describe(c)
            )
        }
        _ => message,
    }
}

/// A seed that deserialises any JSON value, checking object keys on the way.
#[derive(Clone, Copy)]
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = serde_json::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(items.into())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key `{key}`{DUPLICATE}"
                )));
            }
            let value = map.next_value_seed(self)?;
            object.insert(key, value);
        }
        Ok(object.into())
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_key_given_twice_is_refused_with_its_place() {
        let e = parse("{\n  \"a\": {\"b\": 1,\n  \"b\": 2}\n}").unwrap_err();
        assert_eq!(e.line(), 3);
        assert!(e.to_string().contains("the key `b` is given twice"), "{e}");
        // The same key in different objects, and equal values, are fine.
        let v = parse(r#"{"a": {"b": 1}, "c": {"b": 1}, "d": [{"b": 1}, {"b": 1}]}"#).unwrap();
        assert_eq!(v["d"][1]["b"], 1);
    }

    /// V14: a byte order mark, a space JSON does not allow and a number too large to read are
    /// named as such.
    #[test]
    fn syntax_errors_that_mislead_are_explained() {
        let explain = |text: &str| {
            let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
            super::explain(text, &e)
        };
        assert_eq!(
            explain("\u{feff}{\"a\": 1}"),
            "the text starts with a byte order mark (U+FEFF), which JSON does not allow (save it as UTF-8 without one) at line 1 column 1"
        );
        assert_eq!(
            explain("{\"age\": 1e400}"),
            "the number 1e400 is too large to read (numbers must be within ±1.7e308) at line 1 column 13"
        );
        assert!(explain("{\"age\": -1e400}").starts_with("the number -1e400 is too large"));
        assert_eq!(
            explain("{\"é\": 1,\n \"b\":\u{a0}2}"),
            "U+00A0 (NO-BREAK SPACE) is not a space JSON allows (only space, tab, line feed and carriage return) at line 2 column 6"
        );
        assert!(
            explain("{\"a\": 1}\u{2028}").starts_with("U+2028 (LINE SEPARATOR) is not a space")
        );
        assert_eq!(
            explain("{\"a\": tru}"),
            "expected ident at line 1 column 10"
        );
    }

    #[test]
    fn values_match_serde_json() {
        let text = r#"{"t": true, "n": null, "i": -3, "u": 18446744073709551615, "f": 1.5, "s": "é\n", "a": [1, [2]], "o": {}}"#;
        let strict = parse(text).unwrap();
        let plain: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(strict, plain);
        assert!(parse("[1] 2").is_err(), "trailing characters are an error");
        assert!(parse("{\"a\": 1").is_err());
    }
}
