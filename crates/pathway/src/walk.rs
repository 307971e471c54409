//! The walker: from a step, along the first edge whose guard holds, until a question needs
//! an answer or an outcome is reached. [`crate::evaluate`] and verification share it.

use std::borrow::Cow;
use std::sync::Arc;

use crate::bundle::StepIx;

use crate::bundle::{ActionEntry, Bundle, FactDecl, StepKind};
use crate::date::Date;
use crate::rule::{self, Missing, Scope, Slot};
use crate::value::{Facts, Value};

/// How to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The date ages are computed on. Never read from a clock inside the library.
    pub today: Date,
    /// Use each fact's declared `default` when the facts omit it (batch `decide`), instead
    /// of stopping to ask.
    pub use_defaults: bool,
}

impl Config {
    /// Evaluation on `today`, asking for every missing fact.
    pub fn new(today: Date) -> Self {
        Self {
            today,
            use_defaults: false,
        }
    }
}

/// A walk in progress: the current step and the steps passed, with the edge taken.
#[derive(Debug, Clone)]
pub(crate) struct Walk {
    pub(crate) at: (usize, StepIx),
    pub(crate) visits: Vec<Passed>,
}

/// One step passed: pathway, node, and the edge taken out of it (none at an outcome or
/// hand-over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Passed {
    pub(crate) pathway: usize,
    pub(crate) node: StepIx,
    pub(crate) edge: Option<usize>,
}

/// Why [`advance`] stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop<'b> {
    /// The question step at `walk.at` asks a fact that is not known.
    Ask(&'b str),
    /// The outcome step at `walk.at` was reached (and pushed on the visits).
    Done,
    /// A rule at `walk.at` read a fact that is not known.
    Missing(String),
    /// No edge of the step at `walk.at` holds.
    NoEdge,
}

impl Walk {
    pub(crate) fn new(bundle: &Bundle, pathway: usize) -> Self {
        Self {
            at: (pathway, bundle.pathways[pathway].start),
            // Room for a whole walk through a small set, so a walk allocates once.
            visits: Vec::with_capacity(32),
        }
    }

    /// Facts read at question steps, in order.
    pub(crate) fn asked<'a, 'b: 'a>(
        &'a self,
        bundle: &'b Bundle,
    ) -> impl Iterator<Item = &'b str> + 'a {
        self.visits.iter().filter_map(move |v| {
            match &bundle.pathways[v.pathway].steps[v.node].kind {
                StepKind::Question { fact, .. } => Some(fact.as_str()),
                _ => None,
            }
        })
    }
}

/// The answer of each declared fact, by its [`Slot::Fact`] index, and whether it is the
/// declared default (taken only when defaults are allowed): built once per evaluation, so
/// that rules and questions index instead of comparing fact ids.
///
/// A view of a table ([`AnswerTable`], built for one walk; or kept by verification, which
/// changes one table answer by answer instead of building one per walk).
#[derive(Clone, Copy)]
pub(crate) struct Answers<'a>(&'a [Option<(&'a Value, bool)>]);

/// The answers of one walk, by slot ([`Answers`] is its view).
pub(crate) struct AnswerTable<'a>(Vec<Option<(&'a Value, bool)>>);

impl<'a> Answers<'a> {
    /// Answers kept by the caller, by slot, already settled.
    pub(crate) fn borrowed(table: &'a [Option<(&'a Value, bool)>]) -> Self {
        Self(table)
    }

    fn table(&self) -> &[Option<(&'a Value, bool)>] {
        self.0
    }
}

impl<'a> AnswerTable<'a> {
    /// The view to read answers through.
    pub(crate) fn answers(&self) -> Answers<'_> {
        Answers(&self.0)
    }

    pub(crate) fn new(bundle: &'a Bundle, facts: &'a Facts, config: &Config) -> Self {
        let mut table: Vec<Option<(&Value, bool)>> = vec![None; bundle.facts.len()];
        for (id, slot, value) in facts.entries() {
            // Facts this set read carry their slot and share its id, so one pointer
            // comparison confirms the slot; others are found by id. Facts that no pathway
            // declares are never read.
            let slot = match bundle.facts.at(slot) {
                Some((declared, _)) if Arc::ptr_eq(declared, id) => Some(slot),
                _ => bundle.facts.slot(id),
            };
            if let Some(known) = slot.and_then(|i| table.get_mut(i as usize)) {
                *known = Some((value, false));
            }
        }
        // An answer that settles other facts (the organisation a worker works for settles
        // whether it is a First Responder) gives them their values, unless they were given
        // (a record that contradicts them is refused when it is read).
        for (slot, decl) in bundle.facts.settling() {
            let Some((value, _)) = table[slot as usize] else {
                continue;
            };
            for (fact, settled) in decl.settled_by(value) {
                if let Some(known) = bundle
                    .facts
                    .slot(fact)
                    .and_then(|i| table.get_mut(i as usize))
                    && known.is_none()
                {
                    *known = Some((settled, false));
                }
            }
        }
        if config.use_defaults {
            for (known, decl) in table.iter_mut().zip(bundle.facts.iter()) {
                if known.is_none() {
                    *known = decl.default.as_ref().map(|v| (v, true));
                }
            }
        }
        Self(table)
    }
}

