//! A step and its edges, and an action step's detail template.

use crate::bundle::StepIx;

use super::*;
use crate::bundle::{Edge, Step, StepKind};
use crate::template::{Part, Template};

impl<'b> Writer<'b> {
    pub(super) fn step(&mut self, s: &'b Step) {
        let Step { id, kind, edges } = s;
        self.str(id);
        match kind {
            StepKind::Question { fact, slot, note } => {
                self.tag(0);
                self.str(fact);
                self.slot(*slot);
                self.opt_str(note.as_ref());
            }
            // The definitions are found again when the set is decoded.
            StepKind::Action {
                actions,
                defs: _,
                detail,
            } => {
                self.tag(1);
                self.strs(actions);
                self.opt(detail.as_ref(), Self::template);
            }
            StepKind::Outcome {
                title,
                summary,
                actions,
                defs: _,
                next_steps,
                cites,
            } => {
                self.tag(2);
                self.str(title);
                self.str(summary);
                self.strs(actions);
                self.strs(next_steps);
                self.strs(cites);
            }
            StepKind::Handover {
                pathway,
                step,
                because,
                cites,
            } => {
                self.tag(3);
                self.usize(*pathway);
                self.usize(step.index());
                self.str(because);
                self.strs(cites);
            }
        }
        self.usize(edges.len());
        for Edge {
            when,
            when_src,
            to,
            because,
            cites,
        } in edges
        {
            self.opt(when.as_ref(), Self::expr);
            self.opt_str(when_src.as_ref());
            self.usize(to.index());
            self.opt_str(because.as_ref());
            self.strs(cites);
        }
    }

    pub(super) fn template(&mut self, t: &'b Template) {
        self.usize(t.0.len());
        for part in &t.0 {
            match part {
                Part::Text(s) => {
                    self.tag(0);
                    self.str(s);
                }
                Part::Fact(s, slot) => {
                    self.tag(1);
                    self.str(s);
                    self.slot(*slot);
                }
                Part::Birthday(s, slot, n) => {
                    self.tag(2);
                    self.str(s);
                    self.slot(*slot);
                    self.int(i64::from(*n));
                }
                Part::DaysUntil(s, slot, n) => {
                    self.tag(3);
                    self.str(s);
                    self.slot(*slot);
                    self.int(i64::from(*n));
                }
            }
        }
    }
}

impl<'a> Reader<'a> {
    /// A step of a pathway with `nodes` steps.
    pub(super) fn step(&mut self, nodes: usize) -> Step {
        let id = self.string();
        let kind = match self.tag(4) {
            0 => StepKind::Question {
                fact: self.string(),
                slot: self.fact_slot(),
                note: self.opt_string(),
            },
            1 => StepKind::Action {
                actions: self.strings(),
                defs: Vec::new(),
                detail: self.opt(Self::template),
            },
            2 => StepKind::Outcome {
                title: self.string(),
                summary: self.string(),
                actions: self.strings(),
                defs: Vec::new(),
                next_steps: self.strings(),
                cites: self.strings(),
            },
            // Checked once every pathway is read.
            _ => StepKind::Handover {
                pathway: self.below(usize::MAX, "a pathway is out of range"),
                step: StepIx::new(self.below(u32::MAX as usize, "a step is out of range")),
                because: self.string(),
                cites: self.strings(),
            },
        };
        let edges = self.list(|r| Edge {
            when: r.opt(Self::expr),
            when_src: r.opt_string(),
            to: StepIx::new(r.below(nodes, "an edge leads to a step that does not exist")),
            because: r.opt_string(),
            cites: r.strings(),
        });
        Step { id, kind, edges }
    }

    pub(super) fn template(&mut self) -> Template {
        Template(self.list(|r| match r.tag(4) {
            0 => Part::Text(r.string()),
            1 => Part::Fact(r.string(), r.fact_slot()),
            2 => Part::Birthday(r.string(), r.fact_slot(), r.i32()),
            _ => Part::DaysUntil(r.string(), r.fact_slot(), r.i32()),
        }))
    }
}
