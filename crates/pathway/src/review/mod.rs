//! The review pack: everything a steering group needs to approve a pathway set, in words,
//! for people who have never seen its JSON.
//!
//! The questions with their help and answers; every route as answers to actions (from the
//! verifier's answer classes, made short by [`table`]); every action with its instructions,
//! contacts (with where and when they were checked) and sources; the hazard log with each
//! control's proof; the invariants, proven over every path; review dates and what is
//! overdue on `today`; and the flowcharts. Rendered as one self-contained printable HTML
//! page (inline style and SVG, no script, nothing loaded from anywhere) or as Markdown.

pub(crate) mod doc;
mod reference;
mod table;

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::bundle::{Bundle, PathwayId};
use crate::date::{Date, age_on, days_until_birthday};
use crate::model::{Confidence, FactType, HazardSeverity, Source};
use crate::render::{GraphFormat, answer_words, graph};
use crate::routes::{Side, routes};
use crate::verify::{Report, verify};

use doc::Doc;
use reference::{actions, all_sources, contacts, flowcharts, sign_off, sources};

/// The format of a review pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFormat {
    /// One self-contained printable HTML page.
    Html,
    /// Markdown (the flowcharts are left to the HTML pack).
    Markdown,
}

/// A contact is due a recheck when it was checked longer ago than this.
pub const RECHECK_DAYS: i64 = 183;

/// The review pack of a verified set on `today`.
pub fn review_pack(bundle: &Bundle, today: Date, format: ReviewFormat) -> String {
    ReviewPack::new(bundle, today).render(format)
}

/// A review pack worked out once (the routes walked, the set verified), to write in any
/// format.
#[derive(Debug, Clone)]
pub struct ReviewPack(Doc);

impl ReviewPack {
    /// The review pack of a verified set on `today`.
    pub fn new(bundle: &Bundle, today: Date) -> Self {
        Self(build(bundle, today))
    }

    /// The pack in a format.
    pub fn render(&self, format: ReviewFormat) -> String {
        match format {
            ReviewFormat::Html => doc::html(&self.0),
            ReviewFormat::Markdown => doc::markdown(&self.0),
        }
    }
}

fn build(bundle: &Bundle, today: Date) -> Doc {
    let report = verify(bundle, today);
    let entry = bundle.meta(bundle.entry());
    let mut d = Doc::new(format!(
        "Review pack: {} (version {})",
        entry.title, entry.version
    ));
    summary(&mut d, bundle, &report, today);
    dates(&mut d, bundle, today);
    hazards(&mut d, bundle, &report);
    invariants(&mut d, &report);
    questions(&mut d, bundle);
    route_tables(&mut d, bundle, today);
    actions(&mut d, bundle);
    contacts(&mut d, bundle, today);
    sources(&mut d, bundle);
    flowcharts(&mut d, bundle);
    sign_off(&mut d, bundle);
    d
}

fn summary(d: &mut Doc, bundle: &Bundle, report: &Report, today: Date) {
    d.h(2, "Summary");
    d.p(format!(
        "This pack describes the pathway set as it stands, in words, for the people who approve it. It was produced by `pathway review` on {} from the set's files (content hash {}). Nothing in it needs the JSON files to be read.",
        today.human(),
        bundle.content_hash()
    ));
    let rows = bundle
        .pathways()
        .map(|p| {
            let m = bundle.meta(p);
            let status = if m.review_by < today {
                "OVERDUE for review"
            } else {
                "in date"
            };
            vec![
                vec![m.title.clone()],
                vec![m.version.clone()],
                vec![m.reviewed.human()],
                vec![m.review_by.human()],
                vec![status.to_owned()],
            ]
        })
        .collect();
    d.table(
        &[
            "Pathway",
            "Version",
            "Last reviewed",
            "Review by",
            "On this date",
        ],
        rows,
    );
    let broken: Vec<&str> = report
        .invariants
        .iter()
        .filter(|i| i.counterexample.is_some())
        .map(|i| i.id.as_str())
        .collect();
    let uncontrolled = report.hazards.iter().filter(|h| !h.controlled()).count();
    if broken.is_empty() && uncontrolled == 0 && report.diagnostics.is_empty() {
        d.callout(format!(
            "Verified on {}: every safety property holds on every one of the {} paths through the set, and every hazard in the log is controlled.",
            report.today.human(),
            report.path_count
        ));
    } else {
        d.callout(format!(
            "NOT verified on {}: {} safety properties broken ({}), {uncontrolled} hazards not controlled. Do not approve this version.",
            report.today.human(),
            broken.len(),
            broken.join(", ")
        ));
    }
    d.p("How to read it: the hazard log says what could go wrong for a victim and which proven safety properties prevent it; the routes say, for every class of answers a worker can give, what the worker is told to do; the actions say exactly what the worker reads, whom they call, and on what authority. Check the review dates section for anything overdue.");
}

