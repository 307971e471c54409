//! The answers verification tries at a question, one per class, and facts built from
//! answers.

use crate::bundle::{Bundle, FactDecl};
use crate::date::Date;
use crate::value::{Facts, Value};

use super::classes::Classes;

/// Each fact's answer classes, by slot.
pub(super) fn class_values(bundle: &Bundle, today: Date) -> Vec<Vec<Value>> {
    let classes = Classes::new(bundle, today);
    bundle
        .facts
        .iter()
        .map(|d| classes.values(bundle, &d.id))
        .collect()
}

/// Facts from answers in the order given, under the set's own ids.
pub(super) fn facts_of(bundle: &Bundle, answers: &[(u32, &Value)]) -> Facts {
    let mut facts = Facts::default();
    for &(slot, v) in answers {
        if let Some((id, _)) = bundle.facts.at(slot) {
            facts.insert_at(id.clone(), slot, v.clone());
        }
    }
    facts
}

/// The answers to try at a question on the fact at `slot`, in the enumeration's order: each
/// class of the fact (but one that contradicts a fact it settles, given already), then every
/// combination of the classes of the facts it settles that are not given (a record may give
/// those instead). How many there are:
pub(super) fn branch_count<'a>(
    bundle: &Bundle,
    values: &'a [Vec<Value>],
    slot: u32,
    raw: impl Fn(u32) -> Option<&'a Value>,
) -> usize {
    let Some((_, decl)) = bundle.facts.at(slot) else {
        return 0;
    };
    let classes = classes_of(bundle, values, slot, &raw).count();
    let combos =
        combos(bundle, values, decl, &raw).map_or(0, |c| c.iter().map(|(_, v)| v.len()).product());
    classes + combos
}

/// The `i`-th answer to try ([`branch_count`]), into `out`.
pub(super) fn branch<'a>(
    bundle: &Bundle,
    values: &'a [Vec<Value>],
    slot: u32,
    i: usize,
    raw: impl Fn(u32) -> Option<&'a Value>,
    out: &mut Vec<(u32, &'a Value)>,
) {
    out.clear();
    let Some((_, decl)) = bundle.facts.at(slot) else {
        return;
    };
    let mut classes = classes_of(bundle, values, slot, &raw);
    let mut i = i;
    for value in classes.by_ref() {
        if i == 0 {
            out.push((slot, value));
            return;
        }
        i -= 1;
    }
    // The next combination, like an odometer: the first fact turns fastest.
    for (s, classes) in combos(bundle, values, decl, &raw).unwrap_or_default() {
        out.push((s, &classes[i % classes.len()]));
        i /= classes.len();
    }
}

/// The classes of a fact that contradict no fact their answer settles, given already.
fn classes_of<'a, 'r>(
    bundle: &'r Bundle,
    values: &'a [Vec<Value>],
    slot: u32,
    raw: &'r impl Fn(u32) -> Option<&'a Value>,
) -> impl Iterator<Item = &'a Value> + 'r
where
    'a: 'r,
{
    let decl = bundle.facts.at(slot).map(|(_, d)| d);
    values
        .get(slot as usize)
        .into_iter()
        .flatten()
        .filter(move |value| {
            !decl.is_some_and(|d| {
                d.settled_by(value).any(|(f, v)| {
                    bundle
                        .facts
                        .slot(f)
                        .and_then(raw)
                        .is_some_and(|given| given != v)
                })
            })
        })
}

/// The facts an answer settles that are not given, each with its classes; none if there
/// are none, or if one has no class.
fn combos<'a>(
    bundle: &Bundle,
    values: &'a [Vec<Value>],
    decl: &FactDecl,
    raw: &impl Fn(u32) -> Option<&'a Value>,
) -> Option<Vec<(u32, &'a [Value])>> {
    let mut out = Vec::new();
    for f in decl.settled_facts() {
        let s = bundle.facts.slot(f)?;
        if raw(s).is_none() {
            let classes = values.get(s as usize).map_or(&[][..], Vec::as_slice);
            if classes.is_empty() {
                return None;
            }
            out.push((s, classes));
        }
    }
    (!out.is_empty()).then_some(out)
}
