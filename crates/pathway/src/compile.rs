//! Model -> [`Bundle`]: every static check of DESIGN.md section 6, all collected in one pass.
//!
//! Checks that need the paths themselves (guards that leave an answer with no edge, edges
//! no answer takes, facts read before they are asked, invariants) run next, in
//! [`crate::verify`], on the compiled graph.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::de::DeserializeOwned;

use crate::bundle::{
    ActionEntry, Actions, Bundle, Decls, Derived, Edge, FactDecl, Invariant, LoadOptions, Meta,
    Pathway, Settles, SourceFile, Step, StepKind,
};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, LoadError, excerpt};
use crate::model::{
    ActionDef, CONTACTS_FORMAT, ChoiceOption, Confidence, ContactsFile, FactDef, FactType,
    HAZARDS_FORMAT, HazardDef, HazardsFile, PATHWAY_FORMAT, PathwayFile, Source, StepDef,
};
use crate::rule::{self, Context, Expr, Slot, Ty, TypeEnv};
use crate::template::Template;
use crate::vocab::{fact_v1, fact_v2};

/// Diagnostics collected while compiling one set.
#[derive(Default)]
pub(crate) struct Sink(pub(crate) Vec<Diagnostic>);

impl Sink {
    fn push(&mut self, d: Diagnostic) {
        self.0.push(d.or_default_hint());
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
            "no-pathway",
            "",
            "",
            "the set holds no pathway file",
        ));
    }
    let mut facts = merge_facts(&pathways, &directory, &mut sink);
    check_settles(&pathways, &mut facts, &mut sink);
    let contacts_file = contacts.first().map_or("", |(name, _)| name.as_str());
    check_services(contacts_file, &directory, &facts, &mut sink);
    let mut compiled = Vec::new();
    let mut handovers = Vec::new();
    for (file, model) in &pathways {
        let ctx = Ctx {
            file,
            model,
            facts: &facts,
            contacts: &directory,
        };
        if let Some((pathway, pending)) = compile_pathway(&ctx, &mut sink) {
            compiled.push(pathway);
            handovers.push(pending);
        }
    }
    let entry = check_set(&compiled, &mut sink);
    // A pathway file that parsed but did not compile has its own errors: hand-overs to it
    // are not reported again as hand-overs to a pathway missing from the set.
    let parsed: BTreeSet<&str> = pathways.iter().map(|(_, m)| m.id.as_str()).collect();
    resolve_handovers(&mut compiled, handovers, &parsed, &mut sink);
    if !sink.has_errors() {
        check_reachable_and_acyclic(&compiled, &mut sink);
    }
    let hazards = check_hazards(&hazard_logs, &compiled, &mut sink);
    if sink.has_errors() {
        return Err(finish(sink));
    }
    let (contact_sources, contacts) = directory
        .map(|c| (c.sources, c.contacts))
        .unwrap_or_default();
    let mut bundle = Bundle {
        hash: content_hash(&pathways, &contacts),
        pathways: compiled,
        facts: Decls::new(facts),
        contacts,
        contact_sources,
        hazards,
        entry,
        paths_verified: 0,
    };
    bundle.link();
    // The compiler's warnings; verification's own (`vacuous-invariant`) come with its report.
    let warnings = sink.0.clone();
    let report = crate::verify::verify(&bundle, reference_date(&bundle));
    bundle.paths_verified = report.paths;
    for mut d in report.diagnostics {
        if d.code == "invariant-broken" && !options.prove_invariants {
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

enum Parsed {
    Pathway(Box<PathwayFile>),
    Contacts(ContactsFile),
    Hazards(HazardsFile),
}

fn read_file(file: &SourceFile<'_>, sink: &mut Sink) -> Option<Parsed> {
    // Strictly first (a key given twice is an error), then into the typed model.
    let value: serde_json::Value = report_json(file, sink, crate::json::parse(file.text))?;
    for d in crate::visible::refused_texts(file.name, &value) {
        sink.push(d);
    }
    let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    match format {
        PATHWAY_FORMAT => parse_json(file, sink).map(|p| Parsed::Pathway(Box::new(p))),
        CONTACTS_FORMAT => parse_json(file, sink).map(Parsed::Contacts),
        HAZARDS_FORMAT => parse_json(file, sink).map(Parsed::Hazards),
        _ => {
            sink.push(
                Diagnostic::error(
                    "unknown-format",
                    file.name,
                    "",
                    match value.get("format") {
                        Some(f) => format!("`format` is {f}; expected \"{PATHWAY_FORMAT}\", \"{CONTACTS_FORMAT}\" or \"{HAZARDS_FORMAT}\""),
                        None => format!("there is no `format`; expected \"{PATHWAY_FORMAT}\", \"{CONTACTS_FORMAT}\" or \"{HAZARDS_FORMAT}\""),
                    },
                )
                .hint("every pathway file starts with \"format\": \"pathway/v1\""),
            );
            None
        }
    }
}

fn parse_json<T: DeserializeOwned>(file: &SourceFile<'_>, sink: &mut Sink) -> Option<T> {
    report_json(file, sink, serde_json::from_str(file.text))
}

/// The parsed document, or a diagnostic at the line and column of the JSON error.
fn report_json<T>(
    file: &SourceFile<'_>,
    sink: &mut Sink,
    parsed: Result<T, serde_json::Error>,
) -> Option<T> {
    parsed
        .map_err(|e| {
            let text = crate::json::explain(file.text, &e);
            let message = text.split(" at line ").next().unwrap_or(&text).to_owned();
            let code = if e.is_syntax() || e.is_eof() {
                "json-syntax"
            } else if message.ends_with(crate::json::DUPLICATE) {
                "duplicate-key"
            } else if message.starts_with("unknown field") {
                "unknown-field"
            } else {
                "json-shape"
            };
            let hint = match code {
                "json-syntax" if e.is_eof() => {
                    "the file ends in the middle of a value: it may be cut short; check that every `{`, `[` and `\"` is closed"
                }
                "json-syntax" => {
                    "look at this place and just before it: a missing `,` between items, a `,` after the last one, or an unquoted name"
                }
                "unknown-field" => "fix the spelling, or remove the field: `pathway schema` lists every field",
                "duplicate-key" => "keep one of them: JSON readers disagree on which of two equal keys counts, so the file would mean different things to different tools",
                _ => "`pathway schema` gives the JSON Schema of the file format; editors use it to check files as you type",
            };
            sink.push(
                Diagnostic::error(
                    code,
                    file.name,
                    format!("line {}, column {}", e.line(), e.column()),
                    message,
                )
                .hint(hint),
            );
        })
        .ok()
}

fn check_contacts(contacts: &[(String, ContactsFile)], sink: &mut Sink) -> Option<ContactsFile> {
    match contacts {
        [] => {
            sink.push(
                Diagnostic::error("no-contacts", "", "", "the set has no contacts directory")
                    .hint("add a contacts.json with \"format\": \"contacts/v1\""),
            );
            None
        }
        [(file, c)] => {
            for (id, contact) in &c.contacts {
                let at = format!("contact `{id}`");
                if contact.phone.is_none() && contact.web.is_none() && contact.email.is_none() {
                    sink.push(Diagnostic::error(
                        "contact-unreachable",
                        file,
                        &at,
                        "gives no phone, web address or email",
                    ));
                }
                if !c.sources.contains_key(&contact.source) {
                    sink.push(Diagnostic::error(
                        "unknown-source",
                        file,
                        &at,
                        format!(
                            "`source` is `{}`, which is not in this file's `sources`",
                            contact.source
                        ),
                    ));
                }
                if let Some(checked) = &contact.checked
                    && checked.parse::<Date>().is_err()
                {
                    sink.push(Diagnostic::error(
                        "bad-date",
                        file,
                        &at,
                        format!("`checked` is `{checked}`, not a date written YYYY-MM-DD"),
                    ));
                }
                if contact.verified && (contact.url.is_none() || contact.checked.is_none()) {
                    sink.push(
                        Diagnostic::error(
                            "contact-provenance",
                            file,
                            &at,
                            "is marked verified but does not say where and when: it needs `url` (the page the details were read on) and `checked` (the date)",
                        )
                        .hint("add \"url\" and \"checked\", or mark it \"verified\": false so that workers read \"unverified: check locally\""),
                    );
                }
            }
            check_sources(file, &c.sources, sink);
            Some(c.clone())
        }
        [_, (file, _), ..] => {
            sink.push(Diagnostic::error(
                "duplicate-contacts",
                file,
                "",
                "the set has more than one contacts directory",
            ));
            None
        }
    }
}

/// Merges fact declarations across the set; the same id must mean the same everywhere.
fn merge_facts(
    pathways: &[(String, PathwayFile)],
    contacts: &Option<ContactsFile>,
    sink: &mut Sink,
) -> BTreeMap<String, FactDecl> {
    let mut facts: BTreeMap<String, FactDecl> = BTreeMap::new();
    for (file, model) in pathways {
        let mut seen = BTreeSet::new();
        let reviewed = model.reviewed.parse().unwrap_or(Date::EPOCH);
        for (i, def) in model.facts.iter().enumerate() {
            let at = format!("facts[{i}] (`{}`)", def.id);
            if !seen.insert(def.id.as_str()) {
                sink.push(Diagnostic::error(
                    "duplicate-fact",
                    file,
                    &at,
                    format!("fact `{}` is declared twice", def.id),
                ));
                continue;
            }
            crate::monitoring::check_fact_cites(file, &at, def, &model.sources, sink);
            let Some(decl) = fact_decl(file, &at, def, reviewed, contacts, sink) else {
                continue;
            };
            match facts.get(&def.id) {
                Some(prev) if !same_type(prev, &decl) => sink.push(
                    Diagnostic::error("fact-redefined", file, &at, format!("fact `{}` is declared with another type, range or options than in another file of the set", def.id))
                        .hint("a fact id means the same in every pathway of a set: use a new id"),
                ),
                Some(_) => {}
                None => {
                    facts.insert(def.id.clone(), decl);
                }
            }
        }
    }
    facts
}

fn same_type(a: &FactDecl, b: &FactDecl) -> bool {
    let values = |d: &FactDecl| {
        d.options
            .iter()
            .map(|o| o.value.clone())
            .collect::<Vec<_>>()
    };
    a.ty == b.ty && a.min == b.min && a.max == b.max && values(a) == values(b)
}

fn fact_decl(
    file: &str,
    at: &str,
    def: &FactDef,
    today: Date,
    contacts: &Option<ContactsFile>,
    sink: &mut Sink,
) -> Option<FactDecl> {
    let before = sink.0.len();
    // The v1 vocabulary's range and its no-default rule (the type is checked below).
    let mut extra = Vec::new();
    if fact_v1(&def.id).is_some() || fact_v2(&def.id).is_some_and(|v| v.default.is_none()) {
        let range = crate::vocab::range_v1(&def.id);
        if let Some((min, max)) =
            range.filter(|r| def.ty == FactType::Integer && Some(*r) != def.min.zip(def.max))
        {
            extra.push(
                Diagnostic::error(
                    "vocabulary",
                    file,
                    at,
                    format!(
                        "`{}` is a v1 vocabulary fact: its range must be {min} to {max}",
                        def.id
                    ),
                )
                .hint(format!(
                    "write \"min\": {min}, \"max\": {max}; for another range declare a new fact id"
                )),
            );
        }
        if def.default.is_some() {
            extra.push(
                Diagnostic::error("vocabulary", file, at, format!("`{}` is a vocabulary fact, which takes no `default`", def.id))
                    .hint("a record that omits a v1 fact is asked for it; a default would answer for the worker (remove `default`)"),
            );
        }
    }
    let mut bad = |code, message: String| sink.push(Diagnostic::error(code, file, at, message));
    if !is_ident(&def.id) {
        bad(
            "bad-id",
            format!(
                "`{}` is not a valid fact id: use lowercase letters, digits and `_`",
                def.id
            ),
        );
    }
    let ty = def.ty;
    if ty != FactType::Choice && !def.options.is_empty() {
        bad(
            "misplaced-field",
            "`options` is only for `choice` facts".into(),
        );
    }
    if ty == FactType::Choice {
        let values: BTreeSet<_> = def.options.iter().map(|o| o.value.as_str()).collect();
        if def.options.len() < 2 || values.len() != def.options.len() {
            bad(
                "bad-options",
                "a `choice` fact needs at least two options with distinct values".into(),
            );
        }
    }
    if ty != FactType::Integer && (def.min.is_some() || def.max.is_some()) {
        bad(
            "misplaced-field",
            "`min` and `max` are only for `integer` facts".into(),
        );
    }
    if ty == FactType::Integer {
        match (def.min, def.max) {
            (Some(min), Some(max)) if min <= max => {}
            _ => bad(
                "bad-range",
                "an `integer` fact needs `min` and `max` with min <= max".into(),
            ),
        }
    }
    if ty != FactType::Bool && def.labels.is_some() {
        bad(
            "misplaced-field",
            "`labels` is only for `bool` facts".into(),
        );
    }
    let def_options: Vec<&str> = def.options.iter().map(|o| o.value.as_str()).collect();
    let aliases: Vec<(&str, &str)> = def
        .aliases
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    match (fact_v1(&def.id), fact_v2(&def.id)) {
        (v1, v2) if v1.is_some() || v2.is_some() => {
            let v1_ok = v1.is_some_and(|(v1_ty, options)| {
                v1_ty == ty && (ty != FactType::Choice || def_options == options)
            });
            let v2_ok = v2.is_some_and(|v| {
                v.ty == ty
                    && (ty != FactType::Choice || def_options == v.options)
                    && aliases == v.aliases
            });
            if !v1_ok && !v2_ok {
                let shape = |ty: FactType, options: &[&str], aliases: &[(&str, &str)]| {
                    let mut text = format!("`{}`", type_name(ty));
                    if !options.is_empty() {
                        text.push_str(&format!(" with options {}", options.join(", ")));
                    }
                    if !aliases.is_empty() {
                        let read: Vec<String> =
                            aliases.iter().map(|(k, v)| format!("{k} as {v}")).collect();
                        text.push_str(&format!(" reading v1 answers {}", read.join(", ")));
                    }
                    text
                };
                let mut wanted = Vec::new();
                if let Some((ty, options)) = v1 {
                    wanted.push(format!("v1: {}", shape(ty, options, &[])));
                }
                if let Some(v) = v2 {
                    wanted.push(format!("v2: {}", shape(v.ty, v.options, v.aliases)));
                }
                bad(
                    "vocabulary",
                    format!(
                        "`{}` is a vocabulary fact: its type must be {}",
                        def.id,
                        wanted.join(", or ")
                    ),
                );
            }
            if let Some(v) = v2.filter(|v| v.default.is_some())
                && def.default
                    != v.default
                        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            {
                bad(
                    "vocabulary",
                    format!(
                        "`{}` is a v2 vocabulary fact: its `default` must be {}",
                        def.id,
                        v.default.unwrap_or_default()
                    ),
                );
            }
        }
        _ if def.default.is_none() => {
            bad(
                "missing-default",
                format!(
                    "`{}` is not in the public vocabulary, so it needs a `default` for records that omit it",
                    def.id
                ),
            );
        }
        _ => {}
    }
    if !def.aliases.is_empty() {
        let ok = ty == FactType::Choice
            && def.aliases.iter().all(|(k, v)| {
                matches!(k.as_str(), "true" | "false") && def_options.contains(&v.as_str())
            });
        if !ok {
            bad(
                "bad-options",
                "`aliases` maps the v1 answers `true` and `false` of a widened fact to options of a `choice` fact".into(),
            );
        }
    }
    sink.0.extend(extra);
    if sink.0.len() > before {
        return None;
    }
    let text = |sink: &mut Sink, field: &str, t: &str| {
        fill(contacts, sink, file, &format!("{at}, `{field}`"), t)
    };
    let question = text(sink, "question", &def.question);
    let help = def.help.as_deref().map(|h| text(sink, "help", h));
    let more = def.more.as_deref().map(|h| text(sink, "more", h));
    if let Some(h) = &help
        && def.more.is_some()
        && h.split_whitespace().count() > HELP_WORDS
    {
        sink.push(
            Diagnostic::warning(
                "help-too-long",
                file,
                at,
                format!(
                    "`help` has {} words: a worker reads it mid-encounter",
                    h.split_whitespace().count()
                ),
            )
            .hint(format!(
                "open with an answer of at most {HELP_WORDS} words and move the rest to `more`"
            )),
        );
    }
    let options = def
        .options
        .iter()
        .map(|o| ChoiceOption {
            value: o.value.clone(),
            label: text(sink, "label", &o.label),
            help: o.help.as_deref().map(|h| text(sink, "help", h)),
            sets: BTreeMap::new(),
        })
        .collect();
    let alias = |key: &str| def.aliases.get(key).cloned();
    let mut decl = FactDecl {
        id: def.id.clone(),
        ty,
        question,
        help,
        options,
        min: def.min,
        max: def.max,
        labels: def.labels.clone(),
        default: None,
        more,
        aliases: [alias("false"), alias("true")],
        settles: None,
        rewrites: Vec::new(),
    };
    if let Some(default) = &def.default {
        match decl.parse_value(default, today) {
            Ok(v) => decl.default = Some(v),
            Err(e) => {
                sink.push(Diagnostic::error(
                    "bad-default",
                    file,
                    at,
                    format!("`default`: {e}"),
                ));
                return None;
            }
        }
    }
    Some(decl)
}

/// Words a fact's `help` may have when the rest is in `more`.
const HELP_WORDS: usize = 40;

/// Every source has a `url`, or says in `no_url` why not, so that a reader can follow it.
fn check_sources(file: &str, sources: &BTreeMap<String, Source>, sink: &mut Sink) {
    for (tag, source) in sources {
        if source.url.is_none() && source.no_url.is_none() {
            sink.push(
                Diagnostic::warning(
                    "source-without-url",
                    file,
                    format!("sources.{tag}"),
                    "has no `url`, so a reader cannot follow it",
                )
                .hint("add \"url\", or say why there is none in \"no_url\" (for example \"print only\")"),
            );
        }
    }
}

/// The `sets` of each choice fact's options (the facts an answer settles) and its
/// `rewrites` (how older records read), checked against the merged declarations and typed
/// into them.
fn check_settles(
    pathways: &[(String, PathwayFile)],
    facts: &mut BTreeMap<String, FactDecl>,
    sink: &mut Sink,
) {
    let mut typed: BTreeMap<String, (Option<Settles>, Vec<crate::bundle::Rewrite>)> =
        BTreeMap::new();
    for (file, model) in pathways {
        for (i, def) in model.facts.iter().enumerate() {
            let at = format!("facts[{i}] (`{}`)", def.id);
            let Some(decl) = facts.get(&def.id) else {
                continue;
            };
            let reviewed = model.reviewed.parse().unwrap_or(Date::EPOCH);
            let mut bad = |message: String| {
                sink.push(
                    Diagnostic::error("bad-options", file, &at, message).hint(
                        "`sets` names facts of this file with a valid answer, and every option sets the same facts",
                    ),
                )
            };
            let targets: BTreeSet<&String> =
                def.options.iter().flat_map(|o| o.sets.keys()).collect();
            let mut settles = None;
            if !targets.is_empty() {
                let local: BTreeSet<&str> = model.facts.iter().map(|f| f.id.as_str()).collect();
                let mut values = Vec::new();
                let mut ok = true;
                for o in &def.options {
                    let keys: BTreeSet<&String> = o.sets.keys().collect();
                    if keys != targets {
                        bad(format!(
                            "option `{}` settles {} but another option settles {}: every option must settle the same facts",
                            o.value,
                            names(keys.iter().map(|k| k.as_str())),
                            names(targets.iter().map(|k| k.as_str()))
                        ));
                        ok = false;
                        continue;
                    }
                    let mut row = Vec::new();
                    for (target, json) in &o.sets {
                        let Some(t) = facts
                            .get(target)
                            .filter(|_| local.contains(target.as_str()))
                        else {
                            bad(format!(
                                "option `{}` settles `{target}`, which is not a fact of this file",
                                o.value
                            ));
                            ok = false;
                            continue;
                        };
                        if !t.settled_facts().is_empty()
                            || target == &def.id
                            || t.ty == FactType::Date
                        {
                            bad(format!(
                                "option `{}` settles `{target}`, which cannot be settled (a date, itself, or a fact that settles others)",
                                o.value
                            ));
                            ok = false;
                            continue;
                        }
                        match t.parse_value(json, reviewed) {
                            Ok(v) => row.push(v),
                            Err(e) => {
                                bad(format!("option `{}` settles `{target}`: {e}", o.value));
                                ok = false;
                            }
                        }
                    }
                    values.push(row);
                }
                if decl.ty != FactType::Choice {
                    bad("only the options of a `choice` fact can settle other facts".into());
                    ok = false;
                }
                if ok {
                    settles = Some(Settles {
                        facts: targets.iter().map(|t| (*t).clone()).collect(),
                        values,
                    });
                }
            }
            let mut rewrites = Vec::new();
            for (j, r) in def.rewrites.iter().enumerate() {
                let rat = format!("{at}, rewrites[{j}]");
                let target = facts.get(&r.fact);
                let typed = target.and_then(|t| {
                    let when = decl.parse_value(&r.when, reviewed).ok()?;
                    let from = t.parse_value(&r.from, reviewed).ok()?;
                    let to = t.parse_value(&r.to, reviewed).ok()?;
                    Some(crate::bundle::Rewrite {
                        when,
                        fact: r.fact.clone(),
                        from,
                        to,
                    })
                });
                match typed {
                    Some(t) => rewrites.push(t),
                    None => sink.push(
                        Diagnostic::error(
                            "bad-options",
                            file,
                            &rat,
                            format!("rewrites `{}`, but its fact or one of its values is not valid", r.fact),
                        )
                        .hint("`when` is a value of this fact; `fact` a declared fact; `from` and `to` values of it"),
                    ),
                }
            }
            match typed.get(&def.id) {
                Some(prev) if prev.0 != settles || prev.1 != rewrites => sink.push(
                    Diagnostic::error("fact-redefined", file, &at, format!("fact `{}` settles or rewrites other facts differently than in another file of the set", def.id))
                        .hint("a fact id means the same in every pathway of a set"),
                ),
                Some(_) => {}
                None => {
                    typed.insert(def.id.clone(), (settles, rewrites));
                }
            }
        }
    }
    for (id, (settles, rewrites)) in typed {
        if let Some(decl) = facts.get_mut(&id) {
            decl.settles = settles;
            decl.rewrites = rewrites;
        }
    }
}

/// The fact whose options name the organisation types a contact can belong to.
pub(crate) const ORGANISATION: &str = "reporter_organisation";

/// A contact's `service_of` names an organisation type the set asks about.
fn check_services(
    file: &str,
    directory: &Option<ContactsFile>,
    facts: &BTreeMap<String, FactDecl>,
    sink: &mut Sink,
) {
    let Some(directory) = directory else { return };
    let types: Option<Vec<&str>> = facts
        .get(ORGANISATION)
        .map(|d| d.options.iter().map(|o| o.value.as_str()).collect());
    for (id, contact) in &directory.contacts {
        let Some(service) = &contact.service_of else {
            continue;
        };
        if !types
            .as_ref()
            .is_some_and(|t| t.contains(&service.as_str()))
        {
            sink.push(
                Diagnostic::error(
                    "unknown-option",
                    file,
                    format!("contact `{id}`"),
                    format!("`service_of` is `{service}`, which is not an answer to `{ORGANISATION}` in this set"),
                )
                .hint(match &types {
                    Some(t) => format!("use one of: {}", t.join(", ")),
                    None => format!("declare `{ORGANISATION}` in the set's pathways, or remove `service_of`"),
                }),
            );
        }
    }
}

/// The set's hazard log: at most one file, unique ids, and every hazard controlled by at
/// least one invariant (or `must_ask`) that the set declares.
fn check_hazards(
    logs: &[(String, HazardsFile)],
    pathways: &[Pathway],
    sink: &mut Sink,
) -> Vec<HazardDef> {
    let [(file, log), rest @ ..] = logs else {
        return Vec::new();
    };
    for (other, _) in rest {
        sink.push(
            Diagnostic::error(
                "duplicate-hazards",
                other,
                "",
                "the set has more than one hazard log",
            )
            .hint("keep every hazard in one hazards.json"),
        );
    }
    let invariants: BTreeSet<&str> = pathways
        .iter()
        .flat_map(|p| p.invariants.iter().map(|i| i.id.as_str()))
        .collect();
    let must_ask = pathways.iter().any(|p| !p.must_ask.is_empty());
    let mut ids = BTreeSet::new();
    for (i, h) in log.hazards.iter().enumerate() {
        let at = format!("hazards[{i}] (`{}`)", h.id);
        if !ids.insert(h.id.as_str()) {
            sink.push(
                Diagnostic::error(
                    "duplicate-hazard",
                    file,
                    &at,
                    format!("hazard id `{}` is used twice", h.id),
                )
                .hint("give each hazard its own id"),
            );
        }
        if h.controls.is_empty() {
            sink.push(
                Diagnostic::error(
                    "hazard-uncontrolled",
                    file,
                    &at,
                    "names no control: nothing proves this hazard cannot happen",
                )
                .hint("name the invariants (or `must_ask`) that rule it out on every path; write one if there is none"),
            );
        }
        for control in &h.controls {
            let known = if control == "must_ask" {
                must_ask
            } else {
                invariants.contains(control.as_str())
            };
            if !known {
                sink.push(
                    Diagnostic::error(
                        "unknown-control",
                        file,
                        &at,
                        format!("names control `{control}`, which no pathway of the set declares as an invariant"),
                    )
                    .hint(one_of(
                        "name an invariant id of the set, or `must_ask`",
                        control,
                        invariants.iter().copied(),
                    )),
                );
            }
        }
    }
    log.hazards.clone()
}

fn names<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = ids.map(|i| format!("`{i}`")).collect();
    if list.is_empty() {
        "nothing".into()
    } else {
        list.join(", ")
    }
}

fn type_name(ty: FactType) -> &'static str {
    match ty {
        FactType::Bool => "bool",
        FactType::Choice => "choice",
        FactType::Integer => "integer",
        FactType::Date => "date",
    }
}

