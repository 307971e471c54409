//! Deliberately broken copies of the shipped pathways (`fixtures/invalid/shipped/*.json`,
//! each a patch of one step, optionally with new steps in `add`; a `null` in `set` removes a
//! field): loading refuses each with the broken invariant and a counterexample, and the
//! counterexample, replayed both through the library and through the real `pathway decide`
//! binary, reproduces the violation. Every invariant and must-ask rule of the shipped files
//! has such a copy.
//!
//! Also the shipped content itself: no phone number is written into a pathway text (numbers
//! live in `contacts.json` and reach texts through `{{contact(id)}}`), and contact notes hold
//! no number a worker could dial by mistake.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use pathway::{
    Bundle, Config, Evaluation, Facts, LoadOptions, SourceFile, State, bundled, bundled_files,
    evaluate, verify,
};
use pathway_tests::{pathway, root};
use serde_json::Value as Json;

struct Patch {
    name: String,
    file: String,
    step: String,
    set: serde_json::Map<String, Json>,
    add: Vec<Json>,
    breaks: String,
}

fn patches() -> Vec<Patch> {
    let mut paths: Vec<_> = fs::read_dir(root().join("fixtures/invalid/shipped"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let json: Json = serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
            Patch {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                file: json["file"].as_str().unwrap().to_owned(),
                step: json["step"].as_str().unwrap().to_owned(),
                set: json["set"].as_object().unwrap().clone(),
                add: json
                    .get("add")
                    .map(|a| a.as_array().unwrap().clone())
                    .unwrap_or_default(),
                breaks: json["breaks"].as_str().unwrap().to_owned(),
            }
        })
        .collect()
}

/// The bundled files with the patch applied to one step.
fn patched(patch: &Patch) -> Vec<(String, String)> {
    bundled_files()
        .iter()
        .map(|f| {
            if f.name != patch.file {
                return (f.name.to_owned(), f.text.to_owned());
            }
            let mut json: Json = serde_json::from_str(f.text).unwrap();
            let steps = json["steps"].as_array_mut().unwrap();
            let step = steps
                .iter_mut()
                .find(|s| s["id"] == patch.step.as_str())
                .unwrap_or_else(|| {
                    panic!("{}: no step `{}` in {}", patch.name, patch.step, patch.file)
                });
            let step = step.as_object_mut().unwrap();
            for (k, v) in &patch.set {
                if v.is_null() {
                    step.remove(k);
                } else {
                    step.insert(k.clone(), v.clone());
                }
            }
            steps.extend(patch.add.iter().cloned());
            (
                f.name.to_owned(),
                serde_json::to_string_pretty(&json).unwrap(),
            )
        })
        .collect()
}

fn sources(files: &[(String, String)]) -> Vec<SourceFile<'_>> {
    files
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect()
}

