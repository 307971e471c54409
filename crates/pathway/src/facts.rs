//! Checking answers against fact declarations: types, ranges, options and dates.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::bundle::{Bundle, FactDecl};
use crate::date::Date;
use crate::model::FactType;
use crate::value::{Facts, Value};

/// Dates further back than this many years before `today` are rejected as impossible.
pub(crate) const OLDEST_YEARS: i32 = 130;

/// Why an answer or a facts record was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FactError {
    /// The fact id is declared by no pathway of the set.
    #[error("unknown fact `{fact}`: no pathway of this set declares it")]
    Unknown {
        /// The fact id.
        fact: String,
    },
    /// The value has the wrong JSON type.
    #[error("`{fact}` must be {expected}, not {found}")]
    WrongType {
        /// The fact id.
        fact: String,
        /// What the declaration wants.
        expected: String,
        /// What was given.
        found: String,
    },
    /// An integer outside the declared range.
    #[error("`{fact}` must be between {min} and {max}, not {value}")]
    OutOfRange {
        /// The fact id.
        fact: String,
        /// The value given.
        value: String,
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// A choice that is not one of the options.
    #[error("`{value}` is not an answer to `{fact}`; the answers are: {options}")]
    NotAnOption {
        /// The fact id.
        fact: String,
        /// The value given.
        value: String,
        /// The accepted values, comma-separated.
        options: String,
    },
    /// A text that is not a `YYYY-MM-DD` date.
    #[error("`{fact}` must be a date written YYYY-MM-DD, not `{value}`")]
    BadDate {
        /// The fact id.
        fact: String,
        /// The text given.
        value: String,
    },
    /// A date after the evaluation date, or impossibly long ago.
    #[error("`{fact}` is {value}, which is {why} ({today})")]
    ImpossibleDate {
        /// The fact id.
        fact: String,
        /// The date given.
        value: Date,
        /// "after today" or "more than 130 years before today".
        why: &'static str,
        /// The evaluation date.
        today: Date,
    },
    /// A facts record that is not a JSON object.
    #[error("a facts record must be a JSON object of fact ids and answers, not {found}")]
    NotAnObject {
        /// What was given.
        found: String,
    },
    /// A facts record whose text is not JSON ([`Bundle::parse_facts_str`]).
    #[error("not valid JSON: {message}")]
    Syntax {
        /// The JSON parser's message, with the line and column.
        message: String,
        /// Line of the problem in the record's text, from 1.
        line: usize,
        /// Column of the problem, from 1.
        column: usize,
    },
    /// A fact given more than once in one record ([`Bundle::parse_facts_str`]): which one
    /// counts would be a guess.
    #[error("`{fact}` is given twice: give each fact once")]
    Duplicate {
        /// The fact id.
        fact: String,
    },
}

impl FactError {
    /// The fact the error is about, if any.
    pub fn fact(&self) -> Option<&str> {
        match self {
            Self::Unknown { fact }
            | Self::WrongType { fact, .. }
            | Self::OutOfRange { fact, .. }
            | Self::NotAnOption { fact, .. }
            | Self::BadDate { fact, .. }
            | Self::ImpossibleDate { fact, .. }
            | Self::Duplicate { fact } => Some(fact),
            Self::NotAnObject { .. } | Self::Syntax { .. } => None,
        }
    }

    /// The message without any answer or unknown key from the input, for reports that must
    /// carry no personal data (such as `pathway decide --stats`). Declared fact ids, options
    /// and bounds come from the pathway set, not the input, and are kept.
    pub fn anonymised(&self) -> String {
        match self {
            Self::Unknown { .. } => {
                "an unknown field: no pathway of this set declares it".to_owned()
            }
            Self::WrongType { fact, expected, .. } => format!("`{fact}` must be {expected}"),
            Self::OutOfRange { fact, min, max, .. } => {
                format!("`{fact}` must be between {min} and {max}")
            }
            Self::NotAnOption { fact, options, .. } => {
                format!("`{fact}` is not one of its answers; the answers are: {options}")
            }
            Self::BadDate { fact, .. } => format!("`{fact}` must be a date written YYYY-MM-DD"),
            Self::ImpossibleDate { fact, why, .. } => format!("`{fact}` is a date {why}"),
            Self::NotAnObject { .. } => {
                "a facts record must be a JSON object of fact ids and answers".to_owned()
            }
            Self::Syntax { line, column, .. } => {
                format!("not valid JSON (at line {line} column {column})")
            }
            Self::Duplicate { .. } => self.to_string(),
        }
    }
}

fn json_kind(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("the boolean {b}"),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the text \"{s}\""),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

