//! A small document (headings, paragraphs, lists, tables, inline SVG) written once and
//! rendered as a self-contained printable HTML page, as Markdown or as plain text: the
//! review pack and the semantic diff say the same thing in every format.

use std::fmt::Write;

/// One block of a document.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// A heading of level 1 to 3, with an anchor.
    Heading(u8, String, String),
    /// A paragraph.
    Para(String),
    /// A paragraph that stands out (a warning, a result).
    Callout(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table: header, then rows; a cell may hold several lines.
    Table(Vec<String>, Vec<Vec<Vec<String>>>),
    /// A block of code or data (a facts record).
    Code(String),
    /// A flowchart as SVG (HTML only; the other formats say where to find it).
    Svg(String, String),
}

/// A document: a title and blocks.
#[derive(Debug, Clone, Default)]
pub(crate) struct Doc {
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
}

impl Doc {
    pub(crate) fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            blocks: Vec::new(),
        }
    }
    pub(crate) fn h(&mut self, level: u8, text: impl Into<String>) {
        let text = text.into();
        let anchor = anchor(&text);
        self.blocks.push(Block::Heading(level, text, anchor));
    }
    pub(crate) fn p(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Para(text.into()));
    }
    pub(crate) fn callout(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Callout(text.into()));
    }
    pub(crate) fn list(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::List(items));
        }
    }
    pub(crate) fn table(&mut self, head: &[&str], rows: Vec<Vec<Vec<String>>>) {
        let head = head.iter().map(|h| (*h).to_owned()).collect();
        self.blocks.push(Block::Table(head, rows));
    }
    pub(crate) fn code(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Code(text.into()));
    }
    pub(crate) fn svg(&mut self, caption: impl Into<String>, svg: String) {
        self.blocks.push(Block::Svg(caption.into(), svg));
    }
}

fn anchor(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// Text for HTML: `&`, `<`, `>` and quotes escaped.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;line-height:1.45;color:#0b0c0c;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem;border-bottom:4px solid #0b0c0c;padding-bottom:.3rem}
h2{font-size:1.4rem;margin-top:2.2rem;border-bottom:1px solid #b1b4b6}
h3{font-size:1.15rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;margin:.8rem 0;font-size:.92rem}
th,td{border:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f2f1}
tr{break-inside:avoid}
.callout{border-left:6px solid #d4351c;background:#fef7f5;padding:.6rem .9rem}
pre{background:#f3f2f1;padding:.6rem;white-space:pre-wrap;word-break:break-all;font-size:.85rem}
figure{margin:1rem 0}
figure svg{max-width:100%;height:auto}
figcaption{font-weight:bold;margin-bottom:.4rem}
nav ol{columns:2}
@media print{body{max-width:none;margin:0;font-size:10.5pt}h2{break-before:page}.page{break-before:page}h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}nav{display:none}}
@page{size:A4;margin:15mm}
";

/// The document as one self-contained HTML page: inline style, no script, no resource
/// loaded from anywhere (flowcharts are inline SVG).
pub(crate) fn html(doc: &Doc) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&doc.title),
        esc(&doc.title)
    );
    let contents: Vec<(&str, &str)> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(2, text, anchor) => Some((text.as_str(), anchor.as_str())),
            _ => None,
        })
        .collect();
    if contents.len() > 2 {
        o.push_str(
            "<nav aria-label=\"Contents\"><h2 style=\"break-before:auto\">Contents</h2><ol>\n",
        );
        for (text, anchor) in contents {
            let _ = writeln!(o, "<li><a href=\"#{anchor}\">{}</a></li>", esc(text));
        }
        o.push_str("</ol></nav>\n");
    }
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text, anchor) => {
                let _ = writeln!(o, "<h{level} id=\"{anchor}\">{}</h{level}>", esc(text));
            }
            Block::Para(text) => {
                let _ = writeln!(o, "<p>{}</p>", esc(text));
            }
            Block::Callout(text) => {
                let _ = writeln!(o, "<p class=\"callout\"><strong>{}</strong></p>", esc(text));
            }
            Block::List(items) => {
                o.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(o, "<li>{}</li>", esc(i));
                }
                o.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                o.push_str("<table>\n<thead><tr>");
                for h in head {
                    let _ = write!(o, "<th scope=\"col\">{}</th>", esc(h));
                }
                o.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    o.push_str("<tr>");
                    for cell in row {
                        let lines: Vec<String> = cell.iter().map(|l| esc(l)).collect();
                        let _ = write!(o, "<td>{}</td>", lines.join("<br>"));
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody>\n</table>\n");
            }
            Block::Code(text) => {
                let _ = writeln!(o, "<pre>{}</pre>", esc(text));
            }
            Block::Svg(caption, svg) => {
                // Inline SVG needs no namespace in HTML: the page names no address at all.
                let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
                let _ = writeln!(
                    o,
                    "<figure class=\"page\"><figcaption>{}</figcaption>\n{svg}</figure>",
                    esc(caption)
                );
            }
        }
    }
    o.push_str("</body>\n</html>\n");
    o
}

/// Markdown cell text: `|` escaped, lines joined with `<br>`.
fn md_cell(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.replace('|', "\\|").replace('\n', " "))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// The document as Markdown (GitHub flavour: tables, `<br>` in cells).
pub(crate) fn markdown(doc: &Doc) -> String {
    let mut o = format!("# {}\n", doc.title);
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text, _) => {
                let _ = write!(o, "\n{} {text}\n", "#".repeat(usize::from(*level)));
            }
            Block::Para(text) => {
                let _ = write!(o, "\n{text}\n");
            }
            Block::Callout(text) => {
                let _ = write!(o, "\n> **{text}**\n");
            }
            Block::List(items) => {
                o.push('\n');
                for i in items {
                    let _ = writeln!(o, "- {}", i.replace('\n', " "));
                }
            }
            Block::Table(head, rows) => {
                let _ = write!(o, "\n| {} |\n", head.join(" | "));
                let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
                    let _ = writeln!(o, "| {} |", cells.join(" | "));
                }
            }
            Block::Code(text) => {
                let _ = write!(o, "\n```json\n{text}\n```\n");
            }
            Block::Svg(caption, _) => {
                let _ = write!(
                    o,
                    "\n*{caption}: the flowchart is in the HTML pack (`--format html`), or `pathway graph --format svg`.*\n"
                );
            }
        }
    }
    o
}

/// The document as plain text, for a terminal.
pub(crate) fn text(doc: &Doc) -> String {
    let mut o = format!("{}\n{}\n", doc.title, "=".repeat(doc.title.chars().count()));
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text, _) => {
                let rule = if *level <= 2 { '=' } else { '-' };
                let _ = write!(
                    o,
                    "\n{text}\n{}\n",
                    rule.to_string().repeat(text.chars().count())
                );
            }
            Block::Para(text) => {
                let _ = writeln!(o, "{text}");
            }
            Block::Callout(text) => {
                let _ = writeln!(o, "! {text}");
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(o, "  - {i}");
                }
            }
            Block::Table(head, rows) => {
                for row in rows {
                    for (h, cell) in head.iter().zip(row) {
                        if cell.is_empty() {
                            continue;
                        }
                        let _ = writeln!(o, "  {h}: {}", cell.join("; "));
                    }
                    o.push('\n');
                }
            }
            Block::Code(text) => {
                for line in text.lines() {
                    let _ = writeln!(o, "    {line}");
                }
            }
            Block::Svg(caption, _) => {
                let _ = writeln!(o, "({caption}: see `pathway graph --format svg`)");
            }
        }
    }
    o
}
