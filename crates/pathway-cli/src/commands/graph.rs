//! `pathway graph`: the flowchart, with the walked path highlighted.

use std::path::Path;
use std::process::ExitCode;

use pathway::{Config, GraphFormat, evaluate, graph};

use crate::args::GraphFormatArg;
use crate::io::{CliError, Result, load_set, read_at_most, say_raw, today as parse_today};
use pathway_cli::records::MAX_RECORD;

/// A facts record from standard input, of at most [`MAX_RECORD`] bytes.
fn read_stdin() -> Result<String> {
    use std::io::Read;
    let mut data = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_RECORD as u64 + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            CliError::input(format!(
                "cannot read standard input: {}",
                crate::io::plain(&e)
            ))
        })?;
    if data.len() > MAX_RECORD {
        return Err(CliError::input(format!(
            "standard input is longer than a facts record may be ({} KiB)",
            MAX_RECORD / 1024
        )));
    }
    String::from_utf8(data).map_err(|_| {
        CliError::input("standard input is not UTF-8 text").hint("save the facts as UTF-8 text")
    })
}

pub(crate) fn run(
    dir: Option<&Path>,
    pathway: Option<&str>,
    format: GraphFormatArg,
    facts: Option<&str>,
    today: Option<&str>,
) -> Result<ExitCode> {
    let today = parse_today(today)?;
    let set = load_set(dir, pathway, &Default::default())?;
    let start = set.pathway(pathway)?;
    let format = match format {
        GraphFormatArg::Dot => GraphFormat::Dot,
        GraphFormatArg::Mermaid => GraphFormat::Mermaid,
        GraphFormatArg::Svg => GraphFormat::Svg,
    };
    let walked = match facts {
        None => None,
        Some(file) => {
            let text = if file == "-" {
                read_stdin()?
            } else {
                read_at_most(Path::new(file), MAX_RECORD as u64, "a facts record")?
            };
            let facts = set
                .bundle
                .parse_facts_str(&text, today)
                .map_err(|e| CliError::input(format!("{file}: {e}")))?;
            Some(
                evaluate(
                    &set.bundle,
                    start,
                    &facts,
                    &Config {
                        today,
                        use_defaults: true,
                    },
                )
                .trail,
            )
        }
    };
    say_raw!("{}", graph(&set.bundle, start, format, walked.as_deref()));
    Ok(ExitCode::SUCCESS)
}
