//! Loading an older version of a set for comparison.
//!
//! A set written before a content check existed may fail it today: content 1.0.0 marks
//! contacts verified without saying where and when they were checked (`contact-provenance`,
//! added with 2.0.0). Such a set is still compared, with each relaxed check said in the
//! output; a set that fails any other check (structure, types, routes) is refused.

use crate::bundle::{Bundle, LoadOptions, SourceFile};
use crate::diagnostic::{Diagnostic, LoadError};

/// The checks a set may fail and still be compared, each with what the comparison does.
pub const RELAXED_CHECKS: [(&str, &str); 2] = [
    (
        "contact-provenance",
        "the contact is read as unverified for this comparison",
    ),
    (
        "invariant-broken",
        "the set is compared anyway; its routes are shown as they are",
    ),
];

/// A set loaded for comparison, with the checks it was let off.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The set.
    pub bundle: Bundle,
    /// Each check the set fails today and what the comparison did about it: empty for a set
    /// that loads as it is.
    pub relaxed: Vec<String>,
}

/// Loads a set for comparison: as it is, or, when the only errors are checks in
/// [`RELAXED_CHECKS`], with those relaxed (and said). Any other error refuses the set.
pub fn load_for_comparison(files: &[SourceFile<'_>]) -> Result<Loaded, LoadError> {
    let err = match Bundle::load(files) {
        Ok(bundle) => {
            return Ok(Loaded {
                bundle,
                relaxed: Vec::new(),
            });
        }
        Err(e) => e,
    };
    let relaxable = |d: &Diagnostic| RELAXED_CHECKS.iter().any(|(c, _)| *c == d.code.as_str());
    if err.0.iter().any(|d| d.is_error() && !relaxable(d)) {
        return Err(err);
    }
    let mut relaxed: Vec<String> = err
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let what = RELAXED_CHECKS
                .iter()
                .find(|(c, _)| *c == d.code.as_str())
                .map_or("", |(_, w)| w);
            format!("{d}: {what}").replace('\n', " ")
        })
        .collect();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.name.to_owned(), unverify_contacts(f.text)))
        .collect();
    let patched: Vec<SourceFile<'_>> = texts
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    let bundle = Bundle::load_with(
        &patched,
        &LoadOptions {
            prove_invariants: false,
        },
    )?;
    let report = crate::verify::verify(&bundle, crate::compile::reference_date(&bundle));
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.code == "invariant-broken")
    {
        let what = RELAXED_CHECKS[1].1;
        relaxed.push(format!("{d}: {what}").replace('\n', " "));
    }
    Ok(Loaded { bundle, relaxed })
}

/// A contacts directory with every contact marked verified but lacking `url` or `checked`
/// read as unverified; any other file as it is.
fn unverify_contacts(text: &str) -> String {
    let Ok(mut json) = serde_json::from_str::<serde_json::Value>(text) else {
        return text.to_owned();
    };
    let is_contacts = json
        .get("format")
        .and_then(|f| f.as_str())
        .is_some_and(|f| f.starts_with("contacts/"));
    if !is_contacts {
        return text.to_owned();
    }
    if let Some(contacts) = json.get_mut("contacts").and_then(|c| c.as_object_mut()) {
        for c in contacts.values_mut() {
            let Some(c) = c.as_object_mut() else { continue };
            let verified = c.get("verified").and_then(|v| v.as_bool()) == Some(true);
            if verified && (!c.contains_key("url") || !c.contains_key("checked")) {
                c.insert("verified".into(), serde_json::Value::Bool(false));
                c.remove("checked");
            }
        }
    }
    serde_json::to_string_pretty(&json).unwrap_or_else(|_| text.to_owned())
}
