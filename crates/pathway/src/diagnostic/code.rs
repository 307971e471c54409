//! The stable code of each kind of diagnostic, and the general advice for it.

use std::fmt;

use serde::Serialize;

/// What kind of problem a [`Diagnostic`](super::Diagnostic) reports: a stable kebab-case code
/// (`unknown-step`), printed in `error[unknown-step]` and named by `fixtures/invalid/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Code {
    /// An action (or one of its wordings) names neither a contact nor a form.
    ActionWithoutContact,
    /// An action has no `why` (a warning).
    ActionWithoutWhy,
    /// A date that is not `YYYY-MM-DD`, or `review_by` before `reviewed`.
    BadDate,
    /// A fact's `default` is not a valid answer to it.
    BadDefault,
    /// An id that is not lowercase letters, digits and `_` (`-` for pathways).
    BadId,
    /// A choice fact's options, `aliases`, `sets` or `rewrites` are not valid.
    BadOptions,
    /// An integer fact without `min` and `max`, or with min > max.
    BadRange,
    /// A `{{…}}` placeholder that is not valid where it stands.
    BadTemplate,
    /// A contact marked verified that does not say where and when.
    ContactProvenance,
    /// A contact with no phone, web address or email.
    ContactUnreachable,
    /// A text holding a character that could control a terminal or reorder text.
    ControlCharacter,
    /// Steps that form a cycle, hand-overs included.
    Cycle,
    /// An edge no answer takes.
    DeadEdge,
    /// A step that is not final and has no edge.
    DeadEnd,
    /// More than one contacts directory in a set.
    DuplicateContacts,
    /// More than one entry pathway in a set.
    DuplicateEntry,
    /// A fact or derived fact declared twice.
    DuplicateFact,
    /// A hazard id used twice.
    DuplicateHazard,
    /// More than one hazard log in a set.
    DuplicateHazards,
    /// A JSON object that gives a key twice.
    DuplicateKey,
    /// Two pathway files with the same id.
    DuplicatePathway,
    /// A step id used twice.
    DuplicateStep,
    /// A path that ends in an outcome with no action.
    EmptyOutcome,
    /// A rule that reads a fact some path has not asked.
    FactNotAsked,
    /// A fact declared differently by two files of a set.
    FactRedefined,
    /// A hazard that names no control.
    HazardUncontrolled,
    /// A fact's `help` too long to read mid-encounter (a warning).
    HelpTooLong,
    /// An invariant that does not hold on some path (or is undecided).
    InvariantBroken,
    /// JSON that does not have the shape of the file format.
    JsonShape,
    /// Text that is not JSON.
    JsonSyntax,
    /// A field that does not belong to its fact's type.
    MisplacedField,
    /// A rule, action or outcome with no citation.
    MissingCitation,
    /// A fact outside the vocabulary with no `default`.
    MissingDefault,
    /// An edge with a `when` but no `because`.
    MissingReason,
    /// A set with no contacts directory.
    NoContacts,
    /// A set with no pathway file.
    NoPathway,
    /// A pathway past its `review_by` date (a warning).
    ReviewOverdue,
    /// A rule that does not parse.
    RuleSyntax,
    /// A rule that does not type-check.
    RuleType,
    /// A source with neither `url` nor `no_url` (a warning).
    SourceWithoutUrl,
    /// Answers for which no edge of a step holds.
    UncoveredAnswer,
    /// A step that does an action the pathway does not declare.
    UnknownAction,
    /// A contact that is not in the directory.
    UnknownContact,
    /// A hazard control that no pathway declares.
    UnknownControl,
    /// A fact that is not declared.
    UnknownFact,
    /// A field the file format does not have.
    UnknownField,
    /// A file whose `format` is not a known one.
    UnknownFormat,
    /// A value that is not an option of its fact.
    UnknownOption,
    /// A hand-over to a pathway not in the set.
    UnknownPathway,
    /// A citation or reference to a source that is not declared.
    UnknownSource,
    /// A reference to a step that does not exist.
    UnknownStep,
    /// An edge after an edge without `when`.
    UnreachableEdge,
    /// A step no path reaches.
    UnreachableStep,
    /// An invariant `A -> B` whose `A` holds on no path (a warning).
    VacuousInvariant,
    /// A set too large for verification to prove within its budget.
    VerificationBudget,
    /// A vocabulary fact declared with another type, range or default.
    Vocabulary,
    /// A decision that rests only on unconfirmed (L) sources.
    WeakCitation,
}

