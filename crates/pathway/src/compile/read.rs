//! Reading a file of a set: strict JSON, then the typed model, with line and column.

use super::Sink;
use crate::bundle::SourceFile;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    CONTACTS_FORMAT, ContactsFile, HAZARDS_FORMAT, HazardsFile, PATHWAY_FORMAT, PathwayFile,
};
use serde::de::DeserializeOwned;

pub(super) enum Parsed {
    Pathway(Box<PathwayFile>),
    Contacts(ContactsFile),
    Hazards(HazardsFile),
}

pub(super) fn read_file(file: &SourceFile<'_>, sink: &mut Sink) -> Option<Parsed> {
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
                    Code::UnknownFormat,
                    file.name,
                    "",
                    match value.get("format") {
                        Some(f) => format!("`format` is {f}; expected \"{PATHWAY_FORMAT}\", \"{CONTACTS_FORMAT}\" or \"{HAZARDS_FORMAT}\""),
                        None => format!("there is no `format`; expected \"{PATHWAY_FORMAT}\", \"{CONTACTS_FORMAT}\" or \"{HAZARDS_FORMAT}\""),
                    },
                ),
            );
            None
        }
    }
}

pub(super) fn parse_json<T: DeserializeOwned>(file: &SourceFile<'_>, sink: &mut Sink) -> Option<T> {
    report_json(file, sink, serde_json::from_str(file.text))
}

/// The parsed document, or a diagnostic at the line and column of the JSON error.
pub(super) fn report_json<T>(
    file: &SourceFile<'_>,
    sink: &mut Sink,
    parsed: Result<T, serde_json::Error>,
) -> Option<T> {
    parsed
        .map_err(|e| {
            let text = crate::json::explain(file.text, &e);
            let message = text.split(" at line ").next().unwrap_or(&text).to_owned();
            let code = if e.is_syntax() || e.is_eof() {
                Code::JsonSyntax
            } else if message.ends_with(crate::json::DUPLICATE) {
                Code::DuplicateKey
            } else if message.starts_with("unknown field") {
                Code::UnknownField
            } else {
                Code::JsonShape
            };
            let mut d = Diagnostic::error(
                code,
                file.name,
                format!("line {}, column {}", e.line(), e.column()),
                message,
            );
            if e.is_eof() {
                d = d.hint("the file ends in the middle of a value: it may be cut short; check that every `{`, `[` and `\"` is closed");
            }
            sink.push(d);
        })
        .ok()
}
