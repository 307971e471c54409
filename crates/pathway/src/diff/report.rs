//! The diff as a document: the summary, the route changes (the first in full, then a line
//! each), the pathways started directly and the changes of content, in text, Markdown, HTML
//! or JSON.

use super::*;

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
