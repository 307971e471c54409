//! The semantic diff of two versions of a pathway set: which cases a change moves to
//! another route, each with a concrete example, and the changes of content that move none.
//!
//! Both sets are walked together from their entry pathways over the common refinement of
//! their answer classes ([`crate::routes`]): every class of answers that either set can tell
//! apart. A class **changed route** when its action codes, their order, or the questions
//! asked differ. Classes that changed in the same way (the same codes before and after, the
//! same questions added and dropped) are one change, with the first class as its example.
//!
//! **Vocabulary.** Each set reads the example in its own vocabulary, so the example is given
//! as each set reads it (`old_facts`, `new_facts`): a set is given only the facts it declares
//! (a v1 set never sees `reporter_organisation`), and a v2 set reads v1 answers through its
//! aliases and rewrites (`true` as `"yes"`). The walk states answers in the older vocabulary
//! where both sets can read them (every v1 record means the same under v2), so each side's
//! facts replay with `pathway decide` on that set. An answer only one set can take (`"unsure"`
//! is not a v1 answer) has no route in the other set: it is listed apart, as a new answer.

mod content;
mod load;
mod report;
mod summary;

pub use report::{diff_report, diff_report_with};

use serde::Serialize;
use serde_json::Value as Json;

use crate::bundle::{Bundle, PathwayId, SourceFile};
use crate::date::Date;
use crate::diagnostic::LoadError;
use crate::review::doc::{self, Doc};
use crate::review::{action_title, answer};
use crate::routes::{End, Route, Side, routes};
use crate::value::Facts;

pub use content::ContentChange;
pub use load::{Loaded, RELAXED_CHECKS, load_for_comparison};
pub use summary::{ActionShift, QuestionShift, Summary};

/// How many route changes a report shows in full (with their example) unless asked for all;
/// the others get one line each. JSON always holds every change in full.
pub const CHANGES_IN_FULL: usize = 10;

/// How many route changes a report lists at all (in full or in one line) unless asked for
/// all: the others are counted in one line.
pub const CHANGES_LISTED: usize = 200;

/// The formats of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// Plain text for a terminal.
    Text,
    /// Markdown.
    Markdown,
    /// One self-contained printable HTML page.
    Html,
    /// JSON ([`SetDiff`]).
    Json,
}

/// Which version of a set failed to load.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the {which} set does not load:\n{error}")]
pub struct DiffError {
    /// `old` or `new`.
    pub which: &'static str,
    /// Why.
    pub error: LoadError,
}

/// One version of the set, as compared.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// How the set was named (a folder).
    pub name: String,
    /// The entry pathway's title.
    pub title: String,
    /// The entry pathway's version.
    pub version: String,
    /// The content hash.
    pub hash: String,
    /// Checks the set fails today that the comparison relaxed, and how.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relaxed: Vec<String>,
}

/// Where one version's walk ends for an example.
#[derive(Debug, Clone, Serialize)]
pub struct Ending {
    /// The facts as this version reads them: replay with `pathway decide`.
    pub facts: Facts,
    /// The action codes in order.
    pub codes: Vec<String>,
    /// The action titles in order.
    pub actions: Vec<String>,
    /// The facts asked, in order.
    pub asked: Vec<String>,
    /// The outcome step, `pathway#step`.
    pub outcome: String,
}

/// Classes of answers that changed route in the same way.
#[derive(Debug, Clone, Serialize)]
pub struct RouteChange {
    /// The pathway the walks start in (its id): the entry pathway, or a pathway started
    /// directly whose changes differ from the entry's.
    pub start: String,
    /// How many classes of answers changed this way.
    pub classes: usize,
    /// What changed, in words.
    pub what: Vec<String>,
    /// The example's answers in words (question: answer), in the order asked.
    pub answers: Vec<String>,
    /// Before.
    pub old: Ending,
    /// After.
    pub new: Ending,
}

/// An answer only one version can take: its cases have no route in the other.
#[derive(Debug, Clone, Serialize)]
pub struct NewAnswer {
    /// `old` (an answer dropped) or `new` (an answer added).
    pub only_in: &'static str,
    /// The fact.
    pub fact: String,
    /// The question.
    pub question: String,
    /// The answer as a record gives it.
    pub value: Json,
    /// The answer in words.
    pub label: String,
    /// How many classes of answers have it.
    pub classes: usize,
}

