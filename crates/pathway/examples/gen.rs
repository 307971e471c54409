//! Writes benchmark inputs.
//!
//! ```text
//! cargo run --release -p pathway --example gen -- records 1000000 [SEED] > big.jsonl
//! cargo run --release -p pathway --example gen -- pathway 6 DIR   # DIR/synthetic.json (10^6 paths)
//! ```
//!
//! Records are deterministic JSON Lines of the v1 facts covering every route of the bundled
//! pathways (see `benches/support/records.rs`); `pathway N` writes a synthetic pathway set with
//! 10^N paths and its contacts directory (see `benches/support/synth.rs`).

use std::io::{BufWriter, Write};
use std::process::ExitCode;

// Shared with the benches, which use the parts this binary does not.
#[allow(dead_code)]
#[path = "../benches/support/records.rs"]
mod records;
#[path = "../benches/support/synth.rs"]
mod synth;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["records", n, rest @ ..] => write_records(n, rest.first().copied()),
        ["pathway", n, dir] => write_pathway(n, dir),
        _ => Err("usage: gen records COUNT [SEED] | gen pathway N DIR".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}");
            ExitCode::from(2)
        }
    }
}

fn write_records(count: &str, seed: Option<&str>) -> Result<(), String> {
    let count: usize = count.parse().map_err(|e| format!("COUNT: {e}"))?;
    let seed: u64 = seed
        .unwrap_or("1")
        .parse()
        .map_err(|e| format!("SEED: {e}"))?;
    let mut rng = records::Rng::new(seed);
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut line = String::new();
    for _ in 0..count {
        line.clear();
        records::record(&mut rng, &mut line);
        out.write_all(line.as_bytes()).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn write_pathway(n: &str, dir: &str) -> Result<(), String> {
    let n: u32 = n.parse().map_err(|e| format!("N: {e}"))?;
    let (pathway, contacts) = synth::synthetic(n);
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
    let write = |name: &str, text: &str| {
        let path = format!("{dir}/{name}");
        std::fs::write(&path, text).map_err(|e| format!("{path}: {e}"))
    };
    write("synthetic.json", &pathway)?;
    write("contacts.json", &contacts)
}
