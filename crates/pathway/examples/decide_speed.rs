//! `decide` and `evaluate` over 10^5 generated records on the bundled set, best of 7: a
//! quick check that the walker did not get slower, which runs whatever routes the content
//! has (the per-route criterion benchmarks need the routes to finish).
//!
//! ```text
//! cargo build --release -p pathway --example decide_speed
//! target/release/examples/decide_speed
//! ```

use std::process::ExitCode;
use std::time::Instant;

use pathway::{Config, bundled, decide, evaluate};

#[path = "../benches/support/records.rs"]
mod records;

fn main() -> ExitCode {
    let (Ok(bundle), Ok(today)) = (bundled(), records::TODAY.parse()) else {
        eprintln!("decide_speed: the bundled set does not load");
        return ExitCode::FAILURE;
    };
    let config = Config {
        today,
        use_defaults: true,
    };
    let input = records::records(1, 100_000);
    let facts: Vec<_> = input
        .lines()
        .filter_map(|l| bundle.parse_facts_str(l, today).ok())
        .collect();
    let (mut best_decide, mut best_evaluate, mut sink) = (f64::MAX, f64::MAX, 0usize);
    for _ in 0..7 {
        let start = Instant::now();
        for f in &facts {
            sink += decide(&bundle, bundle.entry(), f, &config).codes.len();
        }
        best_decide = best_decide.min(start.elapsed().as_secs_f64());
        let start = Instant::now();
        for f in &facts {
            sink += evaluate(&bundle, bundle.entry(), f, &config).trail.len();
        }
        best_evaluate = best_evaluate.min(start.elapsed().as_secs_f64());
    }
    let per = |s: f64| s * 1e9 / facts.len().max(1) as f64;
    println!(
        "{} records: decide {:.0} ns a record, evaluate {:.0} ns a record ({sink})",
        facts.len(),
        per(best_decide),
        per(best_evaluate)
    );
    ExitCode::SUCCESS
}
