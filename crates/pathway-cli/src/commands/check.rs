//! `pathway check`: compile, validate and verify every path of one or more sets.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pathway::{Bundle, LoadOptions, covering_examples, verify};
use serde_json::json;

use crate::args::ReportFormat;
use crate::io::{CliError, Result, plain, say, set_files, today as parse_today};

pub(crate) fn run(
    dir: Option<&Path>,
    paths: &[PathBuf],
    today: Option<&str>,
    format: ReportFormat,
    examples: Option<&Path>,
) -> Result<ExitCode> {
    let today = parse_today(today)?;
    let mut targets: Vec<Option<PathBuf>> = paths.iter().cloned().map(Some).collect();
    if targets.is_empty() {
        targets.push(dir.map(Path::to_path_buf));
    }
    let mut ok = true;
    let mut reports = Vec::new();
    for target in targets {
        let (name, loaded) = load(target.as_deref())?;
        match loaded {
            Err(err) => {
                ok = false;
                match format {
                    ReportFormat::Text => say!("{name}: does not load\n{err}\n"),
                    ReportFormat::Json => {
                        reports.push(json!({"set": name, "loaded": false, "diagnostics": err.0}))
                    }
                }
            }
            Ok(bundle) => {
                let report = verify(&bundle, today);
                let warnings = bundle.review_warnings(today);
                ok &= !report.diagnostics.iter().any(pathway::Diagnostic::is_error);
                match format {
                    ReportFormat::Text => print_report(&name, &bundle, &report, &warnings),
                    ReportFormat::Json => reports.push(json!({"set": name, "loaded": true, "report": report, "warnings": warnings})),
                }
                if let Some(out) = examples {
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
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn load(target: Option<&Path>) -> Result<(String, Result<Bundle, pathway::LoadError>)> {
    let options = LoadOptions {
        prove_invariants: false,
    };
    let Some(path) = target else {
        return Ok((
            "bundled Hertfordshire set".into(),
            Bundle::load_with(pathway::bundled_files(), &options),
        ));
    };
    let dir = if path.is_file() {
        path.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    } else {
        path
    };
    if !dir.is_dir() {
        return Err(CliError::input(format!(
            "cannot read {}: No such file or directory",
            path.display()
        )));
    }
    // Load errors are findings to report, not failures of the command itself.
    let texts = set_files(dir)?;
    let files: Vec<pathway::SourceFile<'_>> = texts
        .iter()
        .map(|(name, text)| pathway::SourceFile { name, text })
        .collect();
    Ok((
        dir.display().to_string(),
        Bundle::load_with(&files, &options),
    ))
}

fn print_report(
    name: &str,
    bundle: &Bundle,
    report: &pathway::Report,
    warnings: &[pathway::Diagnostic],
) {
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
        report.paths
    );
    for inv in &report.invariants {
        match &inv.counterexample {
            None => say!(
                "  proven over {} paths: {} {}: {}",
                inv.paths,
                inv.pathway,
                inv.id,
                inv.description
            ),
            Some(c) => {
                say!("  BROKEN: {} {}: {}", inv.pathway, inv.id, inv.description);
                say!(
                    "    counterexample (pathway decide {} --today {}):",
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
            }
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

fn write_examples(bundle: &Bundle, today: pathway::Date, out: &Path) -> Result<()> {
    fs::create_dir_all(out)
        .map_err(|e| CliError::input(format!("cannot create {}: {}", out.display(), plain(&e))))?;
    let examples = covering_examples(bundle, today);
    for (i, c) in examples.iter().enumerate() {
        let file = out.join(format!("example-{:02}-{}.json", i + 1, c.pathway));
        let text = serde_json::to_string_pretty(&c.facts).unwrap_or_default() + "\n";
        fs::write(&file, text).map_err(|e| {
            CliError::input(format!("cannot write {}: {}", file.display(), plain(&e)))
        })?;
        say!("wrote {} -> [{}]", file.display(), c.codes.join(", "));
    }
    say!(
        "{} facts files take every edge between them (pathway decide PATHWAY --today {today} --facts FILE)",
        examples.len()
    );
    Ok(())
}
