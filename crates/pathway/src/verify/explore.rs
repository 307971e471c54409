//! The explorer: every path of every pathway, proven without walking them one by one.
//!
//! A depth-first search over the walks, with an explicit stack (no recursion on the depth of
//! a pathway), that branches where evaluation would stop to ask (on the answer classes of
//! [`super::classes`]) and merges walks whose futures are the same. After each stretch of
//! walk between two questions, the state is: the step reached, the pathways visited, what is
//! left of every invariant ([`super::residual`]), the must-ask facts still missing, and the
//! values of the facts a step ahead may read (or a residual still reads). Two walks in the same
//! state walk the same steps from there on, with the same verdicts: the state's summary
//! (paths completed, and per invariant the paths checked, whether its condition held, and the
//! shortest failing continuation) is computed once and reused.
//!
//! Everything is as the enumeration ([`super::enumerate`]) finds it: a state is explored when
//! a walk first reaches it, in the enumeration's order, so errors at steps are reported with
//! the same first example; the shortest failing continuation is the first among the shortest
//! in that order, so joining the first-reached prefix gives the enumeration's counterexample,
//! which is then rebuilt as concrete answers and replayed.

use std::collections::BTreeMap;

use petgraph::graph::NodeIndex;

use crate::bundle::Bundle;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::evaluate::{Answers, Stop, Walk, advance};
use crate::rule::ExprKind;
use crate::value::{Facts, Value};

use super::classes::Classes;
use super::context::Context;
use super::relevance::{Statics, wording_matters};
use super::report::{EdgeKey, Findings, MUST_ASK};
use super::residual::{Needs, Residuals, TRUE};
use super::summary::{Best, DEAD, State};
use super::{Budget, PathCount};

/// An invariant slot: an invariant of a pathway, or its must-ask rule.
pub(super) struct Inv {
    pub(super) pathway: usize,
    pub(super) index: usize,
}

/// A state being explored: the answers still to try at its question.
struct Frame<'a> {
    state: u32,
    branches: Vec<Vec<(u32, &'a Value)>>,
    next: usize,
    /// Where the walk and its context were when the state was reached.
    mark: usize,
    visits: usize,
    at: (usize, NodeIndex),
    /// The length of the stretch that led here from the frame below.
    segment: u32,
}

pub(super) struct Explorer<'a> {
    pub(super) bundle: &'a Bundle,
    pub(super) today: Date,
    /// Each fact's answer classes, by slot.
    pub(super) values: &'a [Vec<Value>],
    statics: Statics,
    res: Residuals<'a>,
    pub(super) invs: Vec<Inv>,
    ctx: Context<'a>,
    memo: BTreeMap<Box<[u32]>, u32>,
    pub(super) states: Vec<State>,
    pub(super) findings: Findings<'a>,
    walk: Walk,
    value_ids: BTreeMap<&'a Value, u32>,
    code_ids: BTreeMap<&'a str, u32>,
    /// Per start pathway, its root state.
    pub(super) roots: Vec<u32>,
    /// States in the order their summaries were completed (successors first).
    pub(super) order: Vec<u32>,
    /// Whether to keep the edges of each stretch (for covering examples).
    pub(super) keep_edges: bool,
    budget: Budget,
    words: u64,
    pub(super) exhausted: Option<Diagnostic>,
    start: usize,
    scratch: (Vec<u32>, u32),
}

/// Each fact's answer classes, by slot.
pub(super) fn class_values(bundle: &Bundle, today: Date) -> Vec<Vec<Value>> {
    let classes = Classes::new(bundle, today);
    bundle
        .facts
        .iter()
        .map(|d| classes.values(bundle, &d.id))
        .collect()
}

