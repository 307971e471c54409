//! Fact declarations and values.

use std::collections::BTreeMap;

use super::*;
use crate::bundle::{FactDecl, Rewrite, Settles};
use crate::model::{BoolLabels, ChoiceOption, FactType};
use crate::value::Value;

impl<'b> Writer<'b> {
    pub(super) fn fact(&mut self, d: &'b FactDecl) {
        let FactDecl {
            id,
            ty,
            question,
            help,
            options,
            min,
            max,
            labels,
            default,
            more,
            aliases,
            settles,
            rewrites,
        } = d;
        self.str(id);
        self.tag(match ty {
            FactType::Bool => 0,
            FactType::Choice => 1,
            FactType::Integer => 2,
            FactType::Date => 3,
        });
        self.str(question);
        self.opt_str(help.as_ref());
        self.usize(options.len());
        // `sets` is typed into `settles` below (the decoded options have none).
        for ChoiceOption {
            value,
            label,
            help,
            sets: _,
        } in options
        {
            self.str(value);
            self.str(label);
            self.opt_str(help.as_ref());
        }
        self.opt(min.as_ref(), |w, v| w.int(*v));
        self.opt(max.as_ref(), |w, v| w.int(*v));
        self.opt(labels.as_ref(), |w, BoolLabels { yes, no }| {
            w.str(yes);
            w.str(no);
        });
        self.opt(default.as_ref(), Self::value);
        self.opt_str(more.as_ref());
        for alias in aliases {
            self.opt_str(alias.as_ref());
        }
        self.opt(settles.as_ref(), |w, Settles { facts, values }| {
            w.strs(facts);
            w.usize(values.len());
            for row in values {
                w.usize(row.len());
                for v in row {
                    w.value(v);
                }
            }
        });
        self.usize(rewrites.len());
        for Rewrite {
            when,
            fact,
            from,
            to,
        } in rewrites
        {
            self.value(when);
            self.str(fact);
            self.value(from);
            self.value(to);
        }
    }

    pub(super) fn value(&mut self, v: &'b Value) {
        match v {
            Value::Bool(b) => {
                self.tag(0);
                self.flag(*b);
            }
            Value::Int(i) => {
                self.tag(1);
                self.int(*i);
            }
            Value::Choice(s) => {
                self.tag(2);
                self.str(s);
            }
            Value::Date(d) => {
                self.tag(3);
                self.date(*d);
            }
        }
    }
}

impl<'a> Reader<'a> {
    pub(super) fn fact(&mut self) -> FactDecl {
        FactDecl {
            id: self.string(),
            ty: match self.tag(4) {
                0 => FactType::Bool,
                1 => FactType::Choice,
                2 => FactType::Integer,
                _ => FactType::Date,
            },
            question: self.string(),
            help: self.opt_string(),
            options: self.list(|r| ChoiceOption {
                value: r.string(),
                label: r.string(),
                help: r.opt_string(),
                sets: BTreeMap::new(),
            }),
            min: self.opt(Self::int),
            max: self.opt(Self::int),
            labels: self.opt(|r| BoolLabels {
                yes: r.string(),
                no: r.string(),
            }),
            default: self.opt(Self::value),
            more: self.opt_string(),
            aliases: [self.opt_string(), self.opt_string()],
            settles: self.opt(|r| Settles {
                facts: r.strings(),
                values: r.list(|r| r.list(Self::value)),
            }),
            rewrites: self.list(|r| Rewrite {
                when: r.value(),
                fact: r.string(),
                from: r.value(),
                to: r.value(),
            }),
        }
    }

    pub(super) fn value(&mut self) -> Value {
        match self.tag(4) {
            0 => Value::Bool(self.flag()),
            1 => Value::Int(self.int()),
            2 => Value::Choice(self.string()),
            _ => Value::Date(self.date()),
        }
    }
}
