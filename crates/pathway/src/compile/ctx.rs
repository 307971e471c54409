//! What compiling one pathway reads (`Ctx`, `Env`), and the helpers its checks share.

use std::collections::{BTreeMap, BTreeSet};

use super::Sink;
use crate::bundle::{Decls, FactDecl};
use crate::diagnostic::{Code, Diagnostic, excerpt};
use crate::model::{Confidence, ContactsFile, FactType, PathwayFile};
use crate::rule::{self, Context, Expr, Slot, Ty, TypeEnv};

pub(super) fn names<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = ids.map(|i| format!("`{i}`")).collect();
    if list.is_empty() {
        "nothing".into()
    } else {
        list.join(", ")
    }
}

/// A hint naming what a misspelt id may have meant: `"{advice} `a`, `b`"`, or "did you mean"
/// when one candidate is a likely typing mistake.
pub(super) fn one_of<'a>(
    advice: &str,
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> String {
    let candidates: Vec<&str> = candidates.collect();
    if let Some(near) = crate::suggest::nearest(wanted, candidates.iter().copied()) {
        return format!("did you mean `{near}`?");
    }
    let mut list: Vec<String> = candidates
        .iter()
        .take(12)
        .map(|c| format!("`{c}`"))
        .collect();
    if candidates.len() > list.len() {
        list.push("...".into());
    }
    if list.is_empty() {
        advice.split(", or").next().unwrap_or(advice).to_owned()
    } else {
        format!("{advice}: {}", list.join(", "))
    }
}

pub(crate) fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) model: &'a PathwayFile,
    pub(super) facts: &'a BTreeMap<String, FactDecl>,
    /// The same declarations with their slots, fixed before any rule is checked.
    pub(super) decls: &'a Decls,
    pub(super) contacts: &'a Option<ContactsFile>,
}

pub(super) struct Env<'a> {
    pub(super) facts: &'a BTreeMap<String, FactDecl>,
    pub(super) decls: &'a Decls,
    pub(super) local: &'a BTreeSet<String>,
    /// The derived facts a rule may name (those declared before it, for a derived fact).
    pub(super) derived: &'a BTreeSet<String>,
    /// Every derived fact of the pathway, in id order: a derived fact's index is its
    /// [`Slot::Derived`].
    pub(super) all_derived: &'a [String],
    pub(super) actions: &'a BTreeSet<String>,
    pub(super) contacts: &'a Option<ContactsFile>,
}

impl Env<'_> {
    /// Where evaluation finds a fact or derived fact a rule of the pathway names: `Some`
    /// exactly when [`TypeEnv::fact_type`] knows it.
    pub(super) fn slot(&self, id: &str) -> Option<Slot> {
        if self.derived.contains(id) {
            let i = self
                .all_derived
                .binary_search_by(|d| d.as_str().cmp(id))
                .ok()?;
            return Some(Slot::Derived(i as u32));
        }
        if !self.local.contains(id) || !self.facts.contains_key(id) {
            return None;
        }
        self.decls.slot(id).map(Slot::Fact)
    }
}

impl TypeEnv for Env<'_> {
    fn fact_type(&self, id: &str) -> Option<Ty> {
        if self.derived.contains(id) {
            return Some(Ty::Bool);
        }
        if !self.local.contains(id) {
            return None;
        }
        let decl = self.facts.get(id)?;
        Some(match decl.ty {
            FactType::Bool => Ty::Bool,
            FactType::Integer => Ty::Int,
            FactType::Date => Ty::Date,
            FactType::Choice => Ty::Choice(decl.options.iter().map(|o| o.value.clone()).collect()),
        })
    }

    fn has_action(&self, code: &str) -> bool {
        self.actions.contains(code)
    }

    fn has_contact(&self, id: &str) -> bool {
        self.contacts
            .as_ref()
            .is_none_or(|d| d.contacts.contains_key(id))
    }
}

/// What `{{contact(id)}}` reads for a contact of the directory.
pub(super) fn contact_text(contacts: &Option<ContactsFile>, id: &str) -> Option<String> {
    let directory = contacts.as_ref()?;
    directory
        .contacts
        .get(id)
        .map(crate::template::contact_text)
}

/// A text the worker reads, with its `{{contact(id)}}` placeholders filled in from the
/// directory (a bad placeholder is reported, and the text kept as written).
pub(super) fn fill(
    contacts: &Option<ContactsFile>,
    sink: &mut Sink,
    file: &str,
    at: &str,
    text: &str,
) -> String {
    crate::template::expand_contacts(text, |id| contact_text(contacts, id)).unwrap_or_else(|e| {
        sink.push(Diagnostic::error(Code::BadTemplate, file, at, e));
        text.to_owned()
    })
}

