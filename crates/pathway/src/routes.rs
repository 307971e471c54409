//! Routes: every class of answers walked to its outcome, in one set (for the review pack) or
//! in two versions of a set at once (for the semantic diff).
//!
//! The walk asks what [`decide`] asks and branches on the verifier's answer classes
//! ([`Classes`]); with two sets, on the common refinement of both sets' classes, so one
//! answer stands for every answer that neither set can tell apart. Facts are given to each set
//! as a facts record, read by [`Bundle::parse_facts`]: a set reads only the facts it declares
//! (the others are left out of its record), in its own vocabulary (a v2 set reads the v1
//! answer `true` of a widened fact as `"yes"`, and applies its rewrites). An answer one set
//! cannot take (a v2 option such as `"unsure"` given to a v1 set) ends the walk for that set
//! alone: the route has no end there. A record that contradicts itself (an organisation that
//! settles `reporter_is_first_responder`, with another value given) is no case and is not
//! walked.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::bundle::{Bundle, PathwayId};
use crate::date::Date;
use crate::evaluate::{State, Status, decide, evaluate};
use crate::facts::FactError;
use crate::value::{Facts, Value};
use crate::verify::Classes;
use crate::walk::Config;

/// One set to walk, from one of its pathways.
#[derive(Debug, Clone, Copy)]
pub struct Side<'b> {
    /// The set.
    pub bundle: &'b Bundle,
    /// The pathway walks start in.
    pub start: PathwayId,
}

/// One class of answers and where it leads in each set.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The answers in the order they were asked (over all sets), as a facts record gives them.
    pub answers: Vec<(String, Json)>,
    /// For each set, in the order given: where the walk ended, or `None` when the set cannot
    /// take one of the answers.
    pub ends: Vec<Option<End>>,
}

/// Where one set's walk ended.
#[derive(Debug, Clone, PartialEq)]
pub struct End {
    /// The facts as this set reads them: a record for `pathway decide` on this set.
    pub facts: Facts,
    /// `finished` (a verified set never blocks).
    pub status: Status,
    /// The action codes in order, urgent first.
    pub codes: Vec<String>,
    /// The facts this set asked, in order.
    pub asked: Vec<String>,
    /// The outcome step, as `pathway#step`.
    pub outcome: String,
}

impl End {
    /// Whether two ends are the same route: the same codes in the same order, after the same
    /// questions in the same order.
    pub fn same_route(&self, other: &End) -> bool {
        self.codes == other.codes && self.asked == other.asked
    }
}

/// Every route from the sides' starts, on `today`.
pub fn routes(sides: &[Side<'_>], today: Date) -> Vec<Route> {
    let bundles: Vec<&Bundle> = sides.iter().map(|s| s.bundle).collect();
    let walker = Walker {
        sides,
        today,
        classes: Classes::over(&bundles, today),
        candidates: std::cell::RefCell::new(BTreeMap::new()),
    };
    let mut out = Vec::new();
    walker.walk(&mut Vec::new(), &mut out);
    out
}

/// The whole numbers no rule of these sets tells apart from `v` (an answer to the integer
/// fact `fact`), as runs `lo..=hi`: for saying "18 to 24" instead of "20".
pub fn int_class(bundles: &[&Bundle], today: Date, fact: &str, v: i64) -> Vec<(i64, i64)> {
    // Working out the classes reads every rule of the sets: keep the last sets' classes (a
    // review pack or a diff asks for thousands of answers in words, over the same sets).
    type Cached = Option<((Vec<String>, Date), std::rc::Rc<Classes>)>;
    thread_local! {
        static LAST: std::cell::RefCell<Cached> = const { std::cell::RefCell::new(None) };
    }
    let key = (
        bundles
            .iter()
            .map(|b| b.content_hash().to_owned())
            .collect::<Vec<_>>(),
        today,
    );
    let classes = LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((k, c)) if *k == key => c.clone(),
            _ => {
                let c = std::rc::Rc::new(Classes::over(bundles, today));
                *last = Some((key, c.clone()));
                c
            }
        }
    });
    classes.int_class(fact, v)
}

struct Walker<'s, 'b> {
    sides: &'s [Side<'b>],
    today: Date,
    classes: Classes,
    candidates: std::cell::RefCell<BTreeMap<String, Vec<Json>>>,
}

/// How one set reads a record.
enum Read {
    /// It reads these facts.
    Facts(Facts),
    /// It cannot take an answer of the record.
    Cannot,
    /// The record contradicts itself.
    Contradiction,
}

