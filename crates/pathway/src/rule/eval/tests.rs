//! Unit tests of the parent module.

use std::collections::BTreeMap;

use super::*;
use crate::date::Date;
use crate::rule::RuleError;

/// Parses `src` and resolves every fact it names by `slots`; a name `slots` lacks gets
/// `Slot::Fact(0)` (the test scopes below find facts by id, so its slot is not read).
fn parse_resolved(src: &str, slots: &BTreeMap<&str, Slot>) -> Result<Expr, RuleError> {
    let parsed = super::super::parse(src)?;
    Ok(parsed
        .resolve(&|id| Some(slots.get(id).copied().unwrap_or(Slot::Fact(0))))
        .expect("every name resolves"))
}

/// Parses and resolves `src` for the by-id scopes of these tests.
fn parse(src: &str) -> Result<Expr, RuleError> {
    parse_resolved(src, &BTreeMap::new())
}

struct Facts(BTreeMap<&'static str, Value>, Date);

impl Scope for Facts {
    fn fact(&self, id: &str, _: Slot) -> Result<Cow<'_, Value>, Missing> {
        self.0
            .get(id)
            .map(Cow::Borrowed)
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

#[test]
fn kleene_tables_are_complete() {
    // t, f and u (unknown) in every pair, for every connective.
    let s = scope(&[("t", Value::Bool(true)), ("f", Value::Bool(false))]);
    let k = |src: String| eval3(&parse(&src).unwrap(), &s);
    let v = |x: &str| match x {
        "t" => Some(true),
        "f" => Some(false),
        _ => None,
    };
    for a in ["t", "f", "u"] {
        assert_eq!(k(format!("!{a}")), v(a).map(|b| !b), "!{a}");
        for b in ["t", "f", "u"] {
            let (x, y) = (v(a), v(b));
            let and = match (x, y) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            let or = match (x, y) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            let not_x = x.map(|b| !b);
            let implies = match (not_x, y) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            assert_eq!(k(format!("{a} && {b}")), and, "{a} && {b}");
            assert_eq!(k(format!("{a} || {b}")), or, "{a} || {b}");
            assert_eq!(k(format!("{a} -> {b}")), implies, "{a} -> {b}");
            assert_eq!(k(format!("!{a} || {b}")), implies, "!{a} || {b}");
        }
    }
}

#[test]
fn kleene_atoms_and_boolean_equality() {
    let s = scope(&[
        ("t", Value::Bool(true)),
        ("age", Value::Int(17)),
        ("c", Value::Choice("given".into())),
    ]);
    let k = |src: &str| eval3(&parse(src).unwrap(), &s);
    assert_eq!(k("age < 18 && u"), None);
    assert_eq!(k("age < 18 || u"), Some(true));
    assert_eq!(k("missing_age < 18 || t"), Some(true));
    assert_eq!(k("missing_age < 18"), None);
    assert_eq!(k("c == \"declined\" && u"), Some(false));
    assert_eq!(k("age_on(dob, today) >= 18"), None);
    // Known in Kleene's logic although strict evaluation stops at `u`.
    assert_eq!(k("(u || t) == t"), Some(true));
    assert_eq!(k("(u && t) != t"), None);
    assert_eq!(k("u == t"), None);
}

#[test]
fn missing_facts_propagate_and_paths_default_to_false() {
    let s = scope(&[("t", Value::Bool(true))]);
    let missing = |f: &str| Err(Missing(f.into()));
    assert_eq!(run("t && age < 18", &s), missing("age"));
    assert_eq!(run("!(c == \"x\")", &s), missing("c"));
    assert_eq!(run("age_on(dob, today) >= 18", &s), missing("dob"));
    assert_eq!(
        run("t -> days_until_birthday(dob, 18, today) <= 90", &s),
        missing("dob")
    );
    assert_eq!(run("(t || u) == u2", &s), missing("u2"));
    assert_eq!(run("did(\"call_999\")", &s), Ok(true));
    assert_eq!(run("did(\"other\") || asked(t)", &s), Ok(false));
    let unanswered = Facts(BTreeMap::new(), d("2026-11-22"));
    assert_eq!(
        eval(&parse("did(\"x\")").unwrap(), &NoPaths(&unanswered)),
        Ok(false),
        "the default `path` is `None`, which strict evaluation reads as false"
    );
}

struct NoPaths<'a>(&'a Facts);

impl Scope for NoPaths<'_> {
    fn fact(&self, id: &str, slot: Slot) -> Result<Cow<'_, Value>, Missing> {
        self.0.fact(id, slot)
    }
    fn today(&self) -> Date {
        self.0.today()
    }
}

