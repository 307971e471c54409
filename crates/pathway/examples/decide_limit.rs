//! The parse-only physical limit of batch `decide`, streamed over a JSON Lines file:
//!
//! 1. `serde_json` only: each line into a `serde_json::Value`;
//! 2. parse only, the limit: each line into validated facts (`Bundle::parse_facts_str`, the
//!    one parse `pathway decide` does);
//! 3. decide: 2 + `pathway::decide` on the entry pathway + the `--brief` JSON line (status,
//!    codes, next fact), written to a sink;
//! 4. full: 2 + `evaluate` + the whole `evaluation_json` line (questions, texts, contacts,
//!    trail), as `pathway decide` prints without `--brief`.
//!
//! ```text
//! cargo run --release -p pathway --example gen -- records 1000000 > /tmp/big.jsonl
//! cargo run --release -p pathway --example decide_limit -- /tmp/big.jsonl [serde|facts|decide]
//! ```
//!
//! Without a mode it runs all three and prints decide throughput as a share of parse-only.
//! Lines are read one at a time, so memory stays flat whatever the file's size.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;
use std::time::Instant;

use pathway::{Bundle, Config, Date, bundled, decide, evaluate, evaluation_json};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Serde,
    Facts,
    Decide,
    Full,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: decide_limit FILE.jsonl [serde|facts|decide]");
        return ExitCode::from(2);
    };
    let modes = match args.get(1).map(String::as_str) {
        None => vec![Mode::Serde, Mode::Facts, Mode::Decide, Mode::Full],
        Some("serde") => vec![Mode::Serde],
        Some("facts") => vec![Mode::Facts],
        Some("decide") => vec![Mode::Decide],
        Some("full") => vec![Mode::Full],
        Some(other) => {
            eprintln!("decide_limit: unknown mode `{other}`");
            return ExitCode::from(2);
        }
    };
    match run(path, &modes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("decide_limit: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str, modes: &[Mode]) -> Result<(), String> {
    let bundle = bundled().map_err(|e| e.to_string())?;
    let today: Date = "2026-11-22".parse().map_err(|e| format!("{e}"))?;
    let mut rates = Vec::new();
    for &mode in modes {
        let (records, secs) = pass(&bundle, today, path, mode)?;
        let rate = records as f64 / secs;
        let name = match mode {
            Mode::Serde => "serde_json::Value only",
            Mode::Facts => "parse only (parse_facts_str)",
            Mode::Decide => "decide --brief (parse + decide + serialise)",
            Mode::Full => "decide, full JSON (parse + evaluate + serialise)",
        };
        println!("{name:40} {records} records in {secs:.3} s = {rate:.0} records/s");
        rates.push((mode, rate));
    }
    let rate = |m| rates.iter().find(|(x, _)| *x == m).map(|(_, r)| *r);
    if let (Some(d), Some(f)) = (rate(Mode::Decide), rate(Mode::Facts)) {
        println!(
            "decide --brief throughput = {:.0}% of parse-only (target: at least 50%)",
            100.0 * d / f
        );
    }
    if let (Some(d), Some(f)) = (rate(Mode::Full), rate(Mode::Facts)) {
        println!("full JSON throughput = {:.0}% of parse-only", 100.0 * d / f);
    }
    Ok(())
}

fn pass(bundle: &Bundle, today: Date, path: &str, mode: Mode) -> Result<(usize, f64), String> {
    let config = Config {
        today,
        use_defaults: true,
    };
    let mut reader = BufReader::with_capacity(
        1 << 16,
        File::open(path).map_err(|e| format!("{path}: {e}"))?,
    );
    let mut sink = std::io::sink();
    let mut out = Vec::with_capacity(256);
    let mut line = String::new();
    let mut records = 0usize;
    let mut checksum = 0usize;
    let start = Instant::now();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        records += 1;
        if mode == Mode::Serde {
            let value: serde_json::Value =
                serde_json::from_str(&line).map_err(|e| format!("record {records}: {e}"))?;
            checksum += value.as_object().map_or(0, serde_json::Map::len);
            continue;
        }
        let facts = bundle
            .parse_facts_str(&line, today)
            .map_err(|e| format!("record {records}: {e}"))?;
        if mode == Mode::Facts {
            checksum += facts.iter().count();
            continue;
        }
        out.clear();
        if mode == Mode::Decide {
            let d = decide(bundle, bundle.entry(), &facts, &config);
            serde_json::to_writer(&mut out, &d).map_err(|e| e.to_string())?;
        } else {
            let evaluation = evaluate(bundle, bundle.entry(), &facts, &config);
            let object = evaluation_json(bundle, &evaluation);
            serde_json::to_writer(&mut out, &object).map_err(|e| e.to_string())?;
        }
        out.push(b'\n');
        sink.write_all(&out).map_err(|e| e.to_string())?;
        checksum += out.len();
    }
    let secs = start.elapsed().as_secs_f64();
    std::hint::black_box(checksum);
    Ok((records, secs))
}