impl FactDecl {
    /// Checks a JSON answer against this declaration.
    pub fn parse_value(&self, json: &serde_json::Value, today: Date) -> Result<Value, FactError> {
        let fact = self.id.clone();
        let wrong = |expected: &str| FactError::WrongType {
            fact: fact.clone(),
            expected: expected.to_owned(),
            found: json_kind(json),
        };
        match self.ty {
            FactType::Bool => json
                .as_bool()
                .map(Value::Bool)
                .ok_or_else(|| wrong("true or false")),
            FactType::Integer => {
                let Some(n) = json.as_i64() else {
                    return Err(wrong("a whole number"));
                };
                let (min, max) = (self.min.unwrap_or(i64::MIN), self.max.unwrap_or(i64::MAX));
                if (min..=max).contains(&n) {
                    Ok(Value::Int(n))
                } else {
                    Err(FactError::OutOfRange {
                        fact,
                        value: n.to_string(),
                        min,
                        max,
                    })
                }
            }
            FactType::Choice => {
                let s = json
                    .as_str()
                    .ok_or_else(|| wrong("one of the answers as text"))?;
                if self.options.iter().any(|o| o.value == s) {
                    Ok(Value::Choice(s.to_owned()))
                } else {
                    let options = self
                        .options
                        .iter()
                        .map(|o| o.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    Err(FactError::NotAnOption {
                        fact,
                        value: s.to_owned(),
                        options,
                    })
                }
            }
            FactType::Date => {
                let s = json
                    .as_str()
                    .ok_or_else(|| wrong("a date written YYYY-MM-DD"))?;
                let date: Date = s.parse().map_err(|_| FactError::BadDate {
                    fact: fact.clone(),
                    value: s.to_owned(),
                })?;
                check_date(&fact, date, today).map(Value::Date)
            }
        }
    }
}

pub(crate) fn check_date(fact: &str, date: Date, today: Date) -> Result<Date, FactError> {
    let why = if date > today {
        "after today"
    } else if today
        .anniversary(-OLDEST_YEARS)
        .is_some_and(|oldest| date < oldest)
    {
        "more than 130 years before today"
    } else {
        return Ok(date);
    };
    Err(FactError::ImpossibleDate {
        fact: fact.to_owned(),
        value: date,
        why,
        today,
    })
}

impl Bundle {
    /// Checks one answer against the set's declaration of the fact.
    pub fn check_value(
        &self,
        fact: &str,
        json: &serde_json::Value,
        today: Date,
    ) -> Result<Value, FactError> {
        let decl = self.fact(fact).ok_or_else(|| FactError::Unknown {
            fact: fact.to_owned(),
        })?;
        decl.parse_value(json, today)
    }

    /// Checks a facts record (a JSON object). `null` means "not known" and is skipped.
    /// The first problem is returned; the facts are checked in id order.
    pub fn parse_facts(&self, json: &serde_json::Value, today: Date) -> Result<Facts, FactError> {
        let object = json.as_object().ok_or_else(|| FactError::NotAnObject {
            found: json_kind(json),
        })?;
        let mut entries: Vec<(&String, &serde_json::Value)> = object.iter().collect();
        entries.sort_by_key(|(id, _)| *id);
        self.check_entries(entries.into_iter().map(|(id, v)| (id.clone(), v)), today)
    }

    /// The facts of a record's entries, given in id order: the first problem is returned;
    /// `null` means "not known" and is skipped (for a declared fact).
    fn check_entries<V: std::borrow::Borrow<serde_json::Value>>(
        &self,
        entries: impl Iterator<Item = (String, V)>,
        today: Date,
    ) -> Result<Facts, FactError> {
        let mut facts = Facts::default();
        for (id, value) in entries {
            let Some(decl) = self.fact(&id) else {
                return Err(FactError::Unknown { fact: id });
            };
            let value = value.borrow();
            if !value.is_null() {
                let value = decl.parse_value(value, today)?;
                facts.insert(id, value);
            }
        }
        Ok(facts)
    }

    /// The declared fact nearest to an unknown id, if it looks like a typing mistake of it
    /// (`immediate_dagner` → `immediate_danger`): for "did you mean" hints.
    pub fn nearest_fact(&self, id: &str) -> Option<&str> {
        crate::suggest::nearest(id, self.facts.keys().map(String::as_str))
    }

