//! The steps and edges of a pathway, hand-overs between pathways, reachability and cycles.

use std::collections::{BTreeMap, BTreeSet};

use super::Sink;
use super::ctx::{Ctx, Env, is_ident, one_of};
use crate::bundle::{
    Actions, Derived, Edge, Invariant, Meta, Pathway, Step, StepIx, StepKind, Steps,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Source;
use crate::model::{FactType, StepDef};
use crate::rule::{Context, Slot};
use crate::template::Template;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// A pathway compiled from its own file: everything a [`Pathway`] holds, but its hand-overs
/// name their targets, resolved to indices once every pathway is compiled
/// ([`resolve_handovers`], then [`Draft::finish`]).
pub(super) struct Draft {
    pub(super) meta: Meta,
    pub(super) file: String,
    pub(super) sources: BTreeMap<String, Source>,
    pub(super) derived: Vec<Derived>,
    pub(super) actions: Actions,
    pub(super) steps: Vec<DraftStep>,
    pub(super) start: StepIx,
    pub(super) index: BTreeMap<String, StepIx>,
    pub(super) must_ask: Vec<String>,
    pub(super) invariants: Vec<Invariant>,
}

/// A step of a [`Draft`].
pub(super) struct DraftStep {
    pub(super) id: String,
    pub(super) kind: DraftKind,
    pub(super) edges: Vec<Edge>,
}

/// A step's kind, or a hand-over still naming its target.
pub(super) enum DraftKind {
    Ready(StepKind),
    Handover {
        because: String,
        cites: Vec<String>,
        /// Where the hand-over is, for diagnostics.
        at: String,
        pathway: String,
        step: Option<String>,
    },
}

/// Each hand-over's target, by the draft and step it is at.
pub(super) type Targets = BTreeMap<(usize, StepIx), (usize, StepIx)>;

impl Draft {
    /// The pathway, with its hand-overs' targets (`None` if one has none: the set has an
    /// error then, and is not built).
    pub(super) fn finish(self, p: usize, targets: &Targets) -> Option<Pathway> {
        let mut steps = Vec::with_capacity(self.steps.len());
        for (i, step) in self.steps.into_iter().enumerate() {
            let kind = match step.kind {
                DraftKind::Ready(mut kind) => {
                    crate::bundle::action_defs(&mut kind, &self.actions);
                    kind
                }
                DraftKind::Handover { because, cites, .. } => {
                    let &(pathway, step) = targets.get(&(p, StepIx::new(i)))?;
                    StepKind::Handover {
                        pathway,
                        step,
                        because,
                        cites,
                    }
                }
            };
            steps.push(Step {
                id: step.id,
                kind,
                edges: step.edges,
            });
        }
        Some(Pathway {
            meta: self.meta,
            file: self.file,
            sources: self.sources,
            derived: self.derived,
            actions: self.actions,
            steps: Steps(steps),
            start: self.start,
            index: self.index,
            must_ask: self.must_ask,
            invariants: self.invariants,
        })
    }

    /// The steps a step leads to: its edges' targets, and a hand-over's.
    fn next<'a>(
        &'a self,
        p: usize,
        i: StepIx,
        targets: &'a Targets,
    ) -> impl Iterator<Item = (usize, StepIx)> + 'a {
        let step = &self.steps[i.index()];
        let handover = targets.get(&(p, i)).copied();
        step.edges.iter().map(move |e| (p, e.to)).chain(handover)
    }
}

pub(super) type Graph = (Vec<DraftStep>, BTreeMap<String, StepIx>);

pub(super) fn build_graph(ctx: &Ctx<'_>, sink: &mut Sink, env: &Env<'_>) -> Graph {
    let mut steps: Vec<DraftStep> = Vec::new();
    let mut index = BTreeMap::new();
    for (i, def) in ctx.model.steps.iter().enumerate() {
        let at = format!("steps[{i}] (`{}`)", def.id());
        if !is_ident(def.id()) {
            ctx.err(
                sink,
                Code::BadId,
                &at,
                format!(
                    "`{}` is not a valid step id: use lowercase letters, digits and `_`",
                    def.id()
                ),
            );
        }
        if index.contains_key(def.id()) {
            ctx.err(
                sink,
                Code::DuplicateStep,
                &at,
                format!("step id `{}` is used twice", def.id()),
            );
            continue;
        }
        let kind = step_kind(ctx, sink, env, &at, def);
        let node = StepIx::new(steps.len());
        steps.push(DraftStep {
            id: def.id().to_owned(),
            kind,
            edges: Vec::new(),
        });
        index.insert(def.id().to_owned(), node);
    }
    for (i, def) in ctx.model.steps.iter().enumerate() {
        let Some(&from) = index.get(def.id()) else {
            continue;
        };
        let at = format!("step `{}`", def.id());
        let is_final = matches!(def, StepDef::Outcome { .. } | StepDef::Handover { .. });
        if !is_final && def.edges().is_empty() {
            ctx.err(
                sink,
                Code::DeadEnd,
                &at,
                "is not an outcome but has no `next` edge",
            );
        }
        let mut unconditional: Option<usize> = None;
        for (j, e) in def.edges().iter().enumerate() {
            let eat = format!("{at}, edge {}", j + 1);
            if let Some(k) = unconditional {
                ctx.err(
                    sink,
                    Code::UnreachableEdge,
                    &eat,
                    format!("can never be taken: edge {} before it has no `when`", k + 1),
                );
            }
            let Some(&to) = index.get(&e.to) else {
                ctx.err_hint(
                    sink,
                    Code::UnknownStep,
                    &eat,
                    format!("goes to `{}`, which is not a step of this pathway", e.to),
                    format!("steps[{i}] needs a `to` that names a step id"),
                );
                continue;
            };
            let when = match &e.when {
                Some(src) => {
                    let best = ctx.cites(sink, &eat, &e.cites, true);
                    ctx.weak(sink, &eat, best, "decides a route");
                    if e.because.as_deref().is_none_or(str::is_empty) {
                        ctx.err(
                            sink,
                            Code::MissingReason,
                            &eat,
                            "has a `when` but no `because`",
                        );
                    }
                    ctx.rule(sink, env, &format!("{eat}, `when`"), src, Context::Guard)
                }
                None => {
                    ctx.cites(sink, &eat, &e.cites, false);
                    unconditional = Some(j);
                    None
                }
            };
            steps[from.index()].edges.push(Edge {
                when,
                when_src: e.when.clone(),
                to,
                because: ctx.expand_opt(sink, &format!("{eat}, `because`"), &e.because),
                cites: e.cites.clone(),
            });
        }
    }
    (steps, index)
}

