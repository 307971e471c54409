//! `pathway walk`: the guided interactive walk, with back, save and resume.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use inquire::{Confirm, Text};
use pathway::{Session, State, outcome_text};

use super::prompt::{self, Reply};
use crate::io::{
    CliError, Result, load_set, read, say, say_raw, today as parse_today, write_atomic,
};

pub(crate) fn run(
    dir: Option<&Path>,
    pathway: Option<&str>,
    today: Option<&str>,
    save: Option<PathBuf>,
    resume: Option<PathBuf>,
) -> Result<ExitCode> {
    let set = load_set(dir, pathway, &Default::default())?;
    let bundle = &set.bundle;
    let mut save_to = save;
    let mut session = match &resume {
        Some(file) => {
            let text = read(file)?;
            let session = Session::from_json(bundle, &text).map_err(|e| {
                CliError::input(format!("cannot resume {}: {e}", file.display()))
                    .hint("start a new walk: pathway walk")
            })?;
            save_to = Some(file.clone());
            session
        }
        None => Session::new(bundle, set.pathway(pathway)?, parse_today(today)?),
    };
    // A saved file is checked before anything is asked, so a bad one is refused even in scripts.
    prompt::require_terminal(
        "walk",
        "for records or scripts use: pathway decide --facts FILE (one JSON object or JSON Lines)",
    )?;
    set.warn(session.today());
    let meta = bundle.meta(session.pathway());
    say!(
        "{} (v{}, reviewed {})",
        meta.title,
        meta.version,
        meta.reviewed
    );
    say!("If anyone is in immediate danger, call 999 now.");
    loop {
        match session.current().state {
            State::NeedsAnswer(q) => match prompt::ask(bundle, &q, session.today())? {
                Reply::Answer(value) => {
                    if let Err(e) = session.answer(&q.fact, &value) {
                        say!("That answer can't be used: {e}");
                        continue;
                    }
                    if let Some(file) = &save_to {
                        write_atomic(file, &session.to_json())?;
                    }
                }
                Reply::Back => {
                    if !session.back() {
                        say!("This is the first question.");
                    }
                }
                Reply::Quit => return quit(&session, save_to.as_deref()),
            },
            State::Finished(_) | State::Blocked { .. } => {
                let evaluation = session.current();
                say!();
                say_raw!("{}", outcome_text(bundle, &evaluation));
                if let Some(file) = &save_to {
                    write_atomic(file, &session.to_json())?;
                    say!("\nSession saved to {}.", file.display());
                }
                let blocked = matches!(evaluation.state, State::Blocked { .. });
                return Ok(if blocked {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                });
            }
        }
    }
}

fn quit(session: &Session<'_>, save_to: Option<&Path>) -> Result<ExitCode> {
    let file = match save_to {
        Some(f) => Some(f.to_path_buf()),
        None => {
            let wants = Confirm::new("Save this session to a file so you can resume it?")
                .with_default(true)
                .prompt()
                .unwrap_or(false);
            if wants {
                Text::new("File name:")
                    .with_default("pathway-session.json")
                    .prompt()
                    .ok()
                    .map(PathBuf::from)
            } else {
                None
            }
        }
    };
    match file {
        Some(f) => {
            write_atomic(&f, &session.to_json())?;
            say!(
                "Saved to {}. Resume with: pathway walk --resume {}",
                f.display(),
                f.display()
            );
        }
        None => say!("Not saved: nothing was stored."),
    }
    Ok(ExitCode::SUCCESS)
}
