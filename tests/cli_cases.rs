//! The CLI's request/response contract as data: each `tests/cmd/<case>.toml` gives the
//! arguments (run from the repository root), `<case>.stdin` the standard input, and
//! `<case>.stdout` / `<case>.stderr` / `status.code` what `pathway` must answer, compared
//! exactly (`...` on a line of its own skips lines, `[..]` skips within a line). Adding a case
//! means adding files; after a deliberate change of output, `TRYCMD=overwrite cargo test -p
//! pathway-tests --test tests cli_cases` rewrites the expected files for review.
//!
//! Dates: every case whose output depends on the date passes `--today`.

use pathway_tests::{pathway_bin, root};

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("pathway", pathway_bin())
        .env("NO_COLOR", "1")
        .case(root().join("tests/cmd/*.toml"));
}
