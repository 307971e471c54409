//! A compact binary snapshot of a compiled [`Bundle`], for front ends that embed a set that
//! was loaded (so compiled and verified) at build time, such as the WebAssembly page: decoding
//! a snapshot needs no JSON parser, no compiler and no verifier, so a front end that only
//! decodes links none of them.
//!
//! The format is private to this library and versioned: a snapshot is
//! meant to be decoded by the same version of the library that wrote it, e.g. written by a
//! build script and decoded by the program it builds.
//!
//! ```text
//! snapshot := MAGIC version:uint length:uint checksum:u64le payload
//! payload  := strings bundle      (length bytes; checksum = FNV-1a 64 of them)
//! strings  := count:uint (len:uint utf8-bytes)*     every text, once (interned)
//! ```
//!
//! The bundle follows in field order. Every string is a `uint` index into `strings` (an
//! optional string is 0 for none, else index + 1), integers are LEB128 (signed ones
//! zigzagged), dates are days since 1970-01-01, lists and maps are a count and their items
//! (maps in key order), and enums a tag byte and their fields. A pathway's steps are written
//! in order, and every edge and hand-over names its target by index.
//!
//! Decoding never panics. It checks the checksum (so any change to a snapshot is refused),
//! every string, step and pathway index, that map keys are unique, that step ids are unique,
//! that the steps form no cycle across hand-overs, that no derived fact depends on itself,
//! and bounds the nesting of rules, so that no decoded bundle can make a walk or a renderer
//! index out of range or recurse without end.

mod codec;
mod expr;
mod fact;
mod pathway;
mod set;
mod step;

use crate::bundle::StepIx;

use crate::bundle::{Bundle, Derived, Pathway, StepKind};
use codec::{Reader, Writer, put_uint};

/// The version of the snapshot format this library writes and reads.
const SNAPSHOT_VERSION: u64 = 3;

/// The bytes every snapshot starts with.
const MAGIC: &[u8] = b"pathway-snapshot\n";

/// How deeply a rule may nest in a snapshot (rules are parsed from one line of text, so real
/// ones nest a few levels).
const MAX_DEPTH: usize = 100;

/// Why bytes are not a snapshot this library can decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The bytes do not start with the snapshot marker.
    #[error("not a pathway snapshot: the bytes do not start with the snapshot marker")]
    NotASnapshot,
    /// The snapshot was written in another version of the format.
    #[error(
        "snapshot format version {found} is not supported (this library reads version \
         {supported}): write the snapshot again with this version of pathway"
    )]
    Version {
        /// The version the snapshot declares.
        found: u64,
        /// The version this library reads.
        supported: u64,
    },
    /// The content does not match the checksum: the snapshot was changed or damaged.
    #[error("the snapshot is damaged: its content does not match its checksum")]
    Checksum,
    /// The set was loaded without proving its invariants (`prove_invariants: false`), so it
    /// is not snapshotted: a decoded set is trusted as verified.
    #[error("the set was loaded without proving its invariants, so it cannot be snapshotted")]
    Unproven,
    /// The snapshot ends before its content does.
    #[error("the snapshot is cut short")]
    Truncated,
    /// The content is not a valid bundle.
    #[error("the snapshot is not a valid pathway set: {reason}")]
    Invalid {
        /// What is wrong.
        reason: &'static str,
    },
}

type Result<T> = std::result::Result<T, SnapshotError>;

fn invalid<T>(reason: &'static str) -> Result<T> {
    Err(SnapshotError::Invalid { reason })
}

