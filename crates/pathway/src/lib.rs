//! pathway: a decision engine for UK modern slavery victim referral pathways.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod date;
pub mod model;
mod rule;
mod value;

pub use date::{Date, DateError, age_on, days_until_birthday};
pub use value::{Facts, Value};
