//! Checking answers against fact declarations: types, ranges, options and dates.

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
            | Self::ImpossibleDate { fact, .. } => Some(fact),
            Self::NotAnObject { .. } => None,
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
        let mut facts = Facts::default();
        let mut ids: Vec<&String> = object.keys().collect();
        ids.sort();
        for id in ids {
            let value = &object[id];
            if value.is_null() {
                if self.fact(id).is_none() {
                    return Err(FactError::Unknown { fact: id.clone() });
                }
                continue;
            }
            facts.insert(id.clone(), self.check_value(id, value, today)?);
        }
        Ok(facts)
    }
}
