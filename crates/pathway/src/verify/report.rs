//! What verification found, gathered the same way by both verifiers (the explorer and the
//! reference enumeration): errors at steps (each reported once, with the first example in
//! walk order), each invariant's tally, the steps and edges taken, and the final [`Report`].

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::{Bundle, StepKind};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::rule::ExprKind;
use crate::value::Facts;
use crate::walk::{Passed, Walk};

use super::{Counterexample, HazardResult, InvariantResult, PathCount, Report};

/// An edge: pathway, node index, edge index.
pub(super) type EdgeKey = (usize, usize, usize);

/// The invariant index standing for a pathway's must-ask rule.
pub(super) const MUST_ASK: usize = usize::MAX;

/// What the walk found for one invariant.
#[derive(Default)]
pub(super) struct Tally {
    /// Paths it was checked on.
    pub(super) paths: PathCount,
    /// Whether the condition of an `A -> B` invariant held on some path.
    pub(super) premise_held: bool,
    /// The shortest path on which it is not definitely true (the first found, of those).
    pub(super) counterexample: Option<Counterexample>,
}

/// Findings so far.
pub(super) struct Findings<'b> {
    pub(super) bundle: &'b Bundle,
    pub(super) today: Date,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// (pathway, step, code and key) of each error reported at a step.
    reported: BTreeSet<(usize, String, String)>,
    /// (pathway, invariant index or [`MUST_ASK`]) -> what was found.
    pub(super) results: BTreeMap<(usize, usize), Tally>,
    seen_steps: BTreeSet<(usize, usize)>,
    seen_edges: BTreeSet<EdgeKey>,
}

impl<'b> Findings<'b> {
    pub(super) fn new(bundle: &'b Bundle, today: Date) -> Self {
        Self {
            bundle,
            today,
            diagnostics: Vec::new(),
            reported: BTreeSet::new(),
            results: BTreeMap::new(),
            seen_steps: BTreeSet::new(),
            seen_edges: BTreeSet::new(),
        }
    }

    /// Notes the steps and edges of part of a completed path.
    pub(super) fn see(&mut self, visits: &[Passed]) {
        for v in visits {
            self.seen_steps.insert((v.pathway, v.node.index()));
            if let Some(e) = v.edge {
                self.seen_edges.insert((v.pathway, v.node.index(), e));
            }
        }
    }

    /// Reports a problem at the step the walk stopped at, once per step, code and key; the
    /// facts of the example are only built for a new report.
    pub(super) fn report(
        &mut self,
        start: usize,
        code: Code,
        key: &str,
        walk: &Walk,
        facts: impl FnOnce() -> Facts,
        message: impl FnOnce(&str) -> String,
    ) {
        let (p, node) = walk.at;
        let step = self.bundle.pathways[p].steps[node].id.clone();
        if !self
            .reported
            .insert((p, step.clone(), format!("{code}{key}")))
        {
            return;
        }
        let example = counterexample(self.bundle, self.today, start, facts(), walk, Vec::new());
        let file = self.bundle.pathways[p].file.clone();
        self.diagnostics.push(
            Diagnostic::error(code, &file, format!("step `{step}`"), message(&step))
                .hint(format!("for example {}", example_text(&example))),
        );
    }

    /// The report: each invariant's verdict, coverage and hazards. With `exhausted` (the
    /// budget ran out), no invariant is proven and no hazard controlled.
    pub(super) fn finish(
        mut self,
        paths: PathCount,
        states: u64,
        exhausted: Option<Diagnostic>,
    ) -> Report {
        let mut invariants = Vec::new();
        let cut_short = exhausted.is_some();
        if let Some(d) = exhausted {
            // Verdicts from part of the paths prove nothing.
            self.diagnostics.push(d);
            self.results.clear();
        }
        for ((p, i), tally) in std::mem::take(&mut self.results) {
            invariants.push(self.verdict(p, i, tally));
        }
        if !cut_short {
            self.coverage_diagnostics();
        }
        let hazards = self
            .bundle
            .hazards
            .iter()
            .map(|h| HazardResult {
                id: h.id.clone(),
                hazard: h.hazard.clone(),
                harmed: h.harmed.clone(),
                severity: h.severity,
                finding: h.finding.clone(),
                controls: h.controls.clone(),
                failing: h
                    .controls
                    .iter()
                    .filter(|c| {
                        cut_short
                            || invariants
                                .iter()
                                .any(|r| r.id == **c && r.counterexample.is_some())
                    })
                    .cloned()
                    .collect(),
            })
            .collect();
        Report {
            today: self.today,
            paths: paths.saturating_u64(),
            path_count: paths,
            states,
            invariants,
            hazards,
            diagnostics: self.diagnostics,
        }
    }

