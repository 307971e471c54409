//! Benchmarks of the bundled pathways: compile, verify, one evaluation per route, a guided
//! session of ten answers, and batch `decide` against the parse-only limit.
//!
//! Run: `cargo bench -p pathway --bench engine`. Figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pathway::{
    Bundle, Config, Date, Facts, Session, State, bundled, bundled_files, evaluate, verify,
};
use serde_json::json;

#[path = "support/records.rs"]
mod records;

fn today() -> Date {
    records::TODAY.parse().expect("a valid date")
}

/// One record per route through the bundled set (entry -> child or adult, and each ending).
fn routes() -> Vec<(&'static str, serde_json::Value)> {
    let adult = |extra: serde_json::Value| {
        let mut base = json!({
            "immediate_danger": false,
            "age_basis": "stated_age",
            "age": 34,
            "suspected_modern_slavery": true,
            "reporter_is_first_responder": true,
            "reporter_is_public_authority": true,
            "has_capacity_to_consent": true,
            "consent_to_nrm": "given",
            "care_and_support_needs": false,
        });
        if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
            base.extend(extra.clone());
        }
        base
    };
    vec![
        (
            "child_17_danger_dob",
            json!({
                "immediate_danger": true,
                "age_basis": "date_of_birth",
                "date_of_birth": "2008-12-20",
                "suspected_modern_slavery": true,
                "reporter_is_first_responder": true,
            }),
        ),
        (
            "child_age_unknown_not_first_responder",
            json!({
                "immediate_danger": false,
                "age_basis": "unknown",
                "may_be_under_18": true,
                "suspected_modern_slavery": true,
                "reporter_is_first_responder": false,
            }),
        ),
        (
            "child_no_indicators",
            json!({
                "immediate_danger": false,
                "age_basis": "stated_age",
                "age": 12,
                "suspected_modern_slavery": false,
            }),
        ),
        ("adult_consents_first_responder", adult(json!({}))),
        (
            "adult_consents_not_first_responder_care_needs",
            adult(json!({ "reporter_is_first_responder": false, "care_and_support_needs": true })),
        ),
        (
            "adult_declines_public_authority",
            adult(json!({ "consent_to_nrm": "declined" })),
        ),
        (
            "adult_declines_charity_first_responder",
            adult(json!({ "consent_to_nrm": "declined", "reporter_is_public_authority": false })),
        ),
        (
            "adult_lacks_capacity",
            adult(json!({ "has_capacity_to_consent": false, "immediate_danger": true })),
        ),
        (
            "adult_no_indicators",
            adult(json!({ "suspected_modern_slavery": false })),
        ),
    ]
}

fn bench_load(c: &mut Criterion) {
    let today = today();
    let mut g = c.benchmark_group("bundled");
    g.bench_function("load (compile + verify every path)", |b| {
        b.iter(|| Bundle::load(black_box(bundled_files())).expect("the bundled set loads"));
    });
    let bundle = bundled().expect("the bundled set loads");
    g.bench_function("verify", |b| b.iter(|| verify(black_box(&bundle), today)));
    g.finish();
}

fn bench_routes(c: &mut Criterion) {
    let bundle = bundled().expect("the bundled set loads");
    let today = today();
    let config = Config {
        today,
        use_defaults: true,
    };
    let mut g = c.benchmark_group("evaluate");
    for (name, json) in routes() {
        let facts = bundle.parse_facts(&json, today).expect("valid facts");
        let evaluation = evaluate(&bundle, bundle.entry(), &facts, &config);
        assert!(
            matches!(evaluation.state, State::Finished(_)),
            "route {name} does not finish"
        );
        g.bench_function(name, |b| {
            b.iter(|| {
                evaluate(
                    black_box(&bundle),
                    bundle.entry(),
                    black_box(&facts),
                    &config,
                )
            });
        });
    }
    g.finish();
    // The decision alone (status, codes, next fact), as decide --brief and --stats use it.
    let mut g = c.benchmark_group("decide");
    for (name, json) in routes() {
        let facts = bundle.parse_facts(&json, today).expect("valid facts");
        g.bench_function(name, |b| {
            b.iter(|| {
                pathway::decide(
                    black_box(&bundle),
                    bundle.entry(),
                    black_box(&facts),
                    &config,
                )
            });
        });
    }
    g.finish();
    let mut g = c.benchmark_group("parse_facts");
    let (_, json) = &routes()[3];
    g.bench_function("adult record", |b| {
        b.iter(|| bundle.parse_facts(black_box(json), today))
    });
    g.finish();
}

