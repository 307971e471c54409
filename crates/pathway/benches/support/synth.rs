//! Synthetic pathways with a chosen number of paths, for benchmarking verification.
//!
//! `synthetic(n)` builds a pathway set with exactly `10^n` paths: `n` boolean questions and `n`
//! five-way choice questions, alternating. Every answer leads to its own action step (so each
//! answer class is a distinct branch that verification must walk), and every branch joins the
//! next question; the last level joins one final outcome. Paths = 2^n * 5^n = 10^n.
//!
//! The file passes every static check: every step is reachable and every edge takeable, guarded
//! edges have `because` and `cites`, actions cite an H source and name a contact, the facts
//! outside vocabulary v1 have a `default`, and the graph is acyclic. It declares a `must_ask`
//! and an invariant, so the per-path checks run as they do on a real pathway.

use serde_json::{Value, json};

/// Options of each choice level.
const OPTIONS: usize = 5;

/// The files (pathway, contacts) of a synthetic set with `10^n` paths, as JSON text.
pub(crate) fn synthetic(n: u32) -> (String, String) {
    let levels = 2 * n as usize;
    let mut facts = Vec::new();
    let mut actions = serde_json::Map::new();
    let mut steps = Vec::new();
    for level in 0..levels {
        let (fact, answers) = level_answers(level);
        let next = if level + 1 == levels {
            "done".to_owned()
        } else {
            format!("q{}", level + 1)
        };
        facts.push(fact_def(level, &fact));
        let mut edges = Vec::new();
        for (j, (guard, label)) in answers.iter().enumerate() {
            let step = format!("a{level}_{j}");
            let code = format!("note_{level}_{j}");
            actions.insert(
                code.clone(),
                json!({
                    "title": format!("Record answer {label} to question {level}"),
                    "instructions": "Write the answer on the case record.",
                    "why": "The record shows what was asked and answered.",
                    "contact": "desk",
                    "cites": ["SRC"],
                }),
            );
            steps.push(
                json!({ "kind": "action", "id": step, "do": [code], "next": [{ "to": next }] }),
            );
            edges.push(match guard {
                Some(when) => json!({
                    "when": when,
                    "to": step,
                    "because": format!("the answer is {label}"),
                    "cites": ["SRC"],
                }),
                None => json!({ "to": step }),
            });
        }
        steps.push(
            json!({ "kind": "question", "id": format!("q{level}"), "fact": fact, "next": edges }),
        );
    }
    actions.insert(
        "done".to_owned(),
        json!({
            "title": "Close the record",
            "instructions": "Save the case record.",
            "why": "The record is complete.",
            "contact": "desk",
            "cites": ["SRC"],
        }),
    );
    steps.push(json!({
        "kind": "outcome",
        "id": "done",
        "title": "Recorded",
        "summary": "Every answer is recorded.",
        "do": ["done"],
    }));
    let pathway = json!({
        "format": "pathway/v1",
        "id": format!("synthetic-{n}"),
        "title": format!("Synthetic pathway with 10^{n} paths"),
        "partnership": "Benchmark",
        "version": "1.0.0",
        "reviewed": "2026-11-01",
        "review_by": "2027-11-01",
        "sources": { "SRC": { "title": "Benchmark source", "url": "https://example.invalid/source", "confidence": "H" } },
        "facts": facts,
        "actions": actions,
        "start": "q0",
        "steps": steps,
        "must_ask": ["b0"],
        "invariants": [{
            "id": "first_answer_recorded",
            "description": "a yes to the first question is always recorded",
            "rule": "b0 -> did(\"note_0_0\")",
            "cites": ["SRC"],
        }],
    });
    let contacts = json!({
        "format": "contacts/v1",
        "id": "benchmark-contacts",
        "title": "Benchmark contacts",
        "sources": { "PHONE": { "title": "Benchmark directory", "url": "https://example.invalid/directory", "confidence": "H" } },
        "contacts": {
            "desk": {
                "name": "Case desk",
                "phone": "01234 567890",
                "source": "PHONE",
                "url": "https://example.invalid/desk",
                "checked": "2026-11-01",
                "verified": true,
            }
        },
    });
    (pretty(&pathway), pretty(&contacts))
}

/// The fact of a level and its answers: (guard, label), the last one unguarded.
fn level_answers(level: usize) -> (String, Vec<(Option<String>, String)>) {
    if level.is_multiple_of(2) {
        let fact = format!("b{}", level / 2);
        let answers = vec![
            (Some(fact.clone()), "yes".to_owned()),
            (None, "no".to_owned()),
        ];
        (fact, answers)
    } else {
        let fact = format!("c{}", level / 2);
        let answers = (0..OPTIONS)
            .map(|j| {
                let guard = (j + 1 < OPTIONS).then(|| format!("{fact} == \"o{j}\""));
                (guard, format!("o{j}"))
            })
            .collect();
        (fact, answers)
    }
}

fn fact_def(level: usize, fact: &str) -> Value {
    if level.is_multiple_of(2) {
        json!({ "id": fact, "type": "bool", "question": format!("Question {level}?"), "default": false })
    } else {
        let options: Vec<Value> = (0..OPTIONS)
            .map(|j| json!({ "value": format!("o{j}"), "label": format!("Option {j}") }))
            .collect();
        json!({
            "id": fact,
            "type": "choice",
            "question": format!("Question {level}?"),
            "options": options,
            "default": "o0",
        })
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
