//! One anonymised monitoring record: built from a finished walk, or read back for a report.

use std::collections::BTreeMap;

use serde::Serialize;

use super::vocab::{AGE_GROUPS, CONSENTS, MonitoringVocab, NOT_KNOWN};
use crate::bundle::Bundle;
use crate::date::{Date, age_on};
use crate::evaluate::{Evaluation, State};
use crate::value::{Facts, Value};

/// The record format and its version: the first field of every record.
pub const MONITORING_FORMAT: &str = "pathway-monitoring/v1";

/// Every field a record holds, in the order it is written. Nothing else is ever written, and
/// a record with any other field is refused when read.
pub const MONITORING_FIELDS: &[&str] = &[
    "format",
    "month",
    "district",
    "organisation",
    "age_group",
    "age_doubted",
    "exploitation_type",
    "consent",
    "codes",
];

/// An anonymised monitoring record (`pathway-monitoring/v1`): only the month and values from
/// closed vocabularies ([`MonitoringVocab`], [`AGE_GROUPS`], [`CONSENTS`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MonitoringRecord {
    /// Always [`MONITORING_FORMAT`].
    pub format: String,
    /// The month of the walk's date, `YYYY-MM`.
    pub month: String,
    /// An option of the set's `district` fact, or `not_known`.
    pub district: String,
    /// The worker's `reporter_organisation`, or `not_known` (a record that gave only the v1
    /// First Responder and public authority answers).
    pub organisation: String,
    /// One of [`AGE_GROUPS`].
    pub age_group: String,
    /// The worker had reason to believe the person may be under 18 (`may_be_under_18`): the
    /// age group is the age given, and the walk took the child route.
    pub age_doubted: bool,
    /// The `exploitation_type` answered, or `not_known`.
    pub exploitation_type: String,
    /// One of [`CONSENTS`].
    pub consent: String,
    /// The outcome's action codes, in the outcome's order.
    pub codes: Vec<String>,
}

/// Why a monitoring record was refused. The messages name fields, never values read from the
/// record (a value that is not in its vocabulary may be personal data typed by mistake).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MonitoringError {
    /// Not JSON.
    #[error("not valid JSON: {0}")]
    Syntax(String),
    /// JSON, but not an object.
    #[error("a monitoring record is a JSON object")]
    NotAnObject,
    /// No `format`, or another format or version.
    #[error("{}", match .found {
        Some(f) => format!("the record format is `{f}`, which this version cannot read (it reads {MONITORING_FORMAT})"),
        None => format!("the record has no `format` (expected \"{MONITORING_FORMAT}\")"),
    })]
    Format {
        /// The format given (at most 40 characters of it), if any.
        found: Option<String>,
    },
    /// A field a monitoring record never holds.
    #[error("`{field}` is not a field of a monitoring record: it may hold only {}", MONITORING_FIELDS.join(", "))]
    UnknownField {
        /// The field (at most 40 characters of it).
        field: String,
    },
    /// A required field is missing.
    #[error("the record has no `{field}`")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A value outside the field's vocabulary.
    #[error("`{field}` {why}")]
    Value {
        /// The field.
        field: &'static str,
        /// What the value must be.
        why: &'static str,
    },
}

/// The monitoring record of a finished walk, on the walk's date `today`, or `None` while the
/// walk is unfinished. Ages, organisation, exploitation type and consent are the answers the
/// walk read; the district is read from `facts` (no route reads it).
pub fn monitoring_record(
    bundle: &Bundle,
    evaluation: &Evaluation<'_>,
    facts: &Facts,
    today: Date,
) -> Option<MonitoringRecord> {
    let State::Finished(outcome) = &evaluation.state else {
        return None;
    };
    let read: BTreeMap<&str, &Value> = evaluation
        .trail
        .iter()
        .filter_map(|v| v.answer.as_ref().map(|a| (a.fact, &a.value)))
        .collect();
    let choice = |value: Option<&Value>| match value {
        Some(Value::Choice(s)) => Some(s.clone()),
        _ => None,
    };
    let vocab = MonitoringVocab::new(bundle);
    let within = |value: Option<String>, list: &[(String, String)]| {
        value
            .filter(|v| list.iter().any(|(o, _)| o == v))
            .unwrap_or_else(|| NOT_KNOWN.to_owned())
    };
    let consent = choice(read.get("consent_to_nrm").copied())
        .filter(|c| CONSENTS.iter().any(|(v, _)| v == c))
        .unwrap_or_else(|| "not_asked".to_owned());
    Some(MonitoringRecord {
        format: MONITORING_FORMAT.to_owned(),
        month: month_of(today),
        district: within(choice(facts.get(super::DISTRICT_FACT)), &vocab.districts),
        organisation: within(
            choice(read.get("reporter_organisation").copied()),
            &vocab.organisations,
        ),
        age_group: age_group(&read, today).to_owned(),
        age_doubted: matches!(read.get("may_be_under_18"), Some(Value::Bool(true))),
        exploitation_type: within(
            choice(read.get("exploitation_type").copied()),
            &vocab.exploitation_types,
        ),
        consent,
        codes: outcome.codes().iter().map(|c| (*c).to_owned()).collect(),
    })
}

