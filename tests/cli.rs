//! The `pathway` binary as users and scripts call it: every command, every exit code, bad
//! input of each kind. The interactive walk in a pseudo-terminal is tested beside the binary
//! (crates/pathway-cli/tests/walk.rs). Each command's request/response contract is also kept
//! as data in `tests/cmd/` (run by `cli_cases.rs`); the tests here check what needs code.

use std::fs;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use pathway_tests::{Out, pathway, pathway_bin, root};
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-11-22";

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pathway-cli-test-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

const AR_AT_17: &str = r#"{"immediate_danger": false, "age_basis": "date_of_birth", "date_of_birth": "2008-12-15",
  "suspected_modern_slavery": true, "someone_speaks_for_them": true, "reporter_is_first_responder": true}"#;

#[test]
fn list_shows_every_bundled_pathway() {
    let o = pathway(&["list"], "");
    assert_eq!(o.code, 0);
    for id in [
        "hertfordshire ",
        "hertfordshire-adult",
        "hertfordshire-child",
        "[entry",
    ] {
        assert!(o.stdout.contains(id), "{id} missing from:\n{}", o.stdout);
    }
    let json: Json =
        serde_json::from_str(&pathway(&["list", "--format", "json"], "").stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[0]["id"], "hertfordshire");
}

#[test]
fn decide_reads_one_object_from_stdin_or_a_file() {
    let o = pathway(&["decide", "--today", TODAY], AR_AT_17);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let json: Json = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(json["status"], "finished");
    assert_eq!(json["codes"][0], "refer_before_18th_birthday");
    assert!(json.get("next_fact").is_none());

    let dir = tempdir("decide-file");
    let file = dir.join("case.json");
    // Pretty-printed over several lines: still one record.
    fs::write(
        &file,
        serde_json::to_string_pretty(&serde_json::from_str::<Json>(AR_AT_17).unwrap()).unwrap(),
    )
    .unwrap();
    let from_file = pathway(
        &[
            "decide",
            "--facts",
            file.to_str().unwrap(),
            "--today",
            TODAY,
        ],
        "",
    );
    assert_eq!(from_file.code, 0, "{}", from_file.stderr);
    assert_eq!(
        serde_json::from_str::<Json>(&from_file.stdout).unwrap()["codes"],
        json["codes"]
    );
}

/// Vocabulary v2: a v1 record still reads as it did (`true` as `"yes"`, the two v1
/// organisation answers instead of the organisation), `decide` prints the v2 value, and a
/// record whose v1 answers contradict its organisation is refused, naming both facts.
#[test]
fn decide_reads_v1_records_and_refuses_a_contradicted_organisation() {
    let v1 = r#"{"immediate_danger": false, "age_basis": "stated_age", "age": 40,
        "suspected_modern_slavery": true, "care_and_support_needs": false,
        "has_capacity_to_consent": true, "consent_to_nrm": "declined",
        "reporter_is_public_authority": true, "reporter_is_first_responder": true}"#
        .replace('\n', " ");
    let o = pathway(&["decide", "--today", TODAY], &v1);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let json: Json = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(json["status"], "finished");
    let codes = json["codes"].to_string();
    assert!(
        codes.contains("duty_to_notify") && codes.contains("police_report"),
        "{codes}"
    );
    let read = |fact: &str| {
        json["trail"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|v| (v["answer"]["fact"] == fact).then(|| v["answer"]["value"].clone()))
    };
    assert_eq!(read("suspected_modern_slavery"), Some(json!("yes")));
    assert_eq!(read("has_capacity_to_consent"), Some(json!("yes")));

    let contradicted = r#"{"immediate_danger": false, "reporter_organisation": "police", "reporter_is_first_responder": false}"#;
    let o = pathway(&["decide", "--today", TODAY], contradicted);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("`reporter_is_first_responder`")
            && o.stderr.contains("`reporter_organisation`"),
        "{}",
        o.stderr
    );
}

#[test]
fn decide_reports_an_unfinished_walk_with_the_next_fact() {
    let o = pathway(
        &["decide", "child", "--today", TODAY],
        r#"{"immediate_danger": true}"#,
    );
    assert_eq!(o.code, 0);
    let json: Json = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(json["status"], "needs_answer");
    assert_eq!(json["next_fact"], "age_basis");
    assert_eq!(json["codes"], json!(["call_999"]));
}

