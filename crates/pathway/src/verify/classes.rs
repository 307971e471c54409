//! The answer classes of each fact: the answers verification walks, one per class of answers
//! that no rule can tell apart.
//!
//! Booleans: both, or one when no rule reads the fact. Choices: one option per group of
//! options no rule compares with and that settle the same values. Integers: split at k-1, k
//! and k+1 for every literal k a rule compares the fact with. Dates: split at the last birth
//! date on either side of every age or birthday threshold. Rules only compare integer
//! expressions with literals (see [`crate::rule`]), so the classes are exact.

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::Bundle;
use crate::date::{Date, age_on, days_until_birthday};
use crate::facts::OLDEST_YEARS;
use crate::model::FactType;
use crate::rule::{Expr, ExprKind, PathPred, Threshold};
use crate::value::Value;

/// The answer classes of each fact.
pub(crate) struct Classes {
    ints: BTreeMap<String, Vec<i64>>,
    dates: BTreeMap<String, Vec<Date>>,
    /// For each choice fact, one option per class of options no rule can tell apart.
    choices: BTreeMap<String, Vec<String>>,
    /// Facts that no rule names: one answer stands for all of them.
    unread: BTreeSet<String>,
    /// For each integer fact with a small range: its values as runs `(lo, hi, class)`.
    #[cfg_attr(not(feature = "governance"), allow(dead_code))]
    int_runs: BTreeMap<String, Vec<(i64, i64, usize)>>,
}

/// Integer ranges up to this size are split into runs of one class ([`Classes::int_class`]).
const RUNS_UP_TO: i64 = 100_000;

/// The runs of values of one class, over the range the declarations allow (empty when it is
/// unbounded or larger than [`RUNS_UP_TO`]).
fn runs(
    decls: &[&crate::bundle::FactDecl],
    sig: &impl Fn(&i64) -> Vec<bool>,
) -> Vec<(i64, i64, usize)> {
    let lo = decls.iter().filter_map(|d| d.min).min();
    let hi = decls.iter().filter_map(|d| d.max).max();
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Vec::new();
    };
    if hi.saturating_sub(lo) > RUNS_UP_TO {
        return Vec::new();
    }
    let mut classes: Vec<Vec<bool>> = Vec::new();
    let mut out: Vec<(i64, i64, usize)> = Vec::new();
    for v in lo..=hi {
        let s = sig(&v);
        let class = match classes.iter().position(|c| *c == s) {
            Some(i) => i,
            None => {
                classes.push(s);
                classes.len() - 1
            }
        };
        match out.last_mut() {
            Some(last) if last.2 == class && last.1 + 1 == v => last.1 = v,
            _ => out.push((v, v, class)),
        }
    }
    out
}

/// Every rule of the set: derived facts, invariants, guards and action variants.
pub(super) fn rules(bundle: &Bundle) -> impl Iterator<Item = &Expr> {
    bundle.pathways.iter().flat_map(|p| {
        let derived = p.derived.iter().map(|d| &d.rule);
        let invariants = p.invariants.iter().map(|i| &i.rule);
        let guards = p
            .steps
            .iter()
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
    for c in e.children() {
        named_and_compared(c, named, compared);
    }
}

impl Classes {
    pub(super) fn new(bundle: &Bundle, today: Date) -> Self {
        Self::over(&[bundle], today)
    }

    /// The classes of answers that no rule of any of the sets can tell apart: the common
    /// refinement of each set's classes (for comparing two versions of a set). A fact two
    /// sets declare differently gets the classes of each declaration (see [`Self::values`]).
    pub(crate) fn over(bundles: &[&Bundle], today: Date) -> Self {
        let mut thresholds = BTreeSet::new();
        let mut named = BTreeSet::new();
        let mut compared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for rule in bundles.iter().flat_map(|b| rules(b)) {
            rule.thresholds(&mut thresholds);
            named_and_compared(rule, &mut named, &mut compared);
        }
        // A fact whose answer settles others is told apart by the values it settles; the
        // organisation a worker works for, by the contacts of its own service.
        let own_services: BTreeSet<&str> = bundles
            .iter()
            .flat_map(|b| b.contacts.values())
            .filter_map(|c| c.service_of.as_deref())
            .collect();
        let all_decls = || bundles.iter().flat_map(|b| b.facts.iter());
        let mut choices: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut unread = BTreeSet::new();
        for decl in all_decls() {
            let settled = decl.settled_facts();
            let is_named = named.contains(&decl.id)
                || all_decls().any(|d| d.settled_facts().contains(&decl.id));
            if decl.ty == FactType::Bool && !is_named {
                unread.insert(decl.id.clone());
            }
            if decl.ty != FactType::Choice {
                continue;
            }
            let literals = compared.get(&decl.id);
            // What each set's declaration of the fact settles (one set: this one).
            let decls: Vec<&crate::bundle::FactDecl> = bundles
                .iter()
                .filter_map(|b| b.facts.get(&decl.id))
                .collect();
            let mut seen: Vec<(Option<&str>, Vec<&Value>, bool)> = Vec::new();
            let mut kept = Vec::new();
            for o in &decl.options {
                let answer = Value::Choice(o.value.clone());
                let signature = (
                    literals
                        .filter(|l| l.contains(&o.value))
                        .map(|_| o.value.as_str()),
                    decls
                        .iter()
                        .flat_map(|d| d.settled_by(&answer).map(|(_, v)| v))
                        .collect::<Vec<_>>(),
                    decl.id == crate::vocab::ORGANISATION
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
            // A fact that is a choice in more than one set: every option one of them keeps.
            let entry = choices.entry(decl.id.clone()).or_default();
            for k in kept {
                if !entry.contains(&k) {
                    entry.push(k);
                }
            }
        }
        let mut ints: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
        let mut dates: BTreeMap<String, BTreeSet<Date>> = BTreeMap::new();
        let oldest = today.anniversary(-OLDEST_YEARS).unwrap_or(today);
        for decl in all_decls() {
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
                    let decl = bundles.iter().find_map(|b| b.facts.get(&fact));
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
        let mut int_runs = BTreeMap::new();
        let ints = ints
            .into_iter()
            .map(|(fact, points)| {
                let decls: Vec<_> = bundles.iter().filter_map(|b| b.facts.get(&fact)).collect();
                let end = |v: &i64| decls.iter().any(|d| d.min == Some(*v) || d.max == Some(*v));
                let sig = |v: &i64| {
                    thresholds
                        .iter()
                        .filter_map(|t| match t {
                            Threshold::Int { fact: f, op, k } if *f == fact => Some(op.apply(v, k)),
                            _ => None,
                        })
                        .collect()
                };
                int_runs.insert(fact.clone(), runs(&decls, &sig));
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
            int_runs,
        }
    }

    /// The whole numbers in the class of `v` (of an integer fact with a range of at most
    /// [`RUNS_UP_TO`] values), as ascending runs `lo..=hi`: `age` 20 is in `18..=24`.
    #[cfg(feature = "governance")]
    pub(crate) fn int_class(&self, fact: &str, v: i64) -> Vec<(i64, i64)> {
        let Some(runs) = self.int_runs.get(fact) else {
            return Vec::new();
        };
        let Some(&(_, _, class)) = runs.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&v)) else {
            return Vec::new();
        };
        runs.iter()
            .filter(|r| r.2 == class)
            .map(|&(lo, hi, _)| (lo, hi))
            .collect()
    }

    pub(crate) fn values(&self, bundle: &Bundle, fact: &str) -> Vec<Value> {
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
