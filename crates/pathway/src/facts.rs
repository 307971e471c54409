//! Checking answers against fact declarations: types, ranges, options and dates.

use std::fmt;
use std::sync::Arc;

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
    /// A date written `YYYY-MM-DD` that the calendar does not have (`2026-02-29`).
    #[error("`{fact}` is {value}, a day that does not exist: {why}")]
    NoSuchDate {
        /// The fact id.
        fact: String,
        /// The text given.
        value: String,
        /// Why there is no such day (`February 2026 has 28 days`).
        why: String,
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
    /// Two answers of one record that cannot both be true: a fact that another answer
    /// settles is given with another value (a police officer's record that says their
    /// organisation is not a First Responder).
    #[error(
        "`{fact}` is {value}, but `{by}` is {by_value}, which means `{fact}` is {settled}: \
         give one of them, or make them agree"
    )]
    Contradiction {
        /// The fact given with the contradicting value.
        fact: String,
        /// Its value as given.
        value: String,
        /// The fact whose answer settles it.
        by: String,
        /// That answer.
        by_value: String,
        /// The value that answer settles.
        settled: String,
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
            | Self::NoSuchDate { fact, .. }
            | Self::ImpossibleDate { fact, .. }
            | Self::Duplicate { fact }
            | Self::Contradiction { fact, .. } => Some(fact),
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
            Self::NoSuchDate { fact, .. } => format!("`{fact}` is a day that does not exist"),
            Self::ImpossibleDate { fact, why, .. } => format!("`{fact}` is a date {why}"),
            Self::NotAnObject { .. } => {
                "a facts record must be a JSON object of fact ids and answers".to_owned()
            }
            Self::Syntax { line, column, .. } => {
                format!("not valid JSON (at line {line} column {column})")
            }
            // Declared facts and their declared answers only: nothing of the person.
            Self::Duplicate { .. } | Self::Contradiction { .. } => self.to_string(),
        }
    }
}

fn json_kind(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("the boolean {b}"),
        // serde_json reads `-0` as the fraction -0.0: say what was written.
        serde_json::Value::Number(n)
            if n.as_f64() == Some(0.0) && n.to_string().starts_with('-') =>
        {
            "-0 (negative zero, which JSON readers take as a fraction): write 0".into()
        }
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the text \"{s}\""),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

