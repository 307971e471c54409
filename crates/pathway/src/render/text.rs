//! An evaluation as a report for the worker: plain text for a terminal, or Markdown to print.
//!
//! Both formats carry the same content in the same order; one [`Writer`] knows the
//! differences (headings, list markers, emphasis, escaping, wrapping).

use crate::bundle::Bundle;
use crate::evaluate::{Action, Answer, AnswerKind, Evaluation, Outcome, Question, State};
use crate::model::Confidence;

use super::{pathway_meta, wrap};

/// Width plain text is wrapped at.
const WIDTH: usize = 78;

/// An evaluation as plain text for a worker in a terminal (no colour codes).
///
/// A finished walk gives the outcome, the actions to take now (urgent first, each with its
/// contact, form, reason and sources; a contact that is not verified is marked "unverified:
/// check locally"), what happens next, and how the pathway decided. An unfinished walk gives
/// the next question with its help and the answers it takes.
pub fn outcome_text(bundle: &Bundle, evaluation: &Evaluation) -> String {
    report(bundle, evaluation, Style::Text)
}

/// The same report as [`outcome_text`], in Markdown (for printing or a case record).
pub fn outcome_markdown(bundle: &Bundle, evaluation: &Evaluation) -> String {
    report(bundle, evaluation, Style::Markdown)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Text,
    Markdown,
}

fn report(bundle: &Bundle, evaluation: &Evaluation, style: Style) -> String {
    let mut w = Writer {
        style,
        out: String::new(),
    };
    match &evaluation.state {
        State::Finished(outcome) => finished(&mut w, bundle, outcome),
        State::NeedsAnswer(question) => needs_answer(&mut w, bundle, evaluation, question),
        State::Blocked { step, message } => {
            w.title(&format!("Blocked at step {}", w.esc(step)));
            w.para(&w.esc(message));
            so_far(&mut w, evaluation);
        }
    }
    decided(&mut w, bundle, evaluation);
    sources(&mut w, bundle, evaluation);
    w.out.truncate(w.out.trim_end().len());
    w.out.push('\n');
    w.out
}

fn finished(w: &mut Writer, bundle: &Bundle, outcome: &Outcome) {
    w.title(&format!("Outcome: {}", w.esc(outcome.title)));
    w.para(&w.esc(outcome.summary));
    w.para(&pathway_line(w, bundle, outcome.pathway));
    w.section("Do now");
    for (i, action) in outcome.actions.iter().enumerate() {
        do_now(w, i + 1, action);
    }
    if !outcome.next_steps.is_empty() {
        w.section("What happens next");
        for step in outcome.next_steps {
            w.bullet(&w.esc(step));
        }
        if !outcome.cites.is_empty() {
            w.para(&format!("sources: {}", w.esc(&outcome.cites.join(", "))));
        }
    }
}

fn do_now(w: &mut Writer, n: usize, action: &Action) {
    let title = if action.urgent {
        format!("{} (urgent)", w.strong(action.title))
    } else {
        w.esc(action.title)
    };
    let head = format!("[{}] {title}", w.code(action.code));
    w.item(n, &head);
    w.field("", &w.esc(action.instructions));
    if let Some(detail) = &action.detail {
        w.field("for this case", &w.esc(detail));
    }
    if let Some(c) = &action.contact {
        let c = &c.contact;
        let mut parts = vec![c.name.clone()];
        let unverified = " (unverified: check locally)";
        match (&c.phone, c.verified) {
            (Some(phone), true) => parts.push(phone.clone()),
            (Some(phone), false) => parts.push(format!("{phone}{unverified}")),
            (None, false) => parts[0].push_str(unverified),
            (None, true) => {}
        }
        parts.extend(c.hours.clone());
        parts.extend(c.email.clone());
        parts.extend(c.web.clone());
        w.field("contact", &w.esc(&parts.join(", ")));
        if let Some(notes) = &c.notes {
            w.field("contact note", &w.esc(notes));
        }
        // Where the details come from: the page and the date they were checked, only when
        // they were verified.
        match (&c.url, &c.checked, c.verified) {
            (Some(url), Some(checked), true) => {
                w.field("checked", &format!("{} on <{url}>", w.esc(checked)));
            }
            _ => w.field("checked", "unverified: check locally"),
        }
    }
    if let Some(form) = &action.form {
        let url = form
            .url
            .as_ref()
            .map(|u| format!(" <{u}>"))
            .unwrap_or_default();
        w.field("form", &format!("{}{url}", w.esc(&form.name)));
    }
    if let Some(reason) = &action.reason {
        w.field("why", &w.esc(reason));
    }
    if !action.cites.is_empty() {
        w.field("sources", &action.cites.join(", "));
    }
}

