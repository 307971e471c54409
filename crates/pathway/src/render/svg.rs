//! A [`Chart`] as a self-contained SVG image, laid out without external programs.
//!
//! Layered layout: a step's layer is its longest distance from the start; an edge that spans
//! several layers passes through a narrow slot in each layer between (so it never crosses a
//! step); each layer is ordered by the mean position of its items' predecessors. Coordinates
//! are whole pixels (integers), so the output is exact and has no NaN. Styling uses
//! presentation attributes, not `<style>`, so the image obeys a strict Content Security
//! Policy when inlined in a page.

use std::fmt::Write as _;

use super::graph::{Chart, WALKED, WALKED_FILL};
use super::wrap;

/// Width of a step box.
const NODE_W: i64 = 240;
/// Approximate width of a character at 12px.
const CHAR_W: i64 = 7;
/// Approximate width of a character of an edge label (10px).
const LABEL_CHAR_W: i64 = 6;
const LINE_H: i64 = 15;
const LABEL_LINE_H: i64 = 12;
const PAD: i64 = 8;
/// Width of the slot a long edge takes in a layer it passes through.
const SLOT_W: i64 = 24;
const H_GAP: i64 = 28;
const LAYER_GAP: i64 = 96;
const MARGIN: i64 = 20;
const TITLE_H: i64 = 36;

/// One thing placed in a layer: a step, or a long edge passing through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Step(usize),
    Pass(usize),
}

#[derive(Debug, Clone, Copy, Default)]
struct Place {
    x: i64,
    y: i64,
    w: i64,
    h: i64,
}

/// The most items (steps, and slots of edges passing through a layer) a chart may lay out:
/// beyond it the picture could not be read anyway, and its size would grow with the square
/// of a long pathway's length (an edge from its start to its end passes every layer).
pub(super) const MAX_ITEMS: usize = 20_000;

pub(super) fn svg(chart: &Chart) -> String {
    let items = items(chart);
    if items > MAX_ITEMS {
        return too_large(chart, items);
    }
    let layout = Layout::new(chart);
    let uid: String = chart
        .id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let mut out = String::new();
    let (w, h) = (layout.width, layout.height);
    let label = format!("Flowchart of the pathway {} ({})", chart.title, chart.id);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
         height=\"{h}\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\">",
        xml(&label)
    );
    let _ = writeln!(out, "<title>{}</title>", xml(&label));
    out.push_str("<defs>\n");
    for (suffix, colour) in [("", "#5f6368"), ("-walked", WALKED)] {
        let _ = writeln!(
            out,
            "<marker id=\"{uid}-arrow{suffix}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
             <path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        MARGIN + 12,
        xml(&chart.title)
    );
    // Walked edges last, so they are drawn over the others.
    let walked = |e: &usize| chart.edges[*e].walked;
    let edges = 0..chart.edges.len();
    let order: Vec<usize> = edges
        .clone()
        .filter(|e| !walked(e))
        .chain(edges.filter(walked))
        .collect();
    for &e in &order {
        let edge = &chart.edges[e];
        let d: Vec<String> = layout.routes[e]
            .iter()
            .map(|(x, y)| format!("{x},{y}"))
            .collect();
        let (class, colour, width, marker) = if edge.walked {
            ("edge walked", WALKED, 3, "-walked")
        } else {
            ("edge", "#5f6368", 1, "")
        };
        let _ = writeln!(
            out,
            "<polyline class=\"{class}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" \
             stroke-width=\"{width}\" marker-end=\"url(#{uid}-arrow{marker})\"/>",
            d.join(" ")
        );
    }
    for (i, node) in chart.nodes.iter().enumerate() {
        step(&mut out, node, layout.steps[i]);
    }
    for &e in &order {
        edge_label(&mut out, chart, &layout, e);
    }
    out.push_str("</svg>\n");
    out
}

