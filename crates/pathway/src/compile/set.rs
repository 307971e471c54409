//! Set-wide checks: the contacts directory, sources, services, the hazard log, pathway ids.

use std::collections::{BTreeMap, BTreeSet};

use super::Sink;
use super::ctx::one_of;
use super::graph::Draft;
use crate::bundle::FactDecl;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{ContactsFile, HazardDef, HazardsFile, Source};
use crate::vocab::ORGANISATION;

pub(super) fn check_contacts(
    contacts: &[(String, ContactsFile)],
    sink: &mut Sink,
) -> Option<ContactsFile> {
    match contacts {
        [] => {
            sink.push(Diagnostic::error(
                Code::NoContacts,
                "",
                "",
                "the set has no contacts directory",
            ));
            None
        }
        [(file, c)] => {
            for (id, contact) in &c.contacts {
                let at = format!("contact `{id}`");
                if contact.phone.is_none() && contact.web.is_none() && contact.email.is_none() {
                    sink.push(Diagnostic::error(
                        Code::ContactUnreachable,
                        file,
                        &at,
                        "gives no phone, web address or email",
                    ));
                }
                if !c.sources.contains_key(&contact.source) {
                    sink.push(Diagnostic::error(
                        Code::UnknownSource,
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
                        Code::BadDate,
                        file,
                        &at,
                        format!("`checked` is `{checked}`, not a date written YYYY-MM-DD"),
                    ));
                }
                if contact.verified && (contact.url.is_none() || contact.checked.is_none()) {
                    sink.push(
                        Diagnostic::error(
                            Code::ContactProvenance,
                            file,
                            &at,
                            "is marked verified but does not say where and when: it needs `url` (the page the details were read on) and `checked` (the date)",
                        ),
                    );
                }
            }
            check_sources(file, &c.sources, sink);
            Some(c.clone())
        }
        [_, (file, _), ..] => {
            sink.push(Diagnostic::error(
                Code::DuplicateContacts,
                file,
                "",
                "the set has more than one contacts directory",
            ));
            None
        }
    }
}

/// Every source has a `url`, or says in `no_url` why not, so that a reader can follow it.
pub(super) fn check_sources(file: &str, sources: &BTreeMap<String, Source>, sink: &mut Sink) {
    for (tag, source) in sources {
        if source.url.is_none() && source.no_url.is_none() {
            sink.push(Diagnostic::warning(
                Code::SourceWithoutUrl,
                file,
                format!("sources.{tag}"),
                "has no `url`, so a reader cannot follow it",
            ));
        }
    }
}

/// A contact's `service_of` names an organisation type the set asks about.
pub(super) fn check_services(
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
                    Code::UnknownOption,
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
pub(super) fn check_hazards(
    logs: &[(String, HazardsFile)],
    pathways: &[Draft],
    sink: &mut Sink,
) -> Vec<HazardDef> {
    let [(file, log), rest @ ..] = logs else {
        return Vec::new();
    };
    for (other, _) in rest {
        sink.push(Diagnostic::error(
            Code::DuplicateHazards,
            other,
            "",
            "the set has more than one hazard log",
        ));
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
            sink.push(Diagnostic::error(
                Code::DuplicateHazard,
                file,
                &at,
                format!("hazard id `{}` is used twice", h.id),
            ));
        }
        if h.controls.is_empty() {
            sink.push(Diagnostic::error(
                Code::HazardUncontrolled,
                file,
                &at,
                "names no control: nothing proves this hazard cannot happen",
            ));
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
                        Code::UnknownControl,
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

/// Checks set-wide rules: unique pathway ids and at most one entry. Returns the entry.
pub(super) fn check_set(pathways: &[Draft], sink: &mut Sink) -> Option<usize> {
    let mut ids = BTreeSet::new();
    for p in pathways {
        if !ids.insert(p.meta.id.as_str()) {
            sink.push(Diagnostic::error(
                Code::DuplicatePathway,
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
            Code::DuplicateEntry,
            &pathways[second].file,
            "entry",
            "more than one pathway of the set has `\"entry\": true`",
        ));
    }
    entries.first().copied()
}
