//! Hostile input, one test per defect of the reliability review (`V4`..`V17` in
//! RELIABILITY.md): each fails on the code the review found and passes now. Bad input exits 2
//! with a message that says what is wrong; nothing printed can control the terminal; input is
//! read with a bound.

use std::fs;
use std::path::{Path, PathBuf};

use pathway::{Bundle, Config, GraphFormat, SourceFile, evaluate, is_hidden};
use pathway_tests::{Out, pathway, root};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-11-22";
/// An OSC 52 clipboard write: the escape the review found echoed to stderr.
const OSC52: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pathway-hostile-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Asserts nothing in the run's output could control a terminal.
fn untouched(o: &Out) {
    for (name, text) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let hidden: Vec<char> = text.chars().filter(|c| is_hidden(*c)).collect();
        assert!(hidden.is_empty(), "{name} holds {hidden:?}:\n{text}");
    }
}

/// A copy of the valid mini pathway (with the invalid fixtures' contacts) in its own folder,
/// changed by `edit`.
fn mini_set(name: &str, edit: impl Fn(&mut Json)) -> PathBuf {
    let dir = tempdir(name);
    let mut mini: Json =
        serde_json::from_str(&fs::read_to_string(root().join("fixtures/valid/mini.json")).unwrap())
            .unwrap();
    edit(&mut mini);
    fs::write(dir.join("mini.json"), mini.to_string()).unwrap();
    fs::copy(
        root().join("fixtures/invalid/_contacts.json"),
        dir.join("contacts.json"),
    )
    .unwrap();
    dir
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// V6: a record's key and value are echoed escaped, on stderr and in `--format text`.
#[test]
fn v6_escape_sequences_in_records_do_not_reach_the_terminal() {
    let record = json!({ OSC52: true, "age": format!("{OSC52}\u{202e}") }).to_string();
    let o = pathway(&["decide", "--today", TODAY], &record);
    assert_eq!(o.code, 2);
    untouched(&o);
    assert!(
        o.stderr
            .contains("unknown fact `\\u001b]52;c;cm0gLXJmIH4=\\u0007`"),
        "{}",
        o.stderr
    );
    let batch = format!("{record}\n{}\n", json!({"age": format!("{OSC52}\u{9b}")}));
    for format in ["text", "markdown", "json"] {
        let o = pathway(&["decide", "--today", TODAY, "--format", format], &batch);
        assert_eq!(o.code, 2);
        untouched(&o);
    }
}

/// V6: scenario stories, saved sessions and pathway files are shown escaped too.
#[test]
fn v6_scenarios_sessions_and_pathway_files_are_shown_escaped() {
    let dir = tempdir("v6-files");
    let mut scenario: Json = serde_json::from_str(
        &fs::read_to_string(root().join("fixtures/scenarios/ar-at-17.json")).unwrap(),
    )
    .unwrap();
    scenario["title"] = json!(format!("AR {OSC52}"));
    scenario["story"] = json!(format!("A story\u{202e}evil\u{1b}[2J"));
    let file = dir.join("story.json");
    fs::write(&file, scenario.to_string()).unwrap();
    let answers = dir.join("answers.json");
    fs::write(&answers, scenario["facts"].to_string()).unwrap();
    let o = pathway(&["quiz", arg(&file), "--answers", arg(&answers)], "");
    assert_eq!(o.code, 0, "{}", o.stderr);
    untouched(&o);
    assert!(
        o.stdout.contains("A story\\u202eevil\\u001b[2J"),
        "{}",
        o.stdout
    );
    let o = pathway(&["scenarios", arg(&dir)], "");
    untouched(&o);

    let session = dir.join("session.json");
    fs::write(
        &session,
        json!({"format": pathway::SESSION_FORMAT, "pathway": OSC52, "version": "1", "content_hash": "x", "today": TODAY, "answers": []})
            .to_string(),
    )
    .unwrap();
    let o = pathway(&["walk", "--resume", arg(&session)], "");
    assert_eq!(o.code, 2);
    untouched(&o);

    // A pathway file with an escape in an unknown field's name: refused, shown escaped.
    let set = mini_set("v6-set", |m| m[OSC52] = json!(1));
    let o = pathway(&["check", arg(&set)], "");
    assert_eq!(o.code, 1, "a set that does not load is a finding of check");
    untouched(&o);
    assert!(o.stdout.contains("\\u001b]52"), "{}", o.stdout);
}

/// V6: the compiler refuses control and bidirectional-override characters in pathway text,
/// so `check`, `list`, `graph`, `walk` and `decide` never print them.
#[test]
fn v6_pathway_text_with_control_characters_is_refused() {
    let set = mini_set("v6-title", |m| {
        m["title"] = json!(format!("Mini {OSC52}"));
        m["facts"][0]["question"] = json!("Is the person in immediate \u{202e}danger?");
    });
    for args in [
        vec!["check", arg(&set)],
        vec!["--pathways", arg(&set), "list"],
        vec!["--pathways", arg(&set), "graph", "--format", "dot"],
        vec!["decide", arg(&set)],
    ] {
        let o = pathway(&args, "{}");
        // A set that does not load: a finding of check (1), bad input for the others (2).
        let code = if args[0] == "check" { 1 } else { 2 };
        assert_eq!(o.code, code, "{args:?}");
        untouched(&o);
        assert!(
            format!("{}{}", o.stdout, o.stderr).contains("error[control-character]"),
            "{args:?}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// The texts a property test puts into a pathway: any characters, markup and control
/// characters often.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-z ]{0,8}",
        1 => prop::sample::select(vec![
            "<", ">", "&", "\"", "'", "`", "#", "|", "\\", "\n", "---", "\n---\n", "]]>", "<!--",
            "&amp;", "&#1;", "\u{1}", "\u{1b}[2J", "\u{7f}", "\u{9b}", "\u{202e}", "\u{2066}",
            "\u{2028}", "\u{fffe}", "\u{ffff}", "\u{feff}", "é", "👍",
        ]).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    // Never empty: an empty title or reason is refused for that.
    proptest::collection::vec(piece, 0..8).prop_map(|p| format!("T{}", p.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// V7, V8: whatever text a pathway holds, the set is refused for it (control-character)
    /// or every rendered SVG is well-formed XML (roxmltree parses it), the Mermaid front
    /// matter is its first three lines, and no report carries a hidden character.
    #[test]
    fn v7_v8_every_rendered_chart_is_well_formed_for_any_text(
        title in hostile_text(),
        question in hostile_text(),
        because in hostile_text(),
        label in hostile_text(),
    ) {
        let mut mini: Json = serde_json::from_str(
            &fs::read_to_string(root().join("fixtures/valid/mini.json")).unwrap(),
        )
        .unwrap();
        mini["title"] = json!(title);
        mini["facts"][0]["question"] = json!(question);
        mini["steps"][0]["next"][0]["because"] = json!(because);
        mini["actions"]["call_999"]["title"] = json!(label);
        let text = mini.to_string();
        let contacts = fs::read_to_string(root().join("fixtures/invalid/_contacts.json")).unwrap();
        let files = [
            SourceFile { name: "mini.json", text: &text },
            SourceFile { name: "contacts.json", text: &contacts },
        ];
        let refused = [&title, &question, &because, &label]
            .iter()
            .any(|t| t.chars().any(|c| is_hidden(c) || c == '\n' || c == '\t'));
        let bundle = match Bundle::load(&files) {
            Ok(bundle) => bundle,
            Err(e) => {
                prop_assert!(refused, "refused for another reason: {e}");
                prop_assert!(e.0.iter().any(|d| d.code == "control-character"), "{e}");
                return Ok(());
            }
        };
        prop_assert!(!refused, "a hidden character was accepted");
        let today = TODAY.parse().unwrap();
        let facts = bundle.parse_facts(&json!({"immediate_danger": true}), today).unwrap();
        let evaluation = evaluate(&bundle, bundle.entry(), &facts, &Config { today, use_defaults: true });
        for walked in [None, Some(evaluation.trail.as_slice())] {
            let svg = pathway::graph(&bundle, bundle.entry(), GraphFormat::Svg, walked);
            if let Err(e) = roxmltree::Document::parse(&svg) {
                prop_assert!(false, "not well-formed XML ({e}):\n{svg}");
            }
            let mermaid = pathway::graph(&bundle, bundle.entry(), GraphFormat::Mermaid, walked);
            let lines: Vec<&str> = mermaid.lines().collect();
            prop_assert_eq!(&lines[..1], &["---"]);
            prop_assert!(lines[1].starts_with("title: \""));
            prop_assert_eq!(lines[2], "---");
            prop_assert_eq!(lines.iter().filter(|l| **l == "---").count(), 2);
        }
        prop_assert!(!pathway::outcome_text(&bundle, &evaluation).chars().any(is_hidden));
    }
}

/// V9: a line longer than a record may be is refused (exit 2) without being kept, and the
/// records after it are still evaluated.
#[test]
fn v9_a_line_past_the_record_limit_is_refused_and_the_next_record_is_read() {
    let long = format!(
        "{{\"immediate_danger\": \"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let input = format!("{long}\n{{\"immediate_danger\": true}}\n");
    let o = pathway(&["decide", "--today", TODAY, "--brief"], &input);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains(
            "error: record 1: 2097176 bytes long, more than a facts record may have (64 KiB): not read"
        ),
        "{}",
        &o.stderr[..o.stderr.len().min(2000)]
    );
    let last: Json = serde_json::from_str(o.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["record"], 2);
    assert_eq!(last["codes"][0], "call_999");
    assert!(o.stdout.len() < 2000, "the long line was not echoed");
}

/// V12: a session file larger than a session may be is refused before it is read whole.
#[test]
fn v12_a_huge_session_is_refused() {
    let dir = tempdir("v12");
    let file = dir.join("huge.json");
    let answers: Vec<Json> = (0..60_000)
        .map(|_| json!({"fact": "immediate_danger", "value": true}))
        .collect();
    fs::write(&file, json!({"answers": answers}).to_string()).unwrap();
    let o = pathway(&["walk", "--resume", arg(&file)], "");
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("larger than a saved session may be (1 MiB)"),
        "{}",
        o.stderr
    );
}

/// V13: only JSON's whitespace is blank: a line holding a no-break space or a line separator
/// is a record, refused naming the character, not skipped or glued to a record.
#[test]
fn v13_unicode_spaces_are_not_blank_and_are_named() {
    let input = "{\"immediate_danger\": true}\n\u{a0}\n{\"immediate_danger\": true}\u{2028}\n";
    let o = pathway(&["decide", "--today", TODAY, "--brief"], input);
    assert_eq!(o.code, 2);
    untouched(&o);
    assert!(
        o.stderr.contains(
            "record 2: not valid JSON: U+00A0 (NO-BREAK SPACE) is not a space JSON allows"
        ),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(
            "record 3: not valid JSON: U+2028 (LINE SEPARATOR) is not a space JSON allows"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(o.stdout.lines().count(), 3);
}

/// V14: a byte order mark, a day the calendar does not have, a number too large and
/// negative zero each get a message that says what is wrong.
#[test]
fn v14_messages_say_what_is_wrong() {
    let cases = [
        (
            "\u{feff}{\"immediate_danger\": true}",
            "record 1: not valid JSON: the text starts with a byte order mark (U+FEFF), which JSON does not allow",
        ),
        (
            r#"{"age_basis": "date_of_birth", "date_of_birth": "2026-02-29"}"#,
            "`date_of_birth` is 2026-02-29, a day that does not exist: February 2026 has 28 days (2026 is not a leap year)",
        ),
        (
            r#"{"age": 1e400}"#,
            "the number 1e400 is too large to read (numbers must be within ±1.7e308) at column 13",
        ),
        (
            r#"{"age": -0}"#,
            "`age` must be a whole number, not -0 (negative zero, which JSON readers take as a fraction): write 0",
        ),
    ];
    for (input, message) in cases {
        let o = pathway(&["decide", "--today", TODAY], input);
        assert_eq!(o.code, 2, "{input}");
        assert!(o.stderr.contains(message), "{input}:\n{}", o.stderr);
    }
    let o = pathway(&["decide", "--today", "2026-02-29"], "{}");
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("--today: `2026-02-29` does not exist: February 2026 has 28 days"),
        "{}",
        o.stderr
    );
    // A file with a byte order mark.
    let dir = tempdir("v14");
    let file = dir.join("facts.json");
    fs::write(&file, "\u{feff}{}").unwrap();
    let o = pathway(&["graph", "--facts", arg(&file), "--format", "dot"], "");
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("starts with a byte order mark (U+FEFF)"),
        "{}",
        o.stderr
    );
}

/// V10: an invariant id that is not an id (`../`) is refused, so it never names a file
/// outside the `--counterexamples` folder.
#[test]
fn v10_an_invariant_id_with_a_path_is_refused() {
    let set = mini_set("v10", |m| {
        m["invariants"][0]["id"] = json!("../../escaped");
        m["invariants"][0]["rule"] = json!("!immediate_danger");
    });
    let out = tempdir("v10-out").join("inner");
    let o = pathway(&["check", arg(&set), "--counterexamples", arg(&out)], "");
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("error[bad-id]"), "{}", o.stdout);
    assert!(!out.parent().unwrap().join("escaped.json").exists());
    let files: Vec<_> = fs::read_dir(out.parent().unwrap()).unwrap().collect();
    assert!(files.is_empty(), "nothing was written");
}

/// V11: an 18th birthday after the year 9999 prints no sentinel number.
#[test]
fn v11_no_sentinel_in_a_report() {
    let record = r#"{"immediate_danger": false, "age_basis": "date_of_birth", "date_of_birth": "9982-06-01", "suspected_modern_slavery": true, "someone_speaks_for_them": false, "reporter_is_first_responder": true}"#;
    let o = pathway(
        &["decide", "--today", "9999-12-31", "--format", "text"],
        record,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("2305843009213693951"), "{}", o.stdout);
    assert!(
        o.stdout.contains("18th birthday: (after the year 9999)"),
        "{}",
        o.stdout
    );
}

/// V16: a rule syntax error quotes the rule around the error, not the whole rule.
#[test]
fn v16_a_long_rule_is_shown_cut() {
    let rule = format!(
        "{} && && {}",
        "immediate_danger || ".repeat(20_000),
        "immediate_danger"
    );
    let set = mini_set("v16", |m| m["steps"][0]["next"][0]["when"] = json!(rule));
    let o = pathway(&["check", arg(&set)], "");
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("error[rule-syntax]"), "{}", o.stdout);
    assert!(o.stdout.len() < 4000, "{} bytes of output", o.stdout.len());
    assert!(o.stdout.contains("…"), "{}", o.stdout);
}

/// V17: one table of exit codes: a set that does not load is 2 from every command that
/// needs one and 1 from `check` (its finding, DESIGN.md §5), a folder with no scenario
/// fails, a missing one exits 2.
#[test]
fn v17_exit_codes_follow_one_table() {
    let broken = mini_set("v17", |m| m["start"] = json!("nowhere"));
    let o = pathway(&["check", arg(&broken)], "{}");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    for args in [
        vec!["--pathways", arg(&broken), "list"],
        vec!["--pathways", arg(&broken), "graph"],
        vec!["--pathways", arg(&broken), "decide"],
        vec!["--pathways", arg(&broken), "scenarios"],
    ] {
        let o = pathway(&args, "{}");
        assert_eq!(o.code, 2, "{args:?}: {}{}", o.stdout, o.stderr);
    }
    let empty = tempdir("v17-empty");
    let o = pathway(&["scenarios", arg(&empty)], "");
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("holds no scenario files"), "{}", o.stderr);
    let o = pathway(&["scenarios", "no-such-folder"], "");
    assert_eq!(o.code, 2);
    let help = pathway(&["--help"], "").stdout;
    for line in [
        "0    done",
        "1    a check or a scenario failed",
        "2    bad input",
        "130  interrupted",
    ] {
        assert!(help.contains(line), "{help}");
    }
    for command in [
        "list",
        "graph",
        "quiz",
        "scenarios",
        "walk",
        "decide",
        "check",
    ] {
        let help = pathway(&[command, "--help"], "").stdout;
        assert!(help.contains("Exit status: 0"), "{command}:\n{help}");
    }
}

/// Regression (fuzz `multiset`): a contact whose `source` is not among its file's sources was
/// refused with no hint; every diagnostic says how to fix it.
#[test]
fn fuzz_multiset_a_contact_citing_an_unknown_source_has_a_hint() {
    let mini = fs::read_to_string(root().join("fixtures/valid/mini.json")).unwrap();
    let mut contacts: Json = serde_json::from_str(
        &fs::read_to_string(root().join("fixtures/invalid/_contacts.json")).unwrap(),
    )
    .unwrap();
    contacts["contacts"]["police"]["source"] = json!("H%ERTS");
    let contacts = contacts.to_string();
    let files = [
        SourceFile {
            name: "mini.json",
            text: &mini,
        },
        SourceFile {
            name: "contacts.json",
            text: &contacts,
        },
    ];
    let Err(e) = Bundle::load(&files) else {
        panic!("a contact citing an unknown source loaded")
    };
    assert!(e.0.iter().any(|d| d.code == "unknown-source"), "{e}");
    for d in &e.0 {
        assert!(d.hint.is_some(), "no hint: {d}");
    }
}
