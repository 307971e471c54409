//! The explorer against the enumeration, verdict for verdict and counterexample for
//! counterexample, on generated sets small enough to enumerate; and on the bundled set.

use std::cell::RefCell;

use super::*;
use crate::bundle::{LoadOptions, PathwayId, SourceFile, StepKind};
use crate::evaluate::{Status, decide};
use crate::rule;
use crate::walk::{AnswerTable, Config, FactScope, Walk, advance, collect_actions};

thread_local! {
    /// While set, every verification on this thread is also done by enumeration and both
    /// reports are kept: sets whose verification finds errors do not load, so the reports
    /// are caught here.
    static CROSS: RefCell<Option<Vec<(Report, Report)>>> = const { RefCell::new(None) };
}

pub(super) fn cross_check(bundle: &Bundle, today: Date, report: &Report) {
    let on = CROSS.with(|c| c.borrow().is_some());
    if on {
        let reference = verify_by_enumeration(bundle, today);
        CROSS.with(|c| {
            if let Some(pairs) = c.borrow_mut().as_mut() {
                pairs.push((report.clone(), reference));
            }
        });
    }
}

/// Loads a set with every verification cross-checked; the pairs of reports, and the set.
fn load_checked(files: &[(String, String)]) -> (Vec<(Report, Report)>, Option<Bundle>) {
    CROSS.with(|c| *c.borrow_mut() = Some(Vec::new()));
    let sources: Vec<SourceFile<'_>> = files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    let options = LoadOptions {
        prove_invariants: false,
    };
    let bundle = Bundle::load_with(&sources, &options).ok();
    if let Some(b) = &bundle {
        for today in ["2026-11-22", "2008-02-29"] {
            let _ = verify(b, today.parse().unwrap_or(Date::EPOCH));
        }
    }
    let pairs = CROSS.with(|c| c.borrow_mut().take()).unwrap_or_default();
    (pairs, bundle)
}

/// The explorer's report equals the enumeration's, but for the states counted.
fn assert_same(explored: &Report, enumerated: &Report, what: &str) {
    let mut a = explored.clone();
    a.states = enumerated.states;
    if a != *enumerated {
        for (x, y) in a.invariants.iter().zip(&enumerated.invariants) {
            assert_eq!(x, y, "{what}: invariant differs");
        }
        assert_eq!(
            a.diagnostics, enumerated.diagnostics,
            "{what}: diagnostics differ"
        );
        assert_eq!(a, *enumerated, "{what}: reports differ");
    }
}

/// Replays a counterexample through `decide` and the invariant it breaks: the walk must
/// finish with the recorded codes, and the invariant must not be definitely true on it.
fn assert_breaks(bundle: &Bundle, c: &Counterexample, inv: &InvariantResult, what: &str) {
    let Some(start) = bundle.find(&c.pathway) else {
        panic!("{what}: no pathway {}", c.pathway);
    };
    let config = Config::new(c.today);
    let decision = decide(bundle, start, &c.facts, &config);
    assert_eq!(decision.status, Status::Finished, "{what}: {c:?}");
    assert_eq!(decision.codes, c.codes, "{what}: codes of {c:?}");
    let PathwayId(start) = start;
    let table = AnswerTable::new(bundle, &c.facts, &config);
    let answers = table.answers();
    let mut walk = Walk::new(bundle, start);
    let _ = advance(bundle, &answers, &config, &mut walk);
    let asked = scope::asked_on(bundle, &walk, &c.facts);
    let Some(p) = bundle
        .pathways
        .iter()
        .position(|p| p.meta.id == inv.pathway)
    else {
        panic!("{what}: no pathway {}", inv.pathway);
    };
    let pathway = &bundle.pathways[p];
    if inv.id == "must_ask" {
        let all = pathway.must_ask.iter().all(|f| asked.contains(&f.as_str()));
        assert!(!all, "{what}: every must-ask fact is asked on {c:?}");
        return;
    }
    let Some(rule) = pathway.invariants.iter().find(|i| i.id == inv.id) else {
        panic!("{what}: no invariant {}", inv.id);
    };
    let actions = collect_actions(bundle, &walk);
    let codes: Vec<&str> = actions.iter().map(|(_, c, _)| *c).collect();
    let scope = scope::PathScope {
        inner: FactScope {
            bundle,
            pathway: p,
            config: &config,
            answers: &answers,
        },
        facts: &c.facts,
        walk: &walk,
        asked: &asked,
        codes: &codes,
        actions: &actions,
    };
    assert_ne!(
        rule::eval3(&rule.rule, &scope),
        Some(true),
        "{what}: {c:?} does not break `{}`",
        inv.id
    );
    assert!(
        walk.visits.iter().any(|v| v.pathway == p),
        "{what}: the walk never enters {}",
        inv.pathway
    );
    assert!(matches!(
        bundle.pathways[walk.at.0].steps[walk.at.1].kind,
        StepKind::Outcome { .. }
    ));
}

