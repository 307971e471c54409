//! What every walk from a state comes to, folded from its successors in the order the
//! enumeration walks them; and the verdicts and counterexamples read back from the roots.

use std::collections::BTreeMap;

use crate::value::Value;

use super::branches::{branch, facts_of};
use super::explore::Explorer;
use super::report::{EdgeKey, Tally};
use super::scope::replay;
use super::{Counterexample, PathCount};

/// The state no walk completes from (a walk that stopped at an error).
pub(super) const DEAD: u32 = 0;

/// For one invariant slot, over the walks from a state.
#[derive(Debug, Clone, Copy)]
pub(super) struct Best {
    /// Whether the condition of an `A -> B` held on one of them.
    pub(super) premise: bool,
    /// The length of the shortest on which the invariant is not definitely true.
    pub(super) len: u32,
    /// Which successor it goes through ([`Best::TERMINAL`]: it ends here).
    pub(super) branch: u32,
}

impl Best {
    pub(super) const NONE: u32 = u32::MAX;
    pub(super) const TERMINAL: u32 = u32::MAX;
    const EMPTY: Self = Self {
        premise: false,
        len: Self::NONE,
        branch: Self::TERMINAL,
    };
}

/// A state and the summary of the walks from it.
pub(super) struct State {
    /// The step where the walk stopped (to rebuild a counterexample: its question).
    pub(super) at: (u32, u32),
    /// Per answer tried, in order: the state it led to and the length of the stretch.
    pub(super) children: Vec<(u32, u32)>,
    /// Per answer tried: the edges the stretch took (for covering examples only).
    pub(super) edges: Vec<Box<[EdgeKey]>>,
    /// Whether some walk completes from here.
    pub(super) completes: bool,
    /// For a finished walk, the pathways it visited (else empty): paths are counted once
    /// everything is explored ([`Explorer::tally`]), so no state holds a count, which may
    /// be thousands of bits long.
    pub(super) visited: Box<[bool]>,
    /// Per invariant slot.
    pub(super) inv: Vec<Best>,
}

impl State {
    pub(super) fn new(invariants: usize, at: (u32, u32)) -> Self {
        Self {
            at,
            children: Vec::new(),
            edges: Vec::new(),
            completes: false,
            visited: Box::default(),
            inv: vec![Best::EMPTY; invariants],
        }
    }
}

/// Adds child `c` (reached by a stretch of `segment` steps) to the summary of `p`.
pub(super) fn fold(
    states: &mut [State],
    p: usize,
    c: usize,
    segment: u32,
    edges: Option<Box<[EdgeKey]>>,
) {
    if p == c {
        return;
    }
    let (parent, child) = if p < c {
        let (a, b) = states.split_at_mut(c);
        (&mut a[p], &b[0])
    } else {
        let (a, b) = states.split_at_mut(p);
        (&mut b[0], &a[c])
    };
    let branch = parent.children.len() as u32;
    parent.children.push((c as u32, segment));
    if let Some(edges) = edges {
        parent.edges.push(edges);
    }
    if !child.completes {
        return;
    }
    parent.completes = true;
    for (mine, theirs) in parent.inv.iter_mut().zip(&child.inv) {
        mine.premise |= theirs.premise;
        if theirs.len != Best::NONE {
            let len = theirs.len.saturating_add(segment).min(Best::NONE - 1);
            // Strictly shorter: among the shortest, the first in the enumeration's order.
            if len < mine.len {
                mine.len = len;
                mine.branch = branch;
            }
        }
    }
}

