//! The interactive walk and quiz in a real pseudo-terminal (rexpect): keystrokes in, screen
//! out.
//!
//! "AR at 17" (fixtures/scenarios/ar-at-17.json, with a date of birth five weeks before the
//! 18th birthday): a worker asks for help, picks the wrong age route, types an impossible age
//! and a future date (each refused in place), goes back, changes the answer, quits with Esc
//! and saves when offered, then resumes the saved session and finishes. Also: a file name that
//! cannot be written, resuming on another day, colour, and the exit status of every run.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-11-22";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const BACKSPACE: &str = "\x7f";
const CTRL_C: &str = "\x03";

/// `pathway walk --today 2026-11-22 ARGS` in a pseudo-terminal.
fn walk(args: &[&str]) -> PtySession {
    spawn(&[&["walk", "--today", TODAY][..], args].concat())
}

/// `pathway ARGS` in a 120×50 terminal, with colour off, from the repository root.
fn spawn(args: &[&str]) -> PtySession {
    spawn_with(args, "1")
}

/// `pathway ARGS` with `NO_COLOR` set to `no_color`; escape codes are kept on screen only
/// when colour is on.
fn spawn_with(args: &[&str], no_color: &str) -> PtySession {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(r#"stty cols 120 rows 50 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_pathway"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", no_color)
        .env("TERM", "xterm-256color");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(!no_color.is_empty());
    spawn_with_options(command, options).expect("cannot start `pathway` in a pty")
}

/// Waits until the screen shows `text` (so the prompt is ready for keys).
fn wait(p: &mut PtySession, text: &str) {
    if let Err(e) = p.exp_string(text) {
        panic!("waiting for `{text}`: {e}");
    }
}

/// Sends keys one at a time, as a person would type them.
fn keys(p: &mut PtySession, keys: &[&str]) {
    for k in keys {
        p.send(k).unwrap();
        p.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(60));
    }
}

/// Waits for the program to end: the rest of the screen and the exit status.
fn finish(p: &mut PtySession) -> (String, i32) {
    let screen = p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => (screen, code),
        other => panic!("`pathway` did not exit normally: {other:?}\n{screen}"),
    }
}

/// Esc at a question (quit), yes to saving, and `file` as the name.
fn quit_and_save_as(p: &mut PtySession, file: &Path) {
    keys(p, &[ESC]);
    wait(p, "Save this session to a file");
    keys(p, &[ENTER]);
    wait(p, "File name");
    typed(p, file.to_str().unwrap());
    keys(p, &[ENTER]);
}

fn typed(p: &mut PtySession, text: &str) {
    let chars: Vec<String> = text.chars().map(String::from).collect();
    keys(p, &chars.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn walk_ar_at_17_with_help_validation_back_save_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("ar.json");

    let mut p = walk(&[]);
    wait(&mut p, "Question 1");
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]); // No, not right now

    wait(&mut p, "Question 2");
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[DOWN, DOWN, DOWN, ENTER]); // ? Help
    wait(&mut p, "Age at the time of this referral decides the route");
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[DOWN, ENTER]); // stated age: a mistake

    wait(&mut p, "Question 3");
    wait(&mut p, "How old is the person");
    typed(&mut p, "130");
    keys(&mut p, &[ENTER]);
    wait(&mut p, "must be between 0 and 120, not 130"); // refused in place
    keys(&mut p, &[BACKSPACE, BACKSPACE, BACKSPACE]);
    typed(&mut p, "back");
    keys(&mut p, &[ENTER]);

    wait(&mut p, "Question 2");
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[ENTER]); // I know their date of birth

    wait(&mut p, "Question 3");
    wait(&mut p, "What is the person's date of birth?");
    typed(&mut p, "2027-01-01");
    keys(&mut p, &[ENTER]);
    wait(&mut p, "after today");
    keys(&mut p, &[BACKSPACE; 10]);
    typed(&mut p, "2008-12-20");
    keys(&mut p, &[ENTER]);

    wait(&mut p, "Question 4");
    wait(&mut p, "signs that the person may be a victim");
    keys(&mut p, &[ENTER]); // Yes, there are signs

    wait(&mut p, "Question 5");
    wait(&mut p, "Is someone else speaking or translating");
    quit_and_save_as(&mut p, &saved); // quit: offered to save, yes (the default)
    wait(&mut p, "Resume with: pathway walk --resume");
    assert_eq!(finish(&mut p).1, 0, "quit and saved");

    // Saved atomically (no temporary file left), with the changed answer in path order.
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "a temporary file was left behind");
    let session: Json = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let answers: Vec<(&str, &Json)> = session["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["fact"].as_str().unwrap(), &a["value"]))
        .collect();
    assert_eq!(
        answers,
        [
            ("immediate_danger", &json!(false)),
            ("age_basis", &json!("date_of_birth")),
            ("date_of_birth", &json!("2008-12-20")),
            ("suspected_modern_slavery", &json!(true)),
        ]
    );

    let mut p = walk(&["--resume", saved.to_str().unwrap()]);
    wait(&mut p, "Is someone else speaking or translating");
    keys(&mut p, &[ENTER]); // yes, a "chaperone"
    wait(&mut p, "First Responder");
    keys(&mut p, &[ENTER]); // yes, we are a First Responder
    let (screen, code) = finish(&mut p);
    assert_eq!(code, 0, "{screen}");
    // The case notes (issue 13): in words, human dates, codes only under "About this advice".
    for text in [
        "WHAT TO DO NOW",
        "20 December 2026",
        "QUESTIONS AND ANSWERS",
        "Action codes: refer_before_18th_birthday, ",
        "childrens_services_referral",
        "nrm_referral",
        "Session saved to",
    ] {
        assert!(
            screen.contains(text),
            "`{text}` missing from the summary:\n{screen}"
        );
    }
    let first = screen.find("\n1. ").unwrap();
    assert!(screen[first..].starts_with("\n1. Urgent: refer before their 18th birthday"));
}

