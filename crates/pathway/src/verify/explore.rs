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

use crate::bundle::{Bundle, StepKind};
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::evaluate::{Answers, Stop, Walk, advance};
use crate::rule::{ExprKind, Slot};
use crate::value::{Facts, Value};

use super::classes::Classes;
use super::context::Context;
use super::relevance::{Statics, wording_matters};
use super::report::{EdgeKey, Findings, MUST_ASK};
use super::residual::{Events, Needs, Residuals, TRUE};
use super::summary::{Best, DEAD, State};
use super::Budget;

/// An invariant slot: an invariant of a pathway, or its must-ask rule.
pub(super) struct Inv {
    pub(super) pathway: usize,
    pub(super) index: usize,
}

/// A state being explored: the answers still to try at its question.
struct Frame {
    state: u32,
    /// The fact its question asks (none at a root), and how many answers to try.
    fact: Option<u32>,
    count: usize,
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
    /// State keys by their hash: (where the key starts in `keys`, its length, the state).
    memo: BTreeMap<u64, Vec<(u32, u32, u32)>>,
    /// Every state key, one after the other.
    keys: Vec<u32>,
    pub(super) states: Vec<State>,
    pub(super) findings: Findings<'a>,
    walk: Walk,
    value_ids: BTreeMap<&'a Value, u32>,
    /// Per start pathway, its root state.
    pub(super) roots: Vec<u32>,
    /// States in the order their summaries were completed (successors first).
    pub(super) order: Vec<u32>,
    /// Whether to keep the edges of each stretch (for covering examples).
    pub(super) keep_edges: bool,
    /// States and words allowed, for the set's size.
    limits: (u64, u64),
    words: u64,
    pub(super) exhausted: Option<Diagnostic>,
    start: usize,
    scratch: (Vec<u32>, u32),
    /// Per invariant slot: whether a finished walk was found on which its condition holds.
    /// Then no warning can say it never does, and the condition's residual no longer
    /// keeps walks apart.
    premise_seen: Vec<bool>,
    events: Events<'a>,
    buf: Buffers<'a>,
    /// Tuples of residuals by their hash, then in full, and what each reads.
    tuples: BTreeMap<u64, Vec<(Box<[u32]>, u32)>>,
    tuple_info: Vec<TupleInfo>,
    /// Per invariant slot of a must-ask rule, its facts by slot.
    must: Vec<Vec<Option<u32>>>,
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
        // One more residual slot: the number of the tuple of all residuals.
        let ctx = Context::new(bundle, today, 2 * invs.len() + 1, statics.expiry.clone());
        let must = invs
            .iter()
            .map(|inv| match bundle.pathways[inv.pathway].must_ask.as_slice() {
                facts if inv.index == MUST_ASK => facts.iter().map(|f| bundle.facts.slot(f)).collect(),
                _ => Vec::new(),
            })
            .collect();
        Self {
            bundle,
            today,
            values,
            statics,
            res: Residuals::new(bundle),
            invs,
            ctx,
            memo: BTreeMap::new(),
            keys: Vec::new(),
            states: vec![State::new(0, (0, 0))],
            findings: Findings::new(bundle, today),
            walk: Walk::new(bundle, 0),
            value_ids: BTreeMap::new(),
            roots: Vec::new(),
            order: Vec::new(),
            keep_edges: false,
            limits: {
                let steps: u64 = bundle.pathways.iter().map(|p| p.graph.node_count() as u64).sum();
                (
                    budget.states.saturating_add(budget.states_per_step.saturating_mul(steps)),
                    budget.words.saturating_add(budget.words_per_step.saturating_mul(steps)),
                )
            },
            words: 0,
            exhausted: None,
            start: 0,
            scratch: (Vec::new(), 0),
            premise_seen: Vec::new(),
            events: Events::default(),
            buf: Buffers::default(),
            tuples: BTreeMap::new(),
            tuple_info: Vec::new(),
            must,
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
        self.res.update_all(&mut initial, &self.ctx);
        self.premise_seen = vec![false; self.invs.len()];
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
        self.states
            .push(State::new(self.invs.len(), (at.0 as u32, at.1 as u32)));
        id
    }

