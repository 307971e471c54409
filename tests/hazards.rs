//! The hazard log (DESIGN.md §7c): every route the December 2026 content review found
//! dangerous (findings R1-R11 of the review of content 1.0.0) is a hazard of
//! `hazards.json`, and a fixture in `fixtures/hazards/R<n>-<slug>.json` puts the content 1.0.0
//! behaviour the review describes back into the shipped set (the patch format of
//! `invariants.rs`, with `"hazard": "H-R<n>"`). For each fixture, verification shows the hazard
//! NOT controlled, every failing control has a counterexample that replays through the library
//! and through `pathway decide --unproven` showing the violation, and `pathway check` on the
//! patched files says so and fails; the shipped set controls every hazard.

use std::collections::BTreeSet;
use std::fs;

use pathway::{Bundle, LoadOptions, bundled_files, verify};
use pathway_tests::pathway;
use serde_json::Value as Json;

use crate::invariants::{
    Set, patched, patches_in, reference_date, replay_shows_violation, sources, write_set,
};

const FIXTURES: &str = "fixtures/hazards";

/// The hazards of the shipped log: (id, finding, controls).
fn shipped_hazards() -> Vec<(String, Option<String>, Vec<String>)> {
    let file = bundled_files()
        .iter()
        .find(|f| f.text.contains("\"hazards/v1\""))
        .expect("the shipped set has a hazard log");
    let json: Json = serde_json::from_str(file.text).unwrap();
    json["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_owned(),
                h["finding"].as_str().map(str::to_owned),
                h["controls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

/// Whether a finding is one of the review's dangerous routes, R1 to R11.
fn dangerous_route(finding: &str) -> bool {
    finding
        .strip_prefix('R')
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (1..=11).contains(&n))
}

#[test]
fn every_dangerous_route_of_the_review_is_a_hazard_with_a_fixture() {
    let hazards = shipped_hazards();
    let findings: BTreeSet<&str> = hazards
        .iter()
        .filter_map(|(_, f, _)| f.as_deref())
        .filter(|f| dangerous_route(f))
        .collect();
    let all: BTreeSet<String> = (1..=11).map(|n| format!("R{n}")).collect();
    let all: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    assert_eq!(findings, all, "every finding R1-R11 is a hazard of the log");

    let fixtures = patches_in(FIXTURES);
    let mut missing = Vec::new();
    for (id, finding, _) in &hazards {
        let Some(finding) = finding.as_deref().filter(|f| dangerous_route(f)) else {
            continue;
        };
        let found = fixtures.iter().filter(|p| p.hazard.as_deref() == Some(id));
        if !found
            .clone()
            .any(|p| p.name.starts_with(&format!("{finding}-")))
        {
            missing.push(format!("{id} ({finding})"));
        }
    }
    assert!(
        missing.is_empty(),
        "no fixture {FIXTURES}/R<n>-<slug>.json for {missing:?}"
    );
    for p in &fixtures {
        let hazard = p
            .hazard
            .as_deref()
            .unwrap_or_else(|| panic!("{}: a hazard fixture names its `hazard`", p.name));
        assert!(
            p.breaks.is_none(),
            "{}: `breaks` is for broken copies",
            p.name
        );
        let (_, finding, _) = hazards
            .iter()
            .find(|(id, _, _)| id == hazard)
            .unwrap_or_else(|| panic!("{}: no hazard `{hazard}` in the log", p.name));
        let finding = finding.as_deref().unwrap_or_default();
        assert!(
            dangerous_route(finding) && p.name.starts_with(&format!("{finding}-")),
            "{}: `{hazard}` answers finding `{finding}`: name the file {finding}-<slug>.json",
            p.name
        );
    }
}

#[test]
fn the_shipped_set_controls_every_hazard() {
    let bundle = pathway::bundled().unwrap_or_else(|e| panic!("{e}"));
    let report = verify(&bundle, reference_date(&bundle));
    let hazards = shipped_hazards();
    assert_eq!(report.hazards.len(), hazards.len());
    for h in &report.hazards {
        assert!(
            h.controlled(),
            "{} is not controlled: {:?}",
            h.id,
            h.failing
        );
    }
    let o = pathway(&["check"], "");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    for (id, _, _) in &hazards {
        assert!(
            o.stdout.contains(&format!("  controlled: {id} (")),
            "`pathway check` does not show {id} controlled:\n{}",
            o.stdout
        );
    }
    assert!(!o.stdout.contains("NOT controlled"), "{}", o.stdout);
}

#[test]
fn each_hazard_fixture_shows_its_control_failing_with_a_replayable_counterexample() {
    let fixtures = patches_in(FIXTURES);
    assert!(
        fixtures.len() >= 11,
        "only {} hazard fixtures",
        fixtures.len()
    );
    let hazards = shipped_hazards();
    let options = LoadOptions {
        prove_invariants: false,
    };
    for patch in fixtures {
        let name = &patch.name;
        let hazard = patch.hazard.clone().unwrap();
        let files = patched(&patch);
        let bundle = Bundle::load_with(&sources(&files), &options)
            .unwrap_or_else(|e| panic!("{name}: the patched set does not load:\n{e}"));
        let report = verify(&bundle, reference_date(&bundle));
        let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(
            errors.iter().all(|d| d.code == "invariant-broken"),
            "{name}: only invariants may break, got {errors:?}"
        );
        let h = report
            .hazards
            .iter()
            .find(|h| h.id == hazard)
            .unwrap_or_else(|| panic!("{name}: no verdict on {hazard}"));
        assert!(
            !h.controlled() && !h.failing.is_empty(),
            "{name}: {hazard} is still controlled: the fixture does not bring back the v1 behaviour"
        );
        let (_, _, controls) = hazards.iter().find(|(id, _, _)| *id == hazard).unwrap();
        assert_eq!(&h.controls, controls, "{name}");

        let set = Set::of(&files);
        let dir = write_set(name, &files);
        for control in &h.failing {
            assert!(controls.contains(control), "{name}: {control}");
            let examples: Vec<_> = report
                .invariants
                .iter()
                .filter(|i| i.id == *control)
                .filter_map(|i| i.counterexample.as_ref())
                .collect();
            assert!(
                !examples.is_empty(),
                "{name}: `{control}` fails with no counterexample"
            );
            for example in examples {
                replay_shows_violation(name, &bundle, &set, &dir, control, example);
            }
        }

        // `pathway check` on the patched files names the hazard and fails.
        let o = pathway(&["check".as_ref(), dir.as_os_str()], "");
        assert_eq!(o.code, 1, "{name}: {}{}", o.stdout, o.stderr);
        let line = format!("NOT controlled: {hazard} (");
        assert!(
            o.stdout.lines().any(|l| l.contains(&line)),
            "{name}: `pathway check` prints no `{line}`:\n{}",
            o.stdout
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
