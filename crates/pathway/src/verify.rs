//! Verification: walk **every** path of every pathway and check it.
//!
//! At each question the walk branches on the answer's equivalence classes: both booleans,
//! every option, integers split at every constant any rule compares the fact with, and dates
//! split at every age and birthday threshold relative to `today`. Rules only compare integer
//! expressions with literals (see [`crate::rule`]), so the classes are exact: no answer that
//! a rule distinguishes is skipped, and no branch is walked that a guard already excluded.
//!
//! On every path: each step has an edge for the answers, every rule reads only facts already
//! asked, the outcome has at least one action, the `must_ask` facts were asked, and every
//! invariant holds. Over all paths: every step is visited and every edge is taken.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::bundle::{Bundle, StepKind};
use crate::date::{Date, age_on, days_until_birthday};
use crate::diagnostic::Diagnostic;
use crate::evaluate::{Answers, Config, FactScope, Stop, Walk, advance, collect_actions};
use crate::facts::OLDEST_YEARS;
use crate::model::FactType;
use crate::rule::{self, Expr, ExprKind, Missing, PathPred, Scope, Slot, Threshold};
use crate::value::{Facts, Value};

/// What verification found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The date verified on.
    pub today: Date,
    /// Complete paths walked, over all starting pathways.
    pub paths: u64,
    /// Each invariant and must-ask rule, proven or broken.
    pub invariants: Vec<InvariantResult>,
    /// Each hazard of the set's hazard log, controlled or not.
    pub hazards: Vec<HazardResult>,
    /// Errors found (an empty list means the set is verified).
    pub diagnostics: Vec<Diagnostic>,
}

/// The verdict on one invariant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvariantResult {
    /// Pathway id.
    pub pathway: String,
    /// Invariant id (`must_ask` for the must-ask rule).
    pub id: String,
    /// What it guarantees.
    pub description: String,
    /// Paths it was checked on.
    pub paths: u64,
    /// The shortest counterexample, if it is broken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Counterexample>,
}

/// The verdict on one hazard of the set's hazard log: controlled when every control (an
/// invariant id, or `must_ask`) is proven on every path of every pathway that declares it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HazardResult {
    /// Hazard id.
    pub id: String,
    /// What could go wrong.
    pub hazard: String,
    /// Who is harmed.
    pub harmed: String,
    /// How bad.
    pub severity: crate::model::HazardSeverity,
    /// The review finding it answers, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    /// Its controls.
    pub controls: Vec<String>,
    /// The controls not proven (each has a counterexample among the invariant results).
    pub failing: Vec<String>,
}

impl HazardResult {
    /// Whether every control is proven.
    pub fn controlled(&self) -> bool {
        self.failing.is_empty()
    }
}

/// Concrete answers that break a property, ready to feed to `pathway decide`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterexample {
    /// Pathway the walk starts in.
    pub pathway: String,
    /// The date to evaluate on.
    pub today: Date,
    /// The answers, as a facts object.
    pub facts: Facts,
    /// The steps walked, as `pathway#step`.
    pub path: Vec<String>,
    /// The outcome's action codes.
    pub codes: Vec<String>,
    /// For a broken invariant that is undecided rather than false on this path: the facts it
    /// reads that the path never asks. Empty when the invariant is plainly false.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
}

/// Verifies every path of every pathway of the set on `today`.
pub fn verify(bundle: &Bundle, today: Date) -> Report {
    run(bundle, today, false).0
}

