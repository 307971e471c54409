//! Residuals judged as a walk goes on: after each stretch, only those whose atoms the
//! stretch may have changed are brought up to date ([`Residuals::touch`], then
//! [`Residuals::update`]); at the end of a walk, each is judged in Kleene's logic exactly as
//! the whole invariant would be on the path ([`Residuals::at_end`]).

use std::collections::BTreeSet;

use crate::rule;
use crate::value::Value;
use crate::walk::Answers;

use super::context::{Collected, Context, NowScope};
use super::relevance::Ahead;
use super::residual::{Atom, Events, FALSE, Node, Residuals, TRUE, UNKNOWN};

/// What residuals are judged against: the walk, what the steps ahead can still do, and the
/// actions collected by the last stretch.
#[derive(Clone, Copy)]
struct Env<'e, 'a> {
    ctx: &'e Context<'a>,
    answers: &'e Answers<'e>,
    ahead: Ahead<'e>,
    new: &'e [Collected<'a>],
}

impl<'a> Residuals<'a> {
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
        for &s in &events.expired_facts {
            mark(t.known.get(s as usize).map_or(&[][..], Vec::as_slice));
            mark(t.asked.get(s as usize).map_or(&[][..], Vec::as_slice));
        }
        for &c in &events.expired_codes {
            if let Some(c) = c {
                mark(t.by_code.get(&c).map_or(&[][..], Vec::as_slice));
            }
            // `first(...)` waits for the urgent actions, or for any, to come.
            mark(&t.first_urgent);
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
                    Node::Const(_) | Node::Unknown => {}
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

    /// The residual `id` given what the walk knows now, with the actions collected since
    /// the last update (`new`) folded into `contacted`/`own_service`.
    ///
    /// Call [`Residuals::touch`] with the events of the stretch first: a residual none of
    /// whose atoms they touch, and that holds no `contacted`/`own_service` when actions were
    /// collected, is left as it is.
    pub(super) fn update(
        &mut self,
        ids: &mut [u32],
        ctx: &Context<'a>,
        ahead: Ahead<'_>,
        new: &[Collected<'a>],
    ) {
        let answers = Answers::borrowed(&ctx.table);
        let env = Env {
            ctx,
            answers: &answers,
            ahead,
            new,
        };
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
                *id = self.now(*id, &env, false);
            }
        }
    }

    /// Every residual brought up to date, whatever changed (for the first one).
    pub(super) fn update_all(&mut self, ids: &mut [u32], ctx: &Context<'a>, ahead: Ahead<'_>) {
        self.stamp += 1;
        let stamp = self.stamp;
        self.hit.iter_mut().for_each(|h| *h = stamp);
        let answers = Answers::borrowed(&ctx.table);
        let env = Env {
            ctx,
            answers: &answers,
            ahead,
            new: &[],
        };
        for id in ids.iter_mut() {
            *id = self.now(*id, &env, true);
        }
    }