/// A hint naming what a misspelt id may have meant: `"{advice} `a`, `b`"`, or "did you mean"
/// when one candidate is a likely typing mistake.
fn one_of<'a>(advice: &str, wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
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

struct Ctx<'a> {
    file: &'a str,
    model: &'a PathwayFile,
    facts: &'a BTreeMap<String, FactDecl>,
    contacts: &'a Option<ContactsFile>,
}

/// A hand-over whose target pathway is resolved once every pathway is compiled.
struct PendingHandover {
    node: NodeIndex,
    at: String,
    pathway: String,
    step: Option<String>,
}

struct Env<'a> {
    facts: &'a BTreeMap<String, FactDecl>,
    local: &'a BTreeSet<String>,
    derived: &'a BTreeSet<String>,
    actions: &'a BTreeSet<String>,
    contacts: &'a Option<ContactsFile>,
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
fn contact_text(contacts: &Option<ContactsFile>, id: &str) -> Option<String> {
    let directory = contacts.as_ref()?;
    directory
        .contacts
        .get(id)
        .map(crate::template::contact_text)
}

/// A text the worker reads, with its `{{contact(id)}}` placeholders filled in from the
/// directory (a bad placeholder is reported, and the text kept as written).
fn fill(
    contacts: &Option<ContactsFile>,
    sink: &mut Sink,
    file: &str,
    at: &str,
    text: &str,
) -> String {
    crate::template::expand_contacts(text, |id| contact_text(contacts, id)).unwrap_or_else(|e| {
        sink.push(Diagnostic::error("bad-template", file, at, e));
        text.to_owned()
    })
}

