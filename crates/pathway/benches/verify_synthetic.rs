//! Verification of synthetic pathways with 10^3, 10^4, 10^5 and 10^6 paths: paths per second.
//!
//! Run: `cargo bench -p pathway --bench verify_synthetic`. The 10^6 case takes a few seconds
//! per iteration, so the larger sizes take ten samples. Peak memory per size is measured by
//! `examples/verify_paths.rs` under `/usr/bin/time -v` (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pathway::{Bundle, Date, SourceFile, verify};

#[path = "support/synth.rs"]
mod synth;

fn bench_verify(c: &mut Criterion) {
    let today: Date = "2026-11-22".parse().expect("a valid date");
    let mut g = c.benchmark_group("verify synthetic");
    for n in 3..=6 {
        let (pathway, contacts) = synth::synthetic(n);
        let files = [
            SourceFile {
                name: "synthetic.json",
                text: &pathway,
            },
            SourceFile {
                name: "contacts.json",
                text: &contacts,
            },
        ];
        let bundle = Bundle::load(&files).expect("the synthetic set loads");
        let paths = verify(&bundle, today).paths;
        assert_eq!(paths, 10u64.pow(n), "the synthetic set has 10^{n} paths");
        g.throughput(Throughput::Elements(paths));
        if n >= 5 {
            g.sample_size(10);
            g.measurement_time(Duration::from_secs(if n == 6 { 60 } else { 15 }));
        }
        g.bench_function(format!("10^{n} paths"), |b| {
            b.iter(|| verify(black_box(&bundle), today))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
