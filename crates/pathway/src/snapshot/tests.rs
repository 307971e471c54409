//! Round trips, and every kind of damage refused.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::*;
use crate::date::Date;
use crate::evaluate::evaluate;
use crate::render::{GraphFormat, evaluation_json, graph, outcome_text};
use crate::value::Facts;
use crate::verify::{covering_examples, path_signatures};
use crate::walk::Config;

/// The bundled set, loaded (compiled and verified) once.
fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| crate::bundled().expect("the bundled set loads"))
}

fn snapshot() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| bundle().snapshot().expect("the bundled set is proven"))
}

/// The snapshot's payload (after marker, version, length and checksum).
fn payload(bytes: &[u8]) -> &[u8] {
    let mut r = Reader::new(&bytes[MAGIC.len()..]);
    r.uint();
    r.uint();
    &r.bytes[r.pos + 8..]
}

/// Facts and dates that reach every step and edge of the bundled set.
fn examples() -> &'static [(PathwayId, Facts, Date)] {
    static EXAMPLES: OnceLock<Vec<(PathwayId, Facts, Date)>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let b = bundle();
        covering_examples(b, crate::compile::reference_date(b))
            .into_iter()
            .map(|ex| (b.find(&ex.pathway).unwrap(), ex.facts, ex.today))
            .collect()
    })
}

use crate::bundle::PathwayId;

#[test]
fn a_snapshot_decodes_to_an_equal_bundle() {
    let b = bundle();
    let bytes = snapshot();
    let back = Bundle::from_snapshot(bytes).expect("the snapshot decodes");
    // Debug shows every field, the petgraph graphs (nodes, edges and weights) included.
    assert_eq!(format!("{back:#?}"), format!("{b:#?}"));
    assert_eq!(back.content_hash(), b.content_hash());
    assert_eq!(back.paths_verified(), b.paths_verified());
    // Writing it again gives the same bytes.
    assert_eq!(back.snapshot().as_deref(), Ok(bytes));
}

/// The snapshot for walking leaves out only what checking reads: it decodes to the set
/// with no invariants, no hazard log and no authors' notes, and every walk is the same.
#[test]
fn a_snapshot_for_walking_is_the_set_without_its_proofs() {
    let b = bundle();
    let lean = b.snapshot_for_walking().expect("the bundled set is proven");
    assert!(lean.len() < snapshot().len());
    let back = Bundle::from_snapshot(&lean).expect("the lean snapshot decodes");
    let mut stripped = b.clone();
    stripped.hazards.clear();
    for p in &mut stripped.pathways {
        p.invariants.clear();
        for s in p.sources.values_mut() {
            s.note = None;
        }
    }
    stripped
        .contact_sources
        .values_mut()
        .for_each(|s| s.note = None);
    assert_eq!(format!("{back:#?}"), format!("{stripped:#?}"));
    assert!(!b.hazards.is_empty() && back.hazards.is_empty());
    walk_everything(&back);
    for (id, facts, today) in examples() {
        let config = Config {
            today: *today,
            use_defaults: true,
        };
        assert_eq!(
            evaluate(&back, *id, facts, &config),
            evaluate(b, *id, facts, &config)
        );
    }
}

#[test]
fn a_decoded_bundle_walks_every_path_as_the_loaded_one() {
    let b = bundle();
    let back = Bundle::from_snapshot(snapshot()).expect("the snapshot decodes");
    let today = crate::compile::reference_date(b);
    // The same paths, step by step and answer class by answer class.
    assert_eq!(path_signatures(&back, today), path_signatures(b, today));
    let report = crate::verify::verify(&back, today);
    assert_eq!(report.paths, b.paths_verified());
    assert!(report.diagnostics.iter().all(|d| !d.is_error()));
    // The same evaluations, JSON and text on examples that reach every step and edge.
    assert!(!examples().is_empty());
    for (id, facts, today) in examples() {
        for use_defaults in [false, true] {
            let config = Config {
                today: *today,
                use_defaults,
            };
            let x = evaluate(b, *id, facts, &config);
            let y = evaluate(&back, *id, facts, &config);
            assert_eq!(x, y);
            assert_eq!(evaluation_json(b, &x), evaluation_json(&back, &y));
            assert_eq!(outcome_text(b, &x), outcome_text(&back, &y));
        }
    }
    for id in b.pathways() {
        for format in [GraphFormat::Svg, GraphFormat::Dot, GraphFormat::Mermaid] {
            assert_eq!(graph(b, id, format, None), graph(&back, id, format, None));
        }
    }
}

