//! Writes saved sessions (every prefix of each trainer scenario's walk) into a directory: seeds
//! for the `session` fuzz target (`fuzz/seed.sh`).
//!
//! ```text
//! cargo run -p pathway --example session_seeds -- fixtures/scenarios fuzz/corpus/session
//! ```

use std::process::ExitCode;

use pathway::{Session, State, bundled};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenarios, out] = args.as_slice() else {
        eprintln!("usage: session_seeds SCENARIO_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match run(scenarios, out) {
        Ok(n) => {
            println!("wrote {n} sessions to {out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("session_seeds: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(scenarios: &str, out: &str) -> Result<usize, String> {
    let bundle = bundled().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;
    let mut entries: Vec<_> = std::fs::read_dir(scenarios)
        .map_err(|e| format!("{scenarios}: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    let mut written = 0;
    for path in entries {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let pathway = json["pathway"]
            .as_str()
            .and_then(|p| bundle.find(p))
            .unwrap_or(bundle.entry());
        let today = json["today"]
            .as_str()
            .unwrap_or("2026-11-22")
            .parse()
            .map_err(|e| format!("{e}"))?;
        let mut session = Session::new(&bundle, pathway, today);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for k in 0.. {
            let file = format!("{out}/{stem}-{k}.json");
            std::fs::write(&file, session.to_json()).map_err(|e| format!("{file}: {e}"))?;
            written += 1;
            let State::NeedsAnswer(q) = session.current().state else {
                break;
            };
            let Some(value) = json["facts"].get(&*q.fact) else {
                break;
            };
            if session.answer(&q.fact, value).is_err() {
                break;
            }
        }
    }
    Ok(written)
}
