//! A pathway's action definitions: each action's texts, the compiled `when` of its
//! variants, and the wording chosen for a case.

use std::collections::BTreeMap;

use crate::model::{ActionDef, Form};
use crate::rule::Expr;

/// A pathway's action definitions, sorted by code; a linked step finds each by its index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Actions(Vec<(String, ActionEntry)>);

/// An action's definition (texts with their contacts filled in), the compiled `when` of each
/// of its variants, and the contacts each wording names (its `contact` and every
/// `{{contact(id)}}` of its texts): `named[0]` for the action as defined, `named[i + 1]` for
/// variant `i`.
#[derive(Debug, Clone)]
pub(crate) struct ActionEntry {
    pub(crate) def: ActionDef,
    pub(crate) when: Vec<Expr>,
    pub(crate) named: Vec<Vec<String>>,
}

/// One wording of an action, as chosen for a case ([`ActionEntry::wording`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wording<'b> {
    pub(crate) title: &'b str,
    pub(crate) instructions: &'b str,
    pub(crate) why: Option<&'b str>,
    pub(crate) contact: Option<&'b str>,
    pub(crate) form: Option<&'b Form>,
    pub(crate) cites: &'b [String],
    pub(crate) named: &'b [String],
}

impl ActionEntry {
    /// The wording for a case: the first variant whose `when` is definitely true on the facts
    /// `scope` knows (three-valued: a fact not known never selects one), else the action as
    /// defined.
    pub(crate) fn wording(&self, scope: &dyn crate::rule::Scope) -> Wording<'_> {
        let d = &self.def;
        let base = Wording {
            title: &d.title,
            instructions: &d.instructions,
            why: d.why.as_deref(),
            contact: d.contact.as_deref(),
            form: d.form.as_ref(),
            cites: &d.cites,
            named: self.named.first().map_or(&[], Vec::as_slice),
        };
        let chosen = self
            .when
            .iter()
            .position(|rule| crate::rule::eval3(rule, scope) == Some(true));
        let Some(i) = chosen else { return base };
        let v = &d.variants[i];
        Wording {
            title: v.title.as_deref().unwrap_or(base.title),
            instructions: v.instructions.as_deref().unwrap_or(base.instructions),
            why: v.why.as_deref().or(base.why),
            contact: match v.contact.as_deref() {
                Some("") => None,
                Some(c) => Some(c),
                None => base.contact,
            },
            form: v.form.as_ref().or(base.form),
            cites: &v.cites,
            named: self.named.get(i + 1).map_or(&[], Vec::as_slice),
        }
    }
}

impl Actions {
    pub(crate) fn new(defs: BTreeMap<String, ActionEntry>) -> Self {
        Self(defs.into_iter().collect())
    }

    /// The index of an action's definition.
    pub(crate) fn index(&self, code: &str) -> Option<u32> {
        self.0
            .binary_search_by(|(c, _)| c.as_str().cmp(code))
            .ok()
            .map(|i| i as u32)
    }

    /// The definition of an action.
    pub(crate) fn get(&self, code: &str) -> Option<&ActionEntry> {
        self.index(code).and_then(|i| self.at(i))
    }

    /// The definition at an index.
    pub(crate) fn at(&self, i: u32) -> Option<&ActionEntry> {
        self.0.get(i as usize).map(|(_, def)| def)
    }

    /// The definitions in code order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &ActionEntry)> {
        self.0.iter().map(|(code, def)| (code, def))
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}
