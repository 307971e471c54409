//! Residual invariants: what is left of an invariant once the part of the walk so far is
//! known.
//!
//! Each invariant (and the condition of an `A -> B`) is kept as a hash-consed node: atoms
//! whose value the rest of the walk cannot change become constants, and Kleene's
//! simplifications apply (`true && x` is `x`, `false && x` is `false`, and so on: identities
//! of three-valued logic, so the residual judged at the end of the walk gives what the whole
//! invariant gives there). Atoms are the rule's leaves under `!`, `&&`, `||`, `->` and the
//! equality of booleans: comparisons, facts, derived facts and path predicates, each decided
//! by [`Context::path`] and the facts known. `contacted(id)` and `own_service()` are the
//! disjunction, over the actions collected, of what each action's wording names; each
//! action's part is folded in when it is collected, as a decision list over its variants'
//! rules, so no list of actions has to be kept.
//!
//! Two walks that reach the same step with the same residuals (and the same values of the
//! facts still read ahead, see [`super::explore`]) have the same futures.

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::Bundle;
use crate::evaluate::Answers;
use crate::rule::{self, CmpOp, Expr, ExprKind, PathPred, Scope, Slot};
use crate::value::Value;

use super::context::{Collected, Context, NowScope, Resolved};

/// The residual `false`.
pub(super) const FALSE: u32 = 0;
/// The residual `true`.
pub(super) const TRUE: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Const(bool),
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
    resolved: Option<Resolved<'a>>,
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
}

/// For each event, the atoms it may change.
#[derive(Default)]
struct Triggers<'a> {
    known: Vec<Vec<u32>>,
    asked: Vec<Vec<u32>>,
    first_asked: Vec<u32>,
    first_urgent: Vec<u32>,
    collected: BTreeMap<&'a str, Vec<u32>>,
}

/// `contacted(contact)` or, with no contact, `own_service()`, of an invariant of `pathway`.
struct Target<'a> {
    pathway: usize,
    contact: Option<&'a str>,
}

