//! Deliberately broken copies of the shipped pathways: loading refuses each with the broken
//! invariant and a counterexample, and the counterexample, replayed both through the library
//! and through the real `pathway decide` binary, shows the violation when read by
//! [`Replay::violates`], a restatement of every invariant in plain Rust that does not use the
//! rule language. Every invariant and must-ask rule of the shipped files has such a copy.
//! The hazard fixtures (`fixtures/hazards/`, tested in `hazards.rs`) use the same patches.
//!
//! # The patch format
//!
//! A broken copy (`fixtures/invalid/shipped/*.json`) is a patch of the shipped set:
//!
//! ```json
//! {
//!   "description": "what the copy gets wrong",
//!   "breaks": "invariant id (or must_ask)",
//!   "edits": [
//!     {"file": "adult.json", "step": "a_dtn", "set": {"do": ["nrm_referral"]}},
//!     {"file": "adult.json", "step": "a_not_yet", "remove": true},
//!     {"file": "adult.json", "action": "police_report", "set": {"variants": null}},
//!     {"file": "entry.json", "derived": "age_disputed", "set": {"rule": "..."}},
//!     {"file": "child.json", "add": [{"kind": "question", "id": "c_new", "...": "..."}]}
//!   ]
//! }
//! ```
//!
//! Each edit names a `file` of the set and at most one element of it: a `step`, an `action`
//! (by code), a `derived` fact or a `fact` (by id). `set` replaces the element's fields (a
//! `null` removes the field), `"remove": true` removes the element, and `add` appends steps to
//! the file. Edits apply in order. A patch with a single edit may give the edit's fields at the
//! top level instead of `edits` (`{"file", "step", "set", "add", "breaks"}`). A hazard fixture
//! (`fixtures/hazards/*.json`) gives `"hazard": "H-R<n>"` instead of `breaks`. No patch may
//! change an invariant, a must-ask list or the hazard log: a copy must break the content, not
//! the rule that checks it. Unknown fields are refused, so a misspelt edit cannot pass
//! silently.
//!
//! Also the shipped content itself: no phone number is written into a pathway text (numbers
//! live in `contacts.json` and reach texts through `{{contact(id)}}`), and contact notes hold
//! no number a worker could dial by mistake.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::ops::{BitAnd, BitOr, Not};
use std::path::{Path, PathBuf};

use pathway::{
    Bundle, Config, Counterexample, Date, Evaluation, Facts, LoadOptions, SourceFile, State,
    bundled, bundled_files, covering_examples, evaluate, verify,
};
use pathway_tests::{pathway, root};
use serde_json::Value as Json;

/// One edit of a patch (see the module documentation).
#[derive(Debug)]
pub(crate) struct Edit {
    file: String,
    /// The array (`steps`, `derived`, `facts`) or map (`actions`) of the file, and the id.
    target: Option<(&'static str, String)>,
    set: serde_json::Map<String, Json>,
    remove: bool,
    add: Vec<Json>,
}

/// A broken copy or hazard fixture.
#[derive(Debug)]
pub(crate) struct Patch {
    pub(crate) name: String,
    pub(crate) edits: Vec<Edit>,
    /// The invariant a broken copy breaks.
    pub(crate) breaks: Option<String>,
    /// The hazard a hazard fixture leaves uncontrolled.
    pub(crate) hazard: Option<String>,
}

const EDIT_FIELDS: [&str; 8] = [
    "file", "step", "action", "derived", "fact", "set", "remove", "add",
];

fn edit(name: &str, json: &serde_json::Map<String, Json>) -> Edit {
    let text = |k: &str| json.get(k).map(|v| v.as_str().unwrap().to_owned());
    let targets: Vec<(&'static str, String)> = [
        ("step", "steps"),
        ("action", "actions"),
        ("derived", "derived"),
        ("fact", "facts"),
    ]
    .into_iter()
    .filter_map(|(key, within)| text(key).map(|id| (within, id)))
    .collect();
    assert!(
        targets.len() <= 1,
        "{name}: an edit names one element: {json:?}"
    );
    let e = Edit {
        file: text("file").unwrap_or_else(|| panic!("{name}: an edit without `file`")),
        target: targets.into_iter().next(),
        set: json
            .get("set")
            .map(|s| s.as_object().unwrap().clone())
            .unwrap_or_default(),
        remove: json.get("remove").is_some_and(|r| r.as_bool().unwrap()),
        add: json
            .get("add")
            .map(|a| a.as_array().unwrap().clone())
            .unwrap_or_default(),
    };
    assert!(
        (e.target.is_some() && (e.remove || !e.set.is_empty())) || !e.add.is_empty(),
        "{name}: an edit that changes nothing: {json:?}"
    );
    assert!(
        !e.remove || e.set.is_empty(),
        "{name}: an edit both removes and sets: {json:?}"
    );
    e
}

/// Reads a patch file (see the module documentation).
pub(crate) fn read_patch(path: &Path) -> Patch {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let json: Json = serde_json::from_str(&fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let json = json.as_object().unwrap();
    for key in json.keys() {
        assert!(
            ["description", "breaks", "hazard", "edits"].contains(&key.as_str())
                || EDIT_FIELDS.contains(&key.as_str()),
            "{name}: unknown field `{key}`"
        );
    }
    assert!(
        json.get("description").is_some_and(Json::is_string),
        "{name}: no description"
    );
    let edits = match json.get("edits") {
        Some(edits) => {
            assert!(
                !json.keys().any(|k| EDIT_FIELDS.contains(&k.as_str())),
                "{name}: give `edits` or one edit at the top level, not both"
            );
            edits
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let e = e.as_object().unwrap();
                    for key in e.keys() {
                        assert!(
                            EDIT_FIELDS.contains(&key.as_str()),
                            "{name}: unknown field `{key}` in an edit"
                        );
                    }
                    edit(&name, e)
                })
                .collect()
        }
        None => vec![edit(&name, json)],
    };
    assert!(!edits.is_empty(), "{name}: no edits");
    let text = |k: &str| json.get(k).map(|v| v.as_str().unwrap().to_owned());
    Patch {
        name,
        edits,
        breaks: text("breaks"),
        hazard: text("hazard"),
    }
}