/// The files written to a fresh folder, for `decide --pathways`.
fn write_set(name: &str, files: &[(String, String)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("pathway-invariants-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        fs::write(dir.join(file), text).unwrap();
    }
    dir
}

/// What a replayed walk shows, read either from the library's [`Evaluation`] or from the JSON
/// that `pathway decide` prints: the pathway it ended in, the codes, and each visit with the
/// answer read there.
#[derive(Debug, PartialEq)]
struct Replay {
    ended_in: String,
    codes: Vec<String>,
    visits: Vec<Seen>,
}

/// One visit of a replayed walk: pathway, step, and the fact and value read there.
type Seen = (String, String, Option<(String, Json)>);

impl Replay {
    fn of(evaluation: &Evaluation) -> Self {
        let State::Finished(outcome) = &evaluation.state else {
            panic!("the counterexample does not finish: {:?}", evaluation.state)
        };
        Self {
            ended_in: outcome.pathway.to_owned(),
            codes: outcome.codes().iter().map(|c| (*c).to_owned()).collect(),
            visits: evaluation
                .trail
                .iter()
                .map(|v| {
                    let answer = v
                        .answer
                        .as_ref()
                        .map(|a| (a.fact.to_owned(), a.value.to_json()));
                    (v.pathway.to_owned(), v.step.to_owned(), answer)
                })
                .collect(),
        }
    }

    fn printed(json: &Json) -> Self {
        assert_eq!(json["status"], "finished", "{json}");
        let text = |v: &Json| v.as_str().unwrap().to_owned();
        Self {
            ended_in: text(&json["outcome"]["pathway"]),
            codes: json["codes"].as_array().unwrap().iter().map(text).collect(),
            visits: json["trail"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    let answer = v
                        .get("answer")
                        .map(|a| (text(&a["fact"]), a["value"].clone()));
                    (text(&v["pathway"]), text(&v["step"]), answer)
                })
                .collect(),
        }
    }

    fn path(&self) -> Vec<String> {
        self.visits
            .iter()
            .map(|(p, s, _)| format!("{p}#{s}"))
            .collect()
    }

    fn answer(&self, fact: &str) -> Option<&Json> {
        self.visits
            .iter()
            .find_map(|(_, _, a)| a.as_ref().filter(|(f, _)| f == fact).map(|(_, v)| v))
    }

    fn is(&self, fact: &str, value: impl Into<Json>) -> bool {
        self.answer(fact) == Some(&value.into())
    }

    fn did(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c == code)
    }

    /// The walk ended on the child pathway (which hands every adult over) or the adult one.
    fn child(&self) -> bool {
        self.ended_in == "hertfordshire-child"
    }

    fn adult(&self) -> bool {
        self.ended_in == "hertfordshire-adult"
    }

    /// Whether the replay shows the violation the invariant forbids. `does` gives the codes
    /// a step of the (patched) set adds.
    fn violates(&self, invariant: &str, does: &dyn Fn(&str, &str) -> Vec<String>) -> bool {
        let referral = |c: &str| {
            [
                "nrm_referral",
                "contact_first_responder",
                "duty_to_notify",
                "childrens_services_referral",
                "adult_safeguarding_referral",
            ]
            .contains(&c)
        };
        match invariant {
            "danger_first" => {
                self.is("immediate_danger", true)
                    && self.codes.first().map(String::as_str) != Some("call_999")
            }
            "danger_asked_first" => {
                let first = self.visits.iter().find_map(|(_, _, a)| a.as_ref());
                first.is_none_or(|(f, _)| f != "immediate_danger")
            }
            "child_no_consent" => self.child() && self.answer("consent_to_nrm").is_some(),
            "child_referred" => {
                self.child()
                    && self.is("suspected_modern_slavery", true)
                    && (!self.did("childrens_services_referral")
                        || !(self.did("nrm_referral") || self.did("contact_first_responder"))
                        || self.did("duty_to_notify"))
            }
            "adult_nrm_needs_consent" => {
                self.adult()
                    && self.did("nrm_referral")
                    && !(self.is("consent_to_nrm", "given")
                        || (self.is("has_capacity_to_consent", false)
                            && self.did("best_interests_decision")))
            }
            "adult_declined" => {
                self.adult()
                    && self.is("consent_to_nrm", "declined")
                    && (self.did("nrm_referral")
                        || (self.is("reporter_is_public_authority", true)
                            && !self.did("duty_to_notify")))
            }
            "route_into_system" => {
                let charity_exception = self.adult()
                    && self.is("consent_to_nrm", "declined")
                    && self.is("reporter_is_first_responder", true)
                    && self.is("reporter_is_public_authority", false)
                    && self.did("helpline_advice")
                    && self.did("offer_support_information");
                self.is("suspected_modern_slavery", true)
                    && !(self.did("nrm_referral")
                        || self.did("contact_first_responder")
                        || self.did("duty_to_notify"))
                    && !charity_exception
            }
            "adult_safeguarding" => {
                self.adult()
                    && (self.is("care_and_support_needs", true)
                        || self.is("has_capacity_to_consent", false))
                    && !self.did("adult_safeguarding_referral")
            }
            "adult_needs_asked" => {
                self.adult()
                    && self.is("suspected_modern_slavery", true)
                    && (self.answer("care_and_support_needs").is_none()
                        || self.answer("has_capacity_to_consent").is_none())
            }
            "capacity_doubt_checked_first" => {
                // Doubt asked without a Yes to capacity (the old order could record "no reason
                // to doubt" beside a lack of capacity), or a doubt with no assessment before
                // the consent question.
                let assessed = self
                    .visits
                    .iter()
                    .position(|(p, s, _)| does(p, s).iter().any(|c| c == "assess_mental_capacity"));
                let consent = self
                    .visits
                    .iter()
                    .position(|(_, _, a)| a.as_ref().is_some_and(|(f, _)| f == "consent_to_nrm"));
                let assessed_late = match (assessed, consent) {
                    (None, _) => true,
                    (Some(a), Some(c)) => c < a,
                    (Some(_), None) => false,
                };
                self.adult()
                    && self.answer("capacity_in_doubt").is_some()
                    && (!self.is("has_capacity_to_consent", true)
                        || (self.is("capacity_in_doubt", true) && assessed_late))
            }
            "age_route_first" => {
                // A step before the age is settled adds a referral.
                let settled = self.visits.iter().position(|(_, _, a)| {
                    a.as_ref().is_some_and(|(f, _)| {
                        ["date_of_birth", "age", "may_be_under_18"].contains(&f.as_str())
                    })
                });
                let before = &self.visits[..settled.unwrap_or(self.visits.len())];
                before
                    .iter()
                    .any(|(p, s, _)| does(p, s).iter().any(|c| referral(c)))
            }
            "must_ask" => {
                self.answer("immediate_danger").is_none() || self.answer("age_basis").is_none()
            }
            other => panic!("no replay check for `{other}`: add one to `Replay::violates`"),
        }
    }
}