/// A small set of example records that together take every edge of the set: for trainers
/// to turn into scenarios.
///
/// Every distinct set of edges a path takes is a candidate; a greedy set cover then keeps the
/// path that takes the most edges not taken yet (the shorter on a tie) until every edge is
/// taken, and drops any example the others make redundant. The answers are the ones
/// verification walks, one per class and inside the range where the class allows (an age of
/// 16 rather than 0), so the examples read like real cases.
pub fn covering_examples(bundle: &Bundle, today: Date) -> Vec<Counterexample> {
    let (_, candidates) = run(bundle, today, true);
    let mut uncovered: BTreeSet<EdgeKey> = candidates
        .iter()
        .flat_map(|(e, _)| e.iter().copied())
        .collect();
    let mut chosen: Vec<(BTreeSet<EdgeKey>, Counterexample)> = Vec::new();
    let mut pool = candidates;
    while !uncovered.is_empty() {
        let best = pool
            .iter()
            .enumerate()
            .max_by_key(|(_, (edges, c))| {
                let gain = edges.intersection(&uncovered).count();
                (gain, std::cmp::Reverse(c.path.len()))
            })
            .map(|(i, _)| i);
        let Some(i) = best.filter(|&i| pool[i].0.intersection(&uncovered).next().is_some()) else {
            break;
        };
        let pick = pool.swap_remove(i);
        for e in &pick.0 {
            uncovered.remove(e);
        }
        chosen.push(pick);
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

/// Every complete path verification walks, as `pathway#step:edge` joined by spaces: for
/// testing that the enumeration is sound (any record's walk is one of these).
#[doc(hidden)]
pub fn path_signatures(bundle: &Bundle, today: Date) -> BTreeSet<String> {
    let mut v = Verifier::new(bundle, today, false);
    v.signatures = Some(BTreeSet::new());
    v.explore_all();
    v.signatures.take().unwrap_or_default()
}

/// The signature of a walk's trail, in the form of [`path_signatures`].
#[doc(hidden)]
pub fn trail_signature(trail: &[crate::evaluate::Visit<'_>]) -> String {
    signature(trail.iter().map(|v| (v.pathway, v.step, v.edge)))
}

fn signature<'a>(steps: impl Iterator<Item = (&'a str, &'a str, Option<usize>)>) -> String {
    steps
        .map(|(pathway, step, edge)| {
            format!(
                "{pathway}#{step}:{}",
                edge.map_or("-".to_owned(), |e| e.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

type EdgeKey = (usize, usize, usize);

fn run(
    bundle: &Bundle,
    today: Date,
    collect: bool,
) -> (Report, Vec<(BTreeSet<EdgeKey>, Counterexample)>) {
    let mut v = Verifier::new(bundle, today, collect);
    v.explore_all();
    let examples = v.examples.take().unwrap_or_default();
    (v.finish(), examples)
}

impl<'b> Verifier<'b> {
    fn new(bundle: &'b Bundle, today: Date, collect: bool) -> Self {
        Verifier {
            bundle,
            config: Config::new(today),
            classes: Classes::new(bundle, today),
            paths: 0,
            diagnostics: Vec::new(),
            reported: BTreeSet::new(),
            results: BTreeMap::new(),
            seen_steps: BTreeSet::new(),
            seen_edges: BTreeSet::new(),
            start: 0,
            examples: collect.then(Vec::new),
            covered: BTreeSet::new(),
            signatures: None,
        }
    }

    fn explore_all(&mut self) {
        for p in 0..self.bundle.pathways.len() {
            self.start = p;
            let mut walk = Walk::new(self.bundle, p);
            let mut facts = Facts::default();
            self.explore(&mut facts, &mut walk);
        }
    }
}

/// What the walk found for one invariant.
#[derive(Default)]
struct Tally {
    /// Paths it was checked on.
    paths: u64,
    /// Whether the condition of an `A -> B` invariant held on some path.
    premise_held: bool,
    /// The shortest path on which it is not definitely true.
    counterexample: Option<Counterexample>,
}

struct Verifier<'b> {
    bundle: &'b Bundle,
    config: Config,
    classes: Classes,
    paths: u64,
    diagnostics: Vec<Diagnostic>,
    reported: BTreeSet<(usize, String, String)>,
    /// (pathway, invariant index or usize::MAX for must-ask) -> what was found.
    results: BTreeMap<(usize, usize), Tally>,
    seen_steps: BTreeSet<(usize, usize)>,
    seen_edges: BTreeSet<EdgeKey>,
    start: usize,
    examples: Option<Vec<(BTreeSet<EdgeKey>, Counterexample)>>,
    /// Distinct edge sets already kept as example candidates.
    covered: BTreeSet<BTreeSet<EdgeKey>>,
    signatures: Option<BTreeSet<String>>,
}

impl Verifier<'_> {
    fn explore(&mut self, facts: &mut Facts, walk: &mut Walk) {
        // The answers by slot, for this stretch of the walk (the facts change at each branch).
        let answers = Answers::new(self.bundle, facts, &self.config);
        let stop = advance(self.bundle, &answers, &self.config, walk);
        match stop {
            Stop::Ask(fact) => {
                let (at, len) = (walk.at, walk.visits.len());
                // Inserted under the set's own id and slot: no copy of the id, and found by
                // slot.
                let declared = self.bundle.facts.slot(fact).and_then(|i| {
                    let (id, _) = self.bundle.facts.at(i)?;
                    Some((std::sync::Arc::clone(id), i))
                });
                let decl = self.bundle.facts.get(fact);
                for value in self.classes.values(self.bundle, fact) {
                    // An answer that contradicts a fact it settles, given already, is a record
                    // that is refused when read: no path.
                    let contradicts = decl.is_some_and(|d| {
                        d.settled_by(&value)
                            .any(|(f, v)| facts.get(f).is_some_and(|given| given != v))
                    });
                    if contradicts {
                        continue;
                    }
                    match &declared {
                        Some((id, slot)) => facts.insert_at(id.clone(), *slot, value),
                        None => facts.insert(fact, value),
                    };
                    self.explore(facts, walk);
                    walk.visits.truncate(len);
                    walk.at = at;
                }
                facts.remove(fact);
                // A record may give the facts the answer settles instead of the answer (a v1
                // record gives whether the worker's organisation is a First Responder, not
                // which organisation it is): every combination of their classes is a path.
                let unknown: Vec<&str> = decl
                    .map(|d| d.settled_facts())
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str)
                    .filter(|f| !facts.contains(f))
                    .collect();
                if !unknown.is_empty() {
                    let classes: Vec<Vec<Value>> = unknown
                        .iter()
                        .map(|f| self.classes.values(self.bundle, f))
                        .collect();
                    let mut pick = vec![0usize; unknown.len()];
                    'combos: loop {
                        for (i, f) in unknown.iter().enumerate() {
                            self.insert(facts, f, classes[i][pick[i]].clone());
                        }
                        self.explore(facts, walk);
                        walk.visits.truncate(len);
                        walk.at = at;
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
                    for f in &unknown {
                        facts.remove(f);
                    }
                }
            }
            Stop::Done => self.finished(facts, walk),
            Stop::Missing(fact) => self.report("fact-not-asked", &fact, facts, walk, |step| {
                format!("a rule at step `{step}` reads `{fact}` before any question on this path asks it")
            }),
            Stop::NoEdge => self.report("uncovered-answer", "", facts, walk, |step| {
                format!("no edge of step `{step}` holds for these answers")
            }),
        }
    }

    /// Inserts a fact under the set's own id and slot (found by slot), or by id.
    fn insert(&self, facts: &mut Facts, fact: &str, value: Value) {
        let declared = self.bundle.facts.slot(fact).and_then(|i| {
            let (id, _) = self.bundle.facts.at(i)?;
            Some((std::sync::Arc::clone(id), i))
        });
        match declared {
            Some((id, slot)) => facts.insert_at(id, slot, value),
            None => facts.insert(fact, value),
        };
    }

    #[allow(clippy::too_many_arguments)]
    /// Reports a problem at the step the walk stopped at, once per step, code and key.
    fn report(
        &mut self,
        code: &'static str,
        key: &str,
        facts: &Facts,
        walk: &Walk,
        message: impl FnOnce(&str) -> String,
    ) {
        let (p, node) = walk.at;
        let step = self.bundle.pathways[p].graph[node].id.clone();
        if !self
            .reported
            .insert((p, step.clone(), format!("{code}{key}")))
        {
            return;
        }
        let example = self.counterexample(facts, walk, Vec::new());
        let file = self.bundle.pathways[p].file.clone();
        self.diagnostics.push(
            Diagnostic::error(code, &file, format!("step `{step}`"), message(&step))
                .hint(format!("for example {}", example_text(&example))),
        );
    }

    fn counterexample(&self, facts: &Facts, walk: &Walk, codes: Vec<String>) -> Counterexample {
        let path = walk
            .visits
            .iter()
            .map(|v| {
                let p = &self.bundle.pathways[v.pathway];
                format!("{}#{}", p.meta.id, p.graph[v.node].id)
            })
            .collect();
        Counterexample {
            pathway: self.bundle.pathways[self.start].meta.id.clone(),
            today: self.config.today,
            facts: facts.clone(),
            path,
            codes,
            unknown: Vec::new(),
        }
    }

    fn finished(&mut self, facts: &Facts, walk: &Walk) {
        self.paths += 1;
        for v in &walk.visits {
            self.seen_steps.insert((v.pathway, v.node.index()));
            if let Some(e) = v.edge {
                self.seen_edges.insert((v.pathway, v.node.index(), e));
            }
        }
        let actions = collect_actions(self.bundle, walk);
        let codes: Vec<&str> = actions.iter().map(|(_, c, _)| *c).collect();
        if let Some(signatures) = &mut self.signatures {
            let bundle = self.bundle;
            signatures.insert(signature(walk.visits.iter().map(|v| {
                let p = &bundle.pathways[v.pathway];
                (p.meta.id.as_str(), p.graph[v.node].id.as_str(), v.edge)
            })));
        }
        if self.examples.is_some() {
            let edges: BTreeSet<EdgeKey> = walk
                .visits
                .iter()
                .filter_map(|v| Some((v.pathway, v.node.index(), v.edge?)))
                .collect();
            // One candidate per distinct set of edges: the first path found that takes it.
            if self.covered.insert(edges.clone()) {
                let example = self.counterexample(
                    facts,
                    walk,
                    codes.iter().map(|c| (*c).to_owned()).collect(),
                );
                self.examples
                    .get_or_insert_with(Vec::new)
                    .push((edges, example));
            }
        }
        if codes.is_empty() {
            self.report("empty-outcome", "", facts, walk, |step| {
                format!("the path ends at outcome `{step}` with no action")
            });
        }
        let visited: BTreeSet<usize> = walk.visits.iter().map(|v| v.pathway).collect();
        let answers = Answers::new(self.bundle, facts, &self.config);
        let asked: Vec<&str> = asked_on(self.bundle, walk, facts);
        for &p in &visited {
            let pathway = &self.bundle.pathways[p];
            if !pathway.must_ask.is_empty() {
                let ok = pathway.must_ask.iter().all(|f| asked.contains(&f.as_str()));
                self.record(p, usize::MAX, ok, facts, walk, &codes, Vec::new());
                self.results
                    .entry((p, usize::MAX))
                    .or_default()
                    .premise_held = true;
            }
            for (i, inv) in pathway.invariants.iter().enumerate() {
                let scope = PathScope {
                    inner: FactScope {
                        bundle: self.bundle,
                        pathway: p,
                        config: &self.config,
                        answers: &answers,
                    },
                    facts,
                    walk,
                    asked: &asked,
                    codes: &codes,
                    actions: &actions,
                };
                // Proven means definitely true: an invariant that a fact never asked on the
                // path leaves undecided is broken, so no proof rests on missing answers.
                let verdict = rule::eval3(&inv.rule, &scope);
                let unknown = if verdict.is_none() {
                    unasked(&inv.rule, &scope)
                } else {
                    Vec::new()
                };
                let premise = match &inv.rule.kind {
                    ExprKind::Implies(a, _) => rule::eval3(a, &scope) == Some(true),
                    _ => true,
                };
                self.record(p, i, verdict == Some(true), facts, walk, &codes, unknown);
                if premise {
                    self.results.entry((p, i)).or_default().premise_held = true;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        p: usize,
        i: usize,
        ok: bool,
        facts: &Facts,
        walk: &Walk,
        codes: &[&str],
        unknown: Vec<String>,
    ) {
        let shorter = |c: &Option<Counterexample>| {
            c.as_ref().is_none_or(|c| walk.visits.len() < c.path.len())
        };
        let entry = self.results.entry((p, i)).or_default();
        entry.paths += 1;
        if !ok && shorter(&entry.counterexample) {
            let mut example =
                self.counterexample(facts, walk, codes.iter().map(|c| (*c).to_owned()).collect());
            example.unknown = unknown;
            self.results.entry((p, i)).or_default().counterexample = Some(example);
        }
    }

    fn finish(mut self) -> Report {
        let mut invariants = Vec::new();
        for ((p, i), tally) in std::mem::take(&mut self.results) {
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
                        "invariant-broken",
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
                            "vacuous-invariant",
                            &pathway.file,
                            format!("invariant `{id}`"),
                            format!("`{rule}` holds on every path only because its condition holds on none, so it proves nothing"),
                        )
                        .hint("check the condition (left of `->`) names the case it is meant for, or remove the invariant"),
                    );
                }
            }
            invariants.push(InvariantResult {
                pathway: pathway.meta.id.clone(),
                id,
                description,
                paths,
                counterexample,
            });
        }
        self.coverage_diagnostics();
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
                        invariants
                            .iter()
                            .any(|r| r.id == **c && r.counterexample.is_some())
                    })
                    .cloned()
                    .collect(),
            })
            .collect();
        Report {
            today: self.config.today,
            paths: self.paths,
            invariants,
            hazards,
            diagnostics: self.diagnostics,
        }
    }

    fn coverage_diagnostics(&mut self) {
        for (p, pathway) in self.bundle.pathways.iter().enumerate() {
            for node in pathway.graph.node_indices() {
                let step = &pathway.graph[node];
                if !self.seen_steps.contains(&(p, node.index())) {
                    if self.reported.iter().any(|(q, _, _)| *q == p) {
                        continue; // an earlier error cut the walk short; don't pile on
                    }
                    self.diagnostics.push(Diagnostic::error("unreachable-step", &pathway.file, format!("step `{}`", step.id), "no combination of answers reaches it").hint("the guards before it exclude every path to it: fix them or remove the step"));
                    continue;
                }
                for (e, edge) in step.edges.iter().enumerate() {
                    if self.reported.iter().any(|(q, _, _)| *q == p) {
                        break; // an earlier error cut the walk short; don't pile on
                    }
                    if !self.seen_edges.contains(&(p, node.index(), e))
                        && !matches!(step.kind, StepKind::Outcome { .. })
                    {
                        self.diagnostics.push(Diagnostic::error("dead-edge", &pathway.file, format!("step `{}`, edge {}", step.id, e + 1), format!("no answer takes this edge{}", edge.when_src.as_ref().map(|w| format!(" (`{w}`)")).unwrap_or_default())).hint("an earlier edge of the step always wins, or the guard can never hold: reorder or remove it"));
                    }
                }
            }
        }
    }
}

