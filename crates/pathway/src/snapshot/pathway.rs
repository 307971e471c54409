//! A pathway: its metadata, sources, derived facts, actions and steps.

use std::collections::BTreeMap;

use crate::bundle::StepIx;

use super::*;
use crate::bundle::{ActionEntry, Derived, Invariant, Meta, Pathway, Steps};
use crate::model::{ActionDef, ActionVariant, Form};

impl<'b> Writer<'b> {
    pub(super) fn pathway(&mut self, p: &'b Pathway) {
        let Pathway {
            meta,
            file,
            sources,
            derived,
            actions,
            steps,
            start,
            // Rebuilt from the steps' ids.
            index: _,
            must_ask,
            invariants,
        } = p;
        self.meta(meta);
        self.str(file);
        self.map(sources, Self::source);
        // Written as a map, in id order, as the pathway keeps them.
        self.usize(derived.len());
        for Derived { id, rule } in derived {
            self.str(id);
            self.expr(rule);
        }
        self.usize(actions.len());
        for (code, def) in actions.iter() {
            self.str(code);
            self.action(def);
        }
        self.usize(steps.len());
        for step in steps.iter() {
            self.step(step);
        }
        self.usize(start.index());
        self.strs(must_ask);
        let invariants: &[Invariant] = if self.proofs { invariants } else { &[] };
        self.usize(invariants.len());
        for Invariant {
            id,
            description,
            source,
            rule,
        } in invariants
        {
            self.str(id);
            self.str(description);
            self.str(source);
            self.expr(rule);
        }
    }

    pub(super) fn meta(&mut self, m: &'b Meta) {
        let Meta {
            id,
            title,
            partnership,
            version,
            reviewed,
            review_by,
            jurisdiction,
            description,
            guidance,
            entry,
        } = m;
        self.str(id);
        self.str(title);
        self.str(partnership);
        self.str(version);
        self.date(*reviewed);
        self.date(*review_by);
        self.opt_str(jurisdiction.as_ref());
        self.opt_str(description.as_ref());
        self.opt_str(guidance.as_ref());
        self.flag(*entry);
    }

    pub(super) fn action(&mut self, a: &'b ActionEntry) {
        let ActionEntry { def, when, named } = a;
        let ActionDef {
            title,
            instructions,
            urgent,
            contact,
            form,
            why,
            variants,
            cites,
        } = def;
        self.str(title);
        self.str(instructions);
        self.flag(*urgent);
        self.opt_str(contact.as_ref());
        self.opt(form.as_ref(), Self::form);
        self.opt_str(why.as_ref());
        self.strs(cites);
        // Each variant with its compiled rule (a variant whose rule did not compile makes the
        // set fail to load, so there is one rule per variant).
        self.usize(variants.len());
        for (v, rule) in variants.iter().zip(when) {
            let ActionVariant {
                when: source,
                title,
                instructions,
                why,
                contact,
                form,
                cites,
            } = v;
            self.str(source);
            self.expr(rule);
            self.opt_str(title.as_ref());
            self.opt_str(instructions.as_ref());
            self.opt_str(why.as_ref());
            self.opt_str(contact.as_ref());
            self.opt(form.as_ref(), Self::form);
            self.strs(cites);
        }
        self.usize(named.len());
        for list in named {
            self.strs(list);
        }
    }

    pub(super) fn form(&mut self, f: &'b Form) {
        let Form { name, url } = f;
        self.str(name);
        self.opt_str(url.as_ref());
    }
}

impl<'a> Reader<'a> {
    pub(super) fn pathway(&mut self) -> Pathway {
        let meta = self.meta();
        let file = self.string();
        let sources = self.map(Self::source);
        self.derived_bound = 0;
        let derived: Vec<Derived> = self
            .map(|r| r.expr())
            .into_iter()
            .map(|(id, rule)| Derived { id, rule })
            .collect();
        let actions = crate::bundle::Actions::new(self.map(Self::action));
        let nodes = self.len();
        // Every edge's target is below `nodes` (0 after an error, and there is a step 0 if
        // there is an edge).
        let mut steps = Vec::with_capacity(nodes.min(1 << 16));
        let mut index = BTreeMap::new();
        for i in 0..nodes {
            let step = self.step(nodes);
            if index.insert(step.id.clone(), StepIx::new(i)).is_some() {
                self.fail_with("a step id is used twice");
            }
            steps.push(step);
        }
        let start = StepIx::new(self.below(nodes, "the start step is out of range"));
        let must_ask = self.strings();
        let invariants = self.list(|r| Invariant {
            id: r.string(),
            description: r.string(),
            source: r.string(),
            rule: r.expr(),
        });
        if self.derived_bound > derived.len() {
            self.fail_with("a derived-fact slot is out of range");
        }
        for step in &mut steps {
            crate::bundle::action_defs(&mut step.kind, &actions);
        }
        if !derived_acyclic(&derived) {
            self.fail_with("a derived fact depends on itself");
        }
        Pathway {
            meta,
            file,
            sources,
            derived,
            actions,
            steps: Steps(steps),
            start,
            index,
            must_ask,
            invariants,
        }
    }

    pub(super) fn meta(&mut self) -> Meta {
        Meta {
            id: self.string(),
            title: self.string(),
            partnership: self.string(),
            version: self.string(),
            reviewed: self.date(),
            review_by: self.date(),
            jurisdiction: self.opt_string(),
            description: self.opt_string(),
            guidance: self.opt_string(),
            entry: self.flag(),
        }
    }

    pub(super) fn action(&mut self) -> ActionEntry {
        let title = self.string();
        let instructions = self.string();
        let urgent = self.flag();
        let contact = self.opt_string();
        let form = self.opt(Self::form);
        let why = self.opt_string();
        let cites = self.strings();
        let mut when = Vec::new();
        let variants = self.list(|r| {
            let source = r.string();
            when.push(r.expr());
            ActionVariant {
                when: source,
                title: r.opt_string(),
                instructions: r.opt_string(),
                why: r.opt_string(),
                contact: r.opt_string(),
                form: r.opt(Self::form),
                cites: r.strings(),
            }
        });
        let named = self.list(Self::strings);
        ActionEntry {
            def: ActionDef {
                title,
                instructions,
                urgent,
                contact,
                form,
                why,
                variants,
                cites,
            },
            when,
            named,
        }
    }

    pub(super) fn form(&mut self) -> Form {
        Form {
            name: self.string(),
            url: self.opt_string(),
        }
    }
}