    /// The verdict on one invariant, with its diagnostic (broken, or a warning when it holds
    /// only because its condition never does).
    fn verdict(&mut self, p: usize, i: usize, tally: Tally) -> InvariantResult {
        let Tally {
            paths,
            premise_held,
            counterexample,
        } = tally;
        let pathway = &self.bundle.pathways[p];
        let (id, description, rule) = match pathway.invariants.get(i) {
            Some(inv) => (inv.id.clone(), inv.description.clone(), inv.source.clone()),
            None => (
                "must_ask".to_owned(),
                format!("every path asks {}", pathway.must_ask.join(", ")),
                String::new(),
            ),
        };
        if let Some(c) = &counterexample {
            let what = if rule.is_empty() {
                description.clone()
            } else {
                format!("`{rule}`")
            };
            let (verdict, reason, hint) = if c.unknown.is_empty() {
                ("is broken", String::new(), String::new())
            } else {
                let names = c
                    .unknown
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>();
                (
                    "cannot be proven",
                    format!(
                        ": it reads {}, which that path never asks",
                        names.join(", ")
                    ),
                    format!(
                        "; if the rule should not apply when a fact is not asked, say so with `asked({}) && ...`",
                        c.unknown[0]
                    ),
                )
            };
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvariantBroken,
                    &pathway.file,
                    format!("invariant `{id}`"),
                    format!(
                        "{what} {verdict} on the path {} ending with [{}]{reason}",
                        c.path.join(" -> "),
                        c.codes.join(", ")
                    ),
                )
                .hint(format!("counterexample {}{hint}", example_text(c))),
            );
        } else if !premise_held && !self.reported.iter().any(|(q, _, _)| *q == p) {
            // (Not when an error cut this pathway's walks short: they never finished.)
            let implies = pathway.invariants.get(i).map(|v| &v.rule.kind);
            if matches!(implies, Some(ExprKind::Implies(..))) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        Code::VacuousInvariant,
                        &pathway.file,
                        format!("invariant `{id}`"),
                        format!("`{rule}` holds on every path only because its condition holds on none, so it proves nothing"),
                    ),
                );
            }
        }
        InvariantResult {
            pathway: pathway.meta.id.clone(),
            id,
            description,
            paths: paths.saturating_u64(),
            path_count: paths,
            counterexample,
        }
    }

    fn coverage_diagnostics(&mut self) {
        for (p, pathway) in self.bundle.pathways.iter().enumerate() {
            // An earlier error cut the walk short: don't pile on.
            let cut = self.reported.iter().any(|(q, _, _)| *q == p);
            for node in pathway.steps.indices() {
                let step = &pathway.steps[node];
                if !self.seen_steps.contains(&(p, node.index())) {
                    if cut {
                        continue;
                    }
                    self.diagnostics.push(Diagnostic::error(
                        Code::UnreachableStep,
                        &pathway.file,
                        format!("step `{}`", step.id),
                        "no combination of answers reaches it",
                    ));
                    continue;
                }
                for (e, edge) in step.edges.iter().enumerate() {
                    if cut {
                        break;
                    }
                    if !self.seen_edges.contains(&(p, node.index(), e))
                        && !matches!(step.kind, StepKind::Outcome { .. })
                    {
                        self.diagnostics.push(Diagnostic::error(
                            Code::DeadEdge,
                            &pathway.file,
                            format!("step `{}`, edge {}", step.id, e + 1),
                            format!(
                                "no answer takes this edge{}",
                                edge.when_src
                                    .as_ref()
                                    .map(|w| format!(" (`{w}`)"))
                                    .unwrap_or_default()
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// A counterexample for the walk: the answers, the steps walked and the codes given.
pub(super) fn counterexample(
    bundle: &Bundle,
    today: Date,
    start: usize,
    facts: Facts,
    walk: &Walk,
    codes: Vec<String>,
) -> Counterexample {
    let path = walk
        .visits
        .iter()
        .map(|v| {
            let p = &bundle.pathways[v.pathway];
            format!("{}#{}", p.meta.id, p.steps[v.node].id)
        })
        .collect();
    Counterexample {
        pathway: bundle.pathways[start].meta.id.clone(),
        today,
        facts,
        path,
        codes,
        unknown: Vec::new(),
    }
}

pub(super) fn example_text(c: &Counterexample) -> String {
    let facts = serde_json::to_string(&c.facts).unwrap_or_default();
    format!("pathway {} on {}: {facts}", c.pathway, c.today)
}
