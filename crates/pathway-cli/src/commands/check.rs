//! `pathway check`: compile, validate and verify every path of one or more sets.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pathway::{Bundle, Counterexample, LoadOptions, covering_examples, verify};
use serde_json::json;

use crate::args::ReportFormat;
use crate::io::{
    CliError, EXIT_FAILED, Result, plain, quoted, say, set_files, set_name, today as parse_today,
    write_shared,
};

/// Files `check` writes besides its report.
pub(crate) struct Outputs<'a> {
    /// Covering examples (`--examples`).
    pub(crate) examples: Option<&'a Path>,
    /// Counterexamples as facts files (`--counterexamples`).
    pub(crate) counterexamples: Option<&'a Path>,
    /// What verification cost (`--stats`).
    pub(crate) stats: bool,
}

pub(crate) fn run(
    dir: Option<&Path>,
    paths: &[PathBuf],
    today: Option<&str>,
    format: ReportFormat,
    outputs: Outputs<'_>,
) -> Result<ExitCode> {
    let today = parse_today(today)?;
    let mut targets: Vec<Option<PathBuf>> = paths.iter().cloned().map(Some).collect();
    if targets.is_empty() {
        targets.push(dir.map(Path::to_path_buf));
    }
    // A path that is not there is a mistake in the command, found before anything is checked.
    for path in targets.iter().flatten() {
        if !path.exists() {
            return Err(CliError::input(format!(
                "cannot read {}: No such file or directory",
                path.display()
            ))
            .hint("give pathway set folders or pathway files: pathway check pathways/my-set"));
        }
    }
    // A set that does not load is what `check` is for finding: exit 1, as for a broken
    // invariant (DESIGN.md §5: "exit 1 on any error"); a path that cannot be read is 2.
    let (mut loads, mut ok) = (true, true);
    let mut reports = Vec::new();
    let mut written = 0;
    for target in targets {
        let (name, loaded) = load(target.as_deref())?;
        match loaded {
            Err(err) => {
                loads = false;
                match format {
                    ReportFormat::Text => say!("{name}: does not load\n{err}\n"),
                    ReportFormat::Json => {
                        reports.push(json!({"set": name, "loaded": false, "diagnostics": err.0}))
                    }
                }
            }
            Ok((bundle, mut warnings)) => {
                let started = Instant::now();
                let report = verify(&bundle, today);
                let took = started.elapsed();
                // The compiler's warnings (a source without a web address, ...), then review.
                warnings.extend(bundle.review_warnings(today));
                ok &= !report.diagnostics.iter().any(pathway::Diagnostic::is_error);
                let mut replays = Vec::new();
                for inv in &report.invariants {
                    let Some(c) = &inv.counterexample else {
                        continue;
                    };
                    let file = match outputs.counterexamples {
                        Some(out) => {
                            written += 1;
                            let file = out.join(format!(
                                "counterexample-{written:02}-{}.json",
                                file_word(&inv.id)
                            ));
                            write_facts(out, &file, &c.facts)?;
                            Some(file)
                        }
                        None => None,
                    };
                    replays.push(replay(target.as_deref(), c, file.as_deref()));
                }
                match format {
                    ReportFormat::Text => {
                        print_report(&name, &bundle, &report, &warnings, &replays);
                        if outputs.stats {
                            say!("{}\n", stats_line(&report, took));
                        }
                    }
                    ReportFormat::Json => {
                        let mut entry = json!({"set": name, "loaded": true, "report": report, "warnings": warnings, "replays": replays});
                        if outputs.stats {
                            entry["stats"] = json!({
                                "states": report.states,
                                "paths": report.path_count,
                                "milliseconds": took.as_secs_f64() * 1000.0,
                            });
                        }
                        reports.push(entry);
                    }
                }
                if let Some(out) = outputs.examples {
                    write_examples(&bundle, today, out)?;
                }
            }
        }
    }
    if format == ReportFormat::Json {
        say!(
            "{}",
            serde_json::to_string_pretty(&reports).unwrap_or_default()
        );
    }
    Ok(if loads && ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    })
}

/// An id as part of a file name: lowercase letters, digits, `-` and `_` kept, anything else
/// (a `/` or `..` in an id of a set that did not check ids) as `_`, at most 64 characters.
fn file_word(id: &str) -> String {
    let word: String = id
        .chars()
        .take(64)
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    if word.is_empty() {
        "_".to_owned()
    } else {
        word
    }
}

/// The shell command that replays a counterexample on the set under check: the set's path
/// as `--pathways` (none for the bundled set), `--unproven` (the set is refused otherwise),
/// and the facts from `file` or, without one, on standard input.
fn replay(set: Option<&Path>, c: &Counterexample, file: Option<&Path>) -> String {
    let mut words = vec!["pathway".to_owned()];
    if let Some(set) = set {
        words.push("--pathways".into());
        words.push(quoted(&set.display().to_string()));
    }
    words.extend([
        "decide".into(),
        quoted(&c.pathway),
        "--today".into(),
        c.today.to_string(),
        "--unproven".into(),
    ]);
    match file {
        Some(file) => {
            words.push("--facts".into());
            words.push(quoted(&file.display().to_string()));
            words.join(" ")
        }
        None => {
            let facts = serde_json::to_string(&c.facts).unwrap_or_default();
            format!("echo {} | {}", quoted(&facts), words.join(" "))
        }
    }
}

