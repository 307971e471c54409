//! The rule language, through pathway loading (the parser is not public): the fuzz text is
//! placed as a guard of a valid pathway (`rule_template.json`: facts of every type, asked
//! first) and as an invariant, and the set is loaded. Any rule is parsed, type-checked and, if
//! accepted, evaluated on every path without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, SourceFile};

const MINI: &str = include_str!("../rule_template.json");
const GUARD: &str = r#""when": "immediate_danger""#;
const INVARIANT: &str = r#""rule": "immediate_danger -> first(\"call_999\")""#;
const CONTACTS: &str = include_str!("../../fixtures/invalid/_contacts.json");

fuzz_target!(|data: &[u8]| {
    let Ok(rule) = std::str::from_utf8(data) else {
        return;
    };
    debug_assert!(
        MINI.contains(GUARD) && MINI.contains(INVARIANT),
        "rule_template.json changed"
    );
    let quoted = serde_json::to_string(rule).expect("a string serialises");
    let as_guard = MINI.replacen(GUARD, &format!("\"when\": {quoted}"), 1);
    let as_invariant = MINI.replacen(INVARIANT, &format!("\"rule\": {quoted}"), 1);
    for text in [as_guard, as_invariant] {
        let files = [
            SourceFile {
                name: "rule.json",
                text: &text,
            },
            SourceFile {
                name: "contacts.json",
                text: CONTACTS,
            },
        ];
        let _ = Bundle::load(&files);
    }
});