/// The facts known on a finished path, in the order its question steps made them known: the
/// fact a question asked, with the facts its answer settles; or, for a question passed
/// because the record gave the facts its answer settles, those facts.
fn asked_on<'b>(bundle: &'b Bundle, walk: &Walk, facts: &Facts) -> Vec<&'b str> {
    let mut out = Vec::new();
    for v in &walk.visits {
        let StepKind::Question { fact, .. } = &bundle.pathways[v.pathway].graph[v.node].kind else {
            continue;
        };
        if facts.contains(fact) {
            out.push(fact.as_str());
        }
        if let Some(decl) = bundle.facts.get(fact) {
            out.extend(decl.settled_facts().iter().map(String::as_str));
        }
    }
    out
}

/// The facts a rule reads that are not known on the path (for a derived fact, the asked fact
/// it is missing).
fn unasked(rule: &Expr, scope: &PathScope<'_>) -> Vec<String> {
    let mut named = BTreeSet::new();
    rule::values_read(rule, &mut named);
    let mut out: Vec<String> = Vec::new();
    for id in named {
        if let Err(Missing(base)) = scope.fact(&id, Slot::Unlinked)
            && !out.contains(&base)
        {
            out.push(base);
        }
    }
    out
}

fn example_text(c: &Counterexample) -> String {
    let facts = serde_json::to_string(&c.facts).unwrap_or_default();
    format!("pathway {} on {}: {facts}", c.pathway, c.today)
}

