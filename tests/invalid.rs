//! Every file in `fixtures/invalid/` must give the diagnostic its name gives (`<code>.json`
//! or `<code>--<variant>.json`; a folder is a multi-file set): an error code rejects the set,
//! a warning code shows in the warnings of a set that loads. The full diagnostic text is a
//! reviewed snapshot, and every diagnostic code the library emits has a fixture.

use std::fs;
use std::path::{Path, PathBuf};

use pathway::{Bundle, Diagnostic, LoadOptions, SourceFile};
use pathway_tests::root;

/// The date fixtures are checked on (`review-overdue` is past its review date on it).
const TODAY: &str = "2026-11-22";

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
    // A folder with its own contacts directory tests that directory; `no-contacts` is the
    // one fixture that must have none.
    let own_contacts = paths
        .iter()
        .any(|p| fs::read_to_string(p).is_ok_and(|t| t.contains("\"format\": \"contacts/v1\"")));
    if !own_contacts && path.file_stem().is_none_or(|s| s != "no-contacts") {
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

/// What a fixture gives: the diagnostics that stop it loading, or, when it loads, every
/// warning a front shows (the compiler's, verification's and the review's on [`TODAY`]).
struct Checked {
    loaded: bool,
    diagnostics: Vec<Diagnostic>,
    /// The text of the snapshot.
    text: String,
}

fn check(path: &Path) -> Checked {
    let files = fixture_files(path);
    let sources: Vec<SourceFile<'_>> = files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    match Bundle::load_with_warnings(&sources, &LoadOptions::default()) {
        Err(e) => Checked {
            loaded: false,
            text: e.to_string(),
            diagnostics: e.0,
        },
        Ok((bundle, mut warnings)) => {
            let today = TODAY.parse().unwrap();
            warnings.extend(pathway::verify(&bundle, today).diagnostics);
            warnings.extend(bundle.review_warnings(today));
            let mut text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            text.push(format!(
                "0 errors found; the pathway set loaded with {} warning{} (checked on {TODAY})",
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" }
            ));
            Checked {
                loaded: true,
                diagnostics: warnings,
                text: text.join("\n"),
            }
        }
    }
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
fn every_invalid_fixture_gives_its_diagnostic() {
    let all = fixtures();
    assert!(all.len() >= 20, "only {} invalid fixtures", all.len());
    for path in all {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let code = name.split("--").next().unwrap();
        let checked = check(&path);
        let text = &checked.text;
        if checked.loaded {
            // A warning's fixture: the set loads and shows the warning (and no other code).
            assert!(
                checked.diagnostics.iter().all(|d| d.code == code),
                "fixtures/invalid/{name} loaded: expected only `{code}` warnings, got:\n{text}"
            );
            assert!(
                !checked.diagnostics.is_empty(),
                "fixtures/invalid/{name} loaded with no diagnostic: it must give `{code}`"
            );
        } else {
            assert!(
                checked
                    .diagnostics
                    .iter()
                    .any(|d| d.is_error() && d.code == code),
                "fixtures/invalid/{name}: expected a `{code}` error, got:\n{text}"
            );
        }
        // Every diagnostic says how to fix it.
        for d in &checked.diagnostics {
            assert!(d.hint.is_some(), "fixtures/invalid/{name}: no hint on\n{d}");
        }
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("invalid__{name}"), text);
        });
    }
}

/// Every diagnostic code of the library (`Code::ALL`), errors and warnings, has a fixture.
#[test]
fn every_diagnostic_code_has_a_fixture() {
    let all = fixtures();
    let name = |p: &PathBuf| p.file_stem().unwrap().to_string_lossy().into_owned();
    let mut missing = Vec::new();
    for code in pathway::Code::ALL.iter().map(|c| c.as_str()) {
        let mine: Vec<&PathBuf> = all
            .iter()
            .filter(|p| name(p) == code || name(p).starts_with(&format!("{code}--")))
            .collect();
        if mine.is_empty() {
            missing.push(code);
        }
        for path in mine {
            let checked = check(path);
            assert!(
                checked.diagnostics.iter().any(|d| d.code == code),
                "fixtures/invalid/{}: its diagnostics do not include `{code}`:\n{}",
                name(path),
                checked.text
            );
        }
    }
    assert!(
        missing.is_empty(),
        "no fixture in fixtures/invalid/ for {missing:?}: add `<code>.json` (or a folder) that gives it"
    );
    // And no fixture is named after a code that is not in the list.
    for path in &all {
        let n = name(path);
        let code = n.split("--").next().unwrap();
        assert!(
            pathway::Code::ALL.iter().any(|c| c.as_str() == code),
            "fixtures/invalid/{n}: `{code}` is not a diagnostic code (pathway::Code::ALL)"
        );
    }
}