#[test]
fn quiz_ar_at_17_debriefs_a_wrong_age_route() {
    let mut p = spawn(&["quiz", "fixtures/scenarios/ar-at-17.json"]);
    wait(&mut p, "AR at 17");
    wait(&mut p, "Question 1");
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]); // No, not right now
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[DOWN, ENTER]); // the trainee takes the stated age
    wait(&mut p, "How old is the person");
    typed(&mut p, "18");
    keys(&mut p, &[ENTER]);
    // The adult route from here: take the first answer of every question to the end.
    loop {
        let (_, seen) = p.exp_regex(r"to move, Enter to choose|DEBRIEF").unwrap();
        if seen == "DEBRIEF" {
            break;
        }
        keys(&mut p, &[ENTER]);
    }
    let (debrief, code) = finish(&mut p);
    assert_eq!(code, 0, "{debrief}");
    for text in [
        r#"You answered age_basis = "stated_age"; the case says "date_of_birth"."#,
        "With the case's answer: You know their date of birth",
        "Expected outcome: [refer_before_18th_birthday",
        "AR is 17 today and turns 18 on 15 December 2026",
        "Review the differences above with your trainer.",
    ] {
        assert!(debrief.contains(text), "`{text}` missing from:\n{debrief}");
    }
}

/// The answers of a saved session, as (fact, value).
fn saved_answers(file: &Path) -> (String, Vec<(String, Json)>) {
    let session: Json = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let answers = session["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["fact"].as_str().unwrap().to_owned(), a["value"].clone()))
        .collect();
    (session["today"].as_str().unwrap().to_owned(), answers)
}

#[test]
fn a_file_name_that_cannot_be_written_is_asked_again_and_no_answer_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("no-such-folder/case.json");
    let good = dir.path().join("case.json");

    let mut p = walk(&[]);
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]); // No, not right now
    wait(&mut p, "How do you know the person's age?");
    quit_and_save_as(&mut p, &bad);
    wait(&mut p, "That file can't be written");
    wait(&mut p, "No such file or directory");
    // Esc at the file name offers the choices; the first (the default) goes back to the
    // questions, answers intact.
    keys(&mut p, &[ESC]);
    wait(&mut p, "The session is not saved. What now?");
    keys(&mut p, &[ENTER]);
    wait(&mut p, "Back to the questions: nothing is lost.");
    wait(&mut p, "How do you know the person's age?");
    quit_and_save_as(&mut p, &bad);
    wait(&mut p, "That file can't be written");
    // The name is offered again for editing: cut the missing folder out of it.
    keys(&mut p, &[BACKSPACE; "no-such-folder/case.json".len()]);
    typed(&mut p, "case.json");
    keys(&mut p, &[ENTER]);
    wait(&mut p, "Resume with: pathway walk --resume");
    assert_eq!(finish(&mut p).1, 0);
    let (_, answers) = saved_answers(&good);
    assert_eq!(answers, [("immediate_danger".to_owned(), json!(false))]);
}