fn needs_answer(w: &mut Writer, bundle: &Bundle, evaluation: &Evaluation, q: &Question) {
    w.title(&format!("Next question: {}", w.esc(&q.text)));
    let asked = match q.answered {
        0 => "first question".to_owned(),
        1 => "1 question answered so far".to_owned(),
        n => format!("{n} questions answered so far"),
    };
    w.para(&format!("Fact {}, {asked}.", w.code(&q.fact)));
    if let Some(note) = &q.note {
        w.field("note", &w.esc(note));
    }
    if let Some(help) = &q.help {
        w.field("help", &w.esc(help));
    }
    if let Some(more) = &q.more {
        w.field("more", &w.esc(more));
    }
    match &q.answer {
        AnswerKind::Bool { yes, no } => {
            w.field(
                "answer",
                &format!("{} (true) or {} (false)", w.esc(yes), w.esc(no)),
            );
        }
        AnswerKind::Choice { options } => {
            w.field("answer", "one of");
            for o in *options {
                let help = o
                    .help
                    .as_ref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                let line = format!("{}: {}{}", w.code(&o.value), w.esc(&o.label), w.esc(&help));
                w.sub_bullet(&line);
            }
        }
        AnswerKind::Integer { min, max } => {
            let range = match (*min == i64::MIN, *max == i64::MAX) {
                (false, false) => format!("a whole number from {min} to {max}"),
                (false, true) => format!("a whole number, at least {min}"),
                (true, false) => format!("a whole number, at most {max}"),
                (true, true) => "a whole number".to_owned(),
            };
            w.field("answer", &range);
        }
        AnswerKind::Date => w.field("answer", "a date written YYYY-MM-DD, not after today"),
    }
    w.blank();
    w.para(&pathway_line(w, bundle, q.pathway));
    so_far(w, evaluation);
}

/// The actions an unfinished walk has collected.
fn so_far(w: &mut Writer, evaluation: &Evaluation) {
    let codes = &evaluation.decision.codes;
    if !codes.is_empty() {
        let codes: Vec<String> = codes.iter().map(|c| w.code(c)).collect();
        w.para(&format!("Actions so far: {}", codes.join(", ")));
    }
}

fn pathway_line(w: &Writer, bundle: &Bundle, id: &str) -> String {
    match pathway_meta(bundle, id) {
        Some(meta) => {
            let guidance = meta
                .guidance
                .as_ref()
                .map(|g| format!(". It follows {}", w.esc(g)))
                .unwrap_or_default();
            format!(
                "Pathway: {} ({} v{}, reviewed {}){guidance}",
                w.esc(&meta.title),
                w.code(id),
                w.esc(&meta.version),
                meta.reviewed
            )
        }
        None => format!("Pathway: {}", w.code(id)),
    }
}

/// The trail's decisions, then facts the walk ignored or took from defaults.
fn decided(w: &mut Writer, bundle: &Bundle, evaluation: &Evaluation) {
    let mut lines = Vec::new();
    for v in &evaluation.trail {
        let cites = if v.cites.is_empty() {
            String::new()
        } else {
            format!(" [{}]", v.cites.join(", "))
        };
        let reason = v
            .reason
            .as_ref()
            .map(|r| format!(": {}", w.esc(r)))
            .unwrap_or_default();
        match (&v.answer, &v.reason) {
            (Some(Answer { fact, value }), _) => {
                lines.push(format!(
                    "{}{reason}{cites}",
                    w.code(&format!("{fact} = {value}"))
                ));
            }
            (None, Some(_)) if v.edge.is_none() => {
                lines.push(format!(
                    "hand-over to {}{reason}{cites}",
                    w.code(super::leads_into(bundle, v))
                ));
            }
            (None, Some(_)) => lines.push(format!("at {}{reason}{cites}", w.code(v.step))),
            (None, None) => {}
        }
    }
    if lines.is_empty() && evaluation.unused.is_empty() && evaluation.defaulted.is_empty() {
        return;
    }
    w.section("How the pathway decided");
    for line in &lines {
        w.bullet(line);
    }
    if !evaluation.defaulted.is_empty() {
        let defaults: Vec<String> = evaluation
            .defaulted
            .iter()
            .map(|f| match bundle.fact(f).and_then(|d| d.default.as_ref()) {
                Some(value) => w.code(&format!("{f} = {value}")),
                None => w.code(f),
            })
            .collect();
        w.para(&format!(
            "assumed (not given, declared default used): {}",
            defaults.join(", ")
        ));
    }
    if !evaluation.unused.is_empty() {
        let unused: Vec<String> = evaluation.unused.iter().map(|f| w.code(f)).collect();
        w.para(&format!(
            "ignored (not needed on this route): {}",
            unused.join(", ")
        ));
    }
}

