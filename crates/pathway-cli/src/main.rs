//! The `pathway` command: walks frontline staff through the UK modern slavery victim
//! referral pathways. Thin: argument parsing here, one module per command, all decisions
//! in the `pathway` library.

mod args;
mod commands;
mod io;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Argument errors quote the argument: shown escaped like everything else printed.
    let args = match args::Args::try_parse() {
        Ok(args) => args,
        Err(e) if e.use_stderr() => {
            let text = e.render().to_string();
            io::emit_err(format_args!("{}", text.trim_end()));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(io::EXIT_INPUT));
        }
        Err(e) => e.exit(),
    };
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            io::emit_err(format_args!("{err}"));
            ExitCode::from(err.exit)
        }
    }
}
