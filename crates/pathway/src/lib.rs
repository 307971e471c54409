//! pathway: a decision engine for UK modern slavery victim referral pathways.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bundle;
mod compile;
mod coverage;
mod date;
mod diagnostic;
mod evaluate;
mod facts;
pub mod model;
mod rule;
mod scenario;
mod session;
mod template;
mod value;
mod verify;
pub mod vocab;

pub use bundle::{Bundle, FactDecl, Meta, PathwayId, SourceFile, bundled, bundled_files};
pub use date::{Date, DateError, age_on, days_until_birthday};
pub use diagnostic::{Diagnostic, LoadError, Severity};
pub use evaluate::{
    Action, AnswerKind, Config, ContactInfo, Evaluation, Outcome, Question, State, Visit, evaluate,
};
pub use facts::FactError;
pub use coverage::{Coverage, coverage};
pub use scenario::{Expectation, SCENARIO_FORMAT, Scenario, ScenarioRun, summary};
pub use value::{Facts, Value};
pub use verify::{Counterexample, InvariantResult, Report, verify};
pub use session::{SESSION_FORMAT, Session, SessionError};