/// `pathway decide <start> --pathways <dir> --unproven --today <today>` on one record.
fn decide_unproven(dir: &Path, start: &str, today: &str, facts: &Facts) -> Json {
    let record: serde_json::Map<String, Json> = facts
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_json()))
        .collect();
    let mut args: Vec<&OsStr> = vec!["decide".as_ref(), start.as_ref(), "--pathways".as_ref()];
    args.push(dir.as_os_str());
    args.extend(["--unproven", "--today", today, "--facts", "-"].map(OsStr::new));
    let o = pathway(&args, &serde_json::to_string(&record).unwrap());
    assert_eq!(o.code, 0, "decide --unproven failed: {}", o.stderr);
    assert!(
        o.stderr.contains("never use this for a real case"),
        "no warning: {}",
        o.stderr
    );
    serde_json::from_str(&o.stdout).unwrap()
}

#[test]
fn each_broken_copy_is_refused_and_its_counterexample_replays_through_decide() {
    let all = patches();
    assert!(all.len() >= 12, "only {} broken copies", all.len());
    for patch in all {
        let files = patched(&patch);
        let err = Bundle::load(&sources(&files))
            .err()
            .unwrap_or_else(|| panic!("{} loaded", patch.name));
        let broken: Vec<_> = err.0.iter().filter(|d| d.is_error()).collect();
        assert!(
            broken.iter().all(|d| d.code == "invariant-broken"),
            "{}: only invariants may break, got:\n{err}",
            patch.name
        );
        assert!(
            broken
                .iter()
                .any(|d| d.location == format!("invariant `{}`", patch.breaks)),
            "{}: expected `{}` to break, got:\n{err}",
            patch.name,
            patch.breaks
        );

        // Load it anyway and replay the shortest counterexample.
        let options = LoadOptions {
            prove_invariants: false,
        };
        let bundle = Bundle::load_with(&sources(&files), &options).unwrap();
        let today = "2026-11-22".parse().unwrap();
        let report = verify(&bundle, today);
        let verdict = report
            .invariants
            .iter()
            .find(|i| i.id == patch.breaks && i.counterexample.is_some())
            .unwrap_or_else(|| panic!("{}: no counterexample for `{}`", patch.name, patch.breaks));
        let example = verdict.counterexample.as_ref().unwrap();
        let start = bundle.find(&example.pathway).unwrap();
        let evaluation = evaluate(&bundle, start, &example.facts, &Config::new(example.today));
        let replay = Replay::of(&evaluation);
        assert_eq!(replay.path(), example.path, "{}", patch.name);
        assert_eq!(replay.codes, example.codes, "{}", patch.name);

        // The codes each step of the patched set adds, for `age_route_first`.
        let files_json: Vec<Json> = files
            .iter()
            .map(|(_, t)| serde_json::from_str(t).unwrap())
            .collect();
        let does = |pathway: &str, step: &str| -> Vec<String> {
            files_json
                .iter()
                .filter(|f| f["id"] == pathway)
                .flat_map(|f| f["steps"].as_array().unwrap())
                .filter(|s| s["id"] == step)
                .flat_map(|s| s["do"].as_array().cloned().unwrap_or_default())
                .map(|c| c.as_str().unwrap().to_owned())
                .collect()
        };
        assert!(
            replay.violates(&patch.breaks, &does),
            "{}: the library replay of {:?} does not show the violation: {:?}",
            patch.name,
            example.facts,
            replay.codes
        );

        // The same counterexample through the real binary, on the patched files.
        let dir = write_set(&patch.name, &files);
        let printed = decide_unproven(
            &dir,
            &example.pathway,
            &example.today.to_string(),
            &example.facts,
        );
        let shown = Replay::printed(&printed);
        assert_eq!(
            shown, replay,
            "{}: decide differs from the library",
            patch.name
        );
        assert!(
            shown.violates(&patch.breaks, &does),
            "{}: `pathway decide` does not show the violation of `{}`: {printed}",
            patch.name,
            patch.breaks
        );
        let _ = fs::remove_dir_all(&dir);
    }
}