/// The answers one at a time, as the guided walk asks for them (vocabulary v2): an adult who
/// declines, met by a charity First Responder, with no doubt about their capacity.
fn bench_session(c: &mut Criterion) {
    let bundle = bundled().expect("the bundled set loads");
    let today = today();
    let answers = json!({
        "immediate_danger": false,
        "needs_safe_place_tonight": false,
        "language_barrier": false,
        "someone_speaks_for_them": false,
        "age_basis": "stated_age",
        "age": 40,
        "suspected_modern_slavery": "yes",
        "reporter_organisation": "first_responder_charity",
        "exploitation_type": "labour",
        "care_and_support_needs": false,
        "has_capacity_to_consent": "yes",
        "consent_to_nrm": "declined",
    });
    // Answer whatever the walk asks next, in its order; count the answers.
    let walk = || {
        let mut session = Session::new(&bundle, bundle.entry(), today);
        let mut n = 0;
        while let State::NeedsAnswer(q) = session.current().state {
            let value = answers.get(&*q.fact).expect("an answer for every question");
            session
                .answer(&q.fact, value)
                .expect("the session accepts the answer");
            n += 1;
        }
        (n, session.current())
    };
    let (n, last) = walk();
    assert!(n >= 10, "only {n} answers");
    assert!(
        matches!(last.state, State::Finished(_)),
        "the session finishes"
    );
    c.bench_function("session of ten answers", |b| b.iter(walk));
}

/// Batch `decide` in the library on 10^4 and on 10^6 records: parse only (the limit: each
/// line into validated facts, as `pathway decide` reads it), and parse + decide + the
/// `--brief` line.
fn bench_batch(c: &mut Criterion) {
    batch(c, "batch 10^4 records", 10_000, 20);
    batch(c, "batch 10^6 records", 1_000_000, 10);
}

fn batch(c: &mut Criterion, group: &str, n: usize, samples: usize) {
    let bundle = bundled().expect("the bundled set loads");
    let today = today();
    let config = Config {
        today,
        use_defaults: true,
    };
    let input = records::records(1, n);
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(samples);
    if n > 100_000 {
        // About 1.5 s an iteration: room for the samples.
        g.measurement_time(std::time::Duration::from_secs(25));
    }
    g.bench_function("serde_json::Value only", |b| {
        b.iter(|| {
            input
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).is_ok() as usize)
                .sum::<usize>()
        });
    });
    g.bench_function("parse only (parse_facts_str)", |b| {
        b.iter(|| {
            input
                .lines()
                .map(|l| {
                    bundle
                        .parse_facts_str(l, today)
                        .map(|f| f.iter().count())
                        .unwrap_or(0)
                })
                .sum::<usize>()
        });
    });
    g.bench_function("decide --brief (parse + decide + serialise)", |b| {
        b.iter_batched_ref(
            || Vec::with_capacity(n * 128),
            |out| {
                for l in input.lines() {
                    let facts = bundle.parse_facts_str(l, today).expect("valid facts");
                    decide_line(&bundle, &facts, &config, out);
                }
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

/// The decision of one record as a JSON line (what `pathway decide --brief` writes, less
/// the record number).
fn decide_line(bundle: &Bundle, facts: &Facts, config: &Config, out: &mut Vec<u8>) {
    let d = pathway::decide(bundle, bundle.entry(), facts, config);
    let _ = serde_json::to_writer(&mut *out, &d);
    out.push(b'\n');
}

criterion_group!(
    benches,
    bench_load,
    bench_routes,
    bench_session,
    bench_batch
);
criterion_main!(benches);
