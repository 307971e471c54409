//! The reference verifier: every path enumerated one by one, by depth-first search.
//!
//! Its cost grows with the number of paths (2^n for n questions a rule reads), so the library
//! verifies with [`super::explore`]; this one stays as the definition the explorer is tested
//! against ([`super::verify_by_enumeration`]) and for [`super::path_signatures`]. Memory is
//! O(depth): the walk is truncated, not cloned, on backtracking. It recurses once per
//! question on a path: for small sets only.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::bundle::Bundle;
use crate::date::Date;
use crate::diagnostic::Code;
use crate::rule::{self, ExprKind};
use crate::value::{Facts, Value};
use crate::walk::{AnswerTable, Config, FactScope, Stop, Walk, advance, collect_actions};

use super::classes::Classes;
use super::report::{Findings, MUST_ASK, counterexample};
use super::scope::{PathScope, asked_on, unasked};
use super::{PathCount, Report, signature};

/// Verifies every path by enumeration.
pub(super) fn verify(bundle: &Bundle, today: Date) -> Report {
    let mut v = Verifier::new(bundle, today);
    v.explore_all();
    let paths = PathCount::from(v.paths);
    v.findings.finish(paths, v.paths, None)
}

/// The signature of every complete path.
pub(super) fn signatures(bundle: &Bundle, today: Date) -> BTreeSet<String> {
    let mut v = Verifier::new(bundle, today);
    v.signatures = Some(BTreeSet::new());
    v.explore_all();
    v.signatures.take().unwrap_or_default()
}

struct Verifier<'b> {
    bundle: &'b Bundle,
    config: Config,
    classes: Classes,
    paths: u64,
    findings: Findings<'b>,
    start: usize,
    signatures: Option<BTreeSet<String>>,
}

impl<'b> Verifier<'b> {
    fn new(bundle: &'b Bundle, today: Date) -> Self {
        Verifier {
            bundle,
            config: Config::new(today),
            classes: Classes::new(bundle, today),
            paths: 0,
            findings: Findings::new(bundle, today),
            start: 0,
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

    fn explore(&mut self, facts: &mut Facts, walk: &mut Walk) {
        // The answers by slot, for this stretch of the walk (the facts change at each branch).
        let table = AnswerTable::new(self.bundle, facts, &self.config);
        let answers = table.answers();
        let stop = advance(self.bundle, &answers, &self.config, walk);
        match stop {
            Stop::Ask(fact) => {
                let (at, len) = (walk.at, walk.visits.len());
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
                    self.insert(facts, fact, value);
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
                        if classes.iter().any(Vec::is_empty) {
                            break;
                        }
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
            Stop::Missing(fact) => {
                let start = self.start;
                self.findings.report(start, Code::FactNotAsked, &fact, walk, || facts.clone(), |step| {
                    format!("a rule at step `{step}` reads `{fact}` before any question on this path asks it")
                })
            }
            Stop::NoEdge => {
                let start = self.start;
                self.findings.report(
                    start,
                    Code::UncoveredAnswer,
                    "",
                    walk,
                    || facts.clone(),
                    |step| format!("no edge of step `{step}` holds for these answers"),
                )
            }
        }
    }

    /// Inserts a fact under the set's own id and slot (found by slot), or by id.
    fn insert(&self, facts: &mut Facts, fact: &str, value: Value) {
        let declared = self.bundle.facts.slot(fact).and_then(|i| {
            let (id, _) = self.bundle.facts.at(i)?;
            Some((Arc::clone(id), i))
        });
        match declared {
            Some((id, slot)) => facts.insert_at(id, slot, value),
            None => facts.insert(fact, value),
        };
    }

    fn finished(&mut self, facts: &Facts, walk: &Walk) {
        self.paths += 1;
        self.findings.see(&walk.visits);
        let actions = collect_actions(self.bundle, walk);
        let codes: Vec<&str> = actions.iter().map(|(_, c, _)| *c).collect();
        if let Some(signatures) = &mut self.signatures {
            let bundle = self.bundle;
            signatures.insert(signature(walk.visits.iter().map(|v| {
                let p = &bundle.pathways[v.pathway];
                (p.meta.id.as_str(), p.steps[v.node].id.as_str(), v.edge)
            })));
        }
        if codes.is_empty() {
            let start = self.start;
            self.findings.report(
                start,
                Code::EmptyOutcome,
                "",
                walk,
                || facts.clone(),
                |step| format!("the path ends at outcome `{step}` with no action"),
            );
        }
        let visited: BTreeSet<usize> = walk.visits.iter().map(|v| v.pathway).collect();
        let table = AnswerTable::new(self.bundle, facts, &self.config);
        let answers = table.answers();
        let asked: Vec<&str> = asked_on(self.bundle, walk, facts);
        for &p in &visited {
            let pathway = &self.bundle.pathways[p];
            if !pathway.must_ask.is_empty() {
                let ok = pathway.must_ask.iter().all(|f| asked.contains(&f.as_str()));
                self.record(p, MUST_ASK, ok, facts, walk, &codes, Vec::new());
                self.findings
                    .results
                    .entry((p, MUST_ASK))
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
                    self.findings
                        .results
                        .entry((p, i))
                        .or_default()
                        .premise_held = true;
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
        let (bundle, today, start) = (self.bundle, self.config.today, self.start);
        let entry = self.findings.results.entry((p, i)).or_default();
        entry.paths.add(&PathCount::one());
        let shorter = entry
            .counterexample
            .as_ref()
            .is_none_or(|c| walk.visits.len() < c.path.len());
        if !ok && shorter {
            let codes = codes.iter().map(|c| (*c).to_owned()).collect();
            let mut example = counterexample(bundle, today, start, facts.clone(), walk, codes);
            example.unknown = unknown;
            entry.counterexample = Some(example);
        }
    }
}
