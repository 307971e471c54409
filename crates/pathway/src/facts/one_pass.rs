//! The one-pass reader of valid records ([`Bundle::parse_facts_str`](crate::Bundle::parse_facts_str)): keys borrowed from the
//! text, each looked up among the declared ids and its answer checked as it is read.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::check_date;
use crate::bundle::{Bundle, FactDecl};
use crate::date::Date;
use crate::model::FactType;
use crate::value::{Facts, Value};

/// The facts of a record that is valid in every respect, read in one pass over its
/// text (no JSON value is built; keys are borrowed where they have no escapes); `None`
/// at the first thing wrong, whatever it is.
pub(super) fn read(bundle: &Bundle, text: &str, today: Date) -> Option<Facts> {
    let mut de = serde_json::Deserializer::from_str(text);
    let facts = de::DeserializeSeed::deserialize(Record { bundle, today }, &mut de);
    de.end().ok()?;
    facts.ok()
}

/// A record read straight into facts ([`read`]): the first entry that is not
/// a valid answer to a declared fact, or that repeats one, stops the reading (its error
/// carries no message: the careful reader finds the real one).
struct Record<'b> {
    bundle: &'b Bundle,
    today: Date,
}

fn stop<E: de::Error>() -> E {
    E::custom("")
}

impl<'de> de::DeserializeSeed<'de> for Record<'_> {
    type Value = Facts;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Facts, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Record<'_> {
    type Value = Facts;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a facts record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Facts, A::Error> {
        let decls = &self.bundle.facts;
        let mut facts = Facts::with_capacity(map.size_hint().unwrap_or(16));
        // Facts given as `null` (not known), so that one given again is still refused.
        let mut nulls: Vec<u32> = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            let slot = decls.slot(&key).ok_or_else(stop)?;
            let (id, decl) = decls.at(slot).ok_or_else(stop)?;
            let answer = map.next_value_seed(Answer {
                decl,
                today: self.today,
            })?;
            if nulls.contains(&slot) {
                return Err(stop());
            }
            match answer {
                Some(value) => {
                    if !facts.insert_read(Arc::clone(id), slot, value) {
                        return Err(stop());
                    }
                }
                None if facts.contains(id) => return Err(stop()),
                None => nulls.push(slot),
            }
        }
        Ok(facts)
    }
}

/// An object key, borrowed from the text unless it has escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact id")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
    }
}

/// One answer, checked against its declaration as [`FactDecl::parse_value`] checks it:
/// `None` for `null`.
struct Answer<'b> {
    decl: &'b FactDecl,
    today: Date,
}

impl<'de> de::DeserializeSeed<'de> for Answer<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Answer<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an answer")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        match self.decl.ty {
            FactType::Bool => Ok(Some(Value::Bool(v))),
            // A widened v1 fact's v1 answer, read as its option.
            FactType::Choice => self.decl.aliases[usize::from(v)]
                .as_ref()
                .map(|o| Some(Value::Choice(o.clone())))
                .ok_or_else(stop),
            _ => Err(stop()),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        let d = self.decl;
        let in_range = d.min.is_none_or(|min| v >= min) && d.max.is_none_or(|max| v <= max);
        match d.ty {
            FactType::Integer if in_range => Ok(Some(Value::Int(v))),
            _ => Err(stop()),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map_err(|_| stop())
            .and_then(|v| self.visit_i64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let d = self.decl;
        match d.ty {
            FactType::Choice => d
                .options
                .iter()
                .find(|o| o.value == v)
                .map(|o| Some(Value::Choice(o.value.clone())))
                .ok_or_else(stop),
            FactType::Date => {
                let date: Date = v.parse().map_err(|_| stop())?;
                check_date(&d.id, date, self.today)
                    .map(|date| Some(Value::Date(date)))
                    .map_err(|_| stop())
            }
            _ => Err(stop()),
        }
    }
}
