//! The conformance suite: one integration test binary (ripgrep/typst style).
//!
//! Each module is data-driven: adding a case means adding a file under `fixtures/`.

mod cli;
mod cli_cases;
mod governance;
mod hazards;
mod hostile;
mod invalid;
mod invariants;
mod layout;
mod monitoring;
mod props;
mod readability;
mod render;
mod scenarios;
mod verify;
