//! The explorer against the enumeration.

use super::*;

fn same(a: &Report, b: &Report) {
    assert_eq!(a.path_count, b.path_count, "paths");
    for (x, y) in a.invariants.iter().zip(&b.invariants) {
        assert_eq!(x, y);
    }
    assert_eq!(a.invariants.len(), b.invariants.len());
    assert_eq!(a.diagnostics, b.diagnostics);
    assert_eq!(a.hazards, b.hazards);
}

#[test]
fn the_bundled_set_verifies_as_enumerated() {
    let bundle = crate::bundle::bundled().unwrap();
    let today = "2026-11-22".parse().unwrap();
    let t = std::time::Instant::now();
    let a = verify(&bundle, today);
    eprintln!("explore {:?} states {} paths {}", t.elapsed(), a.states, a.path_count);
    let t = std::time::Instant::now();
    let b = verify_by_enumeration(&bundle, today);
    eprintln!("enumerate {:?}", t.elapsed());
    same(&a, &b);
}

#[test]
fn debug_bundled_keys() {
    let bundle = crate::bundle::bundled().unwrap();
    let today = "2026-11-22".parse().unwrap();
    let a = verify(&bundle, today);
    eprintln!("states {}", a.states);
}