#[test]
fn a_bad_record_in_the_middle_of_a_batch_loses_no_good_record() {
    let batch = format!(
        "{}\n{}\n\n{}\n",
        r#"{"immediate_danger": true}"#,
        r#"{"immediate_danger": true, "age_basis": "stated_age", "age": "seventeen"}"#,
        AR_AT_17.replace('\n', " ")
    );
    let o = pathway(&["decide", "--today", TODAY], &batch);
    assert_eq!(o.code, 2);
    let lines: Vec<Json> = o
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", o.stdout);
    assert_eq!(lines[0]["record"], 1);
    assert_eq!(lines[0]["status"], "needs_answer");
    assert_eq!(lines[1]["record"], 2);
    assert_eq!(lines[1]["status"], "error");
    assert!(lines[1]["error"].as_str().unwrap().contains("`age`"));
    assert_eq!(lines[2]["record"], 3);
    assert_eq!(lines[2]["status"], "finished");
    assert!(
        o.stderr
            .contains("error: record 2: `age` must be a whole number"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("records: 3, finished: 1, needs answer: 1, blocked: 0, errors: 1"),
        "{}",
        o.stderr
    );

    let brief = pathway(&["decide", "--today", TODAY, "--brief"], &batch);
    let brief: Vec<Json> = brief
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        brief[0],
        json!({"record": 1, "status": "needs_answer", "codes": ["call_999"], "next_fact": "age_basis"})
    );
    assert_eq!(brief[2]["codes"], lines[2]["codes"], "brief and full agree");
    assert_eq!(brief[2].as_object().unwrap().len(), 3);

    let fast = pathway(&["decide", "--today", TODAY, "--fail-fast"], &batch);
    assert_eq!(fast.code, 2);
    assert_eq!(
        fast.stdout.lines().count(),
        2,
        "--fail-fast stops after the bad record"
    );
}

#[test]
fn each_kind_of_bad_input_exits_2_naming_the_record_and_the_fact() {
    let cases = [
        (r#"{"immediate_danger": tru}"#, "record 1: not valid JSON"),
        (
            r#"{"immediate_danger": true, "shoe_size": 9}"#,
            "record 1: unknown fact `shoe_size`",
        ),
        (
            r#"{"immediate_danger": "yes"}"#,
            "record 1: `immediate_danger` must be true or false",
        ),
        (
            r#"{"immediate_danger": false, "age_basis": "stated_age", "age": 130}"#,
            "record 1: `age` must be between 0 and 120, not 130",
        ),
        (
            r#"{"immediate_danger": false, "age_basis": "date_of_birth", "date_of_birth": "2027-01-01"}"#,
            "record 1: `date_of_birth` is 2027-01-01, which is after today",
        ),
        (
            r#"{"immediate_danger": false, "age_basis": "guess"}"#,
            "record 1: `guess` is not an answer to `age_basis`",
        ),
        (
            r#"[1, 2]"#,
            "record 1: a facts record must be a JSON object",
        ),
    ];
    for (input, message) in cases {
        let o = pathway(&["decide", "--today", TODAY], input);
        assert_eq!(o.code, 2, "{input}");
        assert!(
            o.stderr.contains(message),
            "{input}: expected `{message}` in:\n{}",
            o.stderr
        );
    }
    let missing = pathway(&["decide", "--facts", "no-such-file.json"], "");
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr.trim(),
        "error: cannot read no-such-file.json: No such file or directory"
    );
    let empty = pathway(&["decide"], "");
    assert_eq!(empty.code, 2);
    assert!(empty.stderr.contains("holds no facts record"));
    let bad_date = pathway(&["decide", "--today", "22/11/2026"], "{}");
    assert_eq!(bad_date.code, 2);
    assert!(
        bad_date
            .stderr
            .contains("--today: `22/11/2026` is not a date")
    );
    let unknown = pathway(&["decide", "teenager"], "{}");
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no pathway `teenager`")
            && unknown.stderr.contains("hint: the pathways are")
    );
}

