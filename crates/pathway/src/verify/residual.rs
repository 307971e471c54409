//! Residual invariants: what is left of an invariant once the part of the walk so far is
//! known.
//!
//! Each invariant (and the condition of an `A -> B`) is kept as a hash-consed node: atoms
//! whose value the rest of the walk cannot change become constants, and Kleene's
//! simplifications apply (`true && x` is `x`, `false && x` is `false`, and so on: identities
//! of three-valued logic, so the residual judged at the end of the walk gives what the whole
//! invariant gives there). Atoms are the rule's leaves under `!`, `&&`, `||`, `->` and the
//! equality of booleans: comparisons, facts, derived facts and path predicates, each decided
//! by [`super::context::Context::path`] and the facts known. `contacted(id)` and `own_service()` are the
//! disjunction, over the actions collected, of what each action's wording names; each
//! action's part is folded in when it is collected, as a decision list over its variants'
//! rules, so no list of actions has to be kept.
//!
//! Two walks that reach the same step with the same residuals (and the same values of the
//! facts still read ahead, see [`super::explore`]) have the same futures.

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::Bundle;
use crate::rule::{self, CmpOp, Expr, ExprKind, PathPred};

use super::context::{Collected, Resolved};

/// The residual `false`.
pub(super) const FALSE: u32 = 0;
/// The residual `true`.
pub(super) const TRUE: u32 = 1;
/// A residual that stays unknown whatever the rest of the walk does: its facts are never
/// asked on it.
pub(super) const UNKNOWN: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Node {
    Const(bool),
    /// Unknown in Kleene's logic, for good.
    Unknown,
    Atom(u32),
    Not(u32),
    And(u32, u32),
    Or(u32, u32),
    Implies(u32, u32),
    /// Kleene equality of two booleans (`a != b` is `!(a == b)`).
    Eq(u32, u32),
    /// Two-valued: whether the residual is definitely true (a variant is chosen so).
    IsTrue(u32),
    /// If (two-valued) then else.
    Ite(u32, u32, u32),
    /// `contacted(id)` or `own_service()` (a target): any of a set of nodes, one per action
    /// collected whose part is not decided yet.
    Collect(u32, u32),
}

/// A leaf of a residual.
pub(super) enum Atom<'a> {
    /// A rule's leaf, read in a pathway's scope.
    Rule { pathway: usize, expr: &'a Expr },
    /// The worker's organisation (read in `pathway`) is one of `services`.
    ServiceIn {
        pathway: usize,
        services: Vec<&'a str>,
    },
}

/// What the rest of the walk needs to decide an atom, besides the atom itself.
pub(super) enum Needs<'a> {
    Nothing,
    /// The action that comes first so far.
    FirstAction,
    /// Whether each action was collected, and urgent.
    Actions(&'a str, &'a str),
}

pub(super) struct AtomInfo<'a> {
    pub(super) atom: Atom<'a>,
    /// For a path predicate, its facts and codes numbered.
    pub(super) resolved: Option<Resolved<'a>>,
    /// The facts (by slot) whose values it reads, derived facts expanded.
    pub(super) reads: Vec<u32>,
    pub(super) needs: Needs<'a>,
}

/// What a stretch of walk changed: an atom whose triggers are all untouched keeps its value.
#[derive(Default)]
pub(super) struct Events<'a> {
    /// Facts whose answer (as rules read it) changed.
    pub(super) known: Vec<u32>,
    /// Facts asked.
    pub(super) asked: Vec<u32>,
    pub(super) first_asked: bool,
    pub(super) first_urgent: bool,
    /// Actions collected.
    pub(super) collected: Vec<&'a str>,
    /// Facts no step ahead can make known any more, and codes no step ahead adds (or
    /// urgent actions, `None`): by the stretch's last step.
    pub(super) expired_facts: Vec<u32>,
    pub(super) expired_codes: Vec<Option<u32>>,
}

