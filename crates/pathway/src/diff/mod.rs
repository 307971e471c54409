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
mod summary;

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

/// The diff in a format: a summary, then the [`CHANGES_IN_FULL`] route changes that cover
/// the most classes in full and one line for each other one (JSON holds everything).
pub fn diff_report(diff: &SetDiff, format: DiffFormat) -> String {
    diff_report_with(diff, format, false)
}

/// The diff in a format, with every route change in full when `full` is set.
pub fn diff_report_with(diff: &SetDiff, format: DiffFormat, full: bool) -> String {
    let in_full = if full { usize::MAX } else { CHANGES_IN_FULL };
    match format {
        DiffFormat::Json => serde_json::to_string_pretty(diff).unwrap_or_default() + "\n",
        DiffFormat::Text => doc::text(&document(diff, in_full)),
        DiffFormat::Markdown => doc::markdown(&document(diff, in_full)),
        DiffFormat::Html => doc::html(&document(diff, in_full)),
    }
}

fn facts_json(f: &Facts) -> String {
    serde_json::to_string(f).unwrap_or_default()
}

/// One line for a change not shown in full: its number, classes, and the action codes
/// gained and lost (or that only their order or the questions changed).
fn one_line(i: usize, c: &RouteChange, entry: &str) -> String {
    let mut what: Vec<String> = Vec::new();
    let gained = c.new.codes.iter().filter(|x| !c.old.codes.contains(x));
    let lost = c.old.codes.iter().filter(|x| !c.new.codes.contains(x));
    let codes: Vec<String> = gained
        .map(|x| format!("+{x}"))
        .chain(lost.map(|x| format!("-{x}")))
        .collect();
    if !codes.is_empty() {
        what.push(codes.join(" "));
    }
    let kept_old: Vec<&String> = c
        .old
        .codes
        .iter()
        .filter(|x| c.new.codes.contains(x))
        .collect();
    let kept_new: Vec<&String> = c
        .new
        .codes
        .iter()
        .filter(|x| c.old.codes.contains(x))
        .collect();
    if kept_old != kept_new {
        what.push("actions reordered".into());
    }
    if what.is_empty() {
        what.push("the same actions, after other questions".into());
    }
    let from = if c.start == entry {
        String::new()
    } else {
        format!(", started at {}", c.start)
    };
    format!(
        "{} ({} class{}{from}): {}",
        i + 1,
        c.classes,
        if c.classes == 1 { "" } else { "es" },
        what.join("; "),
    )
}

fn summary_section(d: &mut Doc, diff: &SetDiff) {
    let s = &diff.summary;
    if s.actions.is_empty() && s.questions.is_empty() {
        return;
    }
    d.h(2, "What changes, action by action");
    d.p(format!(
        "Out of the {} classes of answers both versions take. \"Typically\" gives the answers that most set those classes apart: how many of them give that answer, and how many of all the classes giving that answer are among them.",
        s.compared
    ));
    for a in &s.actions {
        d.h(3, format!("{} ({})", a.title, a.code));
        let mut lines = Vec::new();
        let mut with = |n: usize, what: &str, when: &[String]| {
            if n == 0 {
                return;
            }
            let mut line = format!("{what} {n} classes ({})", summary::percent(n, s.compared));
            if !when.is_empty() {
                line.push_str(". Typically: ");
                line.push_str(&when.join("; "));
            }
            lines.push(line);
        };
        with(a.gained, "Now given to", &a.gained_when);
        with(a.lost, "No longer given to", &a.lost_when);
        with(
            a.earlier,
            "Comes earlier among the actions both versions give, for",
            &[],
        );
        with(
            a.later,
            "Comes later among the actions both versions give, for",
            &[],
        );
        d.list(lines);
    }
    if !s.questions.is_empty() {
        d.h(2, "What changes, question by question");
        let rows = s
            .questions
            .iter()
            .map(|q| {
                let mut dropped = vec![q.no_longer_asked.to_string()];
                if !q.no_longer_asked_when.is_empty() {
                    dropped.push(format!("Typically: {}", q.no_longer_asked_when.join("; ")));
                }
                vec![
                    vec![q.question.clone(), format!("({})", q.fact)],
                    vec![q.newly_asked.to_string()],
                    dropped,
                ]
            })
            .collect();
        d.table(
            &[
                "Question",
                "Classes newly asked it",
                "Classes no longer asked it",
            ],
            rows,
        );
    }
}

