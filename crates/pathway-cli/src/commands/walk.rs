//! `pathway walk`: the guided interactive walk, with back, save and resume.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use inquire::error::InquireError;
use inquire::{Confirm, Select, Text};
use pathway::{Action, Date, Evaluation, NotesConfig, Redated, Session, State, case_notes};

use super::prompt::{self, Progress, Reply};
use crate::io::{
    CliError, EXIT_INTERRUPTED, MAX_SESSION, Result, load_set, quoted_path, read_at_most, say,
    say_raw, today as parse_today, write_atomic,
};

pub(crate) fn run(
    dir: Option<&Path>,
    pathway: Option<&str>,
    today: Option<&str>,
    save: Option<PathBuf>,
    resume: Option<PathBuf>,
    ends: Ends,
) -> Result<ExitCode> {
    let Ends {
        summary,
        monitoring,
    } = ends;
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
            let text = read_at_most(file, MAX_SESSION, "a saved session")?;
            let saved = Session::from_json(bundle, &text).map_err(|e| {
                CliError::input(format!("cannot resume {}: {e}", file.display()))
                    .hint("start a new walk: pathway walk")
            })?;
            save_to = Some(file.clone());
            match given {
                Some(day) if day != saved.today() => {
                    let (session, note) = redate(&saved, day);
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
                            file = quoted_path(file),
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
        meta.reviewed.human()
    );
    say!("If anyone is in immediate danger, call 999 now.");
    if let Some(note) = &date_note {
        say!("\n{note}");
    }
    let mut progress = Progress::new(&meta.id);
    // Urgent actions already shown (each once, the moment it becomes due).
    let mut shown: Vec<String> = Vec::new();
    // Whether saving to `save_to` failed since it last worked (said once, not after every answer).
    let mut unsaved = false;
    loop {
        let evaluation = session.current();
        urgent_now(&evaluation.due, &mut shown);
        match evaluation.state {
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
                Reply::Interrupt => return Ok(interrupted(&session, save_to.as_deref())),
            },
            State::Finished(_) | State::Blocked { .. } => {
                let evaluation = session.current();
                if let State::Finished(outcome) = &evaluation.state {
                    urgent_now(&outcome.actions, &mut shown);
                }
                let reference = match &summary {
                    Some(_) => case_reference()?,
                    None => None,
                };
                let notes = case_notes(
                    bundle,
                    &evaluation,
                    &NotesConfig {
                        today: Some(session.today()),
                        time: Some(&clock_time()),
                        reference: reference.as_deref(),
                    },
                );
                say!();
                say_raw!("{notes}");
                if let Some(file) = &summary {
                    match write_atomic(file, &notes) {
                        Ok(()) => say!("\nCase notes written to {}.", file.display()),
                        Err(e) => say!(
                            "\nCould not write the case notes ({}): copy them from above.",
                            e.message
                        ),
                    }
                }
                if let Some(reminder) = &reminder {
                    say!("\n{reminder}");
                }
                if let Some(file) = &monitoring
                    && matches!(evaluation.state, State::Finished(_))
                    && let super::monitor::Ended::Interrupted =
                        super::monitor::after_walk(bundle, &session, file)?
                {
                    return Ok(interrupted(&session, save_to.as_deref()));
                }
                if let Some(file) = &save_to
                    && finish_saving(&session, file)?
                {
                    return Ok(ExitCode::from(EXIT_INTERRUPTED));
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

/// What a walk writes when it ends, besides the session.
pub(crate) struct Ends {
    /// The case notes.
    pub(crate) summary: Option<PathBuf>,
    /// The anonymised monitoring record.
    pub(crate) monitoring: Option<PathBuf>,
}

/// Shows each urgent action not shown yet as a banner, before anything else is asked: the
/// worker must act on it now (999, somewhere safe tonight).
fn urgent_now(actions: &[Action<'_>], shown: &mut Vec<String>) {
    for action in actions.iter().filter(|a| a.urgent) {
        if shown.iter().any(|c| c == action.code) {
            continue;
        }
        shown.push(action.code.to_owned());
        let width = prompt::width().saturating_sub(1).clamp(20, 78);
        let rule = "!".repeat(width);
        say!("\n{rule}");
        say!("{}", prompt::fill(&banner_heading(action.title)));
        say!("{}", prompt::fill(action.instructions));
        if let Some(detail) = &action.detail {
            say!("{}", prompt::fill(detail));
        }
        if let Some(c) = &action.contact {
            let phone = c
                .contact
                .phone
                .as_deref()
                .map(|p| format!(": {p}"))
                .unwrap_or_default();
            say!(
                "{}",
                prompt::fill(&format!("Contact {}{phone}", c.contact.name))
            );
        }
        say!("Continue when they are safe.");
        say!("{rule}");
    }
}

/// An urgent banner's heading: "URGENT NOW:" and the title, saying "urgent" once (a title
/// such as "Urgent: refer before their 18th birthday" already says it).
fn banner_heading(title: &str) -> String {
    let word = "urgent";
    let says_it = title
        .get(..word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
        && !title[word.len()..].starts_with(|c: char| c.is_alphanumeric());
    if !says_it {
        return format!("URGENT NOW: {title}");
    }
    let rest = title[word.len()..].trim_start_matches(|c: char| !c.is_alphanumeric());
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => format!("URGENT NOW: {}{}", first.to_uppercase(), chars.as_str()),
        None => "URGENT NOW".to_owned(),
    }
}

/// The time on the clock, `HH:MM UTC` (the library reads no clock; this is for the notes).
fn clock_time() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let minutes = (secs / 60) % (24 * 60);
    format!("{:02}:{:02} UTC", minutes / 60, minutes % 60)
}

/// The worker's case reference for the notes file (never saved in the session).
fn case_reference() -> Result<Option<String>> {
    match Text::new("Case reference for the case notes (optional):")
        .with_help_message("Enter to leave it out; it is written only into the notes file")
        .prompt()
    {
        Ok(r) if r.trim().is_empty() => Ok(None),
        Ok(r) => Ok(Some(r.trim().to_owned())),
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => Ok(None),
        Err(e) => Err(prompt_failed(e)),
    }
}

/// A saved session re-walked on another date. Each saved answer is given again while the walk
/// asks for it (a date of birth is checked against the new date); answers the walk has not
/// reached are kept as `Session::from_json` keeps them, while still valid on the new date and
/// still ahead. The note says whether the route changed and which answers could not be used,
/// and why.
fn redate<'b>(saved: &Session<'b>, day: Date) -> (Session<'b>, String) {
    let Redated {
        session,
        refused,
        off_route,
    } = saved.redate(day);
    let mut note = format!(
        "This session was saved on {}. As asked (--today), ages are now worked out on {day}.",
        saved.today()
    );
    let (kept, all) = (session.answers().len(), saved.answers().len());
    // The walk on the new date stops early at an answer it cannot use: that is not a new
    // route. The route changed only where the two walks take different steps.
    let (now, before) = (session.current(), saved.current());
    if !route(&before).starts_with(&route(&now)) {
        note.push_str(&format!(
            " With this date the route is different (for example, the person has turned 18): \
             {kept} of the {all} saved answers still apply, and the questions go on from there."
        ));
    } else if kept == all {
        note.push_str(" The route is the same as on the saved date.");
    } else {
        note.push_str(&format!(
            " The route so far is the same as on the saved date: {kept} of the {all} saved \
             answers still apply."
        ));
    }
    for (fact, why) in &refused {
        note.push_str(&format!(
            " The saved answer to `{fact}` cannot be used on {day}: {why}."
        ));
    }
    if !off_route.is_empty() {
        let facts: Vec<String> = off_route.iter().map(|f| format!("`{f}`")).collect();
        note.push_str(&format!(
            " Not asked on this route, so left out: {}.",
            facts.join(", ")
        ));
    }
    if kept < all {
        note.push_str(" The answers that are not used leave the saved file when it is next saved.");
    }
    (session, note)
}

/// The steps a walk took, and the question it waits at, to tell whether a new date changed
/// the route: a walk that now stops at a question the saved walk never reached there (an
/// 18-year-old asked whether they may be under 18) has taken another route, though every
/// step it passed is one the saved walk passed too.
fn route<'b>(evaluation: &Evaluation<'b>) -> Vec<(&'b str, &'b str)> {
    let pending = match &evaluation.state {
        State::NeedsAnswer(q) => Some((q.pathway, q.step)),
        _ => None,
    };
    evaluation
        .trail
        .iter()
        .map(|v| (v.pathway, v.step))
        .chain(pending)
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
            Err(InquireError::OperationInterrupted) => return Ok(Some(interrupted(session, None))),
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
            Some(ExitCode::from(EXIT_INTERRUPTED))
        }
    })
}

