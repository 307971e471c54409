//! Anonymised monitoring records: what a finished walk tells the partnership, and nothing
//! that could identify a person.
//!
//! A [`MonitoringRecord`] holds only closed vocabularies and the month: the district, the
//! reporter's kind of organisation, an age group, the exploitation type, the consent result
//! and the outcome codes. No name, no date of birth, no age in years, no free text, no id, no
//! time finer than the month: identical walks in the same month give identical records.
//! [`crate::stats`] turns many partners' records into the partnership's report.

mod record;
mod vocab;

pub use record::{
    MONITORING_FIELDS, MONITORING_FORMAT, MonitoringError, MonitoringRecord, monitoring_record,
};
pub use vocab::{AGE_GROUPS, CONSENTS, MonitoringVocab};

use std::collections::BTreeMap;

use crate::compile::Sink;
use crate::diagnostic::Diagnostic;
use crate::model::{FactDef, Source};

/// The fact that records where a case was met, for monitoring only: no route reads it.
pub const DISTRICT_FACT: &str = "district";

/// Checks a fact's `cites` (a fact no rule reads, such as `district`, cites why it is asked):
/// each tag must be a declared source.
pub(crate) fn check_fact_cites(
    file: &str,
    at: &str,
    def: &FactDef,
    sources: &BTreeMap<String, Source>,
    sink: &mut Sink,
) {
    for cite in &def.cites {
        let tag = cite.split_whitespace().next().unwrap_or("");
        if !sources.contains_key(tag) {
            sink.0.push(
                Diagnostic::error(
                    crate::diagnostic::Code::UnknownSource,
                    file,
                    at,
                    format!("cites `{cite}`, but `{tag}` is not in `sources`"),
                )
                .hint(format!(
                    "declare it: \"sources\": {{\"{tag}\": {{\"title\": …, \"confidence\": \"H\"}}}}"
                )),
            );
        }
    }
}