#[test]
fn an_ill_typed_value_blames_its_own_fact() {
    let s = scope(&[
        ("b", Value::Bool(true)),
        ("i", Value::Int(1)),
        ("c", Value::Choice("x".into())),
        ("when", Value::Date(d("2000-01-01"))),
    ]);
    let missing = |f: &str| Err(Missing(f.into()));
    // Declared bool, int, date and choice respectively, but answered with another type.
    assert_eq!(run("b == i", &s), missing("i"));
    assert_eq!(run("i == b", &s), missing("i"));
    assert_eq!(run("b < 3", &s), missing("b"));
    assert_eq!(run("3 > c", &s), missing("c"));
    assert_eq!(run("i == \"x\"", &s), missing("i"));
    assert_eq!(run("age_on(i, today) > 3", &s), missing("i"));
    assert_eq!(
        run("days_until_birthday(c, 18, today) > 3", &s),
        missing("c")
    );
    assert_eq!(run("when", &s), missing("when"));
    assert_eq!(run("b && c", &s), missing("c"));
    assert_eq!(eval3(&parse("b && c").unwrap(), &s), None);
    assert_eq!(eval3(&parse("when || b").unwrap(), &s), Some(true));
}

#[test]
fn date_boundaries_with_date_of_birth() {
    let on = |dob: &str, today: &str, src: &str| {
        let s = Facts(
            [("date_of_birth", Value::Date(d(dob)))]
                .into_iter()
                .collect(),
            d(today),
        );
        run(src, &s)
    };
    let adult = "age_on(date_of_birth, today) >= 18";
    assert_eq!(on("2008-11-22", "2026-11-22", adult), Ok(true));
    assert_eq!(on("2008-11-23", "2026-11-22", adult), Ok(false));
    assert_eq!(
        on(
            "2008-02-29",
            "2026-02-28",
            "age_on(date_of_birth, today) == 17"
        ),
        Ok(true)
    );
    assert_eq!(
        on(
            "2008-02-29",
            "2026-03-01",
            "age_on(date_of_birth, today) == 18"
        ),
        Ok(true)
    );
    let soon = "days_until_birthday(date_of_birth, 18, today) <= 90";
    // 2027-02-20 is 90 days after 2026-11-22, 2027-02-21 is 91.
    assert_eq!(on("2009-02-20", "2026-11-22", soon), Ok(true));
    assert_eq!(on("2009-02-21", "2026-11-22", soon), Ok(false));
    assert_eq!(
        on(
            "2009-02-20",
            "2026-11-22",
            "90 == days_until_birthday(date_of_birth, 18, today)"
        ),
        Ok(true)
    );
    assert_eq!(
        on(
            "2008-11-21",
            "2026-11-22",
            "days_until_birthday(date_of_birth, 18, today) < 0"
        ),
        Ok(true),
        "the 18th birthday has passed"
    );
}

#[test]
fn thresholds_inside_boolean_comparisons_and_flipped_operators() {
    let mut out = BTreeSet::new();
    let src = "(age < 18) == danger || 0 == age || -3 <= age || 5 != age || c == \"x\"";
    thresholds(&parse(src).unwrap(), &mut out);
    let t = |op, k| Threshold::Int {
        fact: "age".into(),
        op,
        k,
    };
    let want: BTreeSet<Threshold> = [
        t(CmpOp::Lt, 18),
        t(CmpOp::Eq, 0),
        t(CmpOp::Ge, -3),
        t(CmpOp::Ne, 5),
    ]
    .into_iter()
    .collect();
    assert_eq!(out, want);
    let mut out = BTreeSet::new();
    parse("!(90 < days_until_birthday(dob, 16, today))")
        .unwrap()
        .thresholds(&mut out);
    assert_eq!(
        out.into_iter().collect::<Vec<_>>(),
        [Threshold::DaysUntil {
            fact: "dob".into(),
            years: 16,
            op: CmpOp::Gt,
            k: 90,
        }]
    );
}

