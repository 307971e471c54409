//! The steps and edges of a pathway, hand-overs between pathways, reachability and cycles.

use std::collections::{BTreeMap, BTreeSet};

use super::Sink;
use super::ctx::{Ctx, Env, is_ident, one_of};
use crate::bundle::{Edge, Pathway, Step, StepKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{FactType, StepDef};
use crate::rule::{Context, Slot};
use crate::template::Template;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// A hand-over whose target pathway is resolved once every pathway is compiled.
pub(super) struct PendingHandover {
    pub(super) node: NodeIndex,
    pub(super) at: String,
    pub(super) pathway: String,
    pub(super) step: Option<String>,
}

pub(super) type Graph = (
    DiGraph<Step, usize>,
    BTreeMap<String, NodeIndex>,
    Vec<PendingHandover>,
);

pub(super) fn build_graph(ctx: &Ctx<'_>, sink: &mut Sink, env: &Env<'_>) -> Graph {
    let mut graph = DiGraph::new();
    let mut index = BTreeMap::new();
    let mut pending = Vec::new();
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
        let node = graph.add_node(Step {
            id: def.id().to_owned(),
            kind,
            edges: Vec::new(),
        });
        if let StepDef::Handover { pathway, step, .. } = def {
            pending.push(PendingHandover {
                node,
                at: at.clone(),
                pathway: pathway.clone(),
                step: step.clone(),
            });
        }
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
            graph.add_edge(from, to, j);
            graph[from].edges.push(Edge {
                when,
                when_src: e.when.clone(),
                to,
                because: ctx.expand_opt(sink, &format!("{eat}, `because`"), &e.because),
                cites: e.cites.clone(),
            });
        }
    }
    (graph, index, pending)
}

pub(super) fn step_kind(
    ctx: &Ctx<'_>,
    sink: &mut Sink,
    env: &Env<'_>,
    at: &str,
    def: &StepDef,
) -> StepKind {
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
            StepKind::Question {
                fact: fact.clone(),
                slot: Slot::Unlinked,
                note: ctx.expand_opt(sink, &format!("{at}, `note`"), note),
            }
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
            let known = |id: &str| env.local.contains(id);
            let is_date =
                |id: &str| known(id) && env.facts.get(id).is_some_and(|f| f.ty == FactType::Date);
            let detail = detail.as_ref().and_then(|t| {
                Template::parse(t, known, is_date, |id| ctx.contact_text(id))
                    .map_err(|e| ctx.err(sink, Code::BadTemplate, &format!("{at}, `detail`"), e))
                    .ok()
            });
            StepKind::Action {
                actions: actions.clone(),
                defs: Vec::new(),
                detail,
            }
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
            StepKind::Outcome {
                title: ctx.expand(sink, &format!("{at}, `title`"), title),
                summary,
                actions: actions.clone(),
                defs: Vec::new(),
                next_steps,
                cites: cites.clone(),
            }
        }
        StepDef::Handover { because, cites, .. } => {
            ctx.cites(sink, at, cites, true);
            // Resolved in `resolve_handovers`.
            StepKind::Handover {
                pathway: usize::MAX,
                step: NodeIndex::end(),
                because: ctx.expand(sink, &format!("{at}, `because`"), because),
                cites: cites.clone(),
            }
        }
    }
}

pub(super) fn resolve_handovers(
    pathways: &mut [Pathway],
    pending: Vec<Vec<PendingHandover>>,
    parsed: &BTreeSet<&str>,
    sink: &mut Sink,
) {
    for (from, list) in pending.into_iter().enumerate() {
        for h in list {
            let file = pathways[from].file.clone();
            let Some(target) = pathways.iter().position(|p| p.meta.id == h.pathway) else {
                if parsed.contains(h.pathway.as_str()) {
                    continue; // in the set, but with errors of its own
                }
                let ids = pathways.iter().map(|p| p.meta.id.as_str());
                sink.push(
                    Diagnostic::error(
                        Code::UnknownPathway,
                        &file,
                        &h.at,
                        format!(
                            "hands over to pathway `{}`, which is not in the set",
                            h.pathway
                        ),
                    )
                    .hint(one_of(
                        "add its file to the set's folder, or hand over to one of",
                        &h.pathway,
                        ids,
                    )),
                );
                continue;
            };
            let node = match &h.step {
                None => Some(pathways[target].start),
                Some(step) => pathways[target].index.get(step).copied(),
            };
            let Some(node) = node else {
                sink.push(Diagnostic::error(
                    Code::UnknownStep,
                    &file,
                    &h.at,
                    format!(
                        "hands over to step `{}`, which pathway `{}` does not have",
                        h.step.unwrap_or_default(),
                        h.pathway
                    ),
                ));
                continue;
            };
            if let StepKind::Handover { pathway, step, .. } = &mut pathways[from].graph[h.node].kind
            {
                *pathway = target;
                *step = node;
            }
        }
    }
}

/// Every step must be reachable from its pathway's start or a hand-over into it, and the
/// graph of the whole set (hand-overs included) must have no cycle.
pub(super) fn check_reachable_and_acyclic(pathways: &[Pathway], sink: &mut Sink) {
    let mut whole: DiGraph<(usize, NodeIndex), ()> = DiGraph::new();
    let mut ids: BTreeMap<(usize, NodeIndex), NodeIndex> = BTreeMap::new();
    for (p, pathway) in pathways.iter().enumerate() {
        for node in pathway.graph.node_indices() {
            ids.insert((p, node), whole.add_node((p, node)));
        }
    }
    let mut roots: Vec<NodeIndex> = Vec::new();
    for (p, pathway) in pathways.iter().enumerate() {
        roots.push(ids[&(p, pathway.start)]);
        for node in pathway.graph.node_indices() {
            let step = &pathway.graph[node];
            for e in &step.edges {
                whole.add_edge(ids[&(p, node)], ids[&(p, e.to)], ());
            }
            if let StepKind::Handover {
                pathway: q,
                step: target,
                ..
            } = step.kind
            {
                whole.add_edge(ids[&(p, node)], ids[&(q, target)], ());
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
        for node in pathway.graph.node_indices() {
            if !seen.contains(&(p, node)) {
                sink.push(
                    Diagnostic::error(
                        Code::UnreachableStep,
                        &pathway.file,
                        format!("step `{}`", pathway.graph[node].id),
                        "no path from the start reaches it",
                    )
                    .hint("link it from another step, or remove it"),
                );
            }
        }
    }
    // Kosaraju's algorithm walks with an explicit stack (Tarjan's in petgraph recurses once
    // per step, and overflowed at 100,000 steps). Each cycle is reported at its first step
    // by name, cycles in that order.
    let mut cycles: Vec<(Vec<String>, (usize, NodeIndex))> = Vec::new();
    for scc in kosaraju_scc(&whole) {
        let looped = scc.len() > 1 || scc.iter().any(|&n| whole.contains_edge(n, n));
        if looped {
            let mut named: Vec<(String, (usize, NodeIndex))> = scc
                .iter()
                .map(|&n| {
                    let (p, node) = whole[n];
                    let name = format!("{}#{}", pathways[p].meta.id, pathways[p].graph[node].id);
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
            format!("step `{}`", pathways[p].graph[node].id),
            format!("the steps {} form a cycle", names.join(", ")),
        ));
    }
}