    /// The depth-first search from a root: a frame per state being explored.
    fn explore(&mut self, root: u32) {
        let mark = self.ctx.mark();
        let mut frames = vec![Frame {
            state: root,
            fact: None,
            count: 1,
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
            if top.next >= top.count {
                // Every answer tried: the state's summary is complete.
                let Some(done) = frames.pop() else { break };
                self.order.push(done.state);
                if let Some(parent) = frames.last() {
                    self.close(parent, done.state, done.segment);
                }
                continue;
            }
            let mut answer = std::mem::take(&mut self.buf.answer);
            answer.clear();
            if let Some(fact) = top.fact {
                let raw = |s: u32| self.ctx.raw(s);
                branch(self.bundle, self.values, fact, top.next, raw, &mut answer);
            }
            top.next += 1;
            for &(slot, value) in &answer {
                self.ctx.answer(slot, value);
            }
            self.buf.answer = answer;
            let (parent_state, seg_start, top_mark) = (top.state, top.visits, top.mark);
            let stop = {
                let answers = Answers::borrowed(&self.ctx.table);
                advance(self.bundle, &answers, &self.ctx.config, &mut self.walk)
            };
            let before = self.ctx.collected.len();
            self.ctx.walked(&self.walk.visits[seg_start..]);
            self.update_residuals(top_mark, before);
            let segment = (self.walk.visits.len() - seg_start) as u32;
            let child = match stop {
                Stop::Ask(_) => {
                    let key = self.key(false);
                    match self.find(&key) {
                        Some(id) => {
                            self.buf.key = key;
                            id
                        }
                        None => {
                            let id = self.new_state(key);
                            let fact = self.asked_slot();
                            let raw = |s: u32| self.ctx.raw(s);
                            let count = fact.map_or(0, |f| branch_count(self.bundle, self.values, f, raw));
                            frames.push(Frame {
                                state: id,
                                fact,
                                count,
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
                    match self.find(&key) {
                        Some(id) => {
                            self.buf.key = key;
                            id
                        }
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
    /// The slot of the fact the question the walk stopped at asks.
    fn asked_slot(&self) -> Option<u32> {
        let (p, node) = self.walk.at;
        match &self.bundle.pathways[p].graph[node].kind {
            StepKind::Question {
                slot: Slot::Fact(i),
                ..
            } => Some(*i),
            StepKind::Question { fact, .. } => self.bundle.facts.slot(fact),
            _ => None,
        }
    }

    fn close(&mut self, parent: &Frame, child: u32, segment: u32) {
        let (p, c) = (parent.state as usize, child as usize);
        let completed = self.states[c].completes;
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

    fn find(&self, key: &[u32]) -> Option<u32> {
        let bucket = self.memo.get(&hash(key))?;
        bucket
            .iter()
            .find(|&&(at, len, _)| self.keys.get(at as usize..(at + len) as usize) == Some(key))
            .map(|&(_, _, id)| id)
    }

    fn new_state(&mut self, key: Vec<u32>) -> u32 {
        if std::env::var_os("PATHWAY_DEBUG_KEYS").is_some() {
            let names: Vec<String> = self.ctx.answers.iter().map(|(s, v)| format!("{}={}", self.bundle.facts.at(*s).map(|x| &**x.0).unwrap_or("?"), v)).collect();
            let res: Vec<String> = (0..self.ctx.residuals.len()).map(|k| format!("{}:{}", k / 2, self.res.render(self.ctx.residuals[k]))).collect();
            eprintln!("KEY {:?} | {} | {}", key, names.join(" "), res.join(" ; "));
        }
        let id = self.add_state((self.walk.at.0, self.walk.at.1.index()));
        // A state: its key in the index (4 words), its summary and successors.
        self.words += 16 + 3 * self.invs.len() as u64;
        let at = self.keys.len() as u32;
        self.keys.extend_from_slice(&key);
        self.memo
            .entry(hash(&key))
            .or_default()
            .push((at, key.len() as u32, id));
        self.buf.key = key;
        let (states, words) = self.limits;
        if self.states.len() as u64 > states
            || self.words + self.keys.len() as u64 + 4 * self.res.len() as u64 > words
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
            "verification stopped after {} states: the walks from the start of pathway `{}` differ in more ways than verification can tell apart within its budget (at most {} states and {} MB for a set of this size); the walk had reached step `{}` of pathway `{}`, after {} answers",
            self.states.len(),
            start.meta.id,
            self.limits.0,
            self.limits.1 / 250_000,
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
        state.completes = true;
        state.visited = ctx.visited.clone().into_boxed_slice();
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
            self.premise_seen[j] |= premise;
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
    fn update_residuals(&mut self, mark: usize, before: usize) {
        let (p, node) = self.walk.at;
        let reach = self.statics.reach(p, node.index());
        let mask: Vec<bool> = (0..self.ctx.visited.len())
            .map(|q| self.ctx.visited[q] || reach.contains(&q))
            .collect();
        let tracked = |q: usize| mask[q];
        let mut slots = std::mem::take(&mut self.buf.slots);
        let mut ids = std::mem::take(&mut self.buf.ids);
        slots.clear();
        ids.clear();
        for (j, inv) in self.invs.iter().enumerate() {
            if inv.index != MUST_ASK && tracked(inv.pathway) {
                slots.push(2 * j);
                ids.push(self.ctx.residuals[2 * j]);
                if !self.premise_seen[j] {
                    slots.push(2 * j + 1);
                    ids.push(self.ctx.residuals[2 * j + 1]);
                }
            }
        }
        let mut new = std::mem::take(&mut self.buf.new);
        new.clear();
        new.extend_from_slice(&self.ctx.collected[before..]);
        self.ctx.events(mark, before, &mut self.events);
        self.res.touch(&self.events);
        self.res.update(&mut ids, &self.ctx, &new);
        for (&k, &id) in slots.iter().zip(&ids) {
            self.ctx.set_residual(k, id);
        }
        // Every residual still judged, as one number (the condition of an invariant whose
        // condition was seen to hold no longer counts).
        let mut tuple = std::mem::take(&mut self.buf.tuple);
        tuple.clear();
        for (j, inv) in self.invs.iter().enumerate() {
            if inv.index == MUST_ASK {
                continue;
            }
            if !tracked(inv.pathway) {
                tuple.extend([u32::MAX, u32::MAX]);
            } else if self.premise_seen[j] {
                tuple.extend([self.ctx.residuals[2 * j], u32::MAX - 2]);
            } else {
                tuple.extend([self.ctx.residuals[2 * j], self.ctx.residuals[2 * j + 1]]);
            }
        }
        let id = self.tuple(&tuple);
        let last = self.ctx.residuals.len() - 1;
        self.ctx.set_residual(last, id);
        self.buf = Buffers {
            slots,
            ids,
            new,
            tuple,
            ..std::mem::take(&mut self.buf)
        };
    }

    /// The number of a tuple of residuals, with what they read and need.
    fn tuple(&mut self, tuple: &[u32]) -> u32 {
        let h = hash(tuple);
        if let Some(bucket) = self.tuples.get(&h)
            && let Some(&(_, id)) = bucket.iter().find(|(t, _)| **t == *tuple)
        {
            return id;
        }
        let id = self.tuple_info.len() as u32;
        let (seen, stamp) = &mut self.scratch;
        *stamp = stamp.wrapping_add(1).max(1);
        let mut atoms = Vec::new();
        for &r in tuple {
            if r < u32::MAX - 2 {
                self.res.pending(r, &mut atoms, seen, *stamp);
            }
        }
        let mut reads = Vec::new();
        let mut needs = Vec::new();
        for &a in &atoms {
            let info = &self.res.atoms[a as usize];
            reads.extend(info.reads.iter().copied());
            match info.needs {
                Needs::Nothing => {}
                Needs::FirstAction => needs.push(None),
                Needs::Actions(x, y) => needs.push(Some((self.ctx.code(x), self.ctx.code(y)))),
            }
        }
        reads.sort_unstable();
        reads.dedup();
        self.words += tuple.len() as u64 + reads.len() as u64;
        self.tuple_info.push(TupleInfo {
            reads: reads.into_boxed_slice(),
            needs: needs.into_boxed_slice(),
        });
        self.tuples
            .entry(h)
            .or_default()
            .push((tuple.to_vec().into_boxed_slice(), id));
        id
    }

    /// The state the walk is in, as words: equal words, equal futures.
    fn key(&mut self, done: bool) -> Vec<u32> {
        let (p, node) = self.walk.at;
        let node = node.index();
        let ctx = &self.ctx;
        let mut key = std::mem::take(&mut self.buf.key);
        key.clear();
        key.extend([u32::from(done), p as u32, node as u32]);
        pack(ctx.visited.iter().copied(), &mut key);
        let place = self.statics.place(p, node);
        let reach = self.statics.reach(p, node);
        let tuple = ctx.residuals[ctx.residuals.len() - 1];
        key.push(tuple);
        for (j, inv) in self.invs.iter().enumerate() {
            if inv.index == MUST_ASK && (ctx.visited[inv.pathway] || reach.contains(&inv.pathway)) {
                pack(self.must[j].iter().map(|&f| ctx.asked(f)), &mut key);
            }
        }
        key.push(u32::from(ctx.collected.is_empty()));
        let info = &self.tuple_info[tuple as usize];
        for need in &info.needs {
            match need {
                None => key.push(ctx.first_action().map_or(u32::MAX, |c| c.id)),
                Some((x, y)) => {
                    for c in [*x, *y] {
                        key.push(match ctx.collected_id(c) {
                            None => 0,
                            Some(a) if a.urgent => 1,
                            Some(_) => 2,
                        });
                    }
                }
            }
        }
        let mut read = std::mem::take(&mut self.buf.read);
        read.clear();
        read.extend_from_slice(&info.reads);
        let from = if self.statics.read_ahead_all() { 0 } else { place + 1 };
        for &(_, s) in ctx.live.range((from, 0)..) {
            if self.statics.read_ahead(s, place, reach) {
                read.push(s);
            }
        }
        read.sort_unstable();
        read.dedup();
        key.push(u32::MAX - 1);
        for &s in &read {
            if let Some((v, _)) = ctx.known(s) {
                let given = ctx.raw(s).is_some();
                key.extend([s, intern(&mut self.value_ids, v), u32::from(given)]);
            }
        }
        self.buf.read = read;
        key
    }
}

/// Scratch lists reused from one stretch to the next.
#[derive(Default)]
struct Buffers<'a> {
    slots: Vec<usize>,
    ids: Vec<u32>,
    new: Vec<super::context::Collected<'a>>,
    tuple: Vec<u32>,
    key: Vec<u32>,
    read: Vec<u32>,
    answer: Vec<(u32, &'a Value)>,
}

/// What a tuple of residuals reads and needs (see [`super::residual::AtomInfo`]).
struct TupleInfo {
    reads: Box<[u32]>,
    /// Per `first(...)` (`None`) or `before(a, b)` still undecided: the codes it needs.
    needs: Box<[Option<(Option<u32>, Option<u32>)>]>,
}


/// FNV-1a over the words of a key.
fn hash(key: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in key {
        h ^= u64::from(*w);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn intern<K: Ord>(ids: &mut BTreeMap<K, u32>, k: K) -> u32 {
    let n = ids.len() as u32;
    *ids.entry(k).or_insert(n)
}

/// Booleans packed 32 to a word, after their number.
fn pack(bits: impl Iterator<Item = bool>, out: &mut Vec<u32>) {
    let at = out.len();
    out.push(0);
    for (i, b) in bits.enumerate() {
        if i % 32 == 0 {
            out.push(0);
        }
        if b && let Some(w) = out.last_mut() {
            *w |= 1 << (i % 32);
        }
        out[at] += 1;
    }
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

/// The answers to try at a question on the fact at `slot`, in the enumeration's order: each
/// class of the fact (but one that contradicts a fact it settles, given already), then every
/// combination of the classes of the facts it settles that are not given (a record may give
/// those instead). How many there are:
pub(super) fn branch_count<'a>(
    bundle: &Bundle,
    values: &'a [Vec<Value>],
    slot: u32,
    raw: impl Fn(u32) -> Option<&'a Value>,
) -> usize {
    let Some((_, decl)) = bundle.facts.at(slot) else {
        return 0;
    };
    let classes = classes_of(bundle, values, slot, &raw).count();
    let combos = combos(bundle, values, decl, &raw)
        .map_or(0, |c| c.iter().map(|(_, v)| v.len()).product());
    classes + combos
}

/// The `i`-th answer to try ([`branch_count`]), into `out`.
pub(super) fn branch<'a>(
    bundle: &Bundle,
    values: &'a [Vec<Value>],
    slot: u32,
    i: usize,
    raw: impl Fn(u32) -> Option<&'a Value>,
    out: &mut Vec<(u32, &'a Value)>,
) {
    out.clear();
    let Some((_, decl)) = bundle.facts.at(slot) else {
        return;
    };
    let mut classes = classes_of(bundle, values, slot, &raw);
    let mut i = i;
    for value in classes.by_ref() {
        if i == 0 {
            out.push((slot, value));
            return;
        }
        i -= 1;
    }
    // The next combination, like an odometer: the first fact turns fastest.
    for (s, classes) in combos(bundle, values, decl, &raw).unwrap_or_default() {
        out.push((s, &classes[i % classes.len()]));
        i /= classes.len();
    }
}

/// The classes of a fact that contradict no fact their answer settles, given already.
fn classes_of<'a, 'r>(
    bundle: &'r Bundle,
    values: &'a [Vec<Value>],
    slot: u32,
    raw: &'r impl Fn(u32) -> Option<&'a Value>,
) -> impl Iterator<Item = &'a Value> + 'r
where
    'a: 'r,
{
    let decl = bundle.facts.at(slot).map(|(_, d)| d);
    values
        .get(slot as usize)
        .into_iter()
        .flatten()
        .filter(move |value| {
            !decl.is_some_and(|d| {
                d.settled_by(value).any(|(f, v)| {
                    bundle
                        .facts
                        .slot(f)
                        .and_then(raw)
                        .is_some_and(|given| given != v)
                })
            })
        })
}

/// The facts an answer settles that are not given, each with its classes; none if there
/// are none, or if one has no class.
fn combos<'a>(
    bundle: &Bundle,
    values: &'a [Vec<Value>],
    decl: &crate::bundle::FactDecl,
    raw: &impl Fn(u32) -> Option<&'a Value>,
) -> Option<Vec<(u32, &'a [Value])>> {
    let mut out = Vec::new();
    for f in decl.settled_facts() {
        let s = bundle.facts.slot(f)?;
        if raw(s).is_none() {
            let classes = values.get(s as usize).map_or(&[][..], Vec::as_slice);
            if classes.is_empty() {
                return None;
            }
            out.push((s, classes));
        }
    }
    (!out.is_empty()).then_some(out)
}