/// [`fill`] for an optional text.
fn fill_opt(
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
    fn contact_text(&self, id: &str) -> Option<String> {
        contact_text(self.contacts, id)
    }

    /// A text with its `{{contact(id)}}` placeholders filled in (reported when one is bad).
    fn expand(&self, sink: &mut Sink, at: &str, text: &str) -> String {
        fill(self.contacts, sink, self.file, at, text)
    }

    /// [`Ctx::expand`] for an optional text.
    fn expand_opt(&self, sink: &mut Sink, at: &str, text: &Option<String>) -> Option<String> {
        fill_opt(self.contacts, sink, self.file, at, text)
    }

    fn err(&self, sink: &mut Sink, code: &'static str, at: &str, message: impl Into<String>) {
        sink.push(Diagnostic::error(code, self.file, at, message));
    }

    fn err_hint(
        &self,
        sink: &mut Sink,
        code: &'static str,
        at: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        sink.push(Diagnostic::error(code, self.file, at, message).hint(hint));
    }

    /// Refuses a guard, derived fact or action that rests only on unconfirmed (L) sources.
    fn weak(&self, sink: &mut Sink, at: &str, best: Option<Confidence>, what: &str) {
        if best == Some(Confidence::L) {
            self.err_hint(
                sink,
                "weak-citation",
                at,
                format!("{what} but cites only unconfirmed (L) sources"),
                "L content may prompt a local check, never gate: cite an H or M source, and put the unconfirmed point in the text as \"check locally\"",
            );
        }
    }

    /// Checks a list of citations: non-empty when required, every tag a declared source.
    /// Returns the best confidence cited.
    fn cites(
        &self,
        sink: &mut Sink,
        at: &str,
        cites: &[String],
        required: bool,
    ) -> Option<Confidence> {
        if cites.is_empty() {
            if required {
                sink.push(
                    Diagnostic::error("missing-citation", self.file, at, "has no citation")
                        .hint("add \"cites\": [\"TAG locator\"] naming a source in `sources`"),
                );
            }
            return None;
        }
        let mut best = None;
        for cite in cites {
            let tag = cite.split_whitespace().next().unwrap_or("");
            match self.model.sources.get(tag) {
                Some(source) => best = Some(best.map_or(source.confidence, |b: Confidence| b.min(source.confidence))),
                None => sink.push(
                    Diagnostic::error("unknown-source", self.file, at, format!("cites `{cite}`, but `{tag}` is not in `sources`"))
                        .hint(format!("declare it: \"sources\": {{\"{tag}\": {{\"title\": …, \"confidence\": \"H\"}}}}")),
                ),
            }
        }
        best
    }

    fn rule(
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
                self.err_hint(
                    sink,
                    "rule-syntax",
                    &format!("{at}, column {}", e.column),
                    format!("{} in `{}`", e.message, excerpt(src, e.column)),
                    RULE_HINT,
                );
                return None;
            }
        };
        match rule::check(&expr, env, ctx) {
            Ok(()) => Some(expr),
            Err(errors) => {
                for e in errors {
                    self.err_hint(
                        sink,
                        "rule-type",
                        &format!("{at}, column {}", e.column),
                        format!("{} in `{}`", e.message, excerpt(src, e.column)),
                        RULE_HINT,
                    );
                }
                None
            }
        }
    }
}

