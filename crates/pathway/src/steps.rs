//! The steps of a compiled pathway, addressed by index: every edge and hand-over names its
//! target as a [`StepIx`], resolved once by the compiler (and checked by the snapshot
//! decoder), and the one topological order that proves a set acyclic.

use crate::rule::{Expr, Slot};
use crate::template::Template;

/// The index of a step in its pathway's [`Steps`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct StepIx(u32);

impl StepIx {
    pub(crate) fn new(i: usize) -> Self {
        Self(i as u32)
    }

    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// A pathway's steps, indexed by [`StepIx`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Steps(pub(crate) Vec<Step>);

impl Steps {
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Every step's index, in order.
    pub(crate) fn indices(&self) -> impl Iterator<Item = StepIx> + use<> {
        (0..self.0.len()).map(StepIx::new)
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Step> {
        self.0.iter()
    }

    pub(crate) fn get(&self, ix: StepIx) -> Option<&Step> {
        self.0.get(ix.index())
    }
}

impl std::ops::Index<StepIx> for Steps {
    type Output = Step;

    fn index(&self, ix: StepIx) -> &Step {
        &self.0[ix.index()]
    }
}

/// A step of a compiled pathway.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) id: String,
    pub(crate) kind: StepKind,
    pub(crate) edges: Vec<Edge>,
}

#[derive(Debug, Clone)]
pub(crate) enum StepKind {
    Question {
        fact: String,
        /// Where a walk finds the answer: [`Slot::Fact`] once linked.
        slot: Slot,
        note: Option<String>,
    },
    Action {
        actions: Vec<String>,
        /// Each action's definition in the pathway's [`Actions`], once linked (empty
        /// until then, and `None` for a code the pathway does not define).
        defs: Vec<Option<u32>>,
        detail: Option<Template>,
    },
    Outcome {
        title: String,
        summary: String,
        actions: Vec<String>,
        /// As for [`StepKind::Action`].
        defs: Vec<Option<u32>>,
        next_steps: Vec<String>,
        cites: Vec<String>,
    },
    Handover {
        pathway: usize,
        step: StepIx,
        because: String,
        cites: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) when: Option<Expr>,
    pub(crate) when_src: Option<String>,
    pub(crate) to: StepIx,
    pub(crate) because: Option<String>,
    pub(crate) cites: Vec<String>,
}

/// The steps of a set of pathways in an order where each step comes before every step it
/// leads to (Kahn's algorithm, with an explicit stack), or `None` when they form a cycle.
/// `sizes[p]` is how many steps pathway `p` has; `next(p, i)` the steps step `i` of `p` leads
/// to, each in range. The one cycle check: the compiler's, the snapshot decoder's and the
/// chart layout's.
pub(crate) fn topological<I>(
    sizes: &[usize],
    next: impl Fn(usize, StepIx) -> I,
) -> Option<Vec<(usize, StepIx)>>
where
    I: Iterator<Item = (usize, StepIx)>,
{
    let mut offsets = Vec::with_capacity(sizes.len());
    let mut total = 0;
    for &n in sizes {
        offsets.push(total);
        total += n;
    }
    let mut incoming = vec![0usize; total];
    let mut ready = Vec::new();
    for (p, &n) in sizes.iter().enumerate() {
        for i in (0..n).map(StepIx::new) {
            ready.push((p, i));
            for (q, m) in next(p, i) {
                incoming[offsets[q] + m.index()] += 1;
            }
        }
    }
    ready.retain(|&(p, i)| incoming[offsets[p] + i.index()] == 0);
    let mut order = Vec::with_capacity(total);
    while let Some((p, i)) = ready.pop() {
        order.push((p, i));
        for (q, m) in next(p, i) {
            let k = &mut incoming[offsets[q] + m.index()];
            *k -= 1;
            if *k == 0 {
                ready.push((q, m));
            }
        }
    }
    (order.len() == total).then_some(order)
}
