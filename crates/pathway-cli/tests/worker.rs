//! The worker's experience of the terminal walk (issue 13), in a real pseudo-terminal:
//! urgent actions shown the moment they are due (review D1), UK dates (D8), case notes in
//! words (D11) and help wrapped at the terminal's width (D13).
//!
//! Questions are answered by what they ask (the fact and the answer type), found through the
//! library, not by their wording or order, so the tests survive content changes.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pathway::{Bundle, Session, State};
use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-11-22";
const ENTER: &str = "\r";

/// `pathway ARGS` in a `cols`×50 terminal, colour off, from the repository root.
fn spawn(args: &[&str], cols: u16) -> PtySession {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(r#"stty cols {cols} rows 50 && exec "$0" "$@""#))
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

fn keys(p: &mut PtySession, keys: &[&str]) {
    for k in keys {
        p.send(k).unwrap();
        p.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(60));
    }
}

fn typed(p: &mut PtySession, text: &str) {
    for c in text.chars() {
        keys(p, &[&c.to_string()]);
    }
}

/// Everything on screen up to `text` (waiting for it).
fn until(p: &mut PtySession, text: &str) -> String {
    match p.exp_string(text) {
        Ok(before) => before,
        Err(e) => panic!("waiting for `{text}`: {e}"),
    }
}

fn finish(p: &mut PtySession) -> (String, i32) {
    let screen = p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => (screen, code),
        other => panic!("`pathway` did not exit normally: {other:?}\n{screen}"),
    }
}

fn bundle() -> Bundle {
    pathway::bundled().unwrap()
}

/// A session on the entry pathway answered from `facts`, in the order the walk asks, until
/// it asks a fact `facts` does not give (or finishes); saved to a file for `--resume`.
fn session_file(dir: &Path, facts: &Json, stop_before: Option<&str>) -> PathBuf {
    let bundle = bundle();
    let mut session = Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    while let State::NeedsAnswer(q) = session.current().state {
        let fact = q.fact.into_owned();
        if Some(fact.as_str()) == stop_before {
            break;
        }
        let Some(value) = facts.get(&fact) else { break };
        session.answer(&fact, value).unwrap();
    }
    let file = dir.join("case.json");
    std::fs::write(&file, session.to_json()).unwrap();
    file
}

/// The question the walk asks next after `facts` (its text), for waiting on it.
fn next_question(facts: &Json, stop_before: Option<&str>) -> (String, String) {
    let bundle = bundle();
    let mut session = Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    loop {
        let State::NeedsAnswer(q) = session.current().state else {
            panic!("the walk finished");
        };
        let fact = q.fact.into_owned();
        match facts.get(&fact) {
            Some(value) if Some(fact.as_str()) != stop_before => {
                session.answer(&fact, value).unwrap();
            }
            _ => return (fact, q.text.into_owned()),
        }
    }
}

fn ar_at_17() -> Json {
    json!({
        "immediate_danger": false,
        "age_basis": "date_of_birth",
        "date_of_birth": "2008-12-15",
        "suspected_modern_slavery": true,
        "someone_speaks_for_them": true,
        "reporter_is_first_responder": true,
    })
}

/// D1: "Yes, in danger now" shows 999 at once, before the next question.
#[test]
fn an_urgent_action_is_shown_the_moment_it_is_due_before_the_next_question() {
    let bundle = bundle();
    let first = Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    let State::NeedsAnswer(q) = first.current().state else {
        panic!()
    };
    assert_eq!(
        q.fact, "immediate_danger",
        "the first question is about danger"
    );
    let mut p = spawn(&["walk", "--today", TODAY], 100);
    until(&mut p, &q.text);
    keys(&mut p, &[ENTER]); // the first answer: yes, in danger now
    let screen = until(&mut p, "Question 2");
    let banner = screen
        .find("URGENT NOW")
        .unwrap_or_else(|| panic!("no urgent banner before question 2:\n{screen}"));
    assert!(screen[banner..].contains("999"), "{screen}");
    assert!(
        screen[banner..].contains("Continue when they are safe"),
        "{screen}"
    );
    p.send_control('c').unwrap();
}