#[test]
fn generated_sets_verify_as_enumerated_counterexample_for_counterexample() {
    compare_generated(0..1000, 4, [1000, 150, 500, 200, 50]);
}

#[test]
fn larger_generated_sets_verify_as_enumerated() {
    // Longer walks, where more of them merge.
    compare_generated(10_000..10_150, 7, [150, 15, 75, 25, 0]);
}

/// Compares both verifiers on the sets of `seeds`, replays every counterexample, and checks
/// the generator exercised enough: verifications compared, sets loaded, counterexamples,
/// verifications with errors at steps, with a hazard log (at least `least` of each).
fn compare_generated(seeds: std::ops::Range<u64>, questions: usize, least: [usize; 5]) {
    let (mut compared, mut loaded, mut broken, mut errors, mut replayed, mut hazards) =
        (0, 0, 0, 0, 0, 0);
    let mut merged = 0;
    for seed in seeds {
        let files = sets::set(seed, questions);
        let (pairs, bundle) = load_checked(&files);
        for (explored, enumerated) in &pairs {
            assert_same(explored, enumerated, &format!("seed {seed}"));
            compared += 1;
            errors += usize::from(
                explored
                    .diagnostics
                    .iter()
                    .any(|d| d.is_error() && d.code != "invariant-broken"),
            );
            hazards += usize::from(!explored.hazards.is_empty());
            merged += usize::from(explored.states < enumerated.states);
        }
        let Some(bundle) = bundle else { continue };
        loaded += 1;
        for (explored, _) in &pairs {
            for inv in &explored.invariants {
                if let Some(c) = &inv.counterexample {
                    broken += 1;
                    assert_breaks(&bundle, c, inv, &format!("seed {seed}"));
                    replayed += 1;
                }
            }
        }
    }
    // The generator must exercise every kind of verdict: enough sets, some that load, some
    // with broken invariants, some with errors at steps.
    eprintln!("{compared} {loaded} {broken} {errors} {hazards} {merged}");
    // Walks were merged (fewer states than paths) in a good part of them, so the
    // comparison tests merging, not a plain enumeration.
    assert!(
        merged * 4 >= compared,
        "only {merged} of {compared} verifications merged walks"
    );
    let [c, l, b, e, h] = least;
    assert!(compared >= c, "only {compared} verifications compared");
    assert!(loaded >= l, "only {loaded} sets loaded");
    assert!(
        broken >= b && replayed == broken,
        "{broken} counterexamples, {replayed} replayed"
    );
    assert!(
        errors >= e,
        "only {errors} verifications with errors at steps"
    );
    assert!(hazards >= h, "only {hazards} verifications of a hazard log");
}

#[test]
fn the_bundled_set_verifies_as_enumerated() {
    let bundle = crate::compile::bundled().unwrap();
    let today = "2026-11-22".parse().unwrap();
    let explored = verify(&bundle, today);
    let enumerated = verify_by_enumeration(&bundle, today);
    assert_same(&explored, &enumerated, "bundled");
    assert!(
        explored.states * 10 < explored.paths,
        "{} states for {} paths",
        explored.states,
        explored.paths
    );
}

/// A line of `n` yes/no questions (each read by its guard), as files: built as text, so a
/// long one is quick to make.
fn line_files(n: usize) -> Vec<(String, String)> {
    let mut facts = Vec::with_capacity(n);
    let mut steps = Vec::with_capacity(n + 1);
    for i in 0..n {
        let next = if i + 1 == n {
            "done".to_owned()
        } else {
            format!("q{}", i + 1)
        };
        facts.push(format!(
            r#"{{"id":"b{i}","type":"bool","question":"Q{i}?","default":false}}"#
        ));
        steps.push(format!(
            r#"{{"kind":"question","id":"q{i}","fact":"b{i}","next":[{{"when":"b{i}","to":"{next}","because":"yes","cites":["SRC"]}},{{"to":"{next}"}}]}}"#
        ));
    }
    steps.push(
        r#"{"kind":"outcome","id":"done","title":"Done","summary":"Done.","do":["done"]}"#
            .to_owned(),
    );
    let last = n - 1;
    let pathway = format!(
        r#"{{"format":"pathway/v1","id":"line","title":"Line","partnership":"Test","version":"1.0.0","reviewed":"2026-11-01","review_by":"2027-11-01","sources":{{"SRC":{{"title":"Source","url":"https://example.invalid/s","confidence":"H"}}}},"facts":[{}],"actions":{{"done":{{"title":"Close","instructions":"Close it.","why":"Done.","contact":"desk","cites":["SRC"]}}}},"start":"q0","steps":[{}],"must_ask":["b0"],"invariants":[{{"id":"ends","description":"ends","rule":"b0 && b{last} -> did(\"done\")","cites":["SRC"]}}]}}"#,
        facts.join(","),
        steps.join(",")
    );
    let contacts = r#"{"format":"contacts/v1","id":"c","title":"Contacts","sources":{"PHONE":{"title":"Directory","url":"https://example.invalid/d","confidence":"H"}},"contacts":{"desk":{"name":"Desk","phone":"01234 567890","source":"PHONE","url":"https://example.invalid/desk","checked":"2026-11-01","verified":true}}}"#;
    vec![
        ("line.json".into(), pathway),
        ("contacts.json".into(), contacts.to_owned()),
    ]
}