/// How many items a layout of the chart would place: its steps, and each edge once per
/// layer it passes through (counted without building them).
fn items(chart: &Chart) -> usize {
    let passes: usize = chart
        .edges
        .iter()
        .map(|e| {
            let (from, to) = (chart.nodes[e.from].layer, chart.nodes[e.to].layer);
            to.saturating_sub(from + 1)
        })
        .fold(0, usize::saturating_add);
    chart.nodes.len().saturating_add(passes)
}

/// A small image saying the chart is too large to draw, and what to use instead.
fn too_large(chart: &Chart, items: usize) -> String {
    let title = format!("Flowchart of the pathway {} ({})", chart.title, chart.id);
    let lines = [
        format!(
            "This pathway is too large to draw here: {} steps and {} edges would take {items} places in the layout (at most {MAX_ITEMS}).",
            chart.nodes.len(),
            chart.edges.len()
        ),
        "Draw it with `pathway graph --format dot` and Graphviz, or one part at a time.".to_owned(),
    ];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 900 120\" width=\"900\" \
         height=\"120\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\">",
        xml(&title)
    );
    let _ = writeln!(out, "<title>{}</title>", xml(&title));
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        MARGIN + 12,
        xml(&chart.title)
    );
    for (k, line) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text class=\"too-large\" x=\"{MARGIN}\" y=\"{}\" font-size=\"12\">{}</text>",
            MARGIN + 44 + 20 * k as i64,
            xml(line)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn step(out: &mut String, node: &super::graph::Node, p: Place) {
    let (rx, fill, stroke, dash) = match node.kind {
        "question" => (8, "#ffffff", "#5f6368", ""),
        "outcome" => (16, "#e6f4ea", "#137333", ""),
        "handover" => (2, "#fef7e0", "#b06000", " stroke-dasharray=\"5 3\""),
        _ => (2, "#f1f3f4", "#5f6368", ""),
    };
    let (fill, stroke, width, walked) = if node.walked {
        (WALKED_FILL, WALKED, 3, " walked")
    } else {
        (fill, stroke, 1, "")
    };
    let _ = writeln!(
        out,
        "<g class=\"step {}{walked}\" data-step=\"{}\">",
        node.kind,
        xml(&node.step)
    );
    let _ = writeln!(out, "<title>{}</title>", xml(&node.tooltip));
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{rx}\" fill=\"{fill}\" \
         stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/>",
        p.x, p.y, p.w, p.h
    );
    let cx = p.x + p.w / 2;
    let _ = write!(out, "<text font-size=\"12\" text-anchor=\"middle\">");
    for (k, line) in node_lines(node).iter().enumerate() {
        let y = p.y + PAD + LINE_H * (k as i64 + 1) - 3;
        let _ = write!(out, "<tspan x=\"{cx}\" y=\"{y}\">{}</tspan>", xml(line));
    }
    out.push_str("</text>\n</g>\n");
}

fn edge_label(out: &mut String, chart: &Chart, layout: &Layout, e: usize) {
    let edge = &chart.edges[e];
    let route = &layout.routes[e];
    let (Some(&(x0, y0)), Some(&(x1, y1))) = (route.first(), route.get(1)) else {
        return;
    };
    // Along the first segment, staggered by the edge's position so siblings do not collide.
    let (n, of) = (edge.nth as i64 + 1, edge.of as i64 + 1);
    let chars = edge
        .label
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0) as i64;
    let (w, h) = (
        chars * LABEL_CHAR_W + 6,
        edge.label.len() as i64 * LABEL_LINE_H + 4,
    );
    // Kept inside the image.
    let cx = (x0 + (x1 - x0) * n / of).clamp(w / 2, (layout.width - w / 2).max(w / 2));
    let cy = y0 + (y1 - y0) * n / of;
    let class = if edge.walked {
        "edge-label walked"
    } else {
        "edge-label"
    };
    let colour = if edge.walked { WALKED } else { "#3c4043" };
    let _ = writeln!(
        out,
        "<g class=\"{class}\"><rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\" \
         fill-opacity=\"0.85\"/>",
        cx - w / 2,
        cy - h / 2
    );
    let _ = write!(
        out,
        "<text font-size=\"10\" text-anchor=\"middle\" fill=\"{colour}\">"
    );
    for (k, line) in edge.label.iter().enumerate() {
        let y = cy - h / 2 + 2 + LABEL_LINE_H * (k as i64 + 1) - 2;
        let _ = write!(out, "<tspan x=\"{cx}\" y=\"{y}\">{}</tspan>", xml(line));
    }
    out.push_str("</text></g>\n");
}

