//! Answer values and the set of facts a walk reads.

use std::collections::BTreeMap;
use std::fmt;

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts(BTreeMap<String, Value>);

impl Facts {
    /// Sets a fact, returning the value it replaces.
    pub fn insert(&mut self, id: impl Into<String>, value: Value) -> Option<Value> {
        self.0.insert(id.into(), value)
    }

    /// The value of a fact, if known.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.0.get(id)
    }

    /// Forgets a fact.
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        self.0.remove(id)
    }

    /// Whether the fact is known.
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    /// Facts in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
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

impl FromIterator<(String, Value)> for Facts {
    /// A later value of the same fact replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        // Inserted one by one: `BTreeMap::from_iter` sorts first, which links one more
        // sorting algorithm into the WebAssembly module.
        let mut facts = Self::default();
        for (id, value) in iter {
            facts.insert(id, value);
        }
        facts
    }
}
