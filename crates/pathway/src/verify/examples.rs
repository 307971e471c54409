//! Covering examples: a few records that together take every edge, found on the states the
//! explorer kept (each answer's stretch with the edges it took), never on a list of paths.

use std::collections::BTreeSet;

use super::Counterexample;
use super::branches::facts_of;
use super::explore::Explorer;
use super::report::{EdgeKey, MUST_ASK};
use super::scope::replay;
use super::summary::{Best, DEAD};

/// The best walk to the end from a state: edges not taken yet, steps, and the branch.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Gain {
    edges: usize,
    len: u64,
    branch: u32,
}

/// Greedy set cover of the edges by walks, then the redundant examples dropped.
pub(super) fn cover(ex: &Explorer<'_>) -> Vec<Counterexample> {
    let states = &ex.states;
    let mut uncovered: BTreeSet<EdgeKey> = BTreeSet::new();
    for s in states {
        for (b, &(child, _)) in s.children.iter().enumerate() {
            if states[child as usize].completes {
                uncovered.extend(s.edges.get(b).into_iter().flat_map(|e| e.iter().copied()));
            }
        }
    }
    let mut chosen: Vec<(BTreeSet<EdgeKey>, Counterexample)> = Vec::new();
    let mut best: Vec<Option<Gain>> = vec![None; states.len()];
    while !uncovered.is_empty() {
        // The walk from each state taking the most edges not taken yet, the shortest on a
        // tie, the first in the enumeration's order after that: successors first.
        for &s in &ex.order {
            let state = &states[s as usize];
            if !state.completes || s == DEAD {
                best[s as usize] = None;
                continue;
            }
            let mut here: Option<Gain> = if state.children.is_empty() {
                Some(Gain {
                    edges: 0,
                    len: 0,
                    branch: Best::TERMINAL,
                })
            } else {
                None
            };
            for (b, &(child, segment)) in state.children.iter().enumerate() {
                let Some(next) = best[child as usize] else {
                    continue;
                };
                let new = state
                    .edges
                    .get(b)
                    .into_iter()
                    .flat_map(|e| e.iter())
                    .filter(|e| uncovered.contains(e))
                    .count();
                let g = Gain {
                    edges: next.edges + new,
                    len: next.len + u64::from(segment),
                    branch: b as u32,
                };
                if here.is_none_or(|h| {
                    (g.edges, std::cmp::Reverse(g.len)) > (h.edges, std::cmp::Reverse(h.len))
                }) {
                    here = Some(g);
                }
            }
            best[s as usize] = here;
        }
        let mut pick: Option<(usize, Gain)> = None;
        for (start, &r) in ex.roots.iter().enumerate() {
            if let Some(g) = best[r as usize]
                && pick.is_none_or(|(_, p)| {
                    (g.edges, std::cmp::Reverse(g.len)) > (p.edges, std::cmp::Reverse(p.len))
                })
            {
                pick = Some((start, g));
            }
        }
        let Some((start, g)) = pick.filter(|(_, g)| g.edges > 0) else {
            break;
        };
        let branch = |s: u32| {
            best[s as usize]
                .map(|g| g.branch)
                .filter(|&b| b != Best::TERMINAL)
        };
        let root = ex.roots[start];
        let mut edges = BTreeSet::new();
        let mut s = root;
        while let Some(b) = branch(s) {
            let state = &states[s as usize];
            edges.extend(
                state
                    .edges
                    .get(b as usize)
                    .into_iter()
                    .flat_map(|e| e.iter().copied()),
            );
            match state.children.get(b as usize) {
                Some(&(child, _)) => s = child,
                None => break,
            }
        }
        debug_assert!(edges.iter().filter(|e| uncovered.contains(e)).count() == g.edges);
        let answers = ex.answers_down(root, branch);
        let facts = facts_of(ex.bundle, &answers);
        let example = replay(ex.bundle, ex.today, start, facts, usize::MAX, MUST_ASK);
        for e in &edges {
            uncovered.remove(e);
        }
        chosen.push((edges, example));
    }
    // A later pick may take every edge an earlier one was chosen for.
    let mut i = 0;
    while i < chosen.len() {
        let others: BTreeSet<EdgeKey> = chosen
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, (e, _))| e.iter().copied())
            .collect();
        if chosen[i].0.is_subset(&others) {
            chosen.remove(i);
        } else {
            i += 1;
        }
    }
    chosen.into_iter().map(|(_, c)| c).collect()
}
