//! The parts of the `pathway` command that are tested and fuzzed on their own: the reader of
//! facts records (`pathway decide`) and the file writer of sessions and reports. The command
//! itself is `main.rs`; everything it decides is in the `pathway` library.

pub mod records;
pub mod save;
