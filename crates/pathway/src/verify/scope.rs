//! Invariants judged on one finished path: the facts of the path (unknown if never asked)
//! and the path predicates. The reference for what every predicate means; the explorer's
//! partial evaluation ([`super::residual`]) must agree with it, and its counterexamples are
//! replayed here.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::bundle::{ActionEntry, Bundle, StepKind};
use crate::date::Date;
use crate::rule::{self, Expr, Missing, PathPred, Scope, Slot};
use crate::value::{Facts, Value};
use crate::walk::{AnswerTable, Config, FactScope, Walk, advance, collect_actions};

use super::Counterexample;
use super::report::{MUST_ASK, counterexample};

/// The scope of an invariant: facts of the path (unknown if not asked) and path predicates.
pub(super) struct PathScope<'a> {
    pub(super) inner: FactScope<'a>,
    /// The facts of the path (what `inner` reads by slot).
    pub(super) facts: &'a Facts,
    pub(super) walk: &'a Walk,
    pub(super) asked: &'a [&'a str],
    pub(super) codes: &'a [&'a str],
    pub(super) actions: &'a [(Option<&'a ActionEntry>, &'a str, usize)],
}

/// The facts known on a finished path, in the order its question steps made them known: the
/// fact a question asked, with the facts its answer settles; or, for a question passed
/// because the record gave the facts its answer settles, those facts.
pub(super) fn asked_on<'b>(bundle: &'b Bundle, walk: &Walk, facts: &Facts) -> Vec<&'b str> {
    let mut out = Vec::new();
    for v in &walk.visits {
        let StepKind::Question { fact, .. } = &bundle.pathways[v.pathway].steps[v.node].kind else {
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
pub(super) fn unasked(rule: &Expr, scope: &PathScope<'_>) -> Vec<String> {
    let mut named = BTreeSet::new();
    rule::values_read(rule, &mut named);
    let mut out: Vec<String> = Vec::new();
    for id in named {
        if let Err(Missing(base)) = scope.inner.named(&id)
            && !out.contains(&base)
        {
            out.push(base);
        }
    }
    out
}

/// Walks `facts` from the start of pathway `start` and gives the counterexample they are for
/// invariant `i` of pathway `p` ([`MUST_ASK`] for its must-ask rule): the steps, the codes
/// and, when the invariant is undecided rather than false, the facts it reads that the path
/// never asks.
pub(super) fn replay(
    bundle: &Bundle,
    today: Date,
    start: usize,
    facts: Facts,
    p: usize,
    i: usize,
) -> Counterexample {
    let config = Config::new(today);
    let table = AnswerTable::new(bundle, &facts, &config);
    let answers = table.answers();
    let mut walk = Walk::new(bundle, start);
    let _ = advance(bundle, &answers, &config, &mut walk);
    let actions = collect_actions(bundle, &walk);
    let codes: Vec<&str> = actions.iter().map(|(_, c, _)| *c).collect();
    let mut unknown = Vec::new();
    if let Some(inv) = bundle.pathways.get(p).and_then(|x| x.invariants.get(i))
        && i != MUST_ASK
    {
        let asked = asked_on(bundle, &walk, &facts);
        let scope = PathScope {
            inner: FactScope {
                bundle,
                pathway: p,
                config: &config,
                answers: &answers,
            },
            facts: &facts,
            walk: &walk,
            asked: &asked,
            codes: &codes,
            actions: &actions,
        };
        if rule::eval3(&inv.rule, &scope).is_none() {
            unknown = unasked(&inv.rule, &scope);
        }
    }
    let codes = codes.iter().map(|c| (*c).to_owned()).collect();
    let mut c = counterexample(bundle, today, start, facts.clone(), &walk, codes);
    c.unknown = unknown;
    c
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
                        &bundle.pathways[v.pathway].steps[v.node].kind
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
                let table = AnswerTable::new(bundle, &known, self.inner.config);
                let answers = table.answers();
                let scope = FactScope {
                    bundle,
                    pathway: self.inner.pathway,
                    config: self.inner.config,
                    answers: &answers,
                };
                scope.named(f).is_ok()
            }
            PathPred::Urgent(c) => self
                .actions
                .iter()
                .any(|(def, code, _)| code == c && def.is_some_and(|d| d.def.urgent)),
            PathPred::OwnService => {
                let bundle = self.inner.bundle;
                let Ok(org) = self.inner.named(crate::vocab::ORGANISATION) else {
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