/// A step's label wrapped to its box; words too long for a line are cut.
fn node_lines(node: &super::graph::Node) -> Vec<String> {
    let width = ((NODE_W - 2 * PAD) / CHAR_W) as usize;
    let mut lines = Vec::new();
    for line in &node.lines {
        for wrapped in wrap(line, width) {
            let chars: Vec<char> = wrapped.chars().collect();
            lines.extend(chars.chunks(width).map(|c| c.iter().collect::<String>()));
        }
    }
    lines
}

/// Where everything goes.
struct Layout {
    steps: Vec<Place>,
    /// Points of each edge, from the source's bottom to the target's top.
    routes: Vec<Vec<(i64, i64)>>,
    width: i64,
    height: i64,
}

impl Layout {
    fn new(chart: &Chart) -> Self {
        let depth = chart.nodes.iter().map(|n| n.layer).max().unwrap_or(0) + 1;
        let mut layers: Vec<Vec<Item>> = vec![Vec::new(); depth];
        for (i, n) in chart.nodes.iter().enumerate() {
            layers[n.layer].push(Item::Step(i));
        }
        for (e, edge) in chart.edges.iter().enumerate() {
            let (from, to) = (chart.nodes[edge.from].layer, chart.nodes[edge.to].layer);
            for layer in layers.iter_mut().take(to).skip(from + 1) {
                layer.push(Item::Pass(e));
            }
        }
        order(chart, &mut layers);
        let mut steps = vec![Place::default(); chart.nodes.len()];
        let mut slots: Vec<Vec<(usize, i64)>> = vec![Vec::new(); chart.edges.len()];
        let size = |item: &Item| match item {
            Item::Step(i) => (
                NODE_W,
                node_lines(&chart.nodes[*i]).len() as i64 * LINE_H + 2 * PAD,
            ),
            Item::Pass(_) => (SLOT_W, 0),
        };
        let row_width = |row: &[Item]| -> i64 {
            row.iter().map(|it| size(it).0).sum::<i64>() + H_GAP * (row.len() as i64 - 1).max(0)
        };
        let inner = layers.iter().map(|r| row_width(r)).max().unwrap_or(0);
        let title = chart.title.chars().count() as i64 * 9;
        let width = inner.max(title) + 2 * MARGIN;
        let mut y = MARGIN + TITLE_H;
        let mut tops = Vec::new();
        for (l, row) in layers.iter().enumerate() {
            let height = row.iter().map(|it| size(it).1).max().unwrap_or(0);
            let mut x = (width - row_width(row)) / 2;
            for item in row {
                let (w, h) = size(item);
                match item {
                    Item::Step(i) => steps[*i] = Place { x, y, w, h },
                    Item::Pass(e) => slots[*e].push((l, x + w / 2)),
                }
                x += w + H_GAP;
            }
            tops.push((y, height));
            y += height + LAYER_GAP;
        }
        let height = y - LAYER_GAP + MARGIN;
        let routes = routes(chart, &steps, &slots, &tops);
        Self {
            steps,
            routes,
            width,
            height,
        }
    }
}

