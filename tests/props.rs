//! Properties, not examples: loading never panics, evaluation is total and deterministic,
//! files and sessions round-trip, and `back` undoes `answer`.

use pathway::model::{FactType, PathwayFile};
use pathway::{
    AnswerKind, Bundle, Config, Date, Session, SourceFile, State, bundled, bundled_files, evaluate,
};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

fn today() -> Date {
    "2026-11-22".parse().unwrap()
}

fn bundle() -> &'static Bundle {
    static BUNDLE: std::sync::OnceLock<Bundle> = std::sync::OnceLock::new();
    BUNDLE.get_or_init(|| bundled().unwrap_or_else(|e| panic!("{e}")))
}

/// A second load of the bundled files: its fact ids are other allocations than `bundle()`'s.
fn other_load() -> &'static Bundle {
    static OTHER: std::sync::OnceLock<Bundle> = std::sync::OnceLock::new();
    OTHER.get_or_init(|| bundled().unwrap_or_else(|e| panic!("{e}")))
}

/// A JSON answer drawn for a fact: mostly valid, sometimes of the wrong type or range.
fn answer_for(ty: FactType, options: Vec<String>) -> BoxedStrategy<Json> {
    let valid = match ty {
        FactType::Bool => any::<bool>().prop_map(Json::Bool).boxed(),
        FactType::Choice => proptest::sample::select(options)
            .prop_map(Json::String)
            .boxed(),
        FactType::Integer => (-5i64..130).prop_map(|n| json!(n)).boxed(),
        FactType::Date => (-45_000i64..=0)
            .prop_map(|d| json!(today().add_days(d).unwrap().to_string()))
            .boxed(),
    };
    // Mostly valid, so that most records get past validation and are evaluated.
    prop_oneof![
        30 => valid,
        1 => Just(json!("not a valid answer")),
        1 => Just(json!(12.5)),
        1 => Just(json!("2099-01-01")),
    ]
    .boxed()
}

/// Every fact the bundled set declares: its id, type and options (for drawing answers).
pub(crate) fn declared_facts() -> Vec<(String, FactType, Vec<String>)> {
    bundle()
        .facts()
        .map(|d| {
            (
                d.id.clone(),
                d.ty,
                d.options.iter().map(|o| o.value.clone()).collect(),
            )
        })
        .collect()
}

/// A facts record: any subset of the declared facts with drawn answers.
fn record() -> impl Strategy<Value = serde_json::Map<String, Json>> {
    let facts = declared_facts();
    let per_fact: Vec<_> = facts
        .into_iter()
        .map(|(id, ty, options)| {
            proptest::option::of(answer_for(ty, options)).prop_map(move |a| (id.clone(), a))
        })
        .collect();
    per_fact.prop_map(|pairs| {
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    })
}

/// Any JSON tree whose keys are mostly names the pathway format uses, with strings that are
/// often rules, step ids or codes: it gets past the JSON parser and into the checks.
fn pathway_like_json() -> impl Strategy<Value = Json> {
    const KEYS: &[&str] = &[
        "format",
        "id",
        "title",
        "partnership",
        "version",
        "reviewed",
        "review_by",
        "sources",
        "facts",
        "derived",
        "actions",
        "start",
        "steps",
        "kind",
        "fact",
        "next",
        "when",
        "to",
        "because",
        "cites",
        "do",
        "type",
        "options",
        "value",
        "min",
        "max",
        "default",
        "rule",
        "invariants",
        "must_ask",
        "pathway",
        "step",
        "summary",
        "confidence",
        "contact",
    ];
    const STRINGS: &[&str] = &[
        "pathway/v1",
        "contacts/v1",
        "q",
        "a",
        "end",
        "bool",
        "choice",
        "integer",
        "date",
        "question",
        "action",
        "outcome",
        "handover",
        "H",
        "L",
        "APP",
        "call_999",
        "immediate_danger",
        "age",
        "age < 18",
        "age_basis == \"unknown\"",
        "!(",
        "2026-11-01",
        "2026-02-30",
        "did(\"call_999\") -> asked(age)",
        "{{contact(police)}}",
    ];
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-3i64..200).prop_map(|n| json!(n)),
        proptest::sample::select(STRINGS).prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 120, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..8).prop_map(
                |pairs| Json::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            ),
        ]
    })
}

/// A valid answer for a question, chosen by `pick`.
fn valid_answer(kind: &AnswerKind<'_>, pick: usize) -> Json {
    match kind {
        AnswerKind::Bool { .. } => json!(pick.is_multiple_of(2)),
        AnswerKind::Choice { options } => json!(options[pick % options.len()].value),
        AnswerKind::Integer { min, max } => json!((min + pick as i64 * 3).min(*max)),
        AnswerKind::Date => json!(
            today()
                .add_days(-(pick as i64) * 1500 - 5800)
                .unwrap()
                .to_string()
        ),
    }
}

