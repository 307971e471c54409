//! The snapshot's primitives: LEB128 integers, interned strings, options, lists and maps.

use std::collections::BTreeMap;

use super::*;
use crate::date::Date;
use crate::rule::Slot;

pub(super) fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[derive(Default)]
pub(super) struct Writer<'b> {
    pub(super) body: Vec<u8>,
    pub(super) ids: BTreeMap<&'b str, u64>,
    pub(super) table: Vec<&'b str>,
    /// Whether to write what checking and reviewing read (invariants, the hazard log, the
    /// authors' notes on sources); a set for walking leaves them out.
    pub(super) proofs: bool,
}

// ---------------------------------------------------------------- reading

/// Reads a payload. The first error is kept and every later read gives a default value
/// (0, an empty text, no items) without reading on, so decoding is straight-line code with
/// no early returns (much smaller in WebAssembly than `?` after every field), and the
/// result is thrown away when an error was kept.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    pub(super) strings: Vec<&'a str>,
    pub(super) depth: usize,
    pub(super) error: Option<SnapshotError>,
    /// How many facts the set declares (read before any slot).
    pub(super) facts: usize,
    /// One more than the highest derived-fact slot read in the current pathway (checked
    /// against its derived facts once the pathway is read).
    pub(super) derived_bound: usize,
}

impl<'b> Writer<'b> {
    /// A slot: a fact's index times two, or a derived fact's index times two plus one.
    pub(super) fn slot(&mut self, s: Slot) {
        self.uint(match s {
            Slot::Fact(i) => u64::from(i) << 1,
            Slot::Derived(i) => (u64::from(i) << 1) | 1,
        });
    }

    pub(super) fn uint(&mut self, v: u64) {
        put_uint(&mut self.body, v);
    }

    pub(super) fn usize(&mut self, v: usize) {
        self.uint(v as u64);
    }

    pub(super) fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    pub(super) fn tag(&mut self, t: u8) {
        self.body.push(t);
    }

    pub(super) fn flag(&mut self, b: bool) {
        self.tag(u8::from(b));
    }

    pub(super) fn intern(&mut self, s: &'b str) -> u64 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.table.len() as u64;
        self.ids.insert(s, id);
        self.table.push(s);
        id
    }

    pub(super) fn str(&mut self, s: &'b str) {
        let id = self.intern(s);
        self.uint(id);
    }

    pub(super) fn opt_str(&mut self, s: Option<&'b String>) {
        let v = s.map_or(0, |s| self.intern(s) + 1);
        self.uint(v);
    }

    pub(super) fn strs(&mut self, list: &'b [String]) {
        self.usize(list.len());
        for s in list {
            self.str(s);
        }
    }

    pub(super) fn date(&mut self, d: Date) {
        self.int(d.to_days());
    }

