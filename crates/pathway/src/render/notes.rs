//! Case notes: a walk as plain text for a case record, in words a colleague reads.
//!
//! The same text on every front: the page's "Copy summary" and text download, `pathway walk
//! --summary FILE` and `pathway decide --format text`. Questions and answers are in words
//! (never fact ids), dates are human ("14 March 2027"), and each contact says what it is
//! for. Codes, sources and the route's reasons come last, under "About this advice", for
//! whoever checks the advice later.

use crate::bundle::Bundle;
use crate::date::Date;
use crate::evaluate::{Action, Evaluation, State};
use crate::segments::{keep_numbers_whole, plain_spaces};
use crate::value::Value;

use super::{pathway_meta, wrap};

/// Width the notes are wrapped at.
const WIDTH: usize = 78;

/// What the front knows that the engine does not: when the walk was and the worker's case
/// reference. Neither is stored anywhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotesConfig<'a> {
    /// The date of the walk (ages were worked out on it).
    pub today: Option<Date>,
    /// The time of the walk as the worker's clock shows it, e.g. `14:05`.
    pub time: Option<&'a str>,
    /// The case reference the worker typed.
    pub reference: Option<&'a str>,
}

/// A walk as case notes in plain text (see the module docs).
pub fn case_notes(bundle: &Bundle, evaluation: &Evaluation, config: &NotesConfig) -> String {
    let mut w = Notes(String::new());
    w.line("Modern slavery referral: case notes");
    w.line(&"=".repeat(35));
    let mut when = config.today.map(Date::human).unwrap_or_default();
    if let Some(time) = config.time.filter(|t| !t.trim().is_empty()) {
        if !when.is_empty() {
            when.push_str(", ");
        }
        when.push_str(time.trim());
    }
    if !when.is_empty() {
        w.wrapped("Date: ", &when);
    }
    if let Some(reference) = config.reference.filter(|r| !r.trim().is_empty()) {
        w.wrapped("Case reference: ", reference.trim());
    }
    match &evaluation.state {
        State::Finished(outcome) => {
            w.section("Outcome");
            w.para(&danger_first(outcome.title, &outcome.actions));
            w.para(outcome.summary);
            w.section("What to do now");
            for (i, action) in outcome.actions.iter().enumerate() {
                action_lines(&mut w, i + 1, action);
            }
            if !outcome.next_steps.is_empty() {
                w.section("What happens next");
                for step in outcome.next_steps {
                    w.bullet(step);
                }
            }
        }
        State::NeedsAnswer(q) => {
            w.section("Not finished");
            w.para("The walk stopped before the outcome.");
            w.wrapped("Next question: ", &q.text);
            if !evaluation.due.is_empty() {
                w.section("Already due");
                for (i, action) in evaluation.due.iter().enumerate() {
                    action_lines(&mut w, i + 1, action);
                }
            }
        }
        State::Blocked { message, .. } => {
            w.section("Not finished");
            w.para(message);
        }
    }
    questions(&mut w, bundle, evaluation);
    contacts(&mut w, evaluation);
    about(&mut w, bundle, evaluation);
    w.section("Safety");
    w.para(
        "This tool supports professional judgement; it does not replace it. Follow your \
         organisation's safeguarding procedure. If anyone is in immediate danger, call 999.",
    );
    if let Some(helpline) = bundle.contact("ms_helpline") {
        let mut line = format!("Advice: {}", helpline.name);
        if let Some(phone) = &helpline.phone {
            line.push_str(&format!(" on {phone}"));
        }
        if let Some(hours) = &helpline.hours {
            line.push_str(&format!(" ({hours})"));
        }
        w.para(&line);
    }
    let mut out = w.0;
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The action codes of danger now (vocabulary v2): call 999, somewhere safe tonight.
pub const DANGER_CODES: [&str; 2] = ["call_999", "arrange_safe_accommodation"];

/// The outcome's title, led by the danger when an urgent action is one of
/// [`DANGER_CODES`]: "Call 999 now. Adult: ...".
pub fn danger_first(title: &str, actions: &[Action]) -> String {
    let danger: Vec<&str> = actions
        .iter()
        .filter(|a| a.urgent && DANGER_CODES.contains(&a.code))
        .map(|a| a.title)
        .filter(|t| !title.starts_with(t))
        .collect();
    if danger.is_empty() {
        return title.to_owned();
    }
    format!("{}. {title}", danger.join(". "))
}

/// An answer in words: the option's label, the yes/no label, a human date or the number.
pub fn answer_words(bundle: &Bundle, fact: &str, value: &Value) -> String {
    crate::bundle::label(bundle.fact(fact), value)
}

fn action_lines(w: &mut Notes, n: usize, action: &Action) {
    w.blank();
    let title = if action.urgent {
        format!("{} (urgent)", action.title)
    } else {
        action.title.to_owned()
    };
    w.hanging(&format!("{n}. "), &title);
    w.indented("   ", action.instructions);
    if let Some(detail) = &action.detail {
        w.indented("   ", &format!("For this case: {detail}"));
    }
    if let Some(c) = &action.contact {
        w.indented("   ", &format!("Contact: {}", contact_line(c.contact)));
    }
    if let Some(form) = &action.form {
        let url = form
            .url
            .as_ref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        w.indented("   ", &format!("Form: {}{url}", form.name));
    }
    if let Some(reason) = action.reason {
        w.indented("   ", &format!("Why: {reason}"));
    }
}

fn contact_line(c: &crate::model::Contact) -> String {
    let mut line = c.name.clone();
    if let Some(phone) = &c.phone {
        line.push_str(&format!(", {phone}"));
    }
    if let Some(hours) = &c.hours {
        line.push_str(&format!(" ({hours})"));
    }
    for extra in [&c.email, &c.web].into_iter().flatten() {
        line.push_str(&format!(", {extra}"));
    }
    if !c.verified {
        line.push_str(" (unverified: check locally)");
    }
    line
}

fn questions(w: &mut Notes, bundle: &Bundle, evaluation: &Evaluation) {
    let answered: Vec<_> = evaluation
        .trail
        .iter()
        .filter_map(|v| v.answer.as_ref())
        .collect();
    if answered.is_empty() {
        return;
    }
    w.section("Questions and answers");
    for (i, answer) in answered.iter().enumerate() {
        let question = bundle
            .fact(answer.fact)
            .map_or(answer.fact, |d| d.question.as_str());
        w.blank();
        w.hanging(&format!("{}. ", i + 1), question);
        let mut words = answer_words(bundle, answer.fact, &answer.value);
        if evaluation.defaulted.contains(&answer.fact) {
            words.push_str(" (not asked: the pathway's default)");
        }
        w.indented("   ", &format!("Answer: {words}"));
    }
}

/// Each contact once, with what to contact it for.
fn contacts(w: &mut Notes, evaluation: &Evaluation) {
    let actions: &[Action] = match &evaluation.state {
        State::Finished(o) => &o.actions,
        _ => &evaluation.due,
    };
    let mut seen: Vec<(&str, Vec<&str>, &crate::model::Contact)> = Vec::new();
    for a in actions {
        let Some(c) = &a.contact else { continue };
        match seen.iter_mut().find(|(id, _, _)| *id == c.id) {
            Some((_, titles, _)) => titles.push(a.title),
            None => seen.push((c.id, vec![a.title], c.contact)),
        }
    }
    if seen.is_empty() {
        return;
    }
    w.section("Contacts");
    w.para("Record who you spoke to, when, and what was agreed.");
    for (_, titles, contact) in &seen {
        w.blank();
        w.hanging("- ", &contact_line(contact));
        w.indented("  ", &format!("For: {}", titles.join("; ")));
    }
}

/// The pathway, the guidance, the route's reasons, the action codes and the sources.
fn about(w: &mut Notes, bundle: &Bundle, evaluation: &Evaluation) {
    w.section("About this advice");
    let pathway = match &evaluation.state {
        State::Finished(o) => Some(o.pathway),
        State::NeedsAnswer(q) => Some(q.pathway),
        State::Blocked { .. } => None,
    };
    if let Some(meta) = pathway.and_then(|id| pathway_meta(bundle, id)) {
        w.para(&format!(
            "Pathway: {}, version {}, reviewed {}.",
            meta.title,
            meta.version,
            meta.reviewed.human()
        ));
        if let Some(g) = &meta.guidance {
            w.para(&format!("It follows {g}."));
        }
    }
    let mut reasons: Vec<&str> = Vec::new();
    for v in &evaluation.trail {
        if let Some(r) = v.reason.filter(|r| !reasons.contains(r)) {
            reasons.push(r);
        }
    }
    if !reasons.is_empty() {
        w.para("How the pathway decided:");
        for r in reasons {
            w.bullet(r);
        }
    }
    let codes: Vec<&str> = match &evaluation.state {
        State::Finished(o) => o.codes(),
        _ => evaluation.due.iter().map(|a| a.code).collect(),
    };
    if !codes.is_empty() {
        w.para(&format!("Action codes: {}.", codes.join(", ")));
    }
    let mut cites: Vec<&str> = Vec::new();
    if let State::Finished(o) = &evaluation.state {
        for c in o.actions.iter().flat_map(|a| a.cites).chain(o.cites) {
            if !cites.contains(&c.as_str()) {
                cites.push(c);
            }
        }
    }
    if !cites.is_empty() {
        w.para(&format!("Sources: {}.", cites.join("; ")));
    }
}

/// Plain text, wrapped at [`WIDTH`] without ever splitting a phone number.
struct Notes(String);

impl Notes {
    fn line(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push('\n');
    }

    fn blank(&mut self) {
        if !self.0.is_empty() && !self.0.ends_with("\n\n") {
            self.0.push('\n');
        }
    }

    fn section(&mut self, title: &str) {
        self.blank();
        self.0.push('\n');
        self.line(&title.to_ascii_uppercase());
        self.line(&"-".repeat(title.chars().count()));
    }

    fn para(&mut self, text: &str) {
        self.blank();
        self.lines("", "", text);
    }

    fn bullet(&mut self, text: &str) {
        self.hanging("- ", text);
    }

    /// `first` then the text, later lines indented to match.
    fn hanging(&mut self, first: &str, text: &str) {
        let rest = " ".repeat(first.chars().count());
        self.lines(first, &rest, text);
    }

    fn indented(&mut self, indent: &str, text: &str) {
        self.lines(indent, indent, text);
    }

    /// A labelled line, later lines under the start of the label.
    fn wrapped(&mut self, label: &str, text: &str) {
        self.lines("", "  ", &format!("{label}{text}"));
    }

    fn lines(&mut self, first: &str, rest: &str, text: &str) {
        let indent = first.chars().count().max(rest.chars().count());
        let width = WIDTH.saturating_sub(indent).max(20);
        for paragraph in text.split('\n') {
            for (i, line) in wrap(&keep_numbers_whole(paragraph), width)
                .iter()
                .enumerate()
            {
                let indent = if i == 0 { first } else { rest };
                self.0.push_str(indent);
                self.0.push_str(&plain_spaces(line));
                self.0.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::evaluate::evaluate;
    use crate::walk::Config;

    fn notes(facts: serde_json::Value, config: &NotesConfig) -> String {
        let bundle = crate::bundled().unwrap();
        let today = "2026-11-22".parse().unwrap();
        let facts = bundle.parse_facts(&facts, today).unwrap();
        // As `decide` reads a record: a fact it does not give takes its declared default.
        let config_eval = Config {
            today,
            use_defaults: true,
        };
        let evaluation = evaluate(&bundle, bundle.entry(), &facts, &config_eval);
        case_notes(&bundle, &evaluation, config)
    }

    fn ar_at_17() -> serde_json::Value {
        json!({
            "immediate_danger": false,
            "age_basis": "date_of_birth",
            "date_of_birth": "2008-12-15",
            "suspected_modern_slavery": true,
            "someone_speaks_for_them": true,
            "reporter_is_first_responder": true,
        })
    }

    #[test]
    fn notes_are_in_words_with_human_dates_time_and_reference() {
        let config = NotesConfig {
            today: Some("2026-11-22".parse().unwrap()),
            time: Some("14:05"),
            reference: Some("HX/2026/117"),
        };
        let text = notes(ar_at_17(), &config);
        assert!(text.contains("Date: 22 November 2026, 14:05"), "{text}");
        assert!(text.contains("Case reference: HX/2026/117"), "{text}");
        assert!(text.contains("Answer: 15 December 2008"), "{text}");
        assert!(!text.contains("2008-12-15"), "{text}");
        assert!(!text.contains('`'), "{text}");
        // Fact ids only in "About this advice" (none of them there either).
        let (body, about) = text.split_once("ABOUT THIS ADVICE").unwrap();
        for id in ["date_of_birth", "immediate_danger", "nrm_referral", " = "] {
            assert!(!body.contains(id), "{id} in the notes body:\n{body}");
        }
        assert!(
            about.contains("Action codes: refer_before_18th_birthday"),
            "{about}"
        );
        assert!(text.contains("CONTACTS"), "{text}");
        assert!(text.contains("For: "), "{text}");
    }

    #[test]
    fn no_phone_number_is_split_across_lines() {
        let text = notes(ar_at_17(), &NotesConfig::default());
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "{line}");
            assert!(!line.trim_end().ends_with(" 0300"), "{line}");
            assert!(!line.trim_end().ends_with(" 0800"), "{line}");
        }
        assert!(text.contains("0300 123 4043"), "{text}");
    }

    #[test]
    fn an_outcome_heading_leads_with_the_danger() {
        let mut facts = ar_at_17();
        facts["immediate_danger"] = json!(true);
        let text = notes(facts, &NotesConfig::default());
        let outcome = text.split_once("OUTCOME\n-------\n\n").unwrap().1;
        assert!(outcome.starts_with("Call 999"), "{outcome}");
        let calm = notes(ar_at_17(), &NotesConfig::default());
        let outcome = calm.split_once("OUTCOME\n-------\n\n").unwrap().1;
        assert!(outcome.starts_with("Child"), "{outcome}");
    }

    #[test]
    fn an_unfinished_walk_leads_with_what_is_already_due() {
        let text = notes(json!({"immediate_danger": true}), &NotesConfig::default());
        assert!(text.contains("NOT FINISHED"), "{text}");
        let due = text.split_once("ALREADY DUE").unwrap().1;
        assert!(due.contains("999"), "{text}");
    }

    /// Every action gives its own reason (E11): one "Why" line per action, none repeated.
    #[test]
    fn every_action_gives_its_own_reason() {
        let bundle = crate::bundled().unwrap();
        let today = "2026-11-22".parse().unwrap();
        let facts = bundle
            .parse_facts(
                &json!({
                    "immediate_danger": false, "age_basis": "stated_age", "age": 41,
                    "suspected_modern_slavery": "yes", "reporter_organisation": "other_council_service",
                    "care_and_support_needs": true, "has_capacity_to_consent": "yes",
                    "consent_to_nrm": "declined",
                }),
                today,
            )
            .unwrap();
        let config = Config {
            today,
            use_defaults: true,
        };
        let evaluation = evaluate(&bundle, bundle.entry(), &facts, &config);
        let crate::evaluate::State::Finished(outcome) = &evaluation.state else {
            panic!("not finished")
        };
        let text = case_notes(&bundle, &evaluation, &NotesConfig::default());
        let whys: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("Why: "))
            .collect();
        assert_eq!(whys.len(), outcome.actions.len(), "{text}");
        let mut unique = whys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(whys.len(), unique.len(), "{text}");
    }
}
