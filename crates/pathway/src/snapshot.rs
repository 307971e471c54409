//! A compact binary snapshot of a compiled [`Bundle`], for front ends that embed a set that
//! was loaded (so compiled and verified) at build time, such as the WebAssembly page: decoding
//! a snapshot needs no JSON parser, no compiler and no verifier, so a front end that only
//! decodes links none of them.
//!
//! The format is private to this library and versioned: a snapshot is
//! meant to be decoded by the same version of the library that wrote it, e.g. written by a
//! build script and decoded by the program it builds.
//!
//! ```text
//! snapshot := MAGIC version:uint length:uint checksum:u64le payload
//! payload  := strings bundle      (length bytes; checksum = FNV-1a 64 of them)
//! strings  := count:uint (len:uint utf8-bytes)*     every text, once (interned)
//! ```
//!
//! The bundle follows in field order. Every string is a `uint` index into `strings` (an
//! optional string is 0 for none, else index + 1), integers are LEB128 (signed ones
//! zigzagged), dates are days since 1970-01-01, lists and maps are a count and their items
//! (maps in key order), and enums a tag byte and their fields. A graph is its steps in node
//! order; its edges are rebuilt from the steps' edges, in node then edge order, as the
//! compiler adds them.
//!
//! Decoding never panics. It checks the checksum (so any change to a snapshot is refused),
//! every string, step and pathway index, that map keys are unique, that step ids are unique,
//! that the steps form no cycle across hand-overs, that no derived fact depends on itself,
//! and bounds the nesting of rules, so that no decoded bundle can make a walk or a renderer
//! index out of range or recurse without end.

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::bundle::{
    ActionEntry, Bundle, Derived, Edge, FactDecl, Invariant, Meta, Pathway, Rewrite, Settles, Step,
    StepKind,
};
use crate::date::Date;
use crate::model::{
    ActionDef, ActionVariant, BoolLabels, ChoiceOption, Confidence, Contact, FactType, Form,
    HazardDef, HazardSeverity, Source,
};
use crate::rule::{CmpOp, Expr, ExprKind, PathPred, Slot, Span};
use crate::template::{Part, Template};
use crate::value::Value;

/// The version of the snapshot format this library writes and reads.
const SNAPSHOT_VERSION: u64 = 2;

/// The bytes every snapshot starts with.
const MAGIC: &[u8] = b"pathway-snapshot\n";

/// How deeply a rule may nest in a snapshot (rules are parsed from one line of text, so real
/// ones nest a few levels).
const MAX_DEPTH: usize = 100;

/// Why bytes are not a snapshot this library can decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The bytes do not start with the snapshot marker.
    #[error("not a pathway snapshot: the bytes do not start with the snapshot marker")]
    NotASnapshot,
    /// The snapshot was written in another version of the format.
    #[error(
        "snapshot format version {found} is not supported (this library reads version \
         {supported}): write the snapshot again with this version of pathway"
    )]
    Version {
        /// The version the snapshot declares.
        found: u64,
        /// The version this library reads.
        supported: u64,
    },
    /// The content does not match the checksum: the snapshot was changed or damaged.
    #[error("the snapshot is damaged: its content does not match its checksum")]
    Checksum,
    /// The snapshot ends before its content does.
    #[error("the snapshot is cut short")]
    Truncated,
    /// The content is not a valid bundle.
    #[error("the snapshot is not a valid pathway set: {reason}")]
    Invalid {
        /// What is wrong.
        reason: &'static str,
    },
}

type Result<T> = std::result::Result<T, SnapshotError>;

fn invalid<T>(reason: &'static str) -> Result<T> {
    Err(SnapshotError::Invalid { reason })
}

/// FNV-1a, 64 bits: each step is a bijection of the state, so a change to any one byte
/// always changes the checksum.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Bundle {
    /// The bundle as a compact binary snapshot, which [`Bundle::from_snapshot`] decodes into
    /// an equal bundle without compiling or verifying anything.
    ///
    /// For front ends that embed a set verified at build time: a build script loads the set
    /// (so a broken set fails the build with its diagnostics) and embeds the snapshot. Since
    /// a `Bundle` only exists once its set has passed every check, so does what a snapshot
    /// records; it carries the content hash, so sessions saved by any front end on the same
    /// content open in every other.
    pub fn snapshot(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bundle(self);
        let mut payload = Vec::new();
        put_uint(&mut payload, w.table.len() as u64);
        for s in &w.table {
            put_uint(&mut payload, s.len() as u64);
            payload.extend_from_slice(s.as_bytes());
        }
        payload.extend_from_slice(&w.body);
        seal(&payload)
    }

    /// Decodes a snapshot written by [`Bundle::snapshot`].
    ///
    /// Refuses (never panics on) any other bytes: another format version, a damaged or cut
    /// snapshot, or content that is not a consistent set (see the module documentation).
    pub fn from_snapshot(bytes: &[u8]) -> Result<Self> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or(SnapshotError::NotASnapshot)?;
        let mut r = Reader::new(rest);
        let version = r.uint();
        let length = r.uint();
        if let Some(e) = r.error {
            return Err(e);
        }
        if version != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version {
                found: version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let (sum, payload) = rest[r.pos..]
            .split_first_chunk::<8>()
            .ok_or(SnapshotError::Truncated)?;
        if (payload.len() as u64) < length {
            return Err(SnapshotError::Truncated);
        }
        if payload.len() as u64 > length {
            return invalid("bytes follow the end of the snapshot");
        }
        if checksum(payload) != u64::from_le_bytes(*sum) {
            return Err(SnapshotError::Checksum);
        }
        decode(payload)
    }
}