/// The hint under every rule error: the shapes a rule may take.
const RULE_HINT: &str = "a rule is true or false: a yes/no fact (`immediate_danger`, `!immediate_danger`), a choice compared with one of its options (`age_basis == \"unknown\"`), or a number compared with a whole number (`age < 18`), joined with `&&`, `||` and `!`; see pathways/README.md";

fn compile_pathway(ctx: &Ctx<'_>, sink: &mut Sink) -> Option<(Pathway, Vec<PendingHandover>)> {
    let before = sink.0.iter().filter(|d| d.is_error()).count();
    let model = ctx.model;
    let meta = meta(ctx, sink);
    check_sources(ctx.file, &model.sources, sink);
    for tag in model.sources.keys() {
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            ctx.err(
                sink,
                "bad-id",
                &format!("sources.{tag}"),
                format!("source tag `{tag}` must be one word"),
            );
        }
    }
    let local: BTreeSet<String> = model.facts.iter().map(|f| f.id.clone()).collect();
    let actions: BTreeSet<String> = model.actions.keys().cloned().collect();
    let mut derived_ids = BTreeSet::new();
    let mut derived = Vec::new();
    for (i, d) in model.derived.iter().enumerate() {
        let at = format!("derived[{i}] (`{}`)", d.id);
        if local.contains(&d.id) || derived_ids.contains(&d.id) || !is_ident(&d.id) {
            ctx.err(
                sink,
                "duplicate-fact",
                &at,
                format!("`{}` is already a fact or not a valid id", d.id),
            );
            continue;
        }
        let best = ctx.cites(sink, &at, &d.cites, true);
        ctx.weak(sink, &at, best, "decides routes");
        let env = Env {
            facts: ctx.facts,
            local: &local,
            derived: &derived_ids,
            actions: &actions,
            contacts: ctx.contacts,
        };
        if let Some(rule) = ctx.rule(sink, &env, &at, &d.rule, Context::Guard) {
            derived.push(Derived {
                id: d.id.clone(),
                rule,
            });
        }
        derived_ids.insert(d.id.clone());
    }
    let env = Env {
        facts: ctx.facts,
        local: &local,
        derived: &derived_ids,
        actions: &actions,
        contacts: ctx.contacts,
    };
    for (code, action) in &model.actions {
        let at = format!("action `{code}`");
        if !is_ident(code) {
            ctx.err(
                sink,
                "bad-id",
                &at,
                format!("`{code}` is not a valid action code"),
            );
        }
        let best = ctx.cites(sink, &at, &action.cites, true);
        ctx.weak(sink, &at, best, "tells the worker what to do");
        match &action.contact {
            Some(c)
                if ctx
                    .contacts
                    .as_ref()
                    .is_some_and(|d| !d.contacts.contains_key(c)) =>
            {
                let known = ctx
                    .contacts
                    .as_ref()
                    .map(|d| d.contacts.keys().map(String::as_str));
                sink.push(
                    Diagnostic::error(
                        "unknown-contact",
                        ctx.file,
                        &at,
                        format!("names contact `{c}`, which is not in the contacts directory"),
                    )
                    .hint(one_of(
                        "add it to contacts.json, or name one of its contacts",
                        c,
                        known.into_iter().flatten(),
                    )),
                );
            }
            None if action.form.is_none() => {
                sink.push(
                    Diagnostic::error(
                        "action-without-contact",
                        ctx.file,
                        &at,
                        "names neither a contact nor a form",
                    )
                    .hint("every action must tell the worker whom to call or which form to use"),
                );
            }
            _ => {}
        }
    }
    let action_defs: BTreeMap<String, ActionEntry> = model
        .actions
        .iter()
        .map(|(code, action)| (code.clone(), compile_action(ctx, sink, &env, code, action)))
        .collect();
    let (graph, index, pending) = build_graph(ctx, sink, &env);
    let start = index.get(&model.start).copied();
    if start.is_none() {
        ctx.err(
            sink,
            "unknown-step",
            "start",
            format!("`start` is `{}`, which is not a step", model.start),
        );
    }
    for (i, f) in model.must_ask.iter().enumerate() {
        if !local.contains(f) {
            ctx.err(
                sink,
                "unknown-fact",
                &format!("must_ask[{i}]"),
                format!("`{f}` is not a fact of this pathway"),
            );
        }
    }
    let mut invariants = Vec::new();
    for (i, inv) in model.invariants.iter().enumerate() {
        let at = format!("invariants[{i}] (`{}`)", inv.id);
        // Invariant ids name counterexample files (`check --counterexamples`).
        if !is_ident(&inv.id) {
            let why = "is not a valid invariant id: use lowercase letters, digits and `_`";
            ctx.err(sink, "bad-id", &at, format!("`{}` {why}", inv.id));
        }
        ctx.cites(sink, &at, &inv.cites, true);
        if let Some(rule) = ctx.rule(sink, &env, &at, &inv.rule, Context::Invariant) {
            invariants.push(Invariant {
                id: inv.id.clone(),
                description: inv.description.clone(),
                source: inv.rule.clone(),
                rule,
            });
        }
    }
    let errors = sink.0.iter().filter(|d| d.is_error()).count();
    let (meta, start) = (meta?, start?);
    derived.sort_by(|a, b| a.id.cmp(&b.id));
    (errors == before).then(|| {
        let pathway = Pathway {
            meta,
            file: ctx.file.to_owned(),
            sources: model.sources.clone(),
            derived,
            actions: Actions::new(action_defs),
            graph,
            start,
            index,
            must_ask: model.must_ask.clone(),
            invariants,
        };
        (pathway, pending)
    })
}

