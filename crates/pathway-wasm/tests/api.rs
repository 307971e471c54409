//! The WASM API as JS sees it, run by scripts/test-web with `wasm-bindgen-test-runner` twice:
//! in Node (the default: no `wasm_bindgen_test_configure!` here, which would make the runner
//! skip the Node run), and in headless Chromium with `WASM_BINDGEN_USE_BROWSER=1`.
#![cfg(target_arch = "wasm32")]

use pathway_wasm::{WalkSession, evaluate, graph_svg, list_pathways, review_warnings};
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const TODAY: &str = "2026-11-22";

fn json(value: JsValue) -> Value {
    serde_json::from_str(
        &js_sys::JSON::stringify(&value)
            .unwrap()
            .as_string()
            .unwrap(),
    )
    .unwrap()
}

fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

/// `type`, `message` and `fact` of a thrown `PathwayError`.
fn error(e: JsValue) -> (String, String, Option<String>) {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    let get = |k: &str| js_sys::Reflect::get(&e, &k.into()).unwrap().as_string();
    assert_eq!(get("name").as_deref(), Some("PathwayError"));
    (get("type").unwrap(), get("message").unwrap(), get("fact"))
}

/// Answers questions from `facts` until the walk finishes; returns the final view.
fn walk(session: &mut WalkSession, facts: &Value) -> Value {
    let mut view = json(session.current().unwrap());
    while view["state"]["status"] == "needs_answer" {
        let fact = view["state"]["fact"].as_str().unwrap().to_owned();
        let value = facts
            .get(&fact)
            .unwrap_or_else(|| panic!("the walk asks `{fact}`"));
        view = json(session.answer(&fact, js(value)).unwrap());
    }
    view
}

fn codes(view: &Value) -> Vec<String> {
    view["state"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().into())
        .collect()
}

/// "AR at 17" (fixtures/scenarios/ar-at-17.json, with the date of birth of the other front
/// tests): every answer the walk asks for.
fn ar_at_17() -> Value {
    json!({
        "immediate_danger": false,
        "needs_safe_place_tonight": false,
        "language_barrier": true,
        "someone_speaks_for_them": true,
        "age_basis": "date_of_birth",
        "date_of_birth": "2008-12-20",
        "suspected_modern_slavery": "yes",
        "reporter_organisation": "other_council_service",
        "exploitation_type": "labour",
    })
}

/// An adult who declines, met by a council officer (a First Responder with the Duty to
/// Notify): every answer the walk asks for.
fn adult_declines() -> Value {
    json!({
        "immediate_danger": false,
        "needs_safe_place_tonight": false,
        "language_barrier": false,
        "someone_speaks_for_them": false,
        "age_basis": "stated_age",
        "age": 30,
        "suspected_modern_slavery": "yes",
        "reporter_organisation": "other_council_service",
        "exploitation_type": "not_known",
        "care_and_support_needs": false,
        "has_capacity_to_consent": "yes",
        "consent_to_nrm": "declined",
    })
}

/// The version of the entry pathway, as `listPathways` gives it.
fn entry_version() -> String {
    let list = json(list_pathways().unwrap());
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entry"] == true)
        .unwrap();
    entry["version"].as_str().unwrap().to_owned()
}

#[wasm_bindgen_test]
fn lists_the_bundled_pathways_with_one_entry() {
    let list = json(list_pathways().unwrap());
    let list = list.as_array().unwrap();
    assert!(list.len() >= 3, "{list:?}");
    assert_eq!(list.iter().filter(|m| m["entry"] == true).count(), 1);
    for meta in list {
        for key in ["id", "title", "version", "reviewed", "review_by"] {
            assert!(meta[key].is_string(), "{key} in {meta}");
        }
    }
}

#[wasm_bindgen_test]
fn review_warnings_appear_once_a_pathway_is_overdue() {
    assert_eq!(json(review_warnings(TODAY).unwrap()), json!([]));
    let late = json(review_warnings("2099-01-01").unwrap());
    assert!(!late.as_array().unwrap().is_empty());
    assert_eq!(late[0]["code"], "review-overdue");
    assert_eq!(
        error(review_warnings("22/11/2026").unwrap_err()).0,
        "invalid_date"
    );
}