/// Orders each layer by the mean position of its items' predecessors in the layer above
/// (ties: steps in file order, then passing edges in edge order). Each item's predecessors
/// are found through lists made once, so a layer costs its size (sorting aside).
fn order(chart: &Chart, layers: &mut [Vec<Item>]) {
    let incoming = incoming(chart);
    // Where each step, and each edge's slot, stands in the layer last ordered.
    let mut step_at = vec![0i64; chart.nodes.len()];
    let mut pass_at = vec![0i64; chart.edges.len()];
    let note = |row: &[Item], step_at: &mut [i64], pass_at: &mut [i64]| {
        for (p, item) in row.iter().enumerate() {
            match *item {
                Item::Step(i) => step_at[i] = p as i64,
                Item::Pass(k) => pass_at[k] = p as i64,
            }
        }
    };
    if let Some(first) = layers.first() {
        note(first, &mut step_at, &mut pass_at);
    }
    for (l, layer) in layers.iter_mut().enumerate().skip(1) {
        let position = |item: Item| match item {
            Item::Step(i) => step_at[i],
            Item::Pass(k) => pass_at[k],
        };
        let key = |item: &Item| -> (i64, i64, i64) {
            let (sum, n) = match *item {
                Item::Step(i) => incoming[i].iter().fold((0, 0), |(sum, n), &k| {
                    (
                        sum + position(upper(chart, k, chart.edges[k].from, l)),
                        n + 1,
                    )
                }),
                Item::Pass(k) => (position(upper(chart, k, chart.edges[k].from, l)), 1),
            };
            let mean = sum * 1000 / i64::max(n, 1);
            match *item {
                Item::Step(i) => (mean, 0, i as i64),
                Item::Pass(k) => (mean, 1, k as i64),
            }
        };
        sort_by_key(layer, key);
        note(layer, &mut step_at, &mut pass_at);
    }
}

/// The edges into each step, in edge order.
fn incoming(chart: &Chart) -> Vec<Vec<usize>> {
    let mut incoming = vec![Vec::new(); chart.nodes.len()];
    for (k, e) in chart.edges.iter().enumerate() {
        if let Some(list) = incoming.get_mut(e.to) {
            list.push(k);
        }
    }
    incoming
}

/// Sorts by a key computed once per item, stably (no `slice::sort*`, which would add a
/// sorting algorithm per type to the WebAssembly module: one merge sort of keys serves all).
fn sort_by_key<T: Copy>(items: &mut [T], key: impl FnMut(&T) -> (i64, i64, i64)) {
    let keys: Vec<(i64, i64, i64)> = items.iter().map(key).collect();
    let sorted: Vec<T> = stable_order(&keys).iter().map(|&i| items[i]).collect();
    items.copy_from_slice(&sorted);
}