/// An action's texts with their contacts filled in, its variants' rules compiled, and the
/// contacts each wording names.
fn compile_action(
    ctx: &Ctx<'_>,
    sink: &mut Sink,
    env: &Env<'_>,
    code: &str,
    action: &ActionDef,
) -> ActionEntry {
    let at = format!("action `{code}`");
    let mut named_base = Vec::new();
    let text = |sink: &mut Sink, field: &str, t: &str, named: &mut Vec<String>| {
        named.extend(crate::template::contacts_named(t));
        ctx.expand(sink, &format!("{at}, `{field}`"), t)
    };
    named_base.extend(action.contact.iter().cloned());
    let instructions = text(sink, "instructions", &action.instructions, &mut named_base);
    let why = action
        .why
        .as_deref()
        .map(|w| text(sink, "why", w, &mut named_base));
    let mut named = vec![dedup(named_base)];
    let mut when = Vec::new();
    let mut variants = Vec::new();
    for (i, v) in action.variants.iter().enumerate() {
        let vat = format!("{at}, variants[{i}]");
        let best = ctx.cites(sink, &vat, &v.cites, true);
        ctx.weak(sink, &vat, best, "tells the worker what to do");
        if let Some(rule) = ctx.rule(
            sink,
            env,
            &format!("{vat}, `when`"),
            &v.when,
            Context::Guard,
        ) {
            when.push(rule);
        }
        let mut names = Vec::new();
        let contact = match v.contact.as_deref() {
            Some("") => None,
            Some(c) => Some(c.to_owned()),
            None => action.contact.clone(),
        };
        match &contact {
            Some(c)
                if ctx
                    .contacts
                    .as_ref()
                    .is_some_and(|d| !d.contacts.contains_key(c)) =>
            {
                ctx.err(
                    sink,
                    "unknown-contact",
                    &vat,
                    format!("names contact `{c}`, which is not in the contacts directory"),
                );
            }
            None if v.form.is_none() && action.form.is_none() => {
                sink.push(
                    Diagnostic::error("action-without-contact", ctx.file, &vat, "names neither a contact nor a form")
                        .hint("every wording of an action must tell the worker whom to call or which form to use"),
                );
            }
            _ => {}
        }
        names.extend(contact);
        let v_instructions = v
            .instructions
            .as_deref()
            .map(|t| text(sink, &format!("variants[{i}].instructions"), t, &mut names));
        if v_instructions.is_none() {
            names.extend(crate::template::contacts_named(&action.instructions));
        }
        let v_why = v
            .why
            .as_deref()
            .map(|t| text(sink, &format!("variants[{i}].why"), t, &mut names));
        if v_why.is_none() {
            names.extend(
                action
                    .why
                    .as_deref()
                    .map(crate::template::contacts_named)
                    .into_iter()
                    .flatten(),
            );
        }
        named.push(dedup(names));
        variants.push(crate::model::ActionVariant {
            when: v.when.clone(),
            title: v
                .title
                .as_deref()
                .map(|t| ctx.expand(sink, &format!("{vat}, `title`"), t)),
            instructions: v_instructions,
            why: v_why,
            contact: v.contact.clone(),
            form: v.form.clone(),
            cites: v.cites.clone(),
        });
    }
    if action.why.is_none() {
        sink.push(
            Diagnostic::warning("action-without-why", ctx.file, &at, "has no `why`: the worker is not told why this action is due")
                .hint("add \"why\": one or two sentences that explain this action, whichever route led to it"),
        );
    }
    ActionEntry {
        def: ActionDef {
            instructions,
            why,
            variants,
            ..action.clone()
        },
        when,
        named,
    }
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
}