/// The snapshot of a payload: marker, version, length and checksum, then the payload.
fn seal(payload: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put_uint(&mut out, SNAPSHOT_VERSION);
    put_uint(&mut out, payload.len() as u64);
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// The set a payload holds (its checksum already checked).
fn decode(payload: &[u8]) -> Result<Bundle> {
    let mut r = Reader::new(payload);
    for _ in 0..r.len() {
        let n = r.len();
        match std::str::from_utf8(&r.bytes[r.pos..r.pos + n]) {
            Ok(text) => r.strings.push(text),
            Err(_) => r.fail_with("a text is not UTF-8"),
        }
        r.pos += n;
    }
    let mut bundle = r.bundle();
    if r.error.is_none() && r.pos != r.bytes.len() {
        r.fail_with("bytes follow the end of the set");
    }
    match r.error {
        None => {
            // Slots are not written: they are fixed from the declarations, as at compile.
            bundle.link();
            Ok(bundle)
        }
        Some(e) => Err(e),
    }
}

// ---------------------------------------------------------------- writing

fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[derive(Default)]
struct Writer<'b> {
    body: Vec<u8>,
    ids: BTreeMap<&'b str, u64>,
    table: Vec<&'b str>,
}

impl<'b> Writer<'b> {
    fn uint(&mut self, v: u64) {
        put_uint(&mut self.body, v);
    }

    fn usize(&mut self, v: usize) {
        self.uint(v as u64);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn tag(&mut self, t: u8) {
        self.body.push(t);
    }

    fn flag(&mut self, b: bool) {
        self.tag(u8::from(b));
    }

    fn intern(&mut self, s: &'b str) -> u64 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.table.len() as u64;
        self.ids.insert(s, id);
        self.table.push(s);
        id
    }

    fn str(&mut self, s: &'b str) {
        let id = self.intern(s);
        self.uint(id);
    }

    fn opt_str(&mut self, s: Option<&'b String>) {
        let v = s.map_or(0, |s| self.intern(s) + 1);
        self.uint(v);
    }

    fn strs(&mut self, list: &'b [String]) {
        self.usize(list.len());
        for s in list {
            self.str(s);
        }
    }

    fn date(&mut self, d: Date) {
        self.int(d.to_days());
    }

    fn opt<T>(&mut self, v: Option<&'b T>, f: impl FnOnce(&mut Self, &'b T)) {
        self.flag(v.is_some());
        if let Some(v) = v {
            f(self, v);
        }
    }

