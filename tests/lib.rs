//! Shared helpers for the conformance suite.

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `pathway` binary built by `cargo test --workspace` (it sits beside this test's
/// `deps/` folder).
pub fn pathway_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile directory");
    let bin = dir.join(format!("pathway{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p pathway-cli` or `cargo test --workspace`",
        bin.display()
    );
    bin
}