impl Answers<'_> {
    /// Whether a fact that `decl`'s answer would settle is known: a record written before the
    /// fact existed (a v1 record gives whether the worker's organisation is a First
    /// Responder, not which organisation it is) passes the question that asks it, and a walk
    /// that later needs a settled fact the record did not give stops to ask for that fact,
    /// as it did before.
    pub(crate) fn settled(&self, bundle: &Bundle, decl: &FactDecl) -> bool {
        decl.settled_facts().iter().any(|f| {
            bundle
                .facts
                .slot(f)
                .is_some_and(|i| self.table().get(i as usize).is_some_and(Option::is_some))
        })
    }
}

/// What rules read during a walk: the answers (defaults included, if allowed) and the
/// derived facts of the pathway the walk is in.
pub(crate) struct FactScope<'a> {
    pub(crate) bundle: &'a Bundle,
    pub(crate) pathway: usize,
    pub(crate) config: &'a Config,
    pub(crate) answers: &'a Answers<'a>,
}

impl<'a> FactScope<'a> {
    /// The answer given for a declared fact, or its default when defaults are allowed, and
    /// whether it is the default: by its slot, or by its id for a name without one.
    pub(crate) fn answer(&self, id: &str, slot: Slot) -> Option<(&'a Value, bool)> {
        let i = match slot {
            Slot::Fact(i) => i,
            Slot::Derived(_) => self.bundle.facts.slot(id)?,
        };
        self.answers.table().get(i as usize).copied().flatten()
    }
}

impl FactScope<'_> {
    /// The value of a fact or derived fact of the pathway found by its id, for
    /// verification's lookups by name: a name that is neither is missing.
    pub(crate) fn named(&self, id: &str) -> Result<Cow<'_, Value>, Missing> {
        let pathway = &self.bundle.pathways[self.pathway];
        let slot = match pathway.derived.binary_search_by(|d| d.id.as_str().cmp(id)) {
            Ok(i) => Slot::Derived(i as u32),
            Err(_) => match self.bundle.facts.slot(id) {
                Some(i) => Slot::Fact(i),
                None => return Err(Missing(id.to_owned())),
            },
        };
        self.fact(id, slot)
    }
}

impl Scope for FactScope<'_> {
    fn fact(&self, id: &str, slot: Slot) -> Result<Cow<'_, Value>, Missing> {
        let pathway = &self.bundle.pathways[self.pathway];
        let derived = match slot {
            Slot::Derived(i) => pathway.derived.get(i as usize),
            Slot::Fact(_) => None,
        };
        if let Some(derived) = derived {
            return rule::eval(&derived.rule, self).map(|b| Cow::Owned(Value::Bool(b)));
        }
        self.answer(id, slot)
            .map(|(v, _)| Cow::Borrowed(v))
            .ok_or_else(|| Missing(id.to_owned()))
    }

    fn today(&self) -> Date {
        self.config.today
    }
}

/// Walks from `walk.at` until a question needs an answer or an outcome is reached, reading
/// the facts by slot ([`AnswerTable::new`]).
pub(crate) fn advance<'b>(
    bundle: &'b Bundle,
    answers: &Answers<'_>,
    config: &Config,
    walk: &mut Walk,
) -> Stop<'b> {
    advance_noting(bundle, answers, config, walk, |_| {})
}