pub(super) fn step_kind(
    ctx: &Ctx<'_>,
    sink: &mut Sink,
    env: &Env<'_>,
    at: &str,
    def: &StepDef,
) -> DraftKind {
    let codes = |sink: &mut Sink, codes: &[String]| {
        for code in codes {
            if !env.actions.contains(code) {
                ctx.err_hint(
                    sink,
                    Code::UnknownAction,
                    at,
                    format!("does `{code}`, which is not in `actions`"),
                    one_of(
                        "declare it under `actions`, or use one of",
                        code,
                        env.actions.iter().map(String::as_str),
                    ),
                );
            }
        }
    };
    match def {
        StepDef::Question { fact, note, .. } => {
            if !env.local.contains(fact) {
                ctx.err_hint(
                    sink,
                    Code::UnknownFact,
                    at,
                    format!("asks `{fact}`, which is not in `facts`"),
                    one_of(
                        "declare it under `facts`, or ask one of",
                        fact,
                        env.local.iter().map(String::as_str),
                    ),
                );
            }
            DraftKind::Ready(StepKind::Question {
                fact: fact.clone(),
                // An undeclared fact was reported above: such a set does not compile, so
                // this draft is never finished.
                slot: Slot::Fact(env.decls.slot(fact).unwrap_or(u32::MAX)),
                note: ctx.expand_opt(sink, &format!("{at}, `note`"), note),
            })
        }
        StepDef::Action {
            actions, detail, ..
        } => {
            codes(sink, actions);
            if actions.is_empty() && detail.is_some() {
                ctx.err(
                    sink,
                    Code::MisplacedField,
                    at,
                    "has a `detail` but no action to attach it to",
                );
            }
            let slot = |id: &str| env.local.contains(id).then(|| env.decls.slot(id)).flatten();
            let is_date = |id: &str| {
                env.local.contains(id) && env.facts.get(id).is_some_and(|f| f.ty == FactType::Date)
            };
            let detail = detail.as_ref().and_then(|t| {
                Template::parse(t, slot, is_date, |id| ctx.contact_text(id))
                    .map_err(|e| ctx.err(sink, Code::BadTemplate, &format!("{at}, `detail`"), e))
                    .ok()
            });
            DraftKind::Ready(StepKind::Action {
                actions: actions.clone(),
                defs: Vec::new(),
                detail,
            })
        }
        StepDef::Outcome {
            title,
            summary,
            actions,
            next_steps,
            cites,
            ..
        } => {
            codes(sink, actions);
            ctx.cites(sink, at, cites, !next_steps.is_empty());
            let summary = ctx.expand(sink, &format!("{at}, `summary`"), summary);
            let next_steps = next_steps
                .iter()
                .enumerate()
                .map(|(i, t)| ctx.expand(sink, &format!("{at}, `next_steps[{i}]`"), t))
                .collect();
            DraftKind::Ready(StepKind::Outcome {
                title: ctx.expand(sink, &format!("{at}, `title`"), title),
                summary,
                actions: actions.clone(),
                defs: Vec::new(),
                next_steps,
                cites: cites.clone(),
            })
        }
        StepDef::Handover {
            because,
            cites,
            pathway,
            step,
            ..
        } => {
            ctx.cites(sink, at, cites, true);
            DraftKind::Handover {
                because: ctx.expand(sink, &format!("{at}, `because`"), because),
                cites: cites.clone(),
                at: at.to_owned(),
                pathway: pathway.clone(),
                step: step.clone(),
            }
        }
    }
}