/// The patches of a fixture folder, by file name.
pub(crate) fn patches_in(dir: &str) -> Vec<Patch> {
    let mut paths: Vec<_> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() == Some(OsStr::new("json")))
        .collect();
    paths.sort();
    paths.iter().map(|p| read_patch(p)).collect()
}

fn patches() -> Vec<Patch> {
    patches_in("fixtures/invalid/shipped")
}

fn apply(patch: &Patch, e: &Edit, json: &mut Json) {
    let name = &patch.name;
    if let Some((within, id)) = &e.target {
        let element = if *within == "actions" {
            let actions = json["actions"].as_object_mut().unwrap();
            if e.remove {
                actions
                    .remove(id)
                    .unwrap_or_else(|| panic!("{name}: no action `{id}` in {}", e.file));
                None
            } else {
                actions.get_mut(id)
            }
        } else {
            let items = json[*within]
                .as_array_mut()
                .unwrap_or_else(|| panic!("{name}: no `{within}` in {}", e.file));
            let at = items
                .iter()
                .position(|s| s["id"] == id.as_str())
                .unwrap_or_else(|| panic!("{name}: no `{id}` in the {within} of {}", e.file));
            if e.remove {
                items.remove(at);
                None
            } else {
                items.get_mut(at)
            }
        };
        if !e.remove {
            let element = element
                .unwrap_or_else(|| panic!("{name}: no `{id}` in the {within} of {}", e.file))
                .as_object_mut()
                .unwrap();
            for (k, v) in &e.set {
                if v.is_null() {
                    element.remove(k);
                } else {
                    element.insert(k.clone(), v.clone());
                }
            }
        }
    }
    if !e.add.is_empty() {
        json["steps"]
            .as_array_mut()
            .unwrap_or_else(|| panic!("{name}: {} has no steps to add to", e.file))
            .extend(e.add.iter().cloned());
    }
}

/// The bundled files with the patch applied.
pub(crate) fn patched(patch: &Patch) -> Vec<(String, String)> {
    let names: Vec<&str> = bundled_files().iter().map(|f| f.name).collect();
    for e in &patch.edits {
        assert!(
            names.contains(&e.file.as_str()),
            "{}: no file `{}` in the set {names:?}",
            patch.name,
            e.file
        );
    }
    bundled_files()
        .iter()
        .map(|f| {
            let edits: Vec<&Edit> = patch.edits.iter().filter(|e| e.file == f.name).collect();
            if edits.is_empty() {
                return (f.name.to_owned(), f.text.to_owned());
            }
            let shipped: Json = serde_json::from_str(f.text).unwrap();
            let mut json = shipped.clone();
            for e in edits {
                apply(patch, e, &mut json);
            }
            // The rules that check the content stay as shipped.
            for key in ["invariants", "must_ask", "hazards"] {
                assert_eq!(
                    json.get(key),
                    shipped.get(key),
                    "{}: a patch may not change `{key}` of {}",
                    patch.name,
                    f.name
                );
            }
            (
                f.name.to_owned(),
                serde_json::to_string_pretty(&json).unwrap(),
            )
        })
        .collect()
}

pub(crate) fn sources(files: &[(String, String)]) -> Vec<SourceFile<'_>> {
    files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect()
}

/// The files written to a fresh folder, for `decide --pathways` and `check`.
pub(crate) fn write_set(name: &str, files: &[(String, String)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("pathway-invariants-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        fs::write(dir.join(file), text).unwrap();
    }
    dir
}

/// The date loading verifies on: the newest `reviewed` date of the set.
pub(crate) fn reference_date(bundle: &Bundle) -> Date {
    bundle
        .pathways()
        .map(|p| bundle.meta(p).reviewed)
        .max()
        .unwrap()
}

/// The files of a (patched) set, read as JSON: what the steps of a replayed walk did, what an
/// answer settles, and whose service a contact is.
pub(crate) struct Set {
    files: Vec<Json>,
}

impl Set {
    pub(crate) fn of(files: &[(String, String)]) -> Self {
        Self {
            files: files
                .iter()
                .map(|(_, t)| serde_json::from_str(t).unwrap())
                .collect(),
        }
    }

    fn step(&self, pathway: &str, step: &str) -> Option<&Json> {
        self.files
            .iter()
            .filter(|f| f["id"] == pathway)
            .flat_map(|f| f["steps"].as_array().into_iter().flatten())
            .find(|s| s["id"] == step)
    }

    /// The codes a step adds.
    fn does(&self, pathway: &str, step: &str) -> Vec<&str> {
        self.step(pathway, step)
            .and_then(|s| s["do"].as_array())
            .into_iter()
            .flatten()
            .map(|c| c.as_str().unwrap())
            .collect()
    }

    /// The fact a question step asks.
    fn asks(&self, pathway: &str, step: &str) -> Option<&str> {
        self.step(pathway, step)
            .filter(|s| s["kind"] == "question")
            .and_then(|s| s["fact"].as_str())
    }

    /// The declaration of a fact (the first file that declares it).
    fn fact(&self, id: &str) -> Option<&Json> {
        self.files
            .iter()
            .flat_map(|f| f["facts"].as_array().into_iter().flatten())
            .find(|d| d["id"] == id)
    }

    /// The facts an answer settles, with their values (the organisation a worker works for
    /// settles whether it is a First Responder and a public authority).
    fn settled_by(&self, fact: &str, value: &Json) -> Vec<(&str, &Json)> {
        self.fact(fact)
            .and_then(|d| d["options"].as_array())
            .into_iter()
            .flatten()
            .filter(|o| o["value"] == *value)
            .flat_map(|o| o["sets"].as_object().into_iter().flatten())
            .map(|(f, v)| (f.as_str(), v))
            .collect()
    }

    /// Every fact some answer of `fact` settles.
    fn settles(&self, fact: &str) -> BTreeSet<&str> {
        self.fact(fact)
            .and_then(|d| d["options"].as_array())
            .into_iter()
            .flatten()
            .flat_map(|o| o["sets"].as_object().into_iter().flatten())
            .map(|(f, _)| f.as_str())
            .collect()
    }

    /// The contacts (id, name) of an organisation's own service.
    fn own_contacts(&self, organisation: &str) -> Vec<(&str, &str)> {
        self.files
            .iter()
            .filter(|f| f["format"] == "contacts/v1")
            .flat_map(|f| f["contacts"].as_object().into_iter().flatten())
            .filter(|(_, c)| c["service_of"] == organisation)
            .map(|(id, c)| (id.as_str(), c["name"].as_str().unwrap()))
            .collect()
    }
}

/// What a replayed walk shows, read either from the library's [`Evaluation`] or from the JSON
/// that `pathway decide` prints: the pathway it ended in, each action as the worker reads it,
/// and each visit with the answer read there; with the record given and the date.
#[derive(Debug, PartialEq)]
pub(crate) struct Replay {
    today: String,
    given: BTreeMap<String, Json>,
    ended_in: String,
    actions: Vec<Act>,
    visits: Vec<Seen>,
}

/// One action of a replayed outcome: its code, whether it is urgent, its contact and its
/// texts (title, instructions, detail and reason).
#[derive(Debug, PartialEq)]
struct Act {
    code: String,
    urgent: bool,
    contact: Option<String>,
    text: String,
}

/// One visit of a replayed walk: pathway, step, and the fact and value read there.
type Seen = (String, String, Option<(String, Json)>);

fn record(facts: &Facts) -> BTreeMap<String, Json> {
    facts
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_json()))
        .collect()
}

