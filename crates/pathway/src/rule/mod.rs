//! The rule language: small typed boolean expressions over facts.
//!
//! Guards, derived facts and invariants are strings such as `age < 18 || may_be_under_18`,
//! `consent_to_nrm == "declined" && reporter_is_public_authority` or
//! `days_until_birthday(date_of_birth, 18, today) <= 90`. They are parsed once at load
//! ([`parse`]), type-checked against the declared facts ([`check`]) and evaluated totally:
//! on a well-typed rule the only way evaluation stops is a fact that is not known yet.
//!
//! Grammar (lowest precedence first; `->` is right-associative, the rest left):
//!
//! ```text
//! rule    := implies
//! implies := or ( "->" implies )?
//! or      := and ( "||" and )*
//! and     := unary ( "&&" unary )*
//! unary   := "!" unary | cmp
//! cmp     := atom ( ("==" | "!=" | "<" | "<=" | ">" | ">=") atom )?
//! atom    := "true" | "false" | "today" | INT | STRING | IDENT | IDENT "(" args ")" | "(" rule ")"
//! ```
//!
//! Typing keeps verification sound: an ordering comparison (`<`, `<=`, `>`, `>=`) and an
//! integer equality compare an integer expression with an integer literal; a choice fact is
//! compared with `==`/`!=` against a string literal that is one of its options; booleans with
//! `==`/`!=` against booleans. There is no arithmetic.
//!
//! Functions: `age_on(DATE_FACT, today)` and `days_until_birthday(DATE_FACT, INT_LITERAL,
//! today)` give integers. Path predicates, allowed only in invariants: `asked(fact)`,
//! `first_asked(fact)`, `known_before(fact, "code")`, `did("code")`, `first("code")`,
//! `before("code_a", "code_b")`, `urgent("code")`, `contacted("contact_id")` and
//! `own_service()`.

mod check;
mod eval;
mod parse;

use std::borrow::Cow;
use std::collections::BTreeSet;

pub(crate) use check::check;
pub(crate) use eval::{eval, eval3, values_read};
pub(crate) use parse::parse;

use crate::date::Date;
use crate::value::Value;

/// Character range (0-based, in characters, not bytes) of an expression in its rule text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A rule whose fact references are resolved: each names its [`Slot`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr<R = Slot> {
    pub(crate) kind: ExprKind<R>,
    pub(crate) span: Span,
}

impl<R> Expr<R> {
    /// The rule's direct sub-rules, in order (none for a leaf).
    pub(crate) fn children(&self) -> impl Iterator<Item = &Expr<R>> {
        let (a, b): (Option<&Expr<R>>, Option<&Expr<R>>) = match &self.kind {
            ExprKind::Not(a) => (Some(a), None),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Implies(a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::AgeOn(a, b)
            | ExprKind::DaysUntilBirthday(a, _, b) => (Some(a), Some(b)),
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Str(_)
            | ExprKind::Fact(..)
            | ExprKind::Today
            | ExprKind::Path(_) => (None, None),
        };
        a.into_iter().chain(b)
    }
}

/// A rule as parsed, before its fact references are resolved ([`Parsed::resolve`]).
pub(crate) type Parsed = Expr<()>;

/// The shapes of a rule; `R` is what a fact reference holds besides its name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind<R = Slot> {
    Bool(bool),
    Int(i64),
    Str(String),
    /// A fact or derived fact, and (once resolved) where evaluation finds it.
    Fact(String, R),
    Today,
    Not(Box<Expr<R>>),
    And(Box<Expr<R>>, Box<Expr<R>>),
    Or(Box<Expr<R>>, Box<Expr<R>>),
    Implies(Box<Expr<R>>, Box<Expr<R>>),
    Cmp(CmpOp, Box<Expr<R>>, Box<Expr<R>>),
    /// `age_on(date, today)`.
    AgeOn(Box<Expr<R>>, Box<Expr<R>>),
    /// `days_until_birthday(date, years, today)`.
    DaysUntilBirthday(Box<Expr<R>>, i32, Box<Expr<R>>),
    /// Invariant-only predicates over a finished path.
    Path(PathPred),
}

/// Where a walk finds the value of a fact a rule names: given once, when the compiler
/// resolves the parsed rule against the set's declarations ([`Parsed::resolve`]), so
/// evaluation indexes instead of comparing ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The set's declared fact with this index (in id order).
    Fact(u32),
    /// The derived fact with this index (in id order) of the rule's pathway.
    Derived(u32),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// Applies the operator to two ordered values.
    pub(crate) fn apply<T: Ord>(self, a: &T, b: &T) -> bool {
        match self {
            Self::Eq => a == b,
            Self::Ne => a != b,
            Self::Lt => a < b,
            Self::Le => a <= b,
            Self::Gt => a > b,
            Self::Ge => a >= b,
        }
    }
}

