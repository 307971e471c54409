//! Rendering: the worker's report (text and Markdown), the `decide --format json` contract
//! and the flowcharts, as reviewed snapshots of representative cases on the bundled set.
//! The snapshots are the specification: read them when you change a renderer.

use pathway::{Bundle, Config, Date, Evaluation, GraphFormat, bundled, evaluate};
use serde_json::json;

/// The date every case is evaluated on.
const TODAY: &str = "2026-11-22";

/// Representative cases: name, pathway (entry when `None`), facts, whether declared defaults
/// fill facts the record omits (as `decide` does).
fn cases() -> Vec<(&'static str, Option<&'static str>, serde_json::Value, bool)> {
    vec![
        (
            // 17, turns 18 in four weeks, in danger now, met by a police officer.
            "child_in_danger_turning_18",
            None,
            json!({
                "immediate_danger": true,
                "age_basis": "date_of_birth",
                "date_of_birth": "2008-12-20",
                "suspected_modern_slavery": true,
                "reporter_is_first_responder": true,
            }),
            true,
        ),
        (
            // A council housing officer; the adult has capacity and declines the NRM.
            "adult_declines_council_worker",
            None,
            json!({
                "immediate_danger": false,
                "needs_safe_place_tonight": false,
                "language_barrier": false,
                "someone_speaks_for_them": false,
                "age_basis": "stated_age",
                "age": 34,
                "suspected_modern_slavery": "yes",
                "reporter_organisation": "other_council_service",
                "exploitation_type": "not_known",
                "care_and_support_needs": false,
                "has_capacity_to_consent": "yes",
                "consent_to_nrm": "declined",
            }),
            false,
        ),
        (
            // Only the first answer so far (the questions with a declared default take it):
            // the walk stops to ask how the age is known, with 999 already due.
            "needs_answer_age_basis",
            None,
            json!({ "immediate_danger": true }),
            true,
        ),
        (
            // Age unknown but no reason to think under 18; an assessment found they cannot
            // decide; a charity that is not a First Responder; someone speaks for them.
            "adult_lacking_capacity",
            Some("adult"),
            json!({
                "immediate_danger": false,
                "needs_safe_place_tonight": false,
                "language_barrier": false,
                "someone_speaks_for_them": true,
                "age_basis": "unknown",
                "may_be_under_18": false,
                "suspected_modern_slavery": "yes",
                "reporter_organisation": "other",
                "exploitation_type": "not_known",
                "care_and_support_needs": false,
                "has_capacity_to_consent": "no",
            }),
            false,
        ),
        (
            // A real doubt about capacity, not assessed yet: assess it before consent, make
            // nothing that needs their decision.
            "adult_capacity_in_doubt",
            Some("adult"),
            json!({
                "immediate_danger": false,
                "needs_safe_place_tonight": false,
                "language_barrier": false,
                "someone_speaks_for_them": false,
                "age_basis": "stated_age",
                "age": 70,
                "suspected_modern_slavery": "yes",
                "reporter_organisation": "police",
                "exploitation_type": "labour",
                "care_and_support_needs": true,
                "has_capacity_to_consent": "in_doubt",
            }),
            false,
        ),
    ]
}

fn bundle() -> Bundle {
    bundled().unwrap_or_else(|e| panic!("{e}"))
}

fn case<'b>(bundle: &'b Bundle, name: &str) -> Evaluation<'b> {
    let (_, pathway, facts, use_defaults) = cases()
        .into_iter()
        .find(|c| c.0 == name)
        .unwrap_or_else(|| panic!("no case {name}"));
    let today: Date = TODAY.parse().unwrap();
    let facts = bundle
        .parse_facts(&facts, today)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let pathway = pathway.map_or(bundle.entry(), |p| bundle.find(p).unwrap());
    evaluate(
        bundle,
        pathway,
        &facts,
        &Config {
            today,
            use_defaults,
        },
    )
}

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

#[test]
fn outcome_text_and_markdown() {
    let bundle = bundle();
    for (name, ..) in cases() {
        let evaluation = case(&bundle, name);
        snapshot!(
            format!("render__text__{name}"),
            pathway::outcome_text(&bundle, &evaluation)
        );
        snapshot!(
            format!("render__markdown__{name}"),
            pathway::outcome_markdown(&bundle, &evaluation)
        );
    }
}

