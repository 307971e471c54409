//! The public vocabulary (DESIGN.md sections 4 and 4b): fact ids and action codes that mean
//! the same in every pathway. Pathways may add facts and codes, never redefine these.
//!
//! v2 (December 2026) only adds: a fact it widens keeps its v1 answers as aliases, so a v1
//! record keeps its meaning, and a set may declare a widened fact in its v1 or its v2 form.

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

/// A fact as vocabulary v2 declares it (DESIGN.md section 4b).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactV2 {
    /// Fact id.
    pub id: &'static str,
    /// Type.
    pub ty: FactType,
    /// Options, for a choice.
    pub options: &'static [&'static str],
    /// How v1 answers read, for a widened fact (`("false", "no"), ("true", "yes")`).
    pub aliases: &'static [(&'static str, &'static str)],
    /// The declared default, for facts a v1 record never gives (as JSON text).
    pub default: Option<&'static str>,
}

const YES_NO: &[(&str, &str)] = &[("false", "no"), ("true", "yes")];

/// The facts vocabulary v2 widens or adds. The other v1 facts are unchanged.
pub const FACTS_V2: &[FactV2] = &[
    FactV2 {
        id: "suspected_modern_slavery",
        ty: FactType::Choice,
        options: &["yes", "unsure", "no"],
        aliases: YES_NO,
        default: None,
    },
    FactV2 {
        id: "has_capacity_to_consent",
        ty: FactType::Choice,
        options: &["yes", "in_doubt", "no"],
        aliases: YES_NO,
        default: None,
    },
    FactV2 {
        id: "consent_to_nrm",
        ty: FactType::Choice,
        options: &["given", "declined", "not_yet"],
        aliases: &[],
        default: None,
    },
    FactV2 {
        id: "reporter_organisation",
        ty: FactType::Choice,
        options: &[
            "police",
            "childrens_services",
            "adult_social_care",
            "other_council_service",
            "parish_or_town_council",
            "home_office_nca_or_glaa",
            "health",
            "education",
            "first_responder_charity",
            "other",
        ],
        aliases: &[],
        default: None,
    },
    FactV2 {
        id: "language_barrier",
        ty: FactType::Bool,
        options: &[],
        aliases: &[],
        default: Some("false"),
    },
    FactV2 {
        id: "needs_safe_place_tonight",
        ty: FactType::Bool,
        options: &[],
        aliases: &[],
        default: Some("false"),
    },
    FactV2 {
        id: "exploitation_type",
        ty: FactType::Choice,
        options: &[
            "labour",
            "sexual",
            "criminal",
            "domestic_servitude",
            "organ_harvesting",
            "forced_marriage",
            "other",
            "not_known",
        ],
        aliases: &[],
        default: Some("\"not_known\""),
    },
];

/// The action codes vocabulary v2 adds to [`CODES_V1`].
pub const CODES_V2: &[&str] = &[
    "arrange_safe_accommodation",
    "age_assessment",
    "arrange_independent_interpreter",
    "assess_mental_capacity",
];

/// The v2 declaration of a fact id, if v2 widens or adds it.
pub(crate) fn fact_v2(id: &str) -> Option<&'static FactV2> {
    FACTS_V2.iter().find(|f| f.id == id)
}

/// The fact whose options name the organisation types a contact can belong to.
pub(crate) const ORGANISATION: &str = "reporter_organisation";
