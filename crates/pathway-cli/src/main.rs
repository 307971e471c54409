//! The `pathway` command: walks frontline staff through the UK modern slavery victim
//! referral pathways. Thin: argument parsing here, one module per command, all decisions
//! in the `pathway` library.

mod args;
mod commands;
mod io;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = args::Args::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            io::emit_err(format_args!("{err}"));
            ExitCode::from(err.exit)
        }
    }
}