fn mutate(value: &mut Json, path: &[usize], replacement: &Json) {
    let Some((&i, rest)) = path.split_first() else {
        *value = replacement.clone();
        return;
    };
    match value {
        Json::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(i % map.len()).cloned().unwrap();
            mutate(map.get_mut(&key).unwrap(), rest, replacement);
        }
        Json::Array(items) if !items.is_empty() => {
            let n = items.len();
            mutate(&mut items[i % n], rest, replacement);
        }
        _ => *value = replacement.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn loading_arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let files = [SourceFile { name: "x.json", text: &text }];
        prop_assert!(Bundle::load(&files).is_err());
    }

    #[test]
    fn loading_arbitrary_pathway_shaped_json_never_panics(mut doc in pathway_like_json()) {
        if let Json::Object(map) = &mut doc {
            map.insert("format".into(), json!("pathway/v1"));
        }
        let text = doc.to_string();
        let contacts = bundled_files().iter().find(|f| f.name == "contacts.json").unwrap();
        let files = [SourceFile { name: "x.json", text: &text }, *contacts];
        // Refused with at least one error, or (rarely) a valid set: never a panic.
        if let Err(e) = Bundle::load(&files) {
            prop_assert!(e.0.iter().any(|d| d.is_error()));
        }
    }

    #[test]
    fn loading_a_mutated_bundled_pathway_never_panics(
        file in 0usize..3,
        path in proptest::collection::vec(any::<usize>(), 1..6),
        replacement in prop_oneof![
            Just(json!(null)), Just(json!(true)), Just(json!(0)), Just(json!(-1)), Just(json!("")),
            Just(json!("age < 18 ||")), Just(json!("nowhere")), Just(json!([])), Just(json!({})),
            Just(json!("call_999")), Just(json!("age_basis == \"maybe\"")),
        ],
    ) {
        let files = bundled_files();
        let mut value: Json = serde_json::from_str(files[file].text).unwrap();
        mutate(&mut value, &path, &replacement);
        let text = serde_json::to_string(&value).unwrap();
        let mut set: Vec<SourceFile<'_>> = files.to_vec();
        set[file] = SourceFile { name: files[file].name, text: &text };
        // Either it still loads (the mutation was harmless) or it is rejected with errors.
        if let Err(e) = Bundle::load(&set) {
            prop_assert!(e.0.iter().any(|d| d.is_error()));
        }
        // Whatever still parses as a pathway file round-trips: model -> JSON -> model.
        if let Ok(model) = serde_json::from_str::<PathwayFile>(&text) {
            let again: PathwayFile = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
            prop_assert_eq!(model, again);
        }
    }

    #[test]
    fn evaluation_is_total_and_deterministic(record in record(), start in 0usize..3) {
        let bundle = bundle();
        let pathway = bundle.pathways().nth(start).unwrap();
        let config = Config { today: today(), use_defaults: start == 1 };
        // Valid records evaluate; invalid ones are refused by validation, not by a panic.
        if let Ok(facts) = bundle.parse_facts(&Json::Object(record), today()) {
            let a = evaluate(bundle, pathway, &facts, &config);
            let b = evaluate(bundle, pathway, &facts, &config);
            prop_assert_eq!(&a, &b);
            prop_assert!(!matches!(a.state, State::Blocked { .. }), "blocked: {:?}", a.state);
            // The fast decision is the full evaluation's status, codes and next fact.
            let fast = pathway::decide(bundle, pathway, &facts, &config);
            prop_assert_eq!(&fast, &a.decision);
            let (status, codes, next_fact) = match &a.state {
                State::Finished(o) => ("finished", o.codes(), None),
                State::NeedsAnswer(q) => ("needs_answer", a.due.iter().map(|x| x.code).collect(), Some(&*q.fact)),
                State::Blocked { .. } => ("blocked", a.due.iter().map(|x| x.code).collect(), None),
            };
            prop_assert_eq!(fast.status.as_str(), status);
            prop_assert_eq!(fast.codes.clone(), codes);
            prop_assert_eq!(fast.next_fact, next_fact);
            // While unfinished, the actions already due are exactly the codes so far, urgent
            // first, with their texts: what a front end shows before the next question.
            match &a.state {
                State::Finished(_) => prop_assert!(a.due.is_empty()),
                _ => prop_assert_eq!(
                    a.due.iter().map(|x| x.code).collect::<Vec<_>>(),
                    fast.codes
                ),
            }
            if let Some(first_normal) = a.due.iter().position(|x| !x.urgent) {
                prop_assert!(a.due[first_normal..].iter().all(|x| !x.urgent));
            }
            // Facts the set read are found by their slot; the same facts inserted by id, or
            // read by another load of the same files, are found by id: the same evaluation.
            let by_id: pathway::Facts =
                facts.iter().map(|(k, v)| (k.to_owned(), v.clone())).collect();
            prop_assert_eq!(&evaluate(bundle, pathway, &by_id, &config), &a);
            let other = other_load();
            let other_id = other.pathways().nth(start).unwrap();
            let elsewhere = evaluate(other, other_id, &facts, &config);
            prop_assert_eq!(
                pathway::evaluation_json(other, &elsewhere),
                pathway::evaluation_json(bundle, &a)
            );
        }
    }

    #[test]
    fn sessions_round_trip_and_back_undoes_answer(choices in proptest::collection::vec(0usize..8, 1..14)) {
        let bundle = bundle();
        let mut session = Session::new(bundle, bundle.entry(), today());
        for pick in choices {
            let State::NeedsAnswer(q) = session.current().state else { break };
            let answer = valid_answer(&q.answer, pick);
            let before = session.clone();
            session.answer(&q.fact, &answer).unwrap();
            let mut undone = session.clone();
            prop_assert!(undone.back());
            prop_assert_eq!(undone.current(), before.current());
            prop_assert_eq!(undone.answers(), before.answers());
        }
        let restored = Session::from_json(bundle, &session.to_json()).unwrap();
        prop_assert_eq!(restored.answers(), session.answers());
        prop_assert_eq!(restored.current(), session.current());
    }

    #[test]
    fn a_rejected_answer_leaves_the_session_unchanged(
        choices in proptest::collection::vec(0usize..8, 0..12),
        bad in prop_oneof![
            Just(json!("maybe")), Just(json!(500)), Just(json!(-1)), Just(json!(null)),
            Just(json!("2199-01-01")), Just(json!("2026-02-30")), Just(json!([1])), Just(json!(2.5)),
        ],
    ) {
        let bundle = bundle();
        let mut session = Session::new(bundle, bundle.entry(), today());
        // Walk a random way in, then try the bad answer at whatever question that reaches.
        for pick in choices {
            let State::NeedsAnswer(q) = session.current().state else { break };
            let answer = valid_answer(&q.answer, pick);
            session.answer(&q.fact, &answer).unwrap();
        }
        let before = session.clone();
        let State::NeedsAnswer(q) = session.current().state else { return Ok(()) };
        // Each bad value is wrong for every type: no string is a bool, "maybe" and dates are
        // no option, 500 and -1 are out of every range, and a date may not be in the future.
        prop_assert!(session.answer(&q.fact, &bad).is_err());
        prop_assert!(session.answer("not_the_current_fact", &json!(true)).is_err());
        prop_assert_eq!(session, before);
    }
}

