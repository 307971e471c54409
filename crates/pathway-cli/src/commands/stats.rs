//! `pathway stats FILES...`: the partnership's report from partners' monitoring records.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pathway::{
    MonitoringRecord, MonitoringVocab, stats_csv, stats_html, stats_json, stats_report, stats_text,
};

use crate::args::StatsFormat;
use crate::io::{CliError, MAX_SET, Result, load_set, read_at_most, say_raw, tell};

/// Bad records reported one by one before the rest are only counted.
const SHOWN_ERRORS: usize = 20;

pub(crate) fn run(dir: Option<&Path>, files: &[PathBuf], format: StatsFormat) -> Result<ExitCode> {
    let set = load_set(dir, None, &Default::default())?;
    let vocab = MonitoringVocab::new(&set.bundle);
    let mut records = Vec::new();
    let mut bad = 0usize;
    for file in files {
        let text = read_at_most(file, MAX_SET, "a file of monitoring records")?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match MonitoringRecord::parse(line, &vocab) {
                Ok(record) => records.push(record),
                Err(e) => {
                    bad += 1;
                    if bad <= SHOWN_ERRORS {
                        tell!("error: {} line {}: {e}", file.display(), n + 1);
                    }
                }
            }
        }
    }
    if bad > 0 {
        if bad > SHOWN_ERRORS {
            tell!("error: {} more bad records", bad - SHOWN_ERRORS);
        }
        return Err(CliError::input(format!(
            "{bad} monitoring record{} refused: no report written (a report that leaves records out would mislead)",
            if bad == 1 { "" } else { "s" }
        ))
        .hint("each record is one line of JSON written by `pathway walk --monitoring`, `pathway decide --monitoring` or the web page"));
    }
    let report = stats_report(&records, &vocab);
    let out = match format {
        StatsFormat::Text => stats_text(&report),
        StatsFormat::Json => stats_json(&report) + "\n",
        StatsFormat::Csv => stats_csv(&report),
        StatsFormat::Html => stats_html(&report),
    };
    say_raw!("{out}");
    Ok(ExitCode::SUCCESS)
}
