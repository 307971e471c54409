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

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value as Json;

use crate::bundle::{Bundle, Meta, PathwayId, StepKind};
use crate::evaluate::{Evaluation, Outcome, Question, State, Status, Visit};

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

/// An evaluation as the JSON object `pathway decide --format json` prints for one record:
/// [`EvaluationJson`], as a JSON value (so its keys are in order of their names).
pub fn evaluation_json(bundle: &Bundle, evaluation: &Evaluation) -> Json {
    // The library's own types always serialise; `Null` keeps this total regardless.
    serde_json::to_value(EvaluationJson::new(bundle, evaluation)).unwrap_or(Json::Null)
}

/// The JSON object `pathway decide --format json` prints for one record (the contract of
/// DESIGN.md section 5), fields in order of their names.
///
/// Always present: `status` (`"finished"`, `"needs_answer"` or `"blocked"`), `codes` (the
/// action codes in order, urgent first; for an unfinished walk the codes collected so far),
/// `pathway` (the id of the pathway the walk ended in) with its `version`, `reviewed` date
/// and, when it names one, the `guidance` it follows, `trail`, `unused` and `defaulted`.
/// `next_fact` and `question` are present when an answer is needed, `outcome` when the walk
/// finished, and `blocked` (`{"step", "message"}`) when it stopped without a route.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationJson<'e, 'b> {
    /// Where a blocked walk stopped, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Blocked<'b>>,
    /// The action codes in order, urgent first (so far, when unfinished).
    pub codes: &'e [&'b str],
    /// Facts the walk took from their declared default.
    pub defaulted: &'e [&'b str],
    /// The guidance the pathway follows, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<&'b str>,
    /// The fact to ask next, when an answer is needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_fact: Option<&'b str>,
    /// The outcome of a finished walk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'e Outcome<'b>>,
    /// The id of the pathway the walk ended in.
    pub pathway: &'b str,
    /// The question an unfinished walk needs answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<&'e Question<'b>>,
    /// The date that pathway was last reviewed.
    pub reviewed: String,
    /// `finished`, `needs_answer` or `blocked`.
    pub status: Status,
    /// Every step passed.
    pub trail: &'e [Visit<'b>],
    /// Facts given that the walk never read.
    pub unused: &'e [Cow<'b, str>],
    /// The content version of that pathway.
    pub version: &'b str,
}

/// Where a blocked walk stopped (`EvaluationJson::blocked`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Blocked<'b> {
    /// Why.
    pub message: &'b str,
    /// The step.
    pub step: &'b str,
}

impl<'e, 'b> EvaluationJson<'e, 'b> {
    /// The JSON form of an evaluation made on `bundle`.
    pub fn new(bundle: &'b Bundle, evaluation: &'e Evaluation<'b>) -> Self {
        let meta = bundle.meta(evaluation.pathway);
        let decision = &evaluation.decision;
        let (outcome, question, blocked) = match &evaluation.state {
            State::Finished(o) => (Some(o), None, None),
            State::NeedsAnswer(q) => (None, Some(q), None),
            State::Blocked { step, message } => (None, None, Some(Blocked { message, step })),
        };
        Self {
            blocked,
            codes: &decision.codes,
            defaulted: &evaluation.defaulted,
            guidance: meta.guidance.as_deref(),
            next_fact: decision.next_fact,
            outcome,
            pathway: &meta.id,
            question,
            reviewed: meta.reviewed.to_string(),
            status: decision.status,
            trail: &evaluation.trail,
            unused: &evaluation.unused,
            version: &meta.version,
        }
    }
}

/// The pathway a visit continues in: a hand-over's target, else its own.
fn leads_into<'b>(bundle: &'b Bundle, visit: &Visit<'b>) -> &'b str {
    let pathway = bundle.pathway(visit.at.pathway());
    match pathway.steps.get(visit.at.node()).map(|s| &s.kind) {
        Some(StepKind::Handover {
            pathway: target, ..
        }) => bundle
            .pathways
            .get(*target)
            .map_or(visit.pathway, |p| p.meta.id.as_str()),
        _ => visit.pathway,
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