impl<'a> Explorer<'a> {
    pub(super) fn new(
        bundle: &'a Bundle,
        today: Date,
        values: &'a [Vec<Value>],
        budget: Budget,
    ) -> Self {
        let statics = Statics::new(bundle, wording_matters(bundle));
        let mut invs = Vec::new();
        for (p, pathway) in bundle.pathways.iter().enumerate() {
            if !pathway.must_ask.is_empty() {
                invs.push(Inv {
                    pathway: p,
                    index: MUST_ASK,
                });
            }
            for i in 0..pathway.invariants.len() {
                invs.push(Inv { pathway: p, index: i });
            }
        }
        let ctx = Context::new(bundle, today, 2 * invs.len(), statics.expiry.clone());
        Self {
            bundle,
            today,
            values,
            statics,
            res: Residuals::new(bundle),
            invs,
            ctx,
            memo: BTreeMap::new(),
            states: vec![State::new(bundle.pathways.len(), 0, (0, 0))],
            findings: Findings::new(bundle, today),
            walk: Walk::new(bundle, 0),
            value_ids: BTreeMap::new(),
            code_ids: BTreeMap::new(),
            roots: Vec::new(),
            order: Vec::new(),
            keep_edges: false,
            budget,
            words: 0,
            exhausted: None,
            start: 0,
            scratch: (Vec::new(), 0),
        }
    }

    /// Explores from the start of every pathway.
    pub(super) fn run(&mut self) {
        // Every invariant before anything is known; its residuals are kept up to date on
        // every walk, and judged for the pathways the walk visited.
        let mut initial = Vec::with_capacity(2 * self.invs.len());
        for inv in &self.invs {
            let rule = self.bundle.pathways[inv.pathway]
                .invariants
                .get(inv.index)
                .map(|v| &v.rule);
            let (whole, premise) = match rule {
                Some(rule) => {
                    let premise = match &rule.kind {
                        ExprKind::Implies(a, _) => self.res.of_rule(inv.pathway, a),
                        _ => TRUE,
                    };
                    (self.res.of_rule(inv.pathway, rule), premise)
                }
                None => (TRUE, TRUE),
            };
            initial.extend([whole, premise]);
        }
        self.res.update(&mut initial, &self.ctx, &[]);
        for p in 0..self.bundle.pathways.len() {
            if self.exhausted.is_some() {
                break;
            }
            self.start = p;
            self.walk = Walk::new(self.bundle, p);
            for (j, &id) in initial.iter().enumerate() {
                self.ctx.set_residual(j, id);
            }
            let root = self.add_state((p, self.bundle.pathways[p].start.index()));
            self.roots.push(root);
            self.explore(root);
        }
    }

    fn add_state(&mut self, at: (usize, usize)) -> u32 {
        let id = self.states.len() as u32;
        self.states.push(State::new(
            self.bundle.pathways.len(),
            self.invs.len(),
            (at.0 as u32, at.1 as u32),
        ));
        id
    }