/// For each event, the atoms it may change.
#[derive(Default)]
pub(super) struct Triggers<'a> {
    pub(super) known: Vec<Vec<u32>>,
    pub(super) asked: Vec<Vec<u32>>,
    pub(super) first_asked: Vec<u32>,
    pub(super) first_urgent: Vec<u32>,
    pub(super) collected: BTreeMap<&'a str, Vec<u32>>,
    /// The same, by code number (for codes that expire).
    pub(super) by_code: BTreeMap<u32, Vec<u32>>,
}

/// `contacted(contact)` or, with no contact, `own_service()`, of an invariant of `pathway`.
pub(super) struct Target<'a> {
    pub(super) pathway: usize,
    pub(super) contact: Option<&'a str>,
}

pub(super) struct Residuals<'a> {
    pub(super) bundle: &'a Bundle,
    pub(super) nodes: Vec<Node>,
    pub(super) index: BTreeMap<Node, u32>,
    pub(super) atoms: Vec<AtomInfo<'a>>,
    pub(super) atom_index: BTreeMap<(usize, String), u32>,
    pub(super) targets: Vec<Target<'a>>,
    pub(super) sets: Vec<Vec<u32>>,
    pub(super) set_index: BTreeMap<Vec<u32>, u32>,
    /// Per node: (stamp, result) of the last update, so shared nodes are updated once.
    pub(super) cache: Vec<(u64, u32)>,
    pub(super) stamp: u64,
    /// Per node, once asked for: the atoms it depends on, and whether it holds a
    /// `contacted`/`own_service` (which changes with every action collected).
    pub(super) pending: Vec<Option<(Box<[u32]>, bool)>>,
    pub(super) triggers: Triggers<'a>,
    /// Per atom: the stamp of the last update whose events may change it.
    pub(super) hit: Vec<u64>,
    /// Each action's part in a target, before anything is known: (target, pathway, action).
    pub(super) parts: BTreeMap<(u32, usize, usize), u32>,
    pub(super) codes: BTreeMap<&'a str, u32>,
}

impl<'a> Residuals<'a> {
    pub(super) fn new(bundle: &'a Bundle) -> Self {
        let mut r = Self {
            bundle,
            nodes: Vec::new(),
            index: BTreeMap::new(),
            atoms: Vec::new(),
            atom_index: BTreeMap::new(),
            targets: Vec::new(),
            sets: Vec::new(),
            set_index: BTreeMap::new(),
            cache: Vec::new(),
            stamp: 0,
            pending: Vec::new(),
            triggers: Triggers {
                known: vec![Vec::new(); bundle.facts.len()],
                asked: vec![Vec::new(); bundle.facts.len()],
                ..Triggers::default()
            },
            hit: Vec::new(),
            parts: BTreeMap::new(),
            codes: super::context::number_codes(bundle).0,
        };
        r.intern(Node::Const(false));
        r.intern(Node::Const(true));
        r.intern(Node::Unknown);
        r
    }

    /// Number of nodes (for the budget).
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn intern(&mut self, node: Node) -> u32 {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(node);
        self.cache.push((0, 0));
        self.pending.push(None);
        self.index.insert(node, id);
        id
    }

    pub(super) fn set(&mut self, mut items: Vec<u32>) -> u32 {
        items.sort_unstable();
        items.dedup();
        if let Some(&id) = self.set_index.get(&items) {
            return id;
        }
        let id = self.sets.len() as u32;
        self.sets.push(items.clone());
        self.set_index.insert(items, id);
        id
    }

    pub(super) fn not(&mut self, a: u32) -> u32 {
        match self.nodes[a as usize] {
            Node::Const(b) => u32::from(!b),
            Node::Unknown => UNKNOWN,
            Node::Not(x) => x,
            _ => self.intern(Node::Not(a)),
        }
    }

