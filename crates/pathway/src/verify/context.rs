//! The concrete walk the explorer is on: the answers given so far (by slot, as evaluation
//! reads them), the facts asked, the actions collected and the pathways visited. Changed
//! answer by answer and segment by segment, and undone on backtracking from a log, so that
//! no step costs more than what it changes (never the number of facts or the depth).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::{ActionEntry, Bundle, StepKind};
use crate::date::Date;
use crate::rule::{Missing, PathPred, Scope, Slot};
use crate::value::Value;
use crate::walk::{Answers, Config, FactScope, Passed};

use super::relevance::Ahead;
use super::residual::Events;

/// An action the walk collected (the first time its code was added).
#[derive(Clone, Copy)]
pub(super) struct Collected<'a> {
    pub(super) code: &'a str,
    /// Its number among the set's codes.
    pub(super) id: u32,
    /// Its definition in the pathway that added it.
    pub(super) def: Option<&'a ActionEntry>,
    /// The pathway whose step added it.
    pub(super) pathway: usize,
    pub(super) urgent: bool,
}

/// One change, to undo.
enum Undo<'a> {
    Table(u32, Option<(&'a Value, bool)>),
    Raw(u32, Option<&'a Value>),
    Asked(u32),
    FirstAsked,
    Collected,
    FirstUrgent,
    Visited(usize),
    Answer,
    Residual(usize, u32),
}

pub(super) struct Context<'a> {
    pub(super) bundle: &'a Bundle,
    pub(super) config: Config,
    /// The answers as rules read them, by slot: given, or settled by another answer.
    pub(super) table: Vec<Option<(&'a Value, bool)>>,
    /// The answers given, by slot.
    raw: Vec<Option<&'a Value>>,
    /// For each fact, the facts whose answers settle it, in slot order.
    settlers: Vec<Vec<u32>>,
    /// How many times each fact was made known at a question step.
    asked: Vec<u32>,
    first_asked: Option<&'a str>,
    /// In the order the path added them.
    pub(super) collected: Vec<Collected<'a>>,
    /// Every action code of the set (of steps and of invariants), numbered.
    code_ids: BTreeMap<&'a str, u32>,
    /// The codes each step adds, by step (pathway by pathway, node by node): `step_codes`
    /// from `step_starts[g]` to `step_starts[g + 1]`.
    step_codes: Vec<u32>,
    step_starts: Vec<u32>,
    offsets: Vec<usize>,
    /// Per code: its place in `collected`, or `u32::MAX`.
    by_code: Vec<u32>,
    first_urgent: Option<usize>,
    pub(super) visited: Vec<bool>,
    /// The answers given, in order.
    pub(super) answers: Vec<(u32, &'a Value)>,
    /// The current residual of each invariant slot (see [`super::residual`]).
    pub(super) residuals: Vec<u32>,
    /// The facts known, each with 1 + the last place (in the steps' topological order) of
    /// a step that reads it, so those no step ahead reads are skipped in order.
    pub(super) live: BTreeSet<(u32, u32)>,
    expiry: Vec<u32>,
    log: Vec<Undo<'a>>,
}

impl<'a> Context<'a> {
    pub(super) fn new(bundle: &'a Bundle, today: Date, residuals: usize, expiry: Vec<u32>) -> Self {
        let n = bundle.facts.len();
        let mut settlers = vec![Vec::new(); n];
        for (s, decl) in bundle.facts.settling() {
            for f in decl.settled_facts() {
                if let Some(i) = bundle.facts.slot(f) {
                    settlers[i as usize].push(s);
                }
            }
        }
        let (code_ids, step_codes, step_starts, offsets) = number_codes(bundle);
        Self {
            bundle,
            config: Config::new(today),
            by_code: vec![u32::MAX; code_ids.len()],
            code_ids,
            step_codes,
            step_starts,
            offsets,
            table: vec![None; n],
            raw: vec![None; n],
            settlers,
            asked: vec![0; n],
            first_asked: None,
            collected: Vec::new(),
            first_urgent: None,
            visited: vec![false; bundle.pathways.len()],
            answers: Vec::new(),
            residuals: vec![0; residuals],
            live: BTreeSet::new(),
            expiry,
            log: Vec::new(),
        }
    }

    /// A mark to undo back to.
    pub(super) fn mark(&self) -> usize {
        self.log.len()
    }

    /// Undoes every change since `mark`.
    pub(super) fn undo(&mut self, mark: usize) {
        while self.log.len() > mark {
            let Some(u) = self.log.pop() else { break };
            match u {
                Undo::Table(s, v) => self.put(s, v),
                Undo::Raw(s, v) => self.raw[s as usize] = v,
                Undo::Asked(s) => self.asked[s as usize] -= 1,
                Undo::FirstAsked => self.first_asked = None,
                Undo::Collected => {
                    if let Some(c) = self.collected.pop() {
                        self.by_code[c.id as usize] = u32::MAX;
                    }
                }
                Undo::FirstUrgent => self.first_urgent = None,
                Undo::Visited(p) => self.visited[p] = false,
                Undo::Answer => {
                    self.answers.pop();
                }
                Undo::Residual(j, old) => self.residuals[j] = old,
            }
        }
    }

    /// What changed since `mark`, and the actions collected since the `before`-th.
    pub(super) fn events(&self, mark: usize, before: usize, out: &mut Events<'a>) {
        out.known.clear();
        out.asked.clear();
        out.collected.clear();
        out.first_asked = false;
        out.first_urgent = false;
        for u in self.log.get(mark..).unwrap_or_default() {
            match u {
                Undo::Table(s, _) => out.known.push(*s),
                Undo::Asked(s) => out.asked.push(*s),
                Undo::FirstAsked => out.first_asked = true,
                Undo::FirstUrgent => out.first_urgent = true,
                _ => {}
            }
        }
        out.collected.extend(
            self.collected
                .get(before..)
                .unwrap_or_default()
                .iter()
                .map(|c| c.code),
        );
    }

    /// The given answer of a fact.
    pub(super) fn raw(&self, slot: u32) -> Option<&'a Value> {
        self.raw.get(slot as usize).copied().flatten()
    }

    /// Whether a fact is known, given or settled.
    pub(super) fn known(&self, slot: u32) -> Option<(&'a Value, bool)> {
        self.table.get(slot as usize).copied().flatten()
    }

    /// Gives an answer (and the facts it settles, unless given).
    pub(super) fn answer(&mut self, slot: u32, value: &'a Value) {
        let s = slot as usize;
        if s >= self.raw.len() {
            return;
        }
        self.log.push(Undo::Raw(slot, self.raw[s]));
        self.raw[s] = Some(value);
        self.log.push(Undo::Answer);
        self.answers.push((slot, value));
        self.set_table(slot, Some((value, false)));
        let bundle = self.bundle;
        let Some((_, decl)) = bundle.facts.at(slot) else {
            return;
        };
        for f in decl.settled_facts() {
            if let Some(i) = bundle.facts.slot(f) {
                self.resettle(i);
            }
        }
    }

    /// The answer rules read for a fact: given, else settled by the first settling fact (in
    /// slot order) that is given, as [`crate::evaluate::AnswerTable::new`] does.
    fn resettle(&mut self, slot: u32) {
        let s = slot as usize;
        if self.raw[s].is_some() {
            return;
        }
        let bundle = self.bundle;
        let fact = self.bundle.facts.at(slot).map(|(id, _)| &**id);
        let mut value = None;
        for &by in &self.settlers[s] {
            let (Some(answer), Some((_, decl))) = (self.raw[by as usize], bundle.facts.at(by))
            else {
                continue;
            };
            if let Some((_, v)) = decl.settled_by(answer).find(|(f, _)| Some(*f) == fact) {
                value = Some((v, false));
                break;
            }
        }
        if self.table[s] != value {
            self.set_table(slot, value);
        }
    }

    fn set_table(&mut self, slot: u32, value: Option<(&'a Value, bool)>) {
        self.log.push(Undo::Table(slot, self.table[slot as usize]));
        self.put(slot, value);
    }

    fn put(&mut self, slot: u32, value: Option<(&'a Value, bool)>) {
        let s = slot as usize;
        let e = self.expiry.get(s).copied().unwrap_or(u32::MAX);
        match (self.table[s].is_some(), value.is_some()) {
            (false, true) => {
                self.live.insert((e, slot));
            }
            (true, false) => {
                self.live.remove(&(e, slot));
            }
            _ => {}
        }
        self.table[s] = value;
    }

    /// Notes the steps of a segment of the walk: the facts its questions made known, the
    /// actions it collected and the pathways it entered.
    pub(super) fn walked(&mut self, visits: &[Passed]) {
        let bundle = self.bundle;
        for v in visits {
            if !self.visited[v.pathway] {
                self.visited[v.pathway] = true;
                self.log.push(Undo::Visited(v.pathway));
            }
            let pathway = &bundle.pathways[v.pathway];
            match &pathway.steps[v.node].kind {
                StepKind::Question { fact, slot, .. } => {
                    let slot = match slot {
                        Slot::Fact(i) => Some(*i),
                        _ => bundle.facts.slot(fact),
                    };
                    let decl = slot.and_then(|s| bundle.facts.at(s)).map(|(_, d)| d);
                    if slot.is_some_and(|s| self.raw(s).is_some()) {
                        self.ask(slot, fact);
                    }
                    for f in decl.map(|d| d.settled_facts()).unwrap_or_default() {
                        self.ask(bundle.facts.slot(f), f);
                    }
                }
                StepKind::Action { actions, defs, .. }
                | StepKind::Outcome { actions, defs, .. } => {
                    let g = self.offsets[v.pathway] + v.node.index();
                    let (from, to) = (
                        self.step_starts[g] as usize,
                        self.step_starts[g + 1] as usize,
                    );
                    for (j, code) in actions.iter().enumerate() {
                        let Some(&id) = self.step_codes.get(from + j).filter(|_| from + j < to)
                        else {
                            continue;
                        };
                        if self.by_code[id as usize] != u32::MAX {
                            continue;
                        }
                        let def = match defs.get(j) {
                            Some(linked) => linked.and_then(|i| pathway.actions.at(i)),
                            None => pathway.actions.get(code),
                        };
                        let urgent = def.is_some_and(|a| a.def.urgent);
                        if urgent && self.first_urgent.is_none() {
                            self.first_urgent = Some(self.collected.len());
                            self.log.push(Undo::FirstUrgent);
                        }
                        self.by_code[id as usize] = self.collected.len() as u32;
                        self.collected.push(Collected {
                            code,
                            id,
                            def,
                            pathway: v.pathway,
                            urgent,
                        });
                        self.log.push(Undo::Collected);
                    }
                }
                StepKind::Handover { .. } => {}
            }
        }
    }

    fn ask(&mut self, slot: Option<u32>, fact: &'a str) {
        if let Some(s) = slot {
            self.asked[s as usize] += 1;
            self.log.push(Undo::Asked(s));
        }
        if self.first_asked.is_none() {
            self.first_asked = Some(fact);
            self.log.push(Undo::FirstAsked);
        }
    }

    /// Sets the residual of an invariant slot.
    pub(super) fn set_residual(&mut self, j: usize, id: u32) {
        if self.residuals[j] != id {
            self.log.push(Undo::Residual(j, self.residuals[j]));
            self.residuals[j] = id;
        }
    }

    /// Whether a fact (by slot) was made known at a question step.
    pub(super) fn asked(&self, slot: Option<u32>) -> bool {
        slot.is_some_and(|s| self.asked[s as usize] > 0)
    }

    pub(super) fn was_asked(&self, fact: &str) -> bool {
        self.asked(self.bundle.facts.slot(fact))
    }

    /// The number of an action code, if any step adds it.
    pub(super) fn code(&self, code: &str) -> Option<u32> {
        self.code_ids.get(code).copied()
    }

    /// The action collected with this code number.
    pub(super) fn collected_id(&self, id: Option<u32>) -> Option<&Collected<'a>> {
        let i = *self.by_code.get(id? as usize)?;
        self.collected.get(i as usize)
    }

    /// The first action of the outcome if the walk ended now: the first urgent one, else the
    /// first one.
    pub(super) fn first_action(&self) -> Option<&Collected<'a>> {
        self.first_urgent
            .or((!self.collected.is_empty()).then_some(0))
            .map(|i| &self.collected[i])
    }

    /// Whether an urgent action was collected (then the outcome's first action is known).
    pub(super) fn has_urgent(&self) -> bool {
        self.first_urgent.is_some()
    }

    /// An action's place in the outcome: urgent ones first, each group in path order.
    fn place(&self, id: Option<u32>) -> Option<(bool, u32)> {
        let i = *self.by_code.get(id? as usize)?;
        Some((!self.collected.get(i as usize)?.urgent, i))
    }

    /// A path predicate with its facts and codes numbered.
    pub(super) fn resolve<'p>(&self, pred: &'p PathPred) -> Resolved<'p> {
        let slot = |f: &str| self.bundle.facts.slot(f);
        match pred {
            PathPred::Asked(f) => Resolved::Asked(slot(f)),
            PathPred::FirstAsked(f) => Resolved::FirstAsked(f),
            PathPred::Did(c) => Resolved::Did(self.code(c)),
            PathPred::Urgent(c) => Resolved::Urgent(self.code(c)),
            PathPred::First(c) => Resolved::First(self.code(c)),
            PathPred::Before(a, b) => Resolved::Before(self.code(a), self.code(b)),
            PathPred::KnownBefore(f, c) => Resolved::KnownBefore(f, self.code(c)),
            PathPred::Contacted(_) | PathPred::OwnService => Resolved::Wording(pred),
        }
    }

    /// A path predicate, decided now if the rest of the walk cannot change it (with what the
    /// steps `ahead` can still do), or at the end of the walk (no `ahead`) exactly as
    /// [`super::scope::PathScope`] decides it.
    pub(super) fn path(
        &self,
        pred: &PathPred,
        pathway: usize,
        ahead: Option<&Ahead<'_>>,
    ) -> Option<bool> {
        self.decide(&self.resolve(pred), pathway, ahead)
    }

    /// [`Context::path`] of a resolved predicate.
    pub(super) fn decide(
        &self,
        pred: &Resolved<'_>,
        pathway: usize,
        ahead: Option<&Ahead<'_>>,
    ) -> Option<bool> {
        let end = ahead.is_none();
        // Whether the walk can still make a fact known, or add an action.
        let askable = |f: Option<u32>| ahead.is_some_and(|a| a.askable(f));
        let collectable = |c: Option<u32>| ahead.is_some_and(|a| a.collectable(c));
        match *pred {
            Resolved::Asked(f) => {
                let asked = self.asked(f);
                (asked || !askable(f)).then_some(asked)
            }
            Resolved::FirstAsked(f) => match self.first_asked {
                Some(first) => Some(first == f),
                None => end.then_some(false),
            },
            Resolved::Did(c) => {
                let did = self.collected_id(c).is_some();
                (did || !collectable(c)).then_some(did)
            }
            Resolved::Urgent(c) => match self.collected_id(c) {
                Some(a) => Some(a.urgent),
                None => (!collectable(c)).then_some(false),
            },
            Resolved::First(c) => {
                // The first urgent action, or with none (and none to come) the first.
                let settled = self.has_urgent()
                    || end
                    || (!ahead.is_some_and(|a| a.urgent()) && !self.collected.is_empty());
                settled.then(|| c.is_some() && self.first_action().map(|a| a.id) == c)
            }
            Resolved::Before(a, b) => match (self.place(a), self.place(b)) {
                (Some(x), Some(y)) => Some(x < y),
                // An urgent action comes before any action added later.
                (Some((false, _)), None) => Some(true),
                // An action added later comes after an urgent one.
                (None, Some((false, _))) => Some(false),
                (Some(_), None) => (!collectable(b)).then_some(true),
                (None, _) => (!collectable(a)).then_some(false),
            },
            Resolved::KnownBefore(f, c) => {
                // Decided when the action is collected (the facts then are the facts now:
                // answers change only between stretches, and residuals are updated after
                // each), or now if the fact is already known, or if the action is not.
                let answers = Answers::borrowed(&self.table);
                let known = self.fact_scope(pathway, &answers).named(f).is_ok();
                let collected = self.collected_id(c).is_some();
                if collected || known || !collectable(c) {
                    Some(known || !collected)
                } else {
                    None
                }
            }
            // Decided at the end, from the wording of the actions collected (see
            // `super::residual`, which folds them in as they are collected).
            Resolved::Wording(pred) => end.then(|| self.names_at_end(pred, pathway)),
        }
    }

    /// `contacted(id)` and `own_service()` at the end of the walk.
    fn names_at_end(&self, pred: &PathPred, pathway: usize) -> bool {
        let answers = Answers::borrowed(&self.table);
        let org = match pred {
            PathPred::OwnService => {
                let scope = self.fact_scope(pathway, &answers);
                match scope.named(crate::vocab::ORGANISATION) {
                    Ok(v) => match v.as_ref() {
                        Value::Choice(o) => Some(o.clone()),
                        _ => return false,
                    },
                    Err(_) => return false,
                }
            }
            _ => None,
        };
        self.collected.iter().any(|a| {
            let Some(def) = a.def else { return false };
            let scope = self.fact_scope(a.pathway, &answers);
            def.wording(&scope)
                .named
                .iter()
                .any(|n| match (pred, &org) {
                    (PathPred::Contacted(id), _) => n == id,
                    (_, Some(org)) => {
                        self.bundle
                            .contacts
                            .get(n)
                            .and_then(|c| c.service_of.as_deref())
                            == Some(org.as_str())
                    }
                    _ => false,
                })
        })
    }

    pub(super) fn fact_scope<'s>(
        &'s self,
        pathway: usize,
        answers: &'s Answers<'s>,
    ) -> FactScope<'s> {
        FactScope {
            bundle: self.bundle,
            pathway,
            config: &self.config,
            answers,
        }
    }
}

