//! Answer values and the set of facts a walk reads.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::date::Date;

/// The value of one fact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// A `bool` fact.
    Bool(bool),
    /// An `integer` fact.
    Int(i64),
    /// A `choice` fact: one of its option values.
    Choice(String),
    /// A `date` fact.
    Date(Date),
}

impl Value {
    /// The value as it is written in a facts file.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Bool(b) => serde_json::Value::Bool(*b),
            Self::Int(i) => serde_json::Value::from(*i),
            Self::Choice(s) => serde_json::Value::String(s.clone()),
            Self::Date(d) => serde_json::Value::String(d.to_string()),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Choice(s) => write!(f, "\"{s}\""),
            Self::Date(d) => write!(f, "{d}"),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// Known facts, by fact id. Ordered, so everything derived from it is deterministic.
///
/// Build it with [`crate::Bundle::parse_facts`] (from JSON, validated) or [`Facts::insert`]
/// after [`crate::Bundle::check_value`].
#[derive(Clone, Default)]
pub struct Facts(Vec<Entry>);

/// One known fact. Facts a [`crate::Bundle`] read share its fact ids and note where it
/// keeps the declaration (`slot`), so a walk finds each without comparing ids.
#[derive(Clone)]
struct Entry {
    id: Arc<str>,
    slot: u32,
    value: Value,
}

/// No slot: the fact was inserted by id.
pub(crate) const NO_SLOT: u32 = u32::MAX;

impl Facts {
    /// No facts, with room for `n` without reallocating.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    /// Sets a fact, returning the value it replaces.
    pub fn insert(&mut self, id: impl Into<Arc<str>>, value: Value) -> Option<Value> {
        self.insert_at(id.into(), NO_SLOT, value)
    }

    /// [`Facts::insert`] of a fact the bundle keeps at `slot` under the id `id` (its own).
    pub(crate) fn insert_at(&mut self, id: Arc<str>, slot: u32, value: Value) -> Option<Value> {
        match self.find(&id) {
            Ok(i) => {
                let entry = &mut self.0[i];
                (entry.id, entry.slot) = (id, slot);
                Some(std::mem::replace(&mut entry.value, value))
            }
            Err(i) => {
                self.0.insert(i, Entry { id, slot, value });
                None
            }
        }
    }

    /// Adds a fact a bundle read, found at `slot` of its declarations, to facts that only
    /// hold facts it read (so their slot order is their id order); `false`, and nothing
    /// changes, if the fact is already known.
    pub(crate) fn insert_read(&mut self, id: Arc<str>, slot: u32, value: Value) -> bool {
        debug_assert!(
            self.0.iter().all(|e| e.slot != NO_SLOT),
            "facts inserted by id"
        );
        match self.0.binary_search_by_key(&slot, |e| e.slot) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, Entry { id, slot, value });
                true
            }
        }
    }

    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|e| (*e.id).cmp(id))
    }

    /// The value of a fact, if known.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.find(id).ok().map(|i| &self.0[i].value)
    }

    /// Forgets a fact.
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        self.find(id).ok().map(|i| self.0.remove(i).value)
    }

    /// Whether the fact is known.
    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_ok()
    }

    /// Facts in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|e| (&*e.id, &e.value))
    }

    /// Facts in id order, each with its id as shared and the slot noted with it.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&Arc<str>, u32, &Value)> {
        self.0.iter().map(|e| (&e.id, e.slot, &e.value))
    }

    /// Number of known facts.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no fact is known.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for Facts {
    /// The same facts with the same values (however each was inserted).
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Facts {}

impl fmt::Debug for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Facts {
    /// As a JSON object of fact ids and answers, in id order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl FromIterator<(String, Value)> for Facts {
    /// A later value of the same fact replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut facts = Self::default();
        for (id, value) in iter {
            facts.insert(id, value);
        }
        facts
    }
}
