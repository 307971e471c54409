//! Changes of content that move no route: wording (questions, help, answer labels, action
//! texts), contacts, sources, safety properties, hazards and review dates. Read from the
//! files as authored.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;

use crate::bundle::SourceFile;
use crate::model::{ContactsFile, HazardsFile, PathwayFile};

/// One changed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentChange {
    /// What kind of item: `pathway`, `question`, `action`, `contact`, `source`,
    /// `invariant` or `hazard`.
    pub kind: &'static str,
    /// Its id (for an action, its code; for a source, its tag).
    pub id: String,
    /// The field that changed (`added` or `removed` for a whole item).
    pub field: String,
    /// Before (none when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// After (none when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// The pathways it changed in, for a per-pathway item (an action, a safety property).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pathways: Vec<String>,
}

#[derive(Default)]
struct Models {
    pathways: Vec<PathwayFile>,
    contacts: Vec<ContactsFile>,
    hazards: Vec<HazardsFile>,
}

fn models(files: &[SourceFile<'_>]) -> Models {
    let mut m = Models::default();
    for f in files {
        let Ok(json) = serde_json::from_str::<Json>(f.text) else {
            continue;
        };
        let format = json.get("format").and_then(Json::as_str).unwrap_or("");
        if format.starts_with("contacts/") {
            m.contacts.extend(serde_json::from_value(json).ok());
        } else if format.starts_with("hazards/") {
            m.hazards.extend(serde_json::from_value(json).ok());
        } else {
            m.pathways.extend(serde_json::from_value(json).ok());
        }
    }
    m
}

/// Each field of a serialisable item as text (strings as they are, anything else as JSON).
fn fields<T: Serialize>(item: &T, skip: &[&str]) -> BTreeMap<String, String> {
    let Ok(Json::Object(map)) = serde_json::to_value(item) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| {
            let text = match v {
                Json::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

/// Items by id in both versions: each field added, removed or changed.
fn compare(
    out: &mut Vec<ContentChange>,
    kind: &'static str,
    pathway: Option<&str>,
    old: &BTreeMap<String, BTreeMap<String, String>>,
    new: &BTreeMap<String, BTreeMap<String, String>>,
) {
    let mut push = |id: &str, field: &str, o: Option<&String>, n: Option<&String>| {
        let change = ContentChange {
            kind,
            id: id.to_owned(),
            field: field.to_owned(),
            old: o.cloned(),
            new: n.cloned(),
            pathways: Vec::new(),
        };
        // The same change in several pathways is one change, naming them.
        match out.iter_mut().find(|c| {
            c.kind == change.kind
                && c.id == change.id
                && c.field == change.field
                && c.old == change.old
                && c.new == change.new
        }) {
            Some(c) => c.pathways.extend(pathway.map(str::to_owned)),
            None => {
                let mut change = change;
                change.pathways.extend(pathway.map(str::to_owned));
                out.push(change);
            }
        }
    };
    for (id, o) in old {
        match new.get(id) {
            None => push(id, "removed", o.get("title").or(o.get("question")), None),
            Some(n) => {
                let keys: std::collections::BTreeSet<&String> = o.keys().chain(n.keys()).collect();
                for k in keys {
                    if o.get(k) != n.get(k) {
                        push(id, k, o.get(k), n.get(k));
                    }
                }
            }
        }
    }
    for (id, n) in new {
        if !old.contains_key(id) {
            push(id, "added", None, n.get("title").or(n.get("question")));
        }
    }
}

/// Every change of content between two versions of a set, in a fixed order: pathways,
/// questions, actions, safety properties, contacts, sources, hazards.
pub(crate) fn content_changes(
    old: &[SourceFile<'_>],
    new: &[SourceFile<'_>],
) -> Vec<ContentChange> {
    let (o, n) = (models(old), models(new));
    let mut out = Vec::new();
    let meta = |m: &Models| -> BTreeMap<String, BTreeMap<String, String>> {
        m.pathways
            .iter()
            .map(|p| {
                let mut f = BTreeMap::new();
                for (k, v) in [
                    ("title", &p.title),
                    ("version", &p.version),
                    ("reviewed", &p.reviewed),
                    ("review_by", &p.review_by),
                ] {
                    f.insert(k.to_owned(), v.clone());
                }
                (p.id.clone(), f)
            })
            .collect()
    };
    compare(&mut out, "pathway", None, &meta(&o), &meta(&n));
    // A fact reads as the first file of the set that declares it.
    let facts = |m: &Models| -> BTreeMap<String, BTreeMap<String, String>> {
        let mut all = BTreeMap::new();
        for p in &m.pathways {
            for f in &p.facts {
                all.entry(f.id.clone())
                    .or_insert_with(|| fields(f, &["id"]));
            }
        }
        all
    };
    compare(&mut out, "question", None, &facts(&o), &facts(&n));
    let ids = |m: &Models| -> Vec<String> { m.pathways.iter().map(|p| p.id.clone()).collect() };
    let mut pathway_ids = ids(&o);
    for id in ids(&n) {
        if !pathway_ids.contains(&id) {
            pathway_ids.push(id);
        }
    }
    for id in &pathway_ids {
        let actions = |m: &Models| -> BTreeMap<String, BTreeMap<String, String>> {
            m.pathways
                .iter()
                .filter(|p| p.id == *id)
                .flat_map(|p| p.actions.iter().map(|(c, a)| (c.clone(), fields(a, &[]))))
                .collect()
        };
        compare(&mut out, "action", Some(id), &actions(&o), &actions(&n));
        let invariants = |m: &Models| -> BTreeMap<String, BTreeMap<String, String>> {
            m.pathways
                .iter()
                .filter(|p| p.id == *id)
                .flat_map(|p| {
                    p.invariants
                        .iter()
                        .map(|i| (i.id.clone(), fields(i, &["id"])))
                })
                .collect()
        };
        compare(
            &mut out,
            "invariant",
            Some(id),
            &invariants(&o),
            &invariants(&n),
        );
    }
    let contacts = |m: &Models| -> BTreeMap<String, BTreeMap<String, String>> {
        m.contacts
            .iter()
            .flat_map(|c| {
                c.contacts
                    .iter()
                    .map(|(id, c)| (id.clone(), fields(c, &[])))
            })
            .collect()
    };
    compare(&mut out, "contact", None, &contacts(&o), &contacts(&n));
    let sources = |m: &Models| -> BTreeMap<String, BTreeMap<String, String>> {
        let mut all = BTreeMap::new();
        for (tag, s) in m
            .pathways
            .iter()
            .flat_map(|p| p.sources.iter())
            .chain(m.contacts.iter().flat_map(|c| c.sources.iter()))
        {
            all.entry(tag.clone()).or_insert_with(|| fields(s, &[]));
        }
        all
    };
    compare(&mut out, "source", None, &sources(&o), &sources(&n));
    let hazards = |m: &Models| -> BTreeMap<String, BTreeMap<String, String>> {
        m.hazards
            .iter()
            .flat_map(|h| h.hazards.iter().map(|h| (h.id.clone(), fields(h, &["id"]))))
            .collect()
    };
    compare(&mut out, "hazard", None, &hazards(&o), &hazards(&n));
    out
}
