//! The type checker: every rule is a boolean, and comparisons keep verification exact.

use super::CmpOp;
use super::{Context, ExprKind, Parsed, PathPred, RuleError, Ty, TypeEnv};

/// Type-checks a whole rule (it must be true or false). Every error is reported.
pub(crate) fn check(expr: &Parsed, env: &dyn TypeEnv, ctx: Context) -> Result<(), Vec<RuleError>> {
    let mut c = Checker {
        env,
        ctx,
        src_errors: Vec::new(),
    };
    if let Some(ty) = c.ty(expr)
        && ty != Ty::Bool
    {
        c.err(
            expr,
            format!("the rule must be true or false, but this is {}", name(&ty)),
        );
    }
    if c.src_errors.is_empty() {
        Ok(())
    } else {
        Err(c.src_errors)
    }
}

struct Checker<'a> {
    env: &'a dyn TypeEnv,
    ctx: Context,
    src_errors: Vec<RuleError>,
}

fn name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Bool => "true or false",
        Ty::Int => "a number",
        Ty::Date => "a date",
        Ty::Choice(_) => "a choice",
        Ty::Str => "a text",
    }
}

fn is_int_literal(e: &Parsed) -> bool {
    matches!(e.kind, ExprKind::Int(_))
}

impl Checker<'_> {
    /// Spans are in characters, so the column is the span start plus one.
    fn err(&mut self, at: &Parsed, message: impl Into<String>) {
        self.src_errors.push(RuleError {
            column: at.span.start + 1,
            message: message.into(),
        });
    }

    /// The type of an expression; `None` after an error in it (already reported).
    fn ty(&mut self, e: &Parsed) -> Option<Ty> {
        match &e.kind {
            ExprKind::Bool(_) => Some(Ty::Bool),
            ExprKind::Int(_) => Some(Ty::Int),
            ExprKind::Str(_) => Some(Ty::Str),
            ExprKind::Today => Some(Ty::Date),
            ExprKind::Fact(id, _) => {
                let ty = self.env.fact_type(id);
                if ty.is_none() {
                    self.err(
                        e,
                        format!("unknown fact `{id}`: declare it in `facts` or `derived`"),
                    );
                }
                ty
            }
            ExprKind::Not(a) => {
                self.boolean(a, "`!`");
                Some(Ty::Bool)
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Implies(a, b) => {
                let op = match e.kind {
                    ExprKind::And(..) => "`&&`",
                    ExprKind::Or(..) => "`||`",
                    _ => "`->`",
                };
                self.boolean(a, op);
                self.boolean(b, op);
                Some(Ty::Bool)
            }
            ExprKind::Cmp(op, a, b) => {
                self.comparison(*op, a, b);
                Some(Ty::Bool)
            }
            ExprKind::AgeOn(date, on) | ExprKind::DaysUntilBirthday(date, _, on) => {
                let f = if matches!(e.kind, ExprKind::AgeOn(..)) {
                    "age_on"
                } else {
                    "days_until_birthday"
                };
                self.date_fact(date, f);
                if on.kind != ExprKind::Today {
                    self.err(on, format!("the last argument of `{f}` must be `today`"));
                }
                Some(Ty::Int)
            }
            ExprKind::Path(pred) => {
                self.path(e, pred);
                Some(Ty::Bool)
            }
        }
    }

    fn boolean(&mut self, e: &Parsed, op: &str) {
        if let Some(ty) = self.ty(e)
            && ty != Ty::Bool
        {
            self.err(
                e,
                format!(
                    "{op} needs true or false on each side, but this is {}",
                    name(&ty)
                ),
            );
        }
    }

    fn date_fact(&mut self, e: &Parsed, f: &str) {
        match &e.kind {
            ExprKind::Fact(id, _) => match self.env.fact_type(id) {
                Some(Ty::Date) => {}
                Some(ty) => self.err(
                    e,
                    format!("`{f}` needs a date fact, but `{id}` is {}", name(&ty)),
                ),
                None => self.err(
                    e,
                    format!("unknown fact `{id}`: declare it in `facts` or `derived`"),
                ),
            },
            _ => self.err(
                e,
                format!("the first argument of `{f}` must be a date fact"),
            ),
        }
    }

    fn comparison(&mut self, op: CmpOp, a: &Parsed, b: &Parsed) {
        let (ta, tb) = (self.ty(a), self.ty(b));
        let (Some(ta), Some(tb)) = (ta, tb) else {
            return;
        };
        let ordering = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        match (&ta, &tb) {
            (Ty::Int, Ty::Int) => match (is_int_literal(a), is_int_literal(b)) {
                (true, true) => self.err(a, "this compares two constants"),
                (false, false) => self.err(a, "compare a number with a number literal, not with another fact (this keeps `check` exact)"),
                _ => {}
            },
            (Ty::Date, _) | (_, Ty::Date) => {
                let at = if ta == Ty::Date { a } else { b };
                self.err(at, "dates are compared through age_on or days_until_birthday");
            }
            _ if ordering => {
                let at = if ta == Ty::Int { b } else { a };
                self.err(at, format!("`<`, `<=`, `>` and `>=` compare a number with a number literal, but this is {}", name(if ta == Ty::Int { &tb } else { &ta })));
            }
            (Ty::Bool, Ty::Bool) => {}
            (Ty::Choice(options), Ty::Str) | (Ty::Str, Ty::Choice(options)) => {
                let (lit, fact) = if ta == Ty::Str { (a, b) } else { (b, a) };
                if let ExprKind::Str(value) = &lit.kind
                    && !options.contains(value)
                {
                    {
                        let fact = match &fact.kind {
                            ExprKind::Fact(f, _) => f.as_str(),
                            _ => "the fact",
                        };
                        self.err(lit, format!("`{value}` is not an option of `{fact}`; the options are: {}", options.join(", ")));
                    }
                }
            }
            (Ty::Choice(_), Ty::Choice(_)) => self.err(a, "compare a choice with one of its options in quotes, not with another fact"),
            (Ty::Str, Ty::Str) => self.err(a, "this compares two constants"),
            _ => self.err(a, format!("cannot compare {} with {}", name(&ta), name(&tb))),
        }
    }

    fn path(&mut self, e: &Parsed, pred: &PathPred) {
        let f = match pred {
            PathPred::Asked(_) => "asked",
            PathPred::FirstAsked(_) => "first_asked",
            PathPred::KnownBefore(..) => "known_before",
            PathPred::Did(_) => "did",
            PathPred::First(_) => "first",
            PathPred::Before(..) => "before",
            PathPred::Urgent(_) => "urgent",
            PathPred::Contacted(_) => "contacted",
            PathPred::OwnService => "own_service",
        };
        if self.ctx != Context::Invariant {
            self.err(e, format!("`{f}` can only be used in invariants"));
            return;
        }
        let facts: &[&String] = match pred {
            PathPred::Asked(x) | PathPred::FirstAsked(x) | PathPred::KnownBefore(x, _) => &[x],
            _ => &[],
        };
        for fact in facts {
            if self.env.fact_type(fact).is_none() {
                self.err(e, format!("unknown fact `{fact}` in `{f}`"));
            }
        }
        if let PathPred::Contacted(id) = pred
            && !self.env.has_contact(id)
        {
            self.err(e, format!("unknown contact `{id}` in `{f}`"));
        }
        let codes: Vec<&String> = match pred {
            PathPred::KnownBefore(_, c)
            | PathPred::Did(c)
            | PathPred::First(c)
            | PathPred::Urgent(c) => vec![c],
            PathPred::Before(a, b) => vec![a, b],
            _ => vec![],
        };
        for code in codes {
            if !self.env.has_action(code) {
                self.err(e, format!("unknown action `{code}` in `{f}`"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    struct Env;
    impl TypeEnv for Env {
        fn fact_type(&self, id: &str) -> Option<Ty> {
            Some(match id {
                "danger" | "may_be_under_18" | "is_child" => Ty::Bool,
                "age" => Ty::Int,
                "date_of_birth" => Ty::Date,
                "consent_to_nrm" => Ty::Choice(vec!["given".into(), "declined".into()]),
                "age_basis" => Ty::Choice(vec!["date_of_birth".into(), "unknown".into()]),
                _ => return None,
            })
        }
        fn has_action(&self, code: &str) -> bool {
            code == "call_999"
        }
    }

    fn errors(src: &str, ctx: Context) -> Vec<String> {
        let expr = parse(src).unwrap();
        match check(&expr, &Env, ctx) {
            Ok(()) => Vec::new(),
            Err(e) => e
                .into_iter()
                .map(|e| format!("{}: {}", e.column, e.message))
                .collect(),
        }
    }

    fn guard(src: &str) -> Vec<String> {
        errors(src, Context::Guard)
    }

    #[test]
    fn well_typed_rules_pass() {
        for ok in [
            "danger",
            "age < 18 || may_be_under_18",
            "18 > age",
            "consent_to_nrm == \"declined\" && !danger",
            "age_on(date_of_birth, today) >= 18",
            "days_until_birthday(date_of_birth, 18, today) <= 90",
            "danger == may_be_under_18",
            "true",
        ] {
            assert_eq!(guard(ok), Vec::<String>::new(), "{ok}");
        }
        assert!(errors("danger -> first(\"call_999\") && asked(age) && known_before(is_child, \"call_999\")", Context::Invariant).is_empty());
    }

    #[test]
    fn every_type_error_is_reported() {
        assert_eq!(
            guard("nope"),
            ["1: unknown fact `nope`: declare it in `facts` or `derived`"]
        );
        assert_eq!(
            guard("age"),
            ["1: the rule must be true or false, but this is a number"]
        );
        assert_eq!(
            guard("\"x\""),
            ["1: the rule must be true or false, but this is a text"]
        );
        assert_eq!(
            guard("today"),
            ["1: the rule must be true or false, but this is a date"]
        );
        assert_eq!(
            guard("!age"),
            ["2: `!` needs true or false on each side, but this is a number"]
        );
        assert_eq!(
            guard("danger && age"),
            ["11: `&&` needs true or false on each side, but this is a number"]
        );
        assert_eq!(
            guard("consent_to_nrm == \"maybe\""),
            ["19: `maybe` is not an option of `consent_to_nrm`; the options are: given, declined"]
        );
        assert_eq!(
            guard("age < danger"),
            [
                "7: `<`, `<=`, `>` and `>=` compare a number with a number literal, but this is true or false"
            ]
        );
        assert_eq!(guard("1 < 2"), ["1: this compares two constants"]);
        assert_eq!(
            guard("age < age"),
            [
                "1: compare a number with a number literal, not with another fact (this keeps `check` exact)"
            ]
        );
        assert_eq!(
            guard("date_of_birth == today"),
            ["1: dates are compared through age_on or days_until_birthday"]
        );
        assert_eq!(
            guard("age_on(age, today) > 1"),
            ["8: `age_on` needs a date fact, but `age` is a number"]
        );
        assert_eq!(
            guard("age_on(date_of_birth, date_of_birth) > 1"),
            ["23: the last argument of `age_on` must be `today`"]
        );
        assert_eq!(
            guard("consent_to_nrm == age_basis"),
            ["1: compare a choice with one of its options in quotes, not with another fact"]
        );
        assert_eq!(
            guard("consent_to_nrm < 3"),
            [
                "1: `<`, `<=`, `>` and `>=` compare a number with a number literal, but this is a choice"
            ]
        );
        assert_eq!(
            guard("danger == 1"),
            ["1: cannot compare true or false with a number"]
        );
        assert_eq!(
            guard("did(\"call_999\")"),
            ["1: `did` can only be used in invariants"]
        );
        assert_eq!(
            errors("did(\"call_111\")", Context::Invariant),
            ["1: unknown action `call_111` in `did`"]
        );
        assert_eq!(
            errors("asked(nope)", Context::Invariant),
            ["1: unknown fact `nope` in `asked`"]
        );
    }

    #[test]
    fn all_errors_are_collected_not_only_the_first() {
        assert_eq!(guard("nope || age || consent_to_nrm == \"x\"").len(), 3);
        assert_eq!(
            errors("did(\"x\") && asked(nope) && age", Context::Guard),
            [
                "1: `did` can only be used in invariants",
                "13: `asked` can only be used in invariants",
                "28: `&&` needs true or false on each side, but this is a number",
            ]
        );
    }

    #[test]
    fn connectives_need_booleans() {
        for (src, want) in [
            (
                "danger || age",
                "11: `||` needs true or false on each side, but this is a number",
            ),
            (
                "age -> danger",
                "1: `->` needs true or false on each side, but this is a number",
            ),
            (
                "danger -> date_of_birth",
                "11: `->` needs true or false on each side, but this is a date",
            ),
            (
                "1 && danger",
                "1: `&&` needs true or false on each side, but this is a number",
            ),
            (
                "danger && \"yes\"",
                "11: `&&` needs true or false on each side, but this is a text",
            ),
            (
                "!consent_to_nrm",
                "2: `!` needs true or false on each side, but this is a choice",
            ),
            (
                "!today",
                "2: `!` needs true or false on each side, but this is a date",
            ),
            (
                "7",
                "1: the rule must be true or false, but this is a number",
            ),
            (
                "consent_to_nrm",
                "1: the rule must be true or false, but this is a choice",
            ),
            (
                "age_on(date_of_birth, today)",
                "1: the rule must be true or false, but this is a number",
            ),
        ] {
            assert_eq!(guard(src), [want], "{src}");
        }
    }

    #[test]
    fn comparisons_keep_to_the_shapes_verification_can_split() {
        for ok in [
            "age == 18",
            "18 != age",
            "-1 < age",
            "age_on(date_of_birth, today) < 18",
            "18 <= age_on(date_of_birth, today)",
            "90 >= days_until_birthday(date_of_birth, 18, today)",
            "days_until_birthday(date_of_birth, 0, today) == 0",
            "\"given\" == consent_to_nrm",
            "consent_to_nrm != \"declined\"",
            "(age < 18) == may_be_under_18",
            "!danger != (danger || is_child)",
            "true == danger",
        ] {
            assert_eq!(guard(ok), Vec::<String>::new(), "{ok}");
        }
        for (src, want) in [
            ("1 == 1", "1: this compares two constants"),
            ("\"a\" == \"a\"", "1: this compares two constants"),
            (
                "age < age_on(date_of_birth, today)",
                "1: compare a number with a number literal, not with another fact (this keeps `check` exact)",
            ),
            (
                "age == age",
                "1: compare a number with a number literal, not with another fact (this keeps `check` exact)",
            ),
            (
                "danger < true",
                "1: `<`, `<=`, `>` and `>=` compare a number with a number literal, but this is true or false",
            ),
            (
                "3 >= \"x\"",
                "6: `<`, `<=`, `>` and `>=` compare a number with a number literal, but this is a text",
            ),
            (
                "consent_to_nrm > \"given\"",
                "1: `<`, `<=`, `>` and `>=` compare a number with a number literal, but this is a choice",
            ),
            (
                "\"maybe\" == consent_to_nrm",
                "1: `maybe` is not an option of `consent_to_nrm`; the options are: given, declined",
            ),
            (
                "consent_to_nrm != \"date_of_birth\"",
                "19: `date_of_birth` is not an option of `consent_to_nrm`; the options are: given, declined",
            ),
            (
                "consent_to_nrm == 1",
                "1: cannot compare a choice with a number",
            ),
            (
                "danger == \"true\"",
                "1: cannot compare true or false with a text",
            ),
            ("age == \"18\"", "1: cannot compare a number with a text"),
            (
                "date_of_birth < 3",
                "1: dates are compared through age_on or days_until_birthday",
            ),
            (
                "18 == today",
                "7: dates are compared through age_on or days_until_birthday",
            ),
            (
                "nope == 3",
                "1: unknown fact `nope`: declare it in `facts` or `derived`",
            ),
        ] {
            assert_eq!(guard(src), [want], "{src}");
        }
    }

    #[test]
    fn date_functions_take_a_date_fact_and_today() {
        for (src, want) in [
            (
                "age_on(today, today) > 1",
                "8: the first argument of `age_on` must be a date fact",
            ),
            (
                "age_on(danger && is_child, today) > 1",
                "8: the first argument of `age_on` must be a date fact",
            ),
            (
                "age_on(nope, today) > 1",
                "8: unknown fact `nope`: declare it in `facts` or `derived`",
            ),
            (
                "age_on(consent_to_nrm, today) > 1",
                "8: `age_on` needs a date fact, but `consent_to_nrm` is a choice",
            ),
            (
                "age_on(date_of_birth, 3) > 1",
                "23: the last argument of `age_on` must be `today`",
            ),
            (
                "days_until_birthday(age, 18, today) < 90",
                "21: `days_until_birthday` needs a date fact, but `age` is a number",
            ),
            (
                "days_until_birthday(today, 18, today) < 90",
                "21: the first argument of `days_until_birthday` must be a date fact",
            ),
            (
                "days_until_birthday(date_of_birth, 18, date_of_birth) < 90",
                "40: the last argument of `days_until_birthday` must be `today`",
            ),
        ] {
            assert_eq!(guard(src), [want], "{src}");
        }
    }

    #[test]
    fn path_predicates_only_in_invariants_and_only_with_declared_names() {
        for (src, f) in [
            ("asked(age)", "asked"),
            ("first_asked(age)", "first_asked"),
            ("known_before(age, \"call_999\")", "known_before"),
            ("first(\"call_999\")", "first"),
            ("before(\"call_999\", \"call_999\")", "before"),
        ] {
            assert_eq!(
                guard(src),
                [format!("1: `{f}` can only be used in invariants")]
            );
            assert_eq!(
                errors(src, Context::Invariant),
                Vec::<String>::new(),
                "{src}"
            );
        }
        let inv = |src| errors(src, Context::Invariant);
        assert_eq!(
            inv("first_asked(nope)"),
            ["1: unknown fact `nope` in `first_asked`"]
        );
        assert_eq!(
            inv("danger -> known_before(nope, \"x\")"),
            [
                "11: unknown fact `nope` in `known_before`",
                "11: unknown action `x` in `known_before`",
            ]
        );
        assert_eq!(inv("first(\"x\")"), ["1: unknown action `x` in `first`"]);
        assert_eq!(
            inv("before(\"x\", \"call_999\") || before(\"call_999\", \"y\")"),
            [
                "1: unknown action `x` in `before`",
                "28: unknown action `y` in `before`",
            ]
        );
    }
}
