//! Model -> [`Bundle`]: every static check of DESIGN.md section 6, all collected in one pass.
//!
//! Checks that need the paths themselves (guards that leave an answer with no edge, edges
//! no answer takes, facts read before they are asked, invariants) run next, in
//! [`crate::verify`], on the compiled graph.

mod ctx;
mod facts;
mod graph;
mod pathway;
mod read;
mod set;

use std::collections::{BTreeMap, BTreeSet};

use crate::bundle::{Bundle, Decls, LoadOptions, SourceFile};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, LoadError};
use crate::model::{ContactsFile, HazardsFile, PathwayFile};
use ctx::Ctx;
use facts::{check_settles, merge_facts};
use graph::{check_reachable_and_acyclic, resolve_handovers};
use pathway::compile_pathway;
use read::{Parsed, read_file};
use set::{check_contacts, check_hazards, check_services, check_set};

/// Diagnostics collected while compiling one set.
#[derive(Default)]
pub(crate) struct Sink(pub(crate) Vec<Diagnostic>);

impl Sink {
    fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
}

/// The set, with the compiler's warnings about it (errors reject it).
pub(crate) fn compile(
    files: &[SourceFile<'_>],
    options: &LoadOptions,
) -> Result<(Bundle, Vec<Diagnostic>), LoadError> {
    let mut sink = Sink::default();
    let mut pathways = Vec::new();
    let mut contacts: Vec<(String, ContactsFile)> = Vec::new();
    let mut hazard_logs: Vec<(String, HazardsFile)> = Vec::new();
    for file in files {
        match read_file(file, &mut sink) {
            Some(Parsed::Pathway(p)) => pathways.push((file.name.to_owned(), *p)),
            Some(Parsed::Contacts(c)) => contacts.push((file.name.to_owned(), c)),
            Some(Parsed::Hazards(h)) => hazard_logs.push((file.name.to_owned(), h)),
            None => {}
        }
    }
    let directory = check_contacts(&contacts, &mut sink);
    if pathways.is_empty() && !sink.has_errors() {
        sink.push(Diagnostic::error(
            Code::NoPathway,
            "",
            "",
            "the set holds no pathway file",
        ));
    }
    let mut facts = merge_facts(&pathways, &directory, &mut sink);
    check_settles(&pathways, &mut facts, &mut sink);
    let contacts_file = contacts.first().map_or("", |(name, _)| name.as_str());
    check_services(contacts_file, &directory, &facts, &mut sink);
    // The declarations, and so every fact's slot, are fixed before any rule is checked.
    let decls = Decls::new(facts.clone());
    let mut drafts = Vec::new();
    for (file, model) in &pathways {
        let ctx = Ctx {
            file,
            model,
            facts: &facts,
            decls: &decls,
            contacts: &directory,
        };
        drafts.extend(compile_pathway(&ctx, &mut sink));
    }
    let entry = check_set(&drafts, &mut sink);
    // A pathway file that parsed but did not compile has its own errors: hand-overs to it
    // are not reported again as hand-overs to a pathway missing from the set.
    let parsed: BTreeSet<&str> = pathways.iter().map(|(_, m)| m.id.as_str()).collect();
    let targets = resolve_handovers(&drafts, &parsed, &mut sink);
    if !sink.has_errors() {
        check_reachable_and_acyclic(&drafts, &targets, &mut sink);
    }
    let hazards = check_hazards(&hazard_logs, &drafts, &mut sink);
    let compiled: Option<Vec<_>> = match sink.has_errors() {
        true => None,
        false => drafts
            .into_iter()
            .enumerate()
            .map(|(p, d)| d.finish(p, &targets))
            .collect(),
    };
    let Some(compiled) = compiled else {
        return Err(finish(sink));
    };
    let (contact_sources, contacts) = directory
        .map(|c| (c.sources, c.contacts))
        .unwrap_or_default();
    let mut bundle = Bundle {
        hash: content_hash(&pathways, &contacts),
        pathways: compiled,
        facts: decls,
        contacts,
        contact_sources,
        hazards,
        entry,
        paths_verified: 0,
        proven: options.prove_invariants,
    };
    // The compiler's warnings; verification's own (`vacuous-invariant`) come with its report.
    let warnings = sink.0.clone();
    let report = crate::verify::verify(&bundle, reference_date(&bundle));
    bundle.paths_verified = report.paths;
    for mut d in report.diagnostics {
        if d.code == Code::InvariantBroken && !options.prove_invariants {
            d.severity = crate::diagnostic::Severity::Warning;
        }
        sink.push(d);
    }
    if sink.has_errors() {
        Err(finish(sink))
    } else {
        Ok((bundle, warnings))
    }
}

fn finish(mut sink: Sink) -> LoadError {
    sink.0.sort_by_key(|d| d.severity);
    LoadError(sink.0)
}

/// Verification at load uses the newest `reviewed` date of the set: deterministic, and a
/// date on which the content was known to be current.
pub(crate) fn reference_date(bundle: &Bundle) -> Date {
    bundle
        .pathways
        .iter()
        .map(|p| p.meta.reviewed)
        .max()
        .unwrap_or(Date::EPOCH)
}

/// FNV-1a over the canonical JSON of every file of the set (file order fixed by name).
fn content_hash(
    pathways: &[(String, PathwayFile)],
    contacts: &BTreeMap<String, crate::model::Contact>,
) -> String {
    let mut sorted: Vec<&(String, PathwayFile)> = pathways.iter().collect();
    sorted.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (_, p) in sorted {
        feed(serde_json::to_string(p).unwrap_or_default().as_bytes());
    }
    feed(
        serde_json::to_string(contacts)
            .unwrap_or_default()
            .as_bytes(),
    );
    format!("{hash:016x}")
}

const BUNDLED: [SourceFile<'static>; 5] = [
    SourceFile {
        name: "entry.json",
        text: include_str!("../../../../pathways/hertfordshire/entry.json"),
    },
    SourceFile {
        name: "adult.json",
        text: include_str!("../../../../pathways/hertfordshire/adult.json"),
    },
    SourceFile {
        name: "child.json",
        text: include_str!("../../../../pathways/hertfordshire/child.json"),
    },
    SourceFile {
        name: "contacts.json",
        text: include_str!("../../../../pathways/hertfordshire/contacts.json"),
    },
    SourceFile {
        name: "hazards.json",
        text: include_str!("../../../../pathways/hertfordshire/hazards.json"),
    },
];

/// The files of the bundled Hertfordshire pathway set, as embedded in the library.
pub fn bundled_files() -> &'static [SourceFile<'static>] {
    &BUNDLED
}