    /// The depth-first search from a root: a frame per state being explored.
    fn explore(&mut self, root: u32) {
        let mark = self.ctx.mark();
        let mut frames = vec![Frame {
            state: root,
            branches: vec![Vec::new()],
            next: 0,
            mark,
            visits: 0,
            at: self.walk.at,
            segment: 0,
        }];
        while let Some(top) = frames.last_mut() {
            if self.exhausted.is_some() {
                return;
            }
            let Some(branch) = top.branches.get(top.next) else {
                // Every answer tried: the state's summary is complete.
                let Some(done) = frames.pop() else { break };
                self.order.push(done.state);
                if let Some(parent) = frames.last() {
                    self.close(parent, done.state, done.segment);
                }
                continue;
            };
            top.next += 1;
            for &(slot, value) in branch {
                self.ctx.answer(slot, value);
            }
            let (parent_state, seg_start) = (top.state, top.visits);
            let stop = {
                let answers = Answers::borrowed(&self.ctx.table);
                advance(self.bundle, &answers, &self.ctx.config, &mut self.walk)
            };
            let before = self.ctx.collected.len();
            self.ctx.walked(&self.walk.visits[seg_start..]);
            self.update_residuals(before);
            let segment = (self.walk.visits.len() - seg_start) as u32;
            let child = match stop {
                Stop::Ask(fact) => {
                    let key = self.key(false);
                    match self.memo.get(&key[..]) {
                        Some(&id) => id,
                        None => {
                            let id = self.new_state(key);
                            let raw = |s: u32| self.ctx.raw(s);
                            let branches = branches(self.bundle, self.values, fact, raw);
                            frames.push(Frame {
                                state: id,
                                branches,
                                next: 0,
                                mark: self.ctx.mark(),
                                visits: self.walk.visits.len(),
                                at: self.walk.at,
                                segment,
                            });
                            continue;
                        }
                    }
                }
                Stop::Done => {
                    let key = self.key(true);
                    match self.memo.get(&key[..]) {
                        Some(&id) => id,
                        None => {
                            let id = self.new_state(key);
                            self.finished(id);
                            self.order.push(id);
                            id
                        }
                    }
                }
                Stop::Missing(fact) => {
                    let facts = self.facts_now();
                    self.findings.report(self.start, "fact-not-asked", &fact, &self.walk, || facts, |step| {
                        format!("a rule at step `{step}` reads `{fact}` before any question on this path asks it")
                    });
                    DEAD
                }
                Stop::NoEdge => {
                    let facts = self.facts_now();
                    self.findings.report(self.start, "uncovered-answer", "", &self.walk, || facts, |step| {
                        format!("no edge of step `{step}` holds for these answers")
                    });
                    DEAD
                }
            };
            let Some(parent) = frames.last() else { break };
            debug_assert_eq!(parent.state, parent_state);
            self.close(parent, child, segment);
        }
    }

    /// Folds a child's summary into the state of `parent` (the stretch that led to it is
    /// `segment` steps long, still on the walk), and goes back to the parent's state.
    fn close(&mut self, parent: &Frame<'a>, child: u32, segment: u32) {
        let (p, c) = (parent.state as usize, child as usize);
        let completed = !self.states[c].total.is_zero();
        if completed {
            self.findings.see(&self.walk.visits[parent.visits..]);
        }
        let edges: Option<Box<[EdgeKey]>> = self.keep_edges.then(|| {
            self.walk.visits[parent.visits..]
                .iter()
                .filter_map(|v| Some((v.pathway, v.node.index(), v.edge?)))
                .collect()
        });
        super::summary::fold(&mut self.states, p, c, segment, edges);
        self.ctx.undo(parent.mark);
        self.walk.visits.truncate(parent.visits);
        self.walk.at = parent.at;
    }

    fn new_state(&mut self, key: Vec<u32>) -> u32 {
        let id = self.add_state((self.walk.at.0, self.walk.at.1.index()));
        self.words += key.len() as u64 + 16 + 4 * self.invs.len() as u64;
        self.memo.insert(key.into_boxed_slice(), id);
        if self.states.len() as u64 > self.budget.states
            || self.words > self.budget.words
            || self.res.len() as u64 > self.budget.words
        {
            self.exhaust();
        }
        id
    }

    fn exhaust(&mut self) {
        let bundle = self.bundle;
        let start = &bundle.pathways[self.start];
        let (p, node) = self.walk.at;
        let here = &bundle.pathways[p];
        let message = format!(
            "verification stopped after {} states: the walks from the start of pathway `{}` differ in more ways than verification can tell apart within its budget ({} states); the walk had reached step `{}` of pathway `{}`, after {} answers",
            self.states.len(),
            start.meta.id,
            self.budget.states,
            here.graph[node].id,
            here.meta.id,
            self.ctx.answers.len()
        );
        self.exhausted = Some(
            Diagnostic::error(
                "verification-budget",
                &start.file,
                format!("pathway `{}`", start.meta.id),
                message,
            )
            .hint("walks are kept apart by the facts that rules read later on: ask a fact near the steps that read it, keep each rule to facts asked close by, or split the pathway; nothing is proven until it verifies"),
        );
    }