fn meta(ctx: &Ctx<'_>, sink: &mut Sink) -> Option<Meta> {
    let m = ctx.model;
    if !m
        .id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || m.id.is_empty()
    {
        ctx.err(
            sink,
            "bad-id",
            "id",
            format!(
                "`{}` is not a valid pathway id: use lowercase letters, digits and `-`",
                m.id
            ),
        );
    }
    let date = |sink: &mut Sink, field: &str, text: &str| {
        text.parse::<Date>()
            .map_err(|e| ctx.err(sink, "bad-date", field, e.to_string()))
            .ok()
    };
    let reviewed = date(sink, "reviewed", &m.reviewed);
    let review_by = date(sink, "review_by", &m.review_by);
    let (reviewed, review_by) = (reviewed?, review_by?);
    if review_by < reviewed {
        ctx.err(sink, "bad-date", "review_by", "is before `reviewed`");
    }
    let guidance = m
        .guidance
        .as_ref()
        .and_then(|tag| match m.sources.get(tag) {
            Some(source) => Some(source.title.clone()),
            None => {
                ctx.err_hint(
                sink,
                "unknown-source",
                "guidance",
                format!("`{tag}` is not in `sources`"),
                "name the tag of the statutory guidance the pathway follows, declared in `sources`",
            );
                None
            }
        });
    Some(Meta {
        id: m.id.clone(),
        title: m.title.clone(),
        partnership: m.partnership.clone(),
        version: m.version.clone(),
        reviewed,
        review_by,
        jurisdiction: m.jurisdiction.clone(),
        description: m.description.clone(),
        guidance,
        entry: m.entry,
    })
}

