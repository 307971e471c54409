//! Pathway sets of several files: the fuzz text is cut at `\0` into up to four files, named
//! `a.json`, `b.json`, ..., and the last byte chooses whether the shared test contacts
//! directory (fixtures/invalid/_contacts.json) and the bundled pathways join them. Hand-overs
//! between files, cycles across files, duplicate ids and hostile `contacts.json` files are all
//! reached. A set loads or is refused with diagnostics, each with a hint and no character
//! that could control a terminal; a set that loads verifies again, and walks and renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Config, GraphFormat, SourceFile, evaluate, is_hidden, outcome_text};

const CONTACTS: &str = include_str!("../../fixtures/invalid/_contacts.json");
const MINI: &str = include_str!("../../fixtures/valid/mini.json");

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_last() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let names = ["a.json", "b.json", "c.json", "d.json"];
    let mut files: Vec<SourceFile<'_>> = text
        .split('\0')
        .take(4)
        .zip(names)
        .map(|(text, name)| SourceFile { name, text })
        .collect();
    if mode & 1 != 0 {
        files.push(SourceFile {
            name: "contacts.json",
            text: CONTACTS,
        });
    }
    if mode & 2 != 0 {
        files.push(SourceFile {
            name: "mini.json",
            text: MINI,
        });
    }
    if mode & 4 != 0 {
        files.extend(pathway::bundled_files().iter().cloned());
    }
    let bundle = match Bundle::load(&files) {
        Ok(bundle) => bundle,
        Err(e) => {
            for d in &e.0 {
                assert!(d.hint.is_some(), "no hint: {d}");
                assert!(
                    d.message.chars().count() <= 1100,
                    "a message of {} characters",
                    d.message.len()
                );
            }
            return;
        }
    };
    let today = "2026-11-22".parse().expect("a date");
    let _ = pathway::verify(&bundle, today);
    let facts = pathway::Facts::default();
    for id in bundle.pathways() {
        let evaluation = evaluate(
            &bundle,
            id,
            &facts,
            &Config {
                today,
                use_defaults: true,
            },
        );
        let text = outcome_text(&bundle, &evaluation);
        assert!(
            !text.chars().any(is_hidden),
            "a loaded set printed a hidden character"
        );
        let svg = pathway::graph(&bundle, id, GraphFormat::Svg, Some(&evaluation.trail));
        roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    }
});
