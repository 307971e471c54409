//! The worker's experience of the terminal walk (issue 13), in a real pseudo-terminal:
//! urgent actions shown the moment they are due (review D1), UK dates (D8), case notes in
//! words (D11), help wrapped at the terminal's width (D13), and help folded as every front
//! folds it (a short answer first; Help again for the rest, behind "More" elsewhere).
//!
//! Questions are answered by what they ask (the fact and the answer type), found through the
//! library, and recognised on screen by their text (`pty`), not by their wording or order, so
//! the tests survive content changes.
#![cfg(unix)]

mod pty;

use std::path::{Path, PathBuf};

use pathway::{Config, Question, Session, State, evaluate};
use pty::{ENTER, TODAY, bundle, finish, flat, give, help, keys, next, spawn_sized, typed, until};
use rexpect::session::PtySession;
use serde_json::{Value as Json, json};

/// `pathway ARGS` in a `cols`×50 terminal, colour off, from the repository root.
fn spawn(args: &[&str], cols: u16) -> PtySession {
    spawn_sized(args, cols, "1")
}

/// Every fact a walk reads for these facts, the declared defaults filled in (as a worker
/// answers every question the walk asks), as a JSON object.
fn complete(facts: &Json, today: &str) -> Json {
    let bundle = bundle();
    let today = today.parse().unwrap();
    let given = bundle.parse_facts(facts, today).unwrap();
    let walked = evaluate(
        bundle,
        bundle.entry(),
        &given,
        &Config {
            today,
            use_defaults: true,
        },
    );
    assert!(matches!(walked.state, State::Finished(_)), "{facts}");
    walked
        .trail
        .iter()
        .filter_map(|v| v.answer.as_ref())
        .map(|a| (a.fact.to_owned(), a.value.to_json()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// "AR at 17" (fixtures/scenarios/ar-at-17.json): every answer the walk asks for.
fn ar_at_17() -> Json {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let file = root.join("fixtures/scenarios/ar-at-17.json");
    let scenario: Json = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(scenario["today"], TODAY);
    complete(&scenario["facts"], TODAY)
}

/// A session on the entry pathway answered from `facts` in the order the walk asks, until
/// `stop(question)` or a fact `facts` does not give (or the end).
fn session_until<'b>(facts: &Json, stop: impl Fn(&Question<'_>) -> bool) -> Session<'b> {
    let bundle = bundle();
    let mut session = Session::new(bundle, bundle.entry(), TODAY.parse().unwrap());
    while let State::NeedsAnswer(q) = session.current().state {
        let Some(value) = facts.get(q.fact.as_ref()).filter(|_| !stop(&q)) else {
            break;
        };
        let fact = q.fact.into_owned();
        session.answer(&fact, value).unwrap();
    }
    session
}

/// A session answered from `facts` until it asks `fact`, saved for `--resume`.
fn session_file(dir: &Path, facts: &Json, stop_before: &str) -> PathBuf {
    let session = session_until(facts, |q| q.fact == stop_before);
    let State::NeedsAnswer(q) = session.current().state else {
        panic!("the walk finished before `{stop_before}`")
    };
    assert_eq!(q.fact, stop_before);
    let file = dir.join("case.json");
    std::fs::write(&file, session.to_json()).unwrap();
    file
}

/// The lines of an urgent banner in `screen`: from "URGENT NOW" to "Continue when they are
/// safe".
fn banner(screen: &str) -> &str {
    let start = screen
        .find("URGENT NOW")
        .unwrap_or_else(|| panic!("no urgent banner:\n{screen}"));
    let end = screen[start..]
        .find("Continue when they are safe")
        .unwrap_or_else(|| panic!("an urgent banner that does not end:\n{screen}"));
    &screen[start..start + end]
}

/// D1: "Yes, in danger now" shows 999 at once, before the next question.
#[test]
fn an_urgent_action_is_shown_the_moment_it_is_due_before_the_next_question() {
    let mut p = spawn(&["walk", "--today", TODAY], 100);
    let q = next(&mut p);
    assert_eq!(
        q.fact, "immediate_danger",
        "the first question is about danger"
    );
    give(&mut p, &q.fact, &json!(true));
    let q = next(&mut p);
    assert_eq!(q.number, 2);
    let at = q.screen.find("Question 2").unwrap();
    let shown = banner(&q.screen[..at]);
    assert!(shown.contains("999"), "{shown}");
    p.send_control('c').unwrap();
}

