//! Loads (compiles and verifies every path of) the bundled pathway set at build time and
//! writes it as a snapshot to `$OUT_DIR/bundled.snapshot`, which the crate embeds: a front
//! end then starts without compiling or verifying (and the WebAssembly module links no JSON
//! model, compiler or verifier), and a set that fails to load fails the build with its
//! diagnostics.

use std::path::PathBuf;

fn main() {
    // The set is embedded in the `pathway` build-dependency, so a change to it rebuilds that
    // crate and reruns this script; naming the folder also covers files added to it.
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../../pathways/hertfordshire");
    let bundle = pathway::bundled().unwrap_or_else(|e| {
        fail(&format!(
            "the bundled pathway set (pathways/hertfordshire) does not load:\n{e}"
        ))
    });
    // The WebAssembly page only walks the set: it gets the snapshot without the proofs
    // (invariants, hazard log, authors' notes), which keeps the module within its size budget.
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let bytes = if wasm {
        bundle.snapshot_for_walking()
    } else {
        bundle.snapshot()
    }
    .unwrap_or_else(|e| fail(&format!("the bundled set cannot be snapshotted: {e}")));
    // The module must decode what it embeds.
    if let Err(e) = pathway::Bundle::from_snapshot(&bytes) {
        fail(&format!(
            "the snapshot of the bundled set does not decode: {e}"
        ));
    }
    let out = std::env::var_os("OUT_DIR").unwrap_or_else(|| fail("cargo did not set OUT_DIR"));
    let path = PathBuf::from(out).join("bundled.snapshot");
    if let Err(e) = std::fs::write(&path, &bytes) {
        fail(&format!("cannot write {}: {e}", path.display()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1);
}