#[test]
fn a_save_file_that_fails_mid_walk_keeps_the_answers_for_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("no-such-folder/case.json");
    let good = dir.path().join("other.json");
    let mut p = walk(&["--save", bad.to_str().unwrap()]);
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]);
    wait(&mut p, "Could not save the session");
    wait(&mut p, "Your answers are kept");
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[ENTER]); // date of birth
    wait(&mut p, "What is the person's date of birth?");
    keys(&mut p, &[ESC]); // quit: the --save file fails again, so another name is asked
    wait(&mut p, "Could not save the session");
    wait(&mut p, "File name");
    typed(&mut p, good.to_str().unwrap());
    keys(&mut p, &[ENTER]);
    wait(&mut p, "Resume with: pathway walk --resume");
    assert_eq!(finish(&mut p).1, 0);
    let (_, answers) = saved_answers(&good);
    assert_eq!(
        answers,
        [
            ("immediate_danger".to_owned(), json!(false)),
            ("age_basis".to_owned(), json!("date_of_birth")),
        ]
    );
}

#[test]
fn a_save_that_keeps_failing_can_still_be_quit_without_saving_esc_confirmed_or_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("no-such-folder/case.json");

    // Esc at the file name, "quit without saving": asked to confirm; no goes back to the file
    // name, yes quits (exit 0) saying the answers were not stored.
    let mut p = walk(&["--save", bad.to_str().unwrap()]);
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]);
    wait(&mut p, "Could not save the session");
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[ESC]); // quit: the --save file fails again
    wait(&mut p, "Could not save the session");
    wait(&mut p, "File name");
    keys(&mut p, &[ESC]);
    wait(&mut p, "The session is not saved. What now?");
    wait(&mut p, "Quit without saving (your answers will be lost)");
    keys(&mut p, &[DOWN, DOWN, ENTER]);
    wait(
        &mut p,
        "Quit without saving? The answers given so far will be lost.",
    );
    keys(&mut p, &["n", ENTER]);
    wait(&mut p, "File name");
    keys(&mut p, &[ESC]);
    wait(&mut p, "The session is not saved. What now?");
    keys(&mut p, &[DOWN, DOWN, ENTER]);
    wait(
        &mut p,
        "Quit without saving? The answers given so far will be lost.",
    );
    keys(&mut p, &["y", ENTER]);
    let (screen, code) = finish(&mut p);
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("Quit without saving: your answers were not stored."),
        "{screen}"
    );
    assert!(!screen.contains("Saved to"), "{screen}");

    // Ctrl-C at the file name quits at once (exit 130), saying the answers were not stored.
    let mut p = walk(&["--save", bad.to_str().unwrap()]);
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]);
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[ESC]);
    wait(&mut p, "Could not save the session");
    wait(&mut p, "File name");
    keys(&mut p, &[CTRL_C]);
    let (screen, code) = finish(&mut p);
    assert_eq!(code, 130, "{screen}");
    assert!(
        screen.contains("Quit (Ctrl-C) without saving: your answers were not stored."),
        "{screen}"
    );

    // Ctrl-C at a question tries the file once more, says it failed, and exits 130.
    let mut p = walk(&["--save", bad.to_str().unwrap()]);
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]);
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[CTRL_C]);
    let (screen, code) = finish(&mut p);
    assert_eq!(code, 130, "{screen}");
    assert!(
        screen.contains("Interrupted (Ctrl-C). Could not save the session"),
        "{screen}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing was written"
    );
}

#[test]
fn resuming_on_another_day_warns_and_today_works_ages_out_on_the_new_date() {
    // AR: 17 on 2026-11-22, 18 from 2026-12-20.
    let bundle = pathway::bundled().unwrap();
    let mut session = pathway::Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    for (fact, value) in [
        ("immediate_danger", json!(false)),
        ("age_basis", json!("date_of_birth")),
        ("date_of_birth", json!("2008-12-20")),
        ("suspected_modern_slavery", json!(true)),
    ] {
        session.answer(fact, &value).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ar.json");
    std::fs::write(&file, session.to_json()).unwrap();
    let file = file.to_str().unwrap();

    // Without --today: the saved date is kept, with a warning that names it and the fix.
    // (The clock is not 2026-11-22 any more.)
    let mut p = spawn(&["walk", "--resume", file]);
    wait(
        &mut p,
        "Warning: this session was saved on 2026-11-22 and today is",
    );
    wait(&mut p, "Ages are still worked out on 2026-11-22");
    wait(&mut p, "(for example turned 18)");
    wait(&mut p, &format!("pathway walk --resume {file} --today"));
    wait(&mut p, "Is someone else speaking or translating"); // still the child route
    keys(&mut p, &[ESC]);
    wait(&mut p, "Saved to");
    assert_eq!(finish(&mut p).1, 0);
    assert_eq!(saved_answers(Path::new(file)).0, TODAY);

    // With --today after the 18th birthday: the adult route, said plainly.
    let mut p = spawn(&["walk", "--resume", file, "--today", "2026-12-21"]);
    wait(&mut p, "This session was saved on 2026-11-22.");
    wait(&mut p, "ages are now worked out on 2026-12-21");
    wait(
        &mut p,
        "the route is different (for example, the person has turned 18)",
    );
    wait(
        &mut p,
        "now in: Hertfordshire modern slavery referral pathway: adults",
    );
    loop {
        let (_, seen) = p
            .exp_regex(r"to move, Enter to choose|ABOUT THIS ADVICE")
            .unwrap();
        if seen == "ABOUT THIS ADVICE" {
            break;
        }
        keys(&mut p, &[ENTER]);
    }
    let (screen, code) = finish(&mut p);
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("refer_before_18th_birthday"), "{screen}");
    let (today, answers) = saved_answers(Path::new(file));
    assert_eq!(today, "2026-12-21");
    assert_eq!(
        answers[2],
        ("date_of_birth".to_owned(), json!("2008-12-20"))
    );
}

