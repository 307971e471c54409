//! The pathway file format v1, exactly as authored.
//!
//! These are plain serde types mirroring the JSON files in `pathways/`. They carry no
//! behaviour: [`crate::Bundle::load`] compiles them into the validated runtime form. Unknown
//! fields are rejected everywhere so that a typo in a pathway file is an error, not a silently
//! ignored rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `format` marker every pathway file carries.
pub const PATHWAY_FORMAT: &str = "pathway/v1";
/// The `format` marker of a contacts directory file.
pub const CONTACTS_FORMAT: &str = "contacts/v1";

/// One pathway file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PathwayFile {
    /// Always `"pathway/v1"`.
    pub format: String,
    /// Stable identifier, e.g. `hertfordshire-adult`. Lowercase letters, digits and `-`.
    pub id: String,
    /// Human title shown to workers.
    pub title: String,
    /// The partnership that owns the pathway.
    pub partnership: String,
    /// Content version (semantic versioning recommended).
    pub version: String,
    /// Date the content was last reviewed (`YYYY-MM-DD`).
    pub reviewed: String,
    /// Date by which the content must be reviewed again (`YYYY-MM-DD`); past it the pathway
    /// still loads, with a warning every front end shows.
    pub review_by: String,
    /// Jurisdiction the rules apply in, e.g. `England and Wales`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// One-paragraph description of who the pathway is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tag (in `sources`) of the guidance whose version the pathway follows, e.g. `SG`: every
    /// outcome names it, so a worker and a reviewer can see what the advice rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// `true` for the pathway used when a front end is given no pathway (at most one per set).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub entry: bool,
    /// Sources that citations refer to, keyed by tag (e.g. `NRM-A`, `MSA`).
    pub sources: BTreeMap<String, Source>,
    /// Facts the pathway asks or reads, in the order a form would list them.
    pub facts: Vec<FactDef>,
    /// Facts computed from other facts by a rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<DerivedDef>,
    /// Actions an outcome can contain, keyed by action code.
    pub actions: BTreeMap<String, ActionDef>,
    /// Id of the step every walk starts at.
    pub start: String,
    /// The steps of the pathway.
    pub steps: Vec<StepDef>,
    /// Facts every path must have asked before it reaches an outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must_ask: Vec<String>,
    /// Properties proven over every path by `pathway check`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invariants: Vec<InvariantDef>,
}

/// How far a source has been confirmed (DOMAIN.md): `H` primary text seen, `M` secondary or
/// partial, `L` not confirmed. Content resting only on `L` may prompt, never gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Confidence {
    /// Primary text seen.
    H,
    /// Secondary or partial source.
    M,
    /// Not confirmed.
    L,
}

/// A source that citations name by its tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Full title of the source.
    pub title: String,
    /// Where it can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Why there is no `url` (for example "print only; ask the partnership for a copy"):
    /// every source has a `url` or says why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_url: Option<String>,
    /// How far it was confirmed.
    pub confidence: Confidence,
    /// A note for the authors and reviewers of the pathway (what was read, what is still to
    /// verify). Never shown to workers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// `true` or `false`.
    Bool,
    /// One of the declared `options`.
    Choice,
    /// A whole number within `min..=max`.
    Integer,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
}

/// A typed fact: what the worker is asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FactDef {
    /// Fact id (`snake_case`), shared by every pathway of a set.
    pub id: String,
    /// The fact's type.
    #[serde(rename = "type")]
    pub ty: FactType,
    /// The question as the worker reads it: plain English, one thing at a time.
    pub question: String,
    /// Help shown on request: a short answer first (at most 40 words), what a worker needs
    /// mid-encounter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The rest of the help (indicators, definitions, the law), which every front folds
    /// behind "More".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more: Option<String>,
    /// For `choice` facts that widened a v1 `bool` fact: how a v1 answer reads, for example
    /// `{"true": "yes", "false": "no"}`, so that every v1 record keeps its meaning.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, String>,
    /// How older records that give this fact are read: for example a v1 record with
    /// `capacity_in_doubt: true` and `has_capacity_to_consent: true` reads the capacity as
    /// `"in_doubt"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rewrites: Vec<Rewrite>,
    /// For `choice` facts: the answers, in display order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// For `integer` facts: the smallest accepted answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// For `integer` facts: the largest accepted answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Labels for `true` / `false` on `bool` facts (default "Yes" / "No").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BoolLabels>,
    /// Value used when a record omits the fact. Required for facts outside vocabulary v1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// Sources for asking it (`"TAG locator"`), for a fact no rule reads: for example
    /// `district`, asked only for the partnership's monitoring. Each tag must be in `sources`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
}

