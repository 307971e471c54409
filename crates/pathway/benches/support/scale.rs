//! Pathway sets whose number of paths is astronomically larger than their size, for
//! benchmarking verification that scales (issue 16): a line of yes/no questions, each read by
//! a guard (2^n paths), and a chain of branch-and-rejoin questions, each answer through its
//! own action step (2^n paths).
//!
//! Both declare a must-ask and invariants that read facts and actions from the first step to
//! the last, so every path is checked as on a real pathway. Each file passes every static
//! check: guarded edges have `because` and `cites`, actions cite an H source and name a
//! contact, the facts outside vocabulary v1 have a `default`.

use serde_json::{Value, json};

/// A line of `n` yes/no questions: each answer's edge leads to the next question (a guard
/// reads every fact), the last to one outcome. 2^n paths, n + 1 steps. Written as text, so
/// that a line of a million steps is quick to make.
pub(crate) fn line(n: usize) -> (String, String) {
    let mut facts = String::with_capacity(80 * n);
    let mut steps = String::with_capacity(200 * n);
    for i in 0..n {
        let next = if i + 1 == n {
            "done".to_owned()
        } else {
            format!("q{}", i + 1)
        };
        if i > 0 {
            facts.push(',');
            steps.push(',');
        }
        facts.push_str(&format!(
            r#"{{"id":"b{i}","type":"bool","question":"Question {i}?","default":false}}"#
        ));
        steps.push_str(&format!(
            r#"{{"kind":"question","id":"q{i}","fact":"b{i}","next":[{{"when":"b{i}","to":"{next}","because":"the answer is yes","cites":["SRC"]}},{{"to":"{next}"}}]}}"#
        ));
    }
    let last = n.saturating_sub(1);
    let invariants = [
        invariant("first_and_last", &format!("b0 && b{last} -> did(\"done\")")),
        invariant("asked_first", "first_asked(b0)"),
    ];
    let pathway = format!(
        r#"{{"format":"pathway/v1","id":"line-{n}","title":"Benchmark pathway line-{n}","partnership":"Benchmark","version":"1.0.0","reviewed":"2026-11-01","review_by":"2027-11-01","sources":{},"facts":[{facts}],"actions":{{"done":{}}},"start":"q0","steps":[{steps},{}],"must_ask":["b0"],"invariants":{}}}"#,
        compact(&sources()),
        compact(&action("Close the record")),
        compact(&outcome()),
        compact(&Value::Array(invariants.to_vec())),
    );
    (pathway, contacts())
}

/// A chain of `n` questions that branch and rejoin: yes and no each go through an action
/// step of their own, then to the next question. 2^n paths, 3n + 1 steps.
pub(crate) fn chain(n: usize) -> (String, String) {
    let mut steps = Vec::new();
    let mut facts = Vec::new();
    let mut actions = BTreeLike::new();
    for i in 0..n {
        let next = if i + 1 == n {
            "done".to_owned()
        } else {
            format!("q{i}")
        };
        let next = if i + 1 == n {
            next
        } else {
            format!("q{}", i + 1)
        };
        facts.push(bool_fact(i));
        for answer in ["yes", "no"] {
            let code = format!("{answer}_{i}");
            actions.push(
                code.clone(),
                action(&format!("Record {answer} to question {i}")),
            );
            steps.push(json!({ "kind": "action", "id": format!("{answer}{i}"), "do": [code], "next": [{ "to": next }] }));
        }
        steps.push(json!({
            "kind": "question",
            "id": format!("q{i}"),
            "fact": format!("b{i}"),
            "next": [
                { "when": format!("b{i}"), "to": format!("yes{i}"), "because": "the answer is yes", "cites": ["SRC"] },
                { "to": format!("no{i}") },
            ],
        }));
    }
    steps.push(outcome());
    let last = n.saturating_sub(1);
    let invariants = vec![
        invariant(
            "first_recorded",
            "b0 -> did(\"yes_0\") && before(\"yes_0\", \"done\")",
        ),
        invariant(
            "last_recorded",
            &format!("b{last} -> did(\"yes_{last}\") && !did(\"no_{last}\")"),
        ),
        invariant("asked_first", "first_asked(b0)"),
    ];
    let pathway = file(&format!("chain-{n}"), facts, actions, steps, invariants);
    (pretty(&pathway), contacts())
}

/// Action definitions in insertion order (written as a JSON object).
pub(crate) struct BTreeLike(serde_json::Map<String, Value>);

impl BTreeLike {
    pub(crate) fn new() -> Self {
        Self(serde_json::Map::new())
    }
    fn push(&mut self, code: String, def: Value) {
        self.0.insert(code, def);
    }
}

fn bool_fact(i: usize) -> Value {
    json!({ "id": format!("b{i}"), "type": "bool", "question": format!("Question {i}?"), "default": false })
}

fn action(title: &str) -> Value {
    json!({
        "title": title,
        "instructions": "Write it on the case record.",
        "why": "The record shows what was asked and answered.",
        "contact": "desk",
        "cites": ["SRC"],
    })
}

fn invariant(id: &str, rule: &str) -> Value {
    json!({ "id": id, "description": format!("benchmark invariant {id}"), "rule": rule, "cites": ["SRC"] })
}

fn outcome() -> Value {
    json!({ "kind": "outcome", "id": "done", "title": "Recorded", "summary": "Every answer is recorded.", "do": ["done"] })
}

fn sources() -> Value {
    json!({ "SRC": { "title": "Benchmark source", "url": "https://example.invalid/source", "confidence": "H" } })
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn file(
    id: &str,
    facts: Vec<Value>,
    mut actions: BTreeLike,
    steps: Vec<Value>,
    invariants: Vec<Value>,
) -> Value {
    actions.push("done".to_owned(), action("Close the record"));
    json!({
        "format": "pathway/v1",
        "id": id,
        "title": format!("Benchmark pathway {id}"),
        "partnership": "Benchmark",
        "version": "1.0.0",
        "reviewed": "2026-11-01",
        "review_by": "2027-11-01",
        "sources": sources(),
        "facts": facts,
        "actions": actions.0,
        "start": "q0",
        "steps": steps,
        "must_ask": ["b0"],
        "invariants": invariants,
    })
}

fn contacts() -> String {
    pretty(&json!({
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
    }))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
