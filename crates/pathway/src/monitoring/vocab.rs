//! The closed vocabularies of a monitoring record: every value a record may hold.

use std::collections::BTreeSet;

use crate::bundle::Bundle;

/// Age groups, youngest first: the age on the walk's date from the date of birth, or the
/// stated age; `unknown` when neither was given.
pub const AGE_GROUPS: &[(&str, &str)] = &[
    ("under_17", "Under 17"),
    ("17", "17"),
    ("18_to_24", "18 to 24"),
    ("25_and_over", "25 and over"),
    ("unknown", "Age not known"),
];

/// Consent results: the adult's answer to `consent_to_nrm`, or `not_asked` (a child, who is
/// never asked, or a walk that ended before consent).
pub const CONSENTS: &[(&str, &str)] = &[
    ("given", "Consent given"),
    ("declined", "Consent declined"),
    ("not_yet", "Not decided yet"),
    ("not_asked", "Not asked"),
];

/// The value for an answer that was not given.
pub(crate) const NOT_KNOWN: &str = "not_known";

/// The vocabularies a set gives a monitoring record: its districts, organisations,
/// exploitation types (each an option of the fact, with its label, plus `not_known`) and
/// action codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringVocab {
    /// Options of the `district` fact, in the set's order; `not_known` last.
    pub districts: Vec<(String, String)>,
    /// Options of `reporter_organisation`; `not_known` last (a v1 record gives none).
    pub organisations: Vec<(String, String)>,
    /// Options of `exploitation_type`; `not_known` last.
    pub exploitation_types: Vec<(String, String)>,
    /// Every action code of the set.
    pub codes: BTreeSet<String>,
}

impl MonitoringVocab {
    /// The vocabularies of `bundle`.
    pub fn new(bundle: &Bundle) -> Self {
        Self {
            districts: options(bundle, super::DISTRICT_FACT),
            organisations: options(bundle, "reporter_organisation"),
            exploitation_types: options(bundle, "exploitation_type"),
            codes: bundle
                .pathways
                .iter()
                .flat_map(|p| p.actions.iter().map(|(code, _)| code.clone()))
                .collect(),
        }
    }
}

/// The options of a choice fact with their labels, and `not_known` last (once).
fn options(bundle: &Bundle, fact: &str) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = bundle
        .fact(fact)
        .map(|d| {
            d.options
                .iter()
                .filter(|o| o.value != NOT_KNOWN)
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect()
        })
        .unwrap_or_default();
    list.push((NOT_KNOWN.to_owned(), "Not known".to_owned()));
    list
}
