//! Unit tests of the parent module.

use super::*;

fn err(src: &str) -> (usize, String) {
    let e = parse(src).unwrap_err();
    (e.column, e.message)
}

fn shape(src: &str) -> String {
    fn show(e: &Parsed) -> String {
        match &e.kind {
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Fact(f, _) => f.clone(),
            ExprKind::Today => "today".into(),
            ExprKind::Not(a) => format!("!{}", show(a)),
            ExprKind::And(a, b) => format!("({} && {})", show(a), show(b)),
            ExprKind::Or(a, b) => format!("({} || {})", show(a), show(b)),
            ExprKind::Implies(a, b) => format!("({} -> {})", show(a), show(b)),
            ExprKind::Cmp(op, a, b) => format!("({} {} {})", show(a), op_text(*op), show(b)),
            ExprKind::AgeOn(a, b) => format!("age_on({}, {})", show(a), show(b)),
            ExprKind::DaysUntilBirthday(a, n, b) => {
                format!("dub({}, {n}, {})", show(a), show(b))
            }
            ExprKind::Path(p) => format!("{p:?}"),
        }
    }
    show(&parse(src).unwrap())
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(shape("a || b && c"), "(a || (b && c))");
    assert_eq!(shape("!a && b"), "(!a && b)");
    assert_eq!(shape("a -> b -> c"), "(a -> (b -> c))");
    assert_eq!(shape("a && b -> c || d"), "((a && b) -> (c || d))");
    assert_eq!(shape("(a || b) && c"), "((a || b) && c)");
    assert_eq!(
        shape("age < 18 || x == \"y\""),
        "((age < 18) || (x == \"y\"))"
    );
    assert_eq!(shape("age >= -1"), "(age >= -1)");
}

#[test]
fn functions_and_path_predicates() {
    assert_eq!(
        shape("age_on(dob, today) >= 18"),
        "(age_on(dob, today) >= 18)"
    );
    assert_eq!(
        shape("days_until_birthday(dob, 18, today) <= 90"),
        "(dub(dob, 18, today) <= 90)"
    );
    assert_eq!(shape("did(\"call_999\")"), "Did(\"call_999\")");
    assert_eq!(shape("before(\"a\", \"b\")"), "Before(\"a\", \"b\")");
    assert_eq!(
        shape("known_before(is_child, \"x\")"),
        "KnownBefore(\"is_child\", \"x\")"
    );
    assert_eq!(
        shape("first_asked(immediate_danger)"),
        "FirstAsked(\"immediate_danger\")"
    );
}