/// The scope of an invariant: facts of the path (unknown if not asked) and path predicates.
struct PathScope<'a> {
    inner: FactScope<'a>,
    /// The facts of the path (what `inner` reads by slot).
    facts: &'a Facts,
    walk: &'a Walk,
    asked: &'a [&'a str],
    codes: &'a [&'a str],
    actions: &'a [(Option<&'a crate::bundle::ActionEntry>, &'a str, usize)],
}

impl Scope for PathScope<'_> {
    fn fact(&self, id: &str, slot: Slot) -> Result<Cow<'_, Value>, Missing> {
        self.inner.fact(id, slot)
    }

    fn today(&self) -> Date {
        self.inner.config.today
    }

    fn path(&self, pred: &PathPred) -> Option<bool> {
        let pos = |code: &str| self.codes.iter().position(|c| *c == code);
        Some(match pred {
            PathPred::Asked(f) => self.asked.contains(&f.as_str()),
            PathPred::FirstAsked(f) => self.asked.first() == Some(&f.as_str()),
            PathPred::Did(c) => pos(c).is_some(),
            PathPred::First(c) => pos(c) == Some(0),
            PathPred::Before(a, b) => match (pos(a), pos(b)) {
                (Some(i), Some(j)) => i < j,
                (Some(_), None) => true,
                _ => false,
            },
            PathPred::KnownBefore(f, code) => {
                let Some(&(_, _, k)) = self.actions.iter().find(|(_, c, _)| c == code) else {
                    return Some(true);
                };
                // Facts asked at the question steps before the action's step (with the
                // facts a passed question's answer settles), under the set's own ids and
                // slots.
                let bundle = self.inner.bundle;
                let mut known = Facts::default();
                for v in &self.walk.visits[..k] {
                    let StepKind::Question { fact, .. } =
                        &bundle.pathways[v.pathway].graph[v.node].kind
                    else {
                        continue;
                    };
                    let settled = bundle.facts.get(fact).map(|d| d.settled_facts());
                    for f in std::iter::once(fact).chain(settled.unwrap_or_default()) {
                        if let Some(val) = self.facts.get(f) {
                            match bundle
                                .facts
                                .slot(f)
                                .and_then(|i| Some((bundle.facts.at(i)?.0, i)))
                            {
                                Some((id, i)) => known.insert_at(id.clone(), i, val.clone()),
                                None => known.insert(f.as_str(), val.clone()),
                            };
                        }
                    }
                }
                // Only these facts: not the answers by slot of the whole path.
                let answers = Answers::new(bundle, &known, self.inner.config);
                let scope = FactScope {
                    bundle,
                    pathway: self.inner.pathway,
                    config: self.inner.config,
                    answers: &answers,
                };
                scope.fact(f, Slot::Unlinked).is_ok()
            }
            PathPred::Urgent(c) => self
                .actions
                .iter()
                .any(|(def, code, _)| code == c && def.is_some_and(|d| d.def.urgent)),
            PathPred::OwnService => {
                let bundle = self.inner.bundle;
                let Ok(org) = self.fact(crate::compile::ORGANISATION, Slot::Unlinked) else {
                    return Some(false);
                };
                let Value::Choice(org) = org.as_ref() else {
                    return Some(false);
                };
                self.actions.iter().any(|&(def, _, k)| {
                    let Some(def) = def else { return false };
                    let scope = FactScope {
                        bundle,
                        pathway: self.walk.visits[k].pathway,
                        config: self.inner.config,
                        answers: self.inner.answers,
                    };
                    def.wording(&scope).named.iter().any(|n| {
                        bundle.contacts.get(n).and_then(|c| c.service_of.as_deref())
                            == Some(org.as_str())
                    })
                })
            }
            PathPred::Contacted(id) => self.actions.iter().any(|&(def, _, k)| {
                let Some(def) = def else { return false };
                // Worded for the case in the pathway that added the action.
                let scope = FactScope {
                    bundle: self.inner.bundle,
                    pathway: self.walk.visits[k].pathway,
                    config: self.inner.config,
                    answers: self.inner.answers,
                };
                def.wording(&scope).named.iter().any(|n| n == id)
            }),
        })
    }
}

