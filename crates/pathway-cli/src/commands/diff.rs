//! `pathway diff`: which cases a new version of a set moves to another route.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pathway::{DiffFormat, SourceFile, diff_report_with, diff_sets};

use crate::args::DiffFormatArg;
use crate::io::{
    CliError, EXIT_FAILED, Result, say_raw, set_files, today as parse_today, write_shared,
};

pub(crate) fn run(
    old: &Path,
    new: &Path,
    format: DiffFormatArg,
    out: Option<PathBuf>,
    today: Option<&str>,
    full: bool,
) -> Result<ExitCode> {
    let today = parse_today(today)?;
    for path in [old, new] {
        if !path.is_dir() {
            return Err(CliError::input(format!(
                "{}: not a folder holding a pathway set",
                path.display()
            ))
            .hint("give two set folders: pathway diff fixtures/v1/hertfordshire-1.0.0 pathways/hertfordshire"));
        }
    }
    let (old_texts, new_texts) = (set_files(old)?, set_files(new)?);
    let files = |texts: &[(String, String)]| -> Vec<(String, String)> { texts.to_vec() };
    let (o, n) = (files(&old_texts), files(&new_texts));
    let old_files: Vec<SourceFile<'_>> = o
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    let new_files: Vec<SourceFile<'_>> = n
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
    let diff = diff_sets((&old_name, &old_files), (&new_name, &new_files), today).map_err(|e| {
        let path = if e.which == "old" { &old_name } else { &new_name };
        CliError::input(format!("{path}: the {} set does not load\n{}", e.which, e.error))
            .hint("diff compares sets that load; an older set may only fail checks added since it was written (contact-provenance, invariant-broken)")
    })?;
    let format = match format {
        DiffFormatArg::Text => DiffFormat::Text,
        DiffFormatArg::Markdown => DiffFormat::Markdown,
        DiffFormatArg::Html => DiffFormat::Html,
        DiffFormatArg::Json => DiffFormat::Json,
    };
    let report = diff_report_with(&diff, format, full);
    match out {
        Some(file) => write_shared(&file, &report)?,
        None => say_raw!("{report}"),
    }
    Ok(if diff.routes_changed() {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