#[test]
fn texts_shared_by_the_pathways_are_stored_once() {
    let b = bundle();
    let bytes = snapshot();
    let mut r = Reader::new(payload(bytes));
    let mut table = BTreeSet::new();
    for _ in 0..r.len() {
        let n = r.len();
        assert!(
            table.insert(&r.bytes[r.pos..r.pos + n]),
            "a text is stored twice"
        );
        r.pos += n;
    }
    // Action instructions that several pathways use are in the bytes once.
    let mut seen = BTreeSet::new();
    let mut shared = BTreeSet::new();
    for p in &b.pathways {
        for (_, a) in p.actions.iter() {
            if !seen.insert(&a.def.instructions) {
                shared.insert(&a.def.instructions);
            }
        }
    }
    assert!(
        !shared.is_empty(),
        "the bundled pathways share no action text"
    );
    for t in &shared {
        let hits = bytes
            .windows(t.len())
            .filter(|w| *w == t.as_bytes())
            .count();
        assert_eq!(hits, 1, "`{t}` is stored {hits} times");
    }
    let json: usize = crate::bundled_files().iter().map(|f| f.text.len()).sum();
    assert!(
        bytes.len() < json / 2,
        "{} bytes for {json} of JSON",
        bytes.len()
    );
}

#[test]
fn other_bytes_are_refused_with_a_reason() {
    let bytes = snapshot();
    assert_eq!(
        Bundle::from_snapshot(b"{\"format\": \"pathway/v1\"}").err(),
        Some(SnapshotError::NotASnapshot)
    );
    let mut other = bytes.to_vec();
    other[MAGIC.len()] = 9;
    let err = Bundle::from_snapshot(&other).err();
    assert_eq!(
        err,
        Some(SnapshotError::Version {
            found: 9,
            supported: SNAPSHOT_VERSION
        })
    );
    assert!(err.unwrap().to_string().contains("version 9"));
    let mut damaged = bytes.to_vec();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    assert_eq!(
        Bundle::from_snapshot(&damaged).err(),
        Some(SnapshotError::Checksum)
    );
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert!(matches!(
        Bundle::from_snapshot(&longer),
        Err(SnapshotError::Invalid { .. })
    ));
}

#[test]
fn every_truncation_is_refused() {
    let bytes = snapshot();
    for n in 0..bytes.len() {
        assert!(Bundle::from_snapshot(&bytes[..n]).is_err(), "cut at {n}");
    }
    assert_eq!(
        Bundle::from_snapshot(&bytes[..bytes.len() - 1]).err(),
        Some(SnapshotError::Truncated)
    );
}

#[test]
fn cut_content_is_refused_behind_a_valid_checksum() {
    // The decoder's own checks, past the length and checksum: every cut of the last
    // kilobyte (the graphs and rules) and a cut every 61 bytes before it (the texts).
    let body = payload(snapshot());
    let cuts = (0..body.len())
        .filter(|n| *n % 61 == 0 || *n + 1024 > body.len())
        .collect::<Vec<_>>();
    for n in cuts {
        assert!(decode(&body[..n]).is_err(), "content cut at {n}");
    }
    let mut huge = Vec::new();
    put_uint(&mut huge, u64::MAX);
    assert_eq!(
        Bundle::from_snapshot(&seal(&huge)).err(),
        Some(SnapshotError::Truncated)
    );
}

