//! The interactive walk and quiz in a real pseudo-terminal (rexpect): keystrokes in, screen
//! out.
//!
//! "AR at 17" (fixtures/scenarios/ar-at-17.json, with a date of birth four weeks before the
//! 18th birthday): a worker asks for help, picks the wrong age route, types an impossible age
//! and a future date (each refused in place), goes back, changes the answer, sees the urgent
//! banner the moment the referral becomes urgent, quits with Esc and saves when offered, then
//! resumes the saved session and finishes. Also: a file name that cannot be written, resuming
//! on another day, colour, and the exit status of every run.
//!
//! Questions are recognised on screen by their text and answered by their fact's value
//! (`pty::next`, `pty::give`), so the tests follow the content's wording and options.
#![cfg(unix)]

mod pty;

use std::path::Path;

use pty::{
    Answers, BACKSPACE, CTRL_C, DOWN, ENTER, ESC, TODAY, bundle, finish, flat, give, help, keys,
    next, saved_answers, spawn_sized, text, typed, until, walk_to, walk_until,
};
use rexpect::session::PtySession;
use serde_json::{Value as Json, json};

/// `pathway walk --today 2026-11-22 ARGS` in a pseudo-terminal.
fn walk(args: &[&str]) -> PtySession {
    spawn(&[&["walk", "--today", TODAY][..], args].concat())
}

/// `pathway ARGS` in a 120×50 terminal, with colour off, from the repository root.
fn spawn(args: &[&str]) -> PtySession {
    spawn_sized(args, 120, "1")
}

/// Waits until the screen shows `text` (so the prompt is ready for keys).
fn wait(p: &mut PtySession, text: &str) {
    until(p, text);
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

/// The title of the bundled pathway `name` (`child`, `adult`), as the progress line shows it
/// when the walk moves into it.
fn title(name: &str) -> String {
    let bundle = bundle();
    bundle.meta(bundle.find(name).unwrap()).title.clone()
}

/// AR's answers before his age: no danger, somewhere safe tonight, no shared language and a
/// "chaperone" who speaks for him.
fn ar_first() -> Json {
    json!({
        "immediate_danger": false,
        "needs_safe_place_tonight": false,
        "language_barrier": true,
        "someone_speaks_for_them": true,
    })
}

/// Answers only from `facts`: a question it does not answer fails the test.
fn only(facts: &Json) -> Answers<'_> {
    Answers {
        facts,
        first_otherwise: false,
    }
}

/// A session saved on `TODAY` by the library, answered from `facts` in the order the walk
/// asks until it asks a fact they do not give.
fn saved_session(dir: &Path, name: &str, facts: &Json) -> std::path::PathBuf {
    let bundle = bundle();
    let mut session = pathway::Session::new(bundle, bundle.entry(), TODAY.parse().unwrap());
    while let pathway::State::NeedsAnswer(q) = session.current().state {
        let fact = q.fact.into_owned();
        let Some(value) = facts.get(&fact) else { break };
        session.answer(&fact, value).unwrap();
    }
    let file = dir.join(name);
    std::fs::write(&file, session.to_json()).unwrap();
    file
}

