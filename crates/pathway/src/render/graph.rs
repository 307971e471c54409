//! A pathway as a flowchart: one [`Chart`] model, written as DOT or Mermaid here and as SVG
//! in [`super::svg`].

use std::fmt::Write as _;

use crate::bundle::StepIx;

use crate::bundle::{Bundle, Pathway, PathwayId, StepKind};
use crate::evaluate::Visit;

use super::{GraphFormat, shorten, wrap};

/// Highlight colour of the walked path.
pub(super) const WALKED: &str = "#0b57d0";
/// Fill of walked steps.
pub(super) const WALKED_FILL: &str = "#d3e3fd";

/// The flowchart of one pathway in `format`, with the walked path highlighted when a trail
/// (from an [`crate::Evaluation`]) is given.
///
/// A node per step: a question shows its question (shortened) and fact id, an action step
/// its action codes, an outcome its title and codes, a hand-over `→ pathway#step`. Edges
/// are labelled with their rule, or `otherwise`. Output is deterministic.
// Inlined so that a caller with a constant format (the WebAssembly module draws only SVG)
// links only that writer.
#[inline(always)]
pub fn graph(
    bundle: &Bundle,
    pathway: PathwayId,
    format: GraphFormat,
    walked: Option<&[Visit]>,
) -> String {
    let chart = Chart::new(bundle, pathway, walked.unwrap_or(&[]));
    match format {
        GraphFormat::Dot => dot(&chart),
        GraphFormat::Mermaid => mermaid(&chart),
        GraphFormat::Svg => super::svg::svg(&chart),
    }
}

/// What every format draws.
#[derive(Debug)]
pub(super) struct Chart {
    pub(super) id: String,
    pub(super) title: String,
    /// In the graph's node order (the file's step order).
    pub(super) nodes: Vec<Node>,
    /// By source node, then edge order.
    pub(super) edges: Vec<Edge>,
}

#[derive(Debug)]
pub(super) struct Node {
    pub(super) step: String,
    /// `question`, `action`, `outcome` or `handover`.
    pub(super) kind: &'static str,
    pub(super) lines: Vec<String>,
    /// Full text for tooltips.
    pub(super) tooltip: String,
    pub(super) walked: bool,
    /// Longest distance from the start, in edges.
    pub(super) layer: usize,
}

#[derive(Debug)]
pub(super) struct Edge {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) label: Vec<String>,
    pub(super) walked: bool,
    /// Position among the source's edges, and how many it has.
    pub(super) nth: usize,
    pub(super) of: usize,
}

impl Chart {
    fn new(bundle: &Bundle, id: PathwayId, walked: &[Visit]) -> Self {
        let pathway = bundle.pathway(id);
        let mine: Vec<&Visit> = walked
            .iter()
            .filter(|v| v.pathway == pathway.meta.id)
            .collect();
        // Lists, not sets: a walk is a few dozen steps, and collecting a set sorts (one more
        // sorting algorithm per type in the WebAssembly module).
        let visited: Vec<&str> = mine.iter().map(|v| v.step).collect();
        let taken: Vec<(&str, usize)> = mine
            .iter()
            .filter_map(|v| Some((v.step, v.edge?)))
            .collect();
        let position = |n: StepIx| n.index();
        let layers = layers(pathway);
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for n in pathway.steps.indices() {
            let step = &pathway.steps[n];
            let (kind, lines, tooltip) = describe(bundle, &step.id, &step.kind);
            nodes.push(Node {
                step: step.id.clone(),
                kind,
                lines,
                tooltip: format!("{} ({kind}): {tooltip}", step.id),
                walked: visited.contains(&step.id.as_str()),
                layer: layers.get(n.index()).copied().unwrap_or(0),
            });
            for (i, e) in step.edges.iter().enumerate() {
                let rule = e.when_src.as_deref().unwrap_or("otherwise");
                edges.push(Edge {
                    from: position(n),
                    to: position(e.to),
                    label: wrap(rule, 36),
                    walked: taken.contains(&(step.id.as_str(), i)),
                    nth: i,
                    of: step.edges.len(),
                });
            }
        }
        Self {
            id: pathway.meta.id.clone(),
            title: pathway.meta.title.clone(),
            nodes,
            edges,
        }
    }
}