impl FactDecl {
    /// Checks a JSON answer against this declaration.
    pub fn parse_value(&self, json: &serde_json::Value, today: Date) -> Result<Value, FactError> {
        // The id is copied only into an error.
        let fact = || self.id.clone();
        let wrong = |expected: &str| FactError::WrongType {
            fact: fact(),
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
                        fact: fact(),
                        value: n.to_string(),
                        min,
                        max,
                    })
                }
            }
            FactType::Choice => {
                // A widened v1 fact reads its v1 answers `true` and `false` as options.
                if let Some(b) = json.as_bool()
                    && let Some(option) = &self.aliases[usize::from(b)]
                {
                    return Ok(Value::Choice(option.clone()));
                }
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
                        fact: fact(),
                        value: s.to_owned(),
                        options,
                    })
                }
            }
            FactType::Date => {
                let s = json
                    .as_str()
                    .ok_or_else(|| wrong("a date written YYYY-MM-DD"))?;
                let date: Date =
                    s.parse()
                        .map_err(|e: crate::DateError| match e.missing_day() {
                            Some(why) => FactError::NoSuchDate {
                                fact: fact(),
                                value: s.to_owned(),
                                why: why.to_owned(),
                            },
                            None => FactError::BadDate {
                                fact: fact(),
                                value: s.to_owned(),
                            },
                        })?;
                check_date(&self.id, date, today).map(Value::Date)
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
        let mut facts = self.check_entries(entries.into_iter(), today)?;
        self.settle(&mut facts)?;
        Ok(facts)
    }

    /// Reads an older record as today's (each fact's `rewrites`: a v1 record's
    /// `capacity_in_doubt: true` with `has_capacity_to_consent: true` reads the capacity as
    /// `"in_doubt"`), then refuses a record that gives a fact another answer settles with
    /// another value, naming both facts.
    pub(crate) fn settle(&self, facts: &mut Facts) -> Result<(), FactError> {
        for (_, decl) in self.facts.settling() {
            let Some(value) = facts.get(&decl.id).cloned() else {
                continue;
            };
            for r in &decl.rewrites {
                if value == r.when && facts.get(&r.fact) == Some(&r.from) {
                    match self
                        .facts
                        .slot(&r.fact)
                        .and_then(|i| Some((self.facts.at(i)?.0, i)))
                    {
                        Some((id, i)) => facts.insert_at(Arc::clone(id), i, r.to.clone()),
                        None => facts.insert(r.fact.as_str(), r.to.clone()),
                    };
                }
            }
        }
        for (_, decl) in self.facts.settling() {
            let Some(answer) = facts.get(&decl.id) else {
                continue;
            };
            for (fact, settled) in decl.settled_by(answer) {
                if let Some(given) = facts.get(fact)
                    && given != settled
                {
                    return Err(FactError::Contradiction {
                        fact: fact.to_owned(),
                        value: given.to_string(),
                        by: decl.id.clone(),
                        by_value: answer.to_string(),
                        settled: settled.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The facts of a record's entries, given in id order and each once: the first problem is
    /// returned; `null` means "not known" and is skipped (for a declared fact).
    fn check_entries<K: AsRef<str>, V: std::borrow::Borrow<serde_json::Value>>(
        &self,
        entries: impl Iterator<Item = (K, V)>,
        today: Date,
    ) -> Result<Facts, FactError> {
        let mut facts = Facts::with_capacity(entries.size_hint().0);
        for (id, value) in entries {
            let id = id.as_ref();
            let declared = self
                .facts
                .slot(id)
                .and_then(|i| Some((i, self.facts.at(i)?)));
            let Some((slot, (shared, decl))) = declared else {
                return Err(FactError::Unknown {
                    fact: id.to_owned(),
                });
            };
            let value = value.borrow();
            if !value.is_null() {
                let value = decl.parse_value(value, today)?;
                // In id order, each once: the slot order.
                facts.insert_read(Arc::clone(shared), slot, value);
            }
        }
        Ok(facts)
    }

    /// The declared fact nearest to an unknown id, if it looks like a typing mistake of it
    /// (`immediate_dagner` → `immediate_danger`): for "did you mean" hints.
    pub fn nearest_fact(&self, id: &str) -> Option<&str> {
        crate::suggest::nearest(id, self.facts.iter().map(|d| d.id.as_str()))
    }

    /// Checks a facts record written as JSON text, like [`Bundle::parse_facts`], and also
    /// refuses a fact given twice (`{"immediate_danger": true, "immediate_danger": false}`),
    /// which a parsed JSON value has already silently reduced to the last one. A key given
    /// twice that no pathway declares is reported as unknown.
    pub fn parse_facts_str(&self, text: &str, today: Date) -> Result<Facts, FactError> {
        // Most records are valid: natively they are read in one pass, for batch throughput.
        // Anything wrong with a record sends it the careful way, which finds the error that
        // counts first. The WebAssembly module, which reads one record at a time, only reads
        // carefully: the one-pass reader's code would take 12 kB of its 150 kB budget. Both
        // give the same result on every record (a property test checks it).
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(mut facts) = one_pass::read(self, text, today) {
            self.settle(&mut facts)?;
            return Ok(facts);
        }
        let mut facts = self.read_carefully(text, today)?;
        self.settle(&mut facts)?;
        Ok(facts)
    }

    /// [`Bundle::parse_facts_str`] for a record with something wrong in it: every entry is
    /// read as written, then checked in id order, as [`Bundle::parse_facts`] checks them.
    fn read_carefully(&self, text: &str, today: Date) -> Result<Facts, FactError> {
        let written: Written = serde_json::from_str(text).map_err(|e| FactError::Syntax {
            message: crate::json::explain(text, &e),
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

/// The one-pass reader of valid records ([`Bundle::parse_facts_str`]).
#[cfg(not(target_arch = "wasm32"))]
mod one_pass;

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
mod tests;