#[test]
fn decide_stats_counts_codes_without_personal_data() {
    let batch = [
        AR_AT_17.replace('\n', " "),
        AR_AT_17.replace('\n', " "),
        r#"{"immediate_danger": true}"#.into(),
    ]
    .join("\n");
    let o = pathway(&["decide", "--today", TODAY, "--stats"], &batch);
    assert_eq!(o.code, 0);
    let stats: Json = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(stats["records"], 3);
    assert_eq!(stats["finished"], 2);
    assert_eq!(stats["needs_answer"], 1);
    assert_eq!(stats["codes"]["nrm_referral"], 2);
    assert!(
        !o.stdout.contains("2008-12-15"),
        "stats must not echo answers"
    );
}

#[test]
fn decide_text_and_markdown_summaries() {
    let text = pathway(&["decide", "--today", TODAY, "--format", "text"], AR_AT_17);
    assert_eq!(text.code, 0);
    let md = pathway(
        &["decide", "--today", TODAY, "--format", "markdown"],
        AR_AT_17,
    );
    assert_eq!(md.code, 0);
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("cli__decide_text_ar_at_17", text.stdout);
        insta::assert_snapshot!("cli__decide_markdown_ar_at_17", md.stdout);
    });
}

#[test]
fn check_proves_the_bundled_set_and_writes_covering_examples() {
    let dir = tempdir("examples");
    let o = pathway(
        &[
            "check",
            "--today",
            TODAY,
            "--examples",
            dir.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("paths explored"));
    assert!(o.stdout.contains("proven over"));
    assert!(o.stdout.contains("result: verified"));
    // One line per hazard of the log, each controlled, naming what controls it.
    let hazards: Json = serde_json::from_str(
        &fs::read_to_string(root().join("pathways/hertfordshire/hazards.json")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = hazards["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 11, "{ids:?}");
    assert!(
        o.stdout
            .contains(&format!("hazard log: {} hazards", ids.len()))
    );
    for id in ids {
        let line = o
            .stdout
            .lines()
            .find(|l| l.contains(&format!(" {id} (")))
            .unwrap_or_else(|| panic!("no line for hazard {id}:\n{}", o.stdout));
        assert!(line.trim_start().starts_with("controlled: "), "{line}");
        assert!(line.contains("[by "), "{line}");
    }
    assert!(!o.stdout.contains("NOT controlled"));
    // Each example finishes through decide, and together they take every edge.
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in &files {
        let pathway_id = f
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .splitn(3, '-')
            .nth(2)
            .unwrap()
            .to_owned();
        let d = pathway(
            &[
                "decide",
                &pathway_id,
                "--today",
                TODAY,
                "--facts",
                f.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(d.code, 0, "{}", d.stderr);
        assert_eq!(
            serde_json::from_str::<Json>(&d.stdout).unwrap()["status"],
            "finished"
        );
    }
    let json: Json =
        serde_json::from_str(&pathway(&["check", "--today", TODAY, "--format", "json"], "").stdout)
            .unwrap();
    assert!(json[0]["report"]["paths"].as_u64().unwrap() > 100);
}

/// A command line as a user would paste it, with the built `pathway` first on `PATH`.
fn shell(command: &str) -> Out {
    let bin = pathway_bin();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-c", command])
        .current_dir(root())
        .env("PATH", path)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn check_of_one_file_checks_it_alone_and_a_missing_path_exits_2_as_documented() {
    // A set that does not load is a finding of check: exit 1 (decide, graph and list, which
    // need a set that loads, exit 2).
    let o = pathway(&["check", "fixtures/invalid/cycle.json"], "");
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.starts_with(
            "fixtures/invalid/cycle.json (alone, with _contacts.json from its folder): does not load"
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("error[cycle]: cycle.json"));
    assert_eq!(
        o.stdout.matches("error[").count(),
        1,
        "only the file's own error, not its neighbours':\n{}",
        o.stdout
    );
    // A counterexample found in one file replays on that file alone (`--pathways FILE`).
    let o = pathway(
        &[
            "check",
            "fixtures/invalid/invariant-broken.json",
            "--today",
            TODAY,
        ],
        "",
    );
    assert_eq!(o.code, 1);
    let replay = o
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("replay: "))
        .unwrap_or_else(|| panic!("no replay command:\n{}", o.stdout));
    assert!(
        replay.contains("--pathways fixtures/invalid/invariant-broken.json decide"),
        "{replay}"
    );
    let replayed = shell(replay);
    assert_eq!(replayed.code, 0, "{replay}: {}", replayed.stderr);
    let codes = serde_json::from_str::<Json>(&replayed.stdout).unwrap()["codes"].clone();
    let actions = o
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("actions: "))
        .unwrap();
    assert_eq!(
        format!(
            "[{}]",
            codes
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        actions
    );

    let missing = pathway(&["check", "pathways/hertfordshire", "no-such-set"], "");
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stdout, "",
        "nothing is checked before the mistake is reported"
    );
    assert!(
        missing
            .stderr
            .starts_with("error: cannot read no-such-set: No such file or directory\n  hint: ")
    );
    let help = pathway(&["check", "--help"], "").stdout;
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("1 an error in a set: it does not load (its diagnostics are printed)")
            && help.contains("2 a bad invocation, or a path that does not exist or cannot be read"),
        "{help}"
    );
}

fn broken_copy(name: &str, edit: impl Fn(&mut Json)) -> PathBuf {
    let dir = tempdir(name);
    for f in ["entry.json", "adult.json", "child.json", "contacts.json"] {
        let mut json: Json = serde_json::from_str(
            &fs::read_to_string(root().join("pathways/hertfordshire").join(f)).unwrap(),
        )
        .unwrap();
        if f == "child.json" {
            edit(&mut json);
        }
        fs::write(dir.join(f), serde_json::to_string_pretty(&json).unwrap()).unwrap();
    }
    dir
}

#[test]
fn check_exits_1_with_a_counterexample_on_a_broken_invariant() {
    let dir = broken_copy("broken-invariant", |child| {
        let step = child["steps"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|s| s["id"] == "c_nrm")
            .unwrap();
        step["do"] = json!(["duty_to_notify"]);
    });
    let o = pathway(&["check", dir.to_str().unwrap(), "--today", TODAY], "");
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout
            .contains("BROKEN: hertfordshire-child child_referred"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("counterexample (starting in hertfordshire")
    );
    assert!(o.stdout.contains("\"suspected_modern_slavery\":\"yes\""));

    // The printed replay command, run as it is, reproduces the violation on this set.
    let replay = o
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("replay: "))
        .unwrap_or_else(|| panic!("no replay command:\n{}", o.stdout));
    assert!(
        replay.contains(&format!("--pathways {}", dir.display())) && replay.contains("--unproven"),
        "{replay}"
    );
    let replayed = shell(replay);
    assert_eq!(replayed.code, 0, "{replay}: {}", replayed.stderr);
    assert!(
        replayed.stdout.contains("duty_to_notify"),
        "{replay}: {}",
        replayed.stdout
    );
    // --counterexamples writes each as a facts file, and the command reads it.
    let out = tempdir("counterexamples");
    let o = pathway(
        &[
            "check",
            dir.to_str().unwrap(),
            "--today",
            TODAY,
            "--counterexamples",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.code, 1);
    let files: Vec<_> = fs::read_dir(&out).unwrap().collect();
    assert!(!files.is_empty());
    let replay = o
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("replay: "))
        .unwrap();
    assert!(
        replay.contains(&format!("--facts {}", out.display())),
        "{replay}"
    );
    let replayed = shell(replay);
    assert_eq!(replayed.code, 0, "{replay}: {}", replayed.stderr);
    assert!(replayed.stdout.contains("duty_to_notify"));

    // The counterexample, fed back to decide, reproduces the violation: a child with signs
    // of modern slavery gets a Duty to Notify.
    let json: Json = serde_json::from_str(
        &pathway(
            &[
                "check",
                dir.to_str().unwrap(),
                "--today",
                TODAY,
                "--format",
                "json",
            ],
            "",
        )
        .stdout,
    )
    .unwrap();
    let verdict = json[0]["report"]["invariants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "child_referred" && i["counterexample"].is_object())
        .unwrap();
    let example = &verdict["counterexample"];
    let facts = serde_json::to_string(&example["facts"]).unwrap();
    let refused = pathway(&["decide", dir.to_str().unwrap(), "--today", TODAY], &facts);
    assert_eq!(
        refused.code, 2,
        "decide refuses a set with a broken invariant"
    );
    assert!(refused.stderr.contains("invariant-broken"));
    let (set, start) = (dir.to_str().unwrap(), example["pathway"].as_str().unwrap());
    let replay = pathway(
        &[
            "--pathways",
            set,
            "decide",
            start,
            "--today",
            example["today"].as_str().unwrap(),
            "--unproven",
        ],
        &facts,
    );
    assert_eq!(replay.code, 0, "{}", replay.stderr);
    assert!(replay.stderr.contains("never use this for a real case"));
    let out: Json = serde_json::from_str(&replay.stdout).unwrap();
    assert_eq!(out["codes"], example["codes"]);
    assert!(
        out["codes"]
            .as_array()
            .unwrap()
            .contains(&json!("duty_to_notify")),
        "{out}"
    );

    let syntax = broken_copy("broken-syntax", |child| {
        child["steps"][0]["next"][0]["when"] = json!("immediate_danger &&")
    });
    let o = pathway(&["check", syntax.to_str().unwrap()], "");
    assert_eq!(o.code, 1, "a set that does not load is a finding of check");
    assert!(
        o.stdout.contains("error[rule-syntax]: child.json"),
        "{}",
        o.stdout
    );
    // decide refuses to walk a set that does not load.
    let d = pathway(&["decide", syntax.to_str().unwrap()], "{}");
    assert_eq!(d.code, 2);
    assert!(d.stderr.contains("the pathway set does not load"));
}

#[test]
fn scenarios_pass_with_full_coverage_and_a_failing_one_exits_1() {
    let o = pathway(&["scenarios", "--coverage"], "");
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("0 failed"));
    assert!(o.stdout.contains("(100%), edges"));
    let dir = tempdir("scenarios");
    let mut s: Json = serde_json::from_str(
        &fs::read_to_string(root().join("fixtures/scenarios/ar-at-17.json")).unwrap(),
    )
    .unwrap();
    s["expect"]["codes"] = json!(["nrm_referral"]);
    fs::write(dir.join("wrong.json"), s.to_string()).unwrap();
    let o = pathway(&["scenarios", dir.to_str().unwrap()], "");
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("FAIL wrong"));
    assert!(
        o.stdout
            .contains("codes: expected [nrm_referral], got [refer_before_18th_birthday"),
        "{}",
        o.stdout
    );
    let missing = pathway(&["scenarios", "no-such-dir"], "");
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("hint:"));
}

#[test]
fn graph_in_every_format_highlights_the_walk() {
    let dir = tempdir("graph");
    let facts = dir.join("facts.json");
    fs::write(&facts, AR_AT_17).unwrap();
    let dot = pathway(&["graph", "child", "--format", "dot"], "");
    assert!(dot.stdout.starts_with("digraph"), "{}", dot.stdout);
    let svg = pathway(
        &[
            "graph",
            "child",
            "--format",
            "svg",
            "--facts",
            facts.to_str().unwrap(),
            "--today",
            TODAY,
        ],
        "",
    );
    assert!(svg.stdout.starts_with("<svg") && svg.stdout.contains("0b57d0"));
    let mermaid = pathway(
        &[
            "graph",
            "child",
            "--format",
            "mermaid",
            "--facts",
            facts.to_str().unwrap(),
            "--today",
            TODAY,
        ],
        "",
    );
    assert_eq!(mermaid.code, 0);
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("cli__graph_mermaid_child_ar_at_17", mermaid.stdout);
    });
}