/// One answer of a `choice` fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The value stored and compared in rules.
    pub value: String,
    /// What the worker reads.
    pub label: String,
    /// Extra explanation of this answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Facts this answer settles, with their values: for example the organisation a worker
    /// works for settles whether it is a First Responder. Every option of a fact settles the
    /// same facts. A record that gives a settled fact with another value is refused, naming
    /// both facts; a record that gives every settled fact but not this one passes the
    /// question that asks it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sets: BTreeMap<String, serde_json::Value>,
}

/// How an older record's answer is read ([`FactDef::rewrites`]): when the declaring fact has
/// the value `when` and `fact` has the value `from`, `fact` reads as `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rewrite {
    /// The value of the declaring fact that triggers the rewrite.
    pub when: serde_json::Value,
    /// The fact whose value is read differently.
    pub fact: String,
    /// Its value as given.
    pub from: serde_json::Value,
    /// Its value as read.
    pub to: serde_json::Value,
    /// Why, for reviewers.
    pub because: String,
}

/// Display labels of a `bool` fact's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BoolLabels {
    /// Label of `true`.
    #[serde(rename = "true")]
    pub yes: String,
    /// Label of `false`.
    #[serde(rename = "false")]
    pub no: String,
}

/// A boolean fact computed from other facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DerivedDef {
    /// Id usable in rules like any fact.
    pub id: String,
    /// Boolean rule over facts.
    pub rule: String,
    /// What it means, in plain English.
    pub description: String,
    /// Sources the rule rests on.
    pub cites: Vec<String>,
}

/// An action an outcome can contain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    /// Short imperative title, e.g. "Call 999 now".
    pub title: String,
    /// What exactly to do.
    pub instructions: String,
    /// Urgent actions are listed first in every outcome.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub urgent: bool,
    /// Id of a contact in the set's contacts directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The form or system to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
    /// Why this action is due, in one or two sentences the worker can repeat: shown with the
    /// action wherever it appears (a reason belongs to its action, not to the last edge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Other wordings for particular cases, tried in order: the first whose `when` is
    /// definitely true on the facts known replaces the fields it gives (for example a police
    /// officer's `police_report` records the crime rather than calling 101). The code, and
    /// so the route, stays the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<ActionVariant>,
    /// Sources the action rests on (at least one).
    pub cites: Vec<String>,
}

/// A wording of an action for particular cases ([`ActionDef::variants`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionVariant {
    /// Boolean rule over facts; the variant applies when it is definitely true (a fact not
    /// known yet never selects a variant).
    pub when: String,
    /// Replaces the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Replaces the instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Replaces the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Replaces the contact; `""` removes it (a form must then be given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Replaces the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
    /// Sources for this wording (at least one).
    pub cites: Vec<String>,
}

/// A form or online system an action uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Name of the form, e.g. "NRM referral (online portal)".
    pub name: String,
    /// Where to find it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A step of the pathway graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StepDef {
    /// Ask one fact, then follow the first edge whose guard holds.
    Question {
        /// Step id, unique within the pathway.
        id: String,
        /// The fact asked. When it is already known the walk passes straight through.
        fact: String,
        /// Guidance shown with the question, e.g. "speak to them alone".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// Ordered edges.
        next: Vec<EdgeDef>,
    },
    /// Add actions to the outcome, then follow the first edge whose guard holds.
    Action {
        /// Step id, unique within the pathway.
        id: String,
        /// Action codes to add, in order.
        #[serde(rename = "do")]
        actions: Vec<String>,
        /// Case-specific detail added to these actions. May hold placeholders: `{{fact}}`,
        /// `{{birthday(date_fact, N)}}` (the date of the N-th birthday) and
        /// `{{days_until_birthday(date_fact, N)}}`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// Ordered edges.
        next: Vec<EdgeDef>,
    },
    /// A final step: the walk ends here with the outcome.
    Outcome {
        /// Step id, unique within the pathway.
        id: String,
        /// Headline of the outcome.
        title: String,
        /// Summary a worker can act on.
        summary: String,
        /// Action codes added at the end, in order.
        #[serde(default, rename = "do", skip_serializing_if = "Vec::is_empty")]
        actions: Vec<String>,
        /// What happens next (decisions, timescales), one line each.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        next_steps: Vec<String>,
        /// Sources for the summary and next steps.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cites: Vec<String>,
    },
    /// Continue in another pathway of the same set, keeping the facts and actions so far.
    Handover {
        /// Step id, unique within the pathway.
        id: String,
        /// Id of the pathway to continue in.
        pathway: String,
        /// Step to continue at (default: that pathway's start).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        /// Why the walk changes pathway.
        because: String,
        /// Sources for the hand-over.
        cites: Vec<String>,
    },
}

