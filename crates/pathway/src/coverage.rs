//! Which steps and edges a set of walks (trainers' scenarios) visited.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::bundle::Bundle;
use crate::evaluate::Visit;

/// Step and edge coverage of a set of trails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Steps in the set.
    pub steps_total: usize,
    /// Steps visited at least once.
    pub steps_visited: usize,
    /// Edges in the set.
    pub edges_total: usize,
    /// Edges taken at least once.
    pub edges_taken: usize,
    /// Steps never visited, as `pathway#step`.
    pub missing_steps: Vec<String>,
    /// Edges never taken, as `pathway#step -> target (when rule)`.
    pub missing_edges: Vec<String>,
}

impl Coverage {
    /// Whether every step and edge was covered.
    pub fn is_complete(&self) -> bool {
        self.missing_steps.is_empty() && self.missing_edges.is_empty()
    }
}

/// Coverage of the set's steps and edges by the given trails.
pub fn coverage<'a, 'b: 'a>(
    bundle: &Bundle,
    trails: impl IntoIterator<Item = &'a [Visit<'b>]>,
) -> Coverage {
    let mut steps = BTreeSet::new();
    let mut edges = BTreeSet::new();
    for trail in trails {
        for v in trail {
            steps.insert((v.pathway, v.step));
            if let Some(e) = v.edge {
                edges.insert((v.pathway, v.step, e));
            }
        }
    }
    let mut cov = Coverage {
        steps_total: 0,
        steps_visited: 0,
        edges_total: 0,
        edges_taken: 0,
        missing_steps: Vec::new(),
        missing_edges: Vec::new(),
    };
    for p in &bundle.pathways {
        for node in p.steps.indices() {
            let step = &p.steps[node];
            let key = (p.meta.id.as_str(), step.id.as_str());
            cov.steps_total += 1;
            if steps.contains(&key) {
                cov.steps_visited += 1;
            } else {
                cov.missing_steps.push(format!("{}#{}", p.meta.id, step.id));
            }
            for (e, edge) in step.edges.iter().enumerate() {
                cov.edges_total += 1;
                if edges.contains(&(key.0, key.1, e)) {
                    cov.edges_taken += 1;
                } else {
                    let target = &p.steps[edge.to].id;
                    let when = edge
                        .when_src
                        .as_deref()
                        .map(|w| format!(" (when {w})"))
                        .unwrap_or_default();
                    cov.missing_edges
                        .push(format!("{}#{} -> {target}{when}", p.meta.id, step.id));
                }
            }
        }
    }
    cov
}