pub(super) struct Residuals<'a> {
    bundle: &'a Bundle,
    nodes: Vec<Node>,
    index: BTreeMap<Node, u32>,
    pub(super) atoms: Vec<AtomInfo<'a>>,
    atom_index: BTreeMap<(usize, String), u32>,
    targets: Vec<Target<'a>>,
    sets: Vec<Vec<u32>>,
    set_index: BTreeMap<Vec<u32>, u32>,
    /// Per node: (stamp, result) of the last update, so shared nodes are updated once.
    cache: Vec<(u64, u32)>,
    stamp: u64,
    /// Per node, once asked for: the atoms it depends on, and whether it holds a
    /// `contacted`/`own_service` (which changes with every action collected).
    pending: Vec<Option<(Box<[u32]>, bool)>>,
    triggers: Triggers<'a>,
    /// Per atom: the stamp of the last update whose events may change it.
    hit: Vec<u64>,
    /// Each action's part in a target, before anything is known: (target, pathway, action).
    parts: BTreeMap<(u32, usize, usize), u32>,
    codes: BTreeMap<&'a str, u32>,
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
        r
    }

    /// Number of nodes (for the budget).
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    fn intern(&mut self, node: Node) -> u32 {
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

    fn set(&mut self, mut items: Vec<u32>) -> u32 {
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

    fn not(&mut self, a: u32) -> u32 {
        match self.nodes[a as usize] {
            Node::Const(b) => u32::from(!b),
            Node::Not(x) => x,
            _ => self.intern(Node::Not(a)),
        }
    }

    fn and(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (FALSE, _) | (_, FALSE) => FALSE,
            (TRUE, x) | (x, TRUE) => x,
            _ if a == b => a,
            _ => self.intern(Node::And(a, b)),
        }
    }

    fn or(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (TRUE, _) | (_, TRUE) => TRUE,
            (FALSE, x) | (x, FALSE) => x,
            _ if a == b => a,
            _ => self.intern(Node::Or(a, b)),
        }
    }

    fn implies(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (FALSE, _) | (_, TRUE) => TRUE,
            (TRUE, x) => x,
            (x, FALSE) => self.not(x),
            _ => self.intern(Node::Implies(a, b)),
        }
    }

    fn eq(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (TRUE, x) | (x, TRUE) => x,
            (FALSE, x) | (x, FALSE) => self.not(x),
            _ => self.intern(Node::Eq(a, b)),
        }
    }

    fn is_true(&mut self, a: u32) -> u32 {
        match a {
            TRUE | FALSE => a,
            _ => self.intern(Node::IsTrue(a)),
        }
    }

    fn ite(&mut self, c: u32, a: u32, b: u32) -> u32 {
        match c {
            TRUE => a,
            FALSE => b,
            _ if a == b => a,
            _ => self.intern(Node::Ite(c, a, b)),
        }
    }

    fn atom(&mut self, atom: Atom<'a>, key: String) -> u32 {
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
        let Atom::Rule { expr, .. } = atom else { return };
        let ExprKind::Path(pred) = &expr.kind else { return };
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
        }
    }

    /// Marks the atoms a stretch of walk may have changed; then [`Residuals::update`]
    /// skips every residual that holds none of them.
    pub(super) fn touch(&mut self, events: &Events<'a>) {
        self.stamp += 1;
        let stamp = self.stamp;
        let t = &self.triggers;
        let mut mark = |list: &[u32]| {
            for &a in list {
                self.hit[a as usize] = stamp;
            }
        };
        for &s in &events.known {
            mark(t.known.get(s as usize).map_or(&[][..], Vec::as_slice));
        }
        for &s in &events.asked {
            mark(t.asked.get(s as usize).map_or(&[][..], Vec::as_slice));
        }
        if events.first_asked {
            mark(&t.first_asked);
        }
        if events.first_urgent {
            mark(&t.first_urgent);
        }
        for c in &events.collected {
            mark(t.collected.get(c).map_or(&[][..], Vec::as_slice));
        }
    }

    /// The atoms a residual depends on (cached per node), and whether it holds a
    /// `contacted`/`own_service`.
    pub(super) fn depends(&mut self, id: u32) -> (&[u32], bool) {
        if self.pending[id as usize].is_none() {
            let mut atoms = Vec::new();
            let mut collect = false;
            let mut stack = vec![id];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if !seen.insert(n) {
                    continue;
                }
                match self.nodes[n as usize] {
                    Node::Const(_) => {}
                    Node::Atom(a) => atoms.push(a),
                    Node::Not(x) | Node::IsTrue(x) => stack.push(x),
                    Node::And(x, y) | Node::Or(x, y) | Node::Implies(x, y) | Node::Eq(x, y) => {
                        stack.push(x);
                        stack.push(y);
                    }
                    Node::Ite(c, x, y) => stack.extend([c, x, y]),
                    Node::Collect(_, set) => {
                        collect = true;
                        stack.extend(self.sets[set as usize].iter().copied());
                    }
                }
            }
            atoms.sort_unstable();
            atoms.dedup();
            self.pending[id as usize] = Some((atoms.into_boxed_slice(), collect));
        }
        match &self.pending[id as usize] {
            Some((atoms, collect)) => (atoms, *collect),
            None => (&[], false),
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
                    crate::compile::ORGANISATION,
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
            _ => self.atom(
                Atom::Rule {
                    pathway,
                    expr: e,
                },
                canonical(e),
            ),
        }
    }

    /// The residual `id` given what the walk knows now, with the actions collected since
    /// the last update (`new`) folded into `contacted`/`own_service`.
    ///
    /// Call [`Residuals::touch`] with the events of the stretch first: a residual none of
    /// whose atoms they touch, and that holds no `contacted`/`own_service` when actions were
    /// collected, is left as it is.
    pub(super) fn update(&mut self, ids: &mut [u32], ctx: &Context<'a>, new: &[Collected<'a>]) {
        let answers = Answers::borrowed(&ctx.table);
        for id in ids.iter_mut() {
            let stamp = self.stamp;
            self.depends(*id);
            let (atoms, collect) = match &self.pending[*id as usize] {
                Some((atoms, collect)) => (&atoms[..], *collect),
                None => (&[][..], true),
            };
            let dirty = (collect && !new.is_empty())
                || atoms.iter().any(|&a| self.hit[a as usize] == stamp);
            if dirty {
                *id = self.now(*id, ctx, &answers, new, false);
            }
        }
    }

    /// Every residual brought up to date, whatever changed (for the first one).
    pub(super) fn update_all(&mut self, ids: &mut [u32], ctx: &Context<'a>) {
        self.stamp += 1;
        let stamp = self.stamp;
        self.hit.iter_mut().for_each(|h| *h = stamp);
        let answers = Answers::borrowed(&ctx.table);
        for id in ids.iter_mut() {
            *id = self.now(*id, ctx, &answers, &[], true);
        }
    }

    fn now(
        &mut self,
        id: u32,
        ctx: &Context<'a>,
        answers: &Answers<'_>,
        new: &[Collected<'a>],
        all: bool,
    ) -> u32 {
        if id <= TRUE {
            return id;
        }
        let (stamp, cached) = self.cache[id as usize];
        if stamp == self.stamp {
            return cached;
        }
        let out = match self.nodes[id as usize] {
            Node::Const(b) => u32::from(b),
            // An atom none of whose triggers fired since it was last decided stays undecided.
            Node::Atom(a) if !all && self.hit[a as usize] != self.stamp => id,
            Node::Atom(a) => match self.decide(a, ctx, answers, false) {
                Some(b) => u32::from(b),
                None => id,
            },
            Node::Not(x) => {
                let x = self.now(x, ctx, answers, new, all);
                self.not(x)
            }
            Node::And(x, y) => {
                let x = self.now(x, ctx, answers, new, all);
                if x == FALSE {
                    FALSE
                } else {
                    let y = self.now(y, ctx, answers, new, all);
                    self.and(x, y)
                }
            }
            Node::Or(x, y) => {
                let x = self.now(x, ctx, answers, new, all);
                if x == TRUE {
                    TRUE
                } else {
                    let y = self.now(y, ctx, answers, new, all);
                    self.or(x, y)
                }
            }
            Node::Implies(x, y) => {
                let (x, y) = (self.now(x, ctx, answers, new, all), self.now(y, ctx, answers, new, all));
                self.implies(x, y)
            }
            Node::Eq(x, y) => {
                let (x, y) = (self.now(x, ctx, answers, new, all), self.now(y, ctx, answers, new, all));
                self.eq(x, y)
            }
            Node::IsTrue(x) => {
                let x = self.now(x, ctx, answers, new, all);
                self.is_true(x)
            }
            Node::Ite(c, x, y) => {
                let c = self.now(c, ctx, answers, new, all);
                match c {
                    TRUE => self.now(x, ctx, answers, new, all),
                    FALSE => self.now(y, ctx, answers, new, all),
                    _ => {
                        let (x, y) = (self.now(x, ctx, answers, new, all), self.now(y, ctx, answers, new, all));
                        self.ite(c, x, y)
                    }
                }
            }
            Node::Collect(t, set) => {
                let mut items = Vec::new();
                let mut hit = false;
                for k in 0..self.sets[set as usize].len() {
                    let item = self.sets[set as usize][k];
                    match self.now(item, ctx, answers, new, all) {
                        TRUE => hit = true,
                        FALSE => {}
                        x => items.push(x),
                    }
                }
                for a in new {
                    match self.part(t, a) {
                        TRUE => hit = true,
                        FALSE => {}
                        x => {
                            // A new part: every atom decided afresh.
                            let x = self.now(x, ctx, answers, &[], true);
                            match x {
                                TRUE => hit = true,
                                FALSE => {}
                                x => items.push(x),
                            }
                        }
                    }
                }
                if hit {
                    TRUE
                } else {
                    let set = self.set(items);
                    self.intern(Node::Collect(t, set))
                }
            }
        };
        self.cache[id as usize] = (self.stamp, out);
        out
    }

    /// What one collected action adds to a target: a decision list over its variants, as
    /// [`crate::bundle::ActionEntry::wording`] chooses one.
    fn part(&mut self, t: u32, a: &Collected<'a>) -> u32 {
        let Some(def) = a.def else { return FALSE };
        let key = (t, a.pathway, std::ptr::from_ref(def) as usize);
        if let Some(&id) = self.parts.get(&key) {
            return id;
        }
        let id = self.new_part(t, a.pathway, def);
        self.parts.insert(key, id);
        id
    }

    fn new_part(&mut self, t: u32, action_pathway: usize, def: &'a crate::bundle::ActionEntry) -> u32 {
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

    /// An atom decided now (or, with `end`, at the end of the walk: `None` is unknown).
    fn decide(&self, a: u32, ctx: &Context<'a>, answers: &Answers<'_>, end: bool) -> Option<bool> {
        let info = &self.atoms[a as usize];
        if let (Some(pred), Atom::Rule { pathway, .. }) = (&info.resolved, &info.atom) {
            return ctx.decide(pred, *pathway, end);
        }
        match &info.atom {
            Atom::Rule { pathway, expr } => {
                let scope = NowScope {
                    ctx,
                    inner: ctx.fact_scope(*pathway, answers),
                    pathway: *pathway,
                    end,
                };
                rule::eval3(expr, &scope)
            }
            Atom::ServiceIn { pathway, services } => {
                let scope = ctx.fact_scope(*pathway, answers);
                match scope.fact(crate::compile::ORGANISATION, Slot::Unlinked) {
                    Ok(v) => match v.as_ref() {
                        Value::Choice(o) => Some(services.contains(&o.as_str())),
                        _ => Some(false),
                    },
                    Err(_) => None,
                }
            }
        }
    }

    /// The value of a residual at the end of the walk, in Kleene's logic (`None`: unknown).
    pub(super) fn at_end(&self, id: u32, ctx: &Context<'a>) -> Option<bool> {
        let answers = Answers::borrowed(&ctx.table);
        self.end(id, ctx, &answers)
    }

    fn end(&self, id: u32, ctx: &Context<'a>, answers: &Answers<'_>) -> Option<bool> {
        Some(match self.nodes[id as usize] {
            Node::Const(b) => b,
            Node::Atom(a) => return self.decide(a, ctx, answers, true),
            Node::Not(x) => !self.end(x, ctx, answers)?,
            Node::And(x, y) => match (self.end(x, ctx, answers), self.end(y, ctx, answers)) {
                (Some(false), _) | (_, Some(false)) => false,
                (Some(true), Some(true)) => true,
                _ => return None,
            },
            Node::Or(x, y) => match (self.end(x, ctx, answers), self.end(y, ctx, answers)) {
                (Some(true), _) | (_, Some(true)) => true,
                (Some(false), Some(false)) => false,
                _ => return None,
            },
            Node::Implies(x, y) => match (self.end(x, ctx, answers), self.end(y, ctx, answers)) {
                (Some(false), _) | (_, Some(true)) => true,
                (Some(true), Some(false)) => false,
                _ => return None,
            },
            Node::Eq(x, y) => self.end(x, ctx, answers)? == self.end(y, ctx, answers)?,
            Node::IsTrue(x) => self.end(x, ctx, answers) == Some(true),
            Node::Ite(c, x, y) => {
                return if self.end(c, ctx, answers)? {
                    self.end(x, ctx, answers)
                } else {
                    self.end(y, ctx, answers)
                };
            }
            Node::Collect(t, set) => {
                let target = &self.targets[t as usize];
                if target.contact.is_none() {
                    // `own_service()` is false when the organisation is not known.
                    let scope = ctx.fact_scope(target.pathway, answers);
                    let org = scope.fact(crate::compile::ORGANISATION, Slot::Unlinked);
                    if !org.is_ok_and(|v| matches!(v.as_ref(), Value::Choice(_))) {
                        return Some(false);
                    }
                }
                self.sets[set as usize]
                    .iter()
                    .any(|&x| self.end(x, ctx, answers) == Some(true))
            }
        })
    }

    /// The atoms a residual still depends on, added to `out` unless `seen` has them under
    /// `stamp` (a scratch list of atom stamps).
    pub(super) fn pending(&mut self, id: u32, out: &mut Vec<u32>, seen: &mut Vec<u32>, stamp: u32) {
        if seen.len() < self.atoms.len() {
            seen.resize(self.atoms.len(), 0);
        }
        let (atoms, _) = self.depends(id);
        for &a in atoms {
            if seen[a as usize] != stamp {
                seen[a as usize] = stamp;
                out.push(a);
            }
        }
    }

    /// A residual as text (for debugging).
    pub(super) fn render(&self, id: u32) -> String {
        match self.nodes[id as usize] {
            Node::Const(b) => b.to_string(),
            Node::Atom(a) => match &self.atoms[a as usize].atom {
                Atom::Rule { expr, .. } => canonical(expr),
                Atom::ServiceIn { services, .. } => format!("org in {services:?}"),
            },
            Node::Not(x) => format!("!{}", self.render(x)),
            Node::And(x, y) => format!("({} && {})", self.render(x), self.render(y)),
            Node::Or(x, y) => format!("({} || {})", self.render(x), self.render(y)),
            Node::Implies(x, y) => format!("({} -> {})", self.render(x), self.render(y)),
            Node::Eq(x, y) => format!("({} == {})", self.render(x), self.render(y)),
            Node::IsTrue(x) => format!("T[{}]", self.render(x)),
            Node::Ite(c, x, y) => format!("({} ? {} : {})", self.render(c), self.render(x), self.render(y)),
            Node::Collect(t, set) => format!(
                "collect#{t}{{{}}}",
                self.sets[set as usize].iter().map(|&x| self.render(x)).collect::<Vec<_>>().join(", ")
            ),
        }
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