impl Replay {
    pub(crate) fn of(evaluation: &Evaluation, facts: &Facts, today: Date) -> Self {
        let State::Finished(outcome) = &evaluation.state else {
            panic!("the counterexample does not finish: {:?}", evaluation.state)
        };
        Self {
            today: today.to_string(),
            given: record(facts),
            ended_in: outcome.pathway.to_owned(),
            actions: outcome
                .actions
                .iter()
                .map(|a| Act {
                    code: a.code.to_owned(),
                    urgent: a.urgent,
                    contact: a.contact.as_ref().map(|c| c.id.to_owned()),
                    text: [
                        a.title,
                        a.instructions,
                        a.detail.as_deref().unwrap_or_default(),
                        a.reason.unwrap_or_default(),
                    ]
                    .join("\n"),
                })
                .collect(),
            visits: evaluation
                .trail
                .iter()
                .map(|v| {
                    let answer = v
                        .answer
                        .as_ref()
                        .map(|a| (a.fact.to_owned(), a.value.to_json()));
                    (v.pathway.to_owned(), v.step.to_owned(), answer)
                })
                .collect(),
        }
    }

    pub(crate) fn printed(json: &Json, facts: &Facts, today: Date) -> Self {
        assert_eq!(json["status"], "finished", "{json}");
        let text = |v: &Json| v.as_str().unwrap_or_default().to_owned();
        Self {
            today: today.to_string(),
            given: record(facts),
            ended_in: text(&json["outcome"]["pathway"]),
            actions: json["outcome"]["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| Act {
                    code: text(&a["code"]),
                    urgent: a["urgent"].as_bool().unwrap(),
                    contact: a.get("contact").map(|c| text(&c["id"])),
                    text: [&a["title"], &a["instructions"], &a["detail"], &a["reason"]]
                        .map(text)
                        .join("\n"),
                })
                .collect(),
            visits: json["trail"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    let answer = v
                        .get("answer")
                        .map(|a| (text(&a["fact"]), a["value"].clone()));
                    (text(&v["pathway"]), text(&v["step"]), answer)
                })
                .collect(),
        }
    }

    pub(crate) fn path(&self) -> Vec<String> {
        self.visits
            .iter()
            .map(|(p, s, _)| format!("{p}#{s}"))
            .collect()
    }

    pub(crate) fn codes(&self) -> Vec<String> {
        self.actions.iter().map(|a| a.code.clone()).collect()
    }

    /// Whether the replay shows the violation that the invariant (or `must_ask`) forbids: the
    /// invariant restated in plain Rust over what the walk shows, read with the steps and
    /// declarations of the (patched) set. As in verification, a fact the walk never asked is
    /// unknown, and an invariant that an unknown fact leaves undecided is violated.
    pub(crate) fn violates(&self, invariant: &str, set: &Set) -> bool {
        let walk = Walk {
            replay: self,
            set,
            upto: self.visits.len(),
        };
        walk.holds(invariant) != K::YES
    }
}

/// Three-valued (Kleene) logic: `None` is unknown, because the walk never asked a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct K(Option<bool>);

impl K {
    const YES: Self = Self(Some(true));

    /// `self -> then`.
    fn then(self, then: impl Into<K>) -> Self {
        !self | then.into()
    }
}

impl From<bool> for K {
    fn from(b: bool) -> Self {
        Self(Some(b))
    }
}

impl BitAnd for K {
    type Output = Self;
    fn bitand(self, other: Self) -> Self {
        match (self.0, other.0) {
            (Some(false), _) | (_, Some(false)) => Self(Some(false)),
            (Some(true), Some(true)) => Self(Some(true)),
            _ => Self(None),
        }
    }
}

impl BitAnd<bool> for K {
    type Output = Self;
    fn bitand(self, other: bool) -> Self {
        self & K::from(other)
    }
}

impl BitOr for K {
    type Output = Self;
    fn bitor(self, other: Self) -> Self {
        match (self.0, other.0) {
            (Some(true), _) | (_, Some(true)) => Self(Some(true)),
            (Some(false), Some(false)) => Self(Some(false)),
            _ => Self(None),
        }
    }
}

impl BitOr<bool> for K {
    type Output = Self;
    fn bitor(self, other: bool) -> Self {
        self | K::from(other)
    }
}

impl Not for K {
    type Output = Self;
    fn not(self) -> Self {
        Self(self.0.map(|b| !b))
    }
}