    fn now(&mut self, id: u32, env: &Env<'_, 'a>, all: bool) -> u32 {
        if id <= UNKNOWN {
            return id;
        }
        let (stamp, cached) = self.cache[id as usize];
        if stamp == self.stamp {
            return cached;
        }
        let out = match self.nodes[id as usize] {
            Node::Const(b) => u32::from(b),
            Node::Unknown => UNKNOWN,
            // An atom none of whose triggers fired since it was last decided stays undecided.
            Node::Atom(a) if !all && self.hit[a as usize] != self.stamp => id,
            Node::Atom(a) => match self.decide(a, env.ctx, env.answers, Some(&env.ahead)) {
                Some(Some(b)) => u32::from(b),
                Some(None) => UNKNOWN,
                None => id,
            },
            Node::Not(x) => {
                let x = self.now(x, env, all);
                self.not(x)
            }
            Node::And(x, y) => {
                let x = self.now(x, env, all);
                if x == FALSE {
                    FALSE
                } else {
                    let y = self.now(y, env, all);
                    self.and(x, y)
                }
            }
            Node::Or(x, y) => {
                let x = self.now(x, env, all);
                if x == TRUE {
                    TRUE
                } else {
                    let y = self.now(y, env, all);
                    self.or(x, y)
                }
            }
            Node::Implies(x, y) => {
                let (x, y) = (self.now(x, env, all), self.now(y, env, all));
                self.implies(x, y)
            }
            Node::Eq(x, y) => {
                let (x, y) = (self.now(x, env, all), self.now(y, env, all));
                self.eq(x, y)
            }
            Node::IsTrue(x) => {
                let x = self.now(x, env, all);
                self.is_true(x)
            }
            Node::Ite(c, x, y) => {
                let c = self.now(c, env, all);
                match c {
                    TRUE => self.now(x, env, all),
                    FALSE => self.now(y, env, all),
                    _ => {
                        let (x, y) = (self.now(x, env, all), self.now(y, env, all));
                        self.ite(c, x, y)
                    }
                }
            }
            Node::Collect(t, set) => {
                let mut items = Vec::new();
                let mut hit = false;
                for k in 0..self.sets[set as usize].len() {
                    let item = self.sets[set as usize][k];
                    match self.now(item, env, all) {
                        TRUE => hit = true,
                        // An unknown part names no contact at the end.
                        FALSE | UNKNOWN => {}
                        x => items.push(x),
                    }
                }
                let fresh = Env { new: &[], ..*env };
                for a in env.new {
                    match self.part(t, a) {
                        TRUE => hit = true,
                        FALSE | UNKNOWN => {}
                        x => {
                            // A new part: every atom decided afresh.
                            match self.now(x, &fresh, true) {
                                TRUE => hit = true,
                                FALSE | UNKNOWN => {}
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

    /// An atom decided now, given what the steps `ahead` can still do, or at the end of the
    /// walk (no `ahead`): `None` while undecided, else its value in Kleene's logic (`None`
    /// inside: unknown, for good).
    fn decide(
        &self,
        a: u32,
        ctx: &Context<'a>,
        answers: &Answers<'_>,
        ahead: Option<&Ahead<'_>>,
    ) -> Option<Option<bool>> {
        let info = &self.atoms[a as usize];
        if let (Some(pred), Atom::Rule { pathway, .. }) = (&info.resolved, &info.atom) {
            return ctx.decide(pred, *pathway, ahead).map(Some);
        }
        let value = match &info.atom {
            Atom::Rule { pathway, expr } => {
                let scope = NowScope {
                    ctx,
                    inner: ctx.fact_scope(*pathway, answers),
                    pathway: *pathway,
                    ahead: ahead.copied(),
                };
                rule::eval3(expr, &scope)
            }
            Atom::ServiceIn { pathway, services } => {
                let scope = ctx.fact_scope(*pathway, answers);
                match scope.named(crate::vocab::ORGANISATION) {
                    Ok(v) => match v.as_ref() {
                        Value::Choice(o) => Some(services.contains(&o.as_str())),
                        _ => Some(false),
                    },
                    Err(_) => None,
                }
            }
        };
        match (value, ahead) {
            (Some(b), _) => Some(Some(b)),
            (None, None) => Some(None),
            // Unknown for good when no fact it reads can still be made known.
            (None, Some(ahead)) => info
                .reads
                .iter()
                .all(|&s| ctx.known(s).is_some() || !ahead.askable(Some(s)))
                .then_some(None),
        }
    }

    /// The values of residuals at the end of the walk, in Kleene's logic (`None`: unknown),
    /// each atom decided once for all of them.
    pub(super) fn at_end(&mut self, ids: &[u32], ctx: &Context<'a>, out: &mut Vec<Option<bool>>) {
        self.stamp += 1;
        let answers = Answers::borrowed(&ctx.table);
        out.clear();
        for &id in ids {
            let v = self.end(id, ctx, &answers);
            out.push(v);
        }
    }

    fn end(&mut self, id: u32, ctx: &Context<'a>, answers: &Answers<'_>) -> Option<bool> {
        Some(match self.nodes[id as usize] {
            Node::Const(b) => b,
            Node::Unknown => return None,
            Node::Atom(a) => {
                // Cached for this end: `cache` holds 0, 1 or 2 (unknown) under the stamp.
                let (stamp, v) = self.cache[id as usize];
                if stamp == self.stamp {
                    return match v {
                        0 => Some(false),
                        1 => Some(true),
                        _ => None,
                    };
                }
                let v = self.decide(a, ctx, answers, None).flatten();
                self.cache[id as usize] = (self.stamp, v.map_or(UNKNOWN, u32::from));
                return v;
            }
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
                    let org = scope.named(crate::vocab::ORGANISATION);
                    if !org.is_ok_and(|v| matches!(v.as_ref(), Value::Choice(_))) {
                        return Some(false);
                    }
                }
                let mut any = false;
                for k in 0..self.sets[set as usize].len() {
                    let x = self.sets[set as usize][k];
                    any |= self.end(x, ctx, answers) == Some(true);
                }
                any
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
}
