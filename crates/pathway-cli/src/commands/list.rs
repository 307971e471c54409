//! `pathway list`: the pathways of the set.

use std::path::Path;
use std::process::ExitCode;

use crate::args::ListFormat;
use crate::io::{Result, load_set, say};

pub(crate) fn run(dir: Option<&Path>, format: ListFormat) -> Result<ExitCode> {
    let set = load_set(dir, None, &Default::default())?;
    let b = &set.bundle;
    match format {
        ListFormat::Json => {
            let list: Vec<_> = b.pathways().map(|p| b.meta(p)).collect();
            say!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        ListFormat::Text => {
            say!("{} ({} paths verified)", set.origin, b.paths_verified());
            for p in b.pathways() {
                let m = b.meta(p);
                let entry = if m.entry {
                    "  [entry: used when no pathway is named]"
                } else {
                    ""
                };
                say!(
                    "  {:<22} v{:<7} review by {}  {}{entry}",
                    m.id,
                    m.version,
                    m.review_by,
                    m.title
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
