//! The report as text, CSV, JSON and a self-contained HTML page with inline SVG charts.

use std::fmt::Write as _;

use super::{Cell, StatsReport, Table};

/// What the markers mean, for every format.
const LEGEND: &str = "<5: a count from 1 to 4. [c]: hidden so that a count from 1 to 4 cannot be worked out from the other counts and the totals.";

fn period(report: &StatsReport) -> String {
    match (&report.from, &report.to) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no records".into(),
    }
}

/// Aligned plain-text tables.
pub fn stats_text(report: &StatsReport) -> String {
    let mut out = format!(
        "Modern slavery monitoring report: {}, records: {}\n{LEGEND}\n",
        period(report),
        report.records().shown()
    );
    for t in &report.tables {
        let _ = write!(out, "\n{}\n", t.title);
        let mut rows: Vec<Vec<String>> = vec![
            std::iter::once(String::new())
                .chain(t.columns.iter().map(|(_, l)| l.clone()))
                .chain(std::iter::once("Total".into()))
                .collect(),
        ];
        for (i, cells) in t.cells.iter().enumerate() {
            let label = t.rows.get(i).map_or("Total", |(_, l)| l.as_str());
            rows.push(
                std::iter::once(label.to_owned())
                    .chain(cells.iter().map(|c| c.shown()))
                    .collect(),
            );
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let line: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(j, s)| {
                    if j == 0 {
                        format!("{s:<w$}", w = widths[j])
                    } else {
                        format!("{s:>w$}", w = widths[j])
                    }
                })
                .collect();
            let _ = writeln!(out, "  {}", line.join("  ").trim_end());
        }
    }
    out
}

/// CSV (RFC 4180 quoting), one line per entry: `table,row,route,count`; totals have the row
/// or route `total`; `count` is a number, `<5` or `[c]`. Lines end in a line feed, not CRLF:
/// spreadsheets read either, and the CLI shows a carriage return in its output as an escape
/// (it could overwrite a terminal line), which would corrupt the file.
pub fn stats_csv(report: &StatsReport) -> String {
    let mut out = String::from("table,row,route,count\n");
    for t in &report.tables {
        for (i, cells) in t.cells.iter().enumerate() {
            let row = t.rows.get(i).map_or("total", |(k, _)| k.as_str());
            for (j, cell) in cells.iter().enumerate() {
                let col = t.columns.get(j).map_or("total", |(k, _)| k.as_str());
                let _ = writeln!(
                    out,
                    "{},{},{},{}",
                    csv(t.id),
                    csv(row),
                    csv(col),
                    csv(&cell.shown())
                );
            }
        }
    }
    out
}

fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// JSON: the format, the period, the records, the legend and every table.
pub fn stats_json(report: &StatsReport) -> String {
    let mut json = serde_json::to_value(report).unwrap_or_default();
    if let Some(obj) = json.as_object_mut() {
        obj.insert(
            "records".into(),
            serde_json::to_value(report.records()).unwrap_or_default(),
        );
        obj.insert("legend".into(), LEGEND.into());
    }
    serde_json::to_string_pretty(&json).unwrap_or_default()
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One self-contained HTML page: tables and inline SVG bar charts of the row totals; no
/// script, no external resource (its Content Security Policy allows none).
pub fn stats_html(report: &StatsReport) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Modern slavery monitoring report</title>\n<style>\n\
         body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#0b0c0c}\n\
         table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #b1b4b6;padding:.3rem .6rem}\n\
         td{text-align:right}th[scope=row]{text-align:left;font-weight:normal}tr.total th,tr.total td,td.total{font-weight:bold}\n\
         svg text{font-size:12px;fill:#0b0c0c}svg rect{fill:#1d70b8}\n</style>\n</head>\n<body>\n",
    );
    let _ = write!(
        out,
        "<h1>Modern slavery monitoring report</h1>\n<p>{}. Records: {}.</p>\n<p>{}</p>\n",
        esc(&period(report)),
        esc(&report.records().shown()),
        esc(LEGEND)
    );
    for t in &report.tables {
        let _ = write!(out, "<section>\n<h2>{}</h2>\n", esc(t.title));
        html_table(&mut out, t);
        html_chart(&mut out, t);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_table(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        "<table>\n<caption>{}, by route</caption>\n<thead><tr><td></td>",
        esc(t.title)
    );
    for (_, l) in &t.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(l));
    }
    out.push_str("<th scope=\"col\">Total</th></tr></thead>\n<tbody>\n");
    for (i, cells) in t.cells.iter().enumerate() {
        let (class, label) = match t.rows.get(i) {
            Some((_, l)) => ("", l.as_str()),
            None => (" class=\"total\"", "Total"),
        };
        let _ = write!(out, "<tr{class}><th scope=\"row\">{}</th>", esc(label));
        for (j, c) in cells.iter().enumerate() {
            let total = if j == t.columns.len() {
                " class=\"total\""
            } else {
                ""
            };
            let _ = write!(out, "<td{total}>{}</td>", esc(&c.shown()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Horizontal bars of the row totals; a suppressed total has no bar, only its marker.
fn html_chart(out: &mut String, t: &Table) {
    let totals: Vec<Cell> = t
        .cells
        .iter()
        .take(t.rows.len())
        .map(|r| r.last().copied().unwrap_or(Cell::Count(0)))
        .collect();
    let max = totals
        .iter()
        .filter_map(|c| match c {
            Cell::Count(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (230u64, 400u64, 22u64);
    let height = row_h * totals.len() as u64 + 4;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" role=\"img\" aria-label=\"{}: total by row\">",
        esc(t.title),
        w = label_w + bar_w + 60,
    );
    for (i, (cell, (_, label))) in totals.iter().zip(&t.rows).enumerate() {
        let y = row_h * i as u64 + 2;
        let _ = write!(out, "<text x=\"0\" y=\"{}\">{}</text>", y + 15, esc(label));
        let width = match cell {
            Cell::Count(n) => n * bar_w / max,
            _ => 0,
        };
        if width > 0 {
            let _ = write!(
                out,
                "<rect x=\"{label_w}\" y=\"{y}\" width=\"{width}\" height=\"{}\"/>",
                row_h - 6
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            label_w + width + 4,
            y + 15,
            esc(&cell.shown())
        );
    }
    out.push_str("</svg>\n");
}
