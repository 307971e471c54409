//! The binary starts and names itself. Having an integration test here also makes
//! `cargo test --workspace` build the `pathway` binary that the conformance suite in
//! `tests/` drives (see `tests/cli.rs`).

use std::process::Command;

#[test]
fn the_binary_reports_its_name_and_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim(),
        format!("pathway {}", env!("CARGO_PKG_VERSION"))
    );
}
