//! The interactive walk and quiz in a real pseudo-terminal (rexpect): keystrokes in, screen
//! out.
//!
//! "AR at 17" (fixtures/scenarios/ar-at-17.json, with a date of birth five weeks before the
//! 18th birthday): a worker asks for help, picks the wrong age route, types an impossible age
//! and a future date (each refused in place), goes back, changes the answer, quits with Esc
//! and saves when offered, then resumes the saved session and finishes.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-11-22";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const BACKSPACE: &str = "\x7f";

/// `pathway walk --today 2026-11-22 ARGS` in a pseudo-terminal.
fn walk(args: &[&str]) -> PtySession {
    spawn(&[&["walk", "--today", TODAY][..], args].concat())
}

/// `pathway ARGS` in a 120×50 terminal, with colour off, from the repository root.
fn spawn(args: &[&str]) -> PtySession {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(r#"stty cols 120 rows 50 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_pathway"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm-256color");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
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
    keys(&mut p, &[ESC]); // quit: offered to save
    wait(&mut p, "Save this session to a file");
    keys(&mut p, &[ENTER]); // yes (the default)
    wait(&mut p, "File name");
    typed(&mut p, saved.to_str().unwrap());
    keys(&mut p, &[ENTER]);
    wait(&mut p, "Resume with: pathway walk --resume");
    p.exp_eof().unwrap();

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
    let screen = p.exp_eof().unwrap();
    for text in [
        "[refer_before_18th_birthday]",
        "[childrens_services_referral]",
        "[nrm_referral]",
        "2026-12-20",
        "HOW THE PATHWAY DECIDED",
        "Session saved to",
    ] {
        assert!(
            screen.contains(text),
            "`{text}` missing from the summary:\n{screen}"
        );
    }
    let first = screen.find("1. [").unwrap();
    assert!(screen[first..].starts_with("1. [refer_before_18th_birthday]"));
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
    let debrief = p.exp_eof().unwrap();
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
