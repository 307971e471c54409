//! `pathway graph`: the flowchart, with the walked path highlighted.

use std::path::Path;
use std::process::ExitCode;

use pathway::{Config, GraphFormat, evaluate, graph};

use crate::args::GraphFormatArg;
use crate::io::{CliError, Result, load_set, read, say_raw, today as parse_today};

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
                std::io::read_to_string(std::io::stdin())
                    .map_err(|e| CliError::input(e.to_string()))?
            } else {
                read(Path::new(file))?
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