#[test]
fn schema_completions_and_help() {
    let text = pathway(&["schema"], "").stdout;
    let committed = fs::read_to_string(root().join("pathways/pathway.schema.json")).unwrap();
    assert_eq!(
        text, committed,
        "pathways/pathway.schema.json is stale: run `pathway schema > pathways/pathway.schema.json`"
    );
    let schema: Json = serde_json::from_str(&text).unwrap();
    assert!(
        schema["$schema"]
            .as_str()
            .unwrap()
            .contains("json-schema.org")
    );
    assert!(schema["properties"]["steps"].is_object());
    let bash = pathway(&["completions", "bash"], "");
    assert!(bash.stdout.contains("_pathway()"));
    for cmd in [
        "list",
        "walk",
        "decide",
        "check",
        "scenarios",
        "quiz",
        "graph",
        "stats",
        "schema",
        "completions",
    ] {
        let h = pathway(&[cmd, "--help"], "");
        assert_eq!(h.code, 0);
        assert!(
            h.stdout.contains("Examples:"),
            "`pathway {cmd} --help` has no example"
        );
    }
    let bad = pathway(&["decide", "--format", "yaml"], "");
    assert_eq!(bad.code, 2);
}

#[test]
fn walk_refuses_without_a_terminal_and_refuses_a_tampered_session() {
    let o = pathway(&["walk"], "");
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("walk needs an interactive terminal")
            && o.stderr.contains("pathway decide")
    );

    let dir = tempdir("tampered");
    let bundle = pathway::bundled().unwrap();
    let mut session = pathway::Session::new(&bundle, bundle.entry(), TODAY.parse().unwrap());
    session.answer("immediate_danger", &json!(false)).unwrap();
    let good = session.to_json();
    for (name, text, message) in [
        (
            "value",
            good.replace("\"value\": false", "\"value\": 7"),
            "saved answer 1 (`immediate_danger`) does not replay",
        ),
        (
            "hash",
            good.replace(bundle.content_hash(), "ffffffffffffffff"),
            "recorded with pathway `hertfordshire` version 2.0.0",
        ),
        (
            "truncated",
            good[..good.len() / 2].to_owned(),
            "not a saved session",
        ),
    ] {
        let file = dir.join(format!("{name}.json"));
        fs::write(&file, text).unwrap();
        let o = pathway(&["walk", "--resume", file.to_str().unwrap()], "");
        assert_eq!(o.code, 2, "{name}");
        assert!(o.stderr.contains(message), "{name}: {}", o.stderr);
    }
}