#[test]
fn walk_ar_at_17_with_help_validation_back_save_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("ar.json");

    let mut p = walk(&[]);
    let (before, q) = walk_to(&mut p, &only(&ar_first()), "age_basis");
    assert_eq!(before[0], "immediate_danger", "danger is asked first");
    assert_eq!(q.number, before.len() + 1);
    // Help, shown under the question, which is then asked again.
    let age_help = bundle().fact("age_basis").unwrap().help.as_deref().unwrap();
    let shown = help(&mut p, "age_basis", age_help);
    assert!(flat(&shown).contains(&flat(age_help)), "{shown}");
    give(&mut p, "age_basis", &json!("stated_age")); // a mistake

    let q = next(&mut p);
    assert_eq!(q.fact, "age");
    typed(&mut p, "130");
    keys(&mut p, &[ENTER]);
    wait(&mut p, "must be between 0 and 120, not 130"); // refused in place
    keys(&mut p, &[BACKSPACE, BACKSPACE, BACKSPACE]);
    typed(&mut p, "back");
    keys(&mut p, &[ENTER]);

    let q = next(&mut p);
    assert_eq!((q.fact.as_str(), q.number), ("age_basis", before.len() + 1));
    give(&mut p, "age_basis", &json!("date_of_birth"));

    let q = next(&mut p);
    assert_eq!(q.fact, "date_of_birth");
    typed(&mut p, "2027-01-01");
    keys(&mut p, &[ENTER]);
    wait(&mut p, "after today");
    keys(&mut p, &[BACKSPACE; 10]);
    typed(&mut p, "2008-12-20");
    keys(&mut p, &[ENTER]);

    // 17 today: the child route from here.
    let q = next(&mut p);
    assert_eq!(q.fact, "suspected_modern_slavery");
    assert!(
        q.screen.contains(&format!("now in: {}", title("child"))),
        "{}",
        q.screen
    );
    give(&mut p, &q.fact, &json!("yes"));

    // Signs, and 17: the referral is urgent at once, before the next question.
    let q = next(&mut p);
    let banner = q
        .screen
        .find("URGENT NOW")
        .unwrap_or_else(|| panic!("no urgent banner before the next question:\n{}", q.screen));
    assert!(
        flat(&q.screen[banner..]).contains("URGENT NOW: Refer before their 18th birthday"),
        "{}",
        q.screen
    );
    assert!(q.screen[banner..].contains("Continue when they are safe"));
    quit_and_save_as(&mut p, &saved); // quit: offered to save, yes (the default)
    wait(&mut p, "Resume with: pathway walk --resume");
    assert_eq!(finish(&mut p).1, 0, "quit and saved");

    // Saved atomically (no temporary file left), with the changed answer in path order.
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "a temporary file was left behind");
    let (_, answers) = saved_answers(&saved);
    assert_eq!(
        answers,
        [
            ("immediate_danger", json!(false)),
            ("needs_safe_place_tonight", json!(false)),
            ("language_barrier", json!(true)),
            ("someone_speaks_for_them", json!(true)),
            ("age_basis", json!("date_of_birth")),
            ("date_of_birth", json!("2008-12-20")),
            ("suspected_modern_slavery", json!("yes")),
        ]
        .map(|(f, v)| (f.to_owned(), v))
    );

    // Resumed: the urgent referral is shown again before anything is asked, then the rest.
    let mut p = walk(&["--resume", saved.to_str().unwrap()]);
    wait(&mut p, "URGENT NOW");
    let rest = json!({
        "reporter_organisation": "other_council_service",
        "exploitation_type": "labour",
    });
    let (asked, mut screen) = walk_until(&mut p, &only(&rest), "QUESTIONS AND ANSWERS");
    assert_eq!(asked, ["reporter_organisation", "exploitation_type"]);
    let (rest, code) = finish(&mut p);
    screen.push_str("QUESTIONS AND ANSWERS");
    screen.push_str(&rest);
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
    assert!(
        screen[first..].starts_with("\n1. Urgent: refer before their 18th birthday"),
        "{screen}"
    );
}

#[test]
fn quiz_ar_at_17_debriefs_a_wrong_age_route() {
    let mut p = spawn(&["quiz", "fixtures/scenarios/ar-at-17.json"]);
    wait(&mut p, "AR at 17");
    // The trainee takes the stated age, 18, and sees no reason to think AR is under 18: the
    // adult route, where they take the first answer of every other question to the end.
    let mut trainee = ar_first();
    trainee["age_basis"] = json!("stated_age");
    trainee["age"] = json!(18);
    trainee["may_be_under_18"] = json!(false);
    let answers = Answers {
        facts: &trainee,
        first_otherwise: true,
    };
    let (asked, screen) = walk_until(&mut p, &answers, "DEBRIEF");
    assert_eq!(asked[0], "immediate_danger");
    assert!(asked.iter().any(|f| f == "may_be_under_18"), "{asked:?}");
    assert!(
        screen.contains(&format!("now in: {}", title("adult"))),
        "{screen}"
    );
    let (debrief, code) = finish(&mut p);
    assert_eq!(code, 0, "{debrief}");
    for text in [
        r#"You answered age_basis = "stated_age"; the case says "date_of_birth"."#,
        "With the case's answer: You have their date of birth",
        "Expected outcome: [refer_before_18th_birthday",
        "AR is 17 today and turns 18 on 15 December 2026",
        "Review the differences above with your trainer.",
    ] {
        assert!(debrief.contains(text), "`{text}` missing from:\n{debrief}");
    }
}

/// Starts a walk and answers the first question (danger: no); returns the second question.
fn past_danger(p: &mut PtySession) -> pty::Asked {
    let q = next(p);
    assert_eq!(q.fact, "immediate_danger", "danger is asked first");
    give(p, &q.fact, &json!(false));
    next(p)
}

