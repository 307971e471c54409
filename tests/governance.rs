//! The review pack and the semantic diff: what a steering group approves a version from.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pathway::{
    Bundle, CHANGES_IN_FULL, Config, DiffFormat, ReviewFormat, ReviewPack, SetDiff, SourceFile,
    Status, decide, diff_report, diff_report_with, diff_sets, load_for_comparison,
};
use pathway_tests::{pathway, root};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-12-05";
/// The shipped diff of content 1.0.0 against the current content, and how it is made.
const SHIPPED: &str = "pathways/hertfordshire/DIFF-1.0.0-2.0.0.md";
const V1: &str = "fixtures/v1/hertfordshire-1.0.0";
const CURRENT: &str = "pathways/hertfordshire";

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pathway-gov-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn today() -> pathway::Date {
    TODAY.parse().unwrap()
}

/// The `*.json` files of a folder, by name.
fn texts(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn files(texts: &[(String, String)]) -> Vec<SourceFile<'_>> {
    texts
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect()
}

fn diff_texts(old: &[(String, String)], new: &[(String, String)]) -> SetDiff {
    diff_sets(("old", &files(old)), ("new", &files(new)), today()).unwrap()
}

/// Every example of a diff, replayed with `decide` on each version (loaded as the diff loads
/// it), gives the outcome the diff shows.
fn assert_examples_replay(diff: &SetDiff, old: &[(String, String)], new: &[(String, String)]) {
    let a = load_for_comparison(&files(old)).unwrap().bundle;
    let b = load_for_comparison(&files(new)).unwrap().bundle;
    let config = Config {
        today: today(),
        use_defaults: true,
    };
    for c in &diff.changes {
        for (bundle, end) in [(&a, &c.old), (&b, &c.new)] {
            let record = serde_json::to_value(&end.facts).unwrap();
            let facts = bundle.parse_facts(&record, today()).unwrap();
            let d = decide(bundle, bundle.entry(), &facts, &config);
            assert_eq!(d.status, Status::Finished, "{record}");
            assert_eq!(d.codes, end.codes, "{record} replays to other codes");
        }
    }
}

/// The bundled set's review pack in a format, worked out once for every test that reads it.
fn pack(format: ReviewFormat) -> &'static str {
    static PACK: OnceLock<ReviewPack> = OnceLock::new();
    static HTML: OnceLock<String> = OnceLock::new();
    static MD: OnceLock<String> = OnceLock::new();
    let cell = match format {
        ReviewFormat::Html => &HTML,
        ReviewFormat::Markdown => &MD,
    };
    cell.get_or_init(|| {
        PACK.get_or_init(|| ReviewPack::new(&pathway::bundled().unwrap(), today()))
            .render(format)
    })
}

