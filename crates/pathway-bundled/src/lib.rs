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
    use pathway::{Config, Session, State, bundled, evaluate, path_signatures};

    #[test]
    fn the_snapshot_is_the_set_the_json_compiles_to() {
        let fresh = bundled().unwrap();
        let snap = super::bundle().unwrap();
        assert_eq!(snap.content_hash(), fresh.content_hash());
        assert_eq!(snap.paths_verified(), fresh.paths_verified());
        // The same compiled set, graphs and rules included.
        assert_eq!(format!("{snap:?}"), format!("{fresh:?}"));
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
        // A session saved by a front end on either opens on the other.
        for (from, to) in [(&fresh, &snap), (&snap, &fresh)] {
            let mut session = Session::new(from, from.entry(), today);
            session
                .answer("immediate_danger", &serde_json::json!(false))
                .unwrap();
            let saved = session.to_json();
            let opened = Session::from_json(to, &saved).unwrap();
            assert_eq!(opened.to_json(), saved);
            assert_eq!(opened.current(), session.current());
        }
    }
}