#[test]
fn every_shipped_invariant_and_must_ask_has_a_broken_copy() {
    let mut declared = BTreeSet::new();
    for f in bundled_files() {
        let json: Json = serde_json::from_str(f.text).unwrap();
        for inv in json["invariants"].as_array().into_iter().flatten() {
            declared.insert(inv["id"].as_str().unwrap().to_owned());
        }
        if json["must_ask"].as_array().is_some_and(|m| !m.is_empty()) {
            declared.insert("must_ask".to_owned());
        }
    }
    assert!(declared.len() >= 10, "{declared:?}");
    let covered: BTreeSet<String> = patches().into_iter().map(|p| p.breaks).collect();
    let missing: Vec<_> = declared.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "no broken copy in fixtures/invalid/shipped/ breaks {missing:?}"
    );
}

#[test]
fn the_shipped_set_proves_every_invariant_over_every_path() {
    let files: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| (f.name.to_owned(), f.text.to_owned()))
        .collect();
    let bundle = Bundle::load(&sources(&files)).unwrap_or_else(|e| panic!("{e}"));
    let report = verify(&bundle, "2026-11-22".parse().unwrap());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(report.paths > 100, "only {} paths", report.paths);
    let ids: Vec<&str> = report.invariants.iter().map(|i| i.id.as_str()).collect();
    for id in [
        "danger_first",
        "danger_asked_first",
        "child_no_consent",
        "child_referred",
        "adult_nrm_needs_consent",
        "adult_declined",
        "route_into_system",
        "adult_safeguarding",
        "adult_needs_asked",
        "capacity_doubt_checked_first",
        "age_route_first",
        "must_ask",
    ] {
        assert!(
            ids.contains(&id),
            "invariant `{id}` is not checked; checked: {ids:?}"
        );
    }
    assert!(
        report
            .invariants
            .iter()
            .all(|i| i.counterexample.is_none() && i.paths > 0)
    );
}