#[test]
fn a_file_name_that_cannot_be_written_is_asked_again_and_no_answer_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("no-such-folder/case.json");
    let good = dir.path().join("case.json");

    let mut p = walk(&[]);
    let second = past_danger(&mut p);
    quit_and_save_as(&mut p, &bad);
    wait(&mut p, "That file can't be written");
    wait(&mut p, "No such file or directory");
    // Esc at the file name offers the choices; the first (the default) goes back to the
    // questions, answers intact.
    keys(&mut p, &[ESC]);
    wait(&mut p, "The session is not saved. What now?");
    keys(&mut p, &[ENTER]);
    wait(&mut p, "Back to the questions: nothing is lost.");
    let q = next(&mut p);
    assert_eq!((&q.fact, q.number), (&second.fact, second.number));
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
    let q = next(&mut p);
    give(&mut p, &q.fact, &json!(false)); // danger: no
    wait(&mut p, "Could not save the session");
    wait(&mut p, "Your answers are kept");
    let second = next(&mut p);
    give(&mut p, &second.fact, &json!(false)); // said once: not again after this answer
    let third = next(&mut p);
    assert!(!third.screen.contains("Could not save"), "{}", third.screen);
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
            (second.fact, json!(false)),
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
    let q = past_danger(&mut p);
    assert!(
        q.screen.contains("Could not save the session"),
        "{}",
        q.screen
    );
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
    past_danger(&mut p);
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
    past_danger(&mut p);
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
    // AR: 17 on 2026-11-22 (the child route), 18 from 2026-12-20. Saved after the signs, on
    // the child route.
    let mut ar = ar_first();
    ar["age_basis"] = json!("date_of_birth");
    ar["date_of_birth"] = json!("2008-12-20");
    ar["suspected_modern_slavery"] = json!("yes");
    let dir = tempfile::tempdir().unwrap();
    let file = saved_session(dir.path(), "ar.json", &ar);
    let saved = saved_answers(&file).1;
    assert_eq!(saved.len(), 7, "{saved:?}");
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
    let q = next(&mut p);
    // Still the child route: 17, so the referral is urgent.
    assert!(
        q.screen.contains(&format!("now in: {}", title("child"))),
        "{}",
        q.screen
    );
    assert!(flat(&q.screen).contains("URGENT NOW: Refer before their 18th birthday"));
    keys(&mut p, &[ESC]);
    wait(&mut p, "Saved to");
    assert_eq!(finish(&mut p).1, 0);
    assert_eq!(
        saved_answers(Path::new(file)),
        (TODAY.to_owned(), saved.clone())
    );

    // With --today after the 18th birthday: the adult route, said plainly. At 18 the worker is
    // asked whether AR may be under 18; no, and the first answer to every other question.
    let mut p = spawn(&["walk", "--resume", file, "--today", "2026-12-21"]);
    wait(&mut p, "This session was saved on 2026-11-22.");
    wait(&mut p, "ages are now worked out on 2026-12-21");
    wait(
        &mut p,
        "the route is different (for example, the person has turned 18)",
    );
    let not_under_18 = json!({"may_be_under_18": false});
    let answers = Answers {
        facts: &not_under_18,
        first_otherwise: true,
    };
    let (asked, screen) = walk_until(&mut p, &answers, "ABOUT THIS ADVICE");
    assert_eq!(asked[0], "may_be_under_18", "{asked:?}");
    assert!(
        screen.contains(&format!("now in: {}", title("adult"))),
        "{screen}"
    );
    let (rest, code) = finish(&mut p);
    assert_eq!(code, 0, "{screen}{rest}");
    assert!(!screen.contains("URGENT NOW"), "{screen}");
    assert!(!rest.contains("refer_before_18th_birthday"), "{rest}");
    let (today, answers) = saved_answers(Path::new(file));
    assert_eq!(today, "2026-12-21");
    // The answers up to the date of birth are kept in their place; the new one follows it.
    assert_eq!(answers[..6], saved[..6]);
    assert_eq!(answers[6], ("may_be_under_18".to_owned(), json!(false)));
}

#[test]
fn resuming_with_today_keeps_a_saved_answer_ahead_of_the_walk_in_the_file() {
    // A saved answer ahead of the walk (the age, before the age basis is answered), as an
    // edit can leave it.
    let bundle = bundle();
    let text = json!({
        "format": pathway::SESSION_FORMAT,
        "pathway": "hertfordshire",
        "version": bundle.meta(bundle.entry()).version,
        "content_hash": bundle.content_hash(),
        "today": TODAY,
        "answers": [
            {"fact": "immediate_danger", "value": true},
            {"fact": "needs_safe_place_tonight", "value": false},
            {"fact": "language_barrier", "value": false},
            {"fact": "someone_speaks_for_them", "value": false},
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
    let q = next(&mut p);
    assert_eq!(q.fact, "age_basis");
    give(&mut p, "age_basis", &json!("stated_age")); // saved already, so not asked again
    let q = next(&mut p);
    assert_ne!(q.fact, "age", "the saved age is asked again");
    assert_eq!(q.fact, "suspected_modern_slavery");
    keys(&mut p, &[ESC]);
    wait(&mut p, "Saved to");
    assert_eq!(finish(&mut p).1, 0);
    let (today, answers) = saved_answers(&file);
    assert_eq!(today, "2026-11-30");
    assert_eq!(
        answers,
        [
            ("immediate_danger", json!(true)),
            ("needs_safe_place_tonight", json!(false)),
            ("language_barrier", json!(false)),
            ("someone_speaks_for_them", json!(false)),
            ("age_basis", json!("stated_age")),
            ("age", json!(17)),
        ]
        .map(|(f, v)| (f.to_owned(), v))
    );
}

#[test]
fn colour_is_on_unless_no_color_is_set_and_not_empty() {
    // An SGR colour sequence (inquire's prompt marks): `ESC [ 38;5;N m`.
    let first = text("immediate_danger");
    for (no_color, coloured) in [("", true), ("1", false)] {
        let mut p = spawn_sized(&["walk", "--today", TODAY], 120, no_color);
        let screen = p.exp_string(first).unwrap();
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
    past_danger(&mut p);
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
