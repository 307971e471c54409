//! Fact declarations: merged across the set, checked against the vocabulary, typed.

use std::collections::{BTreeMap, BTreeSet};

use super::Sink;
use super::ctx::{fill, is_ident, names};
use crate::bundle::{FactDecl, Settles};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{ChoiceOption, ContactsFile, FactDef, FactType, PathwayFile};
use crate::vocab::{fact_v1, fact_v2};

/// Merges fact declarations across the set; the same id must mean the same everywhere.
pub(super) fn merge_facts(
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
                    Code::DuplicateFact,
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
                    Diagnostic::error(Code::FactRedefined, file, &at, format!("fact `{}` is declared with another type, range or options than in another file of the set", def.id)),
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

pub(super) fn same_type(a: &FactDecl, b: &FactDecl) -> bool {
    let values = |d: &FactDecl| {
        d.options
            .iter()
            .map(|o| o.value.clone())
            .collect::<Vec<_>>()
    };
    a.ty == b.ty && a.min == b.min && a.max == b.max && values(a) == values(b)
}

pub(super) fn fact_decl(
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
                    Code::Vocabulary,
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
                Diagnostic::error(Code::Vocabulary, file, at, format!("`{}` is a vocabulary fact, which takes no `default`", def.id))
                    .hint("a record that omits a v1 fact is asked for it; a default would answer for the worker (remove `default`)"),
            );
        }
    }
    let mut bad = |code, message: String| sink.push(Diagnostic::error(code, file, at, message));
    if !is_ident(&def.id) {
        bad(
            Code::BadId,
            format!(
                "`{}` is not a valid fact id: use lowercase letters, digits and `_`",
                def.id
            ),
        );
    }
    let ty = def.ty;
    if ty != FactType::Choice && !def.options.is_empty() {
        bad(
            Code::MisplacedField,
            "`options` is only for `choice` facts".into(),
        );
    }
    if ty == FactType::Choice {
        let values: BTreeSet<_> = def.options.iter().map(|o| o.value.as_str()).collect();
        if def.options.len() < 2 || values.len() != def.options.len() {
            bad(
                Code::BadOptions,
                "a `choice` fact needs at least two options with distinct values".into(),
            );
        }
    }
    if ty != FactType::Integer && (def.min.is_some() || def.max.is_some()) {
        bad(
            Code::MisplacedField,
            "`min` and `max` are only for `integer` facts".into(),
        );
    }
    if ty == FactType::Integer {
        match (def.min, def.max) {
            (Some(min), Some(max)) if min <= max => {}
            _ => bad(
                Code::BadRange,
                "an `integer` fact needs `min` and `max` with min <= max".into(),
            ),
        }
    }
    if ty != FactType::Bool && def.labels.is_some() {
        bad(
            Code::MisplacedField,
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
                    Code::Vocabulary,
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
                    Code::Vocabulary,
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
                Code::MissingDefault,
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
                Code::BadOptions,
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
                Code::HelpTooLong,
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
                    Code::BadDefault,
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
pub(super) const HELP_WORDS: usize = 40;

/// The `sets` of each choice fact's options (the facts an answer settles) and its
/// `rewrites` (how older records read), checked against the merged declarations and typed
/// into them.
pub(super) fn check_settles(
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
                    Diagnostic::error(Code::BadOptions, file, &at, message).hint(
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
                            Code::BadOptions,
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
                    Diagnostic::error(Code::FactRedefined, file, &at, format!("fact `{}` settles or rewrites other facts differently than in another file of the set", def.id))
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

pub(super) fn type_name(ty: FactType) -> &'static str {
    match ty {
        FactType::Bool => "bool",
        FactType::Choice => "choice",
        FactType::Integer => "integer",
        FactType::Date => "date",
    }
}