/// `YYYY-MM`.
fn month_of(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The age group from the age answers the walk read.
fn age_group(read: &BTreeMap<&str, &Value>, today: Date) -> &'static str {
    let age = match (
        read.get("age_basis"),
        read.get("date_of_birth"),
        read.get("age"),
    ) {
        (Some(Value::Choice(b)), Some(Value::Date(dob)), _) if b == "date_of_birth" => {
            Some(age_on(*dob, today))
        }
        (Some(Value::Choice(b)), _, Some(Value::Int(n))) if b == "stated_age" => Some(*n),
        _ => None,
    };
    match age {
        Some(a) if a < 17 => "under_17",
        Some(17) => "17",
        Some(a) if a <= 24 => "18_to_24",
        Some(_) => "25_and_over",
        None => "unknown",
    }
}

impl MonitoringRecord {
    /// The record as one line of JSON (no line break), fields in [`MONITORING_FIELDS`] order.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a record written by [`MonitoringRecord::to_json`] (any order of fields), checking
    /// the format version, that it holds every field and no other, and that every value is in
    /// its vocabulary.
    pub fn parse(text: &str, vocab: &MonitoringVocab) -> Result<Self, MonitoringError> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| MonitoringError::Syntax(e.to_string()))?;
        let serde_json::Value::Object(map) = json else {
            return Err(MonitoringError::NotAnObject);
        };
        match map.get("format") {
            Some(serde_json::Value::String(f)) if f == MONITORING_FORMAT => {}
            Some(other) => {
                let shown = other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned);
                return Err(MonitoringError::Format {
                    found: Some(shown.chars().take(40).collect()),
                });
            }
            None => return Err(MonitoringError::Format { found: None }),
        }
        if let Some(field) = map
            .keys()
            .find(|k| !MONITORING_FIELDS.contains(&k.as_str()))
        {
            return Err(MonitoringError::UnknownField {
                field: field.chars().take(40).collect(),
            });
        }
        let get = |field: &'static str| map.get(field).ok_or(MonitoringError::Missing { field });
        let text = |field: &'static str, allowed: Vec<&str>, why| match get(field)? {
            serde_json::Value::String(s) if allowed.contains(&s.as_str()) => Ok(s.clone()),
            _ => Err(MonitoringError::Value { field, why }),
        };
        let pairs =
            |list: &'static [(&'static str, &'static str)]| list.iter().map(|(v, _)| *v).collect();
        let month = match get("month")? {
            serde_json::Value::String(m) if is_month(m) => m.clone(),
            _ => {
                return Err(MonitoringError::Value {
                    field: "month",
                    why: "must be a month written YYYY-MM",
                });
            }
        };
        let district = text(
            "district",
            vocab.districts.iter().map(|(v, _)| v.as_str()).collect(),
            "must be one of the districts of the set, or \"not_known\"",
        )?;
        let organisation = text(
            "organisation",
            vocab
                .organisations
                .iter()
                .map(|(v, _)| v.as_str())
                .collect(),
            "must be an option of `reporter_organisation`, or \"not_known\"",
        )?;
        let age_group = text(
            "age_group",
            pairs(AGE_GROUPS),
            "must be one of under_17, 17, 18_to_24, 25_and_over, unknown",
        )?;
        let age_doubted = match get("age_doubted")? {
            serde_json::Value::Bool(b) => *b,
            _ => {
                return Err(MonitoringError::Value {
                    field: "age_doubted",
                    why: "must be true or false",
                });
            }
        };
        let exploitation_type = text(
            "exploitation_type",
            vocab
                .exploitation_types
                .iter()
                .map(|(v, _)| v.as_str())
                .collect(),
            "must be an option of `exploitation_type`, or \"not_known\"",
        )?;
        let consent = text(
            "consent",
            pairs(CONSENTS),
            "must be one of given, declined, not_yet, not_asked",
        )?;
        let bad_codes = MonitoringError::Value {
            field: "codes",
            why: "must be a list of the set's action codes, each once",
        };
        let serde_json::Value::Array(list) = get("codes")? else {
            return Err(bad_codes);
        };
        let mut codes: Vec<String> = Vec::with_capacity(list.len());
        for code in list {
            match code {
                serde_json::Value::String(c) if vocab.codes.contains(c) && !codes.contains(c) => {
                    codes.push(c.clone());
                }
                _ => return Err(bad_codes),
            }
        }
        Ok(Self {
            format: MONITORING_FORMAT.to_owned(),
            month,
            district,
            organisation,
            age_group,
            age_doubted,
            exploitation_type,
            consent,
            codes,
        })
    }

    /// The quarter of the record's month, `YYYY-Qn`.
    pub fn quarter(&self) -> String {
        let (year, month) = self.month.split_at(4);
        let month: u32 = month.trim_start_matches('-').parse().unwrap_or(1);
        format!("{year}-Q{}", month.div_ceil(3))
    }
}

/// `YYYY-MM` with a month from 01 to 12.
fn is_month(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
        && matches!(text[5..].parse::<u32>(), Ok(1..=12))
}