/// D1 and D12: a 17-year-old's referral is urgent the moment the signs are given, shown
/// before the next question, and the banner says "urgent" once (the title already says it).
#[test]
fn a_17_year_olds_referral_is_urgent_at_once_and_says_urgent_once() {
    let dir = tempfile::tempdir().unwrap();
    let facts = ar_at_17();
    let file = session_file(dir.path(), &facts, "suspected_modern_slavery");
    let mut p = spawn(&["walk", "--resume", file.to_str().unwrap()], 100);
    let q = next(&mut p);
    assert_eq!(q.fact, "suspected_modern_slavery");
    assert!(!q.screen.contains("URGENT NOW"), "urgent before the signs");
    give(&mut p, &q.fact, &facts[&q.fact]);
    let q = next(&mut p);
    let at = q.screen.find(&format!("Question {}", q.number)).unwrap();
    let shown = flat(banner(&q.screen[..at]));
    assert!(
        shown.starts_with("URGENT NOW: Refer before their 18th birthday"),
        "{shown}"
    );
    // The turning-18 date, in words.
    assert!(shown.contains("15 December 2026"), "{shown}");
    let heading = shown.split("Make sure").next().unwrap().to_lowercase();
    assert_eq!(heading.matches("urgent").count(), 1, "{shown}");
    p.send_control('c').unwrap();
}

/// D8: the date of birth is typed as UK workers write it, and saved as ISO.
#[test]
fn a_date_of_birth_is_accepted_as_dd_mm_yyyy() {
    let dir = tempfile::tempdir().unwrap();
    let facts = ar_at_17();
    let file = session_file(dir.path(), &facts, "date_of_birth");
    let mut p = spawn(&["walk", "--resume", file.to_str().unwrap()], 100);
    let q = next(&mut p);
    assert_eq!(q.fact, "date_of_birth");
    assert!(q.screen.contains("DD/MM/YYYY"), "{}", q.screen);
    typed(&mut p, "15/12/2008");
    keys(&mut p, &[ENTER]);
    next(&mut p);
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

/// Issue 15: `walk --monitoring FILE` asks the district at the end and writes one anonymised
/// record: only the allowed fields, the month and not the day, no date of birth, no answer text.
#[test]
fn walk_writes_an_anonymised_monitoring_record_after_asking_the_district() {
    let dir = tempfile::tempdir().unwrap();
    let facts = ar_at_17();
    let mut session = session_until(&facts, |_| false);
    session.back();
    let file = dir.path().join("case.json");
    std::fs::write(&file, session.to_json()).unwrap();
    let State::NeedsAnswer(last) = session.current().state else {
        panic!()
    };
    let record = dir.path().join("monitoring.jsonl");
    let mut p = spawn(
        &[
            "walk",
            "--resume",
            file.to_str().unwrap(),
            "--monitoring",
            record.to_str().unwrap(),
        ],
        100,
    );
    let q = next(&mut p);
    assert_eq!(q.fact, last.fact);
    give(&mut p, &q.fact, &facts[q.fact.as_str()]);
    until(&mut p, "Monitoring record (anonymised");
    let d = next(&mut p);
    assert_eq!(d.fact, "district");
    give(&mut p, "district", &json!("watford"));
    until(&mut p, "Monitoring record written to");
    assert_eq!(finish(&mut p).1, 0);
    let text = std::fs::read_to_string(&record).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let json: Json = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut allowed = vec![
        "format",
        "month",
        "district",
        "organisation",
        "age_group",
        "age_doubted",
        "exploitation_type",
        "consent",
        "codes",
    ];
    allowed.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, allowed, "{text}");
    assert_eq!(json["format"], "pathway-monitoring/v1");
    assert_eq!(json["month"], &TODAY[..7]);
    assert_eq!(json["district"], "watford");
    assert_eq!(json["age_group"], "17");
    assert_eq!(json["consent"], "not_asked");
    assert!(
        json["codes"]
            .as_array()
            .unwrap()
            .contains(&json!("refer_before_18th_birthday")),
        "{text}"
    );
    // Nothing that could identify the person: no date of birth, no day of the walk.
    let dob = facts["date_of_birth"].as_str().unwrap();
    assert!(!text.contains(dob) && !text.contains(TODAY), "{text}");
}