/// A pathway both versions have, started directly instead of from the entry.
#[derive(Debug, Clone, Serialize)]
pub struct DirectStart {
    /// The pathway's id.
    pub pathway: String,
    /// Its title (in the newer version).
    pub title: String,
    /// Classes of answers (both versions together) whose route started directly at this
    /// pathway differs, in either version, from the route started at the entry.
    pub differs_from_entry: usize,
    /// Classes whose change (before to after) started here is not the change from the entry:
    /// these are listed as route changes of their own, with `start` this pathway.
    pub changed_otherwise: usize,
}

/// The semantic diff of two versions of a set.
#[derive(Debug, Clone, Serialize)]
pub struct SetDiff {
    /// The older version.
    pub old: Version,
    /// The newer version.
    pub new: Version,
    /// The date ages were worked out on.
    pub today: Date,
    /// Classes of answers walked (both versions together).
    pub classes: usize,
    /// Classes whose route changed (both versions take their answers).
    pub changed: usize,
    /// Action by action and question by question, how the routes changed.
    pub summary: Summary,
    /// The pathways both versions have, started directly (walked with the entry's walks).
    pub direct_starts: Vec<DirectStart>,
    /// The route changes, the most classes first.
    pub changes: Vec<RouteChange>,
    /// Answers only one version takes.
    pub new_answers: Vec<NewAnswer>,
    /// Changes of content that move no route by themselves.
    pub content: Vec<ContentChange>,
}

impl SetDiff {
    /// Whether any case goes another way: a route changed, or an answer was added or
    /// dropped (the command's exit status 1).
    pub fn routes_changed(&self) -> bool {
        !self.changes.is_empty() || !self.new_answers.is_empty()
    }
}

