//! The state a walk is in, as words: the residuals brought up to date after each stretch,
//! interned as one tuple, and the key of the state (step, pathways visited, tuple, must-ask
//! facts asked, what undecided predicates need of the actions collected, and the values of
//! the facts a step ahead or a residual may still read). Equal keys, equal futures.

use std::collections::BTreeMap;

use crate::bundle::StepIx;

use super::explore::Explorer;
use super::relevance::Expiry;
use super::report::MUST_ASK;
use super::residual::Needs;
use crate::value::Value;

impl Explorer<'_> {
    /// Brings every residual still judged (of a pathway visited or still reachable) up to
    /// date after a stretch of walk; `before`: the actions collected before it.
    ///
    /// `from`: where the stretch started (what could still happen from there is known to
    /// the residuals; what no longer can from where it stopped is decided now).
    pub(super) fn update_residuals(&mut self, mark: usize, from: (usize, StepIx), before: usize) {
        let (p, node) = self.walk.at;
        let reach = self.statics.reach(p, node.index());
        let mask: Vec<bool> = (0..self.ctx.visited.len())
            .map(|q| self.ctx.visited[q] || reach.contains(&q))
            .collect();
        let tracked = |q: usize| mask[q];
        let mut slots = std::mem::take(&mut self.buf.slots);
        let mut ids = std::mem::take(&mut self.buf.ids);
        slots.clear();
        ids.clear();
        for (j, inv) in self.invs.iter().enumerate() {
            if inv.index != MUST_ASK && tracked(inv.pathway) {
                slots.push(2 * j);
                ids.push(self.ctx.residuals[2 * j]);
                if !self.premise_seen[j] {
                    slots.push(2 * j + 1);
                    ids.push(self.ctx.residuals[2 * j + 1]);
                }
            }
        }
        let mut new = std::mem::take(&mut self.buf.new);
        new.clear();
        new.extend_from_slice(&self.ctx.collected[before..]);
        self.ctx.events(mark, before, &mut self.events);
        let ahead = self.statics.ahead(p, node.index());
        let mut expired = std::mem::take(&mut self.buf.expired);
        expired.clear();
        self.statics.expired(
            self.statics.ahead(from.0, from.1.index()),
            ahead,
            &mut expired,
        );
        self.events.expired_facts.clear();
        self.events.expired_codes.clear();
        for e in &expired {
            match *e {
                Expiry::Fact(s) => self.events.expired_facts.push(s),
                Expiry::Code(c) => self.events.expired_codes.push(Some(c)),
                Expiry::Urgent => self.events.expired_codes.push(None),
            }
        }
        self.buf.expired = expired;
        self.res.touch(&self.events);
        self.res.update(&mut ids, &self.ctx, ahead, &new);
        for (&k, &id) in slots.iter().zip(&ids) {
            self.ctx.set_residual(k, id);
        }
        // Every residual still judged, as one number (the condition of an invariant whose
        // condition was seen to hold no longer counts).
        let mut tuple = std::mem::take(&mut self.buf.tuple);
        tuple.clear();
        for (j, inv) in self.invs.iter().enumerate() {
            if inv.index == MUST_ASK {
                continue;
            }
            if !tracked(inv.pathway) {
                tuple.extend([u32::MAX, u32::MAX]);
            } else if self.premise_seen[j] {
                tuple.extend([self.ctx.residuals[2 * j], u32::MAX - 2]);
            } else {
                tuple.extend([self.ctx.residuals[2 * j], self.ctx.residuals[2 * j + 1]]);
            }
        }
        let id = self.tuple(&tuple);
        let last = self.ctx.residuals.len() - 1;
        self.ctx.set_residual(last, id);
        self.buf = Buffers {
            slots,
            ids,
            new,
            tuple,
            ..std::mem::take(&mut self.buf)
        };
    }

    /// The number of a tuple of residuals, with what they read and need.
    fn tuple(&mut self, tuple: &[u32]) -> u32 {
        let h = hash(tuple);
        if let Some(bucket) = self.tuples.get(&h)
            && let Some(&(_, _, id)) = bucket.iter().find(|&&(at, len, _)| {
                self.tuple_words.get(at as usize..(at + len) as usize) == Some(tuple)
            })
        {
            return id;
        }
        let id = self.tuple_info.len() as u32;
        let (seen, stamp) = &mut self.scratch;
        *stamp = stamp.wrapping_add(1).max(1);
        let mut atoms = Vec::new();
        for &r in tuple {
            if r < u32::MAX - 2 {
                self.res.pending(r, &mut atoms, seen, *stamp);
            }
        }
        let mut reads = Vec::new();
        let mut needs = Vec::new();
        for &a in &atoms {
            let info = &self.res.atoms[a as usize];
            reads.extend(info.reads.iter().copied());
            match info.needs {
                Needs::Nothing => {}
                Needs::FirstAction => needs.push(Need::FirstAction),
                Needs::Actions(x, y) => {
                    needs.push(Need::Actions(self.ctx.code(x), self.ctx.code(y)))
                }
            }
        }
        reads.sort_unstable();
        reads.dedup();
        self.words += tuple.len() as u64 + reads.len() as u64;
        self.tuple_info.push(TupleInfo {
            reads: reads.into_boxed_slice(),
            needs: needs.into_boxed_slice(),
        });
        let at = self.tuple_words.len() as u32;
        self.tuple_words.extend_from_slice(tuple);
        self.tuples
            .entry(h)
            .or_default()
            .push((at, tuple.len() as u32, id));
        id
    }

    /// The state the walk is in, as words: equal words, equal futures.
    pub(super) fn key(&mut self, done: bool) -> Vec<u32> {
        let (p, node) = self.walk.at;
        let node = node.index();
        let ctx = &self.ctx;
        let mut key = std::mem::take(&mut self.buf.key);
        key.clear();
        key.extend([u32::from(done), p as u32, node as u32]);
        pack(ctx.visited.iter().copied(), &mut key);
        let place = self.statics.place(p, node);
        let reach = self.statics.reach(p, node);
        let tuple = ctx.residuals[ctx.residuals.len() - 1];
        key.push(tuple);
        for (j, inv) in self.invs.iter().enumerate() {
            if inv.index == MUST_ASK && (ctx.visited[inv.pathway] || reach.contains(&inv.pathway)) {
                pack(self.must[j].iter().map(|&f| ctx.asked(f)), &mut key);
            }
        }
        key.push(u32::from(ctx.collected.is_empty()));
        let info = &self.tuple_info[tuple as usize];
        for need in &info.needs {
            match need {
                Need::FirstAction => key.push(ctx.first_action().map_or(u32::MAX, |c| c.id)),
                Need::Actions(x, y) => {
                    for c in [*x, *y] {
                        key.push(match ctx.collected_id(c) {
                            None => 0,
                            Some(a) if a.urgent => 1,
                            Some(_) => 2,
                        });
                    }
                }
            }
        }
        let mut read = std::mem::take(&mut self.buf.read);
        read.clear();
        read.extend_from_slice(&info.reads);
        let from = if self.statics.read_ahead_all() {
            0
        } else {
            place + 1
        };
        for &(_, s) in ctx.live.range((from, 0)..) {
            if self.statics.read_ahead(s, place, reach) {
                read.push(s);
            }
        }
        read.sort_unstable();
        read.dedup();
        key.push(u32::MAX - 1);
        for &s in &read {
            if let Some((v, _)) = ctx.known(s) {
                let given = ctx.raw(s).is_some();
                key.extend([s, intern(&mut self.value_ids, v), u32::from(given)]);
            }
        }
        self.buf.read = read;
        key
    }
}