/// Each hand-over's target, by index; a hand-over to a pathway or step the set does not have
/// is reported.
pub(super) fn resolve_handovers(
    pathways: &[Draft],
    parsed: &BTreeSet<&str>,
    sink: &mut Sink,
) -> Targets {
    let mut targets = Targets::new();
    for (from, draft) in pathways.iter().enumerate() {
        for (i, step) in draft.steps.iter().enumerate() {
            let DraftKind::Handover {
                at,
                pathway: name,
                step: to,
                ..
            } = &step.kind
            else {
                continue;
            };
            let file = &draft.file;
            let Some(target) = pathways.iter().position(|p| p.meta.id == *name) else {
                if parsed.contains(name.as_str()) {
                    continue; // in the set, but with errors of its own
                }
                let ids = pathways.iter().map(|p| p.meta.id.as_str());
                sink.push(
                    Diagnostic::error(
                        Code::UnknownPathway,
                        file,
                        at,
                        format!("hands over to pathway `{name}`, which is not in the set"),
                    )
                    .hint(one_of(
                        "add its file to the set's folder, or hand over to one of",
                        name,
                        ids,
                    )),
                );
                continue;
            };
            let node = match to {
                None => Some(pathways[target].start),
                Some(step) => pathways[target].index.get(step).copied(),
            };
            let Some(node) = node else {
                sink.push(Diagnostic::error(
                    Code::UnknownStep,
                    file,
                    at,
                    format!(
                        "hands over to step `{}`, which pathway `{name}` does not have",
                        to.as_deref().unwrap_or_default(),
                    ),
                ));
                continue;
            };
            targets.insert((from, StepIx::new(i)), (target, node));
        }
    }
    targets
}

/// Every step must be reachable from its pathway's start or a hand-over into it, and the
/// graph of the whole set (hand-overs included) must have no cycle.
pub(super) fn check_reachable_and_acyclic(pathways: &[Draft], targets: &Targets, sink: &mut Sink) {
    let mut whole: DiGraph<(usize, StepIx), ()> = DiGraph::new();
    let mut ids: BTreeMap<(usize, StepIx), NodeIndex> = BTreeMap::new();
    for (p, pathway) in pathways.iter().enumerate() {
        for i in 0..pathway.steps.len() {
            let node = StepIx::new(i);
            ids.insert((p, node), whole.add_node((p, node)));
        }
    }
    let mut roots: Vec<NodeIndex> = Vec::new();
    for (p, pathway) in pathways.iter().enumerate() {
        roots.push(ids[&(p, pathway.start)]);
        for i in 0..pathway.steps.len() {
            let node = StepIx::new(i);
            for to in pathway.next(p, node, targets) {
                whole.add_edge(ids[&(p, node)], ids[&to], ());
            }
        }
    }
    // Reachable from a pathway's start, or through a hand-over from another pathway: from
    // any start (one iterative walk for the whole set).
    let mut seen = BTreeSet::new();
    let mut dfs = petgraph::visit::Dfs::empty(&whole);
    for &root in &roots {
        dfs.move_to(root);
        while let Some(n) = dfs.next(&whole) {
            seen.insert(whole[n]);
        }
    }
    for (p, pathway) in pathways.iter().enumerate() {
        for (i, step) in pathway.steps.iter().enumerate() {
            if !seen.contains(&(p, StepIx::new(i))) {
                sink.push(
                    Diagnostic::error(
                        Code::UnreachableStep,
                        &pathway.file,
                        format!("step `{}`", step.id),
                        "no path from the start reaches it",
                    )
                    .hint("link it from another step, or remove it"),
                );
            }
        }
    }
    // The one cycle check (the snapshot decoder's too); the steps of each cycle are then
    // named from the strongly connected components. Kosaraju's algorithm walks with an
    // explicit stack (Tarjan's in petgraph recurses once per step, and overflowed at 100,000
    // steps). Each cycle is reported at its first step by name, cycles in that order.
    let sizes: Vec<usize> = pathways.iter().map(|p| p.steps.len()).collect();
    if crate::steps::topological(&sizes, |p, i| pathways[p].next(p, i, targets)).is_some() {
        return;
    }
    let mut cycles: Vec<(Vec<String>, (usize, StepIx))> = Vec::new();
    for scc in kosaraju_scc(&whole) {
        let looped = scc.len() > 1 || scc.iter().any(|&n| whole.contains_edge(n, n));
        if looped {
            let mut named: Vec<(String, (usize, StepIx))> = scc
                .iter()
                .map(|&n| {
                    let (p, node) = whole[n];
                    let name = format!(
                        "{}#{}",
                        pathways[p].meta.id,
                        pathways[p].steps[node.index()].id
                    );
                    (name, (p, node))
                })
                .collect();
            named.sort();
            let at = named[0].1;
            cycles.push((named.into_iter().map(|(n, _)| n).collect(), at));
        }
    }
    cycles.sort();
    for (names, (p, node)) in cycles {
        sink.push(Diagnostic::error(
            Code::Cycle,
            &pathways[p].file,
            format!("step `{}`", pathways[p].steps[node.index()].id),
            format!("the steps {} form a cycle", names.join(", ")),
        ));
    }
}
