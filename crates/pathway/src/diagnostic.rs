//! Problems found while loading, compiling or verifying a pathway set.

use std::fmt;

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The set is rejected.
    Error,
    /// The set loads, and every front end shows the warning.
    Warning,
}

/// One problem, written for the person who must fix the pathway file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case code, e.g. `unknown-step`.
    pub code: &'static str,
    /// The file (or pathway id) the problem is in.
    pub file: String,
    /// Where in the file: `line 3, column 7`, or a path such as `step "age_route", edge 2`.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error. A location or message longer than [`LONGEST`] characters (a 2 MB rule quoted
    /// whole, say) is cut in the middle, so a diagnostic stays a few lines long.
    pub(crate) fn error(
        code: &'static str,
        file: &str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            file: file.to_owned(),
            location: cut(location.into()),
            message: cut(message.into()),
            hint: None,
        }
    }

    pub(crate) fn warning(
        code: &'static str,
        file: &str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, file, location, message)
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// This diagnostic with the general advice for its code, if it has no hint of its own.
    pub(crate) fn or_default_hint(mut self) -> Self {
        if self.hint.is_none() {
            self.hint = default_hint(self.code).map(str::to_owned);
        }
        self
    }

    /// Whether this diagnostic rejects the set.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}[{}]", self.code)?;
        // A problem of the whole set (no pathway file, no contacts) is in no one file.
        if !self.file.is_empty() {
            write!(f, ": {}", self.file)?;
        }
        if !self.location.is_empty() {
            write!(f, ": {}", self.location)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The most characters a diagnostic's location or message shows.
pub(crate) const LONGEST: usize = 1000;

/// `text` cut to its first and last [`LONGEST`]`/2` characters, with `…` between, when longer.
fn cut(text: String) -> String {
    let len = text.chars().count();
    if len <= LONGEST {
        return text;
    }
    let head: String = text.chars().take(LONGEST / 2).collect();
    let tail: String = text.chars().skip(len - LONGEST / 2).collect();
    format!("{head} … {tail}")
}

/// The part of a one-line `text` (a rule) around a 1-based character `column`: whole when it
/// is at most [`EXCERPT`] characters long, else [`EXCERPT`] characters around the column, with
/// `…` where it is cut.
pub(crate) fn excerpt(text: &str, column: usize) -> String {
    const EXCERPT: usize = 60;
    let len = text.chars().count();
    if len <= EXCERPT {
        return text.to_owned();
    }
    let start = column.saturating_sub(1 + EXCERPT / 2).min(len - EXCERPT);
    let part: String = text.chars().skip(start).take(EXCERPT).collect();
    let before = if start > 0 { "…" } else { "" };
    let after = if start + EXCERPT < len { "…" } else { "" };
    format!("{before}{part}{after}")
}

/// What to do about a problem of this code, where the place that found it said nothing more
/// specific.
fn default_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "bad-id" => {
            "fact, step, action and source ids use lowercase letters, digits and `_`; pathway ids use `-` instead of `_`"
        }
        "misplaced-field" => {
            "remove the field, or change the fact's `type` to the one it belongs to"
        }
        "bad-options" => "list at least two options, each with its own `value`",
        "bad-range" => "write \"min\" and \"max\" as whole numbers, with min no greater than max",
        "bad-date" => {
            "write dates as YYYY-MM-DD, for example 2026-11-22, with `reviewed` no later than `review_by`"
        }
        "bad-default" => "give a `default` of the fact's own type and range",
        "missing-default" => {
            "add \"default\": the answer to assume when a record does not say (for example false)"
        }
        "duplicate-fact" => "give each fact and derived fact its own id",
        "fact-redefined" => "a fact id means the same in every pathway of a set: use a new id",
        "bad-template" => {
            "`{{contact(id)}}` works in every text and names a contact of contacts.json; `{{fact}}`, `{{birthday(date_fact, N)}}` and `{{days_until_birthday(date_fact, N)}}` only in an action step's `detail`"
        }
        "unknown-step" => "name the id of a step of this pathway",
        "unknown-fact" => "list only facts declared under `facts`",
        "unknown-format" => "every pathway file starts with \"format\": \"pathway/v1\"",
        "no-pathway" => "add a pathway file (\"format\": \"pathway/v1\") to the folder",
        "unknown-source" => {
            "declare the tag under `sources` in the same file, or cite a tag that is declared there"
        }
        "no-contacts" => "add a contacts.json with \"format\": \"contacts/v1\" to the folder",
        "duplicate-contacts" => "keep one contacts directory (\"format\": \"contacts/v1\") per set",
        "duplicate-pathway" => "give each pathway file its own `id`",
        "duplicate-entry" => "mark one pathway of the set with \"entry\": true",
        "contact-unreachable" => "give the contact a phone number, an email address or a web page",
        "cycle" => "a walk must always move forward: remove the edge or hand-over that leads back",
        "fact-not-asked" => {
            "ask the fact on every path before this step, or guard the rule with a fact that is asked"
        }
        "uncovered-answer" => {
            "add an edge without `when` as the last edge, or a guard for these answers"
        }
        "empty-outcome" => "list in `do` at least one action the worker must take",
        "unreachable-step" => {
            "the guards before it exclude every path to it: fix them or remove the step"
        }
        "dead-edge" => {
            "an earlier edge of the step always wins, or the guard can never hold: reorder or remove it"
        }
        "vocabulary" => {
            "vocabulary facts mean the same in every pathway (DESIGN.md sections 4 and 4b): for another meaning use a new fact id"
        }
        _ => return None,
    })
}

/// The diagnostics that stopped a pathway set from loading (errors first, then warnings).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.0))]
pub struct LoadError(pub Vec<Diagnostic>);

fn render(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut out: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    out.push(format!(
        "{errors} error{} found; the pathway set was not loaded",
        if errors == 1 { "" } else { "s" }
    ));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// V16: a long rule is shown cut around the place of the error, not whole.
    #[test]
    fn a_long_text_is_cut_around_the_column_and_a_long_message_in_the_middle() {
        let rule = format!("{} && && {}", "a".repeat(1000), "b".repeat(1000));
        let shown = excerpt(&rule, 1005);
        assert_eq!(shown.chars().count(), 62, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("&& &&"), "{shown}");
        assert_eq!(excerpt("age < 18 &&", 11), "age < 18 &&");
        assert!(excerpt(&rule, 1).starts_with("aaa") && excerpt(&rule, 1).ends_with('…'));
        let d = Diagnostic::error("rule-syntax", "f.json", "here", "x".repeat(2_000_000));
        assert!(
            d.message.chars().count() <= LONGEST + 3,
            "{}",
            d.message.len()
        );
        assert!(d.to_string().len() < 1100);
    }
}
