//! Rendering: an evaluation as text, Markdown or JSON; a pathway as DOT, Mermaid or SVG.
//!
//! Every renderer is a pure function of the bundle and its input, so the same case always
//! prints the same bytes (snapshots and printed records rely on it). Text is for a worker in
//! a terminal (no colour codes); Markdown is the printable record; JSON is the contract of
//! `pathway decide --format json`.

mod graph;
mod notes;
mod svg;
mod text;

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value as Json};

use crate::bundle::{Bundle, Meta, PathwayId, StepKind};
use crate::evaluate::{Evaluation, State, Visit};

pub use graph::graph;
pub use notes::{DANGER_CODES, NotesConfig, answer_words, case_notes, danger_first};
pub use text::{outcome_markdown, outcome_text};

/// The output format of [`graph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid `flowchart` (renders in Markdown on most forges).
    Mermaid,
    /// A self-contained SVG image, laid out by the library.
    Svg,
}

impl GraphFormat {
    /// The names [`GraphFormat::from_str`] accepts.
    pub const NAMES: [&'static str; 3] = ["dot", "mermaid", "svg"];
}

impl FromStr for GraphFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "dot" => Ok(Self::Dot),
            "mermaid" => Ok(Self::Mermaid),
            "svg" => Ok(Self::Svg),
            other => Err(format!(
                "unknown graph format `{other}`: expected one of {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for GraphFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Dot => "dot",
            Self::Mermaid => "mermaid",
            Self::Svg => "svg",
        })
    }
}

/// An evaluation as the JSON object `pathway decide --format json` prints for one record.
///
/// Always present: `status` (`"finished"`, `"needs_answer"` or `"blocked"`), `codes` (the
/// action codes in order, urgent first; for an unfinished walk the codes collected so far),
/// `pathway` (the id of the pathway the walk ended in) with its `version`, `reviewed` date
/// and, when it names one, the `guidance` it follows, `trail`, `unused` and `defaulted`.
/// `next_fact` and `question` are present when an answer is needed, `outcome` when the walk
/// finished, and `blocked` (`{"step", "message"}`) when it stopped without a route.
pub fn evaluation_json(bundle: &Bundle, evaluation: &Evaluation) -> Json {
    let (status, codes, next_fact) = crate::scenario::summary(bundle, evaluation);
    let mut out = Map::new();
    out.insert("status".into(), Json::String(status));
    out.insert("codes".into(), Json::from(codes));
    if let Some(fact) = next_fact {
        out.insert("next_fact".into(), Json::String(fact));
    }
    if let Some(id) = ended_in(bundle, evaluation) {
        if let Some(meta) = pathway_meta(bundle, &id) {
            // What the advice rests on: the content version and the guidance it follows.
            out.insert("version".into(), Json::String(meta.version.clone()));
            out.insert("reviewed".into(), Json::String(meta.reviewed.to_string()));
            if let Some(g) = &meta.guidance {
                out.insert("guidance".into(), Json::String(g.clone()));
            }
        }
        out.insert("pathway".into(), Json::String(id));
    }
    match &evaluation.state {
        State::Finished(outcome) => {
            out.insert("outcome".into(), to_json(outcome));
        }
        State::NeedsAnswer(question) => {
            out.insert("question".into(), to_json(question));
        }
        State::Blocked { step, message } => {
            let blocked = serde_json::json!({ "step": step, "message": message });
            out.insert("blocked".into(), blocked);
        }
    }
    out.insert("trail".into(), to_json(&evaluation.trail));
    out.insert("unused".into(), Json::from(evaluation.unused.clone()));
    out.insert("defaulted".into(), Json::from(evaluation.defaulted.clone()));
    Json::Object(out)
}

fn to_json<T: serde::Serialize>(value: &T) -> Json {
    // The library's own types always serialise; `Null` keeps this total regardless.
    serde_json::to_value(value).unwrap_or(Json::Null)
}

/// Id of the pathway a walk ended in: the outcome's or question's, else the pathway the
/// last step of the trail leads into.
fn ended_in(bundle: &Bundle, evaluation: &Evaluation) -> Option<String> {
    match &evaluation.state {
        State::Finished(o) => Some(o.pathway.to_owned()),
        State::NeedsAnswer(q) => Some(q.pathway.to_owned()),
        State::Blocked { step, .. } => match evaluation.trail.last() {
            Some(last) => Some(leads_into(bundle, last)),
            None => bundle
                .pathways
                .iter()
                .find(|p| p.index.contains_key(*step))
                .map(|p| p.meta.id.clone()),
        },
    }
}

/// The pathway a visit continues in: a hand-over's target, else its own.
fn leads_into(bundle: &Bundle, visit: &Visit<'_>) -> String {
    let Some(id) = bundle.find(visit.pathway) else {
        return visit.pathway.to_owned();
    };
    let pathway = bundle.pathway(id);
    let node = pathway
        .index
        .get(visit.step)
        .map(|n| &pathway.graph[*n].kind);
    match node {
        Some(StepKind::Handover {
            pathway: target, ..
        }) => bundle
            .pathways
            .get(*target)
            .map_or_else(|| visit.pathway.to_owned(), |p| p.meta.id.clone()),
        _ => visit.pathway.to_owned(),
    }
}

/// The title of a pathway by id, for headers.
fn pathway_meta<'b>(bundle: &'b Bundle, id: &str) -> Option<&'b Meta> {
    let p: PathwayId = bundle.find(id)?;
    Some(bundle.meta(p))
}

/// Words of `text` greedily packed into lines of at most `width` characters. A word longer
/// than `width` gets a line of its own (URLs are never broken).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut at a word boundary to at most `max` characters, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let budget = max.saturating_sub(1);
    let mut out = String::new();
    for word in text.split_whitespace() {
        let needed = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if needed > budget {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(budget).collect();
    }
    let out = out.trim_end_matches([',', ';', ':', '.', ' ']).to_owned();
    out + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_packs_words_and_keeps_long_ones_whole() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(
            wrap("https://example.invalid/long/url x", 10),
            ["https://example.invalid/long/url", "x"]
        );
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(
            shorten("Is the person in immediate danger?", 40),
            "Is the person in immediate danger?"
        );
        assert_eq!(
            shorten(
                "Is the person in immediate danger, or at risk of harm now?",
                40
            ),
            "Is the person in immediate danger, or…"
        );
        assert_eq!(shorten("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn graph_format_parses_its_names() {
        for name in GraphFormat::NAMES {
            let format: GraphFormat = name.parse().unwrap_or(GraphFormat::Dot);
            assert_eq!(format.to_string(), name);
        }
        let err = "png".parse::<GraphFormat>().err().unwrap_or_default();
        assert_eq!(
            err,
            "unknown graph format `png`: expected one of dot, mermaid, svg"
        );
    }
}