type Graph = (
    DiGraph<Step, usize>,
    BTreeMap<String, NodeIndex>,
    Vec<PendingHandover>,
);

fn build_graph(ctx: &Ctx<'_>, sink: &mut Sink, env: &Env<'_>) -> Graph {
    let mut graph = DiGraph::new();
    let mut index = BTreeMap::new();
    let mut pending = Vec::new();
    for (i, def) in ctx.model.steps.iter().enumerate() {
        let at = format!("steps[{i}] (`{}`)", def.id());
        if !is_ident(def.id()) {
            ctx.err(
                sink,
                "bad-id",
                &at,
                format!(
                    "`{}` is not a valid step id: use lowercase letters, digits and `_`",
                    def.id()
                ),
            );
        }
        if index.contains_key(def.id()) {
            ctx.err_hint(
                sink,
                "duplicate-step",
                &at,
                format!("step id `{}` is used twice", def.id()),
                "give each step its own id (edges name steps by id, so a shared id is ambiguous)",
            );
            continue;
        }
        let kind = step_kind(ctx, sink, env, &at, def);
        let node = graph.add_node(Step {
            id: def.id().to_owned(),
            kind,
            edges: Vec::new(),
        });
        if let StepDef::Handover { pathway, step, .. } = def {
            pending.push(PendingHandover {
                node,
                at: at.clone(),
                pathway: pathway.clone(),
                step: step.clone(),
            });
        }
        index.insert(def.id().to_owned(), node);
    }
    for (i, def) in ctx.model.steps.iter().enumerate() {
        let Some(&from) = index.get(def.id()) else {
            continue;
        };
        let at = format!("step `{}`", def.id());
        let is_final = matches!(def, StepDef::Outcome { .. } | StepDef::Handover { .. });
        if !is_final && def.edges().is_empty() {
            ctx.err_hint(
                sink,
                "dead-end",
                &at,
                "is not an outcome but has no `next` edge",
                "add an edge, or make it an outcome step",
            );
        }
        let mut unconditional: Option<usize> = None;
        for (j, e) in def.edges().iter().enumerate() {
            let eat = format!("{at}, edge {}", j + 1);
            if let Some(k) = unconditional {
                ctx.err_hint(
                    sink,
                    "unreachable-edge",
                    &eat,
                    format!("can never be taken: edge {} before it has no `when`", k + 1),
                    "edges are tried in order and an edge without `when` always holds: put it last, or give it a `when`",
                );
            }
            let Some(&to) = index.get(&e.to) else {
                ctx.err_hint(
                    sink,
                    "unknown-step",
                    &eat,
                    format!("goes to `{}`, which is not a step of this pathway", e.to),
                    format!("steps[{i}] needs a `to` that names a step id"),
                );
                continue;
            };
            let when = match &e.when {
                Some(src) => {
                    let best = ctx.cites(sink, &eat, &e.cites, true);
                    ctx.weak(sink, &eat, best, "decides a route");
                    if e.because.as_deref().is_none_or(str::is_empty) {
                        ctx.err_hint(
                            sink,
                            "missing-reason",
                            &eat,
                            "has a `when` but no `because`",
                            "say why the route is taken; the worker sees it as the reason",
                        );
                    }
                    ctx.rule(sink, env, &format!("{eat}, `when`"), src, Context::Guard)
                }
                None => {
                    ctx.cites(sink, &eat, &e.cites, false);
                    unconditional = Some(j);
                    None
                }
            };
            graph.add_edge(from, to, j);
            graph[from].edges.push(Edge {
                when,
                when_src: e.when.clone(),
                to,
                because: ctx.expand_opt(sink, &format!("{eat}, `because`"), &e.because),
                cites: e.cites.clone(),
            });
        }
    }
    (graph, index, pending)
}

fn step_kind(ctx: &Ctx<'_>, sink: &mut Sink, env: &Env<'_>, at: &str, def: &StepDef) -> StepKind {
    let codes = |sink: &mut Sink, codes: &[String]| {
        for code in codes {
            if !env.actions.contains(code) {
                ctx.err_hint(
                    sink,
                    "unknown-action",
                    at,
                    format!("does `{code}`, which is not in `actions`"),
                    one_of(
                        "declare it under `actions`, or use one of",
                        code,
                        env.actions.iter().map(String::as_str),
                    ),
                );
            }
        }
    };
    match def {
        StepDef::Question { fact, note, .. } => {
            if !env.local.contains(fact) {
                ctx.err_hint(
                    sink,
                    "unknown-fact",
                    at,
                    format!("asks `{fact}`, which is not in `facts`"),
                    one_of(
                        "declare it under `facts`, or ask one of",
                        fact,
                        env.local.iter().map(String::as_str),
                    ),
                );
            }
            StepKind::Question {
                fact: fact.clone(),
                slot: Slot::Unlinked,
                note: ctx.expand_opt(sink, &format!("{at}, `note`"), note),
            }
        }
        StepDef::Action {
            actions, detail, ..
        } => {
            codes(sink, actions);
            if actions.is_empty() && detail.is_some() {
                ctx.err(
                    sink,
                    "misplaced-field",
                    at,
                    "has a `detail` but no action to attach it to",
                );
            }
            let known = |id: &str| env.local.contains(id);
            let is_date =
                |id: &str| known(id) && env.facts.get(id).is_some_and(|f| f.ty == FactType::Date);
            let detail = detail.as_ref().and_then(|t| {
                Template::parse(t, known, is_date, |id| ctx.contact_text(id))
                    .map_err(|e| ctx.err(sink, "bad-template", &format!("{at}, `detail`"), e))
                    .ok()
            });
            StepKind::Action {
                actions: actions.clone(),
                defs: Vec::new(),
                detail,
            }
        }
        StepDef::Outcome {
            title,
            summary,
            actions,
            next_steps,
            cites,
            ..
        } => {
            codes(sink, actions);
            ctx.cites(sink, at, cites, !next_steps.is_empty());
            let summary = ctx.expand(sink, &format!("{at}, `summary`"), summary);
            let next_steps = next_steps
                .iter()
                .enumerate()
                .map(|(i, t)| ctx.expand(sink, &format!("{at}, `next_steps[{i}]`"), t))
                .collect();
            StepKind::Outcome {
                title: ctx.expand(sink, &format!("{at}, `title`"), title),
                summary,
                actions: actions.clone(),
                defs: Vec::new(),
                next_steps,
                cites: cites.clone(),
            }
        }
        StepDef::Handover { because, cites, .. } => {
            ctx.cites(sink, at, cites, true);
            // Resolved in `resolve_handovers`.
            StepKind::Handover {
                pathway: usize::MAX,
                step: NodeIndex::end(),
                because: ctx.expand(sink, &format!("{at}, `because`"), because),
                cites: cites.clone(),
            }
        }
    }
}