    pub(super) fn and(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (FALSE, _) | (_, FALSE) => FALSE,
            (TRUE, x) | (x, TRUE) => x,
            _ if a == b => a,
            (UNKNOWN, x) | (x, UNKNOWN) => self.intern(Node::And(UNKNOWN, x)),
            _ => self.intern(Node::And(a, b)),
        }
    }

    pub(super) fn or(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (TRUE, _) | (_, TRUE) => TRUE,
            (FALSE, x) | (x, FALSE) => x,
            _ if a == b => a,
            (UNKNOWN, x) | (x, UNKNOWN) => self.intern(Node::Or(UNKNOWN, x)),
            _ => self.intern(Node::Or(a, b)),
        }
    }

    pub(super) fn implies(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (FALSE, _) | (_, TRUE) => TRUE,
            (TRUE, x) => x,
            (x, FALSE) => self.not(x),
            (UNKNOWN, UNKNOWN) => UNKNOWN,
            _ => self.intern(Node::Implies(a, b)),
        }
    }

    pub(super) fn eq(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (UNKNOWN, _) | (_, UNKNOWN) => UNKNOWN,
            (TRUE, x) | (x, TRUE) => x,
            (FALSE, x) | (x, FALSE) => self.not(x),
            _ => self.intern(Node::Eq(a, b)),
        }
    }

    pub(super) fn is_true(&mut self, a: u32) -> u32 {
        match a {
            TRUE | FALSE => a,
            UNKNOWN => FALSE,
            _ => self.intern(Node::IsTrue(a)),
        }
    }

    pub(super) fn ite(&mut self, c: u32, a: u32, b: u32) -> u32 {
        match c {
            TRUE => a,
            FALSE => b,
            _ if a == b => a,
            _ => self.intern(Node::Ite(c, a, b)),
        }
    }

    pub(super) fn atom(&mut self, atom: Atom<'a>, key: String) -> u32 {
        let pathway = match &atom {
            Atom::Rule { pathway, .. } | Atom::ServiceIn { pathway, .. } => *pathway,
        };
        let id = match self.atom_index.get(&(pathway, key.clone())) {
            Some(&id) => id,
            None => {
                let (reads, needs) = self.needs(&atom);
                let id = self.atoms.len() as u32;
                self.register(id, &atom, &reads);
                let resolved = match &atom {
                    Atom::Rule { expr, .. } => match &expr.kind {
                        ExprKind::Path(pred) => Some(self.resolve(pred)),
                        _ => None,
                    },
                    Atom::ServiceIn { .. } => None,
                };
                self.atoms.push(AtomInfo {
                    atom,
                    resolved,
                    reads,
                    needs,
                });
                // New: decided at the next update, whatever it changed.
                self.hit.push(self.stamp);
                self.atom_index.insert((pathway, key), id);
                id
            }
        };
        self.intern(Node::Atom(id))
    }

    fn resolve(&self, pred: &'a PathPred) -> Resolved<'a> {
        let slot = |f: &str| self.bundle.facts.slot(f);
        let code = |c: &str| self.codes.get(c).copied();
        match pred {
            PathPred::Asked(f) => Resolved::Asked(slot(f)),
            PathPred::FirstAsked(f) => Resolved::FirstAsked(f),
            PathPred::Did(c) => Resolved::Did(code(c)),
            PathPred::Urgent(c) => Resolved::Urgent(code(c)),
            PathPred::First(c) => Resolved::First(code(c)),
            PathPred::Before(a, b) => Resolved::Before(code(a), code(b)),
            PathPred::KnownBefore(f, c) => Resolved::KnownBefore(f, code(c)),
            PathPred::Contacted(_) | PathPred::OwnService => Resolved::Wording(pred),
        }
    }

    /// Files an atom under the events that may change it.
    fn register(&mut self, id: u32, atom: &Atom<'a>, reads: &[u32]) {
        let t = &mut self.triggers;
        for &s in reads {
            if let Some(list) = t.known.get_mut(s as usize) {
                list.push(id);
            }
        }
        let Atom::Rule { expr, .. } = atom else {
            return;
        };
        let ExprKind::Path(pred) = &expr.kind else {
            return;
        };
        let slot = |f: &str| self.bundle.facts.slot(f);
        let mut codes: Vec<&'a str> = Vec::new();
        match pred {
            PathPred::Asked(f) => {
                if let Some(list) = slot(f).and_then(|s| t.asked.get_mut(s as usize)) {
                    list.push(id);
                }
            }
            PathPred::FirstAsked(_) => t.first_asked.push(id),
            PathPred::Did(c) | PathPred::Urgent(c) | PathPred::KnownBefore(_, c) => codes.push(c),
            PathPred::First(_) => t.first_urgent.push(id),
            PathPred::Before(a, b) => codes.extend([a.as_str(), b.as_str()]),
            PathPred::Contacted(_) | PathPred::OwnService => {}
        }
        for c in codes {
            t.collected.entry(c).or_default().push(id);
            if let Some(&n) = self.codes.get(c) {
                t.by_code.entry(n).or_default().push(id);
            }
        }
    }

    fn needs(&self, atom: &Atom<'a>) -> (Vec<u32>, Needs<'a>) {
        let bundle = self.bundle;
        match atom {
            Atom::Rule { pathway, expr } => {
                let mut names = BTreeSet::new();
                rule::values_read(expr, &mut names);
                let mut needs = Needs::Nothing;
                match &expr.kind {
                    ExprKind::Path(PathPred::KnownBefore(f, _)) => {
                        names.insert(f.clone());
                    }
                    ExprKind::Path(PathPred::First(_)) => needs = Needs::FirstAction,
                    ExprKind::Path(PathPred::Before(a, b)) => needs = Needs::Actions(a, b),
                    _ => {}
                }
                let mut reads = Vec::new();
                for n in &names {
                    super::relevance::base_facts(bundle, *pathway, n, &mut reads);
                }
                reads.sort_unstable();
                reads.dedup();
                (reads, needs)
            }
            Atom::ServiceIn { pathway, .. } => {
                let mut reads = Vec::new();
                super::relevance::base_facts(
                    bundle,
                    *pathway,
                    crate::vocab::ORGANISATION,
                    &mut reads,
                );
                (reads, Needs::Nothing)
            }
        }
    }

    /// The residual of a rule of `pathway` before anything is known.
    pub(super) fn of_rule(&mut self, pathway: usize, e: &'a Expr) -> u32 {
        match &e.kind {
            ExprKind::Not(a) => {
                let a = self.of_rule(pathway, a);
                self.not(a)
            }
            ExprKind::And(a, b) => {
                let (a, b) = (self.of_rule(pathway, a), self.of_rule(pathway, b));
                self.and(a, b)
            }
            ExprKind::Or(a, b) => {
                let (a, b) = (self.of_rule(pathway, a), self.of_rule(pathway, b));
                self.or(a, b)
            }
            ExprKind::Implies(a, b) => {
                let (a, b) = (self.of_rule(pathway, a), self.of_rule(pathway, b));
                self.implies(a, b)
            }
            // Booleans compared: Kleene's equality of the two sides (see `rule::eval3`).
            ExprKind::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b) if boolean(a) || boolean(b) => {
                let (x, y) = (self.of_rule(pathway, a), self.of_rule(pathway, b));
                let eq = self.eq(x, y);
                if *op == CmpOp::Eq { eq } else { self.not(eq) }
            }
            ExprKind::Bool(b) => u32::from(*b),
            ExprKind::Path(p @ (PathPred::Contacted(_) | PathPred::OwnService)) => {
                let contact = match p {
                    PathPred::Contacted(id) => Some(id.as_str()),
                    _ => None,
                };
                let t = self.targets.len() as u32;
                self.targets.push(Target { pathway, contact });
                let empty = self.set(Vec::new());
                self.intern(Node::Collect(t, empty))
            }
            _ => self.atom(Atom::Rule { pathway, expr: e }, canonical(e)),
        }
    }

    /// What one collected action adds to a target: a decision list over its variants, as
    /// [`crate::bundle::ActionEntry::wording`] chooses one.
    pub(super) fn part(&mut self, t: u32, a: &Collected<'a>) -> u32 {
        let Some(def) = a.def else { return FALSE };
        let key = (t, a.pathway, std::ptr::from_ref(def) as usize);
        if let Some(&id) = self.parts.get(&key) {
            return id;
        }
        let id = self.new_part(t, a.pathway, def);
        self.parts.insert(key, id);
        id
    }

    fn new_part(
        &mut self,
        t: u32,
        action_pathway: usize,
        def: &'a crate::bundle::ActionEntry,
    ) -> u32 {
        let (pathway, contact) = {
            let t = &self.targets[t as usize];
            (t.pathway, t.contact)
        };
        let bundle = self.bundle;
        let test = |r: &mut Self, named: &'a [String]| -> u32 {
            match contact {
                Some(id) => u32::from(named.iter().any(|n| n == id)),
                None => {
                    let mut services: Vec<&'a str> = named
                        .iter()
                        .filter_map(|n| bundle.contacts.get(n)?.service_of.as_deref())
                        .collect();
                    services.sort_unstable();
                    services.dedup();
                    if services.is_empty() {
                        return FALSE;
                    }
                    let key = format!("service_of:{}", services.join(","));
                    r.atom(Atom::ServiceIn { pathway, services }, key)
                }
            }
        };
        let base = test(self, def.named.first().map_or(&[], Vec::as_slice));
        let mut out = base;
        for (i, when) in def.when.iter().enumerate().rev() {
            let named = def.named.get(i + 1).map_or(&[][..], Vec::as_slice);
            let then = test(self, named);
            let c = self.of_rule(action_pathway, when);
            let c = self.is_true(c);
            out = self.ite(c, then, out);
        }
        out
    }
}

