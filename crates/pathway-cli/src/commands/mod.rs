//! One module per command; `run` dispatches.

mod check;
mod decide;
mod diff;
mod graph;
mod list;
mod monitor;
mod prompt;
mod quiz;
mod review;
mod scenarios;
mod stats;
mod walk;

use std::process::ExitCode;

use clap::CommandFactory;

use crate::args::{Args, Command};
use crate::io::{Result, say};

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let dir = args.pathways.as_deref();
    match args.command {
        Command::List { format } => list::run(dir, format),
        Command::Walk {
            pathway,
            today,
            save,
            resume,
            summary,
            monitoring,
        } => walk::run(
            dir,
            pathway.as_deref(),
            today.as_deref(),
            save,
            resume,
            walk::Ends {
                summary,
                monitoring,
            },
        ),
        Command::Decide {
            pathway,
            facts,
            today,
            format,
            fail_fast,
            stats,
            brief,
            unproven,
            monitoring,
            relaxed,
        } => decide::run(
            dir,
            pathway.as_deref(),
            &facts,
            today.as_deref(),
            decide::Options {
                format,
                fail_fast,
                stats,
                brief,
                unproven,
                monitoring,
                relaxed,
            },
        ),
        Command::Check {
            paths,
            today,
            format,
            examples,
            counterexamples,
            stats,
        } => check::run(
            dir,
            &paths,
            today.as_deref(),
            format,
            check::Outputs {
                examples: examples.as_deref(),
                counterexamples: counterexamples.as_deref(),
                stats,
            },
        ),
        Command::Stats { files, format } => stats::run(dir, &files, format),
        Command::Scenarios {
            dir: folder,
            coverage,
            format,
        } => scenarios::run(dir, folder.as_deref(), coverage, format),
        Command::Quiz { scenario, answers } => quiz::run(dir, &scenario, answers.as_deref()),
        Command::Graph {
            pathway,
            format,
            facts,
            today,
        } => graph::run(
            dir,
            pathway.as_deref(),
            format,
            facts.as_deref(),
            today.as_deref(),
        ),
        Command::Review {
            set,
            format,
            out,
            today,
        } => review::run(dir, set.as_deref(), format, out, today.as_deref()),
        Command::Diff {
            old,
            new,
            format,
            out,
            today,
            full,
        } => diff::run(&old, &new, format, out, today.as_deref(), full),
        Command::Schema => {
            let schema = schemars::schema_for!(pathway::model::PathwayFile);
            say!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Args::command(),
                "pathway",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