/// Each step's longest distance from the start, by node index, in topological order (a
/// compiled pathway is acyclic; were it not, node order would still give finite layers).
fn layers(pathway: &Pathway) -> Vec<usize> {
    let steps = &pathway.steps;
    let next = |_, i| steps[i].edges.iter().map(|e| (0, e.to));
    let order = crate::steps::topological(&[steps.len()], next)
        .unwrap_or_else(|| steps.indices().map(|i| (0, i)).collect());
    let mut layer = vec![0; steps.len()];
    for (_, n) in order {
        let here = layer[n.index()];
        for e in &steps[n].edges {
            if let Some(l) = layer.get_mut(e.to.index()) {
                *l = (*l).max(here + 1);
            }
        }
    }
    layer
}

/// Kind, label lines and tooltip of a step.
fn describe(bundle: &Bundle, step: &str, kind: &StepKind) -> (&'static str, Vec<String>, String) {
    match kind {
        StepKind::Question { fact, .. } => {
            let question = bundle
                .fact(fact)
                .map_or_else(|| fact.clone(), |d| d.question.clone());
            (
                "question",
                vec![shorten(&question, 40), fact.clone()],
                format!("{question} [{fact}]"),
            )
        }
        StepKind::Action { actions, .. } if actions.is_empty() => (
            "action",
            vec![format!("({step})")],
            "decides the route; adds no action".to_owned(),
        ),
        StepKind::Action { actions, .. } => (
            "action",
            actions.clone(),
            format!("do {}", actions.join(", ")),
        ),
        StepKind::Outcome { title, actions, .. } => {
            let mut lines = wrap(title, 40);
            lines.push(format!("[{}]", actions.join(", ")));
            let tip = format!("{title} [{}]", actions.join(", "));
            ("outcome", lines, tip)
        }
        StepKind::Handover {
            pathway: target,
            step,
            because,
            ..
        } => {
            let target = bundle.pathways.get(*target);
            let name = target.map_or("?", |p| p.meta.id.as_str());
            let at = target
                .and_then(|p| p.steps.get(*step))
                .map_or("?", |s| s.id.as_str());
            (
                "handover",
                vec![format!("→ {name}#{at}")],
                format!("continue in {name} at {at}: {because}"),
            )
        }
    }
}