impl StepDef {
    /// The step's id.
    pub fn id(&self) -> &str {
        match self {
            Self::Question { id, .. }
            | Self::Action { id, .. }
            | Self::Outcome { id, .. }
            | Self::Handover { id, .. } => id,
        }
    }

    /// The step's outgoing edges (empty for outcomes and hand-overs).
    pub fn edges(&self) -> &[EdgeDef] {
        match self {
            Self::Question { next, .. } | Self::Action { next, .. } => next,
            Self::Outcome { .. } | Self::Handover { .. } => &[],
        }
    }
}

/// A guarded edge. Edges of a step are tried in order; the first whose guard holds is taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EdgeDef {
    /// Boolean rule; absent means "always" (an `otherwise` edge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Target step id.
    pub to: String,
    /// The reason shown to the worker when this edge is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    /// Sources for the decision (required on every guarded edge).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
}

/// A property every path must satisfy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InvariantDef {
    /// Short id, e.g. `danger_first`.
    pub id: String,
    /// What it guarantees, in plain English.
    pub description: String,
    /// Rule over a finished path (facts, derived facts and path predicates).
    pub rule: String,
    /// Sources the property rests on.
    pub cites: Vec<String>,
}

/// A contacts directory file (`contacts.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactsFile {
    /// Always `"contacts/v1"`.
    pub format: String,
    /// Identifier of the directory.
    pub id: String,
    /// Title of the directory.
    pub title: String,
    /// Sources that contacts' `source` tags refer to.
    pub sources: BTreeMap<String, Source>,
    /// Contacts keyed by id.
    pub contacts: BTreeMap<String, Contact>,
}

/// An organisation or line a worker can call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name of the service.
    pub name: String,
    /// Phone number as dialled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Opening hours, e.g. "24 hours".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Web page or online form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
    /// Whether the organisation is a designated NRM First Responder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_responder: Option<bool>,
    /// Extra notes for the worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Source tag the details come from.
    pub source: String,
    /// The page the details were read on (required when `verified`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Date the details were checked on that page (`YYYY-MM-DD`): required when `verified`,
    /// and only shown then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    /// `false` when the details are not confirmed: shown as "unverified: check locally",
    /// never as fact.
    pub verified: bool,
    /// The organisation type (a value of the set's `reporter_organisation` fact, if it
    /// declares one) whose own service this is, so that no action tells a worker to phone
    /// or refer to their own service (an invariant can check it with `contacted(id)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_of: Option<String>,
}

/// The `format` marker of a hazard log file.
pub const HAZARDS_FORMAT: &str = "hazards/v1";

/// A hazard log (`hazards.json`): what could go wrong for the people a pathway serves, and
/// the proven properties that control each hazard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HazardsFile {
    /// Always `"hazards/v1"`.
    pub format: String,
    /// Identifier of the log.
    pub id: String,
    /// Title of the log.
    pub title: String,
    /// The hazards.
    pub hazards: Vec<HazardDef>,
}

/// How bad the harm of a hazard would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HazardSeverity {
    /// Death or serious lasting harm.
    Catastrophic,
    /// Serious harm, or a victim left without protection.
    Major,
    /// Harm that is put right later, or a delay.
    Moderate,
    /// Inconvenience.
    Minor,
}

/// One hazard of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HazardDef {
    /// Short id, e.g. `H-R1`.
    pub id: String,
    /// What could go wrong.
    pub hazard: String,
    /// Who is harmed.
    pub harmed: String,
    /// How bad.
    pub severity: HazardSeverity,
    /// What would cause it.
    pub cause: String,
    /// The review finding it answers, if any (e.g. `R1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    /// The invariant ids (of any pathway of the set) and `must_ask` that control it: the
    /// hazard is controlled when every one is proven on every path.
    pub controls: Vec<String>,
}