/// D11: `walk --summary FILE` writes the case notes: in words, human dates, the reference.
#[test]
fn walk_writes_case_notes_in_words_with_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let facts = ar_at_17();
    // Everything but the last question.
    let mut session = session_until(&facts, |_| false);
    assert!(matches!(session.current().state, State::Finished(_)));
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
    let q = next(&mut p);
    assert_eq!(q.fact, last.fact);
    give(&mut p, &q.fact, &facts[q.fact.as_str()]);
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

/// The first question on AR's walk that `pick` chooses, and a session file that stops there.
fn first_question(dir: &Path, pick: impl Fn(&Question<'_>) -> bool) -> (PathBuf, String) {
    let session = session_until(&ar_at_17(), pick);
    let State::NeedsAnswer(q) = session.current().state else {
        panic!("no such question on the walk")
    };
    // Named for the question: Ctrl-C at a question saves to the file it was resumed from.
    let file = dir.join(format!("{}.json", q.fact));
    std::fs::write(&file, session.to_json()).unwrap();
    (file, q.fact.into_owned())
}

/// The help lines shown between `opening` and `end`: each shorter than the terminal.
fn assert_wrapped(shown: &str, cols: u16) {
    for line in shown.lines() {
        assert!(
            line.trim_end().chars().count() < usize::from(cols),
            "a help line longer than the terminal ({cols}), which the terminal breaks mid-word:\n{line}"
        );
    }
}

/// D13: help text is wrapped at the terminal's width at word boundaries, so the terminal
/// never breaks a word in two.
#[test]
fn help_is_wrapped_at_the_terminal_width() {
    let dir = tempfile::tempdir().unwrap();
    // The first question with long help, reached by answering from the AR at 17 facts.
    let (file, fact) = first_question(dir.path(), |q| q.help.is_some_and(|h| h.len() > 120));
    let cols = 60;
    let mut p = spawn(&["walk", "--resume", file.to_str().unwrap()], cols);
    let q = next(&mut p);
    assert_eq!(q.fact, fact);
    let text = bundle().fact(&fact).unwrap().help.clone().unwrap();
    let shown = help(&mut p, &fact, &text);
    assert!(flat(&shown).contains(&flat(&text)), "{shown}");
    let end = shown.find(text.split_whitespace().last().unwrap()).unwrap();
    assert_wrapped(&shown[..end], cols);
    p.send_control('c').unwrap();
}

/// The fold every front has behind "More": Help shows the short help and says Help again
/// shows more; Help again shows the rest, wrapped too. A question with no more to show says
/// nothing of it, and Help again shows its help again.
#[test]
fn help_shows_the_short_answer_first_and_the_rest_when_chosen_again() {
    let dir = tempfile::tempdir().unwrap();
    let fold = "(More: choose Help again.)";
    let (file, fact) = first_question(dir.path(), |q| q.help.is_some() && q.more.is_some());
    let decl = bundle().fact(&fact).unwrap();
    let (short, more) = (decl.help.clone().unwrap(), decl.more.clone().unwrap());
    let cols = 60;
    let mut p = spawn(&["walk", "--resume", file.to_str().unwrap()], cols);
    let q = next(&mut p);
    assert_eq!(q.fact, fact);
    let shown = help(&mut p, &fact, &short);
    assert!(flat(&shown).contains(&flat(&short)), "{shown}");
    assert!(shown.contains(fold), "{shown}");
    assert!(!flat(&shown).contains(&flat(&more)), "{shown}");
    let shown = help(&mut p, &fact, &more);
    assert!(flat(&shown).contains(&flat(&more)), "{shown}");
    let end = shown.find(more.split_whitespace().last().unwrap()).unwrap();
    assert_wrapped(&shown[..end], cols);
    p.send_control('c').unwrap();

    let (file, fact) = first_question(dir.path(), |q| q.help.is_some() && q.more.is_none());
    let short = bundle().fact(&fact).unwrap().help.clone().unwrap();
    let mut p = spawn(&["walk", "--resume", file.to_str().unwrap()], cols);
    let q = next(&mut p);
    assert_eq!(q.fact, fact);
    for _ in 0..2 {
        let shown = help(&mut p, &fact, &short);
        assert!(flat(&shown).contains(&flat(&short)), "{shown}");
        assert!(!shown.contains("(More:"), "{shown}");
    }
    p.send_control('c').unwrap();
}