/// The answer classes of each fact.
struct Classes {
    ints: BTreeMap<String, Vec<i64>>,
    dates: BTreeMap<String, Vec<Date>>,
    /// For each choice fact, one option per class of options no rule can tell apart.
    choices: BTreeMap<String, Vec<String>>,
    /// Facts that no rule names: one answer stands for all of them.
    unread: BTreeSet<String>,
}

/// Every rule of the set: derived facts, invariants, guards and action variants.
fn rules(bundle: &Bundle) -> impl Iterator<Item = &Expr> {
    bundle.pathways.iter().flat_map(|p| {
        let derived = p.derived.iter().map(|d| &d.rule);
        let invariants = p.invariants.iter().map(|i| &i.rule);
        let guards = p
            .graph
            .node_weights()
            .flat_map(|s| s.edges.iter().filter_map(|e| e.when.as_ref()));
        let variants = p.actions.iter().flat_map(|(_, a)| a.when.iter());
        derived.chain(invariants).chain(guards).chain(variants)
    })
}

/// The facts a rule names, and the option strings it compares each fact with.
fn named_and_compared(
    e: &Expr,
    named: &mut BTreeSet<String>,
    compared: &mut BTreeMap<String, BTreeSet<String>>,
) {
    match &e.kind {
        ExprKind::Fact(id, _) => {
            named.insert(id.clone());
        }
        ExprKind::Cmp(_, a, b) => {
            if let (ExprKind::Fact(f, _), ExprKind::Str(v))
            | (ExprKind::Str(v), ExprKind::Fact(f, _)) = (&a.kind, &b.kind)
            {
                compared.entry(f.clone()).or_default().insert(v.clone());
            }
        }
        ExprKind::Path(
            PathPred::Asked(f) | PathPred::FirstAsked(f) | PathPred::KnownBefore(f, _),
        ) => {
            named.insert(f.clone());
        }
        _ => {}
    }
    let mut children: Vec<&Expr> = Vec::new();
    match &e.kind {
        ExprKind::Not(a) => children.push(a),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Implies(a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::AgeOn(a, b)
        | ExprKind::DaysUntilBirthday(a, _, b) => {
            children.push(a);
            children.push(b);
        }
        _ => {}
    }
    for c in children {
        named_and_compared(c, named, compared);
    }
}

impl Classes {
    fn new(bundle: &Bundle, today: Date) -> Self {
        let mut thresholds = BTreeSet::new();
        let mut named = BTreeSet::new();
        let mut compared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for rule in rules(bundle) {
            rule.thresholds(&mut thresholds);
            named_and_compared(rule, &mut named, &mut compared);
        }
        // A fact whose answer settles others is told apart by the values it settles; the
        // organisation a worker works for, by the contacts of its own service.
        let own_services: BTreeSet<&str> = bundle
            .contacts
            .values()
            .filter_map(|c| c.service_of.as_deref())
            .collect();
        let mut choices = BTreeMap::new();
        let mut unread = BTreeSet::new();
        for decl in bundle.facts.iter() {
            let settled = decl.settled_facts();
            let is_named = named.contains(&decl.id)
                || bundle
                    .facts
                    .iter()
                    .any(|d| d.settled_facts().contains(&decl.id));
            if decl.ty == FactType::Bool && !is_named {
                unread.insert(decl.id.clone());
            }
            if decl.ty != FactType::Choice {
                continue;
            }
            let literals = compared.get(&decl.id);
            let mut seen: Vec<(Option<&str>, Vec<&Value>, bool)> = Vec::new();
            let mut kept = Vec::new();
            for o in &decl.options {
                let answer = Value::Choice(o.value.clone());
                let signature = (
                    literals
                        .filter(|l| l.contains(&o.value))
                        .map(|_| o.value.as_str()),
                    decl.settled_by(&answer).map(|(_, v)| v).collect::<Vec<_>>(),
                    decl.id == crate::compile::ORGANISATION
                        && own_services.contains(o.value.as_str()),
                );
                // An option a rule compares with, or one that is some contact's service, is a
                // class of its own; the others group by what they settle.
                let alone = signature.0.is_some() || signature.2;
                if alone || !seen.contains(&signature) {
                    kept.push(o.value.clone());
                    seen.push(signature);
                }
            }
            let _ = settled;
            if !is_named && decl.settled_facts().is_empty() {
                kept.truncate(1);
            }
            choices.insert(decl.id.clone(), kept);
        }
        let mut ints: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        let mut dates: BTreeMap<String, BTreeSet<Date>> = BTreeMap::new();
        let oldest = today.anniversary(-OLDEST_YEARS).unwrap_or(today);
        for decl in bundle.facts.iter() {
            match decl.ty {
                FactType::Integer => {
                    let set = ints.entry(decl.id.clone()).or_default();
                    set.extend(decl.min);
                    set.extend(decl.max);
                }
                FactType::Date => {
                    dates
                        .entry(decl.id.clone())
                        .or_default()
                        .extend([oldest, today]);
                }
                _ => {}
            }
        }
        for t in thresholds.iter().cloned() {
            match t {
                Threshold::Int { fact, k, .. } => {
                    let decl = bundle.facts.get(&fact);
                    let (lo, hi) = decl.map_or((i64::MIN, i64::MAX), |d| {
                        (d.min.unwrap_or(i64::MIN), d.max.unwrap_or(i64::MAX))
                    });
                    let set = ints.entry(fact).or_default();
                    set.extend(
                        [k.saturating_sub(1), k, k.saturating_add(1)]
                            .into_iter()
                            .filter(|v| (lo..=hi).contains(v)),
                    );
                }
                Threshold::AgeOn { fact, k, .. } => {
                    let set = dates.entry(fact).or_default();
                    for level in [k - 1, k, k + 1] {
                        // age_on is non-increasing in the birth date.
                        let b = last_day(oldest, today, |d| age_on(d, today) >= level);
                        set.extend(
                            b.into_iter()
                                .flat_map(|b| [Some(b), b.add_days(1)])
                                .flatten(),
                        );
                    }
                }
                Threshold::DaysUntil { fact, years, k, .. } => {
                    let set = dates.entry(fact).or_default();
                    for level in [k - 1, k, k + 1] {
                        // days_until_birthday is non-decreasing in the birth date.
                        let b = last_day(oldest, today, |d| {
                            days_until_birthday(d, years, today) <= level
                        });
                        set.extend(
                            b.into_iter()
                                .flat_map(|b| [Some(b), b.add_days(1)])
                                .flatten(),
                        );
                    }
                }
            }
        }
        // The candidate points over-approximate the classes (k-1, k and k+1 around every
        // constant, the ends of the range): keep one point per class, i.e. per distinct
        // outcome of every comparison any rule makes with the fact.
        let within = |d: &Date| (oldest..=today).contains(d);
        let ints = ints
            .into_iter()
            .map(|(fact, points)| {
                let decl = bundle.facts.get(&fact);
                let end = |v: &i64| decl.is_some_and(|d| d.min == Some(*v) || d.max == Some(*v));
                let sig = |v: &i64| {
                    thresholds
                        .iter()
                        .filter_map(|t| match t {
                            Threshold::Int { fact: f, op, k } if *f == fact => Some(op.apply(v, k)),
                            _ => None,
                        })
                        .collect()
                };
                let kept = one_per_class(points, end, sig);
                (fact, kept)
            })
            .collect();
        let dates = dates
            .into_iter()
            .map(|(fact, points)| {
                let end = |d: &Date| *d == oldest || *d == today;
                let sig = |d: &Date| {
                    thresholds
                        .iter()
                        .filter_map(|t| match t {
                            Threshold::AgeOn { fact: f, op, k } if *f == fact => {
                                Some(op.apply(&age_on(*d, today), k))
                            }
                            Threshold::DaysUntil {
                                fact: f,
                                years,
                                op,
                                k,
                            } if *f == fact => {
                                Some(op.apply(&days_until_birthday(*d, *years, today), k))
                            }
                            _ => None,
                        })
                        .collect()
                };
                let kept = one_per_class(points.into_iter().filter(within).collect(), end, sig);
                (fact, kept)
            })
            .collect();
        Self {
            ints,
            dates,
            choices,
            unread,
        }
    }

    fn values(&self, bundle: &Bundle, fact: &str) -> Vec<Value> {
        let Some(decl) = bundle.facts.get(fact) else {
            return Vec::new();
        };
        match decl.ty {
            // No rule reads it: one answer walks every path the other would.
            FactType::Bool if self.unread.contains(fact) => vec![Value::Bool(false)],
            FactType::Bool => vec![Value::Bool(true), Value::Bool(false)],
            FactType::Choice => match self.choices.get(fact) {
                Some(kept) => kept.iter().map(|v| Value::Choice(v.clone())).collect(),
                None => decl
                    .options
                    .iter()
                    .map(|o| Value::Choice(o.value.clone()))
                    .collect(),
            },
            FactType::Integer => self
                .ints
                .get(fact)
                .map(|v| v.iter().map(|i| Value::Int(*i)).collect())
                .unwrap_or_default(),
            FactType::Date => self
                .dates
                .get(fact)
                .map(|v| v.iter().map(|d| Value::Date(*d)).collect())
                .unwrap_or_default(),
        }
    }
}

/// One point of each class (points with the same comparison outcomes), in ascending order,
/// preferring a point inside the range to one at its end, so that examples read like cases.
fn one_per_class<T: Ord + Copy>(
    points: BTreeSet<T>,
    end: impl Fn(&T) -> bool,
    signature: impl Fn(&T) -> Vec<bool>,
) -> Vec<T> {
    let mut chosen: BTreeMap<Vec<bool>, T> = BTreeMap::new();
    for p in points {
        let sig = signature(&p);
        match chosen.get(&sig) {
            Some(q) if !end(q) || end(&p) => {}
            _ => {
                chosen.insert(sig, p);
            }
        }
    }
    let mut kept: Vec<T> = chosen.into_values().collect();
    kept.sort();
    kept
}

/// The last day in `lo..=hi` for which a predicate that holds on a prefix of the range holds.
fn last_day(lo: Date, hi: Date, holds: impl Fn(Date) -> bool) -> Option<Date> {
    if !holds(lo) {
        return None;
    }
    let (mut good, mut bad) = (lo.to_days(), hi.to_days() + 1);
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        match Date::from_days(mid) {
            Some(d) if holds(d) => good = mid,
            _ => bad = mid,
        }
    }
    Date::from_days(good)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::CmpOp;

    #[test]
    fn one_point_per_class_preferring_the_inside_of_the_range() {
        let points: BTreeSet<i64> = [0, 16, 17, 18, 19, 120].into();
        let end = |v: &i64| *v == 0 || *v == 120;
        // `age < 18` and `age == 17` split the ages into under 17, 17, and 18 or over.
        let sig = |v: &i64| vec![CmpOp::Lt.apply(v, &18), CmpOp::Eq.apply(v, &17)];
        assert_eq!(one_per_class(points.clone(), end, sig), [16, 17, 18]);
        // With no comparison at all, one answer stands for every age.
        assert_eq!(one_per_class(points.clone(), end, |_| Vec::new()), [16]);
        // A class that only an end of the range belongs to keeps it.
        let sig = |v: &i64| vec![CmpOp::Ge.apply(v, &120)];
        assert_eq!(one_per_class(points, end, sig), [16, 120]);
    }
}