/// Evaluates and renders a decoded set on facts that reach every step of the bundled
/// one: none of it may panic.
fn walk_everything(b: &Bundle) {
    for id in b.pathways() {
        let _ = graph(b, id, GraphFormat::Svg, None);
    }
    for (id, facts, today) in examples() {
        if id.0 < b.pathways.len() {
            let e = evaluate(b, *id, facts, &Config::new(*today));
            let _ = evaluation_json(b, &e);
            let _ = outcome_text(b, &e);
            let _ = graph(b, *id, GraphFormat::Svg, Some(&e.trail));
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// A damaged snapshot is refused (by its checksum), never decoded into another set.
    #[test]
    fn damaged_snapshots_are_refused(at in 0usize..usize::MAX, by in 1u8..=255) {
        let mut damaged = snapshot().to_vec();
        let i = at % damaged.len();
        damaged[i] ^= by;
        proptest::prop_assert!(Bundle::from_snapshot(&damaged).is_err());
    }

    /// Changes behind a valid checksum reach the decoder's own checks: it refuses them
    /// or decodes a set that walks and renders without panicking. It never panics.
    #[test]
    fn changed_content_never_panics(
        edits in proptest::collection::vec((0usize..usize::MAX, 0u8..=255), 1..4),
    ) {
        let mut body = payload(snapshot()).to_vec();
        for (at, to) in edits {
            // Half of the changes hit the last kilobyte: the graphs and rules.
            let i = if at % 2 == 0 {
                at % body.len()
            } else {
                body.len() - 1 - at % 1024.min(body.len())
            };
            body[i] = to;
        }
        if let Ok(b) = Bundle::from_snapshot(&seal(&body)) {
            walk_everything(&b);
        }
    }
}

#[test]
fn a_set_loaded_without_proving_its_invariants_is_not_snapshotted() {
    let options = crate::bundle::LoadOptions {
        prove_invariants: false,
    };
    let b = Bundle::load_with(crate::bundled_files(), &options).expect("the bundled set loads");
    assert!(!b.proven() && bundle().proven());
    assert_eq!(b.snapshot(), Err(SnapshotError::Unproven));
    assert_eq!(b.snapshot_for_walking(), Err(SnapshotError::Unproven));
    let back = Bundle::from_snapshot(snapshot()).expect("decodes");
    assert!(back.proven());
}

/// `payload` sealed as a snapshot of format `version`, with a valid length and checksum.
fn seal_as(version: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put_uint(&mut out, version);
    put_uint(&mut out, payload.len() as u64);
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

#[test]
fn a_version_2_snapshot_is_refused_with_the_version_error() {
    // Version 2 did not write slots: its sets were linked again on decoding.
    let old = seal_as(2, payload(snapshot()));
    let err = Bundle::from_snapshot(&old).err();
    assert_eq!(
        err,
        Some(SnapshotError::Version {
            found: 2,
            supported: SNAPSHOT_VERSION
        })
    );
    assert!(err.unwrap().to_string().contains("version 2"));
    assert_eq!(seal_as(SNAPSHOT_VERSION, payload(snapshot())), snapshot());
}

/// The first fact reference of `e`, if any.
fn first_fact(e: &mut crate::rule::Expr) -> Option<&mut crate::rule::Slot> {
    use crate::rule::ExprKind as K;
    match &mut e.kind {
        K::Fact(_, slot) => Some(slot),
        K::Not(a) => first_fact(a),
        K::And(a, b)
        | K::Or(a, b)
        | K::Implies(a, b)
        | K::Cmp(_, a, b)
        | K::AgeOn(a, b)
        | K::DaysUntilBirthday(a, _, b) => first_fact(a).or_else(|| first_fact(b)),
        _ => None,
    }
}

/// The bundled set with the first fact reference of a rule changed to `to`, snapshotted.
fn with_a_rule_slot(to: impl Fn(&Bundle) -> crate::rule::Slot) -> Vec<u8> {
    let mut b = bundle().clone();
    let slot = to(&b);
    let changed = b.pathways.iter_mut().any(|p| {
        p.derived
            .iter_mut()
            .filter_map(|d| first_fact(&mut d.rule))
            .next()
            .map(|s| *s = slot)
            .is_some()
    });
    assert!(changed, "the bundled set has a derived fact naming a fact");
    b.snapshot().expect("the set is still marked proven")
}

#[test]
fn an_out_of_range_fact_slot_is_refused() {
    for past in [0, 1, 1000] {
        let bytes = with_a_rule_slot(|b| crate::rule::Slot::Fact((b.facts.len() + past) as u32));
        assert_eq!(
            Bundle::from_snapshot(&bytes).err(),
            Some(SnapshotError::Invalid {
                reason: "a fact slot is out of range"
            }),
            "{past} past the last fact"
        );
    }
    let bytes = with_a_rule_slot(|_| crate::rule::Slot::Derived(u32::MAX));
    assert_eq!(
        Bundle::from_snapshot(&bytes).err(),
        Some(SnapshotError::Invalid {
            reason: "a derived-fact slot is out of range"
        })
    );
    // An in-range slot decodes, as written.
    let bytes = with_a_rule_slot(|_| crate::rule::Slot::Fact(0));
    assert!(Bundle::from_snapshot(&bytes).is_ok());
}
