//! The shape of the code (issue 14): the library's modules are split on their seams, so no
//! file in `crates/pathway/src` grows past 600 lines, and petgraph stays inside the compiler.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn library_files() -> Vec<(String, String)> {
    let src = pathway_tests::root().join("crates/pathway/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(
        files.len() > 20,
        "found only {} files in {}",
        files.len(),
        src.display()
    );
    files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(&src).unwrap().display().to_string();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn no_library_file_is_over_600_lines() {
    let long: Vec<String> = library_files()
        .into_iter()
        .filter_map(|(name, text)| {
            let n = text.lines().count();
            (n > 600).then(|| format!("{name}: {n} lines"))
        })
        .collect();
    assert!(long.is_empty(), "split these on their seams: {long:?}");
}

#[test]
fn petgraph_is_used_only_inside_the_compiler() {
    let outside: Vec<String> = library_files()
        .into_iter()
        .filter(|(name, text)| !name.starts_with("compile") && text.contains("petgraph::"))
        .map(|(name, _)| name)
        .collect();
    assert!(outside.is_empty(), "petgraph outside compile/: {outside:?}");
}
