//! Writes fuzz seeds for the snapshot target: the bundled set's snapshot as it is (mode byte
//! 1) and its payload alone (mode byte 0, which the target seals again).
//!
//! ```text
//! cargo run --release -p pathway --example snapshot_seed -- fuzz/corpus/snapshot
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: snapshot_seed DIR");
        return ExitCode::from(2);
    };
    let bundle = match pathway::bundled() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("snapshot_seed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(snapshot) = bundle.snapshot() else {
        eprintln!("snapshot_seed: the bundled set cannot be snapshotted");
        return ExitCode::FAILURE;
    };
    // The envelope: marker, version (one LEB128 byte for version 1), length (LEB128), then
    // the 8-byte checksum.
    let marker = b"pathway-snapshot\n".len();
    let length_bytes = snapshot[marker + 1..]
        .iter()
        .position(|b| b & 0x80 == 0)
        .map_or(0, |i| i + 1);
    let payload = &snapshot[marker + 1 + length_bytes + 8..];
    let seeds = [
        ("sealed-payload", 0u8, payload),
        ("snapshot", 1u8, &snapshot[..]),
    ];
    for (name, mode, bytes) in seeds {
        let mut seed = vec![mode];
        seed.extend_from_slice(bytes);
        if let Err(e) = std::fs::write(dir.join(name), seed) {
            eprintln!(
                "snapshot_seed: cannot write {}: {e}",
                dir.join(name).display()
            );
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
