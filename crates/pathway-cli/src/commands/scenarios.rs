//! `pathway scenarios`: run trainers' scenario files, with coverage.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pathway::{Scenario, coverage};
use serde_json::{Value as Json, json};

use crate::args::ReportFormat;
use crate::io::{CliError, EXIT_FAILED, EXIT_INPUT, Result, load_set, plain, read, say};

pub(crate) fn run(
    dir: Option<&Path>,
    folder: Option<&Path>,
    with_coverage: bool,
    format: ReportFormat,
) -> Result<ExitCode> {
    let folder = folder.unwrap_or(Path::new("fixtures/scenarios"));
    let entries = fs::read_dir(folder).map_err(|e| {
        CliError::input(format!("cannot read {}: {}", folder.display(), plain(&e)))
            .hint("give the folder of scenario files: pathway scenarios path/to/scenarios")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(CliError::input(format!(
            "{} holds no scenario files (*.json): nothing was run",
            folder.display()
        ))
        .hint("give the folder of scenario files: pathway scenarios path/to/scenarios"));
    }
    let set = load_set(dir, None, &Default::default())?;
    let (mut passed, mut failed) = (0, 0);
    // Scenario files that are not valid: bad input (exit 2), after every other one has run.
    let mut invalid = 0;
    let mut results = Vec::new();
    let mut trails = Vec::new();
    for file in &files {
        let name = file
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let run = Scenario::from_json(&read(file)?).map(|s| {
            let r = s.run(&set.bundle);
            (s, r)
        });
        let (title, problems, diff) = match &run {
            Ok((s, r)) => (
                s.title.clone(),
                r.problems.clone(),
                code_diff(&s.expect.codes, &r.codes),
            ),
            Err(e) => {
                invalid += 1;
                (
                    String::new(),
                    vec![format!("not a valid scenario file: {e}")],
                    Vec::new(),
                )
            }
        };
        if problems.is_empty() {
            passed += 1
        } else {
            failed += 1
        }
        // What was expected and what the pathway gave, for machine readers of the report.
        let (expected, actual) = match &run {
            Ok((s, r)) => (
                json!({"status": s.expect.status, "codes": s.expect.codes, "next_fact": s.expect.next_fact}),
                json!({"status": r.status, "codes": r.codes, "next_fact": r.next_fact}),
            ),
            Err(_) => (Json::Null, Json::Null),
        };
        if let Ok((_, r)) = run
            && let Some(e) = r.evaluation
        {
            trails.push(e.trail);
        }
        match format {
            ReportFormat::Text => {
                say!("{} {name}: {title}", if problems.is_empty() { "PASS" } else { "FAIL" });
                for p in &problems {
                    say!("       {p}");
                }
                for d in &diff {
                    say!("         {d}");
                }
            }
            ReportFormat::Json => results.push(json!({"file": name, "title": title, "passed": problems.is_empty(), "problems": problems, "expected": expected, "actual": actual})),
        }
    }
    let cov = with_coverage.then(|| coverage(&set.bundle, trails.iter().map(Vec::as_slice)));
    match format {
        ReportFormat::Text => {
            say!("{passed} passed, {failed} failed");
            if let Some(c) = &cov {
                let pct = |a: usize, b: usize| {
                    if b == 0 {
                        100.0
                    } else {
                        100.0 * a as f64 / b as f64
                    }
                };
                say!(
                    "coverage: steps {}/{} ({:.0}%), edges {}/{} ({:.0}%)",
                    c.steps_visited,
                    c.steps_total,
                    pct(c.steps_visited, c.steps_total),
                    c.edges_taken,
                    c.edges_total,
                    pct(c.edges_taken, c.edges_total)
                );
                for s in &c.missing_steps {
                    say!("  step never visited: {s}");
                }
                for e in &c.missing_edges {
                    say!("  edge never taken: {e}");
                }
            }
        }
        ReportFormat::Json => {
            let out =
                json!({"passed": passed, "failed": failed, "scenarios": results, "coverage": cov});
            say!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    Ok(if invalid > 0 {
        ExitCode::from(EXIT_INPUT)
    } else if failed > 0 {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// The differences between expected and actual action codes, one line each: `- code` expected
/// but not given, `+ code` given but not expected, or a note when only the order differs.
fn code_diff(expected: &[String], actual: &[String]) -> Vec<String> {
    if expected == actual {
        return Vec::new();
    }
    let mut lines: Vec<String> = expected
        .iter()
        .filter(|c| !actual.contains(c))
        .map(|c| format!("- {c} (expected, not given)"))
        .collect();
    lines.extend(
        actual
            .iter()
            .filter(|c| !expected.contains(c))
            .map(|c| format!("+ {c} (given, not expected)")),
    );
    if lines.is_empty() {
        lines.push("the same codes in a different order (urgent actions come first)".into());
    }
    lines
}
