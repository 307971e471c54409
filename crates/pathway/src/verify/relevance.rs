//! What the rest of a walk can read, found once per set in time linear in its size: a
//! topological order of every step (across hand-overs), the pathways each step can still
//! reach, and for each fact the last step (in that order) of each pathway that reads it.
//!
//! A fact known at a step matters to the rest of the walk only if some step it can reach
//! reads it; that step comes later in the order, in a pathway it can reach. The test
//! over-approximates (a later step of a reachable pathway need not be reachable), which only
//! merges fewer walks: never two walks whose futures differ.

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::{Bundle, StepKind};
use crate::rule::{self, ExprKind, PathPred};

/// The facts (by slot) a name of a rule of `pathway` reads: the fact itself, or for a
/// derived fact the facts its rule reads, derived facts expanded (iteratively).
pub(super) fn base_facts(bundle: &Bundle, pathway: usize, name: &str, out: &mut Vec<u32>) {
    let p = &bundle.pathways[pathway];
    let mut seen = BTreeSet::new();
    let mut stack = vec![name.to_owned()];
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        match p.derived(&n) {
            Some(d) => {
                let mut names = BTreeSet::new();
                rule::values_read(&d.rule, &mut names);
                stack.extend(names);
            }
            None => out.extend(bundle.facts.slot(&n)),
        }
    }
}

pub(super) struct Statics {
    /// Per pathway, the index of its first node among all nodes.
    offsets: Vec<usize>,
    /// Per node: its place in the topological order.
    topo: Vec<u32>,
    /// Per node: the pathways it can reach (its own included), as an index into `sets`.
    reach: Vec<u32>,
    sets: Vec<Vec<usize>>,
    /// Per fact: 1 + the largest place of a step that reads it (0: none does).
    pub(super) expiry: Vec<u32>,
    /// Per fact: (pathway, 1 + the largest place of its steps that read it).
    last: Vec<Vec<(usize, u32)>>,
    /// Whether the graph has a cycle (a compiled set never does): then every known fact
    /// counts as read ahead, and everything as possible ahead.
    cyclic: bool,
    /// Per fact: (pathway, 1 + the largest place of its questions that may make it known:
    /// that ask it, or a fact whose answer settles it).
    ask_last: Vec<Vec<(usize, u32)>>,
    /// Per action code (numbered as [`super::context::number_codes`] does): (pathway, 1 +
    /// the largest place of its steps that add it).
    add_last: Vec<Vec<(usize, u32)>>,
    /// Per pathway: 1 + the largest place of its steps that add an urgent action.
    urgent_last: Vec<u32>,
    /// Per pathway, sorted by place: where each of those lasts is (what stops being
    /// possible after it).
    expiries: Vec<Vec<(u32, Expiry)>>,
}

/// Something that stops being possible once the walk is past a place: a fact being made
/// known, a code being added, an urgent action being added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Expiry {
    Fact(u32),
    Code(u32),
    Urgent,
}

/// What the steps ahead of the walk can still do, at a step (its place and the pathways it
/// can reach).
#[derive(Clone, Copy)]
pub(super) struct Ahead<'s> {
    pub(super) statics: &'s Statics,
    pub(super) place: u32,
    pub(super) reach: &'s [usize],
}

impl Ahead<'_> {
    fn possible(&self, last: &[(usize, u32)]) -> bool {
        self.statics.cyclic
            || last
                .iter()
                .any(|&(q, m)| m > self.place && self.reach.contains(&q))
    }

    /// Whether a step ahead may make the fact known.
    pub(super) fn askable(&self, slot: Option<u32>) -> bool {
        slot.and_then(|s| self.statics.ask_last.get(s as usize))
            .is_some_and(|last| self.possible(last))
    }

    /// Whether a step ahead may add the action.
    pub(super) fn collectable(&self, code: Option<u32>) -> bool {
        code.and_then(|c| self.statics.add_last.get(c as usize))
            .is_some_and(|last| self.possible(last))
    }

    /// Whether a step ahead may add an urgent action.
    pub(super) fn urgent(&self) -> bool {
        self.statics.cyclic
            || self.reach.iter().any(|&q| {
                self.statics
                    .urgent_last
                    .get(q)
                    .is_some_and(|&m| m > self.place)
            })
    }
}