/// D8: the date of birth is typed as UK workers write it, and saved as ISO.
#[test]
fn a_date_of_birth_is_accepted_as_dd_mm_yyyy() {
    let dir = tempfile::tempdir().unwrap();
    let facts = ar_at_17();
    let file = session_file(dir.path(), &facts, Some("date_of_birth"));
    let (fact, text) = next_question(&facts, Some("date_of_birth"));
    assert_eq!(fact, "date_of_birth");
    let mut p = spawn(&["walk", "--resume", file.to_str().unwrap()], 100);
    until(&mut p, &text);
    until(&mut p, "DD/MM/YYYY");
    typed(&mut p, "15/12/2008");
    keys(&mut p, &[ENTER]);
    until(&mut p, "Question");
    // Quit and save to the same file (it was resumed from there).
    keys(&mut p, &["\x1b"]);
    until(&mut p, "Resume with");
    assert_eq!(finish(&mut p).1, 0);
    let saved: Json = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let dob = saved["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["fact"] == "date_of_birth")
        .map(|a| a["value"].clone());
    assert_eq!(dob, Some(json!("2008-12-15")), "{saved}");
}

/// D11: `walk --summary FILE` writes the case notes: in words, human dates, the reference.
#[test]
fn walk_writes_case_notes_in_words_with_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let facts = ar_at_17();
    // Everything but the last question.
    let bundle = bundle();
    let mut session = Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    while let State::NeedsAnswer(q) = session.current().state {
        let fact = q.fact.into_owned();
        session.answer(&fact, &facts[&fact]).unwrap();
    }
    session.back();
    let file = dir.path().join("case.json");
    std::fs::write(&file, session.to_json()).unwrap();
    let State::NeedsAnswer(last) = session.current().state else {
        panic!()
    };
    let notes = dir.path().join("notes.txt");
    let mut p = spawn(
        &[
            "walk",
            "--resume",
            file.to_str().unwrap(),
            "--summary",
            notes.to_str().unwrap(),
        ],
        100,
    );
    until(&mut p, &last.text);
    // The first option is the scenario's answer (yes) for the last, a yes/no question.
    assert_eq!(facts[last.fact.as_ref()], json!(true));
    keys(&mut p, &[ENTER]);
    until(&mut p, "Case reference");
    typed(&mut p, "HX-117");
    keys(&mut p, &[ENTER]);
    until(&mut p, "Case notes written to");
    assert_eq!(finish(&mut p).1, 0);
    let text = std::fs::read_to_string(&notes).unwrap();
    for want in [
        "Case reference: HX-117",
        "22 November 2026",
        "15 December 2008",
        "QUESTIONS AND ANSWERS",
        "WHAT TO DO NOW",
        "0300 123 4043",
    ] {
        assert!(text.contains(want), "`{want}` missing:\n{text}");
    }
    let body = text.split("ABOUT THIS ADVICE").next().unwrap();
    for id in facts.as_object().unwrap().keys() {
        assert!(
            !body.contains(id.as_str()),
            "fact id {id} in the notes:\n{text}"
        );
    }
    assert!(
        !body.contains("nrm_referral") && !body.contains('`'),
        "{text}"
    );
    // The session file never holds the reference.
    assert!(!std::fs::read_to_string(&file).unwrap().contains("HX-117"));
}

/// D13: help text is wrapped at the terminal's width at word boundaries, so the terminal
/// never breaks a word in two.
#[test]
fn help_is_wrapped_at_the_terminal_width() {
    let bundle = bundle();
    let session = Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    // The first question that has help, reached by answering from the AR at 17 facts.
    let facts = ar_at_17();
    let dir = tempfile::tempdir().unwrap();
    let mut walk = session;
    let help = loop {
        let State::NeedsAnswer(q) = walk.current().state else {
            panic!("no question with help")
        };
        if let Some(help) = q.help.filter(|h| h.len() > 120) {
            break (q.text.into_owned(), help.to_owned(), q.answer.clone());
        }
        let fact = q.fact.into_owned();
        walk.answer(&fact, &facts[&fact]).unwrap();
    };
    let (text, help, kind) = help;
    let file = dir.path().join("case.json");
    std::fs::write(&file, walk.to_json()).unwrap();
    let cols = 60;
    let mut p = spawn(&["walk", "--resume", file.to_str().unwrap()], cols);
    // The question is wrapped too: wait for its first words.
    let start: Vec<&str> = text.split_whitespace().take(3).collect();
    until(&mut p, &start.join(" "));
    until(&mut p, "Save and quit");
    // The help entry comes right after the answers in the list.
    let answers = match kind {
        pathway::AnswerKind::Bool { .. } => 2,
        pathway::AnswerKind::Choice { options } => options.len(),
        _ => panic!("help on a typed question"),
    };
    let down: Vec<&str> = std::iter::repeat_n("\x1b[B", answers).collect();
    keys(&mut p, &down);
    keys(&mut p, &[ENTER]);
    let last_word = help.split_whitespace().last().unwrap();
    let opening: Vec<&str> = help.split_whitespace().take(3).collect();
    let opening = opening.join(" ");
    until(&mut p, &opening);
    let shown = format!("{opening}{}", until(&mut p, last_word));
    for line in shown.lines() {
        assert!(
            line.trim_end().chars().count() < usize::from(cols),
            "a help line longer than the terminal ({cols}), which the terminal breaks mid-word:\n{line}"
        );
    }
    p.send_control('c').unwrap();
}