impl Explorer<'_> {
    /// Each invariant's tally over every start, into the findings; and the paths completed.
    ///
    /// Paths are counted over the states, successors first, each count dropped once every
    /// state that leads to it has added it in: memory for the counts of the states
    /// between, not of all of them.
    pub(super) fn tally(&mut self) -> PathCount {
        let pathways = self.bundle.pathways.len();
        let mut refs = vec![0u32; self.states.len()];
        for s in &self.states {
            for &(c, _) in &s.children {
                refs[c as usize] += 1;
            }
        }
        // Per state: walks completed from it, and per pathway those that visit it.
        let mut counts: BTreeMap<u32, (PathCount, Vec<PathCount>)> = BTreeMap::new();
        let mut roots: Vec<(PathCount, Vec<PathCount>)> = Vec::new();
        for &s in &self.order {
            let state = &self.states[s as usize];
            let mut total = PathCount::default();
            let mut per = vec![PathCount::default(); pathways];
            if state.children.is_empty() && state.completes {
                total = PathCount::one();
                for (q, v) in state.visited.iter().enumerate() {
                    if *v {
                        per[q] = PathCount::one();
                    }
                }
            }
            for &(c, _) in &state.children {
                if let Some((t, p)) = counts.get(&c) {
                    total.add(t);
                    for (mine, theirs) in per.iter_mut().zip(p) {
                        if !theirs.is_zero() {
                            mine.add(theirs);
                        }
                    }
                }
                refs[c as usize] -= 1;
                if refs[c as usize] == 0 {
                    counts.remove(&c);
                }
            }
            if self.roots.contains(&s) {
                roots.push((total, per));
            } else if refs[s as usize] > 0 {
                counts.insert(s, (total, per));
            }
        }
        let mut total = PathCount::default();
        for (t, _) in &roots {
            total.add(t);
        }
        for (j, inv) in self.invs.iter().enumerate() {
            let mut tally = Tally::default();
            let mut best: Option<(u32, usize)> = None;
            for (start, &r) in self.roots.iter().enumerate() {
                let s = &self.states[r as usize];
                if let Some((_, per)) = roots.get(start) {
                    tally.paths.add(&per[inv.pathway]);
                }
                tally.premise_held |= s.inv[j].premise;
                let len = s.inv[j].len;
                if len != Best::NONE && best.is_none_or(|(b, _)| len < b) {
                    best = Some((len, start));
                }
            }
            if tally.paths.is_zero() {
                continue;
            }
            tally.counterexample = best.map(|(_, start)| self.counterexample(start, j));
            self.findings
                .results
                .insert((inv.pathway, inv.index), tally);
        }
        total
    }

    /// The counterexample of invariant slot `j` from the root of `start`: the answers on the
    /// way down its shortest failing walk, replayed.
    fn counterexample(&self, start: usize, j: usize) -> Counterexample {
        let answers = self.answers_down(self.roots[start], |s| {
            let b = self.states[s as usize].inv[j].branch;
            (b != Best::TERMINAL).then_some(b)
        });
        let inv = &self.invs[j];
        let facts = facts_of(self.bundle, &answers);
        replay(
            self.bundle,
            self.today,
            start,
            facts,
            inv.pathway,
            inv.index,
        )
    }

    /// The answers of the walk down from a root, choosing at each state the branch `pick`
    /// gives, until it gives none.
    pub(super) fn answers_down(
        &self,
        root: u32,
        pick: impl Fn(u32) -> Option<u32>,
    ) -> Vec<(u32, &Value)> {
        let mut answers: Vec<(u32, &Value)> = Vec::new();
        let mut given: BTreeMap<u32, &Value> = BTreeMap::new();
        let mut s = root;
        while let Some(b) = pick(s) {
            let state = &self.states[s as usize];
            let Some(&(child, _)) = state.children.get(b as usize) else {
                break;
            };
            if s != root {
                let (p, node) = state.at;
                let pathway = &self.bundle.pathways[p as usize];
                let step = &pathway.steps[crate::bundle::StepIx::new(node as usize)];
                if let crate::bundle::StepKind::Question { fact, .. } = &step.kind
                    && let Some(slot) = self.bundle.facts.slot(fact)
                {
                    let mut answer = Vec::new();
                    let raw = |x| given.get(&x).copied();
                    branch(self.bundle, self.values, slot, b as usize, raw, &mut answer);
                    for (slot, v) in answer {
                        given.insert(slot, v);
                        answers.push((slot, v));
                    }
                }
            }
            s = child;
        }
        answers
    }
}
