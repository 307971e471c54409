//! `pathway walk`: the guided interactive walk, with back, save and resume.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use inquire::error::InquireError;
use inquire::{Confirm, Select, Text};
use pathway::{Bundle, Date, Evaluation, Session, State, outcome_text};

use super::prompt::{self, Progress, Reply};
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
    // A bad --today is refused whatever else is given, --resume included.
    let given = today.map(|t| parse_today(Some(t))).transpose()?;
    let set = load_set(dir, pathway, &Default::default())?;
    let bundle = &set.bundle;
    let mut save_to = save;
    // What the worker must know about the date before the first question, and a reminder
    // for the end when ages are worked out on a day that is not today.
    let mut date_note = None;
    let mut reminder = None;
    let mut session = match &resume {
        Some(file) => {
            let text = read(file)?;
            let saved = Session::from_json(bundle, &text).map_err(|e| {
                CliError::input(format!("cannot resume {}: {e}", file.display()))
                    .hint("start a new walk: pathway walk")
            })?;
            save_to = Some(file.clone());
            match given {
                Some(day) if day != saved.today() => {
                    let (session, note) = redate(bundle, &saved, day);
                    date_note = Some(note);
                    session
                }
                Some(_) => saved,
                None => {
                    let clock = parse_today(None)?;
                    if clock != saved.today() {
                        date_note = Some(format!(
                            "Warning: this session was saved on {saved_on} and today is {clock}. Ages are \
                             still worked out on {saved_on}, the saved date. If the person has had a \
                             birthday since (for example turned 18), the right route today may be \
                             different. To work ages out on today's date, quit and resume with:\n  \
                             pathway walk --resume {file} --today {clock}",
                            saved_on = saved.today(),
                            file = file.display(),
                        ));
                        reminder = Some(format!(
                            "Ages were worked out on {}, the saved date, not today ({clock}).",
                            saved.today()
                        ));
                    }
                    saved
                }
            }
        }
        None => {
            let day = match given {
                Some(day) => day,
                None => parse_today(None)?,
            };
            Session::new(bundle, set.pathway(pathway)?, day)
        }
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
    if let Some(note) = &date_note {
        say!("\n{note}");
    }
    let mut progress = Progress::new(&meta.id);
    // Whether saving to `save_to` failed since it last worked (said once, not after every answer).
    let mut unsaved = false;
    loop {
        match session.current().state {
            State::NeedsAnswer(q) => match prompt::ask(bundle, &q, session.today(), &mut progress)?
            {
                Reply::Answer(value) => {
                    if let Err(e) = session.answer(&q.fact, &value) {
                        say!("That answer can't be used: {e}");
                        continue;
                    }
                    if let Some(file) = &save_to {
                        match write_atomic(file, &session.to_json()) {
                            Ok(()) => unsaved = false,
                            Err(e) if !unsaved => {
                                unsaved = true;
                                say!(
                                    "Could not save the session ({}). Your answers are kept: when you quit you will be asked for another file name.",
                                    e.message
                                );
                            }
                            Err(_) => {}
                        }
                    }
                }
                Reply::Back => {
                    if !session.back() {
                        say!("This is the first question.");
                    }
                }
                Reply::Quit => {
                    if let Some(code) = quit(&session, save_to.as_deref())? {
                        return Ok(code);
                    }
                    say!("Back to the questions: nothing is lost.");
                }
            },
            State::Finished(_) | State::Blocked { .. } => {
                let evaluation = session.current();
                say!();
                say_raw!("{}", outcome_text(bundle, &evaluation));
                if let Some(reminder) = &reminder {
                    say!("\n{reminder}");
                }
                if let Some(file) = &save_to {
                    finish_saving(&session, file)?;
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

/// A saved session re-walked on another date: each saved answer is given again while the walk
/// asks for it (a date of birth is checked against the new date). Says what changed.
fn redate<'b>(bundle: &'b Bundle, saved: &Session<'b>, day: Date) -> (Session<'b>, String) {
    let mut session = Session::new(bundle, saved.pathway(), day);
    let mut problem = None;
    while let State::NeedsAnswer(q) = session.current().state {
        let Some((_, value)) = saved.answers().iter().find(|(f, _)| *f == q.fact) else {
            break;
        };
        if let Err(e) = session.answer(&q.fact, &value.to_json()) {
            problem = Some(format!(
                " The saved answer to `{}` no longer holds: {e}.",
                q.fact
            ));
            break;
        }
    }
    let mut note = format!(
        "This session was saved on {}. As asked (--today), ages are now worked out on {day}.",
        saved.today()
    );
    let (kept, all) = (session.answers().len(), saved.answers().len());
    if route(&session.current()) != route(&saved.current()) {
        note.push_str(&format!(
            " With this date the route is different (for example, the person has turned 18): \
             {kept} of the {all} saved answers still apply, and the questions go on from there."
        ));
    } else {
        note.push_str(" The route is the same as on the saved date.");
    }
    if let Some(problem) = problem {
        note.push_str(&problem);
    }
    (session, note)
}

/// The steps a walk took, to tell whether a new date changed the route.
fn route(evaluation: &Evaluation) -> Vec<(&str, &str)> {
    evaluation
        .trail
        .iter()
        .map(|v| (v.pathway.as_str(), v.step.as_str()))
        .collect()
}

/// Quit and save: `None` means the worker went back to the questions (Esc), so no answer is
/// lost to a file that cannot be written unless the worker says so (or presses Ctrl-C).
fn quit(session: &Session<'_>, save_to: Option<&Path>) -> Result<Option<ExitCode>> {
    if let Some(file) = save_to {
        match write_atomic(file, &session.to_json()) {
            Ok(()) => {
                saved(file);
                return Ok(Some(ExitCode::SUCCESS));
            }
            Err(e) => say!("Could not save the session ({}).", e.message),
        }
    } else {
        match Confirm::new("Save this session to a file so you can resume it?")
            .with_default(true)
            .with_help_message("Esc to go back to the questions")
            .prompt()
        {
            Ok(true) => {}
            Err(InquireError::OperationCanceled) => return Ok(None),
            Ok(false) | Err(_) => {
                say!("Not saved: nothing was stored.");
                return Ok(Some(ExitCode::SUCCESS));
            }
        }
    }
    Ok(match save_as(session, true)? {
        SaveAs::Saved(file) => {
            saved(&file);
            Some(ExitCode::SUCCESS)
        }
        SaveAs::Back => None,
        SaveAs::Discarded => {
            say!("Quit without saving: your answers were not stored.");
            Some(ExitCode::SUCCESS)
        }
        SaveAs::Interrupted => {
            say!("Quit (Ctrl-C) without saving: your answers were not stored.");
            Some(ExitCode::SUCCESS)
        }
    })
}

fn saved(file: &Path) {
    say!(
        "Saved to {}. Resume with: pathway walk --resume {}",
        file.display(),
        file.display()
    );
}

/// Saves at the end of a walk, offering another file name when the chosen one fails.
fn finish_saving(session: &Session<'_>, file: &Path) -> Result<()> {
    match write_atomic(file, &session.to_json()) {
        Ok(()) => say!("\nSession saved to {}.", file.display()),
        Err(e) => {
            say!("\nCould not save the session ({}).", e.message);
            match save_as(session, false)? {
                SaveAs::Saved(other) => say!("Session saved to {}.", other.display()),
                SaveAs::Back | SaveAs::Discarded | SaveAs::Interrupted => {
                    say!("Not saved: the summary above is the only record.");
                }
            }
        }
    }
    Ok(())
}

/// How asking for another file name ended.
enum SaveAs {
    /// Written there.
    Saved(PathBuf),
    /// Esc: back to the questions (at the end of a walk: not saved).
    Back,
    /// The worker chose to quit without saving, and confirmed it.
    Discarded,
    /// Ctrl-C: quit without saving.
    Interrupted,
}

/// Asks for a file name until the session is written there. A name that fails is offered
/// again for editing, with the reason. Esc during a walk offers the way out: back to the
/// questions (the default), another name, or quit without saving once confirmed; at the end
/// of a walk it means not saved. Ctrl-C quits without saving.
fn save_as(session: &Session<'_>, during_walk: bool) -> Result<SaveAs> {
    let mut last: Option<String> = None;
    loop {
        let help = if during_walk {
            "Enter to save, Esc for the other choices (back to the questions, quit without saving)"
        } else {
            "Enter to save, Esc to finish without saving"
        };
        let mut prompt = Text::new("File name:").with_help_message(help);
        prompt = match &last {
            Some(name) => prompt.with_initial_value(name),
            None => prompt.with_default("pathway-session.json"),
        };
        let name = match prompt.prompt() {
            Ok(name) => name.trim().to_owned(),
            Err(InquireError::OperationCanceled) if !during_walk => return Ok(SaveAs::Back),
            Err(InquireError::OperationCanceled) => match not_saved()? {
                Some(choice) => return Ok(choice),
                None => continue,
            },
            Err(InquireError::OperationInterrupted) => return Ok(SaveAs::Interrupted),
            Err(e) => return Err(prompt_failed(e)),
        };
        if name.is_empty() {
            continue;
        }
        let file = PathBuf::from(&name);
        match write_atomic(&file, &session.to_json()) {
            Ok(()) => return Ok(SaveAs::Saved(file)),
            Err(e) => {
                say!(
                    "That file can't be written ({}). Type another file name, or press Esc for the other choices.",
                    e.message
                );
                last = Some(name);
            }
        }
    }
}

const BACK_TO_QUESTIONS: &str = "Go back to the questions (nothing is lost)";
const ANOTHER_NAME: &str = "Type another file name";
const QUIT_UNSAVED: &str = "Quit without saving (your answers will be lost)";

/// Esc at the file name during a walk: what now? `None` means type a file name again (also
/// Esc here, and a quit that is not confirmed).
fn not_saved() -> Result<Option<SaveAs>> {
    let choice = Select::new(
        "The session is not saved. What now?",
        vec![BACK_TO_QUESTIONS, ANOTHER_NAME, QUIT_UNSAVED],
    )
    .with_help_message("↑↓ to move, Enter to choose, Esc to type a file name")
    .prompt();
    match choice {
        Ok(BACK_TO_QUESTIONS) => Ok(Some(SaveAs::Back)),
        Ok(QUIT_UNSAVED) => {
            match Confirm::new("Quit without saving? The answers given so far will be lost.")
                .with_default(false)
                .with_help_message("y to quit without saving, n to choose again")
                .prompt()
            {
                Ok(true) => Ok(Some(SaveAs::Discarded)),
                Ok(false) | Err(InquireError::OperationCanceled) => Ok(None),
                Err(InquireError::OperationInterrupted) => Ok(Some(SaveAs::Interrupted)),
                Err(e) => Err(prompt_failed(e)),
            }
        }
        Ok(_) | Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::OperationInterrupted) => Ok(Some(SaveAs::Interrupted)),
        Err(e) => Err(prompt_failed(e)),
    }
}

fn prompt_failed(e: InquireError) -> CliError {
    CliError::input(format!("the terminal prompt failed: {e}"))
}
