//! Trainer scenarios: a case story, the facts, the expected outcome and a debrief.

use serde::{Deserialize, Serialize};

/// The `format` marker of a scenario file.
pub const SCENARIO_FORMAT: &str = "scenario/v1";

/// One trainer scenario (`fixtures/scenarios/*.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Always `"scenario/v1"`.
    pub format: String,
    /// Short title.
    pub title: String,
    /// Pathway to start in; the set's entry pathway when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pathway: Option<String>,
    /// The date the case is evaluated on (`YYYY-MM-DD`), so ages are reproducible.
    pub today: String,
    /// The case as a trainee reads it.
    pub story: String,
    /// The answers, as a facts object.
    pub facts: serde_json::Map<String, serde_json::Value>,
    /// What the pathway must conclude.
    pub expect: Expectation,
    /// Why that is the right answer, for the trainer's debrief.
    pub debrief: String,
    /// Free labels for filtering, e.g. `child`, `seed-case`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// The expected result of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// `finished` or `needs_answer`.
    pub status: String,
    /// Action codes in order (urgent first).
    #[serde(default)]
    pub codes: Vec<String>,
    /// For `needs_answer`: the fact the walk stops at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_fact: Option<String>,
}
