//! Loads and verifies a synthetic pathway set with 10^N paths, once, and prints the time and
//! paths per second: run it under `/usr/bin/time -v` for the peak memory of each size.
//!
//! ```text
//! cargo build --release -p pathway --example verify_paths
//! /usr/bin/time -v target/release/examples/verify_paths 6
//! ```

use std::process::ExitCode;
use std::time::Instant;

use pathway::{Bundle, Date, SourceFile, verify};

#[path = "../benches/support/synth.rs"]
mod synth;

fn main() -> ExitCode {
    let Some(n) = std::env::args().nth(1).and_then(|n| n.parse::<u32>().ok()) else {
        eprintln!("usage: verify_paths N   (verifies a synthetic set with 10^N paths)");
        return ExitCode::from(2);
    };
    let today: Date = match "2026-11-22".parse() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("verify_paths: {e}");
            return ExitCode::FAILURE;
        }
    };
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
    let start = Instant::now();
    let bundle = match Bundle::load(&files) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("verify_paths: the synthetic set does not load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let load = start.elapsed();
    let start = Instant::now();
    let report = verify(&bundle, today);
    let took = start.elapsed();
    let rate = report.paths as f64 / took.as_secs_f64();
    println!(
        "10^{n}: load (compile + verify) {:.3} s; verify {} paths in {:.3} s = {:.0} paths/s; {} errors",
        load.as_secs_f64(),
        report.paths,
        took.as_secs_f64(),
        rate,
        report.diagnostics.len()
    );
    ExitCode::SUCCESS
}
