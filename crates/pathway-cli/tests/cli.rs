//! The binary's own behaviour beyond the conformance suite (`tests/cli.rs` at the root, which
//! drives every command and exit code): how PATHWAY arguments pick a pathway, how a batch
//! keeps bad records in their places, a reader that goes away mid-batch, and the quiz and
//! scenario reports.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value as Json;

const TODAY: &str = "2026-11-22";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `pathway ARGS` from the repository root, with `stdin` as its input.
fn pathway(args: &[&str], stdin: &[u8]) -> Out {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().unwrap();
    let o = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!o.stderr.contains("panicked"), "{args:?}:\n{}", o.stderr);
    o
}

fn pathway_of(o: &Out) -> String {
    let json: Json =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
    json["pathway"].as_str().unwrap().to_owned()
}

const DANGER: &[u8] = br#"{"immediate_danger": true}"#;

#[test]
fn a_pathway_argument_is_an_id_a_suffix_a_folder_or_a_file() {
    for (args, expected) in [
        (&["decide"][..], "hertfordshire"),
        (&["decide", "hertfordshire-adult"], "hertfordshire-adult"),
        (&["decide", "child"], "hertfordshire-child"),
        (&["decide", "pathways/hertfordshire"], "hertfordshire"),
        (
            &["decide", "pathways/hertfordshire/adult.json"],
            "hertfordshire-adult",
        ),
        (
            &["--pathways", "pathways/hertfordshire", "decide", "adult"],
            "hertfordshire-adult",
        ),
    ] {
        let o = pathway(&[args, &["--today", TODAY]].concat(), DANGER);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        assert_eq!(pathway_of(&o), expected, "{args:?}");
    }
    let o = pathway(&["decide", "pathways/hertfordshire/contacts.json"], DANGER);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("contacts.json is not a pathway"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("hint:"));
}

#[test]
fn a_text_or_markdown_batch_keeps_each_bad_record_in_its_place() {
    let batch =
        b"{\"immediate_danger\": \"yes\"}\n{\"immediate_danger\": true}\n{\"shoe_size\": 9}\n";
    let text = pathway(&["decide", "--today", TODAY, "--format", "text"], batch);
    assert_eq!(text.code, 2);
    assert!(
        text.stdout
            .starts_with("Record 1 not evaluated: `immediate_danger` must be true or false"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("Record 3 not evaluated: unknown fact `shoe_size`")
    );
    let rules = text
        .stdout
        .matches("\n----------------------------------------\n")
        .count();
    assert_eq!(
        rules, 2,
        "one rule between each two records:\n{}",
        text.stdout
    );
    assert!(
        text.stderr
            .contains("records: 3, finished: 0, needs answer: 1")
    );

    let md = pathway(&["decide", "--today", TODAY, "--format", "markdown"], batch);
    assert!(
        md.stdout.starts_with("**Record 1 not evaluated:**"),
        "{}",
        md.stdout
    );
    assert_eq!(md.stdout.matches("\n---\n").count(), 2);
}

#[test]
fn a_line_that_is_not_utf8_is_one_bad_record_and_crlf_endings_are_fine() {
    let batch = b"{\"immediate_danger\": true}\r\n{\"immediate_danger\": \xff}\r\n{\"immediate_danger\": true}\r\n";
    let o = pathway(&["decide", "--today", TODAY, "--brief"], batch);
    assert_eq!(o.code, 2);
    let lines: Vec<Json> = o
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["status"], "error");
    assert_eq!(lines[1]["error"], "not valid UTF-8 text");
    assert_eq!(lines[2]["status"], "needs_answer");
    assert!(o.stderr.contains("error: record 2: not valid UTF-8 text"));
}

#[test]
fn a_reader_that_goes_away_mid_batch_ends_the_batch_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .args(["decide", "--today", TODAY, "--brief"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..100_000 {
            if stdin.write_all(b"{\"immediate_danger\": true}\n").is_err() {
                break;
            }
        }
    });
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    assert!(first.starts_with(b"{\"codes\":[\"call_999\"]"));
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("error:"),
        "{stderr}"
    );
}

#[test]
fn quiz_without_a_terminal_points_at_written_answers_before_telling_the_story() {
    let o = pathway(&["quiz", "fixtures/scenarios/ar-at-17.json"], b"");
    assert_eq!(o.code, 2);
    assert_eq!(o.stdout, "", "the story is not printed to a script");
    assert!(
        o.stderr
            .contains("error: quiz needs an interactive terminal")
    );
    assert!(
        o.stderr.contains("--answers FILE"),
        "the hint names --answers: {}",
        o.stderr
    );
}

#[test]
fn walk_resume_of_a_missing_file_names_it() {
    let o = pathway(&["walk", "--resume", "no-such-session.json"], b"");
    assert_eq!(o.code, 2);
    assert_eq!(
        o.stderr.trim(),
        "error: cannot read no-such-session.json: No such file or directory"
    );
}

#[test]
fn a_failing_scenario_shows_which_codes_differ() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut s: Json = serde_json::from_str(
        &std::fs::read_to_string(root.join("fixtures/scenarios/ar-at-17.json")).unwrap(),
    )
    .unwrap();
    let codes = s["expect"]["codes"].as_array().unwrap().clone();
    s["expect"]["codes"] = Json::Array(codes[1..].to_vec());
    std::fs::write(dir.path().join("missing.json"), s.to_string()).unwrap();
    s["expect"]["codes"] = Json::Array(codes.iter().rev().cloned().collect());
    std::fs::write(dir.path().join("order.json"), s.to_string()).unwrap();
    let o = pathway(&["scenarios", dir.path().to_str().unwrap()], b"");
    assert_eq!(o.code, 1);
    let first = codes[0].as_str().unwrap();
    assert!(
        o.stdout
            .contains(&format!("+ {first} (given, not expected)")),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("the same codes in a different order"));
    assert!(o.stdout.contains("0 passed, 2 failed"));

    // The JSON report carries both sides of each comparison.
    let o = pathway(
        &[
            "scenarios",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(o.code, 1);
    let report: Json = serde_json::from_str(&o.stdout).unwrap();
    let missing = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"] == "missing")
        .unwrap();
    assert_eq!(missing["passed"], false);
    assert_eq!(
        missing["expected"]["codes"],
        Json::Array(codes[1..].to_vec())
    );
    assert_eq!(missing["actual"]["codes"], Json::Array(codes.clone()));
    assert_eq!(missing["actual"]["status"], "finished");
    assert_eq!(missing["expected"]["status"], missing["actual"]["status"]);
}

#[test]
fn walk_refuses_a_bad_today_even_when_resuming() {
    let bundle = pathway::bundled().unwrap();
    let session = pathway::Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.json");
    std::fs::write(&file, session.to_json()).unwrap();
    for args in [
        &[
            "walk",
            "--resume",
            file.to_str().unwrap(),
            "--today",
            "garbage",
        ][..],
        &["walk", "--today", "22/11/2026"],
    ] {
        let o = pathway(args, b"");
        assert_eq!(o.code, 2, "{args:?}");
        assert!(
            o.stderr.starts_with("error: --today: `") && o.stderr.contains("is not a date"),
            "{args:?}: {}",
            o.stderr
        );
    }
}
