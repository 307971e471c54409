//! The public vocabulary v1 (DESIGN.md section 4): fact ids and action codes that mean the
//! same in every pathway. Pathways may add facts and codes, never redefine these.

use crate::model::FactType;

/// The v1 facts with their types (and options, for choices).
pub const FACTS_V1: &[(&str, FactType, &[&str])] = &[
    ("immediate_danger", FactType::Bool, &[]),
    (
        "age_basis",
        FactType::Choice,
        &["date_of_birth", "stated_age", "unknown"],
    ),
    ("date_of_birth", FactType::Date, &[]),
    ("age", FactType::Integer, &[]),
    ("may_be_under_18", FactType::Bool, &[]),
    ("suspected_modern_slavery", FactType::Bool, &[]),
    ("reporter_is_first_responder", FactType::Bool, &[]),
    ("reporter_is_public_authority", FactType::Bool, &[]),
    ("has_capacity_to_consent", FactType::Bool, &[]),
    ("consent_to_nrm", FactType::Choice, &["given", "declined"]),
    ("care_and_support_needs", FactType::Bool, &[]),
];

/// The v1 outcome action codes.
pub const CODES_V1: &[&str] = &[
    "call_999",
    "treat_as_child",
    "refer_before_18th_birthday",
    "childrens_services_referral",
    "adult_safeguarding_referral",
    "police_report",
    "nrm_referral",
    "contact_first_responder",
    "duty_to_notify",
    "best_interests_decision",
    "helpline_advice",
    "offer_support_information",
    "no_referral_indicated",
];

/// The v1 declaration of a fact id, if it is one.
pub(crate) fn fact_v1(id: &str) -> Option<(FactType, &'static [&'static str])> {
    FACTS_V1
        .iter()
        .find(|(f, _, _)| *f == id)
        .map(|(_, ty, options)| (*ty, *options))
}

/// The range of a v1 integer fact.
pub(crate) fn range_v1(id: &str) -> Option<(i64, i64)> {
    (id == "age").then_some((0, 120))
}
