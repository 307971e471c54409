//! Shared by the pseudo-terminal tests (`walk.rs`, `worker.rs`): `pathway` in a real
//! pseudo-terminal (rexpect), keystrokes in, screen out; and a driver that answers each
//! question by what it asks: it recognises the question on screen by its text (as the bundled
//! set declares it) and picks the answer for that fact by its value, so the tests follow the
//! content's wording, order and options instead of counting arrow presses.
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use pathway::Bundle;
use pathway::model::FactType;
use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use serde_json::Value as Json;

pub(crate) const TODAY: &str = "2026-11-22";
pub(crate) const DOWN: &str = "\x1b[B";
pub(crate) const ENTER: &str = "\r";
pub(crate) const ESC: &str = "\x1b";
pub(crate) const BACKSPACE: &str = "\x7f";
pub(crate) const CTRL_C: &str = "\x03";

/// What a prompt shows once it is drawn and ready for keys: a list's help line, or a typed
/// entry's.
const READY: &str = r"to move, Enter to choose|`\?` for help, `back` for the previous question";

/// The progress line above each question ("Question N", then a space or the end of the line).
const QUESTION: &str = r"Question \d+[ \r\n]";

/// The bundled set the binary walks (the snapshot it starts from: no verification to wait for).
pub(crate) fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| pathway_bundled::bundle().expect("the bundled set loads"))
}

/// The question text of `fact`, as the set declares it.
pub(crate) fn text(fact: &str) -> &'static str {
    &bundle()
        .fact(fact)
        .unwrap_or_else(|| panic!("no fact `{fact}` in the bundled set"))
        .question
}

/// `pathway ARGS` in a `cols`×50 terminal from the repository root, with `NO_COLOR` set to
/// `no_color`; escape codes are kept on screen only when colour is on.
pub(crate) fn spawn_sized(args: &[&str], cols: u16, no_color: &str) -> PtySession {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(r#"stty cols {cols} rows 50 && exec "$0" "$@""#))
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

/// Sends keys one at a time, as a person would type them.
pub(crate) fn keys(p: &mut PtySession, keys: &[&str]) {
    for k in keys {
        p.send(k).unwrap();
        p.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(60));
    }
}

pub(crate) fn typed(p: &mut PtySession, text: &str) {
    for c in text.chars() {
        keys(p, &[&c.to_string()]);
    }
}

/// Everything on screen up to `text` (waiting for it, so the prompt is ready for keys).
pub(crate) fn until(p: &mut PtySession, text: &str) -> String {
    match p.exp_string(text) {
        Ok(before) => before,
        Err(e) => panic!("waiting for `{text}`: {e}"),
    }
}

/// Waits for the program to end: the rest of the screen and the exit status.
pub(crate) fn finish(p: &mut PtySession) -> (String, i32) {
    let screen = p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => (screen, code),
        other => panic!("`pathway` did not exit normally: {other:?}\n{screen}"),
    }
}

/// Runs of blank space as one space: text wrapped at the terminal's width reads as written.
pub(crate) fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A question on screen, ready for keys.
pub(crate) struct Asked {
    /// The fact it asks for.
    pub(crate) fact: String,
    /// Its number in the walk ("Question N").
    pub(crate) number: usize,
    /// Everything shown since the last prompt (urgent banners, notes, the question).
    pub(crate) screen: String,
}

/// Waits for the next question ("Question N", then its prompt drawn) and tells which fact it
/// asks by its text. Reading past "Question N" first skips the redraws of the prompt before.
pub(crate) fn next(p: &mut PtySession) -> Asked {
    let (before, marker) = p
        .exp_regex(QUESTION)
        .unwrap_or_else(|e| panic!("waiting for the next question: {e}"));
    let number = number(&marker);
    let (shown, _) = p
        .exp_regex(READY)
        .unwrap_or_else(|e| panic!("waiting for question {number} to be drawn: {e}"));
    let fact = on_screen(&shown)
        .unwrap_or_else(|| panic!("question {number} is none the set declares:\n{shown}"));
    Asked {
        fact,
        number,
        screen: format!("{before}{marker}{shown}"),
    }
}

fn number(marker: &str) -> usize {
    marker["Question ".len()..].trim().parse().unwrap()
}

/// The same question drawn again (after help, or a refused answer), ready for keys.
pub(crate) fn again(p: &mut PtySession, fact: &str) -> String {
    let (shown, _) = p
        .exp_regex(READY)
        .unwrap_or_else(|e| panic!("waiting for `{fact}` to be asked again: {e}"));
    assert_eq!(on_screen(&shown).as_deref(), Some(fact), "{shown}");
    shown
}

/// The declared fact whose question is shown last on `screen`.
fn on_screen(screen: &str) -> Option<String> {
    let screen = flat(screen);
    bundle()
        .facts()
        .filter_map(|f| {
            screen
                .rfind(&flat(&f.question))
                .map(|at| (at, f.id.clone()))
        })
        .max()
        .map(|(_, id)| id)
}

