//! The compiled, validated form of a pathway set: what every front end walks.

use std::collections::BTreeMap;
use std::sync::Arc;

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, LoadError};
use crate::model::{
    ActionDef, BoolLabels, ChoiceOption, Contact, FactType, Form, HazardDef, Source,
};
use crate::rule::{Expr, Slot};
use crate::template::{Part, Template};
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
    pub(crate) graph: DiGraph<Step, usize>,
    pub(crate) start: NodeIndex,
    pub(crate) index: BTreeMap<String, NodeIndex>,
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

/// A pathway's action definitions, sorted by code; a linked step finds each by its index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Actions(Vec<(String, ActionEntry)>);

/// An action's definition (texts with their contacts filled in), the compiled `when` of each
/// of its variants, and the contacts each wording names (its `contact` and every
/// `{{contact(id)}}` of its texts): `named[0]` for the action as defined, `named[i + 1]` for
/// variant `i`.
#[derive(Debug, Clone)]
pub(crate) struct ActionEntry {
    pub(crate) def: ActionDef,
    pub(crate) when: Vec<Expr>,
    pub(crate) named: Vec<Vec<String>>,
}

/// One wording of an action, as chosen for a case ([`ActionEntry::wording`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wording<'b> {
    pub(crate) title: &'b str,
    pub(crate) instructions: &'b str,
    pub(crate) why: Option<&'b str>,
    pub(crate) contact: Option<&'b str>,
    pub(crate) form: Option<&'b Form>,
    pub(crate) cites: &'b [String],
    pub(crate) named: &'b [String],
}

impl ActionEntry {
    /// The wording for a case: the first variant whose `when` is definitely true on the facts
    /// `scope` knows (three-valued: a fact not known never selects one), else the action as
    /// defined.
    pub(crate) fn wording(&self, scope: &dyn crate::rule::Scope) -> Wording<'_> {
        let d = &self.def;
        let base = Wording {
            title: &d.title,
            instructions: &d.instructions,
            why: d.why.as_deref(),
            contact: d.contact.as_deref(),
            form: d.form.as_ref(),
            cites: &d.cites,
            named: self.named.first().map_or(&[], Vec::as_slice),
        };
        let chosen = self
            .when
            .iter()
            .position(|rule| crate::rule::eval3(rule, scope) == Some(true));
        let Some(i) = chosen else { return base };
        let v = &d.variants[i];
        Wording {
            title: v.title.as_deref().unwrap_or(base.title),
            instructions: v.instructions.as_deref().unwrap_or(base.instructions),
            why: v.why.as_deref().or(base.why),
            contact: match v.contact.as_deref() {
                Some("") => None,
                Some(c) => Some(c),
                None => base.contact,
            },
            form: v.form.as_ref().or(base.form),
            cites: &v.cites,
            named: self.named.get(i + 1).map_or(&[], Vec::as_slice),
        }
    }
}

impl Actions {
    pub(crate) fn new(defs: BTreeMap<String, ActionEntry>) -> Self {
        Self(defs.into_iter().collect())
    }

    /// The index of an action's definition.
    pub(crate) fn index(&self, code: &str) -> Option<u32> {
        self.0
            .binary_search_by(|(c, _)| c.as_str().cmp(code))
            .ok()
            .map(|i| i as u32)
    }

    /// The definition of an action.
    pub(crate) fn get(&self, code: &str) -> Option<&ActionEntry> {
        self.index(code).and_then(|i| self.at(i))
    }

    /// The definition at an index.
    pub(crate) fn at(&self, i: u32) -> Option<&ActionEntry> {
        self.0.get(i as usize).map(|(_, def)| def)
    }

    /// The definitions in code order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &ActionEntry)> {
        self.0.iter().map(|(code, def)| (code, def))
    }

    /// The definitions in code order, to link their rules.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut ActionEntry> {
        self.0.iter_mut().map(|(_, def)| def)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
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

    /// The facts this fact's answer settles (none for most facts): the organisation a worker
    /// works for settles whether it is a First Responder and has the Duty to Notify.
    pub fn settled_facts(&self) -> &[String] {
        self.settles.as_ref().map_or(&[], |s| s.facts.as_slice())
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

/// A step of the compiled graph.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) id: String,
    pub(crate) kind: StepKind,
    pub(crate) edges: Vec<Edge>,
}

#[derive(Debug, Clone)]
pub(crate) enum StepKind {
    Question {
        fact: String,
        /// Where a walk finds the answer: [`Slot::Fact`] once linked.
        slot: Slot,
        note: Option<String>,
    },
    Action {
        actions: Vec<String>,
        /// Each action's definition in the pathway's [`Actions`], once linked (empty
        /// until then, and `None` for a code the pathway does not define).
        defs: Vec<Option<u32>>,
        detail: Option<Template>,
    },
    Outcome {
        title: String,
        summary: String,
        actions: Vec<String>,
        /// As for [`StepKind::Action`].
        defs: Vec<Option<u32>>,
        next_steps: Vec<String>,
        cites: Vec<String>,
    },
    Handover {
        pathway: usize,
        step: NodeIndex,
        because: String,
        cites: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) when: Option<Expr>,
    pub(crate) when_src: Option<String>,
    pub(crate) to: NodeIndex,
    pub(crate) because: Option<String>,
    pub(crate) cites: Vec<String>,
}