/// Compares two versions of a set (their files, and how to name them) on `today`. The older
/// one may fail checks added since ([`RELAXED_CHECKS`]); either is refused if it is broken.
pub fn diff_sets(
    old: (&str, &[SourceFile<'_>]),
    new: (&str, &[SourceFile<'_>]),
    today: Date,
) -> Result<SetDiff, DiffError> {
    let a = load_for_comparison(old.1).map_err(|error| DiffError {
        which: "old",
        error,
    })?;
    let b = load_for_comparison(new.1).map_err(|error| DiffError {
        which: "new",
        error,
    })?;
    // The entry's walks, and each pathway both versions have started directly, walked
    // together: sides in pairs (older, newer), the entry's pair first.
    let mut starts: Vec<(String, PathwayId, PathwayId)> = Vec::new();
    let (entry_a, entry_b) = (a.bundle.entry(), b.bundle.entry());
    starts.push((a.bundle.meta(entry_b).id.clone(), entry_a, entry_b));
    for p in b.bundle.pathways().filter(|&p| p != entry_b) {
        let id = &b.bundle.meta(p).id;
        if let Some(q) = a
            .bundle
            .pathways()
            .find(|&q| q != entry_a && a.bundle.meta(q).id == *id)
        {
            starts.push((id.clone(), q, p));
        }
    }
    // The walk asks the last side's question first: the entry's newer version leads.
    let sides: Vec<Side<'_>> = starts
        .iter()
        .rev()
        .flat_map(|(_, q, p)| {
            [
                Side {
                    bundle: &a.bundle,
                    start: *q,
                },
                Side {
                    bundle: &b.bundle,
                    start: *p,
                },
            ]
        })
        .collect();
    let all = routes(&sides, today);
    // Where the ends of `starts[k]` are: its older version's, then its newer one's.
    let at = |k: usize| 2 * (starts.len() - 1 - k);
    let bundles = [&a.bundle, &b.bundle];
    let mut changes: Vec<((String, Key), RouteChange)> = Vec::new();
    let mut new_answers: Vec<NewAnswer> = Vec::new();
    let mut changed = 0;
    let mut direct: Vec<DirectStart> = starts[1..]
        .iter()
        .map(|(id, _, p)| DirectStart {
            pathway: id.clone(),
            title: b.bundle.meta(*p).title.clone(),
            differs_from_entry: 0,
            changed_otherwise: 0,
        })
        .collect();
    let mut add = |start: &str, r: &Route, o: &End, n: &End| {
        let key = (start.to_owned(), Key::of(o, n));
        match changes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => c.classes += 1,
            None => {
                let change = RouteChange {
                    start: start.to_owned(),
                    classes: 1,
                    what: what_changed(&bundles, o, n),
                    answers: r
                        .answers
                        .iter()
                        .map(|(f, v)| {
                            format!(
                                "{}: {}",
                                question(&bundles, f),
                                answer(&bundles, today, f, v)
                            )
                        })
                        .collect(),
                    old: ending(&a.bundle, o),
                    new: ending(&b.bundle, n),
                };
                changes.push((key, change));
            }
        }
    };
    for r in &all {
        // The pathways started directly: where they part from the entry's walks.
        for (i, d) in direct.iter_mut().enumerate() {
            let (eo, en) = (&r.ends[at(0)], &r.ends[at(0) + 1]);
            let (so, sn) = (&r.ends[at(i + 1)], &r.ends[at(i + 1) + 1]);
            let same = |x: &Option<End>, y: &Option<End>| match (x, y) {
                (Some(x), Some(y)) => x.same_route(y),
                (None, None) => true,
                _ => false,
            };
            if !same(eo, so) || !same(en, sn) {
                d.differs_from_entry += 1;
            }
            if let (Some(so), Some(sn)) = (so, sn)
                && !so.same_route(sn)
            {
                let as_entry = match (eo, en) {
                    (Some(eo), Some(en)) => {
                        !eo.same_route(en) && Key::of(eo, en) == Key::of(so, sn)
                    }
                    _ => false,
                };
                if !as_entry {
                    d.changed_otherwise += 1;
                    add(&d.pathway, r, so, sn);
                }
            }
        }
        match (&r.ends[at(0)], &r.ends[at(0) + 1]) {
            (Some(o), Some(n)) => {
                if o.same_route(n) {
                    continue;
                }
                changed += 1;
                add(&starts[0].0, r, o, n);
            }
            (o, _) => {
                let only_in = if o.is_none() { "new" } else { "old" };
                let reader = if o.is_none() { &b.bundle } else { &a.bundle };
                let other = if o.is_none() { &a.bundle } else { &b.bundle };
                // The first answer the other version cannot take.
                let refused = r.answers.iter().find(|(f, v)| {
                    other
                        .fact(f)
                        .is_some_and(|d| d.parse_value(v, today).is_err())
                });
                let Some((fact, value)) = refused else {
                    continue;
                };
                match new_answers
                    .iter_mut()
                    .find(|x| x.only_in == only_in && x.fact == *fact && x.value == *value)
                {
                    Some(x) => x.classes += 1,
                    None => new_answers.push(NewAnswer {
                        only_in,
                        fact: fact.clone(),
                        question: question(&[reader], fact),
                        value: value.clone(),
                        label: answer(&[reader], today, fact, value),
                        classes: 1,
                    }),
                }
            }
        }
    }
    let version = |name: &str, l: &Loaded| {
        let m = l.bundle.meta(l.bundle.entry());
        Version {
            name: name.to_owned(),
            title: m.title.clone(),
            version: m.version.clone(),
            hash: l.bundle.content_hash().to_owned(),
            relaxed: l.relaxed.clone(),
        }
    };
    let mut changes: Vec<RouteChange> = changes.into_iter().map(|(_, c)| c).collect();
    // The most classes first; the entry's changes before a direct start's (a stable sort
    // keeps the walk's order among equals).
    changes.sort_by_key(|c| (c.start != starts[0].0, std::cmp::Reverse(c.classes)));
    Ok(SetDiff {
        old: version(old.0, &a),
        new: version(new.0, &b),
        today,
        classes: all.len(),
        changed,
        summary: summary::summarise(&all, (at(0), at(0) + 1), bundles, today),
        direct_starts: direct,
        changes,
        new_answers,
        content: content::content_changes(old.1, new.1),
    })
}

/// How a class changed: the codes before and after, and the questions added and dropped.
#[derive(PartialEq)]
struct Key(Vec<String>, Vec<String>, Vec<String>, Vec<String>, bool);

impl Key {
    /// The actions gained and lost (as sorted sets), whether the actions both give come in
    /// another order, and (only when the actions are the same) the questions added and
    /// dropped.
    fn of(o: &End, n: &End) -> Self {
        let mut gained: Vec<String> = n
            .codes
            .iter()
            .filter(|c| !o.codes.contains(c))
            .cloned()
            .collect();
        let mut lost: Vec<String> = o
            .codes
            .iter()
            .filter(|c| !n.codes.contains(c))
            .cloned()
            .collect();
        gained.sort();
        lost.sort();
        let kept_old: Vec<&String> = o.codes.iter().filter(|c| n.codes.contains(c)).collect();
        let kept_new: Vec<&String> = n.codes.iter().filter(|c| o.codes.contains(c)).collect();
        let order = kept_old != kept_new;
        let (mut added, mut dropped) = (Vec::new(), Vec::new());
        if gained.is_empty() && lost.is_empty() && !order {
            added = n
                .asked
                .iter()
                .filter(|f| !o.asked.contains(f))
                .cloned()
                .collect();
            dropped = o
                .asked
                .iter()
                .filter(|f| !n.asked.contains(f))
                .cloned()
                .collect();
            added.sort();
            dropped.sort();
        }
        Self(gained, lost, added, dropped, order)
    }
}

/// Whether the questions both ask are asked in another order.
fn reordered(o: &End, n: &End) -> bool {
    let a: Vec<&String> = o.asked.iter().filter(|f| n.asked.contains(f)).collect();
    let b: Vec<&String> = n.asked.iter().filter(|f| o.asked.contains(f)).collect();
    a != b
}

fn question(bundles: &[&Bundle], fact: &str) -> String {
    bundles
        .iter()
        .rev()
        .find_map(|b| b.fact(fact))
        .map_or_else(|| fact.to_owned(), |d| d.question.clone())
}

fn titles(bundle: &Bundle, codes: &[String]) -> Vec<String> {
    codes.iter().map(|c| action_title(bundle, c)).collect()
}

fn ending(bundle: &Bundle, e: &End) -> Ending {
    Ending {
        facts: e.facts.clone(),
        codes: e.codes.clone(),
        actions: titles(bundle, &e.codes),
        asked: e.asked.clone(),
        outcome: e.outcome.clone(),
    }
}

fn what_changed(bundles: &[&Bundle; 2], o: &End, n: &End) -> Vec<String> {
    let mut what = Vec::new();
    let gained: Vec<&String> = n.codes.iter().filter(|c| !o.codes.contains(c)).collect();
    let lost: Vec<&String> = o.codes.iter().filter(|c| !n.codes.contains(c)).collect();
    let say = |b: &Bundle, cs: &[&String]| {
        cs.iter()
            .map(|c| format!("\"{}\" ({c})", action_title(b, c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !gained.is_empty() {
        what.push(format!("now also: {}", say(bundles[1], &gained)));
    }
    if !lost.is_empty() {
        what.push(format!("no longer: {}", say(bundles[0], &lost)));
    }
    let kept_old: Vec<&String> = o.codes.iter().filter(|c| n.codes.contains(c)).collect();
    let kept_new: Vec<&String> = n.codes.iter().filter(|c| o.codes.contains(c)).collect();
    if kept_old != kept_new {
        what.push("the actions both give come in another order".into());
    }
    let asks: Vec<String> = n
        .asked
        .iter()
        .filter(|f| !o.asked.contains(f))
        .map(|f| format!("\"{}\"", question(bundles, f)))
        .collect();
    if !asks.is_empty() {
        what.push(format!("now also asks: {}", asks.join(", ")));
    }
    let dropped: Vec<String> = o
        .asked
        .iter()
        .filter(|f| !n.asked.contains(f))
        .map(|f| format!("\"{}\"", question(&bundles[..1], f)))
        .collect();
    if !dropped.is_empty() {
        what.push(format!("no longer asks: {}", dropped.join(", ")));
    }
    if reordered(o, n) {
        what.push("the questions both ask come in another order".into());
    }
    what
}
