//! Every file in `fixtures/invalid/` must be rejected with the diagnostic its name gives
//! (`<code>.json` or `<code>--<variant>.json`; a folder is a multi-file set), and the full
//! diagnostic text is a reviewed snapshot.

use std::fs;
use std::path::{Path, PathBuf};

use pathway::{Bundle, SourceFile};
use pathway_tests::root;

fn invalid_dir() -> PathBuf {
    root().join("fixtures/invalid")
}

/// The files of one fixture: the fixture itself (a file or a folder of files) plus the
/// shared test contacts directory.
fn fixture_files(path: &Path) -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = if path.is_dir() {
        fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    paths.sort();
    // A folder with its own contacts directory tests that directory.
    let own_contacts = paths
        .iter()
        .any(|p| fs::read_to_string(p).is_ok_and(|t| t.contains("\"format\": \"contacts/v1\"")));
    if !own_contacts {
        paths.push(invalid_dir().join("_contacts.json"));
    }
    paths
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(p).unwrap(),
            )
        })
        .collect()
}

fn load(files: &[(String, String)]) -> Result<Bundle, pathway::LoadError> {
    let sources: Vec<SourceFile<'_>> = files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    Bundle::load(&sources)
}

fn fixtures() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = fs::read_dir(invalid_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            // `shipped/` holds patches of the bundled set: see tests/invariants.rs.
            !name.starts_with('_') && name != "shipped"
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_valid_base_of_the_invalid_fixtures_loads() {
    let files = fixture_files(&root().join("fixtures/valid/mini.json"));
    let bundle = load(&files).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bundle.paths_verified(), 4);
}

#[test]
fn every_invalid_fixture_is_rejected_with_its_diagnostic() {
    let all = fixtures();
    assert!(all.len() >= 20, "only {} invalid fixtures", all.len());
    for path in all {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let code = name.split("--").next().unwrap();
        let err = match load(&fixture_files(&path)) {
            Ok(_) => panic!("fixtures/invalid/{name} loaded, but must be rejected"),
            Err(e) => e,
        };
        assert!(
            err.0.iter().any(|d| d.is_error() && d.code == code),
            "fixtures/invalid/{name}: expected a `{code}` error, got:\n{err}"
        );
        // Every diagnostic says how to fix it.
        for d in &err.0 {
            assert!(d.hint.is_some(), "fixtures/invalid/{name}: no hint on\n{d}");
        }
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("invalid__{name}"), err.to_string());
        });
    }
}