#[wasm_bindgen_test]
fn ar_at_17_is_referred_before_their_18th_birthday() {
    let mut session = WalkSession::new(None, TODAY).unwrap();
    let first = json(session.current().unwrap());
    assert_eq!(first["state"]["fact"], "immediate_danger");
    assert_eq!(first["state"]["answered"], 0);
    assert_eq!(first["state"]["answer"]["type"], "bool");
    let view = walk(&mut session, &ar_at_17());
    assert_eq!(view["state"]["status"], "finished");
    let codes = codes(&view);
    assert!(
        codes.contains(&"refer_before_18th_birthday".into()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"childrens_services_referral".into()),
        "{codes:?}"
    );
    assert!(codes.contains(&"nrm_referral".into()), "{codes:?}");
    assert!(
        !codes
            .iter()
            .any(|c| c == "duty_to_notify" || c == "call_999"),
        "{codes:?}"
    );
    // The answers come back with what the worker read.
    assert_eq!(view["answers"][0]["fact"], "immediate_danger");
    assert_eq!(view["answers"][0]["value"], false);
    assert!(view["answers"][0]["label"].is_string());
    assert!(view["trail"].as_array().unwrap().len() > 3);
    // The case notes, and the flowchart of the walk.
    let notes = session
        .case_notes(Some("REF-1".into()), Some("14:05".into()))
        .unwrap();
    assert!(notes.contains("20 December 2026"), "{notes}");
    assert!(notes.contains("Case reference: REF-1"), "{notes}");
    assert!(notes.contains("Date: 22 November 2026, 14:05"), "{notes}");
    let view = json(session.current().unwrap());
    let svg = graph_svg(None, js(&view["trail"])).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{}",
        &svg[..40]
    );
}

#[wasm_bindgen_test]
fn an_adult_who_declines_gets_duty_to_notify_and_back_and_edit_change_it() {
    let mut session = WalkSession::new(Some("adult".into()), TODAY).unwrap();
    let view = walk(&mut session, &adult_declines());
    let declined = codes(&view);
    assert!(declined.contains(&"duty_to_notify".into()), "{declined:?}");
    assert!(!declined.contains(&"nrm_referral".into()), "{declined:?}");

    // Back: the last question is asked again.
    let answers = view["answers"].as_array().unwrap();
    let last = &answers.last().unwrap()["fact"];
    let back = json(session.back().unwrap());
    assert_eq!(back["state"]["status"], "needs_answer");
    assert_eq!(&back["state"]["fact"], last);
    assert_eq!(back["answers"].as_array().unwrap().len(), answers.len() - 1);
    // Answered again, the same outcome.
    assert_eq!(codes(&walk(&mut session, &adult_declines())), declined);

    // Edit an earlier answer: consent given, so an NRM referral and no duty to notify.
    let edited = json(session.edit("consent_to_nrm", js(&json!("given"))).unwrap());
    let edited = if edited["state"]["status"] == "finished" {
        edited
    } else {
        walk(&mut session, &adult_declines())
    };
    let given = codes(&edited);
    assert!(given.contains(&"nrm_referral".into()), "{given:?}");
    assert!(!given.contains(&"duty_to_notify".into()), "{given:?}");
}

#[wasm_bindgen_test]
fn refused_answers_throw_typed_errors_and_change_nothing() {
    let mut session = WalkSession::new(None, TODAY).unwrap();
    let before = json(session.current().unwrap());

    let (ty, message, fact) = error(
        session
            .answer("immediate_danger", js(&json!("yes")))
            .unwrap_err(),
    );
    assert_eq!(
        (ty.as_str(), fact.as_deref()),
        ("fact_error", Some("immediate_danger"))
    );
    assert!(message.contains("true or false"), "{message}");

    let (ty, _, fact) = error(session.answer("age", js(&json!(17))).unwrap_err());
    assert_eq!(
        (ty.as_str(), fact.as_deref()),
        ("session_error", Some("age"))
    );

    // Answered by what is asked, up to the date of birth.
    let facts = ar_at_17();
    let mut given = 0;
    loop {
        let view = json(session.current().unwrap());
        let fact = view["state"]["fact"].as_str().unwrap().to_owned();
        if fact == "date_of_birth" {
            break;
        }
        session.answer(&fact, js(&facts[&fact])).unwrap();
        given += 1;
    }
    let (ty, message, _) = error(
        session
            .answer("date_of_birth", js(&json!("2030-01-01")))
            .unwrap_err(),
    );
    assert_eq!(ty, "fact_error");
    assert!(message.contains("after today"), "{message}");

    let (ty, _, _) = error(
        session
            .edit("consent_to_nrm", js(&json!("given")))
            .unwrap_err(),
    );
    assert_eq!(ty, "session_error");

    for _ in 0..given {
        session.back().unwrap();
    }
    assert_eq!(json(session.current().unwrap()), before);

    assert_eq!(
        error(
            WalkSession::new(Some("nowhere".into()), TODAY)
                .err()
                .unwrap()
        )
        .0,
        "unknown_pathway"
    );
    assert_eq!(
        error(WalkSession::new(None, "2026-02-30").err().unwrap()).0,
        "invalid_date"
    );
}