/// Whole years from `born` to `on` (both `YYYY-MM-DD`): a birthday is reached on its date, and
/// one on 29 February on 1 March in a common year.
fn years_between(born: &str, on: &str) -> i64 {
    let parts = |d: &str| -> (i64, u32, u32) {
        let p: Vec<&str> = d.split('-').collect();
        (
            p[0].parse().unwrap(),
            p[1].parse().unwrap(),
            p[2].parse().unwrap(),
        )
    };
    let ((by, bm, bd), (ty, tm, td)) = (parts(born), parts(on));
    let leap = ty % 4 == 0 && (ty % 100 != 0 || ty % 400 == 0);
    let birthday = if (bm, bd) == (2, 29) && !leap {
        (3, 1)
    } else {
        (bm, bd)
    };
    ty - by - i64::from((tm, td) < birthday)
}

/// A replayed walk, or the part of it before visit `upto`, read with its set.
struct Walk<'a> {
    replay: &'a Replay,
    set: &'a Set,
    upto: usize,
}

impl Walk<'_> {
    fn visits(&self) -> &[Seen] {
        &self.replay.visits[..self.upto]
    }

    /// The walk before visit `k`.
    fn before(&self, k: usize) -> Self {
        Walk {
            replay: self.replay,
            set: self.set,
            upto: k.min(self.upto),
        }
    }

    /// The value of a fact known on the walk: read at a question, settled by an answer read
    /// at a question, or given by the record when a question was passed because the record
    /// gave the facts its answer settles.
    fn value(&self, fact: &str) -> Option<Json> {
        let visits = self.visits();
        if let Some(v) = visits
            .iter()
            .find_map(|(_, _, a)| a.as_ref().filter(|(f, _)| f == fact).map(|(_, v)| v))
        {
            return Some(v.clone());
        }
        for (p, s, a) in visits {
            match a {
                Some((f, v)) => {
                    if let Some((_, settled)) = self
                        .set
                        .settled_by(f, v)
                        .into_iter()
                        .find(|(g, _)| *g == fact)
                    {
                        return Some(settled.clone());
                    }
                }
                None => {
                    let passed = self.set.asks(p, s);
                    if passed.is_some_and(|q| self.set.settles(q).contains(fact)) {
                        return self.replay.given.get(fact).cloned();
                    }
                }
            }
        }
        None
    }

    fn asked(&self, fact: &str) -> bool {
        self.value(fact).is_some()
    }

    /// The visit at which a fact was read.
    fn asked_at(&self, fact: &str) -> Option<usize> {
        self.visits()
            .iter()
            .position(|(_, _, a)| a.as_ref().is_some_and(|(f, _)| f == fact))
    }

    fn is(&self, fact: &str, value: &str) -> K {
        K(self.value(fact).map(|v| v == value))
    }

    fn yes(&self, fact: &str) -> K {
        K(self.value(fact).map(|v| v == true))
    }

    /// Known and true (`asked(f) && f` of the invariants).
    fn asked_yes(&self, fact: &str) -> K {
        K::from(self.asked(fact)) & self.yes(fact)
    }

    fn asked_is(&self, fact: &str, value: &str) -> K {
        K::from(self.asked(fact)) & self.is(fact, value)
    }

    fn did(&self, code: &str) -> bool {
        self.replay.actions.iter().any(|a| a.code == code)
    }

    fn urgent(&self, code: &str) -> bool {
        self.replay
            .actions
            .iter()
            .any(|a| a.code == code && a.urgent)
    }

    fn position(&self, code: &str) -> Option<usize> {
        self.replay.actions.iter().position(|a| a.code == code)
    }

    /// The visit whose step first added the code.
    fn added_at(&self, code: &str) -> Option<usize> {
        self.replay
            .visits
            .iter()
            .position(|(p, s, _)| self.set.does(p, s).contains(&code))
    }

    /// Whether `known` is known on the walk before the code was first added (true when it
    /// never was).
    fn known_before(&self, code: &str, known: impl Fn(&Self) -> bool) -> bool {
        self.added_at(code).is_none_or(|k| known(&self.before(k)))
    }

    /// Whether the age given is in `lo..=hi` years: from the date of birth or the stated age,
    /// whichever the worker said they know; false when the age is not known.
    fn age_in(&self, lo: i64, hi: i64) -> K {
        let within = |v: Option<Json>, years: &dyn Fn(&Json) -> i64| {
            K(v.map(|v| (lo..=hi).contains(&years(&v))))
        };
        match self.value("age_basis").as_ref().and_then(Json::as_str) {
            None => K(None),
            Some("date_of_birth") => within(self.value("date_of_birth"), &|d| {
                years_between(d.as_str().unwrap(), &self.replay.today)
            }),
            Some("stated_age") => within(self.value("age"), &|a| a.as_i64().unwrap()),
            Some(_) => K::from(false),
        }
    }

    /// No age under 18 was given, but they may be under 18.
    fn age_disputed(&self) -> K {
        (self.age_in(18, 24) | self.is("age_basis", "unknown")) & self.yes("may_be_under_18")
    }

    /// Under 18 by the age given, or they may be under 18: presumed a child.
    fn child(&self) -> K {
        self.age_in(0, 17) | self.age_disputed()
    }

    /// The worker's organisation is a First Responder / a public authority.
    fn first_responder(&self) -> K {
        self.yes("reporter_is_first_responder")
    }

    fn public_authority(&self) -> K {
        self.yes("reporter_is_public_authority")
    }

    /// An action, as worded for the worker, names a contact of the worker's own service.
    fn own_service(&self) -> bool {
        let Some(organisation) = self.value("reporter_organisation") else {
            return false;
        };
        let own = self.set.own_contacts(organisation.as_str().unwrap());
        self.replay.actions.iter().any(|a| {
            own.iter()
                .any(|(id, name)| a.contact.as_deref() == Some(*id) || a.text.contains(name))
        })
    }

    /// Whether the invariant holds on the walk (unknown when a fact it needs was not asked).
    fn holds(&self, invariant: &str) -> K {
        let child = self.child();
        let adult = !child;
        let signs = self.is("suspected_modern_slavery", "yes");
        let consent_asked = self.asked("consent_to_nrm");
        let did = |code: &str| self.did(code);
        match invariant {
            "danger_first" => self
                .yes("immediate_danger")
                .then(self.position("call_999") == Some(0)),
            "danger_asked_first" => {
                let first = self.visits().iter().find_map(|(_, _, a)| a.as_ref());
                K::from(first.is_some_and(|(f, _)| f == "immediate_danger"))
            }
            "urgent_at_once" => {
                // 999 before the safe-place question is asked; somewhere safe tonight before
                // the next question.
                let due_before = |code: &str, next: &str| {
                    self.added_at(code)
                        .is_some_and(|k| self.asked_at(next).is_none_or(|q| q > k))
                };
                self.yes("immediate_danger")
                    .then(due_before("call_999", "needs_safe_place_tonight"))
                    & self
                        .asked_yes("needs_safe_place_tonight")
                        .then(due_before("arrange_safe_accommodation", "language_barrier"))
            }
            "safe_place_tonight" => {
                let order = match (
                    self.position("call_999"),
                    self.position("arrange_safe_accommodation"),
                ) {
                    (Some(call), Some(place)) => call < place,
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                self.asked_yes("needs_safe_place_tonight")
                    .then(self.urgent("arrange_safe_accommodation") && order)
            }
            "interpreter_when_needed" => {
                let before_consent = self
                    .added_at("arrange_independent_interpreter")
                    .is_some_and(|k| self.asked_at("consent_to_nrm").is_none_or(|q| q > k));
                (self.asked_yes("language_barrier") | self.asked_yes("someone_speaks_for_them"))
                    .then(before_consent)
            }
            "young_adult_asked" => {
                let asked_first = [
                    "nrm_referral",
                    "contact_first_responder",
                    "duty_to_notify",
                    "adult_safeguarding_referral",
                ]
                .iter()
                .all(|code| self.known_before(code, |w| w.asked("may_be_under_18")));
                self.age_in(18, 24)
                    .then(self.asked("may_be_under_18") && asked_first)
            }
            "may_be_child_route" => self
                .asked_yes("may_be_under_18")
                .then(child & (did("age_assessment") && did("treat_as_child"))),
            "child_no_consent" => child.then(!consent_asked),
            "child_referred" => (child & signs).then(
                did("childrens_services_referral")
                    && (did("nrm_referral") || did("contact_first_responder"))
                    && !did("duty_to_notify"),
            ),
            "child_never_dtn" => child.then(!did("duty_to_notify")),
            "child_kept_safe" => {
                (child & signs).then(did("keep_child_safe") && did("childrens_services_referral"))
            }
            "seventeen_urgent" => (child & signs & (self.age_in(17, 17) | self.age_disputed()))
                .then(self.urgent("refer_before_18th_birthday")),
            "adult_nrm_needs_consent" => (adult & did("nrm_referral")).then(
                self.is("consent_to_nrm", "given")
                    | (self.is("has_capacity_to_consent", "no") & did("best_interests_decision")),
            ),
            "adult_declined" => (adult & self.asked_is("consent_to_nrm", "declined")).then(
                K::from(!did("nrm_referral")) & self.public_authority().then(did("duty_to_notify")),
            ),
            "route_into_system" => {
                let charity = self.is("consent_to_nrm", "declined")
                    & !self.public_authority()
                    & (did("helpline_advice") && did("offer_support_information"));
                let undecided = self.is("consent_to_nrm", "not_yet")
                    | self.is("has_capacity_to_consent", "in_doubt");
                signs.then(
                    K::from(
                        did("nrm_referral")
                            || did("contact_first_responder")
                            || did("duty_to_notify"),
                    ) | (adult & self.first_responder() & (charity | undecided)),
                )
            }
            "adult_safeguarding" => (adult
                & (self.asked_yes("care_and_support_needs")
                    | self.asked_is("has_capacity_to_consent", "no")))
            .then(did("adult_safeguarding_referral")),
            "adult_needs_asked" => (adult & signs).then(
                self.asked("care_and_support_needs") && self.asked("has_capacity_to_consent"),
            ),
            "capacity_doubt_assessed" => {
                (adult & self.asked_is("has_capacity_to_consent", "in_doubt")).then(
                    did("assess_mental_capacity")
                        && !consent_asked
                        && !did("duty_to_notify")
                        && !did("nrm_referral"),
                )
            }
            "lacking_capacity" => (adult & self.asked_is("has_capacity_to_consent", "no")).then(
                K::from(
                    did("best_interests_decision")
                        && did("adult_safeguarding_referral")
                        && !consent_asked,
                ) & self.public_authority().then(did("duty_to_notify")),
            ),
            "police_every_case" => signs.then(did("police_report")),
            "unsure_gets_advice" => self
                .is("suspected_modern_slavery", "unsure")
                .then(did("helpline_advice") && !did("no_referral_indicated")),
            "not_yet_defers" => self
                .asked_is("consent_to_nrm", "not_yet")
                .then(!did("duty_to_notify") && !did("nrm_referral")),
            "identity_protected" => (adult & consent_asked & !self.is("consent_to_nrm", "given"))
                .then(did("share_without_identifying_details")),
            "no_own_service" => K::from(!self.own_service()),
            "age_route_first" => K::from(
                [
                    "nrm_referral",
                    "contact_first_responder",
                    "duty_to_notify",
                    "childrens_services_referral",
                    "adult_safeguarding_referral",
                ]
                .iter()
                .all(|code| self.known_before(code, |w| w.child().0.is_some())),
            ),
            "must_ask" => K::from(
                ["immediate_danger", "needs_safe_place_tonight", "age_basis"]
                    .iter()
                    .all(|f| self.asked(f)),
            ),
            other => panic!("no replay check for `{other}`: add one to `Walk::holds`"),
        }
    }
}