fn dates(d: &mut Doc, bundle: &Bundle, today: Date) {
    d.h(2, "Review dates and anything overdue");
    d.p(format!(
        "Compared with {}. A pathway is overdue after its review-by date. A contact is due a recheck when it is unverified, or when it was checked more than {RECHECK_DAYS} days (six months) ago. A source of confidence L (not confirmed) may only prompt a local check.",
        today.human()
    ));
    let mut overdue = Vec::new();
    for p in bundle.pathways() {
        let m = bundle.meta(p);
        if m.review_by < today {
            overdue.push(format!(
                "Pathway \"{}\": review was due by {}.",
                m.title,
                m.review_by.human()
            ));
        }
    }
    for c in bundle.contacts.values() {
        if let Some(why) = contact_due(c, today) {
            overdue.push(format!("Contact \"{}\": {why}.", c.name));
        }
    }
    for (tag, s) in all_sources(bundle) {
        if s.confidence == Confidence::L {
            overdue.push(format!(
                "Source {tag} \"{}\" is not confirmed (L): it may only prompt a local check.",
                s.title
            ));
        }
    }
    if overdue.is_empty() {
        d.callout("Nothing is overdue.");
    } else {
        d.callout(format!("{} items need attention:", overdue.len()));
        d.list(overdue);
    }
}

/// Why a contact is due a recheck, if it is.
fn contact_due(c: &crate::model::Contact, today: Date) -> Option<String> {
    if !c.verified {
        return Some("unverified: workers are told to check it locally".into());
    }
    let checked: Option<Date> = c.checked.as_deref().and_then(|t| t.parse().ok());
    match checked {
        None => Some("no date it was checked".into()),
        Some(day) if today.to_days() - day.to_days() > RECHECK_DAYS => Some(format!(
            "last checked {}, more than six months ago",
            day.human()
        )),
        Some(_) => None,
    }
}

fn invariant_words(report: &Report) -> BTreeMap<&str, &str> {
    report
        .invariants
        .iter()
        .map(|i| (i.id.as_str(), i.description.as_str()))
        .collect()
}

fn hazards(d: &mut Doc, bundle: &Bundle, report: &Report) {
    d.h(2, "Hazard log");
    if bundle.hazards().is_empty() {
        d.p("The set has no hazard log.");
        return;
    }
    d.p("Each hazard is something that could go wrong for a victim. Its controls are safety properties that the verifier proves on every path through the set; a hazard is controlled only when every control is proven.");
    let words = invariant_words(report);
    let rows = bundle
        .hazards()
        .iter()
        .map(|h| {
            let result = report.hazards.iter().find(|r| r.id == h.id);
            let controlled = result.is_some_and(|r| r.controlled());
            let controls = h
                .controls
                .iter()
                .map(|c| {
                    let proven = result.is_some_and(|r| !r.failing.contains(c));
                    let what = if c == "must_ask" {
                        "every path asks the must-ask questions"
                    } else {
                        words
                            .get(c.as_str())
                            .copied()
                            .unwrap_or("(unknown property)")
                    };
                    format!(
                        "{} {c}: {what}",
                        if proven { "PROVEN" } else { "NOT PROVEN" }
                    )
                })
                .collect();
            vec![
                vec![h.id.clone()],
                vec![h.hazard.clone(), format!("Harmed: {}", h.harmed)],
                vec![severity(h.severity).to_owned()],
                vec![h.cause.clone()],
                controls,
                vec![
                    if controlled {
                        "controlled"
                    } else {
                        "NOT controlled"
                    }
                    .to_owned(),
                ],
            ]
        })
        .collect();
    d.table(
        &[
            "Id",
            "Hazard",
            "Severity",
            "Cause",
            "Controlled by",
            "Result",
        ],
        rows,
    );
}

fn severity(s: HazardSeverity) -> &'static str {
    match s {
        HazardSeverity::Catastrophic => "catastrophic",
        HazardSeverity::Major => "major",
        HazardSeverity::Moderate => "moderate",
        HazardSeverity::Minor => "minor",
    }
}