#[wasm_bindgen_test]
fn a_saved_session_reopens_where_it_was() {
    let mut session = WalkSession::new(None, TODAY).unwrap();
    session
        .answer("immediate_danger", js(&json!(true)))
        .unwrap();
    session
        .answer("needs_safe_place_tonight", js(&json!(true)))
        .unwrap();
    let saved = session.to_json();
    let reopened = WalkSession::from_json(&saved).unwrap();
    assert_eq!(
        json(reopened.current().unwrap()),
        json(session.current().unwrap())
    );
    assert_eq!(reopened.to_json(), saved);

    assert_eq!(
        error(WalkSession::from_json("not json").err().unwrap()).0,
        "saved_session_error"
    );
    let mut other: Value = serde_json::from_str(&saved).unwrap();
    other["content_hash"] = json!("0000");
    assert_eq!(
        error(WalkSession::from_json(&other.to_string()).err().unwrap()).0,
        "saved_session_error"
    );
}

#[wasm_bindgen_test]
fn evaluate_gives_what_decide_prints() {
    let out = json(evaluate(None, js(&ar_at_17()), TODAY, None).unwrap());
    assert_eq!(out["status"], "finished");
    assert!(
        out["codes"]
            .as_array()
            .unwrap()
            .contains(&json!("refer_before_18th_birthday"))
    );
    assert!(out["outcome"].is_object());

    // JSON text works too; an unfinished record names the next fact.
    let out = json(
        evaluate(
            Some("adult".into()),
            r#"{"immediate_danger": true}"#.into(),
            TODAY,
            None,
        )
        .unwrap(),
    );
    assert_eq!(out["status"], "needs_answer");
    assert_eq!(out["next_fact"], "needs_safe_place_tonight");
    assert_eq!(out["codes"], json!(["call_999"]));

    let (ty, _, fact) = error(evaluate(None, js(&json!({"age": 200})), TODAY, None).unwrap_err());
    assert_eq!((ty.as_str(), fact.as_deref()), ("fact_error", Some("age")));
    let (ty, _, fact) =
        error(evaluate(None, js(&json!({"shoe_size": 9})), TODAY, None).unwrap_err());
    assert_eq!(
        (ty.as_str(), fact.as_deref()),
        ("fact_error", Some("shoe_size"))
    );
    assert_eq!(
        error(evaluate(None, "{".into(), TODAY, None).unwrap_err()).0,
        "invalid_input"
    );
    assert_eq!(
        error(evaluate(None, js(&json!([1])), TODAY, None).unwrap_err()).0,
        "fact_error"
    );
    // As in `pathway decide`, text giving a fact twice is refused, not read as the last one.
    let twice = r#"{"immediate_danger": true, "immediate_danger": false}"#;
    let (ty, message, fact) = error(evaluate(None, twice.into(), TODAY, None).unwrap_err());
    assert_eq!(
        (ty.as_str(), fact.as_deref()),
        ("fact_error", Some("immediate_danger"))
    );
    assert!(message.contains("given twice"), "{message}");
    // The outcome names what it rests on.
    assert_eq!(
        out_meta(&json(evaluate(None, js(&ar_at_17()), TODAY, None).unwrap())),
        (entry_version().as_str(), true)
    );
}

/// The version and whether the guidance is named, from `evaluate`'s JSON.
fn out_meta(out: &Value) -> (&str, bool) {
    (
        out["version"].as_str().unwrap_or(""),
        out["guidance"]
            .as_str()
            .is_some_and(|g| g.contains("statutory guidance")),
    )
}

#[wasm_bindgen_test]
fn graph_svg_with_and_without_a_trail() {
    let plain = graph_svg(Some("child".into()), JsValue::NULL).unwrap();
    assert!(plain.contains("<svg"));
    let mut session = WalkSession::new(Some("child".into()), TODAY).unwrap();
    let view = walk(&mut session, &ar_at_17());
    let walked = graph_svg(Some("child".into()), js(&view["trail"])).unwrap();
    assert!(walked.contains("<svg"));
    assert_ne!(plain, walked, "the walk is highlighted");
    for bad in [
        json!([{"step": 1}]),
        json!([{"pathway": "hertfordshire-child"}]),
        json!([{"pathway": "hertfordshire-child", "step": "start", "edge": -1}]),
        json!({"pathway": "hertfordshire-child", "step": "start"}),
    ] {
        assert_eq!(
            error(graph_svg(None, js(&bad)).unwrap_err()).0,
            "invalid_input",
            "{bad}"
        );
    }
    // Only `pathway`, `step` and `edge` are read: a trail of bare steps draws the same.
    let bare: Vec<Value> = view["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| json!({"pathway": v["pathway"], "step": v["step"], "edge": v.get("edge")}))
        .collect();
    assert_eq!(
        graph_svg(Some("child".into()), js(&Value::from(bare))).unwrap(),
        walked
    );
}