    /// The summary of a finished walk: its verdicts.
    fn finished(&mut self, id: u32) {
        let ctx = &self.ctx;
        let state = &mut self.states[id as usize];
        state.total = PathCount::one();
        for (q, visited) in ctx.visited.iter().enumerate() {
            if *visited {
                state.per_pathway[q] = PathCount::one();
            }
        }
        for (j, inv) in self.invs.iter().enumerate() {
            if !ctx.visited[inv.pathway] {
                continue;
            }
            let (ok, premise) = if inv.index == MUST_ASK {
                let pathway = &self.bundle.pathways[inv.pathway];
                let ok = pathway.must_ask.iter().all(|f| ctx.was_asked(f));
                (ok, true)
            } else {
                let ok = self.res.at_end(ctx.residuals[2 * j], ctx) == Some(true);
                let premise = self.res.at_end(ctx.residuals[2 * j + 1], ctx) == Some(true);
                (ok, premise)
            };
            state.inv[j] = Best {
                premise,
                len: if ok { Best::NONE } else { 0 },
                branch: Best::TERMINAL,
            };
        }
        if ctx.collected.is_empty() {
            let facts = self.facts_now();
            self.findings.report(
                self.start,
                "empty-outcome",
                "",
                &self.walk,
                || facts,
                |step| format!("the path ends at outcome `{step}` with no action"),
            );
        }
    }

    /// The answers so far, as facts.
    fn facts_now(&self) -> Facts {
        facts_of(self.bundle, &self.ctx.answers)
    }

    /// Brings every residual still judged (of a pathway visited or still reachable) up to
    /// date after a stretch of walk; `before`: the actions collected before it.
    fn update_residuals(&mut self, before: usize) {
        let (p, node) = self.walk.at;
        let reach = self.statics.reach(p, node.index());
        let mut slots = Vec::new();
        let mut ids = Vec::new();
        for (j, inv) in self.invs.iter().enumerate() {
            if inv.index != MUST_ASK
                && (self.ctx.visited[inv.pathway] || reach.contains(&inv.pathway))
            {
                for k in [2 * j, 2 * j + 1] {
                    slots.push(k);
                    ids.push(self.ctx.residuals[k]);
                }
            }
        }
        let new = self.ctx.collected[before..].to_vec();
        self.res.update(&mut ids, &self.ctx, &new);
        for (k, id) in slots.into_iter().zip(ids) {
            self.ctx.set_residual(k, id);
        }
    }

    /// The state the walk is in, as words: equal words, equal futures.
    fn key(&mut self, done: bool) -> Vec<u32> {
        let (p, node) = self.walk.at;
        let node = node.index();
        let ctx = &self.ctx;
        let mut key = vec![u32::from(done), p as u32, node as u32];
        key.extend(pack(ctx.visited.iter().copied()));
        let place = self.statics.place(p, node);
        let reach = self.statics.reach(p, node);
        let tracked = |q: usize| ctx.visited[q] || reach.contains(&q);
        let (seen, stamp) = &mut self.scratch;
        *stamp = stamp.wrapping_add(1);
        if *stamp == 0 {
            seen.iter_mut().for_each(|s| *s = 0);
            *stamp = 1;
        }
        let mut atoms = Vec::new();
        for (j, inv) in self.invs.iter().enumerate() {
            if !tracked(inv.pathway) {
                key.extend([u32::MAX, u32::MAX]);
                continue;
            }
            if inv.index == MUST_ASK {
                let must = &self.bundle.pathways[inv.pathway].must_ask;
                key.extend(pack(must.iter().map(|f| ctx.was_asked(f))));
                continue;
            }
            for k in [2 * j, 2 * j + 1] {
                key.push(ctx.residuals[k]);
                self.res.pending(ctx.residuals[k], &mut atoms, seen, *stamp);
            }
        }
        key.push(u32::from(ctx.collected.is_empty()));
        let mut read: Vec<u32> = Vec::new();
        for &a in &atoms {
            let info = &self.res.atoms[a as usize];
            read.extend(info.reads.iter().copied());
            match info.needs {
                Needs::Nothing => {}
                Needs::FirstAction => {
                    let first = ctx.first_action().map_or(u32::MAX, |c| intern(&mut self.code_ids, c));
                    key.push(first);
                }
                Needs::Actions(x, y) => {
                    for c in [x, y] {
                        key.push(match ctx.collected(c) {
                            None => 0,
                            Some(a) if a.urgent => 1,
                            Some(_) => 2,
                        });
                    }
                }
            }
        }
        let from = if self.statics.read_ahead_all() { 0 } else { place + 1 };
        for &(_, s) in ctx.live.range((from, 0)..) {
            if self.statics.read_ahead(s, place, reach) {
                read.push(s);
            }
        }
        read.sort_unstable();
        read.dedup();
        key.push(u32::MAX - 1);
        for s in read {
            if let Some((v, _)) = ctx.known(s) {
                let given = ctx.raw(s).is_some();
                key.extend([s, intern(&mut self.value_ids, v), u32::from(given)]);
            }
        }
        key
    }
}

