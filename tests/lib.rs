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

/// What a run of the `pathway` binary left: its exit code and its output.
pub struct Out {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

/// Runs the `pathway` binary from the repository root with `args`, `stdin` as its input and
/// `NO_COLOR` set, and waits for it. Panics if it panicked.
pub fn pathway<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: &str) -> Out {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut child = Command::new(pathway_bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the pathway binary");
    // A command that fails on its arguments exits without reading its input.
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let out = child
        .wait_with_output()
        .expect("wait for the pathway binary");
    let o = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert!(
        !o.stderr.contains("panicked"),
        "pathway {shown:?} panicked:\n{}",
        o.stderr
    );
    o
}