#[test]
fn pathway_files_round_trip_through_the_model() {
    for file in bundled_files()
        .iter()
        .filter(|f| f.text.contains("\"format\": \"pathway/v1\""))
    {
        let model: PathwayFile = serde_json::from_str(file.text).unwrap();
        let again: PathwayFile =
            serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
        assert_eq!(model, again, "{} does not round-trip", file.name);
    }
}

#[test]
fn a_session_from_other_content_is_refused_naming_its_version() {
    let bundle = bundle();
    let mut session = Session::new(bundle, bundle.entry(), today());
    session.answer("immediate_danger", &json!(true)).unwrap();
    let text = session
        .to_json()
        .replace(bundle.content_hash(), "0000000000000000");
    let err = Session::from_json(bundle, &text).unwrap_err().to_string();
    let version = &bundle.meta(bundle.entry()).version;
    assert!(err.contains(&format!("version {version}")), "{err}");
    assert!(err.contains("start a new session"), "{err}");
}

#[test]
fn a_tampered_session_answer_is_refused_with_its_position() {
    let bundle = bundle();
    let mut session = Session::new(bundle, bundle.entry(), today());
    session.answer("immediate_danger", &json!(false)).unwrap();
    let text = session
        .to_json()
        .replace("\"value\": false", "\"value\": \"perhaps\"");
    let err = Session::from_json(bundle, &text).unwrap_err().to_string();
    assert!(err.contains("saved answer 1 (`immediate_danger`)"), "{err}");
}

/// Evaluation dates that exercise leap years and birthdays at month ends.
const TODAYS: [&str; 5] = [
    "2026-11-22",
    "2028-02-29",
    "2027-03-01",
    "2026-02-28",
    "2024-12-31",
];

