//! Evaluation: strict short-circuit for guards, three-valued (Kleene) for invariants, and the
//! analyses verification needs (facts named, thresholds compared against).

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::{CmpOp, Expr, ExprKind, Missing, PathPred, Scope, Slot, Threshold};
use crate::date::{age_on, days_until_birthday};
use crate::value::Value;

/// A value during evaluation; text is borrowed from the rule or the facts, not copied.
enum Val<'a> {
    Bool(bool),
    Int(i64),
    Text(Cow<'a, str>),
    Date(crate::date::Date),
}

fn fact<'a>(scope: &'a dyn Scope, id: &str, slot: Slot) -> Result<Val<'a>, Missing> {
    Ok(match scope.fact(id, slot)? {
        Cow::Borrowed(Value::Choice(s)) => Val::Text(Cow::Borrowed(s)),
        Cow::Owned(Value::Choice(s)) => Val::Text(Cow::Owned(s)),
        v => match &*v {
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Date(d) => Val::Date(*d),
            Value::Choice(s) => Val::Text(Cow::Owned(s.clone())),
        },
    })
}

/// The fact an ill-typed value came from, so the caller asks it again.
fn blame(e: &Expr) -> Missing {
    Missing(first_fact(e).unwrap_or("?").to_owned())
}

fn first_fact(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Fact(id, _) => Some(id),
        ExprKind::Not(a) => first_fact(a),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Implies(a, b)
        | ExprKind::Cmp(_, a, b) => first_fact(a).or_else(|| first_fact(b)),
        ExprKind::AgeOn(a, _) | ExprKind::DaysUntilBirthday(a, _, _) => first_fact(a),
        _ => None,
    }
}

fn value<'a>(e: &'a Expr, scope: &'a dyn Scope) -> Result<Val<'a>, Missing> {
    Ok(match &e.kind {
        ExprKind::Bool(b) => Val::Bool(*b),
        ExprKind::Int(i) => Val::Int(*i),
        ExprKind::Str(s) => Val::Text(Cow::Borrowed(s)),
        ExprKind::Today => Val::Date(scope.today()),
        ExprKind::Fact(id, slot) => fact(scope, id, *slot)?,
        ExprKind::AgeOn(d, _) => match value(d, scope)? {
            Val::Date(d) => Val::Int(age_on(d, scope.today())),
            _ => return Err(blame(d)),
        },
        ExprKind::DaysUntilBirthday(d, years, _) => match value(d, scope)? {
            Val::Date(d) => Val::Int(days_until_birthday(d, *years, scope.today())),
            _ => return Err(blame(d)),
        },
        _ => Val::Bool(eval(e, scope)?),
    })
}

fn compare(op: CmpOp, a: &Expr, b: &Expr, scope: &dyn Scope) -> Result<bool, Missing> {
    let (x, y) = (value(a, scope)?, value(b, scope)?);
    match (x, y) {
        (Val::Bool(x), Val::Bool(y)) => Ok(op.apply(&x, &y)),
        (Val::Int(x), Val::Int(y)) => Ok(op.apply(&x, &y)),
        (Val::Text(x), Val::Text(y)) => Ok(op.apply(&x, &y)),
        (Val::Date(x), Val::Date(y)) => Ok(op.apply(&x, &y)),
        // A literal or a function has the type the checker saw, so the fact on the other side
        // is the one with a value of the wrong type; two facts are only compared as booleans.
        (x, _) => {
            let fact_is_bool = matches!(x, Val::Bool(_));
            match (&a.kind, &b.kind) {
                (ExprKind::Fact(..), ExprKind::Fact(..)) if fact_is_bool => Err(blame(b)),
                (ExprKind::Fact(..), _) => Err(blame(a)),
                (_, ExprKind::Fact(..)) => Err(blame(b)),
                _ => Err(Missing(
                    first_fact(a)
                        .or_else(|| first_fact(b))
                        .unwrap_or("?")
                        .to_owned(),
                )),
            }
        }
    }
}

fn boolean(e: &Expr, scope: &dyn Scope) -> Result<bool, Missing> {
    match value(e, scope)? {
        Val::Bool(b) => Ok(b),
        _ => Err(blame(e)),
    }
}

/// Strict evaluation for guards and derived facts, short-circuiting left to right: a fact
/// that a short-circuit skips is never read. Stops at the first fact that is not known.
pub(crate) fn eval(e: &Expr, scope: &dyn Scope) -> Result<bool, Missing> {
    match &e.kind {
        ExprKind::Not(a) => Ok(!eval(a, scope)?),
        ExprKind::And(a, b) => Ok(eval(a, scope)? && eval(b, scope)?),
        ExprKind::Or(a, b) => Ok(eval(a, scope)? || eval(b, scope)?),
        ExprKind::Implies(a, b) => Ok(!eval(a, scope)? || eval(b, scope)?),
        ExprKind::Cmp(op, a, b) => compare(*op, a, b, scope),
        ExprKind::Path(p) => Ok(scope.path(p).unwrap_or(false)),
        _ => boolean(e, scope),
    }
}