/// `pathway decide <start> --pathways <dir> --unproven --today <today>` on one record.
pub(crate) fn decide_unproven(dir: &Path, start: &str, today: &str, facts: &Facts) -> Json {
    let record = record(facts);
    let mut args: Vec<&OsStr> = vec!["decide".as_ref(), start.as_ref(), "--pathways".as_ref()];
    args.push(dir.as_os_str());
    args.extend(
        [
            "--unproven",
            "--today",
            today,
            "--format",
            "json",
            "--facts",
            "-",
        ]
        .map(OsStr::new),
    );
    let o = pathway(&args, &serde_json::to_string(&record).unwrap());
    assert_eq!(o.code, 0, "decide --unproven failed: {}", o.stderr);
    assert!(
        o.stderr.contains("never use this for a real case"),
        "no warning: {}",
        o.stderr
    );
    serde_json::from_str(&o.stdout).unwrap()
}

/// Replays a counterexample of the (patched) set through the library and through `pathway
/// decide --unproven` on the files in `dir`, and checks that both show the violation of
/// `invariant`.
pub(crate) fn replay_shows_violation(
    name: &str,
    bundle: &Bundle,
    set: &Set,
    dir: &Path,
    invariant: &str,
    example: &Counterexample,
) {
    let start = bundle.find(&example.pathway).unwrap();
    let evaluation = evaluate(bundle, start, &example.facts, &Config::new(example.today));
    let replay = Replay::of(&evaluation, &example.facts, example.today);
    assert_eq!(replay.path(), example.path, "{name}");
    assert_eq!(replay.codes(), example.codes, "{name}");
    assert!(
        replay.violates(invariant, set),
        "{name}: the library replay of {:?} does not show the violation of `{invariant}`: {:?}",
        example.facts,
        replay.codes()
    );

    // The same counterexample through the real binary, on the patched files.
    let printed = decide_unproven(
        dir,
        &example.pathway,
        &example.today.to_string(),
        &example.facts,
    );
    let shown = Replay::printed(&printed, &example.facts, example.today);
    assert_eq!(shown, replay, "{name}: decide differs from the library");
    assert!(
        shown.violates(invariant, set),
        "{name}: `pathway decide` does not show the violation of `{invariant}`: {printed}"
    );
}

