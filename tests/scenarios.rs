//! Trainers' scenarios as conformance tests: each one through the library and through the
//! CLI's `decide`, with its rendered outcome as a reviewed snapshot; together they must cover
//! every step and edge of the bundled pathways. Also the vocabulary contract: a record of
//! v1 facts alone always finishes.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use pathway::model::FactType;
use pathway::vocab::FACTS_V1;
use pathway::{Bundle, Config, Date, Facts, Scenario, State, Value, bundled, coverage, evaluate};
use pathway_tests::{pathway_bin, root};

fn scenarios() -> Vec<(String, Scenario)> {
    let mut paths: Vec<_> = fs::read_dir(root().join("fixtures/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let scenario = Scenario::from_json(&fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, scenario)
        })
        .collect()
}

fn bundle() -> Bundle {
    bundled().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_scenario_gives_its_expected_outcome_and_snapshot() {
    let bundle = bundle();
    let all = scenarios();
    assert!(all.len() >= 30, "only {} scenarios", all.len());
    let mut failures = Vec::new();
    for (name, scenario) in &all {
        let run = scenario.run(&bundle);
        if !run.passed() {
            failures.push(format!("{name}: {}", run.problems.join("; ")));
            continue;
        }
        let evaluation = run.evaluation.as_ref().unwrap();
        let text = pathway::outcome_text(&bundle, evaluation);
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true, description => scenario.title.clone() }, {
            insta::assert_snapshot!(format!("scenario__{name}"), text);
        });
    }
    assert!(
        failures.is_empty(),
        "scenarios failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_scenario_gives_the_same_result_through_the_cli_decide() {
    let bin = pathway_bin();
    let bundle = bundle();
    for (name, scenario) in scenarios() {
        let mut cmd = Command::new(&bin);
        cmd.arg("decide");
        if let Some(p) = &scenario.pathway {
            cmd.arg(p);
        }
        let mut child = cmd
            .args([
                "--facts",
                "-",
                "--format",
                "json",
                "--today",
                &scenario.today,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let record = serde_json::to_string(&scenario.facts).unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(record.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{name}: decide failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let run = scenario.run(&bundle);
        assert_eq!(json["status"], run.status.as_str(), "{name}");
        let codes: Vec<String> = serde_json::from_value(json["codes"].clone()).unwrap();
        assert_eq!(codes, run.codes, "{name}");
        assert_eq!(
            json.get("next_fact").and_then(|f| f.as_str()),
            run.next_fact.as_deref(),
            "{name}"
        );
    }
}

#[test]
fn scenarios_cover_every_step_and_edge_of_the_bundled_pathways() {
    let bundle = bundle();
    let runs: Vec<_> = scenarios()
        .iter()
        .filter_map(|(_, s)| s.run(&bundle).evaluation)
        .collect();
    let cov = coverage(&bundle, runs.iter().map(|e| e.trail.as_slice()));
    assert!(
        cov.is_complete(),
        "scenario coverage dropped: {}/{} steps, {}/{} edges\nmissing steps: {:#?}\nmissing edges: {:#?}",
        cov.steps_visited,
        cov.steps_total,
        cov.edges_taken,
        cov.edges_total,
        cov.missing_steps,
        cov.missing_edges
    );
}

/// Answers that stand for every class a v1 fact's rules distinguish.
fn v1_answers(ty: FactType, options: &[&str], today: Date) -> Vec<Value> {
    match ty {
        FactType::Bool => vec![Value::Bool(true), Value::Bool(false)],
        FactType::Choice => options
            .iter()
            .map(|o| Value::Choice((*o).to_owned()))
            .collect(),
        FactType::Integer => [0, 10, 16, 17, 18, 19, 40, 120].map(Value::Int).to_vec(),
        FactType::Date => {
            let born = |years: i32, days: i64| {
                Value::Date(today.anniversary(-years).unwrap().add_days(days).unwrap())
            };
            vec![
                born(10, 0),
                born(17, 0),
                born(18, 1),
                born(18, 0),
                born(18, -1),
                born(17, -200),
                born(30, 0),
                born(100, 0),
            ]
        }
    }
}

/// Walks every combination of v1 answers the pathway asks for and checks that each record
/// of v1 facts alone (read as a record is read, so a v1 `true` for a widened fact reads as
/// `"yes"`) finishes (extra facts take their defaults) without asking anything else. Where
/// content 2.0.0 asks who the worker works for, a v1 record gives the v1 facts that answer
/// settles (whether the organisation is a First Responder, and a public authority) instead.
fn finishes_on_v1_facts_alone(
    bundle: &Bundle,
    start: pathway::PathwayId,
    record: &mut serde_json::Map<String, serde_json::Value>,
    today: Date,
    leaves: &mut usize,
) {
    let config = Config {
        today,
        use_defaults: true,
    };
    let facts = bundle
        .parse_facts(&serde_json::Value::Object(record.clone()), today)
        .unwrap_or_else(|e| panic!("the v1 record {record:?} is refused: {e}"));
    let evaluation = evaluate(bundle, start, &facts, &config);
    match &evaluation.state {
        State::Finished(outcome) => {
            assert!(!outcome.actions.is_empty());
            no_reason_rests_on_a_default(&evaluation, &facts);
            *leaves += 1;
        }
        State::NeedsAnswer(q) => {
            let v1 = |id: &str| FACTS_V1.iter().find(|(f, _, _)| *f == id).copied();
            let asked: Vec<&str> = match v1(&q.fact) {
                Some(_) => vec![&*q.fact],
                None => bundle
                    .fact(&q.fact)
                    .map(|d| d.settled_facts().iter().map(String::as_str).collect())
                    .filter(|s: &Vec<&str>| !s.is_empty() && s.iter().all(|f| v1(f).is_some()))
                    .unwrap_or_else(|| panic!("a record of v1 facts {record:?} is asked `{}`, which is not a v1 fact and has no default", q.fact)),
            };
            let classes: Vec<Vec<Value>> = asked
                .iter()
                .map(|f| {
                    let (_, ty, options) = v1(f).unwrap();
                    v1_answers(ty, options, today)
                })
                .collect();
            let mut pick = vec![0usize; asked.len()];
            'combos: loop {
                for (i, f) in asked.iter().enumerate() {
                    record.insert((*f).to_owned(), classes[i][pick[i]].to_json());
                }
                finishes_on_v1_facts_alone(bundle, start, record, today, leaves);
                for i in 0..pick.len() {
                    pick[i] += 1;
                    if pick[i] < classes[i].len() {
                        continue 'combos;
                    }
                    pick[i] = 0;
                }
                break;
            }
            for f in &asked {
                record.remove(*f);
            }
        }
        State::Blocked { step, message } => panic!("blocked at {step}: {message} with {record:?}"),
    }
}

/// A fact the record omits takes its default, which the worker never said: the trail must not
/// give a reason that states it (such as "they can talk with them directly").
fn no_reason_rests_on_a_default(evaluation: &pathway::Evaluation, facts: &Facts) {
    for visit in &evaluation.trail {
        let Some(answer) = &visit.answer else {
            continue;
        };
        if evaluation.defaulted.contains(&answer.fact) {
            assert!(
                visit.reason.is_none(),
                "{}#{} gives the reason {:?} for the default of `{}`, with {facts:?}",
                visit.pathway,
                visit.step,
                visit.reason,
                answer.fact
            );
        }
    }
}

#[test]
fn a_record_of_v1_facts_alone_always_finishes() {
    let bundle = bundle();
    let today: Date = "2026-11-22".parse().unwrap();
    for start in bundle.pathways() {
        let mut leaves = 0;
        let mut record = serde_json::Map::new();
        finishes_on_v1_facts_alone(&bundle, start, &mut record, today, &mut leaves);
        assert!(
            leaves > 10,
            "{}: only {leaves} records",
            bundle.meta(start).id
        );
    }
}

/// Every scenario record of content 1.0.0 (`fixtures/v1/scenarios`, with its 1.0.0
/// expectation) is still accepted. Its outcome under the current content is either the one
/// 1.0.0 gave, or a change listed in `fixtures/v1/changes.json` with the review finding or
/// December 2026 decision that asks for it; a listed change that no longer happens is stale.
#[test]
fn v1_records_keep_their_meaning_or_change_as_the_decisions_ask() {
    let bundle = bundle();
    let changes: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(root().join("fixtures/v1/changes.json")).unwrap())
            .unwrap();
    let dir = root().join("fixtures/v1/scenarios");
    let mut seen = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(entries.len() >= 30, "only {} v1 records", entries.len());
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let v1 = Scenario::from_json(&fs::read_to_string(&path).unwrap()).unwrap();
        let run = v1.run(&bundle);
        assert!(
            !run.status.is_empty(),
            "{name}: the v1 record is refused: {:?}",
            run.problems
        );
        let now = serde_json::json!({
            "status": run.status,
            "codes": run.codes,
            "next_fact": run.next_fact,
        });
        match changes.get(&name) {
            None => assert!(
                run.problems.is_empty(),
                "{name}: the outcome changed and fixtures/v1/changes.json does not say why: {:?}",
                run.problems
            ),
            Some(change) => {
                seen.push(name.clone());
                assert!(
                    !run.problems.is_empty(),
                    "{name} is listed as changed but is not"
                );
                for field in ["status", "codes", "next_fact"] {
                    assert_eq!(
                        change.get(field).unwrap_or(&serde_json::Value::Null),
                        &now[field],
                        "{name}: `{field}` differs from the change listed"
                    );
                }
                let because: Vec<&str> = change["because"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|b| b.as_str().unwrap())
                    .collect();
                assert!(!because.is_empty(), "{name}: no reason given");
                for reason in because {
                    let cites_finding = (1..=11).any(|n| {
                        reason.contains(&format!("R{n}")) || reason.contains(&format!("E{n}"))
                    });
                    assert!(
                        cites_finding && reason.contains("December 2026 decisions"),
                        "{name}: the reason {reason:?} names no review finding and no December 2026 decision"
                    );
                }
            }
        }
    }
    let stale: Vec<&String> = changes.keys().filter(|k| !seen.contains(k)).collect();
    assert!(
        stale.is_empty(),
        "listed changes with no v1 record: {stale:?}"
    );
}
