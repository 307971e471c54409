//! pathway against GoRules ZEN on the same decision and the same records, side by side.
//!
//! The decision: the adult/child routing of the bundled Hertfordshire pathways and the
//! consent / capacity / Duty to Notify / First Responder logic on the v1 facts, encoded for ZEN
//! as a JDM decision graph (`referral.jdm.json`: an expression node for the age route, a switch
//! node, a decision table per route, and an expression node assembling the action codes).
//!
//! ```text
//! cd bench/zen && cargo run --release -- [RECORDS] [REPEATS]     # default 100000 records, 3
//! ```
//!
//! First it checks that both engines give the same action codes, in order, on every record;
//! then it times, best of REPEATS:
//! - evaluation only: pathway `decide` on validated facts vs ZEN `evaluate` on a prepared
//!   input `Variable`; both count the codes where they stand in the result;
//! - end to end from the JSON line: `parse_facts_str` + `decide` vs serde_json +
//!   `Variable` + ZEN `evaluate`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use pathway::{Bundle, Config, Date, Facts, Status, bundled, decide};
use zen_engine::Decision;
use zen_engine::Variable;
use zen_engine::model::GraphContent;

#[allow(dead_code)]
#[path = "../../../crates/pathway/benches/support/records.rs"]
mod records;

const GRAPH: &str = include_str!("../referral.jdm.json");

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    match run(count, repeats) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zen-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(count: usize, repeats: usize) -> Result<(), String> {
    let bundle = bundled().map_err(|e| e.to_string())?;
    let today: Date = records::TODAY.parse().map_err(|e| format!("{e}"))?;
    let config = Config {
        today,
        use_defaults: true,
    };
    let content: GraphContent =
        serde_json::from_str(GRAPH).map_err(|e| format!("referral.jdm.json: {e}"))?;
    let mut decision = Decision::from(content);
    decision.compile();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;

    let lines: Vec<String> = records::records(1, count)
        .lines()
        .map(str::to_owned)
        .collect();
    let facts: Vec<Facts> = lines
        .iter()
        .map(|l| {
            let json: serde_json::Value = serde_json::from_str(l).map_err(|e| e.to_string())?;
            bundle.parse_facts(&json, today).map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let inputs: Vec<Variable> = lines
        .iter()
        .map(|l| zen_input(l))
        .collect::<Result<_, _>>()?;

    // 1. Same answers.
    let mut mismatches = 0;
    let mut routes = std::collections::BTreeMap::<String, usize>::new();
    for (i, (f, input)) in facts.iter().zip(&inputs).enumerate() {
        let ours = pathway_codes(&bundle, f, &config);
        let theirs = rt.block_on(zen_codes(&decision, input.clone()))?;
        *routes.entry(ours.join(",")).or_default() += 1;
        if ours != theirs {
            mismatches += 1;
            if mismatches <= 5 {
                eprintln!(
                    "record {}: pathway {ours:?}, ZEN {theirs:?}\n  {}",
                    i + 1,
                    lines[i]
                );
            }
        }
    }
    println!(
        "{count} records, {} distinct outcomes (code lists); ZEN and pathway disagree on {mismatches}",
        routes.len()
    );
    if mismatches > 0 {
        return Err(format!(
            "the two encodings disagree on {mismatches} records: fix the JDM graph first"
        ));
    }

    // 2. Evaluation only: each engine's decision, counted where it stands (no copy into
    // strings on either side).
    let ours = best(repeats, || {
        facts
            .iter()
            .map(|f| decide(&bundle, bundle.entry(), f, &config).codes.len())
            .sum::<usize>()
    });
    let theirs = best(repeats, || {
        rt.block_on(async {
            let mut n = 0;
            for input in &inputs {
                n += zen_count(&decision, input.clone()).await;
            }
            n
        })
    });
    report("evaluation only", count, ours, theirs);

    // 3. End to end from the JSON line.
    let ours = best(repeats, || {
        lines
            .iter()
            .map(|l| {
                bundle
                    .parse_facts_str(l, today)
                    .map(|f| decide(&bundle, bundle.entry(), &f, &config).codes.len())
                    .unwrap_or(0)
            })
            .sum::<usize>()
    });
    let theirs = best(repeats, || {
        rt.block_on(async {
            let mut n = 0;
            for l in &lines {
                if let Ok(input) = zen_input(l) {
                    n += zen_count(&decision, input).await;
                }
            }
            n
        })
    });
    report("end to end (JSON line -> codes)", count, ours, theirs);
    Ok(())
}

fn pathway_codes(bundle: &Bundle, facts: &Facts, config: &Config) -> Vec<String> {
    let d = decide(bundle, bundle.entry(), facts, config);
    match d.status {
        Status::Finished => d.codes.into_iter().map(str::to_owned).collect(),
        other => vec![format!("unfinished: {other:?}")],
    }
}

/// How many codes ZEN's result holds (0 on an error), read where it stands.
async fn zen_count(decision: &Decision, input: Variable) -> usize {
    match decision.evaluate(input).await {
        Ok(response) => response
            .result
            .dot("codes")
            .and_then(|c| c.as_array().map(|a| a.borrow().len()))
            .unwrap_or(0),
        Err(_) => 0,
    }
}

/// The record as ZEN's input: the JSON object with `today` added (ZEN reads no clock either).
fn zen_input(line: &str) -> Result<Variable, String> {
    let mut json: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if let Some(object) = json.as_object_mut() {
        object.insert("today".into(), records::TODAY.into());
    }
    Ok(json.into())
}

async fn zen_codes(decision: &Decision, input: Variable) -> Result<Vec<String>, String> {
    let response = decision
        .evaluate(input)
        .await
        .map_err(|e| format!("ZEN: {e:?}"))?;
    let codes = response
        .result
        .dot("codes")
        .ok_or("ZEN: no `codes` in the result")?;
    let codes = codes.as_array().ok_or("ZEN: `codes` is not an array")?;
    let codes = codes.borrow();
    Ok(codes
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect())
}

fn best(repeats: usize, mut f: impl FnMut() -> usize) -> Duration {
    (0..repeats.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn report(what: &str, count: usize, ours: Duration, theirs: Duration) {
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "{what:34} pathway {:>10.0} records/s ({:.3} s, {:.2} µs each) | ZEN {:>10.0} records/s ({:.3} s, {:.2} µs each) | pathway/ZEN = {:.1}x",
        rate(ours),
        ours.as_secs_f64(),
        ours.as_secs_f64() * 1e6 / count as f64,
        rate(theirs),
        theirs.as_secs_f64(),
        theirs.as_secs_f64() * 1e6 / count as f64,
        ours.as_secs_f64().recip() / theirs.as_secs_f64().recip()
    );
}
