//! The bundled Hertfordshire pathway set, compiled and verified when this crate was built.
//!
//! [`pathway::bundled`] compiles the embedded JSON and verifies every path each time it is
//! called: right for `pathway check`, slow for a command that starts, answers and exits, and
//! heavy for a WebAssembly module. This crate's build script does that work once and embeds
//! the result as a snapshot ([`pathway::Bundle::snapshot`]); [`bundle`] decodes it. The two
//! give the same set: the same content hash, pathways and verified paths.
//!
//! ```
//! let bundle = pathway_bundled::bundle()?;
//! assert_eq!(bundle.content_hash(), pathway::bundled()?.content_hash());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use pathway::{Bundle, SnapshotError};

/// The snapshot the build script wrote: the bundled set after it loaded and verified.
pub static SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bundled.snapshot"));

/// The bundled set, decoded from the snapshot made at build time.
pub fn bundle() -> Result<Bundle, SnapshotError> {
    Bundle::from_snapshot(SNAPSHOT)
}

#[cfg(test)]
mod tests {
    use pathway::{Config, State, bundled, evaluate, path_signatures};

    #[test]
    fn the_snapshot_is_the_set_the_json_compiles_to() {
        let fresh = bundled().unwrap();
        let snap = super::bundle().unwrap();
        assert_eq!(snap.content_hash(), fresh.content_hash());
        assert_eq!(snap.paths_verified(), fresh.paths_verified());
        let metas =
            |b: &pathway::Bundle| b.pathways().map(|p| b.meta(p).clone()).collect::<Vec<_>>();
        assert_eq!(metas(&snap), metas(&fresh));
        // Every path walks the same way and ends the same on both.
        let today = "2026-12-01".parse().unwrap();
        assert_eq!(
            path_signatures(&snap, today),
            path_signatures(&fresh, today)
        );
        for c in pathway::covering_examples(&fresh, today) {
            let id = fresh.find(&c.pathway).unwrap();
            let config = Config::new(today);
            let (a, b) = (
                evaluate(&fresh, id, &c.facts, &config),
                evaluate(&snap, id, &c.facts, &config),
            );
            assert_eq!(a, b);
            assert!(matches!(a.state, State::Finished(_)));
        }
    }
}
