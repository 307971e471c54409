//! Verification that scales (issue 16): a line of 1,000 yes/no questions (2^1000 paths), a
//! chain of 60 branch-and-rejoin questions (2^60 paths) and the shipped set, each verified.
//!
//! Run: `cargo bench -p pathway --bench verify_scale`. States visited, paths proven and peak
//! memory per set come from `examples/verify_scale.rs` (see BENCHMARKS.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pathway::{Bundle, Date, SourceFile, bundled_files, verify};

#[path = "support/scale.rs"]
mod scale;

fn load(files: &[(String, String)]) -> Bundle {
    let sources: Vec<SourceFile<'_>> = files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    Bundle::load(&sources).expect("the benchmark set loads")
}

fn pair((pathway, contacts): (String, String)) -> Vec<(String, String)> {
    vec![
        ("pathway.json".into(), pathway),
        ("contacts.json".into(), contacts),
    ]
}

fn bench_scale(c: &mut Criterion) {
    let today: Date = "2026-11-22".parse().expect("a valid date");
    let shipped: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| (f.name.to_owned(), f.text.to_owned()))
        .collect();
    let sets = [
        ("line of 1000 yes/no questions", pair(scale::line(1000))),
        (
            "chain of 60 branch-and-rejoin questions",
            pair(scale::chain(60)),
        ),
        ("shipped set", shipped),
    ];
    let mut g = c.benchmark_group("verify scale");
    for (name, files) in &sets {
        let bundle = load(files);
        let report = verify(&bundle, today);
        assert!(
            report.diagnostics.is_empty(),
            "{name}: {:?}",
            report.diagnostics
        );
        g.bench_function(format!("{name}: verify"), |b| {
            b.iter(|| verify(black_box(&bundle), today))
        });
        let sources: Vec<SourceFile<'_>> = files
            .iter()
            .map(|(name, text)| SourceFile { name, text })
            .collect();
        g.bench_function(format!("{name}: compile + verify"), |b| {
            b.iter(|| Bundle::load(black_box(&sources)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_scale);
criterion_main!(benches);