/// Scratch lists reused from one stretch to the next.
#[derive(Default)]
pub(super) struct Buffers<'a> {
    pub(super) slots: Vec<usize>,
    pub(super) ids: Vec<u32>,
    pub(super) new: Vec<super::context::Collected<'a>>,
    pub(super) tuple: Vec<u32>,
    pub(super) key: Vec<u32>,
    pub(super) read: Vec<u32>,
    pub(super) answer: Vec<(u32, &'a Value)>,
    pub(super) expired: Vec<Expiry>,
}

/// What a tuple of residuals reads and needs (see [`super::residual::AtomInfo`]).
pub(super) struct TupleInfo {
    reads: Box<[u32]>,
    /// Per `first(...)` or `before(a, b)` still undecided: what of the actions it needs.
    needs: Box<[Need]>,
}

/// What of the actions collected an undecided predicate needs to be decided later.
pub(super) enum Need {
    /// The action first so far.
    FirstAction,
    /// Whether each action (by code number) was collected, and urgent.
    Actions(Option<u32>, Option<u32>),
}

/// FNV-1a over the words of a key.
pub(super) fn hash(key: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in key {
        h ^= u64::from(*w);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn intern<K: Ord>(ids: &mut BTreeMap<K, u32>, k: K) -> u32 {
    let n = ids.len() as u32;
    *ids.entry(k).or_insert(n)
}

/// Booleans packed 32 to a word, after their number.
fn pack(bits: impl Iterator<Item = bool>, out: &mut Vec<u32>) {
    let at = out.len();
    out.push(0);
    for (i, b) in bits.enumerate() {
        if i % 32 == 0 {
            out.push(0);
        }
        if b && let Some(w) = out.last_mut() {
            *w |= 1 << (i % 32);
        }
        out[at] += 1;
    }
}