/// Checks set-wide rules: unique pathway ids and at most one entry. Returns the entry.
fn check_set(pathways: &[Pathway], sink: &mut Sink) -> Option<usize> {
    let mut ids = BTreeSet::new();
    for p in pathways {
        if !ids.insert(p.meta.id.as_str()) {
            sink.push(Diagnostic::error(
                "duplicate-pathway",
                &p.file,
                "id",
                format!("pathway id `{}` is used by two files", p.meta.id),
            ));
        }
    }
    let entries: Vec<usize> = (0..pathways.len())
        .filter(|&i| pathways[i].meta.entry)
        .collect();
    if let [_, second, ..] = entries[..] {
        sink.push(Diagnostic::error(
            "duplicate-entry",
            &pathways[second].file,
            "entry",
            "more than one pathway of the set has `\"entry\": true`",
        ));
    }
    entries.first().copied()
}

fn resolve_handovers(
    pathways: &mut [Pathway],
    pending: Vec<Vec<PendingHandover>>,
    parsed: &BTreeSet<&str>,
    sink: &mut Sink,
) {
    for (from, list) in pending.into_iter().enumerate() {
        for h in list {
            let file = pathways[from].file.clone();
            let Some(target) = pathways.iter().position(|p| p.meta.id == h.pathway) else {
                if parsed.contains(h.pathway.as_str()) {
                    continue; // in the set, but with errors of its own
                }
                let ids = pathways.iter().map(|p| p.meta.id.as_str());
                sink.push(
                    Diagnostic::error(
                        "unknown-pathway",
                        &file,
                        &h.at,
                        format!(
                            "hands over to pathway `{}`, which is not in the set",
                            h.pathway
                        ),
                    )
                    .hint(one_of(
                        "add its file to the set's folder, or hand over to one of",
                        &h.pathway,
                        ids,
                    )),
                );
                continue;
            };
            let node = match &h.step {
                None => Some(pathways[target].start),
                Some(step) => pathways[target].index.get(step).copied(),
            };
            let Some(node) = node else {
                sink.push(Diagnostic::error(
                    "unknown-step",
                    &file,
                    &h.at,
                    format!(
                        "hands over to step `{}`, which pathway `{}` does not have",
                        h.step.unwrap_or_default(),
                        h.pathway
                    ),
                ));
                continue;
            };
            if let StepKind::Handover { pathway, step, .. } = &mut pathways[from].graph[h.node].kind
            {
                *pathway = target;
                *step = node;
            }
        }
    }
}

/// Every step must be reachable from its pathway's start or a hand-over into it, and the
/// graph of the whole set (hand-overs included) must have no cycle.
fn check_reachable_and_acyclic(pathways: &[Pathway], sink: &mut Sink) {
    let mut whole: DiGraph<(usize, NodeIndex), ()> = DiGraph::new();
    let mut ids: BTreeMap<(usize, NodeIndex), NodeIndex> = BTreeMap::new();
    for (p, pathway) in pathways.iter().enumerate() {
        for node in pathway.graph.node_indices() {
            ids.insert((p, node), whole.add_node((p, node)));
        }
    }
    let mut roots: Vec<NodeIndex> = Vec::new();
    for (p, pathway) in pathways.iter().enumerate() {
        roots.push(ids[&(p, pathway.start)]);
        for node in pathway.graph.node_indices() {
            let step = &pathway.graph[node];
            for e in &step.edges {
                whole.add_edge(ids[&(p, node)], ids[&(p, e.to)], ());
            }
            if let StepKind::Handover {
                pathway: q,
                step: target,
                ..
            } = step.kind
            {
                whole.add_edge(ids[&(p, node)], ids[&(q, target)], ());
            }
        }
    }
    // Reachable from a pathway's start, or through a hand-over from another pathway: from
    // any start (one iterative walk for the whole set).
    let mut seen = BTreeSet::new();
    let mut dfs = petgraph::visit::Dfs::empty(&whole);
    for &root in &roots {
        dfs.move_to(root);
        while let Some(n) = dfs.next(&whole) {
            seen.insert(whole[n]);
        }
    }
    for (p, pathway) in pathways.iter().enumerate() {
        for node in pathway.graph.node_indices() {
            if !seen.contains(&(p, node)) {
                sink.push(
                    Diagnostic::error(
                        "unreachable-step",
                        &pathway.file,
                        format!("step `{}`", pathway.graph[node].id),
                        "no path from the start reaches it",
                    )
                    .hint("link it from another step, or remove it"),
                );
            }
        }
    }
    // Kosaraju's algorithm walks with an explicit stack (Tarjan's in petgraph recurses once
    // per step, and overflowed at 100,000 steps). Each cycle is reported at its first step
    // by name, cycles in that order.
    let mut cycles: Vec<(Vec<String>, (usize, NodeIndex))> = Vec::new();
    for scc in kosaraju_scc(&whole) {
        let looped = scc.len() > 1 || scc.iter().any(|&n| whole.contains_edge(n, n));
        if looped {
            let mut named: Vec<(String, (usize, NodeIndex))> = scc
                .iter()
                .map(|&n| {
                    let (p, node) = whole[n];
                    let name = format!("{}#{}", pathways[p].meta.id, pathways[p].graph[node].id);
                    (name, (p, node))
                })
                .collect();
            named.sort();
            let at = named[0].1;
            cycles.push((named.into_iter().map(|(n, _)| n).collect(), at));
        }
    }
    cycles.sort();
    for (names, (p, node)) in cycles {
        sink.push(Diagnostic::error("cycle", &pathways[p].file, format!("step `{}`", pathways[p].graph[node].id), format!("the steps {} form a cycle", names.join(", "))).hint("pathways must be acyclic: a walk may never return to a step; hand over to a step after the routing, not to a start"));
    }
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