#[test]
fn each_broken_copy_is_refused_and_its_counterexample_replays_through_decide() {
    let all = patches();
    assert!(all.len() >= 26, "only {} broken copies", all.len());
    for patch in all {
        let breaks = patch
            .breaks
            .clone()
            .unwrap_or_else(|| panic!("{}: a broken copy names what it `breaks`", patch.name));
        assert!(patch.hazard.is_none(), "{}: a hazard fixture", patch.name);
        let files = patched(&patch);
        let err = Bundle::load(&sources(&files))
            .err()
            .unwrap_or_else(|| panic!("{} loaded", patch.name));
        let broken: Vec<_> = err.0.iter().filter(|d| d.is_error()).collect();
        assert!(
            broken.iter().all(|d| d.code == "invariant-broken"),
            "{}: only invariants may break, got:\n{err}",
            patch.name
        );
        assert!(
            broken
                .iter()
                .any(|d| d.location == format!("invariant `{breaks}`")),
            "{}: expected `{breaks}` to break, got:\n{err}",
            patch.name
        );

        // Load it anyway and replay the shortest counterexample.
        let options = LoadOptions {
            prove_invariants: false,
        };
        let bundle = Bundle::load_with(&sources(&files), &options).unwrap();
        let report = verify(&bundle, reference_date(&bundle));
        let example = report
            .invariants
            .iter()
            .find_map(|i| i.counterexample.as_ref().filter(|_| i.id == breaks))
            .unwrap_or_else(|| panic!("{}: no counterexample for `{breaks}`", patch.name));
        let dir = write_set(&patch.name, &files);
        replay_shows_violation(
            &patch.name,
            &bundle,
            &Set::of(&files),
            &dir,
            &breaks,
            example,
        );
        let _ = fs::remove_dir_all(&dir);
    }
}

/// The ids of every invariant declared in the shipped files, and `must_ask`.
pub(crate) fn declared_invariants() -> BTreeSet<String> {
    let mut declared = BTreeSet::new();
    for f in bundled_files() {
        let json: Json = serde_json::from_str(f.text).unwrap();
        for inv in json["invariants"].as_array().into_iter().flatten() {
            declared.insert(inv["id"].as_str().unwrap().to_owned());
        }
        if json["must_ask"].as_array().is_some_and(|m| !m.is_empty()) {
            declared.insert("must_ask".to_owned());
        }
    }
    declared
}

#[test]
fn every_shipped_invariant_and_must_ask_has_a_broken_copy() {
    let declared = declared_invariants();
    assert!(declared.len() >= 26, "{declared:?}");
    let covered: BTreeSet<String> = patches().into_iter().filter_map(|p| p.breaks).collect();
    let missing: Vec<_> = declared.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "no broken copy in fixtures/invalid/shipped/ breaks {missing:?}"
    );
    let unknown: Vec<_> = covered.difference(&declared).collect();
    assert!(
        unknown.is_empty(),
        "broken copies name invariants the shipped files do not declare: {unknown:?}"
    );
}

/// The invariants of content 2.0.0 (DESIGN.md §7 and §7b).
const INVARIANTS: [&str; 26] = [
    "danger_first",
    "danger_asked_first",
    "urgent_at_once",
    "safe_place_tonight",
    "interpreter_when_needed",
    "young_adult_asked",
    "may_be_child_route",
    "child_no_consent",
    "child_referred",
    "child_never_dtn",
    "child_kept_safe",
    "seventeen_urgent",
    "adult_nrm_needs_consent",
    "adult_declined",
    "route_into_system",
    "adult_safeguarding",
    "adult_needs_asked",
    "capacity_doubt_assessed",
    "lacking_capacity",
    "police_every_case",
    "unsure_gets_advice",
    "not_yet_defers",
    "identity_protected",
    "no_own_service",
    "age_route_first",
    "must_ask",
];