#[test]
fn quiz_marks_written_answers_with_a_debrief() {
    let dir = tempdir("quiz");
    let answers = dir.join("answers.json");
    // The trainee thought AR was 18 and that a Duty to Notify applied.
    fs::write(&answers, r#"{"immediate_danger": false, "age_basis": "stated_age", "age": 18, "suspected_modern_slavery": true,
        "someone_speaks_for_them": true, "care_and_support_needs": false, "has_capacity_to_consent": true,
        "consent_to_nrm": "declined", "reporter_is_public_authority": true}"#).unwrap();
    let o = pathway(
        &[
            "quiz",
            "fixtures/scenarios/ar-at-17.json",
            "--answers",
            answers.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("DEBRIEF"));
    assert!(
        o.stdout
            .contains("You answered age_basis = \"stated_age\"; the case says \"date_of_birth\""),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("Expected outcome: [refer_before_18th_birthday")
    );
    assert!(o.stdout.contains("Review the differences"));
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let mut child = Command::new(pathway_bin())
        .args(["check"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

fn json_lines(stdout: &str) -> Vec<Json> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn decide_reads_a_pretty_printed_object_whole_but_never_swallows_good_lines() {
    // One object over several lines (after a blank line): one record, one JSON object.
    let one = serde_json::from_str::<Json>(AR_AT_17).unwrap();
    let pretty = format!("\n{}\n\n", serde_json::to_string_pretty(&one).unwrap());
    let o = pathway(&["decide", "--today", TODAY, "--brief"], &pretty);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out: Json = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(out["status"], "finished");
    assert!(out.get("record").is_none(), "a single object: {out}");
    assert_eq!(o.stderr, "");

    // A truncated first record, then two good ones: record 1 is bad, 2 and 3 are evaluated.
    let batch = format!(
        "{}\n{}\n{}\n",
        r#"{"immediate_danger": false, "age_basis": "#,
        AR_AT_17.replace('\n', " "),
        r#"{"immediate_danger": true}"#
    );
    let o = pathway(&["decide", "--today", TODAY, "--brief"], &batch);
    assert_eq!(o.code, 2);
    let lines = json_lines(&o.stdout);
    assert_eq!(lines.len(), 3, "{}", o.stdout);
    assert_eq!(lines[0]["status"], "error");
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("not valid JSON: EOF while parsing a value at column 41"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["record"], 2);
    assert_eq!(lines[1]["status"], "finished");
    assert_eq!(lines[1]["codes"][0], "refer_before_18th_birthday");
    assert_eq!(lines[2]["codes"], json!(["call_999"]));
    assert!(
        o.stderr
            .contains("note: lines 1 to 3 do not make one JSON object")
    );
    assert!(
        o.stderr
            .contains("records: 3, finished: 1, needs answer: 1, blocked: 0, errors: 1"),
        "{}",
        o.stderr
    );

    // V13: a pretty-printed object followed by more is a record, and so is each after it:
    // its urgent result is not lost to error records.
    let more = format!("{pretty}{}\n{pretty}", r#"{"immediate_danger": true}"#);
    let o = pathway(&["decide", "--today", TODAY, "--brief"], &more);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let lines = json_lines(&o.stdout);
    assert_eq!(lines.len(), 3, "{}", o.stdout);
    assert_eq!(lines[0]["record"], 1);
    assert_eq!(lines[0]["codes"][0], "refer_before_18th_birthday");
    assert_eq!(lines[1]["codes"], json!(["call_999"]));
    assert_eq!(lines[2]["codes"], lines[0]["codes"]);
    // A later spread record with a mistake: its lines are records of their own, placed on
    // their lines of the file, and the mistake is named.
    let wrong = format!("{pretty}{}", pretty.replace("false", "fals"));
    let o = pathway(&["decide", "--today", TODAY, "--brief"], &wrong);
    assert_eq!(o.code, 2);
    let lines = json_lines(&o.stdout);
    assert_eq!(lines[0]["status"], "finished");
    let first_false = pretty.lines().position(|l| l.contains("false")).unwrap() + 1;
    let at = pretty.lines().count() + first_false;
    assert!(
        o.stderr.contains(&format!(
            "do not make one JSON object (expected ident at line {at} column"
        )),
        "{}",
        o.stderr
    );
    assert_eq!(lines[1]["line"], pretty.lines().count() + 2);
}

/// `pathway decide --brief` reading a stream we keep open, with its output piped.
fn live_decide(extra: &[&str]) -> std::process::Child {
    Command::new(pathway_bin())
        .args(["decide", "--today", TODAY, "--brief"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_broken_first_line_holds_back_a_live_stream_only_until_its_lines_cannot_be_one_value() {
    let mut child = live_decide(&[]);
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"{\"immediate_danger\": false, \"age_basis\": \n{\"immediate_danger\": true}\n{\"immediate_danger\": true}\n")
        .unwrap();
    stdin.flush().unwrap();
    // Records 1 and 2 come out while the input is still open.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    let mut second = String::new();
    use std::io::BufRead;
    stdout.read_line(&mut first).unwrap();
    stdout.read_line(&mut second).unwrap();
    assert!(first.contains("\"status\":\"error\""), "{first}");
    assert!(second.contains("\"record\":2"), "{second}");
    drop(stdin);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("\"record\":3"), "{rest}");
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

#[test]
fn an_unfinished_first_value_holds_back_at_most_64_kib_of_a_live_stream() {
    // `[` and then lines that keep it open, past the limit of a record over several lines:
    // decided (and, with --fail-fast, finished) while the input is still open.
    let mut child = live_decide(&["--fail-fast"]);
    let mut stdin = child.stdin.take().unwrap();
    let mut input = b"[\n".to_vec();
    for _ in 0..25_000 {
        input.extend(b"1,\n");
    }
    // It stops reading once it has decided: the end of this may not be read.
    let _ = stdin.write_all(&input);
    let _ = stdin.flush();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("decide waited for the end of the input");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 1, "{stdout}");
    assert_eq!(lines[0]["record"], 1);
    assert_eq!(lines[0]["status"], "error");
    assert!(
        stderr.contains("do not make one JSON object (it is longer than a facts record can be)"),
        "{stderr}"
    );
}

#[test]
fn a_fact_given_twice_is_refused_naming_the_record_and_the_fact() {
    let o = pathway(
        &["decide", "--today", TODAY],
        r#"{"immediate_danger": true, "immediate_danger": false}"#,
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("error: record 1: `immediate_danger` is given twice: give each fact once"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("  hint: "));
    assert!(!o.stdout.contains("call_999"), "neither answer is used");
    // The same for a pretty-printed file, and for graph --facts and quiz --answers.
    let dir = tempdir("twice");
    let file = dir.join("twice.json");
    fs::write(
        &file,
        "{\n  \"age\": 17,\n  \"age_basis\": \"stated_age\",\n  \"age\": 19\n}\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    for args in [
        &["decide", "--facts", file, "--today", TODAY][..],
        &[
            "graph", "--format", "dot", "--facts", file, "--today", TODAY,
        ],
        &[
            "quiz",
            "fixtures/scenarios/ar-at-17.json",
            "--answers",
            file,
        ],
    ] {
        let o = pathway(args, "");
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("`age` is given twice"),
            "{args:?}: {}",
            o.stderr
        );
    }
}

#[test]
fn decide_stats_reports_bad_records_without_their_values() {
    let batch = [
        r#"{"full_name": "Jane Doe", "immediate_danger": true}"#,
        r#"{"immediate_danger": false, "age_basis": "date_of_birth", "date_of_birth": "2030-01-01"}"#,
        r#"{"immediate_danger": "Jane Doe"}"#,
        r#"{"immediate_danger": false, "age_basis": "stated_age", "age": 1312}"#,
        r#"{"immediate_danger": false, "age_basis": "Jane Doe"}"#,
        r#"{"date_of_birth": "Doe-Jane"}"#,
        r#""Jane Doe""#,
        r#"{"Jane Doe": 1, "Jane Doe": 2}"#,
        r#"{"immediate_danger": Jane Doe}"#,
        r#"{"immediate_danger": true}"#,
    ]
    .join("\n");
    let o = pathway(&["decide", "--today", TODAY, "--stats"], &batch);
    assert_eq!(o.code, 2);
    for value in ["Jane", "Doe", "full_name", "2030", "1312"] {
        assert!(
            !o.stdout.contains(value),
            "`{value}` in stdout:\n{}",
            o.stdout
        );
        assert!(
            !o.stderr.contains(value),
            "`{value}` in stderr:\n{}",
            o.stderr
        );
    }
    for expected in [
        "error: record 1: an unknown field",
        "error: record 2: `date_of_birth` is a date after today",
        "error: record 3: `immediate_danger` must be true or false",
        "error: record 4: `age` must be between 0 and 120",
        "error: record 5: `age_basis` is not one of its answers",
        "error: record 6: `date_of_birth` must be a date written YYYY-MM-DD",
        "error: record 7: a facts record must be a JSON object",
        "error: record 8: an unknown field",
        "error: record 9: not valid JSON (at column 22)",
    ] {
        assert!(
            o.stderr.contains(expected),
            "`{expected}` missing:\n{}",
            o.stderr
        );
    }
    let stats: Json = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(stats["records"], 10);
    assert_eq!(stats["errors"], 9);
    assert_eq!(stats["needs_answer"], 1);
}

#[test]
fn a_bad_record_names_its_line_after_blank_lines_and_an_unknown_fact_suggests_the_nearest() {
    let batch = "{\"immediate_danger\": true}\n\n\n{\"immediate_dagner\": true}\n{\"dob\": \"2001-01-01\"}\n";
    let o = pathway(&["decide", "--today", TODAY, "--brief"], batch);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains(
            "error: record 2 (line 4): unknown fact `immediate_dagner`: no pathway of this set declares it\n  hint: did you mean `immediate_danger`?\n"
        ),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("error: record 3 (line 5): unknown fact `dob`")
            && o.stderr.contains("hint: the facts of this set are: "),
        "no near fact: the list instead\n{}",
        o.stderr
    );
    let lines = json_lines(&o.stdout);
    assert_eq!(lines[1]["line"], 4);
    assert_eq!(lines[1]["hint"], "did you mean `immediate_danger`?");
    // Without blank lines the record number is the line number, and said once.
    let o = pathway(&["decide", "--today", TODAY], r#"{"age": "x"}"#);
    assert!(
        o.stderr
            .starts_with("error: record 1: `age` must be a whole number"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("hint: `age` answers \""), "{}", o.stderr);
    let text = pathway(&["decide", "--today", TODAY, "--format", "text"], batch);
    assert!(
        text.stdout
            .contains("Record 2 (line 4) not evaluated: unknown fact"),
        "{}",
        text.stdout
    );
}