/// Every source cited in the report, in the order first cited, with the places cited
/// (a citation is `TAG` or `TAG locator`).
fn sources(w: &mut Writer, bundle: &Bundle, evaluation: &Evaluation) {
    let mut tags: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |cites: &[String]| {
        for cite in cites {
            let (tag, at) = cite.split_once(char::is_whitespace).unwrap_or((cite, ""));
            let i = match tags.iter().position(|(t, _)| t == tag) {
                Some(i) => i,
                None => {
                    tags.push((tag.to_owned(), Vec::new()));
                    tags.len() - 1
                }
            };
            let at = at.trim();
            if !at.is_empty() && !tags[i].1.iter().any(|a| a == at) {
                tags[i].1.push(at.to_owned());
            }
        }
    };
    if let State::Finished(o) = &evaluation.state {
        for a in &o.actions {
            add(a.cites);
        }
        add(o.cites);
    }
    for v in &evaluation.trail {
        add(v.cites);
    }
    if tags.is_empty() {
        return;
    }
    w.section("Sources");
    for (tag, places) in &tags {
        let places = if places.is_empty() {
            String::new()
        } else {
            format!(" ({})", places.join(", "))
        };
        let head = w.strong(&format!("{tag}{places}"));
        let line = match bundle.source(tag) {
            Some(s) => {
                let url = s
                    .url
                    .as_ref()
                    .map(|u| format!(" <{u}>"))
                    .unwrap_or_default();
                let unconfirmed = if s.confidence == Confidence::L {
                    " (unverified: check locally)"
                } else {
                    ""
                };
                let why_no_url = match (&s.url, &s.no_url) {
                    (None, Some(reason)) => format!(" (no web address: {})", w.esc(reason)),
                    _ => String::new(),
                };
                format!("{head}: {}{url}{why_no_url}{unconfirmed}", w.esc(&s.title))
            }
            None => head,
        };
        w.bullet(&line);
    }
}

/// Writes blocks in one style. Text is wrapped at [`WIDTH`]; Markdown is left to reflow.
/// Block methods take inline text already made with [`Writer::esc`], [`Writer::code`] or
/// [`Writer::strong`].
struct Writer {
    style: Style,
    out: String,
}

impl Writer {
    fn title(&mut self, text: &str) {
        match self.style {
            Style::Text => {
                self.wrapped("", "", text);
                let width = text.chars().count().min(WIDTH);
                self.out.push_str(&"=".repeat(width));
                self.out.push_str("\n\n");
            }
            Style::Markdown => self.out.push_str(&format!("# {text}\n\n")),
        }
    }

    fn section(&mut self, text: &str) {
        self.blank();
        match self.style {
            Style::Text => self
                .out
                .push_str(&format!("{}\n\n", text.to_ascii_uppercase())),
            Style::Markdown => self.out.push_str(&format!("## {text}\n\n")),
        }
    }

    fn para(&mut self, text: &str) {
        self.blank();
        self.wrapped("", "", text);
        self.out.push('\n');
    }

    fn item(&mut self, n: usize, head: &str) {
        self.blank();
        let first = format!("{n}. ");
        let rest = " ".repeat(first.len());
        self.wrapped(&first, &rest, head);
    }

    /// A labelled line under an item or question (unlabelled when `label` is empty).
    fn field(&mut self, label: &str, value: &str) {
        let (text, rest) = if label.is_empty() {
            (value.to_owned(), "   ")
        } else {
            (format!("{label}: {value}"), "     ")
        };
        match self.style {
            Style::Text => self.wrapped("   ", rest, &text),
            Style::Markdown => self.out.push_str(&format!("   - {text}\n")),
        }
    }

    fn bullet(&mut self, text: &str) {
        self.wrapped("- ", "  ", text);
    }

    fn sub_bullet(&mut self, text: &str) {
        match self.style {
            Style::Text => self.wrapped("     - ", "       ", text),
            Style::Markdown => self.out.push_str(&format!("     - {text}\n")),
        }
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn wrapped(&mut self, first: &str, rest: &str, text: &str) {
        if self.style == Style::Markdown {
            self.out.push_str(first);
            self.out.push_str(text);
            self.out.push('\n');
            return;
        }
        let width = WIDTH.saturating_sub(first.chars().count()).max(20);
        for (i, line) in wrap(text, width).iter().enumerate() {
            self.out.push_str(if i == 0 { first } else { rest });
            self.out.push_str(line);
            self.out.push('\n');
        }
    }

    /// Inline code: an id or value.
    fn code(&self, text: &str) -> String {
        match self.style {
            Style::Text => text.to_owned(),
            Style::Markdown => format!("`{}`", text.replace('`', "'")),
        }
    }

    fn strong(&self, text: &str) -> String {
        match self.style {
            Style::Text => text.to_owned(),
            Style::Markdown => format!("**{}**", self.esc(text)),
        }
    }

    /// Text from a pathway file, made literal in Markdown.
    fn esc(&self, text: &str) -> String {
        match self.style {
            Style::Text => text.to_owned(),
            Style::Markdown => {
                let mut out = String::with_capacity(text.len());
                for c in text.chars() {
                    if matches!(
                        c,
                        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
                    ) {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out
            }
        }
    }
}