#[test]
fn the_shipped_set_proves_every_invariant_over_every_path() {
    let files: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| (f.name.to_owned(), f.text.to_owned()))
        .collect();
    let bundle = Bundle::load(&sources(&files)).unwrap_or_else(|e| panic!("{e}"));
    let report = verify(&bundle, reference_date(&bundle));
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(report.paths > 100, "only {} paths", report.paths);
    let ids: BTreeSet<&str> = report.invariants.iter().map(|i| i.id.as_str()).collect();
    for id in INVARIANTS {
        assert!(
            ids.contains(id),
            "invariant `{id}` is not checked; checked: {ids:?}"
        );
    }
    assert!(
        report
            .invariants
            .iter()
            .all(|i| i.counterexample.is_none() && i.paths > 0)
    );
    assert!(report.hazards.len() >= 11, "{:?}", report.hazards);
    for h in &report.hazards {
        assert!(h.controlled(), "hazard {} is not controlled: {h:?}", h.id);
    }
}

/// The restatements do not see violations that are not there: on example walks of the shipped
/// set that together take every edge, no invariant is violated.
#[test]
fn the_replay_checks_find_no_violation_on_the_shipped_set() {
    let files: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| (f.name.to_owned(), f.text.to_owned()))
        .collect();
    let bundle = bundled().unwrap_or_else(|e| panic!("{e}"));
    let set = Set::of(&files);
    let examples = covering_examples(&bundle, reference_date(&bundle));
    assert!(examples.len() >= 20, "only {} examples", examples.len());
    let declared = declared_invariants();
    let mut premises: BTreeMap<&str, usize> = BTreeMap::new();
    for example in &examples {
        let start = bundle.find(&example.pathway).unwrap();
        let evaluation = evaluate(&bundle, start, &example.facts, &Config::new(example.today));
        let replay = Replay::of(&evaluation, &example.facts, example.today);
        for id in &declared {
            assert!(
                !replay.violates(id, &set),
                "the replay check of `{id}` sees a violation on the shipped set: {:?} -> {:?}",
                example.facts,
                replay.codes()
            );
        }
        // Count the walks where the restatement had something to check (its condition held).
        let walk = Walk {
            replay: &replay,
            set: &set,
            upto: replay.visits.len(),
        };
        for (id, premise) in [
            ("child", walk.child()),
            ("adult", !walk.child()),
            ("danger", walk.yes("immediate_danger")),
            ("declined", walk.is("consent_to_nrm", "declined")),
            ("not_yet", walk.is("consent_to_nrm", "not_yet")),
            ("in_doubt", walk.is("has_capacity_to_consent", "in_doubt")),
            ("lacks", walk.is("has_capacity_to_consent", "no")),
            ("unsure", walk.is("suspected_modern_slavery", "unsure")),
            ("young_adult", walk.age_in(18, 24)),
            ("disputed", walk.age_disputed()),
        ] {
            if premise == K::YES {
                *premises.entry(id).or_default() += 1;
            }
        }
    }
    // The examples reach every case the restatements single out.
    assert_eq!(premises.len(), 10, "cases never reached: {premises:?}");
}

#[test]
fn ages_are_whole_years_with_leap_day_birthdays_on_the_first_of_march() {
    assert_eq!(years_between("2008-12-05", "2026-12-05"), 18);
    assert_eq!(years_between("2008-12-06", "2026-12-05"), 17);
    assert_eq!(years_between("2008-02-29", "2026-02-28"), 17);
    assert_eq!(years_between("2008-02-29", "2026-03-01"), 18);
    assert_eq!(years_between("2008-02-29", "2028-02-29"), 20);
}

#[test]
fn kleene_logic_leaves_unknown_only_what_a_fact_could_change() {
    let (t, f, u) = (K::from(true), K::from(false), K(None));
    assert_eq!(f & u, f);
    assert_eq!(t & u, u);
    assert_eq!(t | u, t);
    assert_eq!(f | u, u);
    assert_eq!(f.then(u), t);
    assert_eq!(u.then(t), t);
    assert_eq!(u.then(f), u);
    assert_eq!(t.then(f), f);
}

/// Runs of digits that look like a phone number: 6 or more digits with at most single spaces
/// between them (UK numbers, `+44 …`), or the short non-emergency numbers 101 and 111 standing
/// alone. 999 is allowed in text: it never changes and "Call 999 now" must stay recognisable.
fn phone_like(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut digits = 0;
        while end < chars.len() {
            if chars[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if chars[end] == ' ' && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
                end += 1;
            } else {
                break;
            }
        }
        let run: String = chars[start..end].iter().collect();
        let word_char = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
        let alone = !word_char(start.checked_sub(1).and_then(|j| chars.get(j)))
            && !word_char(chars.get(end));
        if digits >= 6 || (alone && (run == "101" || run == "111")) {
            found.push(run);
        }
        i = end;
    }
    found
}