#[test]
fn a_long_pathway_is_compiled_verified_and_drawn_with_a_small_stack() {
    // A stack of 256 kB: code that recursed once per step would overflow long before the
    // 10,000th (the compiler's cycle check did at 100,000 steps on an 8 MB stack).
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let files = line_files(10_000);
            let sources: Vec<SourceFile<'_>> = files
                .iter()
                .map(|(name, text)| SourceFile { name, text })
                .collect();
            let bundle = Bundle::load(&sources).map_err(|e| e.to_string())?;
            let report = verify(&bundle, "2026-11-22".parse().unwrap_or(Date::EPOCH));
            let examples = covering_examples(&bundle, "2026-11-22".parse().unwrap_or(Date::EPOCH));
            let svg = crate::graph(&bundle, bundle.entry(), crate::GraphFormat::Svg, None);
            Ok::<_, String>((report, examples.len(), svg))
        })
        .unwrap();
    let (report, examples, svg) = worker.join().unwrap().unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(
        report.path_count.is_saturated(),
        "2^10000 paths: {}",
        report.path_count
    );
    // Two states a question (b0 answered yes or no), and a few more: linear in the length.
    assert!(report.states < 4 * 10_000, "{} states", report.states);
    assert_eq!(report.invariants.len(), 2);
    assert!(report.invariants.iter().all(|i| i.counterexample.is_none()));
    // One walk takes every edge but one, a second the other answer everywhere.
    assert_eq!(examples, 2);
    assert_eq!(svg.matches("<g class=\"step ").count(), 10_001);
}

/// The contacts of the invalid fixtures, with where and when each was checked.
const CONTACTS: &str = r#"{"format":"contacts/v1","id":"test-contacts","title":"Test contacts","sources":{"PHONE":{"title":"Service websites","url":"https://example.invalid/s","confidence":"H"}},"contacts":{"police":{"name":"Police","phone":"999","source":"PHONE","url":"https://example.invalid/p","checked":"2026-11-01","verified":true},"helpline":{"name":"Helpline","phone":"08000 121 700","source":"PHONE","url":"https://example.invalid/h","checked":"2026-11-01","verified":true}}}"#;

fn load_errors(files: &[(&str, &str)]) -> Vec<String> {
    let sources: Vec<SourceFile<'_>> = files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    match Bundle::load(&sources) {
        Ok(_) => Vec::new(),
        Err(e) => {
            e.0.iter()
                .filter(|d| d.is_error())
                .map(ToString::to_string)
                .collect()
        }
    }
}

#[test]
fn a_cycle_is_reported_at_its_first_step_by_name() {
    let cycle = include_str!("../../../../fixtures/invalid/cycle.json");
    let errors = load_errors(&[("cycle.json", cycle), ("_contacts.json", CONTACTS)]);
    assert_eq!(
        errors,
        [
            "error[cycle]: cycle.json: step `call`: the steps mini#call, mini#danger form a cycle\n  hint: pathways must be acyclic: a walk may never return to a step; hand over to a step after the routing, not to a start"
        ]
    );
}

#[test]
fn a_cycle_through_a_long_pathway_is_found_with_a_small_stack() {
    // The last question of a 50,000-question line leads back to the first: Tarjan's
    // recursive search overflowed on such a pathway.
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut files = line_files(50_000);
            let last = "\"to\":\"done\"";
            files[0].1 = files[0].1.replacen(last, "\"to\":\"q0\"", 1);
            let files: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            load_errors(&files)
        })
        .unwrap();
    let errors = worker.join().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "error[cycle]: line.json: step `q0`: the steps line#q0, line#q1, line#q10,"
        ),
        "{}",
        &errors[0][..200]
    );
}
