//! The WebAssembly API's entry points, natively: the same library calls the wasm crate makes
//! (crates/pathway-wasm/src/lib.rs) on the bundled snapshot, driven by the fuzz text as a
//! script of operations: `evaluate` a facts record (text) on a pathway named by the input,
//! a `WalkSession` that answers, goes back, edits, saves and reopens (`fromJson`), the text
//! and Markdown reports, and `graphSvg` with an arbitrary trail (steps and edge numbers that
//! need not exist). Nothing panics, and every SVG is well-formed XML.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Config, Date, GraphFormat, Session, State, Visit, evaluate};

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| pathway_bundled::bundle().expect("the bundled set decodes"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let bundle = bundle();
    // The script: fields separated by `\u{1}`: pathway, today, then operations.
    let mut fields = text.split('\u{1}');
    let pathway = fields.next().unwrap_or_default();
    let id = if pathway.is_empty() {
        Some(bundle.entry())
    } else {
        bundle.find(pathway)
    };
    let today: Date = fields
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| "2026-11-22".parse().expect("a date"));
    let Some(id) = id else {
        return;
    };
    let _ = bundle.review_warnings(today);
    let mut session = Session::new(bundle, id, today);
    for op in fields {
        // The first character is the verb (any character: not a byte, which may be inside one).
        let mut chars = op.chars();
        let verb = chars.next().map(String::from).unwrap_or_default();
        let arg = chars.as_str();
        match verb.as_str() {
            // evaluate(pathway, facts as JSON text, today, useDefaults)
            "e" => {
                if let Ok(facts) = bundle.parse_facts_str(arg, today) {
                    for use_defaults in [false, true] {
                        let evaluation = evaluate(
                            bundle,
                            id,
                            &facts,
                            &Config {
                                today,
                                use_defaults,
                            },
                        );
                        let _ = pathway::evaluation_json(bundle, &evaluation);
                    }
                }
            }
            // answer(fact, value): `fact=json`
            "a" | "d" => {
                if let Some((fact, value)) = arg.split_once('=') {
                    if let Ok(value) = serde_json::from_str::<serde_json::Value>(value) {
                        let _ = if verb == "a" {
                            session.answer(fact, &value)
                        } else {
                            session.edit(fact, &value)
                        };
                    }
                }
            }
            "b" => {
                session.back();
            }
            // toJson, then fromJson of it (equal) and of the argument (any text)
            "s" => {
                let saved = session.to_json();
                let again = Session::from_json(bundle, &saved).expect("a saved session reopens");
                assert!(again == session);
                let _ = Session::from_json(bundle, arg);
            }
            "t" => {
                let current = session.current();
                let _ = pathway::outcome_text(bundle, &current);
                let _ = pathway::outcome_markdown(bundle, &current);
                let _ = matches!(current.state, State::Finished(_));
            }
            // graphSvg(pathway, trail): `pathway#step#edge;...`
            "g" => {
                let visits: Vec<Visit<'_>> = arg
                    .split(';')
                    .filter_map(|v| {
                        let mut parts = v.split('#');
                        let (pathway, step) = (parts.next()?, parts.next()?);
                        Some(Visit {
                            at: bundle.step_ref(pathway, step)?,
                            pathway,
                            step,
                            edge: parts.next().and_then(|e| e.parse().ok()),
                            answer: None,
                            rule: None,
                            reason: None,
                            cites: &[],
                        })
                    })
                    .collect();
                let svg = pathway::graph(bundle, id, GraphFormat::Svg, Some(&visits));
                if let Err(e) = roxmltree::Document::parse(&svg) {
                    panic!("graphSvg is not well-formed XML: {e}");
                }
            }
            _ => {}
        }
    }
});