/// Whether a side of a comparison is a boolean expression (not a fact, literal or number).
fn boolean(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Bool(_)
            | ExprKind::Not(_)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Implies(..)
            | ExprKind::Cmp(..)
            | ExprKind::Path(_)
    )
}

/// A rule's text without positions: equal for equal rules wherever they are written.
pub(super) fn canonical(e: &Expr) -> String {
    let mut out = String::new();
    write_canonical(e, &mut out);
    out
}

fn write_canonical(e: &Expr, out: &mut String) {
    use std::fmt::Write as _;
    let _ = match &e.kind {
        ExprKind::Bool(b) => write!(out, "{b}"),
        ExprKind::Int(i) => write!(out, "{i}"),
        ExprKind::Str(s) => write!(out, "{s:?}"),
        ExprKind::Fact(id, _) => write!(out, "${id}"),
        ExprKind::Today => write!(out, "today"),
        ExprKind::Path(p) => write!(out, "{p:?}"),
        ExprKind::Not(a) => {
            out.push_str("!(");
            write_canonical(a, out);
            write!(out, ")")
        }
        ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Implies(a, b) => {
            let op = match &e.kind {
                ExprKind::And(..) => "&&",
                ExprKind::Or(..) => "||",
                _ => "->",
            };
            out.push('(');
            write_canonical(a, out);
            out.push_str(op);
            write_canonical(b, out);
            write!(out, ")")
        }
        ExprKind::Cmp(op, a, b) => {
            out.push('(');
            write_canonical(a, out);
            let _ = write!(out, "{op:?}");
            write_canonical(b, out);
            write!(out, ")")
        }
        ExprKind::AgeOn(a, b) => {
            out.push_str("age_on(");
            write_canonical(a, out);
            out.push(',');
            write_canonical(b, out);
            write!(out, ")")
        }
        ExprKind::DaysUntilBirthday(a, years, b) => {
            out.push_str("days_until(");
            write_canonical(a, out);
            let _ = write!(out, ",{years},");
            write_canonical(b, out);
            write!(out, ")")
        }
    };
}