fn dot(chart: &Chart) -> String {
    let q = dot_quote;
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", q(&chart.id));
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname=\"sans-serif\"];",
        q(&chart.title)
    );
    out.push_str("  node [fontname=\"sans-serif\", fontsize=10, shape=box];\n");
    out.push_str("  edge [fontname=\"sans-serif\", fontsize=9];\n");
    for n in &chart.nodes {
        let (shape, style, extra) = match n.kind {
            "question" => ("box", "rounded", ""),
            "outcome" => ("box", "rounded,bold", ", peripheries=2"),
            "handover" => ("cds", "solid", ""),
            _ => ("box", "solid", ""),
        };
        let (style, walked) = if n.walked {
            let walked = format!(", penwidth=3, color=\"{WALKED}\", fillcolor=\"{WALKED_FILL}\"");
            (format!("{style},filled"), walked)
        } else {
            (style.to_owned(), String::new())
        };
        let _ = writeln!(
            out,
            "  {} [label={}, tooltip={}, shape={shape}, style=\"{style}\"{extra}{walked}];",
            q(&n.step),
            q(&n.lines.join("\n")),
            q(&n.tooltip)
        );
    }
    for e in &chart.edges {
        let walked = if e.walked {
            format!(", penwidth=3, color=\"{WALKED}\"")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}{walked}];",
            q(&chart.nodes[e.from].step),
            q(&chart.nodes[e.to].step),
            q(&e.label.join("\n"))
        );
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string; line breaks become centred `\n`, and a character that could hide or
/// reorder text ([`crate::is_hidden`]) is shown as an escape (`\u001b`).
fn dot_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in crate::visible(text).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn mermaid(chart: &Chart) -> String {
    let mut out = String::new();
    // YAML front matter: a double-quoted scalar on one line (so a `:` in the title is literal,
    // and no line of the title can close the front matter with `---`).
    let title = yaml_quoted(&chart.title);
    let _ = writeln!(out, "---\ntitle: {title}\n---");
    out.push_str("flowchart TD\n");
    for (i, n) in chart.nodes.iter().enumerate() {
        let label = n
            .lines
            .iter()
            .map(|l| mermaid_text(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match n.kind {
            "question" => ("(\"", "\")"),
            "outcome" => ("([\"", "\"])"),
            "handover" => ("[[\"", "\"]]"),
            _ => ("[\"", "\"]"),
        };
        let _ = writeln!(out, "  n{i}{open}{label}{close}");
    }
    for e in &chart.edges {
        let label = e
            .label
            .iter()
            .map(|l| mermaid_text(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let _ = writeln!(out, "  n{} -->|\"{label}\"| n{}", e.from, e.to);
    }
    out.push_str("  classDef question fill:#ffffff,stroke:#5f6368\n");
    out.push_str("  classDef action fill:#f1f3f4,stroke:#5f6368\n");
    out.push_str("  classDef outcome fill:#e6f4ea,stroke:#137333\n");
    out.push_str("  classDef handover fill:#fef7e0,stroke:#b06000\n");
    let _ = writeln!(
        out,
        "  classDef walked fill:{WALKED_FILL},stroke:{WALKED},stroke-width:3px"
    );
    for kind in ["question", "action", "outcome", "handover"] {
        let ids: Vec<String> = (0..chart.nodes.len())
            .filter(|i| chart.nodes[*i].kind == kind)
            .map(|i| format!("n{i}"))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "  class {} {kind}", ids.join(","));
        }
    }
    let walked: Vec<String> = (0..chart.nodes.len())
        .filter(|i| chart.nodes[*i].walked)
        .map(|i| format!("n{i}"))
        .collect();
    if !walked.is_empty() {
        let _ = writeln!(out, "  class {} walked", walked.join(","));
    }
    let links: Vec<String> = chart
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.walked)
        .map(|(i, _)| i.to_string())
        .collect();
    if !links.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{WALKED},stroke-width:3px",
            links.join(",")
        );
    }
    out
}

/// A YAML double-quoted scalar on one line: `\\` and `"` escaped, a line break or tab as a
/// space, and an escape (`\u001b`) for a character that could hide or reorder text.
fn yaml_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in crate::visible(text).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text inside a quoted Mermaid label, on one line: entity codes for the characters Mermaid
/// reads, a space for a line break or tab, and an escape (`\u001b`) for a character that could
/// hide or reorder text ([`crate::is_hidden`]).
fn mermaid_text(text: &str) -> String {
    let mut out = String::new();
    for c in crate::visible(text).chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\'' => out.push_str("#39;"),
            '`' => out.push_str("#96;"),
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(dot_quote("a \"b\" \\ c\nd"), r#""a \"b\" \\ c\nd""#);
        assert_eq!(dot_quote("e\u{1b}[2J\u{202e}"), r#""e\\u001b[2J\\u202e""#);
        assert_eq!(
            mermaid_text("it's `x`\n---\r"),
            "it#39;s #96;x#96; ---\\u000d"
        );
        assert_eq!(
            yaml_quoted("a \"b\" \\ it's\n---\u{1b}"),
            r#""a \"b\" \\ it's ---\\u001b""#
        );
        assert_eq!(
            mermaid_text(r#"age < 18 || x == "y" & #"#),
            "age #lt; 18 #124;#124; x == #quot;y#quot; #amp; #35;"
        );
    }
}