    pub(super) fn opt<T>(&mut self, v: Option<&'b T>, f: impl FnOnce(&mut Self, &'b T)) {
        self.flag(v.is_some());
        if let Some(v) = v {
            f(self, v);
        }
    }

    pub(super) fn map<V>(
        &mut self,
        map: &'b BTreeMap<String, V>,
        mut f: impl FnMut(&mut Self, &'b V),
    ) {
        self.usize(map.len());
        for (k, v) in map {
            self.str(k);
            f(self, v);
        }
    }
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            strings: Vec::new(),
            depth: 0,
            error: None,
            facts: 0,
            derived_bound: 0,
        }
    }

    pub(super) fn fail(&mut self, e: SnapshotError) {
        self.error.get_or_insert(e);
    }

    pub(super) fn fail_with(&mut self, reason: &'static str) {
        self.fail(SnapshotError::Invalid { reason });
    }

    pub(super) fn byte(&mut self) -> u8 {
        match self.bytes.get(self.pos) {
            Some(&b) if self.error.is_none() => {
                self.pos += 1;
                b
            }
            _ => {
                self.fail(SnapshotError::Truncated);
                0
            }
        }
    }

    // The small readers are kept out of line (`inline(never)`): each is called from dozens
    // of places, and inlined copies grow the WebAssembly module.

    #[inline(never)]
    pub(super) fn uint(&mut self) -> u64 {
        let mut v = 0;
        let mut shift = 0;
        loop {
            let b = self.byte();
            if shift == 63 && b > 1 {
                self.fail_with("a number is too large");
                return 0;
            }
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    #[inline(never)]
    pub(super) fn int(&mut self) -> i64 {
        let u = self.uint();
        (u >> 1) as i64 ^ -((u & 1) as i64)
    }

    #[inline(never)]
    pub(super) fn i32(&mut self) -> i32 {
        let v = self.int();
        i32::try_from(v).unwrap_or_else(|_| {
            self.fail_with("a number of years is out of range");
            0
        })
    }

    /// A count of items that follow, each at least one byte long.
    #[inline(never)]
    pub(super) fn len(&mut self) -> usize {
        let n = self.uint();
        if n > (self.bytes.len() - self.pos) as u64 {
            self.fail(SnapshotError::Truncated);
            return 0;
        }
        n as usize
    }

    /// The slot of a declared fact.
    pub(super) fn fact_slot(&mut self) -> Slot {
        match self.slot() {
            Slot::Derived(_) => {
                self.fail_with("a derived fact stands where a fact is read");
                Slot::Fact(0)
            }
            fact => fact,
        }
    }

    /// The slot of a fact or derived fact a rule names.
    pub(super) fn slot(&mut self) -> Slot {
        let v = self.uint();
        let i = v >> 1;
        if v & 1 == 1 {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            self.derived_bound = self.derived_bound.max((i as usize).saturating_add(1));
            Slot::Derived(i)
        } else if i < self.facts as u64 {
            Slot::Fact(i as u32)
        } else {
            self.fail_with("a fact slot is out of range");
            Slot::Fact(0)
        }
    }

    /// An index below `n` (0 after an error: use it only when `n > 0`).
    #[inline(never)]
    pub(super) fn below(&mut self, n: usize, what: &'static str) -> usize {
        let i = self.uint();
        if i < n as u64 {
            i as usize
        } else {
            self.fail_with(what);
            0
        }
    }

    #[inline(never)]
    pub(super) fn tag(&mut self, n: u8) -> u8 {
        let t = self.byte();
        if t < n {
            t
        } else {
            self.fail_with("an unknown kind of item");
            0
        }
    }

    #[inline(never)]
    pub(super) fn flag(&mut self) -> bool {
        self.tag(2) == 1
    }

    #[inline(never)]
    pub(super) fn opt_string(&mut self) -> Option<String> {
        let i = self.below(self.strings.len() + 1, "a text reference is out of range");
        let s = self.strings.get(i.checked_sub(1)?)?;
        Some((*s).to_owned())
    }

    #[inline(never)]
    pub(super) fn string(&mut self) -> String {
        let i = self.below(self.strings.len(), "a text reference is out of range");
        self.strings
            .get(i)
            .map_or_else(String::new, |s| (*s).to_owned())
    }

    #[inline(never)]
    pub(super) fn strings(&mut self) -> Vec<String> {
        self.list(Self::string)
    }

    #[inline(never)]
    pub(super) fn date(&mut self) -> Date {
        let days = self.int();
        Date::from_days(days).unwrap_or_else(|| {
            self.fail_with("a date is out of range");
            Date::EPOCH
        })
    }

    pub(super) fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        self.flag().then(|| f(self))
    }

    pub(super) fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        (0..self.len()).map(|_| f(self)).collect()
    }

    pub(super) fn map<V>(&mut self, mut f: impl FnMut(&mut Self) -> V) -> BTreeMap<String, V> {
        let mut out = BTreeMap::new();
        for _ in 0..self.len() {
            let key = self.string();
            let value = f(self);
            if out.insert(key, value).is_some() {
                self.fail_with("a key is repeated");
            }
        }
        out
    }
}
