//! What every walk from a state comes to, folded from its successors in the order the
//! enumeration walks them; and the verdicts and counterexamples read back from the roots.

use std::collections::BTreeMap;

use crate::value::Value;

use super::explore::{Explorer, branches, facts_of};
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
    /// Walks completed from here.
    pub(super) total: PathCount,
    /// Per pathway: walks completed from here whose whole path visits it.
    pub(super) per_pathway: Vec<PathCount>,
    /// Per invariant slot.
    pub(super) inv: Vec<Best>,
}

impl State {
    pub(super) fn new(pathways: usize, invariants: usize, at: (u32, u32)) -> Self {
        Self {
            at,
            children: Vec::new(),
            edges: Vec::new(),
            total: PathCount::default(),
            per_pathway: vec![PathCount::default(); pathways],
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
    if child.total.is_zero() {
        return;
    }
    parent.total.add(&child.total);
    for (mine, theirs) in parent.per_pathway.iter_mut().zip(&child.per_pathway) {
        if !theirs.is_zero() {
            mine.add(theirs);
        }
    }
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
    pub(super) fn tally(&mut self) -> PathCount {
        let mut total = PathCount::default();
        for &r in &self.roots {
            total.add(&self.states[r as usize].total);
        }
        for (j, inv) in self.invs.iter().enumerate() {
            let mut tally = Tally::default();
            let mut best: Option<(u32, usize)> = None;
            for (start, &r) in self.roots.iter().enumerate() {
                let s = &self.states[r as usize];
                tally.paths.add(&s.per_pathway[inv.pathway]);
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
        replay(self.bundle, self.today, start, facts, inv.pathway, inv.index)
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
                let step = &pathway.graph[petgraph::graph::NodeIndex::new(node as usize)];
                if let crate::bundle::StepKind::Question { fact, .. } = &step.kind {
                    let all = branches(self.bundle, self.values, fact, |x| given.get(&x).copied());
                    for &(slot, v) in all.get(b as usize).into_iter().flatten() {
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
