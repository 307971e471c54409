//! The explorer: every path of every pathway, proven without walking them one by one.
//!
//! A depth-first search over the walks, with an explicit stack (no recursion on the depth of
//! a pathway), that branches where evaluation would stop to ask (on the answer classes of
//! [`super::classes`]) and merges walks whose futures are the same. After each stretch of
//! walk between two questions, the state ([`super::key`]) is: the step reached, the pathways
//! visited, what is left of every invariant of a pathway visited or still reachable
//! ([`super::residual`]; all of them from the start, so a pathway entered later is judged on
//! the whole walk), the must-ask facts asked, what undecided `first`/`before` need of the
//! actions collected, and the values of the facts a step ahead may read or a residual still
//! reads ([`super::relevance`]). Two walks in the same state walk the same steps from there
//! on, with the same verdicts: the state's summary (whether walks complete from it, and per
//! invariant whether its condition held and its shortest failing continuation) is computed
//! once and reused; paths are counted afterwards, over the states ([`Explorer::tally`]).
//!
//! Everything is as the enumeration ([`super::enumerate`]) finds it: a state is explored when
//! a walk first reaches it, in the enumeration's order, so errors at steps are reported with
//! the same first example, and steps and edges are seen on stretches some completed walk
//! takes; the shortest failing continuation is the first among the shortest in that order, so
//! joining the first-reached prefix gives the enumeration's counterexample, which is then
//! rebuilt as concrete answers and replayed. Once the condition of an `A -> B` is seen to
//! hold on a finished walk, no warning can say it never does, and it stops keeping walks
//! apart.

use std::collections::BTreeMap;

use crate::bundle::StepIx;

use crate::bundle::{Bundle, StepKind};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::rule::{ExprKind, Slot};
use crate::value::{Facts, Value};
use crate::walk::{Answers, Stop, Walk, advance};

use super::Budget;
use super::branches::{branch, branch_count, facts_of};
use super::context::Context;
use super::key::{Buffers, TupleInfo, hash};
use super::relevance::{Statics, wording_matters};
use super::report::{EdgeKey, Findings, MUST_ASK};
use super::residual::{Events, Residuals, TRUE};
use super::summary::{Best, DEAD, State};

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
    at: (usize, StepIx),
    /// The length of the stretch that led here from the frame below.
    segment: u32,
}