#[test]
fn errors_name_the_column() {
    assert_eq!(err(""), (1, "the rule is empty".into()));
    assert_eq!(err("   "), (1, "the rule is empty".into()));
    assert_eq!(
        err("a &&"),
        (5, "the rule ends where a value was expected".into())
    );
    assert_eq!(
        err("a & b"),
        (3, "unexpected `&` (did you mean `&&`?)".into())
    );
    assert_eq!(
        err("a | b"),
        (3, "unexpected `|` (did you mean `||`?)".into())
    );
    assert_eq!(
        err("a = b"),
        (3, "unexpected `=` (did you mean `==`?)".into())
    );
    assert_eq!(
        err("(a || b"),
        (
            8,
            "expected `)` to close `(` at column 1, found the end of the rule".into()
        )
    );
    assert_eq!(
        err("a b"),
        (
            3,
            "unexpected `b` after a complete rule (missing `&&` or `||`?)".into()
        )
    );
    assert_eq!(
        err("\"open"),
        (1, "this string is not closed with `\"`".into())
    );
    assert_eq!(
        err("Age < 3").1,
        "unexpected character `A` (names are lowercase)"
    );
    assert!(
        err("agee_on(x, today)")
            .1
            .starts_with("unknown function `agee_on`: the functions are age_on")
    );
    assert_eq!(
        err("x < 99999999999999999999").1,
        "integer literal 99999999999999999999 is too large"
    );
    assert_eq!(
        err("a < 1 < 2").1,
        "comparisons cannot be chained: join them with `&&`"
    );
    assert_eq!(
        err("age_on(dob)"),
        (
            11,
            "`age_on` takes two arguments: age_on(date_fact, today), found `)`".into()
        )
    );
    assert_eq!(
        err("days_until_birthday(dob, x, today)").1,
        "the years of days_until_birthday must be a whole number from 0 to 150"
    );
    assert_eq!(
        err("did(call_999)"),
        (
            5,
            "`did` takes one action code in quotes, found `call_999`".into()
        )
    );
    assert_eq!(
        err("a - b").1,
        "unexpected `-` (there is no arithmetic; write `->` for implication)"
    );
    assert_eq!(err("é").0, 1);
    assert_eq!(err("aé").0, 2, "columns count characters, not bytes");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
    assert!(err(&deep).1.contains("nests deeper than 64"));
    let nots = format!("{}a", "!".repeat(500));
    assert!(err(&nots).1.contains("nests deeper than 64"));
    let chain = format!("a{}", " -> a".repeat(100));
    assert!(err(&chain).1.contains("nests deeper than 64"));
    let long = format!("a{}", " || a".repeat(10_000));
    assert!(err(&long).1.contains("too long"));
    let calls = format!("{}dob, today){}", "age_on(".repeat(100), ")".repeat(100));
    assert!(err(&calls).1.contains("nests deeper than 64"));
    let ok = format!("{}a{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(shape(&ok), "a", "nesting within the limit parses");
    let over = format!("{}a{}", "(".repeat(65), ")".repeat(65));
    assert_eq!(
        err(&over),
        (65, "the rule nests deeper than 64 levels".into())
    );
}

#[test]
fn long_hostile_input_is_refused_in_linear_time() {
    let huge = "a ".repeat(2_000_000);
    let started = std::time::Instant::now();
    assert!(err(&huge).1.contains("too long"));
    let garbage = "é".repeat(2_000_000) + "#";
    assert_eq!(err(&garbage).1, "unexpected character `é`");
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

#[test]
fn literals_and_spans() {
    let e = parse("  café_ok").unwrap_err();
    assert_eq!(e.column, 6, "the `é` is the sixth character");
    let e = parse("\"é\" == x").unwrap();
    let ExprKind::Cmp(_, a, b) = e.kind else {
        panic!("not a comparison")
    };
    assert_eq!(a.kind, ExprKind::Str("é".into()));
    assert_eq!((a.span.start, a.span.end), (0, 3), "spans count characters");
    assert_eq!((b.span.start, b.span.end), (7, 8));
    assert_eq!(e.span.start, 0);
    assert_eq!(e.span.end, 8);
    assert_eq!(
        parse(r#""a\"b\\c""#).unwrap().kind,
        ExprKind::Str("a\"b\\c".into())
    );
    assert_eq!(
        parse("x > -9223372036854775808").map(|_| ()),
        Ok(()),
        "the smallest i64"
    );
    assert_eq!(shape("x<-1"), "(x < -1)");
    assert_eq!(shape("a->b"), "(a -> b)");
    assert_eq!(shape("x==1"), "(x == 1)");
    assert_eq!(shape("x != \"y\""), "(x != \"y\")");
    assert_eq!(
        shape("true && !false || today"),
        "((true && !false) || today)"
    );
    assert_eq!(shape("!!a"), "!!a");
    assert_eq!(shape("!a == b"), "!(a == b)");
    assert_eq!(shape("a\t&&\nb"), "(a && b)");
    assert_eq!(shape("f_1"), "f_1");
}

#[test]
fn every_parse_error_has_its_column() {
    for (src, column, message) in [
        ("\"a\\n\"", 3, "only `\\\"` and `\\\\` escapes are allowed"),
        ("x == \"open", 6, "this string is not closed with `\"`"),
        ("a #", 3, "unexpected character `#`"),
        (
            "(a",
            3,
            "expected `)` to close `(` at column 1, found the end of the rule",
        ),
        (
            "x && (a || b",
            13,
            "expected `)` to close `(` at column 6, found the end of the rule",
        ),
        (
            "a )",
            3,
            "unexpected `)` after a complete rule (missing `&&` or `||`?)",
        ),
        ("a && )", 6, "expected a fact, a value or `(`, found `)`"),
        ("a == ", 6, "the rule ends where a value was expected"),
        ("!", 2, "the rule ends where a value was expected"),
        (
            "-",
            1,
            "unexpected `-` (there is no arithmetic; write `->` for implication)",
        ),
        (
            "x < 1 -",
            7,
            "unexpected `-` (there is no arithmetic; write `->` for implication)",
        ),
        (
            "x < 99999999999999999999",
            5,
            "integer literal 99999999999999999999 is too large",
        ),
        (
            "x < -99999999999999999999",
            5,
            "integer literal -99999999999999999999 is too large",
        ),
        (
            "a == b == c",
            8,
            "comparisons cannot be chained: join them with `&&`",
        ),
        (
            "nope(x)",
            1,
            "unknown function `nope`: the functions are age_on, days_until_birthday, asked, first_asked, known_before, did, first, before, urgent, contacted, own_service",
        ),
        (
            "a && agee_on(dob, today)",
            6,
            "unknown function `agee_on`: the functions are age_on, days_until_birthday, asked, first_asked, known_before, did, first, before, urgent, contacted, own_service",
        ),
        (
            "age_on()",
            8,
            "`age_on` takes two arguments: age_on(date_fact, today), found `)`",
        ),
        (
            "age_on(dob, today, x)",
            18,
            "`age_on` takes two arguments: age_on(date_fact, today), found `,`",
        ),
        (
            "age_on(dob today)",
            12,
            "`age_on` takes two arguments: age_on(date_fact, today), found `today`",
        ),
        (
            "days_until_birthday(dob, today)",
            26,
            "the years of days_until_birthday must be a whole number from 0 to 150",
        ),
        (
            "days_until_birthday(dob, 151, today)",
            26,
            "the years of days_until_birthday must be a whole number from 0 to 150",
        ),
        (
            "days_until_birthday(dob, -1, today)",
            26,
            "the years of days_until_birthday must be a whole number from 0 to 150",
        ),
        (
            "days_until_birthday(dob, 4294967314, today)",
            26,
            "the years of days_until_birthday must be a whole number from 0 to 150",
        ),
        (
            "days_until_birthday(dob, 18)",
            28,
            "`days_until_birthday` takes three arguments: days_until_birthday(date_fact, years, today), found `)`",
        ),
        (
            "asked(\"x\")",
            7,
            "`asked` takes one fact name, found \"x\"",
        ),
        (
            "asked(today)",
            7,
            "`asked` takes one fact name, found `today`",
        ),
        ("asked(a, b)", 8, "`asked` takes one fact name, found `,`"),
        (
            "first_asked()",
            13,
            "`first_asked` takes one fact name, found `)`",
        ),
        (
            "known_before(x)",
            15,
            "`known_before` takes a fact name and an action code in quotes, found `)`",
        ),
        (
            "known_before(x, y)",
            17,
            "`known_before` takes a fact name and an action code in quotes, found `y`",
        ),
        (
            "did(\"a\", \"b\")",
            8,
            "`did` takes one action code in quotes, found `,`",
        ),
        (
            "first(1)",
            7,
            "`first` takes one action code in quotes, found `1`",
        ),
        (
            "before(\"a\")",
            11,
            "`before` takes two action codes in quotes, found `)`",
        ),
        (
            "before(\"a\", b)",
            13,
            "`before` takes two action codes in quotes, found `b`",
        ),
        (
            "did(\"a\"",
            8,
            "expected `)` to close the call of `did`, found the end of the rule",
        ),
    ] {
        assert_eq!(err(src), (column, message.to_owned()), "{src}");
    }
}

proptest::proptest! {
    #[test]
    fn parse_never_panics(src in "[a-z_!&|()<>=,\"\\ 0-9é-]{0,80}") {
        if let Ok(e) = parse(&src) {
            proptest::prop_assert!(e.span.end <= src.chars().count());
        }
    }

    #[test]
    fn parse_never_panics_on_any_text(src in "\\PC{0,40}") {
        let _ = parse(&src);
    }
}