/// Answers `fact`, asked on screen now, with `value`: a yes/no or a choice by moving to the
/// option that has that value (its place in the list comes from the set); a number or date
/// typed (a date as DD/MM/YYYY, as UK workers write it).
pub(crate) fn give(p: &mut PtySession, fact: &str, value: &Json) {
    let decl = bundle().fact(fact).unwrap();
    let at = match decl.ty {
        FactType::Bool => Some(match value {
            Json::Bool(true) => 0,
            Json::Bool(false) => 1,
            other => panic!("`{fact}` is yes or no, not {other}"),
        }),
        FactType::Choice => {
            // A v1 yes/no answer to a fact that v2 widened to a choice reads as yes or no.
            let value = match value {
                Json::Bool(b) => Json::from(if *b { "yes" } else { "no" }),
                other => other.clone(),
            };
            Some(
                decl.options
                    .iter()
                    .position(|o| value == o.value.as_str())
                    .unwrap_or_else(|| panic!("`{fact}` has no option {value}")),
            )
        }
        _ => None,
    };
    match at {
        Some(n) => {
            keys(p, &vec![DOWN; n]);
            keys(p, &[ENTER]);
        }
        None => {
            let text = match value {
                Json::String(iso) if decl.ty == FactType::Date => {
                    let [y, m, d]: [&str; 3] = iso
                        .split('-')
                        .collect::<Vec<_>>()
                        .try_into()
                        .unwrap_or_else(|_| panic!("`{fact}`: not a date: {iso}"));
                    format!("{d}/{m}/{y}")
                }
                other => other.to_string(),
            };
            typed(p, &text);
            keys(p, &[ENTER]);
        }
    }
}

/// Chooses Help at `fact`, asked on screen now ("Help" comes right after the answers in a
/// list; `?` is typed at an entry), and waits for `expect` (help text) to be shown. Returns
/// what is shown from there until the question is drawn again.
pub(crate) fn help(p: &mut PtySession, fact: &str, expect: &str) -> String {
    let decl = bundle().fact(fact).unwrap();
    match decl.ty {
        FactType::Bool => keys(p, &[DOWN, DOWN, ENTER]),
        FactType::Choice => {
            keys(p, &vec![DOWN; decl.options.len()]);
            keys(p, &[ENTER]);
        }
        _ => {
            typed(p, "?");
            keys(p, &[ENTER]);
        }
    }
    // The list is drawn again at each key: wait for the help itself (its first words, which
    // start a line, so they are not wrapped), then for the question after it.
    let opening = expect
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    until(p, &opening);
    format!("{opening}{}", again(p, fact))
}

/// The answer to give each question: from `facts`, or the first in the list for any other
/// when `first_otherwise` (a worker taking the first answer each time).
pub(crate) struct Answers<'a> {
    pub(crate) facts: &'a Json,
    pub(crate) first_otherwise: bool,
}

impl Answers<'_> {
    pub(crate) fn give(&self, p: &mut PtySession, asked: &Asked) {
        match self.facts.get(&asked.fact) {
            Some(value) => give(p, &asked.fact, value),
            None if self.first_otherwise => keys(p, &[ENTER]),
            None => panic!(
                "the walk asks `{}`, which the test does not answer:\n{}",
                asked.fact, asked.screen
            ),
        }
    }
}

/// Answers every question until the walk asks `fact`: the facts asked before it, in order,
/// and the question, ready for keys.
pub(crate) fn walk_to(
    p: &mut PtySession,
    answers: &Answers<'_>,
    fact: &str,
) -> (Vec<String>, Asked) {
    let mut asked = Vec::new();
    loop {
        let q = next(p);
        if q.fact == fact {
            return (asked, q);
        }
        answers.give(p, &q);
        asked.push(q.fact);
    }
}

/// Answers every question until `end` shows (the notes, a debrief): the facts asked, in
/// order, and the screen up to `end`.
pub(crate) fn walk_until(
    p: &mut PtySession,
    answers: &Answers<'_>,
    end: &str,
) -> (Vec<String>, String) {
    let mut asked = Vec::new();
    let mut screen = String::new();
    loop {
        let (before, seen) = p
            .exp_regex(&format!("{QUESTION}|{}", regex_escape(end)))
            .unwrap_or_else(|e| panic!("waiting for a question or `{end}`: {e}\n{screen}"));
        screen.push_str(&before);
        if seen == end {
            return (asked, screen);
        }
        let number = number(&seen);
        let (shown, _) = p.exp_regex(READY).unwrap();
        let fact = on_screen(&shown)
            .unwrap_or_else(|| panic!("question {number} is none the set declares:\n{shown}"));
        screen.push_str(&seen);
        screen.push_str(&shown);
        let q = Asked {
            fact,
            number,
            screen: shown,
        };
        answers.give(p, &q);
        asked.push(q.fact);
    }
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = r"\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// The answers of a saved session, as (fact, value), and its date.
pub(crate) fn saved_answers(file: &Path) -> (String, Vec<(String, Json)>) {
    let session: Json = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let answers = session["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["fact"].as_str().unwrap().to_owned(), a["value"].clone()))
        .collect();
    (session["today"].as_str().unwrap().to_owned(), answers)
}