#[test]
fn evaluation_json_contract() {
    let bundle = bundle();
    for name in ["child_in_danger_turning_18", "needs_answer_age_basis"] {
        let value = pathway::evaluation_json(&bundle, &case(&bundle, name));
        let text = serde_json::to_string_pretty(&value).unwrap();
        snapshot!(format!("render__json__{name}"), text);
    }
    let finished =
        pathway::evaluation_json(&bundle, &case(&bundle, "adult_declines_council_worker"));
    assert_eq!(finished["status"], "finished");
    assert_eq!(finished["codes"][0], "duty_to_notify");
    assert!(finished.get("next_fact").is_none());
    let unfinished = pathway::evaluation_json(&bundle, &case(&bundle, "needs_answer_age_basis"));
    assert_eq!(unfinished["status"], "needs_answer");
    assert_eq!(unfinished["codes"], json!(["call_999"]));
    assert_eq!(unfinished["next_fact"], "age_basis");
}

#[test]
fn text_never_presents_an_unverified_contact_as_fact() {
    let bundle = bundle();
    for (name, ..) in cases() {
        let evaluation = case(&bundle, name);
        let pathway::State::Finished(outcome) = &evaluation.state else {
            continue;
        };
        let text = pathway::outcome_text(&bundle, &evaluation);
        for action in &outcome.actions {
            let Some(contact) = &action.contact else {
                continue;
            };
            if let (false, Some(phone)) = (contact.contact.verified, &contact.contact.phone) {
                assert!(
                    text.contains(&format!("{phone} (unverified: check locally)")),
                    "{name}: {phone}"
                );
            }
        }
    }
}

#[test]
fn adult_graph_with_walked_path() {
    let bundle = bundle();
    let adult = bundle.find("adult").unwrap();
    let evaluation = case(&bundle, "adult_declines_council_worker");
    for (format, ext) in [(GraphFormat::Dot, "dot"), (GraphFormat::Mermaid, "mermaid")] {
        let chart = pathway::graph(&bundle, adult, format, Some(&evaluation.trail));
        assert_eq!(
            chart,
            pathway::graph(&bundle, adult, format, Some(&evaluation.trail))
        );
        snapshot!(format!("render__graph__adult_walked.{ext}"), chart);
    }
}

#[test]
fn svg_is_well_formed_and_highlights_the_walk() {
    let bundle = bundle();
    let evaluation = case(&bundle, "child_in_danger_turning_18");
    for id in bundle.pathways() {
        let svg = pathway::graph(&bundle, id, GraphFormat::Svg, Some(&evaluation.trail));
        assert_eq!(
            svg,
            pathway::graph(&bundle, id, GraphFormat::Svg, Some(&evaluation.trail))
        );
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-label=\""));
        assert!(!svg.contains("NaN"));
        // One group per step, each with a tooltip (DOT gives each step one `tooltip=`).
        let nodes = pathway::graph(&bundle, id, GraphFormat::Dot, None)
            .matches(", tooltip=")
            .count();
        assert_eq!(svg.matches("<g class=\"step ").count(), nodes);
        assert_eq!(svg.matches("<title>").count(), nodes + 1);
        let walked = evaluation
            .trail
            .iter()
            .any(|v| v.pathway == bundle.meta(id).id);
        assert_eq!(svg.contains(" walked\""), walked, "{}", bundle.meta(id).id);
        // Balanced elements.
        for tag in ["g", "text", "defs", "marker"] {
            let open =
                svg.matches(&format!("<{tag}>")).count() + svg.matches(&format!("<{tag} ")).count();
            assert_eq!(open, svg.matches(&format!("</{tag}>")).count(), "<{tag}>");
        }
        let view_box = svg
            .split("viewBox=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        let numbers: Vec<i64> = view_box.split(' ').map(|n| n.parse().unwrap()).collect();
        assert!(
            numbers.len() == 4 && numbers[2] > 0 && numbers[3] > 0,
            "{view_box}"
        );
        // Every coordinate lies inside the view box.
        for attr in [" x=\"", " y=\"", " width=\"", " height=\""] {
            for part in svg.split(attr).skip(1) {
                let n: i64 = part.split('"').next().unwrap().parse().unwrap();
                assert!((0..=numbers[2].max(numbers[3])).contains(&n), "{attr}{n}");
            }
        }
    }
    let err = "png".parse::<GraphFormat>().unwrap_err();
    assert!(err.contains("dot, mermaid, svg"), "{err}");
}
