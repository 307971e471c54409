//! The compiled, validated form of a pathway set: what every front end walks.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub(crate) use crate::actions::{ActionEntry, Actions};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{BoolLabels, ChoiceOption, Contact, FactType, Form, HazardDef, Source};
use crate::rule::Expr;
pub(crate) use crate::steps::{Edge, Step, StepIx, StepKind, Steps};
use crate::value::Value;

/// A validated set of pathways with their contacts directory.
///
/// A `Bundle` that exists has passed every static check and the verification of every path
/// (see [`crate::verify`]): its rules type-check, its graph is acyclic and connected, every
/// answer has an edge and every invariant holds.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub(crate) pathways: Vec<Pathway>,
    pub(crate) facts: Decls,
    pub(crate) contacts: BTreeMap<String, Contact>,
    pub(crate) contact_sources: BTreeMap<String, Source>,
    /// The set's hazard log (empty when it has none).
    pub(crate) hazards: Vec<HazardDef>,
    pub(crate) entry: Option<usize>,
    pub(crate) hash: String,
    pub(crate) paths_verified: u64,
    /// Whether every invariant was proven on every path when the set was loaded: false for
    /// a set loaded with `prove_invariants: false`, which can be checked and replayed but
    /// never snapshotted (a decoded set is always a proven one).
    pub(crate) proven: bool,
}

/// How to load a pathway set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Refuse the set when an invariant is broken on some path (the default).
    pub prove_invariants: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            prove_invariants: true,
        }
    }
}

/// A pathway name that no pathway of the set answers to ([`Bundle::resolve`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no pathway `{name}` in this set; the pathways are: {}", known.join(", "))]
pub struct UnknownPathway {
    /// The name given.
    pub name: String,
    /// The ids of the set's pathways, in file order.
    pub known: Vec<String>,
}

/// Handle to one pathway of a [`Bundle`], from [`Bundle::find`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathwayId(pub(crate) usize);

/// One compiled pathway.
#[derive(Debug, Clone)]
pub(crate) struct Pathway {
    pub(crate) meta: Meta,
    pub(crate) file: String,
    pub(crate) sources: BTreeMap<String, Source>,
    /// Sorted by id, so a linked rule finds one by its index ([`Slot::Derived`]).
    pub(crate) derived: Vec<Derived>,
    pub(crate) actions: Actions,
    /// The steps in file order: a step's index is its [`StepIx`], and every edge and
    /// hand-over names its target by index, resolved once by the compiler.
    pub(crate) steps: Steps,
    pub(crate) start: StepIx,
    pub(crate) index: BTreeMap<String, StepIx>,
    pub(crate) must_ask: Vec<String>,
    pub(crate) invariants: Vec<Invariant>,
}

/// Metadata of a pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// Stable identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Owning partnership.
    pub partnership: String,
    /// Content version.
    pub version: String,
    /// Date last reviewed.
    pub reviewed: Date,
    /// Date by which it must be reviewed again.
    pub review_by: Date,
    /// Jurisdiction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The guidance (with its version) the pathway follows: the title of its `guidance`
    /// source, shown on every outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// Whether this is the set's entry pathway.
    pub entry: bool,
}

/// The set's fact declarations, in id order (a fact's index is its [`Slot::Fact`]), with
/// each id shared: facts the set reads hold the same `Arc`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Decls {
    list: Vec<FactDecl>,
    ids: Vec<Arc<str>>,
    /// Slots of the facts whose answers settle other facts or rewrite older records.
    settling: Vec<u32>,
}

impl Decls {
    pub(crate) fn new(decls: BTreeMap<String, FactDecl>) -> Self {
        let list: Vec<FactDecl> = decls.into_values().collect();
        let ids = list.iter().map(|d| Arc::from(d.id.as_str())).collect();
        let settling = (0..list.len())
            .filter(|&i| list[i].settles.is_some() || !list[i].rewrites.is_empty())
            .map(|i| i as u32)
            .collect();
        Self {
            list,
            ids,
            settling,
        }
    }

    /// The facts whose answers settle other facts or rewrite older records, with their slots.
    pub(crate) fn settling(&self) -> impl Iterator<Item = (u32, &FactDecl)> {
        self.settling.iter().map(|&i| (i, &self.list[i as usize]))
    }

    /// The declaration of a fact.
    pub(crate) fn get(&self, id: &str) -> Option<&FactDecl> {
        self.slot(id).map(|i| &self.list[i as usize])
    }

    /// The index of a declared fact.
    pub(crate) fn slot(&self, id: &str) -> Option<u32> {
        self.ids
            .binary_search_by(|k| (**k).cmp(id))
            .ok()
            .map(|i| i as u32)
    }

    /// The declaration at a slot, with its shared id.
    pub(crate) fn at(&self, slot: u32) -> Option<(&Arc<str>, &FactDecl)> {
        let i = slot as usize;
        Some((self.ids.get(i)?, self.list.get(i)?))
    }