/// The indices of `keys` in ascending order of key, equal keys in their order: a bottom-up
/// merge sort (runs of `width` merged in pairs), O(n log n) however long a layer.
fn stable_order(keys: &[(i64, i64, i64)]) -> Vec<usize> {
    let mut from: Vec<usize> = (0..keys.len()).collect();
    let mut to = from.clone();
    let mut width = 1;
    while width < from.len() {
        let mut start = 0;
        while start < from.len() {
            let mid = (start + width).min(from.len());
            let end = (start + 2 * width).min(from.len());
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                if j >= end || (i < mid && keys[from[i]] <= keys[from[j]]) {
                    *slot = from[i];
                    i += 1;
                } else {
                    *slot = from[j];
                    j += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// The item of edge `k` (from step `from`) in the layer above layer `l`.
fn upper(chart: &Chart, k: usize, from: usize, l: usize) -> Item {
    if chart.nodes[from].layer + 1 >= l {
        Item::Step(from)
    } else {
        Item::Pass(k)
    }
}

/// Polylines: from a point on the source's bottom (spread by edge order), through the slots
/// of the layers passed, to a point on the target's top (spread by where edges come from).
fn routes(
    chart: &Chart,
    steps: &[Place],
    slots: &[Vec<(usize, i64)>],
    tops: &[(i64, i64)],
) -> Vec<Vec<(i64, i64)>> {
    let mut routes: Vec<Vec<(i64, i64)>> = chart
        .edges
        .iter()
        .enumerate()
        .map(|(e, edge)| {
            let s = steps[edge.from];
            let (n, of) = (edge.nth as i64 + 1, edge.of as i64 + 1);
            let mut points = vec![(s.x + s.w * n / of, s.y + s.h)];
            for &(l, x) in &slots[e] {
                let (top, height) = tops[l];
                points.push((x, top));
                points.push((x, top + height));
            }
            points
        })
        .collect();
    let mut incoming = incoming(chart);
    for (t, target) in steps.iter().enumerate() {
        let incoming = &mut incoming[t];
        sort_by_key(incoming, |&e| {
            (routes[e].last().map_or(0, |p| p.0), e as i64, 0)
        });
        let m = incoming.len() as i64 + 1;
        for (k, &e) in incoming.iter().enumerate() {
            routes[e].push((target.x + target.w * (k as i64 + 1) / m, target.y));
        }
    }
    routes
}

/// Text made literal in XML content and attributes. A character XML 1.0 does not allow (C0
/// controls but tab, line feed and carriage return; U+FFFE, U+FFFF), or that could hide or
/// reorder text ([`crate::is_hidden`]: a bidirectional override draws `evil` as `live`), is
/// shown as an escape (`\u001b`), so the image is always well-formed and shows what it says.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if crate::is_hidden(c) || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::graph::{Chart, Edge, Node};
    use super::*;

    /// A chart of `n` steps in a line, and an edge from the first to each (so that edge
    /// `k` passes `k - 1` layers).
    fn fan(n: usize) -> Chart {
        let nodes = (0..n)
            .map(|i| Node {
                step: format!("s{i}"),
                kind: "question",
                lines: vec![format!("Step {i}")],
                tooltip: String::new(),
                walked: false,
                layer: i,
            })
            .collect();
        let mut edges = Vec::new();
        for i in 1..n {
            edges.push(Edge {
                from: i - 1,
                to: i,
                label: vec![],
                walked: false,
                nth: 0,
                of: 2,
            });
            edges.push(Edge {
                from: 0,
                to: i,
                label: vec![],
                walked: false,
                nth: 1,
                of: 2,
            });
        }
        Chart {
            id: "fan".into(),
            title: "Fan".into(),
            nodes,
            edges,
        }
    }

    #[test]
    fn a_chart_too_large_to_draw_says_so_and_what_to_use_instead() {
        // 300 steps, and edges from the first passing 0 + 1 + ... + 297 layers.
        let chart = fan(300);
        assert!(items(&chart) > MAX_ITEMS);
        let refused = svg(&chart);
        assert!(refused.starts_with("<svg"), "{refused}");
        assert!(
            refused.contains("too large to draw here: 300 steps and 598 edges"),
            "{refused}"
        );
        assert!(refused.contains("pathway graph --format dot"), "{refused}");
        assert!(!refused.contains("<polyline"));
        // Within the limit it is drawn: every step, every edge.
        let chart = fan(150);
        assert!(items(&chart) <= MAX_ITEMS);
        let drawn = svg(&chart);
        assert_eq!(drawn.matches("<g class=\"step ").count(), 150);
        assert_eq!(drawn.matches("<polyline").count(), 298);
    }

    #[test]
    fn the_merge_sort_is_stable() {
        let items: Vec<(u8, usize)> = (0..500).map(|i| ((i * 7 % 13) as u8, i)).collect();
        let mut sorted = items.clone();
        sort_by_key(&mut sorted, |&(k, _)| (i64::from(k), 0, 0));
        let mut want = items;
        // A stable sort by key, by hand: for each key in order, items in their order.
        want = (0..13u8)
            .flat_map(|k| want.iter().copied().filter(move |&(x, _)| x == k))
            .collect();
        assert_eq!(sorted, want);
    }

    #[test]
    fn xml_escapes_markup() {
        assert_eq!(
            xml(r#"a < b && c > "d" 'e'"#),
            "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;"
        );
        assert_eq!(
            xml("\u{1}\u{1b}\u{202e}evil\u{ffff}"),
            "\\u0001\\u001b\\u202eevil\\uffff"
        );
    }
}
