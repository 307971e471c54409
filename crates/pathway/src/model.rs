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
    /// How far it was confirmed.
    pub confidence: Confidence,
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
    /// Help shown on request: indicators, definitions, what to do if unsure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
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
    /// Sources the action rests on (at least one).
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
    /// Date the details were last checked (`YYYY-MM-DD`).
    pub checked: String,
    /// `false` when the details are not confirmed: shown as "check locally", never as fact.
    pub verified: bool,
}
