//! Evaluation: strict short-circuit for guards, three-valued (Kleene) for invariants, and the
//! analyses verification needs (facts named, thresholds compared against).

use std::collections::BTreeSet;

use super::{CmpOp, Expr, ExprKind, Missing, Scope, Threshold};
use crate::date::{age_on, days_until_birthday};
use crate::value::Value;

/// A value during evaluation.
enum Val {
    Bool(bool),
    Int(i64),
    Text(String),
    Date(crate::date::Date),
}

fn fact(scope: &dyn Scope, id: &str) -> Result<Val, Missing> {
    Ok(match scope.fact(id)? {
        Value::Bool(b) => Val::Bool(b),
        Value::Int(i) => Val::Int(i),
        Value::Choice(s) => Val::Text(s),
        Value::Date(d) => Val::Date(d),
    })
}

/// The fact an ill-typed value came from, so the caller asks it again.
fn blame(e: &Expr) -> Missing {
    fn first_fact(e: &Expr) -> Option<&str> {
        match &e.kind {
            ExprKind::Fact(id) => Some(id),
            ExprKind::Not(a) => first_fact(a),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Implies(a, b)
            | ExprKind::Cmp(_, a, b) => first_fact(a).or_else(|| first_fact(b)),
            ExprKind::AgeOn(a, _) | ExprKind::DaysUntilBirthday(a, _, _) => first_fact(a),
            _ => None,
        }
    }
    Missing(first_fact(e).unwrap_or("?").to_owned())
}

fn value(e: &Expr, scope: &dyn Scope) -> Result<Val, Missing> {
    Ok(match &e.kind {
        ExprKind::Bool(b) => Val::Bool(*b),
        ExprKind::Int(i) => Val::Int(*i),
        ExprKind::Str(s) => Val::Text(s.clone()),
        ExprKind::Today => Val::Date(scope.today()),
        ExprKind::Fact(id) => fact(scope, id)?,
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
        _ => Err(blame(&Expr {
            kind: ExprKind::Cmp(op, Box::new(a.clone()), Box::new(b.clone())),
            span: a.span,
        })),
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
        _ => eval(e, scope).ok(),
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
            let (expr, k, op) = match (&a.kind, &b.kind) {
                (_, ExprKind::Int(k)) => (a, *k, *op),
                (ExprKind::Int(k), _) => (b, *k, flip(*op)),
                _ => return,
            };
            let date_fact = |d: &Expr| match &d.kind {
                ExprKind::Fact(f) => Some(f.clone()),
                _ => None,
            };
            let t = match &expr.kind {
                ExprKind::Fact(fact) => Some(Threshold::Int {
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
mod tests {
    use std::collections::BTreeMap;

    use super::super::{PathPred, parse};
    use super::*;
    use crate::date::Date;

    struct Facts(BTreeMap<&'static str, Value>, Date);

    impl Scope for Facts {
        fn fact(&self, id: &str) -> Result<Value, Missing> {
            self.0
                .get(id)
                .cloned()
                .ok_or_else(|| Missing(id.to_owned()))
        }
        fn today(&self) -> Date {
            self.1
        }
        fn path(&self, pred: &PathPred) -> Option<bool> {
            match pred {
                PathPred::Did(c) => Some(c == "call_999"),
                _ => None,
            }
        }
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn scope(pairs: &[(&'static str, Value)]) -> Facts {
        Facts(pairs.iter().cloned().collect(), d("2026-11-22"))
    }

    fn run(src: &str, s: &Facts) -> Result<bool, Missing> {
        eval(&parse(src).unwrap(), s)
    }

    #[test]
    fn short_circuit_never_reads_skipped_facts() {
        let s = scope(&[("a", Value::Bool(false)), ("t", Value::Bool(true))]);
        assert_eq!(run("a && missing", &s), Ok(false));
        assert_eq!(run("t || missing", &s), Ok(true));
        assert_eq!(run("a -> missing", &s), Ok(true));
        assert_eq!(run("t && missing", &s), Err(Missing("missing".into())));
        assert_eq!(run("missing || t", &s), Err(Missing("missing".into())));
    }

    #[test]
    fn choices_integers_and_ill_typed_values() {
        let s = scope(&[
            ("c", Value::Choice("given".into())),
            ("age", Value::Int(17)),
            ("bad", Value::Int(3)),
        ]);
        assert_eq!(run("c == \"given\"", &s), Ok(true));
        assert_eq!(run("c != \"given\"", &s), Ok(false));
        assert_eq!(run("age < 18 && 17 >= age", &s), Ok(true));
        // A value of the wrong type is treated as not known, so the walk asks it again.
        assert_eq!(run("bad", &s), Err(Missing("bad".into())));
        assert_eq!(run("!bad", &s), Err(Missing("bad".into())));
    }

    #[test]
    fn date_boundaries_through_the_language() {
        let at = |dob: &str, today: &str, src: &str| {
            let s = Facts(
                [("dob", Value::Date(d(dob)))].into_iter().collect(),
                d(today),
            );
            run(src, &s).unwrap()
        };
        let adult = "age_on(dob, today) >= 18";
        assert!(at("2008-11-22", "2026-11-22", adult), "18th birthday today");
        assert!(
            !at("2008-11-23", "2026-11-22", adult),
            "18th birthday tomorrow"
        );
        assert!(
            !at("2008-02-29", "2026-02-28", adult),
            "leap day: still 17 on 28 February"
        );
        assert!(
            at("2008-02-29", "2026-03-01", adult),
            "leap day: 18 on 1 March"
        );
        let soon = "days_until_birthday(dob, 18, today) <= 90";
        assert!(at("2009-02-20", "2026-11-22", soon), "exactly 90 days");
        assert!(!at("2009-02-21", "2026-11-22", soon), "91 days");
    }

    #[test]
    fn kleene_truth_tables() {
        let s = scope(&[("t", Value::Bool(true)), ("f", Value::Bool(false))]);
        let k = |src: &str| eval3(&parse(src).unwrap(), &s);
        assert_eq!(k("u"), None);
        assert_eq!(k("!u"), None);
        assert_eq!(k("f && u"), Some(false));
        assert_eq!(k("u && f"), Some(false));
        assert_eq!(k("t && u"), None);
        assert_eq!(k("t || u"), Some(true));
        assert_eq!(k("u || t"), Some(true));
        assert_eq!(k("f || u"), None);
        assert_eq!(k("u -> t"), Some(true));
        assert_eq!(k("f -> u"), Some(true));
        assert_eq!(k("t -> u"), None);
        assert_eq!(k("t -> f"), Some(false));
        assert_eq!(k("u -> did(\"call_999\")"), Some(true));
        assert_eq!(k("t -> did(\"other\")"), Some(false));
        assert_eq!(
            k("asked(t)"),
            None,
            "predicates the scope can't answer are unknown"
        );
    }

    #[test]
    fn thresholds_are_normalised_with_the_expression_on_the_left() {
        let mut out = BTreeSet::new();
        thresholds(&parse("18 > age || age_on(dob, today) >= 18 || days_until_birthday(dob, 18, today) <= 90 || x").unwrap(), &mut out);
        let want: BTreeSet<Threshold> = [
            Threshold::Int {
                fact: "age".into(),
                op: CmpOp::Lt,
                k: 18,
            },
            Threshold::AgeOn {
                fact: "dob".into(),
                op: CmpOp::Ge,
                k: 18,
            },
            Threshold::DaysUntil {
                fact: "dob".into(),
                years: 18,
                op: CmpOp::Le,
                k: 90,
            },
        ]
        .into_iter()
        .collect();
        assert_eq!(out, want);
    }
}