    /// Checks a facts record written as JSON text, like [`Bundle::parse_facts`], and also
    /// refuses a fact given twice (`{"immediate_danger": true, "immediate_danger": false}`),
    /// which a parsed JSON value has already silently reduced to the last one. A key given
    /// twice that no pathway declares is reported as unknown.
    pub fn parse_facts_str(&self, text: &str, today: Date) -> Result<Facts, FactError> {
        let written: Written = serde_json::from_str(text).map_err(|e| FactError::Syntax {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        })?;
        let entries = match written {
            Written::Object(entries) => entries,
            Written::Other(value) => {
                return Err(FactError::NotAnObject {
                    found: json_kind(&value),
                });
            }
        };
        // In id order, as `parse_facts` checks them; a key given twice is the error that
        // counts first, the one whose second writing comes first in the record.
        let mut entries: Vec<(usize, String, serde_json::Value)> = entries
            .into_iter()
            .enumerate()
            .map(|(i, (id, value))| (i, id, value))
            .collect();
        entries.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        let twice = entries
            .windows(2)
            .filter(|w| w[0].1 == w[1].1)
            .min_by_key(|w| w[1].0)
            .map(|w| w[1].1.clone());
        if let Some(id) = twice {
            return Err(if self.fact(&id).is_some() {
                FactError::Duplicate { fact: id }
            } else {
                FactError::Unknown { fact: id }
            });
        }
        self.check_entries(entries.into_iter().map(|(_, id, v)| (id, v)), today)
    }
}

/// A record as written: an object's entries in file order, duplicates kept, or any other
/// JSON value (only its kind is reported, so a list's items are skipped).
enum Written {
    Object(Vec<(String, serde_json::Value)>),
    Other(serde_json::Value),
}

impl<'de> Deserialize<'de> for Written {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WrittenVisitor)
    }
}

struct WrittenVisitor;

impl<'de> Visitor<'de> for WrittenVisitor {
    type Value = Written;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Written, E> {
        Ok(Written::Other(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Written, E> {
        Ok(Written::Other(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Written, E> {
        Ok(Written::Other(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Written, E> {
        Ok(Written::Other(v.into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Written, E> {
        Ok(Written::Other(v.into()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Written, E> {
        Ok(Written::Other(serde_json::Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Written, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Written::Other(serde_json::Value::Array(Vec::new())))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Written, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
            entries.push(entry);
        }
        Ok(Written::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Facts, FactError> {
        let bundle = crate::bundled().unwrap();
        bundle.parse_facts_str(text, "2026-11-22".parse().unwrap())
    }

    #[test]
    fn a_fact_given_twice_is_refused_not_reduced_to_the_last() {
        let twice = check(r#"{"immediate_danger": true, "immediate_danger": false}"#);
        assert_eq!(
            twice,
            Err(FactError::Duplicate {
                fact: "immediate_danger".into()
            })
        );
        assert_eq!(
            twice.unwrap_err().to_string(),
            "`immediate_danger` is given twice: give each fact once"
        );
        // The same key written with an escape is the same fact.
        assert!(matches!(
            check(r#"{"age": 3, "a\u0067e": 3}"#),
            Err(FactError::Duplicate { fact }) if fact == "age"
        ));
        // An undeclared key is unknown first, given twice or not.
        assert!(matches!(
            check(r#"{"name": "x", "name": "y"}"#),
            Err(FactError::Unknown { fact }) if fact == "name"
        ));
    }

    #[test]
    fn text_records_agree_with_parsed_records() {
        let bundle = crate::bundled().unwrap();
        let today = "2026-11-22".parse().unwrap();
        for text in [
            r#"{"immediate_danger": true, "age_basis": null}"#,
            r#"{"immediate_danger": "yes"}"#,
            r#"{"age": 130}"#,
            r#"{"shoe_size": 9}"#,
            r#"[1, 2]"#,
            r#""text""#,
            "7",
        ] {
            let json: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                bundle.parse_facts_str(text, today),
                bundle.parse_facts(&json, today),
                "{text}"
            );
        }
        let syntax = check(r#"{"immediate_danger": tru}"#).unwrap_err();
        assert!(
            matches!(syntax, FactError::Syntax { line: 1, .. }),
            "{syntax:?}"
        );
        assert!(syntax.to_string().starts_with("not valid JSON: expected"));
    }

    #[test]
    fn a_typing_mistake_in_a_fact_id_finds_the_fact() {
        let bundle = crate::bundled().unwrap();
        assert_eq!(
            bundle.nearest_fact("immediate_dagner"),
            Some("immediate_danger")
        );
        assert_eq!(bundle.nearest_fact("Date_Of_Birth"), Some("date_of_birth"));
        assert_eq!(bundle.nearest_fact("shoe_size"), None);
    }

    #[test]
    fn anonymised_messages_carry_no_value_from_the_input() {
        for text in [
            r#"{"full_name": "Jane Doe"}"#,
            r#"{"immediate_danger": "Jane Doe"}"#,
            r#"{"age_basis": "Jane Doe"}"#,
            r#"{"date_of_birth": "Jane Doe"}"#,
            r#"{"date_of_birth": "2031-01-01"}"#,
            r#"{"age": 1312}"#,
            r#""Jane Doe""#,
            r#"{"Jane Doe": 1, "Jane Doe": 2}"#,
            r#"{"immediate_danger": Jane Doe}"#,
        ] {
            let e = check(text).unwrap_err();
            let message = e.anonymised();
            for value in ["Jane", "Doe", "full_name", "2031", "1312"] {
                assert!(!message.contains(value), "{text}: {message}");
            }
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            check(r#"{"age": 1312}"#).unwrap_err().anonymised(),
            "`age` must be between 0 and 120"
        );
    }
}