    /// The declarations in id order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, FactDecl> {
        self.list.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }
}

/// A fact declaration, shared by every pathway of the set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactDecl {
    /// Fact id.
    pub id: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: FactType,
    /// The question text.
    pub question: String,
    /// Help text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Options of a choice fact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// Bounds of an integer fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Bounds of an integer fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Labels of a bool fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BoolLabels>,
    /// Value used by batch evaluation when a record omits the fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The rest of the help, which fronts fold behind "More".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<String>,
    /// For a choice fact that widened a v1 `bool` fact: the option a v1 `false` and `true`
    /// read as.
    #[serde(skip)]
    pub(crate) aliases: [Option<String>; 2],
    /// The facts this fact's answer settles, and their value for each option.
    #[serde(skip)]
    pub(crate) settles: Option<Settles>,
    /// How older records that give this fact are read.
    #[serde(skip)]
    pub(crate) rewrites: Vec<Rewrite>,
}

/// The facts a choice fact's answer settles ([`crate::model::ChoiceOption::sets`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settles {
    /// The settled facts, in id order.
    pub(crate) facts: Vec<String>,
    /// For each option of the settling fact (in its order), the value of each settled fact.
    pub(crate) values: Vec<Vec<Value>>,
}

impl FactDecl {
    /// The values an answer settles: each settled fact with its value, or none for a fact
    /// that settles nothing (or an answer that is not one of its options).
    pub(crate) fn settled_by<'d>(
        &'d self,
        answer: &Value,
    ) -> impl Iterator<Item = (&'d str, &'d Value)> + 'd {
        let row = match (&self.settles, answer) {
            (Some(s), Value::Choice(v)) => self
                .options
                .iter()
                .position(|o| o.value == *v)
                .and_then(|i| s.values.get(i))
                .map(|row| (s.facts.as_slice(), row.as_slice())),
            _ => None,
        };
        let (facts, values) = row.unwrap_or((&[], &[]));
        facts.iter().map(String::as_str).zip(values.iter())
    }

    /// The kind of answer the fact takes, as a question shows it.
    pub fn answer_kind(&self) -> crate::evaluate::AnswerKind<'_> {
        use crate::evaluate::AnswerKind;
        match self.ty {
            FactType::Bool => {
                let (yes, no) = self
                    .labels
                    .as_ref()
                    .map_or(("Yes", "No"), |l| (&l.yes, &l.no));
                AnswerKind::Bool { yes, no }
            }
            FactType::Choice => AnswerKind::Choice {
                options: &self.options,
            },
            FactType::Integer => AnswerKind::Integer {
                min: self.min.unwrap_or(i64::MIN),
                max: self.max.unwrap_or(i64::MAX),
            },
            FactType::Date => AnswerKind::Date,
        }
    }

    /// An answer in the words a worker chose it by: a yes/no fact's label, a choice's
    /// option label, a date written out in full, a number.
    pub fn label(&self, value: &Value) -> String {
        label(Some(self), value)
    }

    /// The facts this fact's answer settles (none for most facts): the organisation a worker
    /// works for settles whether it is a First Responder and has the Duty to Notify.
    pub fn settled_facts(&self) -> &[String] {
        self.settles.as_ref().map_or(&[], |s| s.facts.as_slice())
    }
}

/// An answer in words, by its declaration ([`FactDecl::label`]); for a fact the set does not
/// declare, "Yes", "No", the option's value, the date or the number.
pub(crate) fn label(decl: Option<&FactDecl>, value: &Value) -> String {
    match value {
        Value::Bool(b) => {
            let labels = decl.and_then(|d| d.labels.as_ref());
            match (b, labels) {
                (true, Some(l)) => l.yes.clone(),
                (false, Some(l)) => l.no.clone(),
                (true, None) => "Yes".into(),
                (false, None) => "No".into(),
            }
        }
        Value::Choice(v) => decl
            .and_then(|d| d.options.iter().find(|o| &o.value == v))
            .map_or_else(|| v.clone(), |o| o.label.clone()),
        Value::Date(d) => d.human(),
        Value::Int(n) => n.to_string(),
    }
}

/// How an older record's answer is read ([`crate::model::Rewrite`]), typed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rewrite {
    pub(crate) when: Value,
    pub(crate) fact: String,
    pub(crate) from: Value,
    pub(crate) to: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct Derived {
    pub(crate) id: String,
    pub(crate) rule: Expr,
}