fn direct_starts(d: &mut Doc, diff: &SetDiff) {
    d.h(2, "Pathways started directly");
    if diff.direct_starts.is_empty() {
        d.p("Only the entry pathway's walks are compared: no other pathway is in both versions.");
        return;
    }
    d.p("Each other pathway both versions have was also walked from its own start (as `pathway decide PATHWAY` starts it), together with the entry's walks, over the same classes of answers.");
    let lines = diff
        .direct_starts
        .iter()
        .map(|s| {
            if s.differs_from_entry == 0 {
                format!(
                    "\"{}\" ({}): every class of answers takes the same route from its start as from the entry, in both versions: the changes below hold for it as they are.",
                    s.title, s.pathway
                )
            } else if s.changed_otherwise == 0 {
                format!(
                    "\"{}\" ({}): {} classes take another route from its start than from the entry, in one version or both, but each changes from one version to the other as it does from the entry.",
                    s.title, s.pathway, s.differs_from_entry
                )
            } else {
                format!(
                    "\"{}\" ({}): {} classes change otherwise from its start than from the entry: they are listed as changes of their own, started at {}.",
                    s.title, s.pathway, s.changed_otherwise, s.pathway
                )
            }
        })
        .collect();
    d.list(lines);
}

fn document(diff: &SetDiff, in_full: usize) -> Doc {
    let (o, n) = (&diff.old, &diff.new);
    let mut d = Doc::new(format!(
        "What changes from version {} to version {}",
        o.version, n.version
    ));
    d.p(format!(
        "Old: {} ({}), version {}, content hash {}. New: {} ({}), version {}, content hash {}. Ages worked out on {}.",
        o.title, o.name, o.version, o.hash, n.title, n.name, n.version, n.hash, diff.today.human()
    ));
    for (which, v) in [("old", o), ("new", n)] {
        if !v.relaxed.is_empty() {
            d.callout(format!(
                "The {which} set fails checks added since it was written; it was loaded for comparison only, with these checks relaxed. It would be refused for use."
            ));
            d.list(v.relaxed.clone());
        }
    }
    d.h(2, "Summary");
    if diff.routes_changed() {
        d.callout(format!(
            "Routes changed: {} of {} classes of answers go another way ({} distinct changes), and {} answers are taken by one version only.",
            diff.changed,
            diff.classes,
            diff.changes.len(),
            diff.new_answers.len()
        ));
    } else {
        d.callout(format!(
            "No route changed: all {} classes of answers give the same actions, in the same order, after the same questions.",
            diff.classes
        ));
    }
    d.p("A class of answers is one combination of answers that no rule of either version can tell apart (ages and dates of birth are split at every threshold either version uses). Counts are of classes, not of cases: a class stands for every case that answers that way, however common or rare.");
    summary_section(&mut d, diff);
    direct_starts(&mut d, diff);
    d.h(2, "How it was worked out, and how to replay an example");
    d.p("Both versions were walked together from their entry pathways over every class of answers either version can tell apart. A class changed route when its actions, their order, or the questions asked differ. Classes that changed in the same way are one change below, with one example: the answers it was found with, both outcomes, and the facts as each version reads them (a version is given only the facts it declares, in its own vocabulary; a newer version reads older answers through its aliases, such as true read as \"yes\").");
    d.p(format!(
        "To replay an example: save the facts as a version reads them to a file and run `pathway --pathways {} decide --today {} --facts FILE --format text` (or with {} for the other version).",
        n.name, diff.today, o.name
    ));
    for (which, v) in [("old", o), ("new", n)] {
        if !v.relaxed.is_empty() {
            d.p(format!(
                "The {which} set ({}) fails checks added since it was written, so `pathway decide` refuses it as it is; add `--relaxed` to load it as this comparison does (each relaxed check is said above): `pathway --pathways {} decide --relaxed --today {} --facts FILE --format text`. Never use --relaxed for a real case.",
                v.name, v.name, diff.today
            ));
        }
    }
    if !diff.changes.is_empty() {
        d.h(2, "Route changes");
        let shown = in_full.min(diff.changes.len());
        if shown < diff.changes.len() {
            d.p(format!(
                "The {shown} changes that cover the most classes are shown in full, each with an example; the next {} get one line each: its number, how many classes, and the action codes gained (+) and lost (-). The example of change N is `changes[N-1]` of `pathway diff --format json` (the same order). `pathway diff --full` shows every change in full.",
                CHANGES_LISTED.clamp(shown, diff.changes.len()) - shown
            ));
        }
    }
    for (i, c) in diff.changes.iter().enumerate() {
        if i >= in_full {
            if i == in_full {
                let listed = if in_full == usize::MAX {
                    diff.changes.len()
                } else {
                    CHANGES_LISTED.clamp(i, diff.changes.len())
                };
                d.h(3, format!("Changes {} to {listed}, one line each", i + 1));
                d.list(
                    diff.changes[i..listed]
                        .iter()
                        .enumerate()
                        .map(|(j, c)| one_line(i + j, c, &diff.changes[0].start))
                        .collect(),
                );
                let rest = &diff.changes[listed..];
                if let Some(first) = rest.first() {
                    d.p(format!(
                        "The other {} changes ({} to {}) cover {} classes in all, {} at most each: `pathway diff --full` lists them, and the JSON holds each with its example.",
                        rest.len(),
                        listed + 1,
                        diff.changes.len(),
                        rest.iter().map(|c| c.classes).sum::<usize>(),
                        first.classes
                    ));
                }
            }
            continue;
        }
        let from = if c.start == diff.changes[0].start {
            String::new()
        } else {
            format!(", started directly at {}", c.start)
        };
        d.h(
            3,
            format!(
                "Change {}: {} class{} of answers{from}",
                i + 1,
                c.classes,
                if c.classes == 1 { "" } else { "es" }
            ),
        );
        d.list(c.what.clone());
        d.p("Example answers:");
        d.list(c.answers.clone());
        d.table(
            &["", "Before", "After"],
            vec![
                vec![
                    vec!["Actions".into()],
                    numbered(&c.old.actions),
                    numbered(&c.new.actions),
                ],
                vec![
                    vec!["Codes".into()],
                    vec![c.old.codes.join(", ")],
                    vec![c.new.codes.join(", ")],
                ],
                vec![
                    vec!["Outcome step".into()],
                    vec![c.old.outcome.clone()],
                    vec![c.new.outcome.clone()],
                ],
            ],
        );
        let (of, nf) = (facts_json(&c.old.facts), facts_json(&c.new.facts));
        if of == nf {
            d.p("Facts (both versions read them the same way):");
            d.code(of);
        } else {
            d.p(format!("Facts as version {} reads them:", o.version));
            d.code(of);
            d.p(format!("Facts as version {} reads them:", n.version));
            d.code(nf);
        }
    }
    if !diff.new_answers.is_empty() {
        d.h(2, "Answers only one version takes");
        d.p("Cases with these answers have no route in the other version: see the review pack for their routes.");
        let rows = diff
            .new_answers
            .iter()
            .map(|a| {
                vec![
                    vec![a.question.clone()],
                    vec![a.label.clone(), format!("({}: {})", a.fact, a.value)],
                    vec![if a.only_in == "new" {
                        format!("added in {}", n.version)
                    } else {
                        format!("dropped in {}", n.version)
                    }],
                    vec![a.classes.to_string()],
                ]
            })
            .collect();
        d.table(&["Question", "Answer", "", "Classes"], rows);
    }
    d.h(
        2,
        "Changes of wording, contacts, sources and safety properties",
    );
    if diff.content.is_empty() {
        d.p("None.");
    }
    for (kind, heading) in [
        ("pathway", "Pathways and review dates"),
        ("question", "Questions, help and answers"),
        ("action", "Actions"),
        ("invariant", "Safety properties"),
        ("hazard", "Hazard log"),
        ("contact", "Contacts"),
        ("source", "Sources"),
    ] {
        let rows: Vec<Vec<Vec<String>>> = diff
            .content
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| {
                let mut id = vec![c.id.clone()];
                if !c.pathways.is_empty() {
                    id.push(format!("in {}", c.pathways.join(", ")));
                }
                vec![
                    id,
                    vec![c.field.clone()],
                    vec![c.old.clone().unwrap_or_default()],
                    vec![c.new.clone().unwrap_or_default()],
                ]
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        d.h(3, format!("{heading} ({})", rows.len()));
        d.table(&["Item", "Field", "Before", "After"], rows);
    }
    d
}

fn numbered(items: &[String]) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}. {t}", i + 1))
        .collect()
}