#[test]
fn resuming_with_today_keeps_a_saved_answer_ahead_of_the_walk_in_the_file() {
    // A saved answer ahead of the walk (the age, before the age basis is answered), as an
    // edit can leave it.
    let bundle = pathway::bundled().unwrap();
    let text = json!({
        "format": pathway::SESSION_FORMAT,
        "pathway": "hertfordshire",
        "version": bundle.meta(bundle.entry()).version,
        "content_hash": bundle.content_hash(),
        "today": TODAY,
        "answers": [
            {"fact": "immediate_danger", "value": true},
            {"fact": "age", "value": 17},
        ],
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ahead.json");
    std::fs::write(&file, text.to_string()).unwrap();
    let mut p = spawn(&[
        "walk",
        "--resume",
        file.to_str().unwrap(),
        "--today",
        "2026-11-30",
    ]);
    wait(&mut p, "ages are now worked out on 2026-11-30");
    wait(&mut p, "The route is the same as on the saved date.");
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[DOWN, ENTER]); // stated age: saved already, so not asked again
    let (_, seen) = p
        .exp_regex(r"How old is the person|signs that the person may be a victim")
        .unwrap();
    assert_eq!(seen, "signs that the person may be a victim");
    keys(&mut p, &[ESC]);
    wait(&mut p, "Saved to");
    assert_eq!(finish(&mut p).1, 0);
    let (today, answers) = saved_answers(&file);
    assert_eq!(today, "2026-11-30");
    assert_eq!(
        answers,
        [
            ("immediate_danger".to_owned(), json!(true)),
            ("age_basis".to_owned(), json!("stated_age")),
            ("age".to_owned(), json!(17)),
        ]
    );
}

#[test]
fn colour_is_on_unless_no_color_is_set_and_not_empty() {
    // An SGR colour sequence (inquire's prompt marks): `ESC [ 38;5;N m`.
    for (no_color, coloured) in [("", true), ("1", false)] {
        let mut p = spawn_with(&["walk", "--today", TODAY], no_color);
        let screen = p.exp_string("Is the person in immediate danger").unwrap();
        let rest = p.exp_string("Enter to choose").unwrap();
        let screen = screen + &rest;
        assert_eq!(
            screen.contains("\x1b[38;5;"),
            coloured,
            "NO_COLOR={no_color:?}: {screen:?}"
        );
        keys(&mut p, &[ESC]);
        wait(&mut p, "Save this session to a file");
        keys(&mut p, &["n", ENTER]);
        wait(&mut p, "Not saved: nothing was stored.");
        assert_eq!(finish(&mut p).1, 0);
    }
}

/// V17, V5, V4 and the resume hint: Ctrl-C at a question saves to the session's file first,
/// then exits 130; the file is private (0600), a stale temporary copy beside it is removed,
/// and the hint to resume quotes its path for the shell.
#[test]
fn ctrl_c_at_a_question_saves_privately_and_exits_130() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a case; rm -rf ~.json");
    // A temporary copy left by a save that did not finish (no process has this id): removed.
    let stale = dir.path().join(".a case; rm -rf ~.json.4194305.tmp");
    std::fs::write(&stale, "{\"answers\": \"of an earlier walk\"}").unwrap();
    let mut p = walk(&["--save", file.to_str().unwrap()]);
    wait(&mut p, "Is the person in immediate danger");
    keys(&mut p, &[DOWN, ENTER]);
    wait(&mut p, "How do you know the person's age?");
    keys(&mut p, &[CTRL_C]);
    let (screen, code) = finish(&mut p);
    assert_eq!(code, 130, "{screen}");
    let quoted = format!("pathway walk --resume '{}'", file.display());
    assert!(screen.contains(&quoted), "{screen}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let saved: Json = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["answers"][0]["fact"], "immediate_danger");
    assert!(!stale.exists(), "the stale temporary file is removed");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left");
}