/// Every action code a step adds, numbered in step order; the codes of each step (by step
/// across pathways: `codes[starts[g]..starts[g + 1]]`); and each pathway's first step.
#[allow(clippy::type_complexity)]
pub(super) fn number_codes(
    bundle: &Bundle,
) -> (BTreeMap<&str, u32>, Vec<u32>, Vec<u32>, Vec<usize>) {
    let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
    let mut codes = Vec::new();
    let mut starts = vec![0u32];
    let mut offsets = Vec::new();
    let mut n = 0;
    for p in &bundle.pathways {
        offsets.push(n);
        n += p.steps.len();
        for node in p.steps.indices() {
            if let StepKind::Action { actions, .. } | StepKind::Outcome { actions, .. } =
                &p.steps[node].kind
            {
                for code in actions {
                    let next = ids.len() as u32;
                    codes.push(*ids.entry(code.as_str()).or_insert(next));
                }
            }
            starts.push(codes.len() as u32);
        }
    }
    (ids, codes, starts, offsets)
}

/// A path predicate with its fact and codes numbered (`None`: a code no step adds, a fact
/// the set does not declare).
#[derive(Clone, Copy)]
pub(super) enum Resolved<'a> {
    Asked(Option<u32>),
    FirstAsked(&'a str),
    Did(Option<u32>),
    Urgent(Option<u32>),
    First(Option<u32>),
    Before(Option<u32>, Option<u32>),
    KnownBefore(&'a str, Option<u32>),
    Wording(&'a PathPred),
}

/// What a rule of pathway `pathway` reads on the walk: now (with what the steps `ahead` can
/// still do), or at its end (no `ahead`).
pub(super) struct NowScope<'s, 'a> {
    pub(super) ctx: &'s Context<'a>,
    pub(super) inner: FactScope<'s>,
    pub(super) pathway: usize,
    pub(super) ahead: Option<Ahead<'s>>,
}

impl Scope for NowScope<'_, '_> {
    fn fact(&self, id: &str, slot: Slot) -> Result<Cow<'_, Value>, Missing> {
        self.inner.fact(id, slot)
    }

    fn today(&self) -> Date {
        self.ctx.config.today
    }

    fn path(&self, pred: &PathPred) -> Option<bool> {
        self.ctx.path(pred, self.pathway, self.ahead.as_ref())
    }
}