/// FNV-1a, 64 bits: each step is a bijection of the state, so a change to any one byte
/// always changes the checksum.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Bundle {
    /// The bundle as a compact binary snapshot, which [`Bundle::from_snapshot`] decodes into
    /// an equal bundle without compiling or verifying anything.
    ///
    /// For front ends that embed a set verified at build time: a build script loads the set
    /// (so a broken set fails the build with its diagnostics) and embeds the snapshot. Since
    /// a `Bundle` only exists once its set has passed every check, so does what a snapshot
    /// records; it carries the content hash, so sessions saved by any front end on the same
    /// content open in every other.
    ///
    /// Refuses a set loaded without proving its invariants ([`SnapshotError::Unproven`]).
    pub fn snapshot(&self) -> Result<Vec<u8>> {
        self.snapshot_with(true)
    }

    /// [`Bundle::snapshot`] for a front end that only walks the set (the WebAssembly page):
    /// without the invariants, the hazard log and the authors' notes on sources, which only
    /// checking and reviewing read. The set it decodes to walks exactly as the full one
    /// (its `invariants` and `hazards` are empty: it was verified before it was written).
    pub fn snapshot_for_walking(&self) -> Result<Vec<u8>> {
        self.snapshot_with(false)
    }

    fn snapshot_with(&self, proofs: bool) -> Result<Vec<u8>> {
        if !self.proven {
            return Err(SnapshotError::Unproven);
        }
        let mut w = Writer {
            proofs,
            ..Writer::default()
        };
        w.bundle(self);
        let mut payload = Vec::new();
        put_uint(&mut payload, w.table.len() as u64);
        for s in &w.table {
            put_uint(&mut payload, s.len() as u64);
            payload.extend_from_slice(s.as_bytes());
        }
        payload.extend_from_slice(&w.body);
        Ok(seal(&payload))
    }

    /// Decodes a snapshot written by [`Bundle::snapshot`].
    ///
    /// Refuses (never panics on) any other bytes: another format version, a damaged or cut
    /// snapshot, or content that is not a consistent set (see the module documentation).
    pub fn from_snapshot(bytes: &[u8]) -> Result<Self> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or(SnapshotError::NotASnapshot)?;
        let mut r = Reader::new(rest);
        let version = r.uint();
        let length = r.uint();
        if let Some(e) = r.error {
            return Err(e);
        }
        if version != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version {
                found: version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let (sum, payload) = rest[r.pos..]
            .split_first_chunk::<8>()
            .ok_or(SnapshotError::Truncated)?;
        if (payload.len() as u64) < length {
            return Err(SnapshotError::Truncated);
        }
        if payload.len() as u64 > length {
            return invalid("bytes follow the end of the snapshot");
        }
        if checksum(payload) != u64::from_le_bytes(*sum) {
            return Err(SnapshotError::Checksum);
        }
        decode(payload)
    }
}

/// The snapshot of a payload: marker, version, length and checksum, then the payload.
fn seal(payload: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put_uint(&mut out, SNAPSHOT_VERSION);
    put_uint(&mut out, payload.len() as u64);
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// The set a payload holds (its checksum already checked).
fn decode(payload: &[u8]) -> Result<Bundle> {
    let mut r = Reader::new(payload);
    for _ in 0..r.len() {
        let n = r.len();
        match std::str::from_utf8(&r.bytes[r.pos..r.pos + n]) {
            Ok(text) => r.strings.push(text),
            Err(_) => r.fail_with("a text is not UTF-8"),
        }
        r.pos += n;
    }
    let bundle = r.bundle();
    if r.error.is_none() && r.pos != r.bytes.len() {
        r.fail_with("bytes follow the end of the set");
    }
    match r.error {
        None => Ok(bundle),
        Some(e) => Err(e),
    }
}

/// What makes decoded pathways inconsistent, once every item read well: no pathway, an
/// entry or a hand-over out of range, or a cycle.
fn inconsistent(pathways: &[Pathway], entry: Option<usize>) -> Option<&'static str> {
    if pathways.is_empty() {
        return Some("the set holds no pathway");
    }
    if entry.is_some_and(|e| e >= pathways.len()) {
        return Some("the entry pathway is out of range");
    }
    for p in pathways {
        for step in p.steps.iter() {
            if let StepKind::Handover { pathway, step, .. } = &step.kind {
                let count = pathways.get(*pathway).map(|q| q.steps.len());
                if count.is_none_or(|n| step.index() >= n) {
                    return Some("a hand-over leads to a step that does not exist");
                }
            }
        }
    }
    (!acyclic(pathways)).then_some("the steps form a cycle")
}

/// The steps of every pathway, hand-overs included, form no cycle. Every index was checked
/// before.
fn acyclic(pathways: &[Pathway]) -> bool {
    let sizes: Vec<usize> = pathways.iter().map(|p| p.steps.len()).collect();
    let next = |p: usize, n: StepIx| {
        let step = &pathways[p].steps[n];
        let handover = match step.kind {
            StepKind::Handover { pathway, step, .. } => Some((pathway, step)),
            _ => None,
        };
        step.edges.iter().map(move |e| (p, e.to)).chain(handover)
    };
    crate::steps::topological(&sizes, next).is_some()
}

/// No derived fact reads itself, directly or through other derived facts (evaluating it
/// would never end).
fn derived_acyclic(derived: &[Derived]) -> bool {
    let reads: Vec<(&str, Vec<String>)> = derived
        .iter()
        .map(|d| {
            let mut read = std::collections::BTreeSet::new();
            crate::rule::values_read(&d.rule, &mut read);
            let deps = read
                .into_iter()
                .filter(|f| derived.iter().any(|d| d.id == *f))
                .collect();
            (d.id.as_str(), deps)
        })
        .collect();
    // Settle, round by round, the derived facts whose dependencies are settled.
    let mut settled: Vec<&str> = Vec::new();
    loop {
        let before = settled.len();
        for (id, deps) in &reads {
            if !settled.contains(id) && deps.iter().all(|d| settled.contains(&d.as_str())) {
                settled.push(id);
            }
        }
        if settled.len() == reads.len() {
            return true;
        }
        if settled.len() == before {
            return false;
        }
    }
}

#[cfg(test)]
mod tests;