fn intern<K: Ord>(ids: &mut BTreeMap<K, u32>, k: K) -> u32 {
    let n = ids.len() as u32;
    *ids.entry(k).or_insert(n)
}

/// Booleans packed 32 to a word, after their number.
fn pack(bits: impl Iterator<Item = bool>) -> Vec<u32> {
    let mut out = vec![0u32];
    for (i, b) in bits.enumerate() {
        if i % 32 == 0 {
            out.push(0);
        }
        if b && let Some(w) = out.last_mut() {
            *w |= 1 << (i % 32);
        }
        out[0] += 1;
    }
    out
}

/// Facts from answers in the order given, under the set's own ids.
pub(super) fn facts_of(bundle: &Bundle, answers: &[(u32, &Value)]) -> Facts {
    let mut facts = Facts::default();
    for &(slot, v) in answers {
        if let Some((id, _)) = bundle.facts.at(slot) {
            facts.insert_at(id.clone(), slot, v.clone());
        }
    }
    facts
}

/// The answers to try at a question, in the enumeration's order: each class of the fact
/// (but one that contradicts a fact it settles, given already), then every combination of
/// the classes of the facts it settles that are not given (a record may give those instead).
pub(super) fn branches<'a>(
    bundle: &Bundle,
    values: &'a [Vec<Value>],
    fact: &str,
    raw: impl Fn(u32) -> Option<&'a Value>,
) -> Vec<Vec<(u32, &'a Value)>> {
    let mut out = Vec::new();
    let (Some(slot), Some(decl)) = (bundle.facts.slot(fact), bundle.facts.get(fact)) else {
        return out;
    };
    for value in values.get(slot as usize).into_iter().flatten() {
        let contradicts = decl.settled_by(value).any(|(f, v)| {
            bundle
                .facts
                .slot(f)
                .and_then(&raw)
                .is_some_and(|given| given != v)
        });
        if !contradicts {
            out.push(vec![(slot, value)]);
        }
    }
    let unknown: Vec<u32> = decl
        .settled_facts()
        .iter()
        .filter_map(|f| bundle.facts.slot(f))
        .filter(|&s| raw(s).is_none())
        .collect();
    if unknown.is_empty() {
        return out;
    }
    let classes: Vec<&'a [Value]> = unknown
        .iter()
        .map(|&s| values.get(s as usize).map_or(&[][..], Vec::as_slice))
        .collect();
    if classes.iter().any(|c| c.is_empty()) {
        return out;
    }
    let mut pick = vec![0usize; unknown.len()];
    'combos: loop {
        out.push(
            unknown
                .iter()
                .zip(&pick)
                .zip(&classes)
                .map(|((&s, &i), c)| (s, &c[i]))
                .collect(),
        );
        // The next combination, like an odometer.
        for i in 0..pick.len() {
            pick[i] += 1;
            if pick[i] < classes[i].len() {
                continue 'combos;
            }
            pick[i] = 0;
        }
        break;
    }
    out
}