/// [`fill`] for an optional text.
pub(super) fn fill_opt(
    contacts: &Option<ContactsFile>,
    sink: &mut Sink,
    file: &str,
    at: &str,
    text: &Option<String>,
) -> Option<String> {
    text.as_deref().map(|t| fill(contacts, sink, file, at, t))
}

impl Ctx<'_> {
    /// What `{{contact(id)}}` reads for a contact of the directory.
    pub(super) fn contact_text(&self, id: &str) -> Option<String> {
        contact_text(self.contacts, id)
    }

    /// A text with its `{{contact(id)}}` placeholders filled in (reported when one is bad).
    pub(super) fn expand(&self, sink: &mut Sink, at: &str, text: &str) -> String {
        fill(self.contacts, sink, self.file, at, text)
    }

    /// [`Ctx::expand`] for an optional text.
    pub(super) fn expand_opt(
        &self,
        sink: &mut Sink,
        at: &str,
        text: &Option<String>,
    ) -> Option<String> {
        fill_opt(self.contacts, sink, self.file, at, text)
    }

    pub(super) fn err(&self, sink: &mut Sink, code: Code, at: &str, message: impl Into<String>) {
        sink.push(Diagnostic::error(code, self.file, at, message));
    }

    pub(super) fn err_hint(
        &self,
        sink: &mut Sink,
        code: Code,
        at: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        sink.push(Diagnostic::error(code, self.file, at, message).hint(hint));
    }

    /// Refuses a guard, derived fact or action that rests only on unconfirmed (L) sources.
    pub(super) fn weak(&self, sink: &mut Sink, at: &str, best: Option<Confidence>, what: &str) {
        if best == Some(Confidence::L) {
            self.err(
                sink,
                Code::WeakCitation,
                at,
                format!("{what} but cites only unconfirmed (L) sources"),
            );
        }
    }

    /// Checks a list of citations: non-empty when required, every tag a declared source.
    /// Returns the best confidence cited.
    pub(super) fn cites(
        &self,
        sink: &mut Sink,
        at: &str,
        cites: &[String],
        required: bool,
    ) -> Option<Confidence> {
        if cites.is_empty() {
            if required {
                sink.push(Diagnostic::error(
                    Code::MissingCitation,
                    self.file,
                    at,
                    "has no citation",
                ));
            }
            return None;
        }
        let mut best = None;
        for cite in cites {
            let tag = cite.split_whitespace().next().unwrap_or("");
            match self.model.sources.get(tag) {
                Some(source) => best = Some(best.map_or(source.confidence, |b: Confidence| b.min(source.confidence))),
                None => sink.push(
                    Diagnostic::error(Code::UnknownSource, self.file, at, format!("cites `{cite}`, but `{tag}` is not in `sources`"))
                        .hint(format!("declare it: \"sources\": {{\"{tag}\": {{\"title\": …, \"confidence\": \"H\"}}}}")),
                ),
            }
        }
        best
    }

    pub(super) fn rule(
        &self,
        sink: &mut Sink,
        env: &Env<'_>,
        at: &str,
        src: &str,
        ctx: Context,
    ) -> Option<Expr> {
        let expr = match rule::parse(src) {
            Ok(expr) => expr,
            Err(e) => {
                self.err(
                    sink,
                    Code::RuleSyntax,
                    &format!("{at}, column {}", e.column),
                    format!("{} in `{}`", e.message, excerpt(src, e.column)),
                );
                return None;
            }
        };
        let checked = rule::check(&expr, env, ctx).and_then(|()| {
            // A rule that type-checked names only facts the pathway knows, so each has a slot.
            expr.resolve(&|id| env.slot(id))
                .map_err(|rule::Missing(id)| {
                    vec![rule::RuleError {
                        column: 1,
                        message: format!("unknown fact `{id}`: declare it in `facts` or `derived`"),
                    }]
                })
        });
        match checked {
            Ok(expr) => Some(expr),
            Err(errors) => {
                for e in errors {
                    self.err(
                        sink,
                        Code::RuleType,
                        &format!("{at}, column {}", e.column),
                        format!("{} in `{}`", e.message, excerpt(src, e.column)),
                    );
                }
                None
            }
        }
    }
}