fn signatures(today: &str) -> std::collections::BTreeSet<String> {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    static CACHE: Mutex<BTreeMap<String, std::collections::BTreeSet<String>>> =
        Mutex::new(BTreeMap::new());
    let mut cache = CACHE.lock().unwrap();
    cache
        .entry(today.to_owned())
        .or_insert_with(|| pathway::path_signatures(bundle(), today.parse().unwrap()))
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Soundness of verification: whatever the answers, the walk is one of the paths that
    /// verification enumerated (so the invariants proven on those paths hold for it).
    #[test]
    fn every_walk_is_a_path_that_verification_checked(
        record in record(),
        today_index in 0usize..TODAYS.len(),
        start in 0usize..3,
        near_18 in any::<bool>(),
        offset in 0i64..45_000,
        near_offset in 6_150i64..6_700,
    ) {
        let bundle = bundle();
        let today_text = TODAYS[today_index];
        let today: Date = today_text.parse().unwrap();
        let mut record = record;
        if record.contains_key("date_of_birth") {
            let days = if near_18 { near_offset } else { offset };
            record.insert("date_of_birth".into(), json!(today.add_days(-days).unwrap().to_string()));
        }
        let Ok(facts) = bundle.parse_facts(&Json::Object(record), today) else { return Ok(()) };
        let pathway = bundle.pathways().nth(start).unwrap();
        let evaluation = evaluate(bundle, pathway, &facts, &Config { today, use_defaults: true });
        if let State::Finished(_) = evaluation.state {
            let sig = pathway::trail_signature(&evaluation.trail);
            prop_assert!(signatures(today_text).contains(&sig), "walk not enumerated by verify on {}: {}", today_text, sig);
        }
    }
}

#[test]
fn editing_an_earlier_answer_keeps_the_later_answers_still_on_the_path() {
    let bundle = bundle();
    let mut s = Session::new(bundle, bundle.entry(), today());
    for (fact, value) in [
        ("immediate_danger", json!(false)),
        ("needs_safe_place_tonight", json!(false)),
        ("language_barrier", json!(false)),
        ("someone_speaks_for_them", json!(true)),
        ("age_basis", json!("date_of_birth")),
        ("date_of_birth", json!("2008-12-15")),
        ("suspected_modern_slavery", json!("yes")),
    ] {
        s.answer(fact, &value).unwrap();
    }
    let facts = |s: &Session<'_>| {
        s.answers()
            .iter()
            .map(|(f, _)| f.clone())
            .collect::<Vec<_>>()
    };
    let next = |s: &Session<'_>| match s.current().state {
        State::NeedsAnswer(q) => q.fact.into_owned(),
        other => panic!("expected a question, got {other:?}"),
    };
    assert_eq!(next(&s), "reporter_organisation");

    // Still on the path: everything is kept, and 999 now comes first.
    s.edit("immediate_danger", &json!(true)).unwrap();
    assert_eq!(facts(&s).len(), 7);
    assert_eq!(next(&s), "reporter_organisation");

    // A new branch: the date of birth is dropped, the answers ahead wait for the age.
    s.edit("age_basis", &json!("stated_age")).unwrap();
    let before_age = [
        "immediate_danger",
        "needs_safe_place_tonight",
        "language_barrier",
        "someone_speaks_for_them",
        "age_basis",
    ];
    assert_eq!(
        facts(&s),
        [&before_age[..], &["suspected_modern_slavery"]].concat()
    );
    assert_eq!(next(&s), "age");
    s.answer("age", &json!(17)).unwrap();
    assert_eq!(
        next(&s),
        "reporter_organisation",
        "the kept answers are used again"
    );
    assert_eq!(
        facts(&s),
        [&before_age[..], &["age", "suspected_modern_slavery"]].concat()
    );

    // Saved and resumed as it is; a file with answers out of path order is refused.
    let text = s.to_json();
    let resumed = Session::from_json(bundle, &text).unwrap();
    assert_eq!(resumed.answers(), s.answers());
    let mut json: Json = serde_json::from_str(&text).unwrap();
    json["answers"].as_array_mut().unwrap().swap(2, 3);
    let err = Session::from_json(bundle, &json.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("saved answer 3") && err.contains("was the file edited?"),
        "{err}"
    );

    // An edit that ends the walk drops the answers it no longer reaches.
    s.edit("suspected_modern_slavery", &json!("no")).unwrap();
    assert!(matches!(s.current().state, State::Finished(_)));
    assert_eq!(
        facts(&s),
        [&before_age[..], &["age", "suspected_modern_slavery"]].concat()
    );
    assert!(
        s.edit("consent_to_nrm", &json!("given")).is_err(),
        "never answered"
    );
}