/// The bundled Hertfordshire pathways (adult, child and the entry that routes between them).
pub fn bundled() -> Result<Bundle, LoadError> {
    Bundle::load(&BUNDLED)
}

impl Bundle {
    /// Compiles and verifies a pathway set from its files: pathway files (`"format":
    /// "pathway/v1"`) and one contacts directory (`"format": "contacts/v1"`).
    ///
    /// Every problem is reported, not only the first.
    pub fn load(files: &[SourceFile<'_>]) -> Result<Self, LoadError> {
        Self::load_with(files, &LoadOptions::default())
    }

    /// [`Bundle::load`] with options. With `prove_invariants: false` a set whose invariants
    /// are broken still loads (every other check still applies), so that `check` can list
    /// each verdict and a counterexample can be replayed. Never walk such a set with a worker.
    pub fn load_with(files: &[SourceFile<'_>], options: &LoadOptions) -> Result<Self, LoadError> {
        Self::load_with_warnings(files, options).map(|(bundle, _)| bundle)
    }

    /// [`Bundle::load_with`], also giving the compiler's warnings about the set's content,
    /// which do not stop it loading (`source-without-url`, `action-without-why`,
    /// `help-too-long`), for `check` to show the set's authors. The review warnings come from
    /// [`Bundle::review_warnings`] and verification's from the `Report` of `verify`.
    pub fn load_with_warnings(
        files: &[SourceFile<'_>],
        options: &LoadOptions,
    ) -> Result<(Self, Vec<Diagnostic>), LoadError> {
        compile(files, options)
    }
}
