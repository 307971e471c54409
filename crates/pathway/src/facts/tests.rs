//! Unit tests of the parent module.

use super::*;

fn check(text: &str) -> Result<Facts, FactError> {
    let bundle = crate::bundled().unwrap();
    bundle.parse_facts_str(text, "2026-11-22".parse().unwrap())
}

#[test]
fn a_fact_given_twice_is_refused_not_reduced_to_the_last() {
    let twice = check(r#"{"immediate_danger": true, "immediate_danger": false}"#);
    assert_eq!(
        twice,
        Err(FactError::Duplicate {
            fact: "immediate_danger".into()
        })
    );
    assert_eq!(
        twice.unwrap_err().to_string(),
        "`immediate_danger` is given twice: give each fact once"
    );
    // The same key written with an escape is the same fact.
    assert!(matches!(
        check(r#"{"age": 3, "a\u0067e": 3}"#),
        Err(FactError::Duplicate { fact }) if fact == "age"
    ));
    // An undeclared key is unknown first, given twice or not.
    assert!(matches!(
        check(r#"{"name": "x", "name": "y"}"#),
        Err(FactError::Unknown { fact }) if fact == "name"
    ));
}

#[test]
fn text_records_agree_with_parsed_records() {
    let bundle = crate::bundled().unwrap();
    let today = "2026-11-22".parse().unwrap();
    for text in [
        r#"{"immediate_danger": true, "age_basis": null}"#,
        r#"{"immediate_danger": "yes"}"#,
        r#"{"age": 130}"#,
        r#"{"shoe_size": 9}"#,
        r#"[1, 2]"#,
        r#""text""#,
        "7",
    ] {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            bundle.parse_facts_str(text, today),
            bundle.parse_facts(&json, today),
            "{text}"
        );
    }
    let syntax = check(r#"{"immediate_danger": tru}"#).unwrap_err();
    assert!(
        matches!(syntax, FactError::Syntax { line: 1, .. }),
        "{syntax:?}"
    );
    assert!(syntax.to_string().starts_with("not valid JSON: expected"));
}

#[test]
fn a_typing_mistake_in_a_fact_id_finds_the_fact() {
    let bundle = crate::bundled().unwrap();
    assert_eq!(
        bundle.nearest_fact("immediate_dagner"),
        Some("immediate_danger")
    );
    assert_eq!(bundle.nearest_fact("Date_Of_Birth"), Some("date_of_birth"));
    assert_eq!(bundle.nearest_fact("shoe_size"), None);
}

#[test]
fn anonymised_messages_carry_no_value_from_the_input() {
    for text in [
        r#"{"full_name": "Jane Doe"}"#,
        r#"{"immediate_danger": "Jane Doe"}"#,
        r#"{"age_basis": "Jane Doe"}"#,
        r#"{"date_of_birth": "Jane Doe"}"#,
        r#"{"date_of_birth": "2031-01-01"}"#,
        r#"{"age": 1312}"#,
        r#""Jane Doe""#,
        r#"{"Jane Doe": 1, "Jane Doe": 2}"#,
        r#"{"immediate_danger": Jane Doe}"#,
    ] {
        let e = check(text).unwrap_err();
        let message = e.anonymised();
        for value in ["Jane", "Doe", "full_name", "2031", "1312"] {
            assert!(!message.contains(value), "{text}: {message}");
        }
        assert!(!e.to_string().is_empty());
    }
    assert_eq!(
        check(r#"{"age": 1312}"#).unwrap_err().anonymised(),
        "`age` must be between 0 and 120"
    );
}

/// A JSON text for the readers: entries whose keys are declared ids (one written with an
/// escape), an unknown key, or the empty key, mostly with a valid answer for the key and
/// sometimes any answer, repeated keys allowed, sometimes not an object or followed by
/// more text.
fn record_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    // Each key with answers valid for it (on 2026-11-22).
    let keys: Vec<(&str, Vec<&str>)> = vec![
        ("immediate_danger", vec!["true", "false", "null"]),
        (
            "age_basis",
            vec!["\"stated_age\"", "\"date_of_birth\"", "\"unknown\""],
        ),
        (
            "date_of_birth",
            vec!["\"2008-12-02\"", "\"1896-11-22\"", "\"2026-11-22\""],
        ),
        ("age", vec!["0", "17", "18", "120"]),
        ("a\\u0067e", vec!["42"]),
        (
            "consent_to_nrm",
            vec!["\"given\"", "\"giv\\u0065n\"", "\"declined\"", "null"],
        ),
        ("has_capacity_to_consent", vec!["true", "false"]),
        ("shoe_size", vec!["9"]),
        ("", vec!["null"]),
    ];
    let junk = prop::sample::select(vec![
        "true",
        "null",
        "-1",
        "121",
        "9223372036854775808",
        "-9223372036854775809",
        "1.0",
        "\"given\"",
        "\"Given\"",
        "\"2030-01-01\"",
        "\"1896-11-21\"",
        "\"2008-02-30\"",
        "\"2008-2-3\"",
        "[1]",
        "{}",
    ]);
    let entry = prop::sample::select(keys).prop_flat_map(move |(key, valid)| {
        let value = prop_oneof![
            4 => prop::sample::select(valid),
            1 => junk.clone(),
        ];
        (Just(key), value)
    });
    let entries = prop::collection::vec(entry, 0..6);
    let shape = prop_oneof![
        8 => Just("{E}"),
        1 => prop::sample::select(vec![" {E} ", "{E} x", "[E]", "7", "{E", ""]),
    ];
    (entries, shape).prop_map(|(entries, shape)| {
        let body = entries
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        shape.replace('E', &body)
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]

    /// The one-pass reader accepts exactly the records the careful reader accepts, with
    /// the same facts: it is only a faster way to the same answer.
    #[test]
    fn the_one_pass_reader_agrees_with_the_careful_reader(text in record_text()) {
        static BUNDLE: std::sync::OnceLock<Bundle> = std::sync::OnceLock::new();
        let bundle = BUNDLE.get_or_init(|| crate::bundled().unwrap());
        let today = "2026-11-22".parse().unwrap();
        let careful = bundle.read_carefully(&text, today);
        proptest::prop_assert_eq!(one_pass::read(bundle, &text, today), careful.clone().ok());
        proptest::prop_assert_eq!(bundle.parse_facts_str(&text, today), careful);
    }
}