/// Ctrl-C at a question: saved to the session's file when it has one, then exit 130.
fn interrupted(session: &Session<'_>, save_to: Option<&Path>) -> ExitCode {
    match save_to.map(|file| (file, write_atomic(file, &session.to_json()))) {
        Some((file, Ok(()))) => {
            say!("Interrupted (Ctrl-C).");
            saved(file);
        }
        Some((_, Err(e))) => say!(
            "Interrupted (Ctrl-C). Could not save the session ({}): your answers were not stored.",
            e.message
        ),
        None => say!("Interrupted (Ctrl-C): your answers were not stored."),
    }
    ExitCode::from(EXIT_INTERRUPTED)
}

fn saved(file: &Path) {
    say!(
        "Saved to {}. Resume with: pathway walk --resume {}",
        file.display(),
        quoted_path(file)
    );
}

/// Saves at the end of a walk, offering another file name when the chosen one fails; `true`
/// when the worker pressed Ctrl-C instead.
fn finish_saving(session: &Session<'_>, file: &Path) -> Result<bool> {
    match write_atomic(file, &session.to_json()) {
        Ok(()) => say!("\nSession saved to {}.", file.display()),
        Err(e) => {
            say!("\nCould not save the session ({}).", e.message);
            match save_as(session, false)? {
                SaveAs::Saved(other) => say!("Session saved to {}.", other.display()),
                SaveAs::Interrupted => {
                    say!("Not saved: the summary above is the only record.");
                    return Ok(true);
                }
                SaveAs::Back | SaveAs::Discarded => {
                    say!("Not saved: the summary above is the only record.");
                }
            }
        }
    }
    Ok(false)
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

#[cfg(test)]
mod tests {
    use pathway::{Bundle, SESSION_FORMAT};
    use serde_json::Value as Json;
    use serde_json::json;

    use super::*;

    /// The bundled set as the command loads it (the snapshot verified at build time: a debug
    /// build does not verify it again for each test).
    fn bundle() -> Bundle {
        pathway_bundled::bundle().unwrap()
    }

    /// A session saved on `on` with these (fact, value) answers, loaded as `--resume` loads it.
    fn saved<'b>(bundle: &'b Bundle, on: &str, answers: &[(&str, Json)]) -> Session<'b> {
        let answers: Vec<Json> = answers
            .iter()
            .map(|(fact, value)| json!({"fact": fact, "value": value}))
            .collect();
        let text = json!({
            "format": SESSION_FORMAT,
            "pathway": "hertfordshire",
            "version": bundle.meta(bundle.entry()).version,
            "content_hash": bundle.content_hash(),
            "today": on,
            "answers": answers,
        });
        Session::from_json(bundle, &text.to_string()).unwrap()
    }

    fn next(session: &Session<'_>) -> String {
        match session.current().state {
            State::NeedsAnswer(q) => q.fact.into_owned(),
            _ => "finished".into(),
        }
    }

    fn facts<'s>(session: &'s Session<'_>) -> Vec<&'s str> {
        session.answers().iter().map(|(f, _)| f.as_str()).collect()
    }

    #[test]
    fn an_urgent_banner_says_urgent_once() {
        assert_eq!(banner_heading("Call 999 now"), "URGENT NOW: Call 999 now");
        assert_eq!(
            banner_heading("Urgent: refer before their 18th birthday"),
            "URGENT NOW: Refer before their 18th birthday"
        );
        assert_eq!(banner_heading("URGENT - act now"), "URGENT NOW: Act now");
        assert_eq!(banner_heading("Urgently"), "URGENT NOW: Urgently");
        assert_eq!(banner_heading("Urgent"), "URGENT NOW");
        assert_eq!(banner_heading("Ur"), "URGENT NOW: Ur");
    }

    #[test]
    fn redate_keeps_a_saved_answer_ahead_of_the_walk_and_uses_it_when_reached() {
        let bundle = bundle();
        // The age is ahead of the walk: the age basis is not answered yet.
        let before = saved(
            &bundle,
            "2026-11-22",
            &[
                ("immediate_danger", json!(true)),
                ("needs_safe_place_tonight", json!(false)),
                ("language_barrier", json!(false)),
                ("someone_speaks_for_them", json!(false)),
                ("age", json!(17)),
            ],
        );
        let (mut session, note) = redate(&before, "2026-11-30".parse().unwrap());
        assert_eq!(session.today().to_string(), "2026-11-30");
        assert_eq!(
            facts(&session),
            [
                "immediate_danger",
                "needs_safe_place_tonight",
                "language_barrier",
                "someone_speaks_for_them",
                "age"
            ]
        );
        assert!(
            note.ends_with("The route is the same as on the saved date."),
            "{note}"
        );
        // What the next autosave writes still holds it.
        assert!(session.to_json().contains("\"age\""));
        assert_eq!(next(&session), "age_basis");
        session.answer("age_basis", &json!("stated_age")).unwrap();
        assert_ne!(next(&session), "age", "the saved age is asked again");
    }

    #[test]
    fn redate_names_an_answer_it_cannot_use_and_claims_no_route_change_for_it() {
        let bundle = bundle();
        let before = saved(
            &bundle,
            "2026-11-22",
            &[
                ("immediate_danger", json!(false)),
                ("needs_safe_place_tonight", json!(false)),
                ("language_barrier", json!(false)),
                ("someone_speaks_for_them", json!(false)),
                ("age_basis", json!("date_of_birth")),
                ("date_of_birth", json!("2026-11-01")),
                ("suspected_modern_slavery", json!("yes")),
            ],
        );
        // The date of birth is after the new date.
        let (mut session, note) = redate(&before, "2026-10-01".parse().unwrap());
        assert!(!note.contains("route is different"), "{note}");
        assert!(
            note.contains(
                "The route so far is the same as on the saved date: 6 of the 7 saved answers \
                 still apply. The saved answer to `date_of_birth` cannot be used on 2026-10-01: \
                 `date_of_birth` is 2026-11-01, which is after today (2026-10-01); it is asked \
                 again."
            ),
            "{note}"
        );
        assert!(note.contains("leave the saved file"), "{note}");
        assert_eq!(next(&session), "date_of_birth");
        // The answer after it is kept, and used once the date of birth is given again.
        assert_eq!(
            facts(&session),
            [
                "immediate_danger",
                "needs_safe_place_tonight",
                "language_barrier",
                "someone_speaks_for_them",
                "age_basis",
                "suspected_modern_slavery"
            ]
        );
        session
            .answer("date_of_birth", &json!("2008-12-20"))
            .unwrap();
        assert_eq!(next(&session), "reporter_organisation");
    }

    #[test]
    fn redate_says_the_route_changed_and_names_the_answers_left_out() {
        let bundle = bundle();
        // 18 on the saved date (adult route, which asks whether a young adult may be under
        // 18, and about care and support needs), 17 on the new one (child route, which asks
        // neither).
        let before = saved(
            &bundle,
            "2026-12-21",
            &[
                ("immediate_danger", json!(false)),
                ("needs_safe_place_tonight", json!(false)),
                ("language_barrier", json!(false)),
                ("someone_speaks_for_them", json!(false)),
                ("age_basis", json!("date_of_birth")),
                ("date_of_birth", json!("2008-12-20")),
                ("may_be_under_18", json!(false)),
                ("suspected_modern_slavery", json!("yes")),
                ("reporter_organisation", json!("police")),
                ("exploitation_type", json!("labour")),
                ("care_and_support_needs", json!(true)),
            ],
        );
        let (session, note) = redate(&before, "2026-11-22".parse().unwrap());
        assert!(
            note.contains(
                "With this date the route is different (for example, the person has turned \
                 18): 9 of the 11 saved answers still apply"
            ),
            "{note}"
        );
        assert!(
            note.contains(
                "Not asked on this route, so left out: `may_be_under_18`, `care_and_support_needs`."
            ),
            "{note}"
        );
        assert!(!note.contains("cannot be used"), "{note}");
        assert_eq!(next(&session), "finished");
        assert_eq!(facts(&session).len(), 9);
    }

    #[test]
    fn redate_says_the_route_changed_when_the_new_date_asks_a_question_the_old_did_not() {
        let bundle = bundle();
        // 17 on the saved date (the child route); 18 on the new one, so the walk stops to ask
        // whether they may be under 18, before it reaches any step the saved walk did not.
        let before = saved(
            &bundle,
            "2026-11-22",
            &[
                ("immediate_danger", json!(false)),
                ("needs_safe_place_tonight", json!(false)),
                ("language_barrier", json!(true)),
                ("someone_speaks_for_them", json!(true)),
                ("age_basis", json!("date_of_birth")),
                ("date_of_birth", json!("2008-12-20")),
                ("suspected_modern_slavery", json!("yes")),
            ],
        );
        let (session, note) = redate(&before, "2026-12-21".parse().unwrap());
        assert_eq!(next(&session), "may_be_under_18");
        assert!(
            note.contains(
                "With this date the route is different (for example, the person has turned 18)"
            ),
            "{note}"
        );
        assert!(!note.contains("The route is the same"), "{note}");
    }

    #[test]
    fn redate_on_a_day_that_changes_nothing_keeps_every_answer() {
        let bundle = bundle();
        let answers = [
            ("immediate_danger", json!(false)),
            ("needs_safe_place_tonight", json!(false)),
            ("language_barrier", json!(false)),
            ("someone_speaks_for_them", json!(false)),
            ("age_basis", json!("date_of_birth")),
            ("date_of_birth", json!("2008-12-20")),
            ("suspected_modern_slavery", json!("yes")),
        ];
        let before = saved(&bundle, "2026-11-22", &answers);
        let (session, note) = redate(&before, "2026-11-23".parse().unwrap());
        assert_eq!(session.answers(), before.answers());
        assert!(
            note.ends_with("The route is the same as on the saved date."),
            "{note}"
        );
    }
}