impl Code {
    /// Every code, in the order of their names.
    pub const ALL: &'static [Code] = &[
        Self::ActionWithoutContact,
        Self::ActionWithoutWhy,
        Self::BadDate,
        Self::BadDefault,
        Self::BadId,
        Self::BadOptions,
        Self::BadRange,
        Self::BadTemplate,
        Self::ContactProvenance,
        Self::ContactUnreachable,
        Self::ControlCharacter,
        Self::Cycle,
        Self::DeadEdge,
        Self::DeadEnd,
        Self::DuplicateContacts,
        Self::DuplicateEntry,
        Self::DuplicateFact,
        Self::DuplicateHazard,
        Self::DuplicateHazards,
        Self::DuplicateKey,
        Self::DuplicatePathway,
        Self::DuplicateStep,
        Self::EmptyOutcome,
        Self::FactNotAsked,
        Self::FactRedefined,
        Self::HazardUncontrolled,
        Self::HelpTooLong,
        Self::InvariantBroken,
        Self::JsonShape,
        Self::JsonSyntax,
        Self::MisplacedField,
        Self::MissingCitation,
        Self::MissingDefault,
        Self::MissingReason,
        Self::NoContacts,
        Self::NoPathway,
        Self::ReviewOverdue,
        Self::RuleSyntax,
        Self::RuleType,
        Self::SourceWithoutUrl,
        Self::UncoveredAnswer,
        Self::UnknownAction,
        Self::UnknownContact,
        Self::UnknownControl,
        Self::UnknownFact,
        Self::UnknownField,
        Self::UnknownFormat,
        Self::UnknownOption,
        Self::UnknownPathway,
        Self::UnknownSource,
        Self::UnknownStep,
        Self::UnreachableEdge,
        Self::UnreachableStep,
        Self::VacuousInvariant,
        Self::VerificationBudget,
        Self::Vocabulary,
        Self::WeakCitation,
    ];

    /// The code as printed: `unknown-step`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActionWithoutContact => "action-without-contact",
            Self::ActionWithoutWhy => "action-without-why",
            Self::BadDate => "bad-date",
            Self::BadDefault => "bad-default",
            Self::BadId => "bad-id",
            Self::BadOptions => "bad-options",
            Self::BadRange => "bad-range",
            Self::BadTemplate => "bad-template",
            Self::ContactProvenance => "contact-provenance",
            Self::ContactUnreachable => "contact-unreachable",
            Self::ControlCharacter => "control-character",
            Self::Cycle => "cycle",
            Self::DeadEdge => "dead-edge",
            Self::DeadEnd => "dead-end",
            Self::DuplicateContacts => "duplicate-contacts",
            Self::DuplicateEntry => "duplicate-entry",
            Self::DuplicateFact => "duplicate-fact",
            Self::DuplicateHazard => "duplicate-hazard",
            Self::DuplicateHazards => "duplicate-hazards",
            Self::DuplicateKey => "duplicate-key",
            Self::DuplicatePathway => "duplicate-pathway",
            Self::DuplicateStep => "duplicate-step",
            Self::EmptyOutcome => "empty-outcome",
            Self::FactNotAsked => "fact-not-asked",
            Self::FactRedefined => "fact-redefined",
            Self::HazardUncontrolled => "hazard-uncontrolled",
            Self::HelpTooLong => "help-too-long",
            Self::InvariantBroken => "invariant-broken",
            Self::JsonShape => "json-shape",
            Self::JsonSyntax => "json-syntax",
            Self::MisplacedField => "misplaced-field",
            Self::MissingCitation => "missing-citation",
            Self::MissingDefault => "missing-default",
            Self::MissingReason => "missing-reason",
            Self::NoContacts => "no-contacts",
            Self::NoPathway => "no-pathway",
            Self::ReviewOverdue => "review-overdue",
            Self::RuleSyntax => "rule-syntax",
            Self::RuleType => "rule-type",
            Self::SourceWithoutUrl => "source-without-url",
            Self::UncoveredAnswer => "uncovered-answer",
            Self::UnknownAction => "unknown-action",
            Self::UnknownContact => "unknown-contact",
            Self::UnknownControl => "unknown-control",
            Self::UnknownFact => "unknown-fact",
            Self::UnknownField => "unknown-field",
            Self::UnknownFormat => "unknown-format",
            Self::UnknownOption => "unknown-option",
            Self::UnknownPathway => "unknown-pathway",
            Self::UnknownSource => "unknown-source",
            Self::UnknownStep => "unknown-step",
            Self::UnreachableEdge => "unreachable-edge",
            Self::UnreachableStep => "unreachable-step",
            Self::VacuousInvariant => "vacuous-invariant",
            Self::VerificationBudget => "verification-budget",
            Self::Vocabulary => "vocabulary",
            Self::WeakCitation => "weak-citation",
        }
    }

    /// What to do about a problem of this kind: the hint of every diagnostic of this code,
    /// unless the place that found it knows something more specific (a name it may have
    /// meant, a counterexample).
    #[inline(always)]
    pub fn hint(self) -> &'static str {
        match self {
            Self::ActionWithoutContact => {
                "every action must tell the worker whom to call or which form to use"
            }
            Self::ActionWithoutWhy => {
                "add \"why\": one or two sentences that explain this action, whichever route led to it"
            }
            Self::BadDate => {
                "write dates as YYYY-MM-DD, for example 2026-11-22, with `reviewed` no later than `review_by`"
            }
            Self::BadDefault => "give a `default` of the fact's own type and range",
            Self::BadId => {
                "fact, step, action and source ids use lowercase letters, digits and `_`; pathway ids use `-` instead of `_`"
            }
            Self::BadOptions => "list at least two options, each with its own `value`",
            Self::BadRange => {
                "write \"min\" and \"max\" as whole numbers, with min no greater than max"
            }
            Self::BadTemplate => {
                "`{{contact(id)}}` works in every text and names a contact of contacts.json; `{{fact}}`, `{{birthday(date_fact, N)}}` and `{{days_until_birthday(date_fact, N)}}` only in an action step's `detail`"
            }
            Self::ContactProvenance => {
                "add \"url\" and \"checked\", or mark it \"verified\": false so that workers read \"unverified: check locally\""
            }
            Self::ContactUnreachable => {
                "give the contact a phone number, an email address or a web page"
            }
            Self::ControlCharacter => {
                "remove it: a pathway text is plain text on one line, with no control, bidirectional-override or line-separator character"
            }
            Self::Cycle => {
                "pathways must be acyclic: a walk may never return to a step; hand over to a step after the routing, not to a start"
            }
            Self::DeadEdge => {
                "an earlier edge of the step always wins, or the guard can never hold: reorder or remove it"
            }
            Self::DeadEnd => "add an edge, or make it an outcome step",
            Self::DuplicateContacts => {
                "keep one contacts directory (\"format\": \"contacts/v1\") per set"
            }
            Self::DuplicateEntry => "mark one pathway of the set with \"entry\": true",
            Self::DuplicateFact => "give each fact and derived fact its own id",
            Self::DuplicateHazard => "give each hazard its own id",
            Self::DuplicateHazards => "keep every hazard in one hazards.json",
            Self::DuplicateKey => {
                "keep one of them: JSON readers disagree on which of two equal keys counts, so the file would mean different things to different tools"
            }
            Self::DuplicatePathway => "give each pathway file its own `id`",
            Self::DuplicateStep => {
                "give each step its own id (edges name steps by id, so a shared id is ambiguous)"
            }
            Self::EmptyOutcome => "list in `do` at least one action the worker must take",
            Self::FactNotAsked => {
                "ask the fact on every path before this step, or guard the rule with a fact that is asked"
            }
            Self::FactRedefined => {
                "a fact id means the same in every pathway of a set: use a new id"
            }
            Self::HazardUncontrolled => {
                "name the invariants (or `must_ask`) that rule it out on every path; write one if there is none"
            }
            Self::HelpTooLong => {
                "open with an answer of at most 40 words and move the rest to `more`"
            }
            Self::InvariantBroken => {
                "change the route the counterexample takes, or the invariant if it states the rule wrongly"
            }
            Self::JsonShape => {
                "`pathway schema` gives the JSON Schema of the file format; editors use it to check files as you type"
            }
            Self::JsonSyntax => {
                "look at this place and just before it: a missing `,` between items, a `,` after the last one, or an unquoted name"
            }
            Self::MisplacedField => {
                "remove the field, or change the fact's `type` to the one it belongs to"
            }
            Self::MissingCitation => {
                "add \"cites\": [\"TAG locator\"] naming a source in `sources`"
            }
            Self::MissingDefault => {
                "add \"default\": the answer to assume when a record does not say (for example false)"
            }
            Self::MissingReason => "say why the route is taken; the worker sees it as the reason",
            Self::NoContacts => "add a contacts.json with \"format\": \"contacts/v1\"",
            Self::NoPathway => "add a pathway file (\"format\": \"pathway/v1\") to the folder",
            Self::ReviewOverdue => {
                "check the current statutory guidance and local contacts before relying on it"
            }
            Self::RuleSyntax => {
                "a rule is true or false: a yes/no fact (`immediate_danger`, `!immediate_danger`), a choice compared with one of its options (`age_basis == \"unknown\"`), or a number compared with a whole number (`age < 18`), joined with `&&`, `||` and `!`; see pathways/README.md"
            }
            Self::RuleType => {
                "a rule is true or false: a yes/no fact (`immediate_danger`, `!immediate_danger`), a choice compared with one of its options (`age_basis == \"unknown\"`), or a number compared with a whole number (`age < 18`), joined with `&&`, `||` and `!`; see pathways/README.md"
            }
            Self::SourceWithoutUrl => {
                "add \"url\", or say why there is none in \"no_url\" (for example \"print only\")"
            }
            Self::UncoveredAnswer => {
                "add an edge without `when` as the last edge, or a guard for these answers"
            }
            Self::UnknownAction => "declare it under `actions`",
            Self::UnknownContact => "add it to contacts.json, or name one of its contacts",
            Self::UnknownControl => "name an invariant id of the set, or `must_ask`",
            Self::UnknownFact => "list only facts declared under `facts`",
            Self::UnknownField => {
                "fix the spelling, or remove the field: `pathway schema` lists every field"
            }
            Self::UnknownFormat => "every pathway file starts with \"format\": \"pathway/v1\"",
            Self::UnknownOption => "use an answer of `reporter_organisation`",
            Self::UnknownPathway => "add its file to the set's folder",
            Self::UnknownSource => {
                "declare the tag under `sources` in the same file, or cite a tag that is declared there"
            }
            Self::UnknownStep => "name the id of a step of this pathway",
            Self::UnreachableEdge => {
                "edges are tried in order and an edge without `when` always holds: put it last, or give it a `when`"
            }
            Self::UnreachableStep => {
                "the guards before it exclude every path to it: fix them or remove the step"
            }
            Self::VacuousInvariant => {
                "check the condition (left of `->`) names the case it is meant for, or remove the invariant"
            }
            Self::VerificationBudget => {
                "walks are kept apart by the facts that rules read later on: ask a fact near the steps that read it, keep each rule to facts asked close by, or split the pathway; nothing is proven until it verifies"
            }
            Self::Vocabulary => {
                "vocabulary facts mean the same in every pathway (DESIGN.md sections 4 and 4b): for another meaning use a new fact id"
            }
            Self::WeakCitation => {
                "L content may prompt a local check, never gate: cite an H or M source, and put the unconfirmed point in the text as \"check locally\""
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_in_order_with_a_hint() {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for code in Code::ALL {
            assert!(!code.hint().is_empty(), "{code}");
        }
    }
}