/// A folder holding the mini set (one pathway and a contacts directory): for tests of the
/// commands themselves, which need no large set.
fn mini_dir(name: &str) -> PathBuf {
    let dir = tempdir(name);
    for (file, text) in mini(0) {
        fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[test]
fn the_review_pack_holds_every_question_action_and_hazard_in_words() {
    let bundle = pathway::bundled().unwrap();
    for format in [ReviewFormat::Html, ReviewFormat::Markdown] {
        let text = pack(format);
        let shown = |s: &str| match format {
            ReviewFormat::Html => text.contains(
                &s.replace('&', "&amp;")
                    .replace('\'', "&#39;")
                    .replace('"', "&quot;"),
            ),
            ReviewFormat::Markdown => text.contains(s),
        };
        for f in bundle.facts() {
            assert!(
                shown(&f.question),
                "{format:?}: question {:?} missing",
                f.question
            );
        }
        for p in bundle.pathways() {
            let json: Json = serde_json::from_str(
                pathway::bundled_files()
                    .iter()
                    .find(|f| {
                        serde_json::from_str::<Json>(f.text).unwrap()["id"] == bundle.meta(p).id
                    })
                    .unwrap()
                    .text,
            )
            .unwrap();
            for (code, a) in json["actions"].as_object().unwrap() {
                let title = a["title"].as_str().unwrap();
                assert!(shown(title), "{format:?}: action {code} ({title}) missing");
            }
        }
        for h in bundle.hazards() {
            assert!(text.contains(&h.id), "{format:?}: hazard {} missing", h.id);
        }
        assert!(text.contains("proven"), "{format:?}: no invariant proven");
    }
}

#[test]
fn the_html_review_pack_loads_nothing_from_the_network_and_prints() {
    let html = pack(ReviewFormat::Html);
    for bad in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "url(http",
        "src=\"http",
        "href=\"http",
    ] {
        assert!(!html.contains(bad), "the pack holds {bad}");
    }
    assert!(html.contains("<svg"), "flowcharts are inline SVG");
    assert!(html.contains("@media print"), "print styles");
    assert!(
        html.contains("default-src 'none'"),
        "a CSP that forbids loading anything"
    );
    // Links may be shown as text, never followed: every href is a fragment of the page.
    for href in html.split("href=\"").skip(1) {
        assert!(
            href.starts_with('#'),
            "href to {}",
            &href[..40.min(href.len())]
        );
    }
}

#[test]
fn the_review_pack_routes_name_questions_and_actions_never_fact_ids_alone() {
    let bundle = pathway::bundled().unwrap();
    let md = pack(ReviewFormat::Markdown);
    let routes = md
        .split("\n## Routes")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let rows: Vec<&str> = routes
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Route"))
        .collect();
    assert!(!rows.is_empty());
    for f in bundle.facts() {
        // A fact id appears only in brackets after its question, in the questions section.
        assert!(
            !routes.contains(&format!("{}:", f.id)),
            "{} shown as a label",
            f.id
        );
    }
    for row in rows {
        let answers = row.split(" | ").nth(1).unwrap();
        for line in answers.split("<br>") {
            let line = line
                .trim_start_matches("Either: ")
                .trim_start_matches("or: ");
            assert!(
                bundle.facts().any(|f| line.starts_with(&f.question)),
                "an answer not led by its question: {line}"
            );
        }
    }
}

#[test]
fn review_writes_the_pack_with_the_cli() {
    let dir = mini_dir("review");
    let out = dir.join("pack.md");
    let o = pathway(
        &[
            "review",
            dir.to_str().unwrap(),
            "--format",
            "markdown",
            "--today",
            TODAY,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = fs::read_to_string(out).unwrap();
    assert!(text.starts_with("# Review pack: Mini pathway"), "{text}");
    assert!(text.contains("## Hazard log"));
}

#[test]
fn a_set_diffed_against_itself_changes_nothing_and_exits_0() {
    let dir = mini_dir("itself");
    let set = dir.to_str().unwrap();
    let o = pathway(&["diff", set, set, "--today", TODAY], "");
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("No route changed"), "{}", o.stdout);
}

#[test]
fn diff_refuses_a_missing_folder_and_a_broken_set_naming_them() {
    let o = pathway(&["diff", "no/such/set", CURRENT], "");
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no/such/set"), "{}", o.stderr);
    let dir = tempdir("broken");
    for (name, text) in texts(&root().join(CURRENT)) {
        let text = if name == "adult.json" {
            text.replacen("\"a_danger\"", "\"a_nowhere\"", 1)
        } else {
            text
        };
        fs::write(dir.join(name), text).unwrap();
    }
    let o = pathway(&["diff", CURRENT, dir.to_str().unwrap()], "");
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("the new set does not load"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("adult.json"), "{}", o.stderr);
}

/// The mini set with `call_999` added to the outcome of a referral (edit 3 of [`mini`]).
fn changed_copy() -> PathBuf {
    let dir = tempdir("changed");
    for (file, text) in mini(3) {
        fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[test]
fn a_changed_copy_exits_1_with_examples_that_replay_through_decide() {
    let dir = changed_copy();
    let original = mini_dir("original");
    let o = pathway(
        &[
            "diff",
            original.to_str().unwrap(),
            dir.to_str().unwrap(),
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let diff: Json = serde_json::from_str(&o.stdout).unwrap();
    let changes = diff["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for c in changes {
        assert!(
            c["new"]["codes"]
                .as_array()
                .unwrap()
                .contains(&json!("call_999"))
        );
        for (set, side) in [(original.clone(), "old"), (dir.clone(), "new")] {
            let facts = c[side]["facts"].to_string();
            let r = pathway(
                &[
                    "--pathways",
                    set.to_str().unwrap(),
                    "decide",
                    "--today",
                    TODAY,
                    "--format",
                    "json",
                ],
                &facts,
            );
            assert_eq!(r.code, 0, "{}", r.stderr);
            let out: Json = serde_json::from_str(&r.stdout).unwrap();
            assert_eq!(out["codes"], c[side]["codes"], "{side}: {facts}");
        }
    }
    // Nothing but the one action changed: the content changes name it.
    let content = diff["content"].as_array().unwrap();
    assert!(content.is_empty(), "{content:?}");
}

/// The diff of content 1.0.0 against the current content, named as the shipped file's
/// command names them: worked out once for every test that reads it.
fn v1_diff() -> &'static SetDiff {
    static DIFF: OnceLock<SetDiff> = OnceLock::new();
    DIFF.get_or_init(|| {
        let (old, new) = (texts(&root().join(V1)), texts(&root().join(CURRENT)));
        diff_sets((V1, &files(&old)), (CURRENT, &files(&new)), today()).unwrap()
    })
}

/// The shipped file is the report of the command in its header (`pathway diff` is
/// `diff_sets` and `diff_report` over the folders' files; the CLI tests above run it).
#[test]
fn the_shipped_diff_of_1_0_0_is_what_the_command_gives_now() {
    let report = diff_report(v1_diff(), DiffFormat::Markdown);
    let shipped = fs::read_to_string(root().join(SHIPPED)).unwrap_or_default();
    let header = shipped.split("\n# ").next().unwrap_or_default();
    let body = shipped
        .strip_prefix(header)
        .unwrap_or_default()
        .trim_start_matches('\n');
    if body != report {
        if std::env::var_os("PATHWAY_BLESS").is_some() {
            fs::write(root().join(SHIPPED), format!("{header}\n{report}")).unwrap();
        }
        panic!(
            "{SHIPPED} is out of date: regenerate it with `PATHWAY_BLESS=1 cargo test -p pathway-tests --test tests shipped_diff` (it keeps the file's header)"
        );
    }
    assert!(
        shipped.len() < 200_000,
        "{SHIPPED} is {} bytes: a person should be able to read it",
        shipped.len()
    );
}

#[test]
fn the_1_0_0_set_is_compared_with_the_checks_it_predates_relaxed_and_said() {
    let old = texts(&root().join(V1));
    let loaded = load_for_comparison(&files(&old)).unwrap();
    assert!(
        Bundle::load(&files(&old)).is_err(),
        "1.0.0 fails today's checks"
    );
    assert!(
        loaded
            .relaxed
            .iter()
            .all(|r| r.contains("contact-provenance"))
    );
    assert!(!loaded.relaxed.is_empty());
    let diff = v1_diff();
    assert!(diff.routes_changed());
    assert!(
        diff.new_answers
            .iter()
            .any(|a| a.fact == "suspected_modern_slavery" && a.value == json!("unsure"))
    );
    assert_examples_replay(diff, &old, &texts(&root().join(CURRENT)));
    let text = diff_report(diff, DiffFormat::Text);
    assert!(text.contains("checks relaxed"), "the relaxation is said");
}

#[test]
fn the_1_0_0_diff_summarises_each_action_and_question_and_checks_the_direct_starts() {
    let diff = v1_diff();
    let s = &diff.summary;
    assert_eq!(
        s.compared,
        diff.classes - diff.new_answers.iter().map(|a| a.classes).sum::<usize>()
    );
    let safe = s
        .actions
        .iter()
        .find(|a| a.code == "arrange_safe_accommodation")
        .unwrap();
    assert!(safe.gained > 0 && safe.lost == 0);
    assert!(
        safe.gained_when[0].starts_with("Does the person have nowhere safe to stay tonight?: Yes"),
        "{:?}",
        safe.gained_when
    );
    assert!(
        s.questions
            .iter()
            .any(|q| q.fact == "reporter_organisation" && q.newly_asked > 0)
    );
    // The entry's changes cover every class that changed route, the largest first.
    let total: usize = diff
        .changes
        .iter()
        .filter(|c| c.start == "hertfordshire")
        .map(|c| c.classes)
        .sum();
    assert_eq!(total, diff.changed);
    assert!(
        diff.changes
            .windows(2)
            .all(|w| w[0].start != w[1].start || w[0].classes >= w[1].classes)
    );
    // Adult and child started directly take the entry's routes, in both versions.
    let ids: Vec<&str> = diff
        .direct_starts
        .iter()
        .map(|d| d.pathway.as_str())
        .collect();
    assert_eq!(ids, ["hertfordshire-adult", "hertfordshire-child"]);
    assert!(diff.direct_starts.iter().all(|d| d.differs_from_entry == 0));
    // Every format leads with the summary; the short report shows the largest changes in
    // full, the full one every change.
    for format in [DiffFormat::Text, DiffFormat::Markdown, DiffFormat::Html] {
        let report = diff_report(diff, format);
        let summary = report.find("What changes, action by action").unwrap();
        assert!(
            summary < report.find("Route changes").unwrap(),
            "{format:?}"
        );
    }
    let json = diff_report(diff, DiffFormat::Json);
    assert!(json.find("\"summary\"").unwrap() < json.find("\"changes\"").unwrap());
    let short = diff_report(diff, DiffFormat::Markdown);
    let full = diff_report_with(diff, DiffFormat::Markdown, true);
    let last = format!("### Change {}: ", diff.changes.len());
    assert!(full.contains(&last) && !short.contains(&last));
    assert!(short.contains(&format!("### Change {CHANGES_IN_FULL}: ")));
}

#[test]
fn a_1_0_0_example_replays_through_decide_with_relaxed() {
    let c = &v1_diff().changes[0];
    let facts = serde_json::to_string(&c.old.facts).unwrap();
    let run = |relaxed: bool| {
        let mut args = vec![
            "--pathways",
            V1,
            "decide",
            "--today",
            TODAY,
            "--format",
            "json",
        ];
        if relaxed {
            args.push("--relaxed");
        }
        pathway(&args, &facts)
    };
    let refused = run(false);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    let o = run(true);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("contact-provenance"), "{}", o.stderr);
    let out: Json = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(out["codes"], json!(c.old.codes), "{facts}");
}

/// The mini set, changed by one of a few edits (0: none).
fn mini(edit: u8) -> Vec<(String, String)> {
    let mut json: Json =
        serde_json::from_str(&fs::read_to_string(root().join("fixtures/valid/mini.json")).unwrap())
            .unwrap();
    let steps = json["steps"].as_array_mut().unwrap();
    let step = |steps: &mut Vec<Json>, id: &str| -> usize {
        steps.iter().position(|s| s["id"] == id).unwrap()
    };
    match edit {
        1 => {
            let i = step(steps, "indicators");
            steps[i]["next"][0]["when"] = json!("!suspected_modern_slavery");
        }
        2 => {
            let (r, n) = (step(steps, "refer"), step(steps, "none"));
            let a = steps[r]["do"].clone();
            steps[r]["do"] = steps[n]["do"].clone();
            steps[n]["do"] = a;
        }
        3 => {
            let r = step(steps, "refer");
            steps[r]["do"]
                .as_array_mut()
                .unwrap()
                .push(json!("call_999"));
        }
        4 => {
            let i = step(steps, "danger");
            steps[i]["next"][0]["when"] = json!("!immediate_danger");
        }
        _ => {}
    }
    vec![
        (
            "contacts.json".into(),
            fs::read_to_string(root().join("fixtures/invalid/_contacts.json")).unwrap(),
        ),
        ("mini.json".into(), json.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// For any two edits of a set, every reported example replays to the reported outcomes,
    /// and a set diffed against itself reports nothing.
    #[test]
    fn every_example_replays_and_a_set_against_itself_reports_nothing(a in 0u8..5, b in 0u8..5) {
        let (old, new) = (mini(a), mini(b));
        let same = diff_texts(&new, &new);
        prop_assert!(!same.routes_changed());
        prop_assert!(same.content.is_empty());
        let diff = diff_texts(&old, &new);
        assert_examples_replay(&diff, &old, &new);
        // Edits 1 and 2 together give back the original routes.
        if a == b || (a.min(b), a.max(b)) == (0, 0) {
            prop_assert!(!diff.routes_changed());
        }
        if (a == 0) != (b == 0) {
            prop_assert!(diff.routes_changed(), "edit {} vs {} changed no route", a, b);
        }
    }
}