/// Predicates over a finished path, for invariants.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PathPred {
    /// The fact was asked (or already known) on the path.
    Asked(String),
    /// The fact was the first question of the path.
    FirstAsked(String),
    /// The fact was known when the action was first added (true if it never was).
    KnownBefore(String, String),
    /// The action is in the outcome.
    Did(String),
    /// The action is the first of the outcome.
    First(String),
    /// Both actions are in the outcome and the first comes earlier, or only the first is.
    Before(String, String),
    /// Some action of the outcome, as worded for the case, names the contact (as its contact
    /// or in its texts): for proving that no worker is told to call their own service.
    Contacted(String),
    /// The action is in the outcome and is urgent (listed first, shown at once).
    Urgent(String),
    /// Some action of the outcome, as worded for the case, names a contact of the worker's
    /// own service (a contact whose `service_of` is the `reporter_organisation` answer):
    /// `!own_service()` proves no one is told to call their own service.
    OwnService,
}

/// Where a rule is used: path predicates are only allowed in invariants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    Guard,
    Invariant,
}

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ty {
    Bool,
    Int,
    Date,
    /// A choice fact, with its option values.
    Choice(Vec<String>),
    /// A string literal.
    Str,
}

/// What the type checker needs to know of the pathway.
pub(crate) trait TypeEnv {
    /// The type of a declared fact or derived fact (derived facts are `Bool`).
    fn fact_type(&self, id: &str) -> Option<Ty>;
    /// Whether an action code is declared.
    fn has_action(&self, code: &str) -> bool;
    /// Whether a contact id is in the set's directory.
    fn has_contact(&self, _id: &str) -> bool {
        true
    }
}

/// A parse or type error, at a 1-based character column of the rule text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleError {
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// A fact that evaluation needed and did not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Missing(pub(crate) String);

/// What evaluation reads.
pub(crate) trait Scope {
    /// The value of a fact or derived fact (borrowed where it is stored), or the base fact
    /// that is missing to know it. `slot` is where the set keeps it; `id` names it (for
    /// `Missing`, and for scopes that keep facts by id).
    fn fact(&self, id: &str, slot: Slot) -> Result<Cow<'_, Value>, Missing>;
    /// The date the walk is evaluated on.
    fn today(&self) -> Date;
    /// Path predicates; `None` outside invariant checking.
    fn path(&self, _pred: &PathPred) -> Option<bool> {
        None
    }
}

impl Parsed {
    /// The rule with the [`Slot`] of every fact it names, or the first name `slot` does
    /// not know (none after the rule type-checked against the same declarations).
    pub(crate) fn resolve(self, slot: &dyn Fn(&str) -> Option<Slot>) -> Result<Expr, Missing> {
        let sub = |e: Box<Parsed>| e.resolve(slot).map(Box::new);
        let kind = match self.kind {
            ExprKind::Bool(b) => ExprKind::Bool(b),
            ExprKind::Int(i) => ExprKind::Int(i),
            ExprKind::Str(s) => ExprKind::Str(s),
            ExprKind::Fact(id, ()) => match slot(&id) {
                Some(s) => ExprKind::Fact(id, s),
                None => return Err(Missing(id)),
            },
            ExprKind::Today => ExprKind::Today,
            ExprKind::Not(a) => ExprKind::Not(sub(a)?),
            ExprKind::And(a, b) => ExprKind::And(sub(a)?, sub(b)?),
            ExprKind::Or(a, b) => ExprKind::Or(sub(a)?, sub(b)?),
            ExprKind::Implies(a, b) => ExprKind::Implies(sub(a)?, sub(b)?),
            ExprKind::Cmp(op, a, b) => ExprKind::Cmp(op, sub(a)?, sub(b)?),
            ExprKind::AgeOn(a, b) => ExprKind::AgeOn(sub(a)?, sub(b)?),
            ExprKind::DaysUntilBirthday(a, years, b) => {
                ExprKind::DaysUntilBirthday(sub(a)?, years, sub(b)?)
            }
            ExprKind::Path(p) => ExprKind::Path(p),
        };
        Ok(Expr {
            kind,
            span: self.span,
        })
    }
}

/// Which class of an answer a rule distinguishes: used by verification to split answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Threshold {
    /// `fact OP k` for an integer fact.
    Int { fact: String, op: CmpOp, k: i64 },
    /// `age_on(fact, today) OP k`.
    AgeOn { fact: String, op: CmpOp, k: i64 },
    /// `days_until_birthday(fact, years, today) OP k`.
    DaysUntil {
        fact: String,
        years: i32,
        op: CmpOp,
        k: i64,
    },
}

impl Expr {
    /// Every integer and date threshold the rule compares against.
    pub(crate) fn thresholds(&self, out: &mut BTreeSet<Threshold>) {
        eval::thresholds(self, out);
    }
}
