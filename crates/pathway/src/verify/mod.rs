//! Verification: prove every path of every pathway, and check it.
//!
//! At each question the walk branches on the answer's equivalence classes
//! ([`classes`]): both booleans, every option, integers split at every constant any rule
//! compares the fact with, and dates split at every age and birthday threshold relative to
//! `today`. Rules only compare integer expressions with literals (see [`crate::rule`]), so
//! the classes are exact: no answer that a rule distinguishes is skipped, and no branch is
//! walked that a guard already excluded.
//!
//! On every path: each step has an edge for the answers, every rule reads only facts already
//! asked, the outcome has at least one action, the `must_ask` facts were asked, and every
//! invariant holds. Over all paths: every step is visited and every edge is taken.
//!
//! The paths are not walked one by one: [`explore`] merges walks whose futures cannot be told
//! apart, so its cost follows the size of the pathways, not their number of paths (a line of
//! 1,000 yes/no questions a rule reads has 2^1000). It finds exactly what enumerating every
//! path finds ([`verify_by_enumeration`], kept as the reference and compared with it by a
//! property test), counterexamples included. A budget bounds what one set may cost; a set
//! over it is reported, never proven.

mod branches;
mod classes;
mod context;
mod count;
mod enumerate;
mod examples;
mod explore;
mod judge;
mod key;
mod relevance;
mod report;
mod residual;
mod scope;
#[cfg(test)]
mod sets;
mod summary;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::bundle::Bundle;
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::value::Facts;

/// The answer classes, for comparing sets and tabulating routes (`review`, `diff`).
#[cfg(feature = "governance")]
pub(crate) use classes::Classes;
pub use count::PathCount;

/// What verification found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The date verified on.
    pub today: Date,
    /// Complete paths, over all starting pathways; `u64::MAX` if there are more (see
    /// [`Report::path_count`]).
    pub paths: u64,
    /// Complete paths, over all starting pathways: exactly up to 2^4096, else only said to
    /// be more (a line of 1,000 yes/no questions a rule reads has 2^1000 paths).
    pub path_count: PathCount,
    /// Distinct states verification explored: walks in the same state (same step, same
    /// facts still to be read, same residual invariants) share one proof, so this is what
    /// the proof cost, while `paths` is what it covers.
    pub states: u64,
    /// Each invariant and must-ask rule, proven or broken.
    pub invariants: Vec<InvariantResult>,
    /// Each hazard of the set's hazard log, controlled or not.
    pub hazards: Vec<HazardResult>,
    /// Errors found (an empty list means the set is verified).
    pub diagnostics: Vec<Diagnostic>,
}

/// The verdict on one invariant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvariantResult {
    /// Pathway id.
    pub pathway: String,
    /// Invariant id (`must_ask` for the must-ask rule).
    pub id: String,
    /// What it guarantees.
    pub description: String,
    /// Paths it was checked on (`u64::MAX` if more: see `path_count`).
    pub paths: u64,
    /// Paths it was checked on (exactly up to 2^4096).
    pub path_count: PathCount,
    /// The shortest counterexample, if it is broken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Counterexample>,
}

/// The verdict on one hazard of the set's hazard log: controlled when every control (an
/// invariant id, or `must_ask`) is proven on every path of every pathway that declares it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HazardResult {
    /// Hazard id.
    pub id: String,
    /// What could go wrong.
    pub hazard: String,
    /// Who is harmed.
    pub harmed: String,
    /// How bad.
    pub severity: crate::model::HazardSeverity,
    /// The review finding it answers, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    /// Its controls.
    pub controls: Vec<String>,
    /// The controls not proven (each has a counterexample among the invariant results).
    pub failing: Vec<String>,
}

impl HazardResult {
    /// Whether every control is proven.
    pub fn controlled(&self) -> bool {
        self.failing.is_empty()
    }
}

/// Concrete answers that break a property, ready to feed to `pathway decide`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterexample {
    /// Pathway the walk starts in.
    pub pathway: String,
    /// The date to evaluate on.
    pub today: Date,
    /// The answers, as a facts object.
    pub facts: Facts,
    /// The steps walked, as `pathway#step`.
    pub path: Vec<String>,
    /// The outcome's action codes.
    pub codes: Vec<String>,
    /// For a broken invariant that is undecided rather than false on this path: the facts it
    /// reads that the path never asks. Empty when the invariant is plainly false.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
}