pub(super) struct Explorer<'a> {
    pub(super) bundle: &'a Bundle,
    pub(super) today: Date,
    /// Each fact's answer classes, by slot.
    pub(super) values: &'a [Vec<Value>],
    pub(super) statics: Statics,
    pub(super) res: Residuals<'a>,
    pub(super) invs: Vec<Inv>,
    pub(super) ctx: Context<'a>,
    /// State keys by their hash: (where the key starts in `keys`, its length, the state).
    pub(super) memo: BTreeMap<u64, Vec<(u32, u32, u32)>>,
    /// Every state key, one after the other.
    pub(super) keys: Vec<u32>,
    pub(super) states: Vec<State>,
    pub(super) findings: Findings<'a>,
    pub(super) walk: Walk,
    pub(super) value_ids: BTreeMap<&'a Value, u32>,
    /// Per start pathway, its root state.
    pub(super) roots: Vec<u32>,
    /// States in the order their summaries were completed (successors first).
    pub(super) order: Vec<u32>,
    /// Whether to keep the edges of each stretch (for covering examples).
    pub(super) keep_edges: bool,
    /// States and words allowed, for the set's size.
    pub(super) limits: (u64, u64),
    pub(super) words: u64,
    pub(super) exhausted: Option<Diagnostic>,
    pub(super) start: usize,
    pub(super) scratch: (Vec<u32>, u32),
    /// Per invariant slot: whether a finished walk was found on which its condition holds.
    /// Then no warning can say it never does, and the condition's residual no longer
    /// keeps walks apart.
    pub(super) premise_seen: Vec<bool>,
    pub(super) events: Events<'a>,
    pub(super) buf: Buffers<'a>,
    /// Tuples of residuals by their hash: (where it starts in `tuple_words`, its length,
    /// its number); and what each reads.
    pub(super) tuples: BTreeMap<u64, Vec<(u32, u32, u32)>>,
    pub(super) tuple_words: Vec<u32>,
    pub(super) tuple_info: Vec<TupleInfo>,
    /// Per invariant slot of a must-ask rule, its facts by slot.
    pub(super) must: Vec<Vec<Option<u32>>>,
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
                invs.push(Inv {
                    pathway: p,
                    index: i,
                });
            }
        }
        // One more residual slot: the number of the tuple of all residuals.
        let ctx = Context::new(bundle, today, 2 * invs.len() + 1, statics.expiry.clone());
        let must = invs
            .iter()
            .map(
                |inv| match bundle.pathways[inv.pathway].must_ask.as_slice() {
                    facts if inv.index == MUST_ASK => {
                        facts.iter().map(|f| bundle.facts.slot(f)).collect()
                    }
                    _ => Vec::new(),
                },
            )
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
                let steps: u64 = bundle.pathways.iter().map(|p| p.steps.len() as u64).sum();
                (
                    budget
                        .states
                        .saturating_add(budget.states_per_step.saturating_mul(steps)),
                    budget
                        .words
                        .saturating_add(budget.words_per_step.saturating_mul(steps)),
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
            tuple_words: Vec::new(),
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
        self.premise_seen = vec![false; self.invs.len()];
        for p in 0..self.bundle.pathways.len() {
            if self.exhausted.is_some() {
                break;
            }
            self.start = p;
            self.walk = Walk::new(self.bundle, p);
            // As far as the start of this pathway tells (what can still happen from it).
            let mut ids = initial.clone();
            let start = self.bundle.pathways[p].start.index();
            self.res
                .update_all(&mut ids, &self.ctx, self.statics.ahead(p, start));
            for (j, &id) in ids.iter().enumerate() {
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
            let (parent_state, seg_start, top_mark, top_at) =
                (top.state, top.visits, top.mark, top.at);
            let stop = {
                let answers = Answers::borrowed(&self.ctx.table);
                advance(self.bundle, &answers, &self.ctx.config, &mut self.walk)
            };
            let before = self.ctx.collected.len();
            self.ctx.walked(&self.walk.visits[seg_start..]);
            self.update_residuals(top_mark, top_at, before);
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
                            let count =
                                fact.map_or(0, |f| branch_count(self.bundle, self.values, f, raw));
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
                    self.findings.report(self.start, Code::FactNotAsked, &fact, &self.walk, || facts, |step| {
                        format!("a rule at step `{step}` reads `{fact}` before any question on this path asks it")
                    });
                    DEAD
                }
                Stop::NoEdge => {
                    let facts = self.facts_now();
                    self.findings.report(
                        self.start,
                        Code::UncoveredAnswer,
                        "",
                        &self.walk,
                        || facts,
                        |step| format!("no edge of step `{step}` holds for these answers"),
                    );
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
        match &self.bundle.pathways[p].steps[node].kind {
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
        let id = self.add_state((self.walk.at.0, self.walk.at.1.index()));
        // A state: its summary, successors and place in the index (about 48 words, measured
        // on a line of a million steps), and 3 words per invariant; its key is counted in
        // `keys`.
        self.words += 48 + 3 * self.invs.len() as u64;
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
            here.steps[node].id,
            here.meta.id,
            self.ctx.answers.len()
        );
        self.exhausted = Some(Diagnostic::error(
            Code::VerificationBudget,
            &start.file,
            format!("pathway `{}`", start.meta.id),
            message,
        ));
    }

    /// The summary of a finished walk: its verdicts.
    fn finished(&mut self, id: u32) {
        // The residuals of the invariants of the pathways visited (and their conditions, until
        // one is seen to hold), judged at once.
        let mut slots = Vec::new();
        for (j, inv) in self.invs.iter().enumerate() {
            if self.ctx.visited[inv.pathway] && inv.index != MUST_ASK {
                slots.push(self.ctx.residuals[2 * j]);
                slots.push(if self.premise_seen[j] {
                    TRUE
                } else {
                    self.ctx.residuals[2 * j + 1]
                });
            }
        }
        let mut values = Vec::with_capacity(slots.len());
        self.res.at_end(&slots, &self.ctx, &mut values);
        let ctx = &self.ctx;
        let state = &mut self.states[id as usize];
        state.completes = true;
        state.visited = ctx.visited.clone().into_boxed_slice();
        let mut values = values.chunks(2);
        for (j, inv) in self.invs.iter().enumerate() {
            if !ctx.visited[inv.pathway] {
                continue;
            }
            let (ok, premise) = if inv.index == MUST_ASK {
                let pathway = &self.bundle.pathways[inv.pathway];
                let ok = pathway.must_ask.iter().all(|f| ctx.was_asked(f));
                (ok, true)
            } else {
                let v = values.next().unwrap_or_default();
                (
                    v.first() == Some(&Some(true)),
                    v.get(1) == Some(&Some(true)),
                )
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
                Code::EmptyOutcome,
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
}
