//! The `pathway` command-line tool.
fn main() {}
