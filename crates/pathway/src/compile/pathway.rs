//! One pathway file to a [`Pathway`]: metadata, derived facts, actions and invariants.

use std::collections::{BTreeMap, BTreeSet};

use super::Sink;
use super::ctx::{Ctx, Env, is_ident, one_of};
use super::graph::{Draft, build_graph};
use super::set::check_sources;
use crate::bundle::{ActionEntry, Actions, Derived, Invariant, Meta};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::ActionDef;
use crate::rule::Context;

pub(super) fn compile_pathway(ctx: &Ctx<'_>, sink: &mut Sink) -> Option<Draft> {
    let before = sink.0.iter().filter(|d| d.is_error()).count();
    let model = ctx.model;
    let meta = meta(ctx, sink);
    check_sources(ctx.file, &model.sources, sink);
    for tag in model.sources.keys() {
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            ctx.err(
                sink,
                Code::BadId,
                &format!("sources.{tag}"),
                format!("source tag `{tag}` must be one word"),
            );
        }
    }
    let local: BTreeSet<String> = model.facts.iter().map(|f| f.id.clone()).collect();
    let actions: BTreeSet<String> = model.actions.keys().cloned().collect();
    // Every derived fact that can compile, in id order (its index is its slot), before
    // any rule is checked.
    let mut all_derived: Vec<String> = Vec::new();
    for d in &model.derived {
        if !local.contains(&d.id) && !all_derived.contains(&d.id) && is_ident(&d.id) {
            all_derived.push(d.id.clone());
        }
    }
    all_derived.sort();
    let mut derived_ids = BTreeSet::new();
    let mut derived = Vec::new();
    for (i, d) in model.derived.iter().enumerate() {
        let at = format!("derived[{i}] (`{}`)", d.id);
        if local.contains(&d.id) || derived_ids.contains(&d.id) || !is_ident(&d.id) {
            ctx.err(
                sink,
                Code::DuplicateFact,
                &at,
                format!("`{}` is already a fact or not a valid id", d.id),
            );
            continue;
        }
        let best = ctx.cites(sink, &at, &d.cites, true);
        ctx.weak(sink, &at, best, "decides routes");
        let env = Env {
            facts: ctx.facts,
            decls: ctx.decls,
            local: &local,
            derived: &derived_ids,
            all_derived: &all_derived,
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
        decls: ctx.decls,
        local: &local,
        derived: &derived_ids,
        all_derived: &all_derived,
        actions: &actions,
        contacts: ctx.contacts,
    };
    for (code, action) in &model.actions {
        let at = format!("action `{code}`");
        if !is_ident(code) {
            ctx.err(
                sink,
                Code::BadId,
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
                        Code::UnknownContact,
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
                sink.push(Diagnostic::error(
                    Code::ActionWithoutContact,
                    ctx.file,
                    &at,
                    "names neither a contact nor a form",
                ));
            }
            _ => {}
        }
    }
    let action_defs: BTreeMap<String, ActionEntry> = model
        .actions
        .iter()
        .map(|(code, action)| (code.clone(), compile_action(ctx, sink, &env, code, action)))
        .collect();
    let (steps, index) = build_graph(ctx, sink, &env);
    let start = index.get(&model.start).copied();
    if start.is_none() {
        ctx.err(
            sink,
            Code::UnknownStep,
            "start",
            format!("`start` is `{}`, which is not a step", model.start),
        );
    }
    for (i, f) in model.must_ask.iter().enumerate() {
        if !local.contains(f) {
            ctx.err(
                sink,
                Code::UnknownFact,
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
            ctx.err(sink, Code::BadId, &at, format!("`{}` {why}", inv.id));
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
    (errors == before).then(|| Draft {
        meta,
        file: ctx.file.to_owned(),
        sources: model.sources.clone(),
        derived,
        actions: Actions::new(action_defs),
        steps,
        start,
        index,
        must_ask: model.must_ask.clone(),
        invariants,
    })
}

/// An action's texts with their contacts filled in, its variants' rules compiled, and the
/// contacts each wording names.
pub(super) fn compile_action(
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
                    Code::UnknownContact,
                    &vat,
                    format!("names contact `{c}`, which is not in the contacts directory"),
                );
            }
            None if v.form.is_none() && action.form.is_none() => {
                sink.push(
                    Diagnostic::error(Code::ActionWithoutContact, ctx.file, &vat, "names neither a contact nor a form")
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
        sink.push(Diagnostic::warning(
            Code::ActionWithoutWhy,
            ctx.file,
            &at,
            "has no `why`: the worker is not told why this action is due",
        ));
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

pub(super) fn dedup(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
}

pub(super) fn meta(ctx: &Ctx<'_>, sink: &mut Sink) -> Option<Meta> {
    let m = ctx.model;
    if !m
        .id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || m.id.is_empty()
    {
        ctx.err(
            sink,
            Code::BadId,
            "id",
            format!(
                "`{}` is not a valid pathway id: use lowercase letters, digits and `-`",
                m.id
            ),
        );
    }
    let date = |sink: &mut Sink, field: &str, text: &str| {
        text.parse::<Date>()
            .map_err(|e| ctx.err(sink, Code::BadDate, field, e.to_string()))
            .ok()
    };
    let reviewed = date(sink, "reviewed", &m.reviewed);
    let review_by = date(sink, "review_by", &m.review_by);
    let (reviewed, review_by) = (reviewed?, review_by?);
    if review_by < reviewed {
        ctx.err(sink, Code::BadDate, "review_by", "is before `reviewed`");
    }
    let guidance = m
        .guidance
        .as_ref()
        .and_then(|tag| match m.sources.get(tag) {
            Some(source) => Some(source.title.clone()),
            None => {
                ctx.err_hint(
                sink,
                Code::UnknownSource,
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