impl Statics {
    pub(super) fn new(bundle: &Bundle, wording_matters: bool) -> Self {
        let mut offsets = Vec::with_capacity(bundle.pathways.len());
        let mut n = 0;
        for p in &bundle.pathways {
            offsets.push(n);
            n += p.steps.len();
        }
        let succ = |g: usize| -> Vec<usize> {
            let p = offsets.partition_point(|&o| o <= g) - 1;
            let node = crate::bundle::StepIx::new(g - offsets[p]);
            let step = &bundle.pathways[p].steps[node];
            let mut out: Vec<usize> = step
                .edges
                .iter()
                .map(|e| offsets[p] + e.to.index())
                .collect();
            if let StepKind::Handover { pathway, step, .. } = step.kind
                && pathway < offsets.len()
            {
                out.push(offsets[pathway] + step.index());
            }
            out
        };
        // Depth-first post-order with an explicit stack, from every start then every node.
        let mut post = Vec::with_capacity(n);
        let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
        let mut cyclic = false;
        let roots = bundle
            .pathways
            .iter()
            .enumerate()
            .map(|(i, p)| offsets[i] + p.start.index())
            .chain(0..n);
        for root in roots {
            if root >= n || state[root] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(root, succ(root), 0)];
            state[root] = 1;
            while let Some((v, next, i)) = stack.last_mut() {
                let v = *v;
                let Some(&w) = next.get(*i) else {
                    state[v] = 2;
                    post.push(v);
                    stack.pop();
                    continue;
                };
                *i += 1;
                match state.get(w) {
                    Some(0) => {
                        state[w] = 1;
                        stack.push((w, succ(w), 0));
                    }
                    Some(1) => cyclic = true,
                    _ => {}
                }
            }
        }
        let mut topo = vec![0u32; n];
        for (place, &v) in post.iter().rev().enumerate() {
            topo[v] = place as u32;
        }
        // Reach sets, successors first (post-order).
        let mut reach = vec![0u32; n];
        let mut sets: Vec<Vec<usize>> = Vec::new();
        let mut index: BTreeMap<Vec<usize>, u32> = BTreeMap::new();
        for &v in &post {
            let p = offsets.partition_point(|&o| o <= v) - 1;
            let mut set = vec![p];
            for w in succ(v) {
                if let Some(&r) = reach.get(w) {
                    set.extend(sets.get(r as usize).into_iter().flatten().copied());
                }
            }
            set.sort_unstable();
            set.dedup();
            let id = match index.get(&set) {
                Some(&id) => id,
                None => {
                    let id = sets.len() as u32;
                    sets.push(set.clone());
                    index.insert(set, id);
                    id
                }
            };
            reach[v] = id;
        }
        let facts = bundle.facts.len();
        let mut expiry = vec![0u32; facts];
        let mut last: Vec<Vec<(usize, u32)>> = vec![Vec::new(); facts];
        let mut memo: BTreeMap<(usize, String), Vec<u32>> = BTreeMap::new();
        let mut expand = |p: usize, name: &str| -> Vec<u32> {
            memo.entry((p, name.to_owned()))
                .or_insert_with(|| {
                    let mut out = Vec::new();
                    base_facts(bundle, p, name, &mut out);
                    out
                })
                .clone()
        };
        for (p, pathway) in bundle.pathways.iter().enumerate() {
            for node in pathway.steps.indices() {
                let g = offsets[p] + node.index();
                let step = &pathway.steps[node];
                let mut read: Vec<u32> = Vec::new();
                if let StepKind::Question { fact, .. } = &step.kind {
                    read.extend(bundle.facts.slot(fact));
                    for f in bundle
                        .facts
                        .get(fact)
                        .map(|d| d.settled_facts())
                        .unwrap_or_default()
                    {
                        read.extend(bundle.facts.slot(f));
                    }
                }
                let mut names = BTreeSet::new();
                for e in &step.edges {
                    if let Some(rule) = &e.when {
                        rule::values_read(rule, &mut names);
                    }
                }
                if wording_matters
                    && let StepKind::Action { actions, .. } | StepKind::Outcome { actions, .. } =
                        &step.kind
                {
                    // The wording an action is given reads its variants' rules, and
                    // `own_service()` the worker's organisation.
                    names.insert(crate::vocab::ORGANISATION.to_owned());
                    for code in actions {
                        for rule in pathway.actions.get(code).into_iter().flat_map(|a| &a.when) {
                            rule::values_read(rule, &mut names);
                        }
                    }
                }
                for name in &names {
                    read.extend(expand(p, name));
                }
                if wording_matters && !names.is_empty() {
                    // The organisation as any pathway reads it (a derived fact in one).
                    for q in 0..bundle.pathways.len() {
                        read.extend(expand(q, crate::vocab::ORGANISATION));
                    }
                }
                let place = topo[g] + 1;
                for s in read {
                    let s = s as usize;
                    expiry[s] = expiry[s].max(place);
                    match last[s].iter_mut().find(|(q, _)| *q == p) {
                        Some((_, m)) => *m = (*m).max(place),
                        None => last[s].push((p, place)),
                    }
                }
            }
        }
        let (codes, step_codes, step_starts, _) = super::context::number_codes(bundle);
        let mut ask_last: Vec<Vec<(usize, u32)>> = vec![Vec::new(); facts];
        let mut add_last: Vec<Vec<(usize, u32)>> = vec![Vec::new(); codes.len()];
        let mut urgent_last = vec![0u32; bundle.pathways.len()];
        let note = |list: &mut Vec<(usize, u32)>, p: usize, place: u32| match list
            .iter_mut()
            .find(|(q, _)| *q == p)
        {
            Some((_, m)) => *m = (*m).max(place),
            None => list.push((p, place)),
        };
        for (p, pathway) in bundle.pathways.iter().enumerate() {
            for node in pathway.steps.indices() {
                let g = offsets[p] + node.index();
                let place = topo[g] + 1;
                match &pathway.steps[node].kind {
                    StepKind::Question { fact, .. } => {
                        let settled = bundle.facts.get(fact).map(|d| d.settled_facts());
                        let made_known = std::iter::once(fact.as_str())
                            .chain(settled.unwrap_or_default().iter().map(String::as_str));
                        for f in made_known {
                            if let Some(list) = bundle
                                .facts
                                .slot(f)
                                .and_then(|s| ask_last.get_mut(s as usize))
                            {
                                note(list, p, place);
                            }
                        }
                    }
                    StepKind::Action { actions, .. } | StepKind::Outcome { actions, .. } => {
                        let ids = &step_codes[step_starts[g] as usize..step_starts[g + 1] as usize];
                        for (code, &c) in actions.iter().zip(ids) {
                            if let Some(list) = add_last.get_mut(c as usize) {
                                note(list, p, place);
                            }
                            if pathway.actions.get(code).is_some_and(|a| a.def.urgent) {
                                urgent_last[p] = urgent_last[p].max(place);
                            }
                        }
                    }
                    StepKind::Handover { .. } => {}
                }
            }
        }
        let mut expiries: Vec<Vec<(u32, Expiry)>> = vec![Vec::new(); bundle.pathways.len()];
        for (s, list) in ask_last.iter().enumerate() {
            for &(q, m) in list {
                expiries[q].push((m, Expiry::Fact(s as u32)));
            }
        }
        for (c, list) in add_last.iter().enumerate() {
            for &(q, m) in list {
                expiries[q].push((m, Expiry::Code(c as u32)));
            }
        }
        for (q, &m) in urgent_last.iter().enumerate() {
            if m > 0 {
                expiries[q].push((m, Expiry::Urgent));
            }
        }
        for list in &mut expiries {
            list.sort_unstable();
        }
        Self {
            offsets,
            topo,
            reach,
            sets,
            expiry,
            last,
            cyclic,
            ask_last,
            add_last,
            urgent_last,
            expiries,
        }
    }

    /// What the steps ahead of a step can still do.
    pub(super) fn ahead(&self, p: usize, node: usize) -> Ahead<'_> {
        Ahead {
            statics: self,
            place: self.place(p, node),
            reach: self.reach(p, node),
        }
    }

    /// What stopped being possible between two steps of a walk (`from`, then `to`): each
    /// thing whose last step was passed, or left behind in a pathway no longer reachable.
    pub(super) fn expired(&self, from: Ahead<'_>, to: Ahead<'_>, out: &mut Vec<Expiry>) {
        for &q in from.reach {
            let list = &self.expiries[q];
            let gone = !to.reach.contains(&q);
            // Lasts after `from`: those up to `to` expire; all of them if `q` is left behind.
            let start = list.partition_point(|&(m, _)| m <= from.place);
            let end = if gone {
                list.len()
            } else {
                list.partition_point(|&(m, _)| m <= to.place)
            };
            out.extend(list[start..end.max(start)].iter().map(|&(_, e)| e));
        }
    }

    fn global(&self, p: usize, node: usize) -> usize {
        self.offsets[p] + node
    }

    /// The place of a step in the topological order.
    pub(super) fn place(&self, p: usize, node: usize) -> u32 {
        self.topo[self.global(p, node)]
    }

    /// The pathways a step can reach, its own included.
    pub(super) fn reach(&self, p: usize, node: usize) -> &[usize] {
        &self.sets[self.reach[self.global(p, node)] as usize]
    }

    /// Whether every known fact counts as read ahead (a cyclic graph).
    pub(super) fn read_ahead_all(&self) -> bool {
        self.cyclic
    }

    /// Whether a fact may be read by a step reachable from the step at `place` whose
    /// reachable pathways are `reach`.
    pub(super) fn read_ahead(&self, slot: u32, place: u32, reach: &[usize]) -> bool {
        self.cyclic
            || self.last[slot as usize]
                .iter()
                .any(|&(q, m)| m > place && reach.contains(&q))
    }
}

/// Whether any invariant of the set reads the wording of actions (`contacted`,
/// `own_service`): then the facts their variants read matter to the end of a walk.
pub(super) fn wording_matters(bundle: &Bundle) -> bool {
    fn reads(e: &crate::rule::Expr) -> bool {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            if let ExprKind::Path(PathPred::Contacted(_) | PathPred::OwnService) = &e.kind {
                return true;
            }
            stack.extend(e.children());
        }
        false
    }
    bundle
        .pathways
        .iter()
        .flat_map(|p| &p.invariants)
        .any(|i| reads(&i.rule))
}
