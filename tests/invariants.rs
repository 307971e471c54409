//! Deliberately broken copies of the shipped pathways (`fixtures/invalid/shipped/*.json`,
//! each a patch of one step): loading refuses each with the broken invariant and a
//! counterexample, and the counterexample, fed back to evaluation, reproduces the violation.

use std::fs;

use pathway::{Bundle, Config, LoadOptions, SourceFile, State, bundled_files, evaluate, verify};
use pathway_tests::root;
use serde_json::Value as Json;

struct Patch {
    name: String,
    file: String,
    step: String,
    set: serde_json::Map<String, Json>,
    breaks: String,
}

fn patches() -> Vec<Patch> {
    let mut paths: Vec<_> = fs::read_dir(root().join("fixtures/invalid/shipped"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let json: Json = serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
            Patch {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                file: json["file"].as_str().unwrap().to_owned(),
                step: json["step"].as_str().unwrap().to_owned(),
                set: json["set"].as_object().unwrap().clone(),
                breaks: json["breaks"].as_str().unwrap().to_owned(),
            }
        })
        .collect()
}

/// The bundled files with the patch applied to one step.
fn patched(patch: &Patch) -> Vec<(String, String)> {
    bundled_files()
        .iter()
        .map(|f| {
            if f.name != patch.file {
                return (f.name.to_owned(), f.text.to_owned());
            }
            let mut json: Json = serde_json::from_str(f.text).unwrap();
            let step = json["steps"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|s| s["id"] == patch.step.as_str())
                .unwrap_or_else(|| {
                    panic!("{}: no step `{}` in {}", patch.name, patch.step, patch.file)
                });
            for (k, v) in &patch.set {
                step[k] = v.clone();
            }
            (
                f.name.to_owned(),
                serde_json::to_string_pretty(&json).unwrap(),
            )
        })
        .collect()
}

fn sources(files: &[(String, String)]) -> Vec<SourceFile<'_>> {
    files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect()
}

#[test]
fn each_broken_copy_is_refused_and_its_counterexample_reproduces_the_violation() {
    let all = patches();
    assert!(all.len() >= 5);
    for patch in all {
        let files = patched(&patch);
        let err = Bundle::load(&sources(&files))
            .err()
            .unwrap_or_else(|| panic!("{} loaded", patch.name));
        let broken: Vec<_> = err.0.iter().filter(|d| d.is_error()).collect();
        assert!(
            broken.iter().all(|d| d.code == "invariant-broken"),
            "{}: only invariants may break, got:\n{err}",
            patch.name
        );
        assert!(
            broken
                .iter()
                .any(|d| d.location == format!("invariant `{}`", patch.breaks)),
            "{}: expected `{}` to break, got:\n{err}",
            patch.name,
            patch.breaks
        );

        // Load it anyway and replay the shortest counterexample.
        let options = LoadOptions {
            prove_invariants: false,
        };
        let bundle = Bundle::load_with(&sources(&files), &options).unwrap();
        let today = "2026-11-22".parse().unwrap();
        let report = verify(&bundle, today);
        let verdict = report
            .invariants
            .iter()
            .find(|i| i.id == patch.breaks && i.counterexample.is_some())
            .unwrap();
        let example = verdict.counterexample.as_ref().unwrap();
        let start = bundle.find(&example.pathway).unwrap();
        let evaluation = evaluate(&bundle, start, &example.facts, &Config::new(example.today));
        let State::Finished(outcome) = &evaluation.state else {
            panic!("{}: counterexample does not finish", patch.name)
        };
        let path: Vec<String> = evaluation
            .trail
            .iter()
            .map(|v| format!("{}#{}", v.pathway, v.step))
            .collect();
        assert_eq!(path, example.path, "{}", patch.name);
        let codes: Vec<String> = outcome.codes().iter().map(|c| (*c).to_owned()).collect();
        assert_eq!(codes, example.codes, "{}", patch.name);

        // And the replayed outcome really is the violation the invariant forbids.
        let facts = &example.facts;
        let is = |fact: &str, v: Json| facts.get(fact).map(|x| x.to_json()) == Some(v);
        let violated = match patch.breaks.as_str() {
            "danger_first" => {
                is("immediate_danger", Json::Bool(true))
                    && codes.first().map(String::as_str) != Some("call_999")
            }
            "child_referred" => codes.contains(&"duty_to_notify".to_owned()),
            "adult_declined" => {
                is("consent_to_nrm", "declined".into())
                    && codes.contains(&"nrm_referral".to_owned())
            }
            "adult_safeguarding" => {
                is("care_and_support_needs", Json::Bool(true))
                    && !codes.contains(&"adult_safeguarding_referral".to_owned())
            }
            "child_no_consent" => evaluation.trail.iter().any(|v| {
                v.answer
                    .as_ref()
                    .is_some_and(|a| a.fact == "consent_to_nrm")
            }),
            other => panic!("no replay check for `{other}`"),
        };
        assert!(
            violated,
            "{}: replay of {:?} does not show the violation: {codes:?}",
            patch.name, facts
        );
    }
}

#[test]
fn the_shipped_set_proves_every_invariant_over_every_path() {
    let files: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| (f.name.to_owned(), f.text.to_owned()))
        .collect();
    let bundle = Bundle::load(&sources(&files)).unwrap_or_else(|e| panic!("{e}"));
    let report = verify(&bundle, "2026-11-22".parse().unwrap());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(report.paths > 100, "only {} paths", report.paths);
    let ids: Vec<&str> = report.invariants.iter().map(|i| i.id.as_str()).collect();
    for id in [
        "danger_first",
        "child_no_consent",
        "child_referred",
        "adult_nrm_needs_consent",
        "adult_declined",
        "route_into_system",
        "adult_safeguarding",
        "age_route_first",
        "must_ask",
    ] {
        assert!(
            ids.contains(&id),
            "invariant `{id}` is not checked; checked: {ids:?}"
        );
    }
    assert!(
        report
            .invariants
            .iter()
            .all(|i| i.counterexample.is_none() && i.paths > 0)
    );
}