/// A file of a pathway set, as text.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// File name, used in diagnostics (e.g. `adult.json`).
    pub name: &'a str,
    /// The file's contents.
    pub text: &'a str,
}

const BUNDLED: [SourceFile<'static>; 5] = [
    SourceFile {
        name: "entry.json",
        text: include_str!("../../../pathways/hertfordshire/entry.json"),
    },
    SourceFile {
        name: "adult.json",
        text: include_str!("../../../pathways/hertfordshire/adult.json"),
    },
    SourceFile {
        name: "child.json",
        text: include_str!("../../../pathways/hertfordshire/child.json"),
    },
    SourceFile {
        name: "contacts.json",
        text: include_str!("../../../pathways/hertfordshire/contacts.json"),
    },
    SourceFile {
        name: "hazards.json",
        text: include_str!("../../../pathways/hertfordshire/hazards.json"),
    },
];

/// The files of the bundled Hertfordshire pathway set, as embedded in the library.
pub fn bundled_files() -> &'static [SourceFile<'static>] {
    &BUNDLED
}

/// The bundled Hertfordshire pathways (adult, child and the entry that routes between them).
pub fn bundled() -> Result<Bundle, LoadError> {
    Bundle::load(&BUNDLED)
}

impl Bundle {
    /// Compiles and verifies a pathway set from its files: pathway files (`"format":
    /// "pathway/v1"`) and one contacts directory (`"format": "contacts/v1"`).
    ///
    /// Every problem is reported, not only the first.
    pub fn load(files: &[SourceFile<'_>]) -> Result<Self, LoadError> {
        Self::load_with(files, &LoadOptions::default())
    }

    /// [`Bundle::load`] with options. With `prove_invariants: false` a set whose invariants
    /// are broken still loads (every other check still applies), so that `check` can list
    /// each verdict and a counterexample can be replayed. Never walk such a set with a worker.
    pub fn load_with(files: &[SourceFile<'_>], options: &LoadOptions) -> Result<Self, LoadError> {
        Self::load_with_warnings(files, options).map(|(bundle, _)| bundle)
    }

    /// [`Bundle::load_with`], also giving the compiler's warnings about the set's content,
    /// which do not stop it loading (`source-without-url`, `action-without-why`,
    /// `help-too-long`), for `check` to show the set's authors. The review warnings come from
    /// [`Bundle::review_warnings`] and verification's from the `Report` of `verify`.
    pub fn load_with_warnings(
        files: &[SourceFile<'_>],
        options: &LoadOptions,
    ) -> Result<(Self, Vec<Diagnostic>), LoadError> {
        crate::compile::compile(files, options)
    }

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
                    "review-overdue",
                    &p.file,
                    "",
                    format!(
                        "pathway `{}` was due for review by {}; its content may be out of date",
                        p.meta.id, p.meta.review_by
                    ),
                )
                .hint(
                    "check the current statutory guidance and local contacts before relying on it",
                )
            })
            .collect()
    }

    pub(crate) fn pathway(&self, id: PathwayId) -> &Pathway {
        &self.pathways[id.0]
    }

    /// Fixes where evaluation finds each fact that a rule or a question names (its
    /// [`Slot`]) and each action's definition, so a walk indexes instead of comparing ids. Called once the set's
    /// declarations are final: by the compiler and by the snapshot decoder. A name that is
    /// neither a declared fact nor a derived fact of the rule's pathway stays
    /// [`Slot::Unlinked`] and is looked up by id (and found missing).
    pub(crate) fn link(&mut self) {
        let slots = &self.facts;
        for p in &mut self.pathways {
            let derived: Vec<String> = p.derived.iter().map(|d| d.id.clone()).collect();
            let slot = |id: &str| match derived.binary_search_by(|d| d.as_str().cmp(id)) {
                Ok(i) => Slot::Derived(i as u32),
                Err(_) => slots.slot(id).map_or(Slot::Unlinked, Slot::Fact),
            };
            for d in &mut p.derived {
                d.rule.link(&slot);
            }
            for inv in &mut p.invariants {
                inv.rule.link(&slot);
            }
            for entry in p.actions.iter_mut() {
                for rule in &mut entry.when {
                    rule.link(&slot);
                }
            }
            for step in p.graph.node_weights_mut() {
                match &mut step.kind {
                    StepKind::Question { fact, slot: s, .. } => {
                        *s = slots.slot(fact).map_or(Slot::Unlinked, Slot::Fact);
                    }
                    StepKind::Action {
                        actions,
                        defs,
                        detail,
                    } => {
                        *defs = actions.iter().map(|c| p.actions.index(c)).collect();
                        for part in detail.iter_mut().flat_map(|t| t.0.iter_mut()) {
                            if let Part::Fact(id, s)
                            | Part::Birthday(id, s, _)
                            | Part::DaysUntil(id, s, _) = part
                            {
                                *s = slots.slot(id).map_or(Slot::Unlinked, Slot::Fact);
                            }
                        }
                    }
                    StepKind::Outcome { actions, defs, .. } => {
                        *defs = actions.iter().map(|c| p.actions.index(c)).collect();
                    }
                    StepKind::Handover { .. } => {}
                }
                for edge in &mut step.edges {
                    if let Some(rule) = &mut edge.when {
                        rule.link(&slot);
                    }
                }
            }
        }
    }
}
