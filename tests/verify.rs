//! `covering_examples`: the facts files `pathway check --examples` writes for trainers.

use pathway::{Config, State, Value, bundled, coverage, covering_examples, evaluate};

fn trails<'b>(
    bundle: &'b pathway::Bundle,
    examples: &[pathway::Counterexample],
) -> Vec<Vec<pathway::Visit<'b>>> {
    examples
        .iter()
        .map(|c| {
            let start = bundle.find(&c.pathway).unwrap();
            let e = evaluate(bundle, start, &c.facts, &Config::new(c.today));
            assert!(
                matches!(e.state, State::Finished(_)),
                "example on {} does not finish: {:?}",
                c.pathway,
                c.facts
            );
            let codes: Vec<String> = match &e.state {
                State::Finished(o) => o.codes().into_iter().map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            assert_eq!(codes, c.codes, "recorded codes differ from a replay");
            e.trail
        })
        .collect()
}

#[test]
fn covering_examples_take_every_edge_and_none_is_redundant() {
    let bundle = bundled().unwrap();
    let today = "2026-12-01".parse().unwrap();
    let examples = covering_examples(&bundle, today);
    let trails = trails(&bundle, &examples);
    let all = coverage(&bundle, trails.iter().map(Vec::as_slice));
    assert!(
        all.edges_taken == all.edges_total && all.steps_visited == all.steps_total,
        "not every edge or step: missing {:?} {:?}",
        all.missing_edges,
        all.missing_steps
    );
    // Irredundant: without any one example, some edge is no longer taken.
    for (skip, example) in examples.iter().enumerate() {
        let rest = coverage(
            &bundle,
            trails
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, t)| t.as_slice()),
        );
        assert!(
            rest.edges_taken < all.edges_taken,
            "example {} ({}) adds no edge",
            skip + 1,
            example.pathway
        );
    }
    // A set cover is no larger than the number of outcome steps plus the hand-overs' routes;
    // the greedy one must stay well below one example per verified path.
    assert!(
        examples.len() * 20 < bundle.paths_verified() as usize,
        "{} examples for {} paths",
        examples.len(),
        bundle.paths_verified()
    );
}

#[test]
fn covering_examples_avoid_the_ends_of_a_range_when_a_typical_answer_walks_the_same_path() {
    let bundle = bundled().unwrap();
    let today = "2026-12-01".parse().unwrap();
    for c in covering_examples(&bundle, today) {
        for (id, value) in c.facts.iter() {
            match value {
                Value::Int(age) => assert!(
                    (1..120).contains(age),
                    "{id} = {age} in an example for {}",
                    c.pathway
                ),
                Value::Date(d) => {
                    let years = pathway::age_on(*d, today);
                    assert!(
                        (1..100).contains(&years),
                        "{id} = {d} ({years} years old) in an example for {}",
                        c.pathway
                    );
                }
                _ => {}
            }
        }
    }
}
