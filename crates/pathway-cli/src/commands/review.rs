//! `pathway review`: the review pack a steering group approves a set from.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pathway::{Bundle, ReviewFormat, review_pack};

use crate::args::ReviewFormatArg;
use crate::io::{Result, load_dir, say_raw, today as parse_today, write_shared};

pub(crate) fn run(
    dir: Option<&Path>,
    set: Option<&Path>,
    format: ReviewFormatArg,
    out: Option<PathBuf>,
    today: Option<&str>,
) -> Result<ExitCode> {
    let today = parse_today(today)?;
    // Like `check`: the set is compiled and verified from its files, never taken on trust.
    let bundle = match set.or(dir) {
        Some(path) => load_dir(path, &Default::default())?,
        None => Bundle::load(pathway::bundled_files())?,
    };
    let format = match format {
        ReviewFormatArg::Html => ReviewFormat::Html,
        ReviewFormatArg::Markdown => ReviewFormat::Markdown,
    };
    let pack = review_pack(&bundle, today, format);
    match out {
        Some(file) => write_shared(&file, &pack)?,
        None => say_raw!("{pack}"),
    }
    Ok(ExitCode::SUCCESS)
}
