//! Rendering: the fuzz text becomes the title, a question, an answer label and an edge
//! reason of a valid pathway (fixtures/valid/mini.json). Whatever the compiler lets through,
//! the SVG is well-formed XML (parsed by roxmltree), the Mermaid front matter is exactly its
//! first three lines, DOT strings stay closed, and the text and Markdown reports hold no
//! character that could control a terminal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathway::{
    Bundle, Config, GraphFormat, SourceFile, evaluate, is_hidden, outcome_markdown, outcome_text,
};
use serde_json::json;

const CONTACTS: &str = include_str!("../../fixtures/invalid/_contacts.json");
const MINI: &str = include_str!("../../fixtures/valid/mini.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut pathway: serde_json::Value = serde_json::from_str(MINI).expect("mini.json parses");
    let mut parts = text.splitn(4, '\u{1}');
    let mut next = || parts.next().unwrap_or("x").to_owned();
    pathway["title"] = json!(next());
    pathway["facts"][0]["question"] = json!(next());
    pathway["steps"][0]["next"][0]["because"] = json!(next());
    pathway["actions"]["call_999"]["title"] = json!(next());
    let source = pathway.to_string();
    let files = [
        SourceFile {
            name: "mini.json",
            text: &source,
        },
        SourceFile {
            name: "contacts.json",
            text: CONTACTS,
        },
    ];
    let Ok(bundle) = Bundle::load(&files) else {
        return;
    };
    let today = "2026-11-22".parse().expect("a date");
    let id = bundle.entry();
    let facts = bundle
        .parse_facts(
            &json!({"immediate_danger": true, "suspected_modern_slavery": true}),
            today,
        )
        .expect("valid facts");
    let evaluation = evaluate(
        &bundle,
        id,
        &facts,
        &Config {
            today,
            use_defaults: true,
        },
    );
    for report in [
        outcome_text(&bundle, &evaluation),
        outcome_markdown(&bundle, &evaluation),
    ] {
        assert!(
            !report.chars().any(is_hidden),
            "a report printed a hidden character"
        );
    }
    let svg = pathway::graph(&bundle, id, GraphFormat::Svg, Some(&evaluation.trail));
    if let Err(e) = roxmltree::Document::parse(&svg) {
        panic!("the SVG is not well-formed XML: {e}\n{svg}");
    }
    let mermaid = pathway::graph(&bundle, id, GraphFormat::Mermaid, Some(&evaluation.trail));
    let lines: Vec<&str> = mermaid.lines().collect();
    assert_eq!(lines[0], "---");
    assert!(lines[1].starts_with("title: \""));
    assert_eq!(lines[2], "---");
    assert_eq!(
        lines.iter().filter(|l| **l == "---").count(),
        2,
        "{mermaid}"
    );
    assert!(!mermaid.chars().any(is_hidden));
    let dot = pathway::graph(&bundle, id, GraphFormat::Dot, Some(&evaluation.trail));
    assert!(!dot.chars().any(is_hidden));
    for line in dot.lines() {
        // Every `"` that is not escaped opens or closes a string: an even number per line.
        let mut quotes = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => quotes += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        assert_eq!(quotes % 2, 0, "an unclosed DOT string: {line}");
    }
});
