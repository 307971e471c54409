//! Problems found while loading, compiling or verifying a pathway set.

use std::fmt;

use serde::Serialize;

mod code;

pub use code::Code;

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
    /// What kind of problem it is: a stable kebab-case code, e.g. `unknown-step`.
    pub code: Code,
    /// The file (or pathway id) the problem is in.
    pub file: String,
    /// Where in the file: `line 3, column 7`, or a path such as `step "age_route", edge 2`.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it: [`Code::hint`], or something more specific the place that found it
    /// knows. Always present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error. A location or message longer than [`LONGEST`] characters (a 2 MB rule quoted
    /// whole, say) is cut in the middle, so a diagnostic stays a few lines long.
    // Inlined, so that a call with a known code links only that code's hint (the WebAssembly
    // module makes one kind of diagnostic, and keeps the others' hints out).
    #[inline(always)]
    pub(crate) fn error(
        code: Code,
        file: &str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(
            Severity::Error,
            code,
            code.hint(),
            file,
            location.into(),
            message.into(),
        )
    }

    /// A warning: the set loads, and every front end shows it.
    #[inline(always)]
    pub(crate) fn warning(
        code: Code,
        file: &str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(
            Severity::Warning,
            code,
            code.hint(),
            file,
            location.into(),
            message.into(),
        )
    }

    fn new(
        severity: Severity,
        code: Code,
        hint: &str,
        file: &str,
        location: String,
        message: String,
    ) -> Self {
        Self {
            severity,
            code,
            file: file.to_owned(),
            location: cut(location),
            message: cut(message),
            hint: Some(hint.to_owned()),
        }
    }

    /// This diagnostic with a hint more specific than its code's.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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
        let d = Diagnostic::error(Code::RuleSyntax, "f.json", "here", "x".repeat(2_000_000));
        assert!(
            d.message.chars().count() <= LONGEST + 3,
            "{}",
            d.message.len()
        );
        // The message and location are cut; the hint is the code's own.
        assert!(d.to_string().len() < 1100 + Code::RuleSyntax.hint().len());
    }
}
