//! Verifies the issue-16 benchmark sets once each and prints states explored, paths proven,
//! time and (run under `/usr/bin/time -v`) peak memory:
//!
//! ```text
//! cargo build --release -p pathway --example verify_scale
//! /usr/bin/time -v target/release/examples/verify_scale line 1000
//! /usr/bin/time -v target/release/examples/verify_scale chain 60
//! /usr/bin/time -v target/release/examples/verify_scale shipped
//! target/release/examples/verify_scale DIR     # a pathway set folder
//! target/release/examples/verify_scale line 1000000 graph   # also draw it (DOT, Mermaid, SVG)
//! ```

use std::process::ExitCode;
use std::time::Instant;

use pathway::{Bundle, Date, GraphFormat, SourceFile, bundled_files, graph, verify};

#[path = "../benches/support/scale.rs"]
mod scale;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |i: usize| args.get(i).and_then(|n| n.parse::<usize>().ok());
    let today: Date = match "2026-11-22".parse() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("verify_scale: {e}");
            return ExitCode::FAILURE;
        }
    };
    let owned: Vec<(String, String)> = match (args.first().map(String::as_str), n(1)) {
        (Some("line"), Some(n)) => pair(scale::line(n)),
        (Some("chain"), Some(n)) => pair(scale::chain(n)),
        (Some("shipped"), _) => bundled_files()
            .iter()
            .map(|f| (f.name.to_owned(), f.text.to_owned()))
            .collect(),
        (Some(dir), _) => match read_dir(dir) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("verify_scale: {dir}: {e}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: verify_scale line N | chain N | shipped | DIR");
            return ExitCode::from(2);
        }
    };
    let files: Vec<SourceFile<'_>> = owned
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    let start = Instant::now();
    let bundle = match Bundle::load(&files) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("verify_scale: the set does not load:\n{e}");
            return ExitCode::FAILURE;
        }
    };
    let load = start.elapsed();
    // The fastest of several runs while they take under a second in all (one for a large set).
    let (mut report, mut took) = (None, std::time::Duration::MAX);
    let all = Instant::now();
    for _ in 0..100 {
        let start = Instant::now();
        report = Some(verify(&bundle, today));
        took = took.min(start.elapsed());
        if all.elapsed().as_secs_f64() > 1.0 {
            break;
        }
    }
    let Some(report) = report else {
        return ExitCode::FAILURE;
    };
    println!(
        "load (compile + verify) {:.3} s; verify {:.2} ms: {} states, {} paths, {} diagnostics",
        load.as_secs_f64(),
        took.as_secs_f64() * 1000.0,
        report.states,
        report.path_count,
        report.diagnostics.len()
    );
    if args.iter().any(|a| a == "graph") {
        for format in [GraphFormat::Dot, GraphFormat::Mermaid, GraphFormat::Svg] {
            let start = Instant::now();
            let text = graph(&bundle, bundle.entry(), format, None);
            println!(
                "graph {}: {:.3} s, {} bytes",
                format,
                start.elapsed().as_secs_f64(),
                text.len()
            );
        }
    }
    ExitCode::SUCCESS
}

fn pair((pathway, contacts): (String, String)) -> Vec<(String, String)> {
    vec![
        ("pathway.json".into(), pathway),
        ("contacts.json".into(), contacts),
    ]
}

fn read_dir(dir: &str) -> std::io::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, std::fs::read_to_string(&path)?));
        }
    }
    out.sort();
    Ok(out)
}
