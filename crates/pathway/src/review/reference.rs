//! The reference part of the review pack: every action with its instructions, contacts and
//! sources; the contacts directory; the sources; the flowcharts; the sign-off table.

use super::*;

fn contact_lines(c: &crate::model::Contact, bundle: &Bundle) -> Vec<String> {
    let mut lines = vec![c.name.clone()];
    for (label, v) in [
        ("Phone", &c.phone),
        ("Hours", &c.hours),
        ("Email", &c.email),
        ("Web", &c.web),
    ] {
        if let Some(v) = v {
            lines.push(format!("{label}: {v}"));
        }
    }
    let source = bundle.source(&c.source).map_or_else(
        || c.source.clone(),
        |s| format!("{} ({})", s.title, c.source),
    );
    lines.push(format!("Source: {source}"));
    if let Some(url) = &c.url {
        lines.push(format!("Read on: {url}"));
    }
    lines.push(match (&c.checked, c.verified) {
        (Some(day), true) => format!("Checked: {}", crate::date::human_date(day)),
        (_, false) => "UNVERIFIED: check locally".to_owned(),
        (None, true) => "Checked: no date".to_owned(),
    });
    lines
}

fn source_words(bundle: &Bundle, cites: &[String]) -> Vec<String> {
    cites
        .iter()
        .map(|c| {
            let tag = c.split_whitespace().next().unwrap_or(c);
            match bundle.source(tag) {
                Some(s) => format!("{c}: {} (confidence {})", s.title, confidence(s.confidence)),
                None => c.clone(),
            }
        })
        .collect()
}

fn confidence(c: Confidence) -> &'static str {
    match c {
        Confidence::H => "H, primary text seen",
        Confidence::M => "M, secondary or partial",
        Confidence::L => "L, not confirmed",
    }
}

pub(super) fn actions(d: &mut Doc, bundle: &Bundle) {
    d.h(2, "Actions");
    d.p("Every action a route can give, as the worker reads it, with whom they contact and the sources it rests on. Some actions are worded differently for some workers (a police officer records the crime instead of reporting it); each such wording is listed with when it applies.");
    let mut seen: Vec<&str> = Vec::new();
    for p in &bundle.pathways {
        for (code, entry) in p.actions.iter() {
            if seen.contains(&code.as_str()) {
                continue;
            }
            seen.push(code);
            let a = &entry.def;
            d.h(
                3,
                format!("{}{}", a.title, if a.urgent { " (urgent)" } else { "" }),
            );
            let mut lines = vec![format!("What to do: {}", a.instructions)];
            if let Some(why) = &a.why {
                lines.push(format!("Why: {why}"));
            }
            if let Some(c) = a.contact.as_deref().and_then(|c| bundle.contact(c)) {
                lines.push(format!("Contact: {}", contact_lines(c, bundle).join("; ")));
            }
            if let Some(f) = &a.form {
                lines.push(format!(
                    "Form: {}{}",
                    f.name,
                    f.url.as_ref().map_or(String::new(), |u| format!(" ({u})"))
                ));
            }
            for s in source_words(bundle, &a.cites) {
                lines.push(format!("Source: {s}"));
            }
            for v in &a.variants {
                let mut parts = vec![format!("Worded differently when {}", v.when)];
                if let Some(t) = &v.title {
                    parts.push(format!("title \"{t}\""));
                }
                if let Some(i) = &v.instructions {
                    parts.push(format!("what to do: {i}"));
                }
                match v.contact.as_deref() {
                    Some("") => parts.push("no contact".into()),
                    Some(c) => parts.push(format!(
                        "contact: {}",
                        bundle.contact(c).map_or(c, |c| c.name.as_str())
                    )),
                    None => {}
                }
                lines.push(parts.join("; "));
            }
            lines.push(format!("({code})"));
            d.list(lines);
        }
    }
}

pub(super) fn contacts(d: &mut Doc, bundle: &Bundle, today: Date) {
    d.h(2, "Contacts directory");
    d.p("Every contact a worker may be given, with where its details were read and when.");
    let rows = bundle
        .contacts
        .iter()
        .map(|(id, c)| {
            let due = contact_due(c, today).unwrap_or_else(|| "in date".into());
            vec![
                contact_lines(c, bundle),
                vec![c.notes.clone().unwrap_or_default()],
                vec![due],
                vec![id.clone()],
            ]
        })
        .collect();
    d.table(&["Contact", "Notes", "Recheck", "Id"], rows);
}

pub(super) fn all_sources(bundle: &Bundle) -> BTreeMap<&str, &Source> {
    let mut all: BTreeMap<&str, &Source> = BTreeMap::new();
    for p in &bundle.pathways {
        for (tag, s) in &p.sources {
            all.entry(tag).or_insert(s);
        }
    }
    for (tag, s) in &bundle.contact_sources {
        all.entry(tag).or_insert(s);
    }
    all
}

pub(super) fn sources(d: &mut Doc, bundle: &Bundle) {
    d.h(2, "Sources");
    d.p("Every source a rule, action or contact rests on. Addresses are given as text to type or follow; this pack loads nothing.");
    let rows = all_sources(bundle)
        .into_iter()
        .map(|(tag, s)| {
            let mut where_ = Vec::new();
            if let Some(u) = &s.url {
                where_.push(u.clone());
            }
            if let Some(n) = &s.no_url {
                where_.push(format!("No address: {n}"));
            }
            vec![
                vec![tag.to_owned()],
                vec![s.title.clone()],
                vec![confidence(s.confidence).to_owned()],
                where_,
            ]
        })
        .collect();
    d.table(&["Tag", "Title", "Confidence", "Where"], rows);
}

pub(super) fn flowcharts(d: &mut Doc, bundle: &Bundle) {
    d.h(2, "Flowcharts");
    d.p("Each pathway as a flowchart: questions, actions and outcomes, with the edges in the order they are tried.");
    for p in bundle.pathways() {
        let m = bundle.meta(p);
        d.svg(m.title.clone(), graph(bundle, p, GraphFormat::Svg, None));
    }
}

pub(super) fn sign_off(d: &mut Doc, bundle: &Bundle) {
    d.h(2, "Sign-off");
    let entry = bundle.meta(bundle.entry());
    d.p(format!(
        "Approval of {} version {} (content hash {}).",
        entry.title,
        entry.version,
        bundle.content_hash()
    ));
    let blank = || {
        vec![
            vec![String::new()],
            vec![String::new()],
            vec![String::new()],
            vec![String::new()],
        ]
    };
    d.table(
        &["Name", "Role", "Decision", "Date"],
        vec![blank(), blank(), blank()],
    );
}