/// Every string in a JSON value with its key path, skipping the keys given.
fn strings<'a>(json: &'a Json, at: String, skip: &[&str], out: &mut Vec<(String, &'a str)>) {
    match json {
        Json::String(s) => out.push((at, s)),
        Json::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(v, format!("{at}[{i}]"), skip, out);
            }
        }
        Json::Object(map) => {
            for (k, v) in map {
                if !skip.contains(&k.as_str()) {
                    strings(v, format!("{at}.{k}"), skip, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn phone_like_finds_numbers_and_not_dates_or_sections() {
    assert_eq!(
        phone_like("Call 0800 808 3733 or 08000 121 700, or +44 300 123 4043."),
        ["0800 808 3733", "08000 121 700", "44 300 123 4043"]
    );
    assert_eq!(phone_like("Call 101 now; NHS 111."), ["101", "111"]);
    for fine in [
        "Call 999 now",
        "call_999",
        "13 February 2026, 2026-11-22, SI 2022/877, ss49-52, §5.28",
        "at least 30 days, about 5 working days, 100 days short of 18, 12 languages",
        "police_101",
    ] {
        assert!(
            phone_like(fine).is_empty(),
            "{fine}: {:?}",
            phone_like(fine)
        );
    }
}

#[test]
fn no_phone_number_is_written_into_a_pathway_text() {
    let mut found = Vec::new();
    for f in bundled_files() {
        let json: Json = serde_json::from_str(f.text).unwrap();
        let mut texts = Vec::new();
        if f.name == "contacts.json" {
            // Only `phone` holds a number to dial: a number in a name, the hours or a note
            // (such as an outdated one) would be shown to a worker, who may dial it.
            strings(
                &json,
                String::new(),
                &["phone", "email", "web", "url", "checked"],
                &mut texts,
            );
        } else {
            // Source URLs are not shown as something to dial.
            strings(&json, String::new(), &["url"], &mut texts);
        }
        for (at, text) in texts {
            for run in phone_like(text) {
                found.push(format!("{}{at}: `{run}` in {text:?}", f.name));
            }
        }
    }
    assert!(
        found.is_empty(),
        "write numbers in contacts.json and use {{{{contact(id)}}}}:\n{}",
        found.join("\n")
    );
}

#[test]
fn contact_placeholders_appear_only_in_texts_that_fill_them_in() {
    // The compiler fills in `{{contact(id)}}` in these fields; anywhere else it would reach
    // the worker as raw braces.
    let filled = ["instructions", "detail", "summary", "next_steps"];
    let mut wrong = Vec::new();
    let mut used = 0;
    for f in bundled_files().iter().filter(|f| f.name != "contacts.json") {
        let json: Json = serde_json::from_str(f.text).unwrap();
        let mut texts = Vec::new();
        strings(&json, String::new(), &[], &mut texts);
        for (at, text) in texts.into_iter().filter(|(_, t)| t.contains("{{")) {
            used += text.matches("{{contact(").count();
            let field = at.rsplit('.').next().unwrap().split('[').next().unwrap();
            if !filled.contains(&field) {
                wrong.push(format!("{}{at}", f.name));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "placeholders that are never filled in: {wrong:?}"
    );
    assert!(used >= 20, "only {used} contact placeholders");
}

fn finished<'b>(bundle: &'b Bundle, facts: &str, today: &str) -> pathway::Outcome<'b> {
    let today = today.parse().unwrap();
    let facts = bundle
        .parse_facts(&serde_json::from_str(facts).unwrap(), today)
        .unwrap();
    let evaluation = evaluate(bundle, bundle.entry(), &facts, &Config::new(today));
    match evaluation.state {
        State::Finished(outcome) => outcome,
        other => panic!("not finished: {other:?}"),
    }
}

#[test]
fn shipped_texts_read_numbers_from_the_directory_and_mark_unverified_ones() {
    const RECORD: &str = r#"{"immediate_danger": false, "needs_safe_place_tonight": false,
        "language_barrier": false, "someone_speaks_for_them": false,
        "age_basis": "stated_age", "age": 40, "suspected_modern_slavery": "yes",
        "reporter_organisation": "other", "exploitation_type": "labour",
        "care_and_support_needs": false, "has_capacity_to_consent": "yes",
        "consent_to_nrm": "given"}"#;
    let bundle = bundled().unwrap_or_else(|e| panic!("{e}"));
    let outcome = finished(&bundle, RECORD, "2026-12-05");
    let text = |outcome: &pathway::Outcome<'_>, code: &str| {
        outcome
            .actions
            .iter()
            .find(|a| a.code == code)
            .unwrap_or_else(|| panic!("no {code}"))
            .instructions
            .to_owned()
    };
    let police = text(&outcome, "police_report");
    assert!(
        police.contains("Hertfordshire Constabulary (non-emergency) on 101"),
        "{police}"
    );
    assert!(police.contains("Crimestoppers on 0800 555 111"), "{police}");
    let glaa = text(&outcome, "report_labour_exploitation");
    assert!(glaa.contains("(GLAA) on 0800 432 0804 as"), "{glaa}");
    let pass = text(&outcome, "contact_first_responder");
    assert!(pass.contains("on 0800 808 3733 (24 hours)"), "{pass}");
    assert!(!pass.contains("{{"), "{pass}");
    let support = outcome.next_steps.join("\n");
    assert!(support.contains("0800 808 3733"), "{support}");
    assert!(!support.contains("{{"), "{support}");

    // The outdated Salvation Army number is shown nowhere, but the warning against it is,
    // in words.
    for a in &outcome.actions {
        let json = serde_json::to_string(a).unwrap();
        assert!(!json.contains("8151"), "{json}");
    }
    let contacts = bundled_files()
        .iter()
        .find(|f| f.name == "contacts.json")
        .unwrap();
    let mut directory: Json = serde_json::from_str(contacts.text).unwrap();
    let notes = directory["contacts"]["salvation_army"]["notes"]
        .as_str()
        .unwrap();
    assert!(
        notes.contains("older 0300 number") && notes.contains("out of date"),
        "{notes}"
    );

    // A number the directory does not confirm comes with "check locally".
    directory["contacts"]["glaa"]["verified"] = Json::Bool(false);
    let files: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| {
            let text = if f.name == "contacts.json" {
                directory.to_string()
            } else {
                f.text.to_owned()
            };
            (f.name.to_owned(), text)
        })
        .collect();
    let unverified = Bundle::load(&sources(&files)).unwrap_or_else(|e| panic!("{e}"));
    let outcome = finished(&unverified, RECORD, "2026-12-05");
    let glaa = text(&outcome, "report_labour_exploitation");
    assert!(
        glaa.contains("(GLAA) on 0800 432 0804 (unverified: check locally)"),
        "{glaa}"
    );
}

#[test]
fn a_contact_placeholder_naming_no_contact_is_refused() {
    let files: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| {
            let text = if f.name == "adult.json" {
                f.text.replace("{{contact(glaa)}}", "{{contact(gla)}}")
            } else {
                f.text.to_owned()
            };
            (f.name.to_owned(), text)
        })
        .collect();
    let Err(err) = Bundle::load(&sources(&files)) else {
        panic!("a set with `{{{{contact(gla)}}}}` loaded")
    };
    let bad: Vec<_> = err.0.iter().filter(|d| d.code == "bad-template").collect();
    assert!(!bad.is_empty(), "{err}");
    assert!(
        bad.iter()
            .any(|d| d.location.contains("report_labour_exploitation")
                && d.message.contains("`gla`")),
        "{err}"
    );
}