#[test]
fn facts_are_named_everywhere_including_path_predicates() {
    let mut out = BTreeSet::new();
    let src = "a && !(b == c) -> age_on(dob, today) > 1 || asked(x) || first_asked(y) \
               || known_before(z, \"act\") || did(\"not_a_fact\") || before(\"p\", \"q\") \
               || days_until_birthday(dob2, 1, today) < 0 || k == \"v\" || true";
    facts(&parse(src).unwrap(), &mut out);
    let want = ["a", "b", "c", "dob", "dob2", "k", "x", "y", "z"];
    let want: BTreeSet<String> = want.iter().map(|f| (*f).to_owned()).collect();
    assert_eq!(out, want);
}

/// A scope whose every fact has the type chosen by its name's length, so most rules are
/// ill-typed for it: evaluation must still not panic.
struct Mixed;

impl Scope for Mixed {
    fn fact(&self, id: &str, _: Slot) -> Result<Cow<'_, Value>, Missing> {
        match id.len() % 5 {
            0 => Ok(Cow::Owned(Value::Bool(id.len().is_multiple_of(2)))),
            1 => Ok(Cow::Owned(Value::Int(id.len() as i64 - 3))),
            2 => Ok(Cow::Owned(Value::Choice(id.to_owned()))),
            3 => Ok(Cow::Owned(Value::Date(Date::EPOCH))),
            _ => Err(Missing(id.to_owned())),
        }
    }
    fn today(&self) -> Date {
        Date::EPOCH
    }
    fn path(&self, pred: &PathPred) -> Option<bool> {
        matches!(pred, PathPred::Did(_)).then_some(true)
    }
}

proptest::proptest! {
    #[test]
    fn evaluation_is_total_on_anything_that_parses(
        src in "(!|\\(|\\)|&&|\\|\\||->|==|<|>=| |a|bb|ccc|dddd|eeeee|1|-2|\"x\"|true|today|,|age_on\\(|days_until_birthday\\(|did\\(|asked\\(){1,30}"
    ) {
        if let Ok(e) = parse(&src) {
            let strict = eval(&e, &Mixed);
            let kleene = eval3(&e, &Mixed);
            if let (Ok(x), Some(y)) = (strict, kleene) {
                proptest::prop_assert_eq!(x, y, "strict and Kleene disagree on {}", src);
            }
            thresholds(&e, &mut BTreeSet::new());
            facts(&e, &mut BTreeSet::new());
        }
    }
}

/// A scope that finds facts only by their slot, as the walk does.
struct BySlot;

impl Scope for BySlot {
    fn fact(&self, id: &str, slot: Slot) -> Result<Cow<'_, Value>, Missing> {
        match slot {
            Slot::Fact(1) => Ok(Cow::Owned(Value::Bool(true))),
            Slot::Derived(0) => Ok(Cow::Owned(Value::Int(17))),
            _ => Err(Missing(id.to_owned())),
        }
    }
    fn today(&self) -> Date {
        Date::EPOCH
    }
}

#[test]
fn resolution_gives_each_name_its_slot_and_refuses_unknown_names() {
    let slots: BTreeMap<&str, Slot> = [("a", Slot::Fact(1)), ("n", Slot::Derived(0))]
        .into_iter()
        .collect();
    let e = parse_resolved("a && n < 18", &slots).unwrap();
    assert_eq!(eval(&e, &BySlot), Ok(true));
    let e = parse_resolved("a && other", &slots).unwrap();
    assert_eq!(eval(&e, &BySlot), Err(Missing("other".into())));
    let unresolved = super::super::parse("a && b || n > 1").unwrap();
    assert_eq!(
        unresolved.resolve(&|id| slots.get(id).copied()),
        Err(Missing("b".into()))
    );
}