/// Runs of digits that look like a phone number: 6 or more digits with at most single spaces
/// between them (UK numbers, `+44 …`), or the short non-emergency numbers 101 and 111 standing
/// alone. 999 is allowed in text: it never changes and "Call 999 now" must stay recognisable.
fn phone_like(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut digits = 0;
        while end < chars.len() {
            if chars[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if chars[end] == ' ' && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
                end += 1;
            } else {
                break;
            }
        }
        let run: String = chars[start..end].iter().collect();
        let word_char = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
        let alone = !word_char(start.checked_sub(1).and_then(|j| chars.get(j)))
            && !word_char(chars.get(end));
        if digits >= 6 || (alone && (run == "101" || run == "111")) {
            found.push(run);
        }
        i = end;
    }
    found
}

/// Every string in a JSON value with its key path, skipping the keys given.
fn strings<'a>(json: &'a Json, at: String, skip: &[&str], out: &mut Vec<(String, &'a str)>) {
    match json {
        Json::String(s) => out.push((at, s)),
        Json::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(v, format!("{at}[{i}]"), skip, out);
            }
        }
        Json::Object(map) => {
            for (k, v) in map {
                if !skip.contains(&k.as_str()) {
                    strings(v, format!("{at}.{k}"), skip, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn phone_like_finds_numbers_and_not_dates_or_sections() {
    assert_eq!(
        phone_like("Call 0800 808 3733 or 08000 121 700, or +44 300 123 4043."),
        ["0800 808 3733", "08000 121 700", "44 300 123 4043"]
    );
    assert_eq!(phone_like("Call 101 now; NHS 111."), ["101", "111"]);
    for fine in [
        "Call 999 now",
        "call_999",
        "13 February 2026, 2026-11-22, SI 2022/877, ss49-52, §5.28",
        "at least 30 days, about 5 working days, 100 days short of 18, 12 languages",
        "police_101",
    ] {
        assert!(
            phone_like(fine).is_empty(),
            "{fine}: {:?}",
            phone_like(fine)
        );
    }
}

#[test]
fn no_phone_number_is_written_into_a_pathway_text() {
    let mut found = Vec::new();
    for f in bundled_files() {
        let json: Json = serde_json::from_str(f.text).unwrap();
        let mut texts = Vec::new();
        if f.name == "contacts.json" {
            // Only `phone` holds a number to dial: a number in a name, the hours or a note
            // (such as an outdated one) would be shown to a worker, who may dial it.
            strings(
                &json,
                String::new(),
                &["phone", "email", "web", "url", "checked"],
                &mut texts,
            );
        } else {
            // Source URLs are not shown as something to dial.
            strings(&json, String::new(), &["url"], &mut texts);
        }
        for (at, text) in texts {
            for run in phone_like(text) {
                found.push(format!("{}{at}: `{run}` in {text:?}", f.name));
            }
        }
    }
    assert!(
        found.is_empty(),
        "write numbers in contacts.json and use {{{{contact(id)}}}}:\n{}",
        found.join("\n")
    );
}

#[test]
fn contact_placeholders_appear_only_in_texts_that_fill_them_in() {
    // The compiler fills in `{{contact(id)}}` in these fields; anywhere else it would reach
    // the worker as raw braces.
    let filled = ["instructions", "detail", "summary", "next_steps"];
    let mut wrong = Vec::new();
    let mut used = 0;
    for f in bundled_files().iter().filter(|f| f.name != "contacts.json") {
        let json: Json = serde_json::from_str(f.text).unwrap();
        let mut texts = Vec::new();
        strings(&json, String::new(), &[], &mut texts);
        for (at, text) in texts.into_iter().filter(|(_, t)| t.contains("{{")) {
            used += text.matches("{{contact(").count();
            let field = at.rsplit('.').next().unwrap().split('[').next().unwrap();
            if !filled.contains(&field) {
                wrong.push(format!("{}{at}", f.name));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "placeholders that are never filled in: {wrong:?}"
    );
    assert!(used >= 20, "only {used} contact placeholders");
}

fn finished<'b>(bundle: &'b Bundle, facts: &str, today: &str) -> pathway::Outcome<'b> {
    let today = today.parse().unwrap();
    let facts = bundle
        .parse_facts(&serde_json::from_str(facts).unwrap(), today)
        .unwrap();
    let evaluation = evaluate(bundle, bundle.entry(), &facts, &Config::new(today));
    match evaluation.state {
        State::Finished(outcome) => outcome,
        other => panic!("not finished: {other:?}"),
    }
}

#[test]
fn shipped_texts_read_numbers_from_the_directory_and_mark_unverified_ones() {
    let bundle = bundled().unwrap_or_else(|e| panic!("{e}"));
    let outcome = finished(
        &bundle,
        r#"{"immediate_danger": false, "age_basis": "stated_age", "age": 40,
            "suspected_modern_slavery": true, "someone_speaks_for_them": false,
            "care_and_support_needs": false, "has_capacity_to_consent": true,
            "capacity_in_doubt": false, "consent_to_nrm": "given",
            "reporter_is_first_responder": false}"#,
        "2026-11-22",
    );
    let text = |code: &str| {
        outcome
            .actions
            .iter()
            .find(|a| a.code == code)
            .unwrap_or_else(|| panic!("no {code}"))
            .instructions
            .to_owned()
    };
    let police = text("police_report");
    assert!(
        police.contains("Hertfordshire Constabulary (non-emergency) on 101"),
        "{police}"
    );
    // GLAA is not verified in contacts.json: the number comes with "check locally".
    assert!(
        police.contains("(GLAA) on 0800 432 0804 (unverified: check locally)"),
        "{police}"
    );
    assert!(police.contains("Crimestoppers on 0800 555 111"), "{police}");
    let pass = text("contact_first_responder");
    assert!(pass.contains("on 0800 808 3733 (24 hours)"), "{pass}");
    assert!(!pass.contains("{{"), "{pass}");
    let support = outcome.next_steps.join("\n");
    assert!(support.contains("0800 808 3733"), "{support}");
    assert!(!support.contains("{{"), "{support}");

    // The outdated Salvation Army number is shown nowhere, but the warning against it is,
    // in words.
    for a in &outcome.actions {
        let json = serde_json::to_string(a).unwrap();
        assert!(!json.contains("8151"), "{json}");
    }
    let contacts = bundled_files()
        .iter()
        .find(|f| f.name == "contacts.json")
        .unwrap();
    let contacts: Json = serde_json::from_str(contacts.text).unwrap();
    let notes = contacts["contacts"]["salvation_army"]["notes"]
        .as_str()
        .unwrap();
    assert!(
        notes.contains("older 0300 number") && notes.contains("out of date"),
        "{notes}"
    );
}

#[test]
fn a_contact_placeholder_naming_no_contact_is_refused() {
    let files: Vec<(String, String)> = bundled_files()
        .iter()
        .map(|f| {
            let text = if f.name == "adult.json" {
                f.text.replace("{{contact(glaa)}}", "{{contact(gla)}}")
            } else {
                f.text.to_owned()
            };
            (f.name.to_owned(), text)
        })
        .collect();
    let Err(err) = Bundle::load(&sources(&files)) else {
        panic!("a set with `{{{{contact(gla)}}}}` loaded")
    };
    let bad: Vec<_> = err.0.iter().filter(|d| d.code == "bad-template").collect();
    assert!(!bad.is_empty(), "{err}");
    assert!(
        bad.iter()
            .any(|d| d.location.contains("police_report") && d.message.contains("`gla`")),
        "{err}"
    );
}