/// How much one verification may cost before it gives up with a `verification-budget`
/// error naming the pathway, in proportion to the set's size (its number of steps): distinct
/// states explored, and memory in 4-byte words (state keys, residuals, summaries). The
/// default allows a few seconds and a few hundred megabytes for a set of ordinary size;
/// verifying costs far less on sets whose rules read facts asked nearby.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// States, whatever the size.
    pub states: u64,
    /// States allowed per step of the set, on top.
    pub states_per_step: u64,
    /// Words of memory, whatever the size.
    pub words: u64,
    /// Words allowed per step of the set, on top.
    pub words_per_step: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            states: 250_000,
            states_per_step: 8,
            words: 25_000_000,
            words_per_step: 400,
        }
    }
}

/// Verifies every path of every pathway of the set on `today`.
pub fn verify(bundle: &Bundle, today: Date) -> Report {
    verify_within(bundle, today, Budget::default())
}

/// [`verify`] within a budget: a set that needs more is reported (error
/// `verification-budget`, naming the pathway), with no invariant proven.
pub fn verify_within(bundle: &Bundle, today: Date, budget: Budget) -> Report {
    let values = branches::class_values(bundle, today);
    let mut ex = explore::Explorer::new(bundle, today, &values, budget);
    ex.run();
    let report = finish(ex);
    #[cfg(test)]
    tests::cross_check(bundle, today, &report);
    report
}

fn finish(mut ex: explore::Explorer<'_>) -> Report {
    let states = ex.states.len() as u64 - 1;
    let exhausted = ex.exhausted.take();
    let paths = if exhausted.is_some() {
        PathCount::default()
    } else {
        ex.tally()
    };
    ex.findings.finish(paths, states, exhausted)
}

/// The reference verifier: every path enumerated one by one (cost: the number of paths).
/// [`verify`] must give exactly the same report but for [`Report::states`]; for tests, on
/// sets small enough to enumerate.
#[doc(hidden)]
pub fn verify_by_enumeration(bundle: &Bundle, today: Date) -> Report {
    enumerate::verify(bundle, today)
}

/// A small set of example records that together take every edge of the set: for trainers
/// to turn into scenarios.
///
/// A greedy set cover over the paths: the path that takes the most edges not taken yet (the
/// shorter on a tie) is kept until every edge is taken, then any example the others make
/// redundant is dropped. Paths are found on the explored states, so memory follows the
/// size of the set, not its number of paths. The answers are the ones verification walks,
/// one per class and inside the range where the class allows (an age of 16 rather than 0),
/// so the examples read like real cases.
pub fn covering_examples(bundle: &Bundle, today: Date) -> Vec<Counterexample> {
    let values = branches::class_values(bundle, today);
    let mut ex = explore::Explorer::new(bundle, today, &values, Budget::default());
    ex.keep_edges = true;
    ex.run();
    if ex.exhausted.is_some() {
        return Vec::new();
    }
    examples::cover(&ex)
}

/// Every complete path verification walks, as `pathway#step:edge` joined by spaces: for
/// testing that the enumeration is sound (any record's walk is one of these). Enumerates:
/// for small sets only.
#[doc(hidden)]
pub fn path_signatures(bundle: &Bundle, today: Date) -> BTreeSet<String> {
    enumerate::signatures(bundle, today)
}

/// The signature of a walk's trail, in the form of [`path_signatures`].
#[doc(hidden)]
pub fn trail_signature(trail: &[crate::evaluate::Visit<'_>]) -> String {
    signature(trail.iter().map(|v| (v.pathway, v.step, v.edge)))
}

fn signature<'a>(steps: impl Iterator<Item = (&'a str, &'a str, Option<usize>)>) -> String {
    steps
        .map(|(pathway, step, edge)| {
            format!(
                "{pathway}#{step}:{}",
                edge.map_or("-".to_owned(), |e| e.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}