    fn map<V>(&mut self, map: &'b BTreeMap<String, V>, mut f: impl FnMut(&mut Self, &'b V)) {
        self.usize(map.len());
        for (k, v) in map {
            self.str(k);
            f(self, v);
        }
    }

    fn bundle(&mut self, b: &'b Bundle) {
        let Bundle {
            pathways,
            facts,
            contacts,
            contact_sources,
            hazards,
            entry,
            hash,
            paths_verified,
        } = b;
        self.str(hash);
        self.uint(*paths_verified);
        self.uint(entry.map_or(0, |e| e as u64 + 1));
        self.usize(facts.len());
        for decl in facts.iter() {
            self.fact(decl);
        }
        self.map(contacts, Self::contact);
        self.map(contact_sources, Self::source);
        self.usize(pathways.len());
        for p in pathways {
            self.pathway(p);
        }
        self.usize(hazards.len());
        for h in hazards {
            self.hazard(h);
        }
    }

    fn hazard(&mut self, h: &'b HazardDef) {
        let HazardDef {
            id,
            hazard,
            harmed,
            severity,
            cause,
            finding,
            controls,
        } = h;
        self.str(id);
        self.str(hazard);
        self.str(harmed);
        self.tag(match severity {
            HazardSeverity::Catastrophic => 0,
            HazardSeverity::Major => 1,
            HazardSeverity::Moderate => 2,
            HazardSeverity::Minor => 3,
        });
        self.str(cause);
        self.opt_str(finding.as_ref());
        self.strs(controls);
    }

    fn fact(&mut self, d: &'b FactDecl) {
        let FactDecl {
            id,
            ty,
            question,
            help,
            options,
            min,
            max,
            labels,
            default,
            more,
            aliases,
            settles,
            rewrites,
        } = d;
        self.str(id);
        self.tag(match ty {
            FactType::Bool => 0,
            FactType::Choice => 1,
            FactType::Integer => 2,
            FactType::Date => 3,
        });
        self.str(question);
        self.opt_str(help.as_ref());
        self.usize(options.len());
        // `sets` is typed into `settles` below (the decoded options have none).
        for ChoiceOption {
            value,
            label,
            help,
            sets: _,
        } in options
        {
            self.str(value);
            self.str(label);
            self.opt_str(help.as_ref());
        }
        self.opt(min.as_ref(), |w, v| w.int(*v));
        self.opt(max.as_ref(), |w, v| w.int(*v));
        self.opt(labels.as_ref(), |w, BoolLabels { yes, no }| {
            w.str(yes);
            w.str(no);
        });
        self.opt(default.as_ref(), Self::value);
        self.opt_str(more.as_ref());
        for alias in aliases {
            self.opt_str(alias.as_ref());
        }
        self.opt(settles.as_ref(), |w, Settles { facts, values }| {
            w.strs(facts);
            w.usize(values.len());
            for row in values {
                w.usize(row.len());
                for v in row {
                    w.value(v);
                }
            }
        });
        self.usize(rewrites.len());
        for Rewrite {
            when,
            fact,
            from,
            to,
        } in rewrites
        {
            self.value(when);
            self.str(fact);
            self.value(from);
            self.value(to);
        }
    }

    fn value(&mut self, v: &'b Value) {
        match v {
            Value::Bool(b) => {
                self.tag(0);
                self.flag(*b);
            }
            Value::Int(i) => {
                self.tag(1);
                self.int(*i);
            }
            Value::Choice(s) => {
                self.tag(2);
                self.str(s);
            }
            Value::Date(d) => {
                self.tag(3);
                self.date(*d);
            }
        }
    }

    fn contact(&mut self, c: &'b Contact) {
        let Contact {
            name,
            phone,
            hours,
            email,
            web,
            first_responder,
            notes,
            source,
            url,
            checked,
            verified,
            service_of,
        } = c;
        self.str(name);
        self.opt_str(phone.as_ref());
        self.opt_str(hours.as_ref());
        self.opt_str(email.as_ref());
        self.opt_str(web.as_ref());
        self.tag(first_responder.map_or(0, |b| 1 + u8::from(b)));
        self.opt_str(notes.as_ref());
        self.str(source);
        self.opt_str(url.as_ref());
        self.opt_str(checked.as_ref());
        self.flag(*verified);
        self.opt_str(service_of.as_ref());
    }

    fn source(&mut self, s: &'b Source) {
        let Source {
            title,
            url,
            no_url,
            confidence,
            note,
        } = s;
        self.str(title);
        self.opt_str(url.as_ref());
        self.opt_str(no_url.as_ref());
        self.tag(match confidence {
            Confidence::H => 0,
            Confidence::M => 1,
            Confidence::L => 2,
        });
        self.opt_str(note.as_ref());
    }

    fn pathway(&mut self, p: &'b Pathway) {
        let Pathway {
            meta,
            file,
            sources,
            derived,
            actions,
            graph,
            start,
            // Rebuilt from the steps' ids.
            index: _,
            must_ask,
            invariants,
        } = p;
        self.meta(meta);
        self.str(file);
        self.map(sources, Self::source);
        // Written as a map, in id order, as the pathway keeps them.
        self.usize(derived.len());
        for Derived { id, rule } in derived {
            self.str(id);
            self.expr(rule);
        }
        self.usize(actions.len());
        for (code, def) in actions.iter() {
            self.str(code);
            self.action(def);
        }
        self.usize(graph.node_count());
        for step in graph.node_weights() {
            self.step(step);
        }
        self.usize(start.index());
        self.strs(must_ask);
        self.usize(invariants.len());
        for Invariant {
            id,
            description,
            source,
            rule,
        } in invariants
        {
            self.str(id);
            self.str(description);
            self.str(source);
            self.expr(rule);
        }
    }

    fn meta(&mut self, m: &'b Meta) {
        let Meta {
            id,
            title,
            partnership,
            version,
            reviewed,
            review_by,
            jurisdiction,
            description,
            guidance,
            entry,
        } = m;
        self.str(id);
        self.str(title);
        self.str(partnership);
        self.str(version);
        self.date(*reviewed);
        self.date(*review_by);
        self.opt_str(jurisdiction.as_ref());
        self.opt_str(description.as_ref());
        self.opt_str(guidance.as_ref());
        self.flag(*entry);
    }

    fn action(&mut self, a: &'b ActionEntry) {
        let ActionEntry { def, when, named } = a;
        let ActionDef {
            title,
            instructions,
            urgent,
            contact,
            form,
            why,
            variants,
            cites,
        } = def;
        self.str(title);
        self.str(instructions);
        self.flag(*urgent);
        self.opt_str(contact.as_ref());
        self.opt(form.as_ref(), Self::form);
        self.opt_str(why.as_ref());
        self.strs(cites);
        // Each variant with its compiled rule (a variant whose rule did not compile makes the
        // set fail to load, so there is one rule per variant).
        self.usize(variants.len());
        for (v, rule) in variants.iter().zip(when) {
            let ActionVariant {
                when: source,
                title,
                instructions,
                why,
                contact,
                form,
                cites,
            } = v;
            self.str(source);
            self.expr(rule);
            self.opt_str(title.as_ref());
            self.opt_str(instructions.as_ref());
            self.opt_str(why.as_ref());
            self.opt_str(contact.as_ref());
            self.opt(form.as_ref(), Self::form);
            self.strs(cites);
        }
        self.usize(named.len());
        for list in named {
            self.strs(list);
        }
    }

    fn form(&mut self, f: &'b Form) {
        let Form { name, url } = f;
        self.str(name);
        self.opt_str(url.as_ref());
    }

    fn step(&mut self, s: &'b Step) {
        let Step { id, kind, edges } = s;
        self.str(id);
        match kind {
            // The slot is fixed again by `Bundle::link` when the set is decoded.
            StepKind::Question {
                fact,
                slot: _,
                note,
            } => {
                self.tag(0);
                self.str(fact);
                self.opt_str(note.as_ref());
            }
            // The definitions are linked again when the set is decoded.
            StepKind::Action {
                actions,
                defs: _,
                detail,
            } => {
                self.tag(1);
                self.strs(actions);
                self.opt(detail.as_ref(), Self::template);
            }
            StepKind::Outcome {
                title,
                summary,
                actions,
                defs: _,
                next_steps,
                cites,
            } => {
                self.tag(2);
                self.str(title);
                self.str(summary);
                self.strs(actions);
                self.strs(next_steps);
                self.strs(cites);
            }
            StepKind::Handover {
                pathway,
                step,
                because,
                cites,
            } => {
                self.tag(3);
                self.usize(*pathway);
                self.usize(step.index());
                self.str(because);
                self.strs(cites);
            }
        }
        self.usize(edges.len());
        for Edge {
            when,
            when_src,
            to,
            because,
            cites,
        } in edges
        {
            self.opt(when.as_ref(), Self::expr);
            self.opt_str(when_src.as_ref());
            self.usize(to.index());
            self.opt_str(because.as_ref());
            self.strs(cites);
        }
    }

    fn template(&mut self, t: &'b Template) {
        self.usize(t.0.len());
        for part in &t.0 {
            match part {
                Part::Text(s) => {
                    self.tag(0);
                    self.str(s);
                }
                // Slots are linked again when the set is decoded.
                Part::Fact(s, _) => {
                    self.tag(1);
                    self.str(s);
                }
                Part::Birthday(s, _, n) => {
                    self.tag(2);
                    self.str(s);
                    self.int(i64::from(*n));
                }
                Part::DaysUntil(s, _, n) => {
                    self.tag(3);
                    self.str(s);
                    self.int(i64::from(*n));
                }
            }
        }
    }

    fn expr(&mut self, e: &'b Expr) {
        let Expr { kind, span } = e;
        self.usize(span.start);
        self.usize(span.end);
        match kind {
            ExprKind::Bool(b) => {
                self.tag(0);
                self.flag(*b);
            }
            ExprKind::Int(i) => {
                self.tag(1);
                self.int(*i);
            }
            ExprKind::Str(s) => {
                self.tag(2);
                self.str(s);
            }
            ExprKind::Fact(s, _) => {
                self.tag(3);
                self.str(s);
            }
            ExprKind::Today => self.tag(4),
            ExprKind::Not(a) => {
                self.tag(5);
                self.expr(a);
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Implies(a, b) => {
                self.tag(match kind {
                    ExprKind::And(..) => 6,
                    ExprKind::Or(..) => 7,
                    _ => 8,
                });
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Cmp(op, a, b) => {
                self.tag(9);
                self.tag(match op {
                    CmpOp::Eq => 0,
                    CmpOp::Ne => 1,
                    CmpOp::Lt => 2,
                    CmpOp::Le => 3,
                    CmpOp::Gt => 4,
                    CmpOp::Ge => 5,
                });
                self.expr(a);
                self.expr(b);
            }
            ExprKind::AgeOn(a, b) => {
                self.tag(10);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::DaysUntilBirthday(a, years, b) => {
                self.tag(11);
                self.expr(a);
                self.int(i64::from(*years));
                self.expr(b);
            }
            ExprKind::Path(p) => {
                self.tag(12);
                match p {
                    PathPred::Asked(f) => {
                        self.tag(0);
                        self.str(f);
                    }
                    PathPred::FirstAsked(f) => {
                        self.tag(1);
                        self.str(f);
                    }
                    PathPred::Did(c) => {
                        self.tag(2);
                        self.str(c);
                    }
                    PathPred::First(c) => {
                        self.tag(3);
                        self.str(c);
                    }
                    PathPred::KnownBefore(a, b) => {
                        self.tag(4);
                        self.str(a);
                        self.str(b);
                    }
                    PathPred::Before(a, b) => {
                        self.tag(5);
                        self.str(a);
                        self.str(b);
                    }
                    PathPred::Urgent(c) => {
                        self.tag(6);
                        self.str(c);
                    }
                    PathPred::Contacted(c) => {
                        self.tag(7);
                        self.str(c);
                    }
                    PathPred::OwnService => self.tag(8),
                }
            }
        }
    }
}

// ---------------------------------------------------------------- reading

/// Reads a payload. The first error is kept and every later read gives a default value
/// (0, an empty text, no items) without reading on, so decoding is straight-line code with
/// no early returns (much smaller in WebAssembly than `?` after every field), and the
/// result is thrown away when an error was kept.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    strings: Vec<&'a str>,
    depth: usize,
    error: Option<SnapshotError>,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            strings: Vec::new(),
            depth: 0,
            error: None,
        }
    }

    fn fail(&mut self, e: SnapshotError) {
        self.error.get_or_insert(e);
    }

    fn fail_with(&mut self, reason: &'static str) {
        self.fail(SnapshotError::Invalid { reason });
    }

    fn byte(&mut self) -> u8 {
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
    fn uint(&mut self) -> u64 {
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
    fn int(&mut self) -> i64 {
        let u = self.uint();
        (u >> 1) as i64 ^ -((u & 1) as i64)
    }

    #[inline(never)]
    fn i32(&mut self) -> i32 {
        let v = self.int();
        i32::try_from(v).unwrap_or_else(|_| {
            self.fail_with("a number of years is out of range");
            0
        })
    }

    /// A count of items that follow, each at least one byte long.
    #[inline(never)]
    fn len(&mut self) -> usize {
        let n = self.uint();
        if n > (self.bytes.len() - self.pos) as u64 {
            self.fail(SnapshotError::Truncated);
            return 0;
        }
        n as usize
    }

    /// An index below `n` (0 after an error: use it only when `n > 0`).
    #[inline(never)]
    fn below(&mut self, n: usize, what: &'static str) -> usize {
        let i = self.uint();
        if i < n as u64 {
            i as usize
        } else {
            self.fail_with(what);
            0
        }
    }

    #[inline(never)]
    fn tag(&mut self, n: u8) -> u8 {
        let t = self.byte();
        if t < n {
            t
        } else {
            self.fail_with("an unknown kind of item");
            0
        }
    }

    #[inline(never)]
    fn flag(&mut self) -> bool {
        self.tag(2) == 1
    }

    #[inline(never)]
    fn opt_string(&mut self) -> Option<String> {
        let i = self.below(self.strings.len() + 1, "a text reference is out of range");
        let s = self.strings.get(i.checked_sub(1)?)?;
        Some((*s).to_owned())
    }

    #[inline(never)]
    fn string(&mut self) -> String {
        let i = self.below(self.strings.len(), "a text reference is out of range");
        self.strings
            .get(i)
            .map_or_else(String::new, |s| (*s).to_owned())
    }

    #[inline(never)]
    fn strings(&mut self) -> Vec<String> {
        self.list(Self::string)
    }

    #[inline(never)]
    fn date(&mut self) -> Date {
        let days = self.int();
        Date::from_days(days).unwrap_or_else(|| {
            self.fail_with("a date is out of range");
            Date::EPOCH
        })
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        self.flag().then(|| f(self))
    }

    fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        (0..self.len()).map(|_| f(self)).collect()
    }

    fn map<V>(&mut self, mut f: impl FnMut(&mut Self) -> V) -> BTreeMap<String, V> {
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

    fn bundle(&mut self) -> Bundle {
        let hash = self.string();
        let paths_verified = self.uint();
        let entry = self.uint();
        let mut facts = BTreeMap::new();
        for _ in 0..self.len() {
            let decl = self.fact();
            if facts.insert(decl.id.clone(), decl).is_some() {
                self.fail_with("a fact is declared twice");
            }
        }
        let contacts = self.map(Self::contact);
        let contact_sources = self.map(Self::source);
        let pathways = self.list(Self::pathway);
        let hazards = self.list(Self::hazard);
        let entry = entry.checked_sub(1).map(|e| e as usize);
        if self.error.is_none()
            && let Some(reason) = inconsistent(&pathways, entry)
        {
            self.fail_with(reason);
        }
        Bundle {
            pathways,
            facts: crate::bundle::Decls::new(facts),
            contacts,
            contact_sources,
            hazards,
            entry,
            hash,
            paths_verified,
        }
    }

    fn hazard(&mut self) -> HazardDef {
        HazardDef {
            id: self.string(),
            hazard: self.string(),
            harmed: self.string(),
            severity: match self.tag(4) {
                0 => HazardSeverity::Catastrophic,
                1 => HazardSeverity::Major,
                2 => HazardSeverity::Moderate,
                _ => HazardSeverity::Minor,
            },
            cause: self.string(),
            finding: self.opt_string(),
            controls: self.strings(),
        }
    }

    fn fact(&mut self) -> FactDecl {
        FactDecl {
            id: self.string(),
            ty: match self.tag(4) {
                0 => FactType::Bool,
                1 => FactType::Choice,
                2 => FactType::Integer,
                _ => FactType::Date,
            },
            question: self.string(),
            help: self.opt_string(),
            options: self.list(|r| ChoiceOption {
                value: r.string(),
                label: r.string(),
                help: r.opt_string(),
                sets: BTreeMap::new(),
            }),
            min: self.opt(Self::int),
            max: self.opt(Self::int),
            labels: self.opt(|r| BoolLabels {
                yes: r.string(),
                no: r.string(),
            }),
            default: self.opt(Self::value),
            more: self.opt_string(),
            aliases: [self.opt_string(), self.opt_string()],
            settles: self.opt(|r| Settles {
                facts: r.strings(),
                values: r.list(|r| r.list(Self::value)),
            }),
            rewrites: self.list(|r| Rewrite {
                when: r.value(),
                fact: r.string(),
                from: r.value(),
                to: r.value(),
            }),
        }
    }

    fn value(&mut self) -> Value {
        match self.tag(4) {
            0 => Value::Bool(self.flag()),
            1 => Value::Int(self.int()),
            2 => Value::Choice(self.string()),
            _ => Value::Date(self.date()),
        }
    }

    fn contact(&mut self) -> Contact {
        Contact {
            name: self.string(),
            phone: self.opt_string(),
            hours: self.opt_string(),
            email: self.opt_string(),
            web: self.opt_string(),
            first_responder: self.tag(3).checked_sub(1).map(|b| b == 1),
            notes: self.opt_string(),
            source: self.string(),
            url: self.opt_string(),
            checked: self.opt_string(),
            verified: self.flag(),
            service_of: self.opt_string(),
        }
    }

    fn source(&mut self) -> Source {
        Source {
            title: self.string(),
            url: self.opt_string(),
            no_url: self.opt_string(),
            confidence: match self.tag(3) {
                0 => Confidence::H,
                1 => Confidence::M,
                _ => Confidence::L,
            },
            note: self.opt_string(),
        }
    }

    fn pathway(&mut self) -> Pathway {
        let meta = self.meta();
        let file = self.string();
        let sources = self.map(Self::source);
        let derived: Vec<Derived> = self
            .map(|r| r.expr())
            .into_iter()
            .map(|(id, rule)| Derived { id, rule })
            .collect();
        let actions = crate::bundle::Actions::new(self.map(Self::action));
        let nodes = self.len();
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        for _ in 0..nodes {
            let step = self.step(nodes);
            let id = step.id.clone();
            let node = graph.add_node(step);
            if index.insert(id, node).is_some() {
                self.fail_with("a step id is used twice");
            }
        }
        // The graph's edges, as the compiler adds them: by step, then in edge order. Every
        // target is below `nodes` (0 after an error, and there is a step 0 if there is an
        // edge).
        for from in graph.node_indices() {
            let targets: Vec<NodeIndex> = graph[from].edges.iter().map(|e| e.to).collect();
            for (j, to) in targets.into_iter().enumerate() {
                graph.add_edge(from, to, j);
            }
        }
        let start = NodeIndex::new(self.below(nodes, "the start step is out of range"));
        let must_ask = self.strings();
        let invariants = self.list(|r| Invariant {
            id: r.string(),
            description: r.string(),
            source: r.string(),
            rule: r.expr(),
        });
        if !derived_acyclic(&derived) {
            self.fail_with("a derived fact depends on itself");
        }
        Pathway {
            meta,
            file,
            sources,
            derived,
            actions,
            graph,
            start,
            index,
            must_ask,
            invariants,
        }
    }

    fn meta(&mut self) -> Meta {
        Meta {
            id: self.string(),
            title: self.string(),
            partnership: self.string(),
            version: self.string(),
            reviewed: self.date(),
            review_by: self.date(),
            jurisdiction: self.opt_string(),
            description: self.opt_string(),
            guidance: self.opt_string(),
            entry: self.flag(),
        }
    }

    fn action(&mut self) -> ActionEntry {
        let title = self.string();
        let instructions = self.string();
        let urgent = self.flag();
        let contact = self.opt_string();
        let form = self.opt(Self::form);
        let why = self.opt_string();
        let cites = self.strings();
        let mut when = Vec::new();
        let variants = self.list(|r| {
            let source = r.string();
            when.push(r.expr());
            ActionVariant {
                when: source,
                title: r.opt_string(),
                instructions: r.opt_string(),
                why: r.opt_string(),
                contact: r.opt_string(),
                form: r.opt(Self::form),
                cites: r.strings(),
            }
        });
        let named = self.list(Self::strings);
        ActionEntry {
            def: ActionDef {
                title,
                instructions,
                urgent,
                contact,
                form,
                why,
                variants,
                cites,
            },
            when,
            named,
        }
    }

    fn form(&mut self) -> Form {
        Form {
            name: self.string(),
            url: self.opt_string(),
        }
    }

    /// A step of a pathway with `nodes` steps.
    fn step(&mut self, nodes: usize) -> Step {
        let id = self.string();
        let kind = match self.tag(4) {
            0 => StepKind::Question {
                fact: self.string(),
                slot: Slot::Unlinked,
                note: self.opt_string(),
            },
            1 => StepKind::Action {
                actions: self.strings(),
                defs: Vec::new(),
                detail: self.opt(Self::template),
            },
            2 => StepKind::Outcome {
                title: self.string(),
                summary: self.string(),
                actions: self.strings(),
                defs: Vec::new(),
                next_steps: self.strings(),
                cites: self.strings(),
            },
            // Checked once every pathway is read.
            _ => StepKind::Handover {
                pathway: self.below(usize::MAX, "a pathway is out of range"),
                step: NodeIndex::new(self.below(u32::MAX as usize, "a step is out of range")),
                because: self.string(),
                cites: self.strings(),
            },
        };
        let edges = self.list(|r| Edge {
            when: r.opt(Self::expr),
            when_src: r.opt_string(),
            to: NodeIndex::new(r.below(nodes, "an edge leads to a step that does not exist")),
            because: r.opt_string(),
            cites: r.strings(),
        });
        Step { id, kind, edges }
    }

    fn template(&mut self) -> Template {
        Template(self.list(|r| match r.tag(4) {
            0 => Part::Text(r.string()),
            1 => Part::Fact(r.string(), Slot::Unlinked),
            2 => Part::Birthday(r.string(), Slot::Unlinked, r.i32()),
            _ => Part::DaysUntil(r.string(), Slot::Unlinked, r.i32()),
        }))
    }

    fn sub(&mut self) -> Box<Expr> {
        Box::new(self.expr())
    }

    fn expr(&mut self) -> Expr {
        let span = Span {
            start: self.uint() as usize,
            end: self.uint() as usize,
        };
        if self.depth == MAX_DEPTH {
            self.fail_with("a rule nests too deeply");
        }
        // After an error every tag reads 0, a leaf: the recursion ends there.
        self.depth += 1;
        let kind = match self.tag(13) {
            0 => ExprKind::Bool(self.flag()),
            1 => ExprKind::Int(self.int()),
            2 => ExprKind::Str(self.string()),
            3 => ExprKind::Fact(self.string(), Slot::Unlinked),
            4 => ExprKind::Today,
            5 => ExprKind::Not(self.sub()),
            6 => ExprKind::And(self.sub(), self.sub()),
            7 => ExprKind::Or(self.sub(), self.sub()),
            8 => ExprKind::Implies(self.sub(), self.sub()),
            9 => {
                let op = match self.tag(6) {
                    0 => CmpOp::Eq,
                    1 => CmpOp::Ne,
                    2 => CmpOp::Lt,
                    3 => CmpOp::Le,
                    4 => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                ExprKind::Cmp(op, self.sub(), self.sub())
            }
            10 => ExprKind::AgeOn(self.sub(), self.sub()),
            11 => ExprKind::DaysUntilBirthday(self.sub(), self.i32(), self.sub()),
            _ => ExprKind::Path(match self.tag(9) {
                0 => PathPred::Asked(self.string()),
                1 => PathPred::FirstAsked(self.string()),
                2 => PathPred::Did(self.string()),
                3 => PathPred::First(self.string()),
                4 => PathPred::KnownBefore(self.string(), self.string()),
                5 => PathPred::Before(self.string(), self.string()),
                6 => PathPred::Urgent(self.string()),
                7 => PathPred::Contacted(self.string()),
                _ => PathPred::OwnService,
            }),
        };
        self.depth -= 1;
        Expr { kind, span }
    }
}

/// What makes decoded pathways inconsistent, once every item read well: no pathway, an
/// entry or a hand-over out of range, or a cycle.
fn inconsistent(pathways: &[Pathway], entry: Option<usize>) -> Option<&'static str> {
    if pathways.is_empty() {
        return Some("the set holds no pathway");
    }
    if entry.is_some_and(|e| e >= pathways.len()) {
        return Some("the entry pathway is out of range");
    }
    for p in pathways {
        for step in p.graph.node_weights() {
            if let StepKind::Handover { pathway, step, .. } = &step.kind {
                let count = pathways.get(*pathway).map(|q| q.graph.node_count());
                if count.is_none_or(|n| step.index() >= n) {
                    return Some("a hand-over leads to a step that does not exist");
                }
            }
        }
    }
    (!acyclic(pathways)).then_some("the steps form a cycle")
}

/// The steps of every pathway, hand-overs included, form no cycle (Kahn's algorithm). Every
/// index was checked before.
fn acyclic(pathways: &[Pathway]) -> bool {
    let mut offsets = Vec::with_capacity(pathways.len());
    let mut total = 0;
    for p in pathways {
        offsets.push(total);
        total += p.graph.node_count();
    }
    let next = |p: usize, n: NodeIndex| {
        let step = &pathways[p].graph[n];
        let handover = match step.kind {
            StepKind::Handover { pathway, step, .. } => Some((pathway, step)),
            _ => None,
        };
        step.edges.iter().map(move |e| (p, e.to)).chain(handover)
    };
    let mut incoming = vec![0usize; total];
    let mut ready = Vec::new();
    for (p, pathway) in pathways.iter().enumerate() {
        for n in pathway.graph.node_indices() {
            ready.push((p, n));
            for (q, m) in next(p, n) {
                incoming[offsets[q] + m.index()] += 1;
            }
        }
    }
    ready.retain(|&(p, n)| incoming[offsets[p] + n.index()] == 0);
    let mut done = 0;
    while let Some((p, n)) = ready.pop() {
        done += 1;
        for (q, m) in next(p, n) {
            let k = &mut incoming[offsets[q] + m.index()];
            *k -= 1;
            if *k == 0 {
                ready.push((q, m));
            }
        }
    }
    done == total
}

/// No derived fact reads itself, directly or through other derived facts (evaluating it
/// would never end).
fn derived_acyclic(derived: &[Derived]) -> bool {
    let reads: Vec<(&str, Vec<String>)> = derived
        .iter()
        .map(|d| {
            let mut read = std::collections::BTreeSet::new();
            crate::rule::values_read(&d.rule, &mut read);
            let deps = read
                .into_iter()
                .filter(|f| derived.iter().any(|d| d.id == *f))
                .collect();
            (d.id.as_str(), deps)
        })
        .collect();
    // Settle, round by round, the derived facts whose dependencies are settled.
    let mut settled: Vec<&str> = Vec::new();
    loop {
        let before = settled.len();
        for (id, deps) in &reads {
            if !settled.contains(id) && deps.iter().all(|d| settled.contains(&d.as_str())) {
                settled.push(id);
            }
        }
        if settled.len() == reads.len() {
            return true;
        }
        if settled.len() == before {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::OnceLock;

    use super::*;
    use crate::evaluate::{Config, evaluate};
    use crate::render::{GraphFormat, evaluation_json, graph, outcome_text};
    use crate::value::Facts;
    use crate::verify::{covering_examples, path_signatures};

    /// The bundled set, loaded (compiled and verified) once.
    fn bundle() -> &'static Bundle {
        static BUNDLE: OnceLock<Bundle> = OnceLock::new();
        BUNDLE.get_or_init(|| crate::bundled().expect("the bundled set loads"))
    }

    fn snapshot() -> &'static [u8] {
        static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
        BYTES.get_or_init(|| bundle().snapshot())
    }

    /// The snapshot's payload (after marker, version, length and checksum).
    fn payload(bytes: &[u8]) -> &[u8] {
        let mut r = Reader::new(&bytes[MAGIC.len()..]);
        r.uint();
        r.uint();
        &r.bytes[r.pos + 8..]
    }

    /// Facts and dates that reach every step and edge of the bundled set.
    fn examples() -> &'static [(PathwayId, Facts, Date)] {
        static EXAMPLES: OnceLock<Vec<(PathwayId, Facts, Date)>> = OnceLock::new();
        EXAMPLES.get_or_init(|| {
            let b = bundle();
            covering_examples(b, crate::compile::reference_date(b))
                .into_iter()
                .map(|ex| (b.find(&ex.pathway).unwrap(), ex.facts, ex.today))
                .collect()
        })
    }

    use crate::bundle::PathwayId;

    #[test]
    fn a_snapshot_decodes_to_an_equal_bundle() {
        let b = bundle();
        let bytes = snapshot();
        let back = Bundle::from_snapshot(bytes).expect("the snapshot decodes");
        // Debug shows every field, the petgraph graphs (nodes, edges and weights) included.
        assert_eq!(format!("{back:#?}"), format!("{b:#?}"));
        assert_eq!(back.content_hash(), b.content_hash());
        assert_eq!(back.paths_verified(), b.paths_verified());
        // Writing it again gives the same bytes.
        assert_eq!(back.snapshot(), bytes);
    }

    #[test]
    fn a_decoded_bundle_walks_every_path_as_the_loaded_one() {
        let b = bundle();
        let back = Bundle::from_snapshot(snapshot()).expect("the snapshot decodes");
        let today = crate::compile::reference_date(b);
        // The same paths, step by step and answer class by answer class.
        assert_eq!(path_signatures(&back, today), path_signatures(b, today));
        let report = crate::verify::verify(&back, today);
        assert_eq!(report.paths, b.paths_verified());
        assert!(report.diagnostics.iter().all(|d| !d.is_error()));
        // The same evaluations, JSON and text on examples that reach every step and edge.
        assert!(!examples().is_empty());
        for (id, facts, today) in examples() {
            for use_defaults in [false, true] {
                let config = Config {
                    today: *today,
                    use_defaults,
                };
                let x = evaluate(b, *id, facts, &config);
                let y = evaluate(&back, *id, facts, &config);
                assert_eq!(x, y);
                assert_eq!(evaluation_json(b, &x), evaluation_json(&back, &y));
                assert_eq!(outcome_text(b, &x), outcome_text(&back, &y));
            }
        }
        for id in b.pathways() {
            for format in [GraphFormat::Svg, GraphFormat::Dot, GraphFormat::Mermaid] {
                assert_eq!(graph(b, id, format, None), graph(&back, id, format, None));
            }
        }
    }

    #[test]
    fn texts_shared_by_the_pathways_are_stored_once() {
        let b = bundle();
        let bytes = snapshot();
        let mut r = Reader::new(payload(bytes));
        let mut table = BTreeSet::new();
        for _ in 0..r.len() {
            let n = r.len();
            assert!(
                table.insert(&r.bytes[r.pos..r.pos + n]),
                "a text is stored twice"
            );
            r.pos += n;
        }
        // Action instructions that several pathways use are in the bytes once.
        let mut seen = BTreeSet::new();
        let mut shared = BTreeSet::new();
        for p in &b.pathways {
            for (_, a) in p.actions.iter() {
                if !seen.insert(&a.def.instructions) {
                    shared.insert(&a.def.instructions);
                }
            }
        }
        assert!(
            !shared.is_empty(),
            "the bundled pathways share no action text"
        );
        for t in &shared {
            let hits = bytes
                .windows(t.len())
                .filter(|w| *w == t.as_bytes())
                .count();
            assert_eq!(hits, 1, "`{t}` is stored {hits} times");
        }
        let json: usize = crate::bundled_files().iter().map(|f| f.text.len()).sum();
        assert!(
            bytes.len() < json / 2,
            "{} bytes for {json} of JSON",
            bytes.len()
        );
    }

    #[test]
    fn other_bytes_are_refused_with_a_reason() {
        let bytes = snapshot();
        assert_eq!(
            Bundle::from_snapshot(b"{\"format\": \"pathway/v1\"}").err(),
            Some(SnapshotError::NotASnapshot)
        );
        let mut other = bytes.to_vec();
        other[MAGIC.len()] = 9;
        let err = Bundle::from_snapshot(&other).err();
        assert_eq!(
            err,
            Some(SnapshotError::Version {
                found: 9,
                supported: SNAPSHOT_VERSION
            })
        );
        assert!(err.unwrap().to_string().contains("version 9"));
        let mut damaged = bytes.to_vec();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert_eq!(
            Bundle::from_snapshot(&damaged).err(),
            Some(SnapshotError::Checksum)
        );
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(matches!(
            Bundle::from_snapshot(&longer),
            Err(SnapshotError::Invalid { .. })
        ));
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = snapshot();
        for n in 0..bytes.len() {
            assert!(Bundle::from_snapshot(&bytes[..n]).is_err(), "cut at {n}");
        }
        assert_eq!(
            Bundle::from_snapshot(&bytes[..bytes.len() - 1]).err(),
            Some(SnapshotError::Truncated)
        );
    }

    #[test]
    fn cut_content_is_refused_behind_a_valid_checksum() {
        // The decoder's own checks, past the length and checksum: every cut of the last
        // kilobyte (the graphs and rules) and a cut every 61 bytes before it (the texts).
        let body = payload(snapshot());
        let cuts = (0..body.len())
            .filter(|n| *n % 61 == 0 || *n + 1024 > body.len())
            .collect::<Vec<_>>();
        for n in cuts {
            assert!(decode(&body[..n]).is_err(), "content cut at {n}");
        }
        let mut huge = Vec::new();
        put_uint(&mut huge, u64::MAX);
        assert_eq!(
            Bundle::from_snapshot(&seal(&huge)).err(),
            Some(SnapshotError::Truncated)
        );
    }

    /// Evaluates and renders a decoded set on facts that reach every step of the bundled
    /// one: none of it may panic.
    fn walk_everything(b: &Bundle) {
        for id in b.pathways() {
            let _ = graph(b, id, GraphFormat::Svg, None);
        }
        for (id, facts, today) in examples() {
            if id.0 < b.pathways.len() {
                let e = evaluate(b, *id, facts, &Config::new(*today));
                let _ = evaluation_json(b, &e);
                let _ = outcome_text(b, &e);
                let _ = graph(b, *id, GraphFormat::Svg, Some(&e.trail));
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// A damaged snapshot is refused (by its checksum), never decoded into another set.
        #[test]
        fn damaged_snapshots_are_refused(at in 0usize..usize::MAX, by in 1u8..=255) {
            let mut damaged = snapshot().to_vec();
            let i = at % damaged.len();
            damaged[i] ^= by;
            proptest::prop_assert!(Bundle::from_snapshot(&damaged).is_err());
        }

        /// Changes behind a valid checksum reach the decoder's own checks: it refuses them
        /// or decodes a set that walks and renders without panicking. It never panics.
        #[test]
        fn changed_content_never_panics(
            edits in proptest::collection::vec((0usize..usize::MAX, 0u8..=255), 1..4),
        ) {
            let mut body = payload(snapshot()).to_vec();
            for (at, to) in edits {
                // Half of the changes hit the last kilobyte: the graphs and rules.
                let i = if at % 2 == 0 {
                    at % body.len()
                } else {
                    body.len() - 1 - at % 1024.min(body.len())
                };
                body[i] = to;
            }
            if let Ok(b) = Bundle::from_snapshot(&seal(&body)) {
                walk_everything(&b);
            }
        }
    }
}