fn write_facts(dir: &Path, file: &Path, facts: &pathway::Facts) -> Result<()> {
    fs::create_dir_all(dir)
        .map_err(|e| CliError::input(format!("cannot create {}: {}", dir.display(), plain(&e))))?;
    let text = serde_json::to_string_pretty(facts).unwrap_or_default() + "\n";
    write_shared(file, &text)
}

/// A set loaded with its compiler warnings, or the diagnostics that stop it loading.
type Loaded = std::result::Result<(Bundle, Vec<pathway::Diagnostic>), pathway::LoadError>;

fn load(target: Option<&Path>) -> Result<(String, Loaded)> {
    let options = LoadOptions {
        prove_invariants: false,
    };
    let Some(path) = target else {
        return Ok((
            "bundled Hertfordshire set".into(),
            Bundle::load_with_warnings(pathway::bundled_files(), &options),
        ));
    };
    // Load errors are findings to report, not failures of the command itself.
    let texts = set_files(path)?;
    let files: Vec<pathway::SourceFile<'_>> = texts
        .iter()
        .map(|(name, text)| pathway::SourceFile { name, text })
        .collect();
    Ok((
        set_name(path, &texts),
        Bundle::load_with_warnings(&files, &options),
    ))
}

fn print_report(
    name: &str,
    bundle: &Bundle,
    report: &pathway::Report,
    warnings: &[pathway::Diagnostic],
    replays: &[String],
) {
    let mut replays = replays.iter();
    say!("{name}: {} pathways", bundle.pathways().count());
    for p in bundle.pathways() {
        let m = bundle.meta(p);
        say!(
            "  {:<22} v{:<7} reviewed {}, review by {}",
            m.id,
            m.version,
            m.reviewed,
            m.review_by
        );
    }
    say!(
        "verified on {}: {} paths explored from every pathway's start",
        report.today,
        report.path_count
    );
    for inv in &report.invariants {
        match &inv.counterexample {
            None => say!(
                "  proven over {} paths: {} {}: {}",
                inv.path_count,
                inv.pathway,
                inv.id,
                inv.description
            ),
            Some(c) => {
                say!("  BROKEN: {} {}: {}", inv.pathway, inv.id, inv.description);
                say!(
                    "    counterexample (starting in {}, on {}):",
                    c.pathway,
                    c.today
                );
                say!(
                    "      {}",
                    serde_json::to_string(&c.facts).unwrap_or_default()
                );
                if !c.unknown.is_empty() {
                    say!(
                        "    undecided: the rule reads {}, never asked on this path",
                        c.unknown.join(", ")
                    );
                }
                say!("    path: {}", c.path.join(" -> "));
                say!("    actions: [{}]", c.codes.join(", "));
                if let Some(command) = replays.next() {
                    say!("    replay: {command}");
                }
            }
        }
    }
    if !report.hazards.is_empty() {
        say!("hazard log: {} hazards", report.hazards.len());
    }
    for h in &report.hazards {
        let severity = serde_json::to_value(h.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if h.controlled() {
            say!(
                "  controlled: {} ({severity}): {} [by {}]",
                h.id,
                h.hazard,
                h.controls.join(", ")
            );
        } else {
            say!(
                "  NOT controlled: {} ({severity}): {} [failing: {}]",
                h.id,
                h.hazard,
                h.failing.join(", ")
            );
        }
    }
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.code != "invariant-broken")
    {
        say!("{d}");
    }
    for w in warnings {
        say!("{w}");
    }
    let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors == 0 {
        say!("result: verified, every invariant holds on every path\n");
    } else {
        say!(
            "result: {errors} error{} found\n",
            if errors == 1 { "" } else { "s" }
        );
    }
}

/// What verification cost: `stats: 6331 states visited, 83232 paths proven, 52 ms`.
fn stats_line(report: &pathway::Report, took: Duration) -> String {
    format!(
        "stats: {} states visited, {} paths proven, {} ms",
        report.states,
        report.path_count,
        took.as_millis()
    )
}

fn write_examples(bundle: &Bundle, today: pathway::Date, out: &Path) -> Result<()> {
    fs::create_dir_all(out)
        .map_err(|e| CliError::input(format!("cannot create {}: {}", out.display(), plain(&e))))?;
    let examples = covering_examples(bundle, today);
    for (i, c) in examples.iter().enumerate() {
        let file = out.join(format!(
            "example-{:02}-{}.json",
            i + 1,
            file_word(&c.pathway)
        ));
        let text = serde_json::to_string_pretty(&c.facts).unwrap_or_default() + "\n";
        write_shared(&file, &text)?;
        say!("wrote {} -> [{}]", file.display(), c.codes.join(", "));
    }
    say!(
        "{} facts files take every edge between them (pathway decide PATHWAY --today {today} --facts FILE)",
        examples.len()
    );
    Ok(())
}
