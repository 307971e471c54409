//! pathway: a decision engine for the UK modern slavery and human trafficking victim
//! referral pathways, for adults and for children.
//!
//! A pathway is data: a JSON file of typed facts (what the worker is asked), steps
//! (questions, actions, outcomes, hand-overs) and edges guarded by small typed rules. A
//! [`Bundle`] compiles a set of pathway files and **verifies every path** before anyone walks
//! it: a `Bundle` that exists has no dead end, no unreachable step, no answer without a route,
//! no rule that reads a fact before it is asked, and every invariant the files declare holds
//! on every path. [`evaluate`] is a pure function of the facts and `today`.
//!
//! ```
//! use pathway::{Config, State, bundled, evaluate};
//! use serde_json::json;
//!
//! // The bundled Hertfordshire pathways: adult, child, and the entry that routes by age.
//! let bundle = bundled()?;
//! let today = "2026-11-22".parse()?;
//!
//! // A 17-year-old (their 18th birthday is in four weeks) in immediate danger, met by a
//! // police officer, with indicators of exploitation.
//! let facts = bundle.parse_facts(&json!({
//!     "immediate_danger": true,
//!     "age_basis": "date_of_birth",
//!     "date_of_birth": "2008-12-20",
//!     "suspected_modern_slavery": true,
//!     "reporter_is_first_responder": true,
//! }), today)?;
//!
//! let evaluation = evaluate(&bundle, bundle.entry(), &facts, &Config { today, use_defaults: true });
//! let State::Finished(outcome) = evaluation.state else { panic!("expected an outcome") };
//! let codes = outcome.codes();
//! assert_eq!(codes[0], "call_999"); // safety first, on every route
//! assert!(codes.contains(&"refer_before_18th_birthday"));
//! assert!(codes.contains(&"childrens_services_referral"));
//! assert!(codes.contains(&"nrm_referral"));
//! assert!(!codes.contains(&"duty_to_notify")); // never for a child
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod actions;
mod bundle;
mod compile;
mod coverage;
mod date;
mod diagnostic;
#[cfg(feature = "governance")]
mod diff;
mod evaluate;
mod facts;
mod json;
pub mod model;
mod monitoring;
mod render;
#[cfg(feature = "governance")]
mod review;
#[cfg(feature = "governance")]
mod routes;
mod rule;
mod scenario;
mod segments;
mod session;
mod snapshot;
mod stats;
mod steps;
mod suggest;
mod template;
mod value;
mod verify;
mod visible;
pub mod vocab;
mod walk;

pub use bundle::{Bundle, FactDecl, LoadOptions, Meta, PathwayId, SourceFile};
pub use compile::{bundled, bundled_files};
pub use coverage::{Coverage, coverage};
pub use date::{Date, DateError, age_on, days_until_birthday, human_date};
pub use diagnostic::{Code, Diagnostic, LoadError, Severity};
#[cfg(feature = "governance")]
pub use diff::{
    ActionShift, CHANGES_IN_FULL, CHANGES_LISTED, ContentChange, DiffError, DiffFormat,
    DirectStart, Ending, Loaded, NewAnswer, QuestionShift, RELAXED_CHECKS, RouteChange, SetDiff,
    Summary, Version, diff_report, diff_report_with, diff_sets, load_for_comparison,
};
pub use evaluate::{
    Action, Answer, AnswerKind, ContactInfo, Decision, Evaluation, Outcome, Question, State,
    Status, Visit, decide, evaluate,
};
pub use facts::FactError;
pub use monitoring::{
    AGE_GROUPS, CONSENTS, DISTRICT_FACT, MONITORING_FIELDS, MONITORING_FORMAT, MonitoringError,
    MonitoringRecord, MonitoringVocab, monitoring_record,
};
pub use render::{
    Blocked, DANGER_CODES, EvaluationJson, GraphFormat, NotesConfig, answer_words, case_notes,
    danger_first, evaluation_json, graph, outcome_markdown, outcome_text,
};
#[cfg(feature = "governance")]
pub use review::{RECHECK_DAYS, ReviewFormat, ReviewPack, review_pack};
#[cfg(feature = "governance")]
pub use routes::{End, Route, Side, int_class, routes};
pub use scenario::{Expectation, SCENARIO_FORMAT, Scenario, ScenarioRun};
pub use segments::{Segment, segments};
pub use session::{Redated, SESSION_FORMAT, Session, SessionError};
pub use snapshot::SnapshotError;
pub use stats::{
    Cell, ROUTES, STATS_FORMAT, StatsReport, Table, route, stats_csv, stats_html, stats_json,
    stats_report, stats_text,
};
pub use value::{Facts, Value};
pub use verify::{
    Budget, Counterexample, HazardResult, InvariantResult, PathCount, Report, covering_examples,
    path_signatures, trail_signature, verify, verify_by_enumeration, verify_within,
};
pub use visible::{Visible, is_hidden, visible};
pub use walk::Config;