/// [`advance`], telling `answered` the value of each question step it passes, in order, and
/// whether it is the fact's declared default (not given); `None` for a question passed
/// because the facts its answer settles are all known.
pub(crate) fn advance_noting<'b: 'x, 'f: 'x, 'x>(
    bundle: &'b Bundle,
    answers: &'x Answers<'f>,
    config: &'x Config,
    walk: &mut Walk,
    mut answered: impl FnMut(Option<(&'x Value, bool)>),
) -> Stop<'b> {
    // A compiled set is acyclic, so a walk is never longer than the set has steps.
    let limit: usize = bundle.pathways.iter().map(|p| p.steps.len()).sum();
    loop {
        if walk.visits.len() > limit {
            return Stop::NoEdge;
        }
        let (p, node) = walk.at;
        let step = &bundle.pathways[p].steps[node];
        let scope = FactScope {
            bundle,
            pathway: p,
            config,
            answers,
        };
        match &step.kind {
            StepKind::Question { fact, slot, .. } => match scope.answer(fact, *slot) {
                Some((v, is_default)) => answered(Some((v, is_default))),
                // Everything the answer would settle is already known: pass.
                None if match slot {
                    // Found by slot: no id compared.
                    Slot::Fact(i) => bundle.facts.at(*i).map(|(_, d)| d),
                    _ => bundle.facts.get(fact),
                }
                .is_some_and(|d| answers.settled(bundle, d)) =>
                {
                    answered(None)
                }
                None => return Stop::Ask(fact),
            },
            StepKind::Action { .. } => {}
            StepKind::Outcome { .. } => {
                walk.visits.push(Passed {
                    pathway: p,
                    node,
                    edge: None,
                });
                return Stop::Done;
            }
            StepKind::Handover { pathway, step, .. } => {
                walk.visits.push(Passed {
                    pathway: p,
                    node,
                    edge: None,
                });
                walk.at = (*pathway, *step);
                continue;
            }
        }
        let mut taken = None;
        for (i, edge) in step.edges.iter().enumerate() {
            let holds = match &edge.when {
                None => true,
                Some(rule) => match rule::eval(rule, &scope) {
                    Ok(b) => b,
                    Err(Missing(fact)) => return Stop::Missing(fact),
                },
            };
            if holds {
                taken = Some(i);
                break;
            }
        }
        let Some(i) = taken else { return Stop::NoEdge };
        walk.visits.push(Passed {
            pathway: p,
            node,
            edge: Some(i),
        });
        walk.at = (p, step.edges[i].to);
    }
}

/// The actions a finished walk collected, deduplicated (first kept) and urgent first: each
/// with its definition in the pathway that added it and the index of the visit that did.
pub(crate) fn collect_actions<'b>(
    bundle: &'b Bundle,
    walk: &Walk,
) -> Vec<(Option<&'b ActionEntry>, &'b str, usize)> {
    let mut out: Vec<(Option<&ActionEntry>, &str, usize)> = Vec::with_capacity(16);
    // How many urgent actions lead `out`: each urgent one is moved up behind them, so both
    // groups keep the order the path added them in (a stable partition, without a second
    // list).
    let mut urgent = 0;
    for (k, v) in walk.visits.iter().enumerate() {
        let pathway = &bundle.pathways[v.pathway];
        let (codes, defs) = match &pathway.steps[v.node].kind {
            StepKind::Action { actions, defs, .. } | StepKind::Outcome { actions, defs, .. } => {
                (actions, defs)
            }
            _ => continue,
        };
        for (j, code) in codes.iter().enumerate() {
            if out.iter().any(|(_, c, _)| c == code) {
                continue;
            }
            // Linked: by index; otherwise by code.
            let def = match defs.get(j) {
                Some(linked) => linked.and_then(|i| pathway.actions.at(i)),
                None => pathway.actions.get(code),
            };
            out.push((def, code, k));
            if def.is_some_and(|a| a.def.urgent) {
                out[urgent..].rotate_right(1);
                urgent += 1;
            }
        }
    }
    out
}

/// The facts asked by question steps reachable from a step (itself included), across
/// hand-overs.
pub(crate) fn questions_ahead(
    bundle: &Bundle,
    pathway: &str,
    step: &str,
) -> std::collections::BTreeSet<String> {
    let mut facts = std::collections::BTreeSet::new();
    let Some(p) = bundle.pathways.iter().position(|x| x.meta.id == pathway) else {
        return facts;
    };
    let Some(&start) = bundle.pathways[p].index.get(step) else {
        return facts;
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![(p, start)];
    while let Some((p, node)) = stack.pop() {
        if !seen.insert((p, node.index())) {
            continue;
        }
        let s = &bundle.pathways[p].steps[node];
        match &s.kind {
            StepKind::Question { fact, .. } => {
                facts.insert(fact.clone());
            }
            StepKind::Handover { pathway, step, .. } => stack.push((*pathway, *step)),
            _ => {}
        }
        stack.extend(s.edges.iter().map(|e| (p, e.to)));
    }
    facts
}