fn invariants(d: &mut Doc, report: &Report) {
    d.h(2, "Safety properties (invariants)");
    d.p("Each property is proven by the verifier on every path from the pathway's start: every class of answers, with ages and dates of birth split at every threshold a rule uses.");
    let mut by_id: Vec<(&str, &str, Vec<String>, bool)> = Vec::new();
    for i in &report.invariants {
        let proven = i.counterexample.is_none();
        let line = format!("{}: {} paths", i.pathway, i.path_count);
        match by_id.iter_mut().find(|(id, ..)| *id == i.id) {
            Some(e) => {
                e.2.push(line);
                e.3 &= proven;
            }
            None => by_id.push((&i.id, &i.description, vec![line], proven)),
        }
    }
    let rows = by_id
        .into_iter()
        .map(|(id, description, over, proven)| {
            vec![
                vec![id.to_owned()],
                vec![description.to_owned()],
                vec![if proven { "proven" } else { "BROKEN" }.to_owned()],
                over,
            ]
        })
        .collect();
    d.table(&["Id", "What it guarantees", "Result", "Proven over"], rows);
}

fn questions(d: &mut Doc, bundle: &Bundle) {
    d.h(2, "Questions");
    d.p("Every question a worker can be asked, with its help and its answers. (The identifier in brackets is how records and the routes refer to it.)");
    for f in bundle.facts() {
        d.h(3, f.question.clone());
        let mut lines = Vec::new();
        if let Some(help) = &f.help {
            lines.push(format!("Help: {help}"));
        }
        if let Some(more) = &f.more {
            lines.push(format!("More: {more}"));
        }
        let answers = match f.ty {
            FactType::Bool => {
                let (yes, no) = f
                    .labels
                    .as_ref()
                    .map_or(("Yes".to_owned(), "No".to_owned()), |l| {
                        (l.yes.clone(), l.no.clone())
                    });
                format!("Answers: {yes} / {no}")
            }
            FactType::Choice => format!(
                "Answers: {}",
                f.options
                    .iter()
                    .map(|o| match &o.help {
                        Some(h) => format!("{} ({h})", o.label),
                        None => o.label.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
            FactType::Integer => format!(
                "Answer: a whole number from {} to {}",
                f.min.map_or("any".into(), |v| v.to_string()),
                f.max.map_or("any".into(), |v| v.to_string())
            ),
            FactType::Date => "Answer: a date, not after today".to_owned(),
        };
        lines.push(answers);
        if let Some(default) = &f.default {
            lines.push(format!(
                "When a record leaves it out: {}",
                answer_words(bundle, &f.id, default)
            ));
        }
        lines.push(format!("({})", f.id));
        d.list(lines);
    }
}

/// A question in words.
fn question(bundle: &Bundle, fact: &str) -> String {
    bundle
        .fact(fact)
        .map_or_else(|| fact.to_owned(), |f| f.question.clone())
}

/// An answer in words: a label, a range of ages ("18 to 24"), or a date of birth with the
/// age it gives on `today`.
pub(crate) fn answer(bundles: &[&Bundle], today: Date, fact: &str, json: &Json) -> String {
    let Some((bundle, decl)) = bundles.iter().rev().find_map(|b| Some((*b, b.fact(fact)?))) else {
        return json.to_string();
    };
    let Ok(value) = decl.parse_value(json, today) else {
        return json.to_string();
    };
    match &value {
        crate::value::Value::Int(v) => {
            let runs = crate::routes::int_class(bundles, today, fact, *v);
            let words: Vec<String> = runs
                .iter()
                .map(|&(lo, hi)| match (lo == hi, decl.max == Some(hi)) {
                    (true, _) => lo.to_string(),
                    (false, true) => format!("{lo} or more"),
                    (false, false) => format!("{lo} to {hi}"),
                })
                .collect();
            if words.is_empty() {
                v.to_string()
            } else {
                words.join(", or ")
            }
        }
        crate::value::Value::Date(birth) => format!(
            "for example {} (aged {} on {}; 18th birthday {})",
            birth.human(),
            age_on(*birth, today),
            today.human(),
            match days_until_birthday(*birth, 18, today) {
                n if n <= 0 => "passed".to_owned(),
                1 => "tomorrow".to_owned(),
                n => format!("in {n} days"),
            }
        ),
        _ => answer_words(bundle, fact, &value),
    }
}

/// An action's title, from the first pathway that defines it.
pub(crate) fn action_title(bundle: &Bundle, code: &str) -> String {
    bundle
        .pathways
        .iter()
        .find_map(|p| p.actions.get(code))
        .map_or_else(|| code.to_owned(), |a| a.def.title.clone())
}

fn route_tables(d: &mut Doc, bundle: &Bundle, today: Date) {
    d.h(2, "Routes: what the worker is told to do, for every answer");
    d.p(format!(
        "Every class of answers a worker can give was walked to its outcome (answers that no rule can tell apart count as one class; ages and dates of birth are split at every threshold a rule uses, on {}). Questions that only add actions, the same ones whatever else is answered, are shown first; the routes are then listed with the answer that adds nothing. A question missing from a route does not change it (any answer). Actions are listed in the order the worker sees them (urgent first).",
        today.human()
    ));
    let starts: Vec<PathwayId> = bundle.pathways().collect();
    // Every pathway's walk at once: when each class of answers takes the same route (the
    // same questions and actions) from every start, one walk and one table serve them all.
    let sides: Vec<Side<'_>> = starts.iter().map(|&start| Side { bundle, start }).collect();
    let together = routes(&sides, today);
    let alike = together.iter().all(|r| match r.ends.split_first() {
        Some((Some(first), rest)) => rest
            .iter()
            .all(|e| e.as_ref().is_some_and(|e| e.same_route(first))),
        _ => false,
    });
    let mut shown: Vec<(PathwayId, Vec<Vec<Vec<String>>>)> = Vec::new();
    for p in starts {
        let m = bundle.meta(p);
        if alike && let Some((first, _)) = shown.first() {
            d.h(3, format!("Routes from the start of \"{}\"", m.title));
            d.p(format!(
                "The same routes as from \"{}\": every class of answers is asked the same questions and given the same actions from either start (this pathway asks the same first questions and routes by age in the same way).",
                bundle.meta(*first).title
            ));
            continue;
        }
        let own;
        let all = if alike {
            &together
        } else {
            own = routes(&[Side { bundle, start: p }], today);
            &own
        };
        let t = table::table(all);
        let rows: Vec<Vec<Vec<String>>> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    vec![format!("{}", i + 1)],
                    row_answers(bundle, today, r),
                    r.codes
                        .iter()
                        .enumerate()
                        .map(|(n, c)| format!("{}. {}", n + 1, action_title(bundle, c)))
                        .collect(),
                ]
            })
            .collect();
        let heading = format!("Routes from the start of \"{}\"", m.title);
        if let Some((same, _)) = shown.iter().find(|(_, r)| *r == rows) {
            d.h(3, heading);
            d.p(format!(
                "The same routes as from \"{}\" (this pathway asks the same first questions and routes by age in the same way).",
                bundle.meta(*same).title
            ));
            continue;
        }
        d.h(3, heading);
        d.p(format!(
            "{} classes of answers, shown as {} routes{}.",
            t.routes,
            t.rows.len(),
            if t.apart.is_empty() {
                String::new()
            } else {
                format!(" after {} questions that only add actions", t.apart.len())
            }
        ));
        for a in &t.apart {
            let lines = a
                .adds
                .iter()
                .map(|(v, codes)| {
                    let adds = if codes.is_empty() {
                        "adds nothing (the routes below)".to_owned()
                    } else {
                        format!(
                            "adds {}",
                            codes
                                .iter()
                                .map(|c| format!("\"{}\"", action_title(bundle, c)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    format!("{}: {adds}", answer_text(&[bundle], today, &a.fact, v))
                })
                .collect();
            d.p(format!("When asked: {}", question(bundle, &a.fact)));
            d.list(lines);
        }
        d.table(&["Route", "Answers", "Actions"], rows.clone());
        shown.push((p, rows));
    }
}

/// An answer given as JSON text, in words.
fn answer_text(bundles: &[&Bundle], today: Date, fact: &str, json: &str) -> String {
    match serde_json::from_str::<Json>(json) {
        Ok(v) => answer(bundles, today, fact, &v),
        Err(_) => json.to_owned(),
    }
}

/// A route's answers in words, one per line, with the alternatives where they were asked.
fn row_answers(bundle: &Bundle, today: Date, r: &table::Row) -> Vec<String> {
    let say = |(f, v): &(String, String)| {
        format!(
            "{}: {}",
            question(bundle, f),
            answer_text(&[bundle], today, f, v)
        )
    };
    let mut lines = Vec::new();
    for i in 0..=r.answers.len() {
        for alt in r.alternatives.iter().filter(|a| a.at == i) {
            for (n, each) in alt.each.iter().enumerate() {
                let words: Vec<String> = each.iter().map(say).collect();
                let lead = if n == 0 { "Either" } else { "or" };
                lines.push(format!("{lead}: {}", words.join("; ")));
            }
        }
        if let Some(a) = r.answers.get(i) {
            lines.push(say(a));
        }
    }
    lines
}
