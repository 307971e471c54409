//! Trainer scenarios: a case story, the facts, the expected outcome and a debrief.

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::date::Date;
use crate::evaluate::{Evaluation, evaluate};
use crate::walk::Config;

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

/// What running a scenario gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioRun<'b> {
    /// The evaluation (absent when the scenario could not run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Evaluation<'b>>,
    /// `finished`, `needs_answer` or `blocked`; empty when the scenario could not run.
    pub status: String,
    /// The action codes reached (so far, for an unfinished walk).
    pub codes: Vec<String>,
    /// The fact asked next, if unfinished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_fact: Option<String>,
    /// Every way the result differs from the expectation (empty when it passes).
    pub problems: Vec<String>,
}

impl ScenarioRun<'_> {
    /// Whether the scenario gave what it expects.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Scenario {
    /// Parses a scenario file.
    pub fn from_json(text: &str) -> Result<Self, String> {
        // Strictly first, so that a fact given twice is an error rather than the last one.
        crate::json::parse(text).map_err(|e| e.to_string())?;
        let scenario: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if scenario.format != SCENARIO_FORMAT {
            return Err(format!(
                "`format` is \"{}\", expected \"{SCENARIO_FORMAT}\"",
                scenario.format
            ));
        }
        Ok(scenario)
    }

    /// Runs the scenario on a set and compares the result with the expectation.
    pub fn run<'b>(&self, bundle: &'b Bundle) -> ScenarioRun<'b> {
        let failed = |problem: String| ScenarioRun {
            evaluation: None,
            status: String::new(),
            codes: Vec::new(),
            next_fact: None,
            problems: vec![problem],
        };
        let pathway = match &self.pathway {
            Some(name) => match bundle.find(name) {
                Some(p) => p,
                None => return failed(format!("no pathway `{name}` in this set")),
            },
            None => bundle.entry(),
        };
        let today: Date = match self.today.parse() {
            Ok(d) => d,
            Err(e) => return failed(format!("`today`: {e}")),
        };
        let facts = match bundle.parse_facts(&serde_json::Value::Object(self.facts.clone()), today)
        {
            Ok(f) => f,
            Err(e) => return failed(format!("`facts`: {e}")),
        };
        // As `pathway decide` reads a record: a fact the story does not give takes its
        // declared default (so a scenario written with the v1 facts alone still finishes).
        let config = Config {
            today,
            use_defaults: true,
        };
        let evaluation = evaluate(bundle, pathway, &facts, &config);
        let decision = &evaluation.decision;
        let status = decision.status.as_str().to_owned();
        let codes: Vec<String> = decision.codes.iter().map(|c| (*c).to_owned()).collect();
        let next_fact = decision.next_fact.map(str::to_owned);
        let mut problems = Vec::new();
        if status != self.expect.status {
            problems.push(format!(
                "status: expected {}, got {status}",
                self.expect.status
            ));
        }
        if codes != self.expect.codes {
            problems.push(format!(
                "codes: expected [{}], got [{}]",
                self.expect.codes.join(", "),
                codes.join(", ")
            ));
        }
        if next_fact != self.expect.next_fact {
            problems.push(format!(
                "next fact: expected {}, got {}",
                self.expect.next_fact.as_deref().unwrap_or("none"),
                next_fact.as_deref().unwrap_or("none")
            ));
        }
        ScenarioRun {
            evaluation: Some(evaluation),
            status,
            codes,
            next_fact,
            problems,
        }
    }
}
