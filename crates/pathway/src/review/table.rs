//! The route table of a review pack: every route of a set, made short enough to read.
//!
//! Two reductions, both exact (every route can be read back from the result):
//! - A question is **set apart** when its answer only adds actions, the same ones whatever
//!   else was answered, and changes nothing else (no other question, no other action, no
//!   order): "in immediate danger: Yes adds *Call 999 now*". Its table has one line per
//!   answer; the routes are then listed with the answer that adds nothing.
//! - Routes that give the same actions and differ only in one question, over every answer
//!   to it, are **one row** in which that question does not appear (any answer).

use std::collections::BTreeMap;

use crate::routes::Route;

/// A route of the table: the answers that matter, in the order asked, and the action codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// Each fact with its answer as JSON text (ordered and cheap to compare).
    pub(crate) answers: Vec<(String, String)>,
    pub(crate) codes: Vec<String>,
    /// Other answers that give the same route, for a group of questions asked together
    /// (how the age is known, and the age): each alternative lists its answers.
    pub(crate) alternatives: Vec<Alternatives>,
}

/// Answers to a group of questions, any of which gives the route, shown at `at` (an index
/// into the row's answers).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Alternatives {
    pub(crate) at: usize,
    pub(crate) each: Vec<Vec<(String, String)>>,
}

/// A question set apart: for each answer, the actions it adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Apart {
    pub(crate) fact: String,
    /// Each answer with the actions it adds (none for the answer the rows are listed with).
    pub(crate) adds: Vec<(String, Vec<String>)>,
}

/// The route table: questions set apart, then the rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub(crate) apart: Vec<Apart>,
    pub(crate) rows: Vec<Row>,
    /// How many routes (classes of answers) the table stands for.
    pub(crate) routes: usize,
}

/// The table of one set's routes (the first end of each route).
pub(crate) fn table(routes: &[Route]) -> Table {
    let mut rows: Vec<Row> = routes
        .iter()
        .filter_map(|r| {
            let end = r.ends.first()?.as_ref()?;
            Some(Row {
                answers: r
                    .answers
                    .iter()
                    .map(|(f, v)| (f.clone(), v.to_string()))
                    .collect(),
                codes: end.codes.clone(),
                alternatives: Vec::new(),
            })
        })
        .collect();
    let total = rows.len();
    let mut apart = Vec::new();
    loop {
        let facts = facts_in_order(&rows);
        let found = facts
            .iter()
            .find_map(|f| set_apart(&rows, f).map(|a| (f, a)));
        let Some((fact, (a, base))) = found else {
            break;
        };
        rows.retain(|r| value(r, fact).is_none_or(|v| *v == base));
        for r in &mut rows {
            r.answers.retain(|(f, _)| f != fact);
        }
        apart.push(a);
    }
    let mut changed = true;
    while changed {
        changed = false;
        for fact in facts_in_order(&rows) {
            changed |= merge_any(&mut rows, &fact);
        }
    }
    for fact in facts_in_order(&rows) {
        if let Some(group) = cluster(&rows, &fact) {
            merge_alternatives(&mut rows, &group);
        }
    }
    Table {
        apart,
        rows,
        routes: total,
    }
}

/// A question with the questions asked only after some of its answers, up to the first
/// question asked after it on every route (none when there is no such question and it is
/// not the last question asked).
fn cluster(rows: &[Row], fact: &str) -> Option<Vec<String>> {
    let with: Vec<&Row> = rows.iter().filter(|r| value(r, fact).is_some()).collect();
    let after = |r: &Row| -> Vec<String> {
        let i = r.answers.iter().position(|(f, _)| f == fact).unwrap_or(0);
        r.answers[i + 1..].iter().map(|(f, _)| f.clone()).collect()
    };
    let first = after(with.first()?);
    let next = first
        .iter()
        .find(|f| with.iter().all(|r| after(r).contains(f)));
    let mut group = vec![fact.to_owned()];
    for r in &with {
        let rest = after(r);
        let end = match next {
            Some(n) => rest.iter().position(|f| f == n).unwrap_or(rest.len()),
            None if rest.is_empty() => 0,
            None => return None,
        };
        for f in &rest[..end] {
            if !group.contains(f) {
                group.push(f.clone());
            }
        }
    }
    Some(group)
}

/// Rows with the same actions and the same answers outside `group`: one row, with their
/// answers to `group` as alternatives.
fn merge_alternatives(rows: &mut Vec<Row>, group: &[String]) {
    type Key = (Vec<String>, Vec<(String, String)>, Vec<Alternatives>);
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if !r.answers.iter().any(|(f, _)| group.contains(f)) {
            continue;
        }
        let outside = r
            .answers
            .iter()
            .filter(|(f, _)| !group.contains(f))
            .cloned()
            .collect();
        groups
            .entry((r.codes.clone(), outside, r.alternatives.clone()))
            .or_default()
            .push(i);
    }
    let mut drop = vec![false; rows.len()];
    for members in groups.into_values().filter(|m| m.len() > 1) {
        let at = rows[members[0]]
            .answers
            .iter()
            .position(|(f, _)| group.contains(f))
            .unwrap_or(0);
        let mut each: Vec<Vec<(String, String)>> = Vec::new();
        for &i in &members {
            let inside: Vec<(String, String)> = rows[i]
                .answers
                .iter()
                .filter(|(f, _)| group.contains(f))
                .cloned()
                .collect();
            if !each.contains(&inside) {
                each.push(inside);
            }
        }
        for &i in &members[1..] {
            drop[i] = true;
        }
        let first = &mut rows[members[0]];
        first.answers.retain(|(f, _)| !group.contains(f));
        first.alternatives.push(Alternatives { at, each });
    }
    let mut i = 0;
    rows.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