/// Three-valued evaluation for invariants: a fact that is not known makes its atom unknown
/// (`None`), and `&&`, `||`, `!`, `->` follow Kleene's logic.
pub(crate) fn eval3(e: &Expr, scope: &dyn Scope) -> Option<bool> {
    match &e.kind {
        ExprKind::Not(a) => eval3(a, scope).map(|b| !b),
        ExprKind::And(a, b) => match (eval3(a, scope), eval3(b, scope)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        ExprKind::Or(a, b) => match (eval3(a, scope), eval3(b, scope)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        ExprKind::Implies(a, b) => match (eval3(a, scope), eval3(b, scope)) {
            (Some(false), _) | (_, Some(true)) => Some(true),
            (Some(true), Some(false)) => Some(false),
            _ => None,
        },
        ExprKind::Path(p) => scope.path(p),
        ExprKind::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b) => eval(e, scope).ok().or_else(|| {
            // Booleans compared: each side may be known in Kleene's logic though not strictly.
            let (x, y) = (bool3(a, scope)?, bool3(b, scope)?);
            Some(op.apply(&x, &y))
        }),
        _ => eval(e, scope).ok(),
    }
}

/// The three-valued truth of a side of a comparison, `None` if unknown or not a boolean.
fn bool3(e: &Expr, scope: &dyn Scope) -> Option<bool> {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Str(_) | ExprKind::Today => None,
        ExprKind::AgeOn(..) | ExprKind::DaysUntilBirthday(..) => None,
        ExprKind::Fact(id, slot) => match scope.fact(id, *slot).as_deref() {
            Ok(Value::Bool(b)) => Some(*b),
            _ => None,
        },
        _ => eval3(e, scope),
    }
}

/// Every fact whose value a rule reads (not those only named by a path predicate such as
/// `asked(fact)`, which is decided whether or not the fact is known).
pub(crate) fn values_read(e: &Expr, out: &mut BTreeSet<String>) {
    named(e, out, false);
}

/// Every fact a rule names, including those inside path predicates.
#[cfg(test)]
pub(crate) fn facts(e: &Expr, out: &mut BTreeSet<String>) {
    named(e, out, true);
}

fn named(e: &Expr, out: &mut BTreeSet<String>, in_paths: bool) {
    match &e.kind {
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Str(_) | ExprKind::Today => {}
        ExprKind::Fact(id, _) => {
            out.insert(id.clone());
        }
        ExprKind::Not(a) => named(a, out, in_paths),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Implies(a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::AgeOn(a, b)
        | ExprKind::DaysUntilBirthday(a, _, b) => {
            named(a, out, in_paths);
            named(b, out, in_paths);
        }
        ExprKind::Path(_) if !in_paths => {}
        ExprKind::Path(p) => match p {
            PathPred::Asked(f) | PathPred::FirstAsked(f) | PathPred::KnownBefore(f, _) => {
                out.insert(f.clone());
            }
            PathPred::Did(_)
            | PathPred::First(_)
            | PathPred::Before(..)
            | PathPred::Urgent(_)
            | PathPred::Contacted(_)
            | PathPred::OwnService => {}
        },
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        same => same,
    }
}

/// Every integer or date threshold compared against a literal, with the expression on the left.
pub(crate) fn thresholds(e: &Expr, out: &mut BTreeSet<Threshold>) {
    match &e.kind {
        ExprKind::Not(a) => thresholds(a, out),
        ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Implies(a, b) => {
            thresholds(a, out);
            thresholds(b, out);
        }
        ExprKind::Cmp(op, a, b) => {
            // `(age < 18) == danger` compares booleans that hold thresholds of their own.
            thresholds(a, out);
            thresholds(b, out);
            let (expr, k, op) = match (&a.kind, &b.kind) {
                (_, ExprKind::Int(k)) => (a, *k, *op),
                (ExprKind::Int(k), _) => (b, *k, flip(*op)),
                _ => return,
            };
            let date_fact = |d: &Expr| match &d.kind {
                ExprKind::Fact(f, _) => Some(f.clone()),
                _ => None,
            };
            let t = match &expr.kind {
                ExprKind::Fact(fact, _) => Some(Threshold::Int {
                    fact: fact.clone(),
                    op,
                    k,
                }),
                ExprKind::AgeOn(d, _) => date_fact(d).map(|fact| Threshold::AgeOn { fact, op, k }),
                ExprKind::DaysUntilBirthday(d, years, _) => {
                    date_fact(d).map(|fact| Threshold::DaysUntil {
                        fact,
                        years: *years,
                        op,
                        k,
                    })
                }
                _ => None,
            };
            out.extend(t);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