impl Pathway {
    /// The derived fact with this id.
    pub(crate) fn derived(&self, id: &str) -> Option<&Derived> {
        let i = self
            .derived
            .binary_search_by(|d| d.id.as_str().cmp(id))
            .ok()?;
        self.derived.get(i)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Invariant {
    pub(crate) id: String,
    pub(crate) description: String,
    pub(crate) source: String,
    pub(crate) rule: Expr,
}

/// A file of a pathway set, as text.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// File name, used in diagnostics (e.g. `adult.json`).
    pub name: &'a str,
    /// The file's contents.
    pub text: &'a str,
}

impl Bundle {
    /// The pathway with this id, or the only one whose id ends in `-{name}` (so `adult`
    /// finds `hertfordshire-adult`).
    pub fn find(&self, name: &str) -> Option<PathwayId> {
        if let Some(i) = self.pathways.iter().position(|p| p.meta.id == name) {
            return Some(PathwayId(i));
        }
        let suffix = format!("-{name}");
        let mut hits = self
            .pathways
            .iter()
            .enumerate()
            .filter(|(_, p)| p.meta.id.ends_with(&suffix));
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Some(PathwayId(i)),
            _ => None,
        }
    }

    /// The pathway a front end was given by name ([`Bundle::find`]), or an error that names
    /// the pathways of the set.
    pub fn resolve(&self, name: &str) -> Result<PathwayId, UnknownPathway> {
        self.find(name).ok_or_else(|| UnknownPathway {
            name: name.to_owned(),
            known: self.pathways.iter().map(|p| p.meta.id.clone()).collect(),
        })
    }

    /// The entry pathway (used when none is named), or the first pathway.
    pub fn entry(&self) -> PathwayId {
        PathwayId(self.entry.unwrap_or(0))
    }

    /// Every pathway of the set, in file order.
    pub fn pathways(&self) -> impl Iterator<Item = PathwayId> + '_ {
        (0..self.pathways.len()).map(PathwayId)
    }

    /// Metadata of a pathway.
    pub fn meta(&self, id: PathwayId) -> &Meta {
        &self.pathway(id).meta
    }

    /// The declaration of a fact.
    pub fn fact(&self, id: &str) -> Option<&FactDecl> {
        self.facts.get(id)
    }

    /// Every fact declared in the set, by id.
    pub fn facts(&self) -> impl Iterator<Item = &FactDecl> {
        self.facts.iter()
    }

    /// A contact of the directory.
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id)
    }

    /// A source that a pathway's citations refer to, by tag.
    pub fn source(&self, tag: &str) -> Option<&Source> {
        self.pathways
            .iter()
            .find_map(|p| p.sources.get(tag))
            .or_else(|| self.contact_sources.get(tag))
    }

    /// The form of an action, if the pathway declares one.
    pub fn action_form(&self, id: PathwayId, code: &str) -> Option<&Form> {
        self.pathway(id).actions.get(code)?.def.form.as_ref()
    }

    /// The set's hazard log: what could go wrong, and the invariants that control each
    /// hazard (empty when the set has no `hazards.json`).
    pub fn hazards(&self) -> &[HazardDef] {
        &self.hazards
    }

    /// A hash of the set's content: sessions recorded against other content are refused.
    pub fn content_hash(&self) -> &str {
        &self.hash
    }

    /// Whether every invariant of the set was proven on every path when it was loaded (a set
    /// loaded with `prove_invariants: false` was not: it may break one).
    pub fn proven(&self) -> bool {
        self.proven
    }

    /// How many complete paths verification walked when the set was loaded.
    pub fn paths_verified(&self) -> u64 {
        self.paths_verified
    }

    /// Warnings every front end must show on `today`: pathways past their `review_by` date.
    pub fn review_warnings(&self, today: Date) -> Vec<Diagnostic> {
        self.pathways
            .iter()
            .filter(|p| p.meta.review_by < today)
            .map(|p| {
                Diagnostic::warning(
                    Code::ReviewOverdue,
                    &p.file,
                    "",
                    format!(
                        "pathway `{}` was due for review by {}; its content may be out of date",
                        p.meta.id, p.meta.review_by
                    ),
                )
            })
            .collect()
    }

    /// The handle of a step, by pathway and step id (for a trail given back by a front end,
    /// whose visits name their steps).
    pub fn step_ref(&self, pathway: &str, step: &str) -> Option<crate::evaluate::StepRef> {
        let p = self.pathways.iter().position(|p| p.meta.id == pathway)?;
        let node = *self.pathways[p].index.get(step)?;
        Some(crate::evaluate::StepRef::new(p, node))
    }

    pub(crate) fn pathway(&self, id: PathwayId) -> &Pathway {
        &self.pathways[id.0]
    }
}

/// Fixes each action's definition in a step (its index in the pathway's [`Actions`]), so a
/// walk indexes instead of comparing codes: by the compiler and by the snapshot decoder.
pub(crate) fn action_defs(kind: &mut StepKind, defs_of: &Actions) {
    if let StepKind::Action { actions, defs, .. } | StepKind::Outcome { actions, defs, .. } = kind {
        *defs = actions.iter().map(|c| defs_of.index(c)).collect();
    }
}