fn value<'r>(row: &'r Row, fact: &str) -> Option<&'r String> {
    row.answers.iter().find(|(f, _)| f == fact).map(|(_, v)| v)
}

fn facts_in_order(rows: &[Row]) -> Vec<String> {
    let mut facts: Vec<String> = Vec::new();
    for r in rows {
        for (f, _) in &r.answers {
            if !facts.contains(f) {
                facts.push(f.clone());
            }
        }
    }
    facts
}

/// The answers of a row but one fact's, as a key.
fn others(row: &Row, fact: &str) -> Vec<(String, String)> {
    row.answers
        .iter()
        .filter(|(f, _)| f != fact)
        .cloned()
        .collect()
}

/// Every answer to `fact` seen in the rows, in order.
fn answers_to(rows: &[Row], fact: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for r in rows {
        if let Some(v) = value(r, fact)
            && !seen.contains(v)
        {
            seen.push(v.clone());
        }
    }
    seen
}

/// Whether `fact` only adds actions: if so, its table and the answer that adds none.
fn set_apart(rows: &[Row], fact: &str) -> Option<(Apart, String)> {
    let values = answers_to(rows, fact);
    if values.len() < 2 {
        return None;
    }
    let mut groups: BTreeMap<Vec<(String, String)>, Vec<&Row>> = BTreeMap::new();
    for r in rows.iter().filter(|r| value(r, fact).is_some()) {
        groups.entry(others(r, fact)).or_default().push(r);
    }
    // The answer that adds nothing: the one with the fewest actions in the first group.
    let first = groups.values().next()?;
    let base_row = first.iter().min_by_key(|r| r.codes.len())?;
    let base = value(base_row, fact)?.clone();
    let mut adds: Vec<Option<Vec<String>>> = vec![None; values.len()];
    for group in groups.values() {
        if group.len() != values.len() {
            return None;
        }
        let base_codes = &group.iter().find(|r| value(r, fact) == Some(&base))?.codes;
        for r in group {
            let i = values.iter().position(|v| Some(v) == value(r, fact))?;
            let added: Vec<String> = r
                .codes
                .iter()
                .filter(|c| !base_codes.contains(c))
                .cloned()
                .collect();
            let rest: Vec<&String> = r.codes.iter().filter(|c| !added.contains(c)).collect();
            if rest != base_codes.iter().collect::<Vec<_>>() {
                return None;
            }
            match &adds[i] {
                Some(a) if *a != added => return None,
                _ => adds[i] = Some(added),
            }
        }
    }
    let adds = values
        .into_iter()
        .zip(adds)
        .map(|(v, a)| (v, a.unwrap_or_default()))
        .collect();
    Some((
        Apart {
            fact: fact.to_owned(),
            adds,
        },
        base,
    ))
}

/// Rows with the same actions that differ only in `fact`, over every answer to it, made
/// one row without it. Whether any rows were merged.
fn merge_any(rows: &mut Vec<Row>, fact: &str) -> bool {
    let values = answers_to(rows, fact);
    if values.len() < 2 {
        return false;
    }
    type Key<'r> = (&'r [String], Vec<(String, String)>, &'r [Alternatives]);
    let mut groups: BTreeMap<Key<'_>, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if value(r, fact).is_some() {
            let key = (
                r.codes.as_slice(),
                others(r, fact),
                r.alternatives.as_slice(),
            );
            groups.entry(key).or_default().push(i);
        }
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    let mut drop = vec![false; rows.len()];
    let mut merged = false;
    for members in &groups {
        let complete = values
            .iter()
            .all(|v| members.iter().any(|&i| value(&rows[i], fact) == Some(v)));
        if !complete {
            continue;
        }
        merged = true;
        for &i in &members[1..] {
            drop[i] = true;
        }
        rows[members[0]].answers.retain(|(f, _)| f != fact);
    }
    let mut i = 0;
    rows.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value as Json, json};

    fn row(answers: &[(&str, Json)], codes: &[&str]) -> Row {
        Row {
            answers: answers
                .iter()
                .map(|(f, v)| ((*f).to_owned(), v.to_string()))
                .collect(),
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn a_question_that_only_adds_an_action_is_set_apart_and_any_answer_merges() {
        let rows = vec![
            row(&[("d", json!(true)), ("x", json!(1))], &["call", "a"]),
            row(&[("d", json!(true)), ("x", json!(2))], &["call", "a"]),
            row(&[("d", json!(false)), ("x", json!(1))], &["a"]),
            row(&[("d", json!(false)), ("x", json!(2))], &["a"]),
        ];
        let (apart, base) = set_apart(&rows, "d").expect("d only adds `call`");
        assert_eq!(base, "false");
        assert_eq!(apart.adds[0], ("true".to_owned(), vec!["call".to_owned()]));
        let mut rest: Vec<Row> = rows
            .into_iter()
            .filter(|r| value(r, "d").is_some_and(|v| v == "false"))
            .collect();
        assert!(merge_any(&mut rest, "x"));
        assert_eq!(rest, vec![row(&[("d", json!(false))], &["a"])]);
    }

    #[test]
    fn a_question_that_changes_the_route_is_not_set_apart() {
        let rows = vec![
            row(&[("d", json!(true))], &["b"]),
            row(&[("d", json!(false))], &["a"]),
        ];
        assert!(set_apart(&rows, "d").is_none());
    }
}