impl Walker<'_, '_> {
    fn read(&self, side: &Side<'_>, record: &[(String, Json)]) -> Read {
        let object: Map<String, Json> = record
            .iter()
            .filter(|(k, _)| side.bundle.fact(k).is_some())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        match side.bundle.parse_facts(&Json::Object(object), self.today) {
            Ok(facts) => Read::Facts(facts),
            Err(FactError::Contradiction { .. }) => Read::Contradiction,
            Err(_) => Read::Cannot,
        }
    }

    fn walk(&self, record: &mut Vec<(String, Json)>, out: &mut Vec<Route>) {
        let config = Config {
            today: self.today,
            use_defaults: false,
        };
        let mut reads: Vec<Option<Facts>> = Vec::with_capacity(self.sides.len());
        for (i, side) in self.sides.iter().enumerate() {
            // Sides over the same set (walks from several of its pathways) read alike.
            if let Some(j) = (0..i).find(|&j| std::ptr::eq(self.sides[j].bundle, side.bundle)) {
                let same = reads[j].clone();
                reads.push(same);
                continue;
            }
            match self.read(side, record) {
                Read::Facts(f) => reads.push(Some(f)),
                Read::Cannot => reads.push(None),
                Read::Contradiction => return,
            }
        }
        if reads.iter().all(Option::is_none) {
            return;
        }
        // The newest set's question first (the last side): its answers settle older facts.
        let next = self
            .sides
            .iter()
            .zip(&reads)
            .rev()
            .find_map(|(side, facts)| {
                let facts = facts.as_ref()?;
                let d = decide(side.bundle, side.start, facts, &config);
                (d.status == Status::NeedsAnswer)
                    .then(|| d.next_fact.map(str::to_owned))
                    .flatten()
            });
        let Some(fact) = next else {
            let ends = self
                .sides
                .iter()
                .zip(reads)
                .map(|(side, facts)| facts.map(|f| self.end(side, f, &config)))
                .collect();
            out.push(Route {
                answers: record.clone(),
                ends,
            });
            return;
        };
        for value in self.candidates_for(&fact) {
            record.push((fact.clone(), value));
            self.walk(record, out);
            record.pop();
        }
    }

    fn end(&self, side: &Side<'_>, facts: Facts, config: &Config) -> End {
        let e = evaluate(side.bundle, side.start, &facts, config);
        let asked = e
            .trail
            .iter()
            .filter_map(|v| v.answer.as_ref().map(|a| a.fact.to_owned()))
            .collect();
        let (status, codes, outcome) = match &e.state {
            State::Finished(o) => (
                Status::Finished,
                o.codes().into_iter().map(str::to_owned).collect(),
                format!("{}#{}", o.pathway, o.step),
            ),
            State::NeedsAnswer(q) => (
                Status::NeedsAnswer,
                Vec::new(),
                format!("{}#{}", q.pathway, q.step),
            ),
            State::Blocked { step, .. } => (Status::Blocked, Vec::new(), (*step).to_owned()),
        };
        End {
            facts,
            status,
            codes,
            asked,
            outcome,
        }
    }

    /// The answers to try for a fact: each set's classes of it, as a record writes them,
    /// without an answer that another one stands for (one every set reads the same way, or
    /// one that more sets can take and that reads the same wherever this one can be read).
    fn candidates_for(&self, fact: &str) -> Vec<Json> {
        if let Some(c) = self.candidates.borrow().get(fact) {
            return c.clone();
        }
        let mut all: Vec<Json> = Vec::new();
        for side in self.sides {
            for v in self.classes.values(side.bundle, fact) {
                let json = v.to_json();
                if !all.contains(&json) {
                    all.push(json);
                }
            }
        }
        // How each set reads each answer: `Some(None)` ignored, `None` refused.
        let reading = |json: &Json| -> Vec<Option<Option<Value>>> {
            self.sides
                .iter()
                .map(|side| match side.bundle.fact(fact) {
                    None => Some(None),
                    Some(decl) => decl.parse_value(json, self.today).ok().map(Some),
                })
                .collect()
        };
        let readings: Vec<_> = all.iter().map(reading).collect();
        let covers = |a: &[Option<Option<Value>>], b: &[Option<Option<Value>>]| {
            a.iter().zip(b).all(|(x, y)| y.is_none() || x == y)
        };
        let mut kept = Vec::new();
        for (i, json) in all.iter().enumerate() {
            let r = &readings[i];
            let dominated = readings
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && covers(other, r) && (other != r || j < i));
            if !dominated {
                kept.push(json.clone());
            }
        }
        self.candidates
            .borrow_mut()
            .insert(fact.to_owned(), kept.clone());
        kept
    }
}
