//! Plain language: the Flesch reading ease of every question and action title, help texts
//! that open with a short answer, and the readability table in
//! `pathways/hertfordshire/REVIEW.md` kept current.
//!
//! Flesch reading ease = 206.835 - 1.015 (words / sentences) - 84.6 (syllables / words):
//! 60-70 is plain English, over 70 easy, under 50 hard. Syllables are counted with the usual
//! heuristic (groups of vowels, a silent final "e" dropped, at least one per word), which is
//! good to a syllable or so a word: enough to rank texts and to see a rewrite help.

use std::fs;

use pathway_tests::root;
use serde_json::Value as Json;

/// Syllables of one word (letters only), by vowel groups.
fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    if w.is_empty() {
        return 0;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let mut count = 0;
    let mut previous = false;
    for &c in &w {
        let v = vowel(c);
        if v && !previous {
            count += 1;
        }
        previous = v;
    }
    // A silent final "e" ("make"), but not "-le" after a consonant ("little").
    let n = w.len();
    if n > 2 && w[n - 1] == 'e' && !vowel(w[n - 2]) && (w[n - 2] != 'l' || vowel(w[n - 3])) {
        count -= 1;
    }
    count.max(1)
}

/// Flesch reading ease of a text.
fn flesch(text: &str) -> f64 {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.is_empty() {
        return 100.0;
    }
    let sentences = text
        .split(['.', '!', '?', ':', ';'])
        .filter(|s| s.chars().any(char::is_alphabetic))
        .count()
        .max(1);
    let syllables: usize = words.iter().flat_map(|w| w.split('-')).map(syllables).sum();
    let words = words.len() as f64;
    206.835 - 1.015 * (words / sentences as f64) - 84.6 * (syllables as f64 / words)
}

/// Every question (`fact:` id) and action title (`action:` code) of a set's pathway files,
/// each once (the first file that declares it), with its text.
fn texts(files: &[(String, Json)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (_, json) in files {
        for fact in json["facts"].as_array().into_iter().flatten() {
            let id = format!("fact: {}", fact["id"].as_str().unwrap());
            if !out.iter().any(|(k, _)| *k == id) {
                out.push((id, fact["question"].as_str().unwrap().to_owned()));
            }
        }
        for (code, action) in json["actions"].as_object().into_iter().flatten() {
            let id = format!("action: {code}");
            if !out.iter().any(|(k, _)| *k == id) {
                out.push((id, action["title"].as_str().unwrap().to_owned()));
            }
        }
    }
    out
}

fn set(dir: &str) -> Vec<(String, Json)> {
    let mut files: Vec<(String, Json)> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let json: Json = serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), json)
        })
        .filter(|(_, j)| j["format"] == "pathway/v1")
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The readability table of the shipped set, hardest first.
fn table() -> String {
    let mut rows: Vec<(f64, String, String)> = texts(&set("pathways/hertfordshire"))
        .into_iter()
        .map(|(id, text)| (flesch(&text), id, text))
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out = String::from("| reading ease | item | text |\n|---:|---|---|\n");
    for (score, id, text) in rows {
        out.push_str(&format!(
            "| {score:.0} | `{id}` | {} |\n",
            text.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn the_syllable_counter_and_the_formula_agree_with_worked_examples() {
    for (word, n) in [
        ("cat", 1),
        ("make", 1),
        ("little", 2),
        ("referral", 3),
        ("danger", 2),
        ("consent", 2),
        ("organisation", 5),
        ("the", 1),
    ] {
        assert_eq!(syllables(word), n, "{word}");
    }
    // Short words in short sentences read easily; long ones do not.
    assert!(flesch("Call 999 now. Keep them safe.") > 80.0);
    assert!(
        flesch("Consideration of organisational responsibilities necessitates documentation.")
            < 0.0
    );
}

#[test]
fn review_md_carries_the_current_readability_table() {
    let review = fs::read_to_string(root().join("pathways/hertfordshire/REVIEW.md")).unwrap();
    let (start, end) = ("<!-- readability:start -->\n", "<!-- readability:end -->");
    let shown = review
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table)
        .expect("REVIEW.md has no readability table between its markers");
    let table = table();
    assert_eq!(
        shown, table,
        "REVIEW.md's readability table is out of date; replace it with:\n{table}"
    );
}

#[test]
fn the_ten_hardest_texts_of_1_0_0_read_more_easily_now() {
    let old = texts(&set("fixtures/v1/hertfordshire-1.0.0"));
    let new = texts(&set("pathways/hertfordshire"));
    let mut scored: Vec<(f64, &String, &String)> =
        old.iter().map(|(id, t)| (flesch(t), id, t)).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (before, id, text) in scored.iter().take(10) {
        let (_, now) = new
            .iter()
            .find(|(k, _)| k == *id)
            .unwrap_or_else(|| panic!("{id} ({text:?}) is gone in 2.0.0"));
        let after = flesch(now);
        assert!(
            after > *before,
            "{id} was {before:.0} (\"{text}\") and is {after:.0} (\"{now}\")"
        );
    }
}

#[test]
fn every_help_text_opens_with_a_short_answer() {
    for (file, json) in set("pathways/hertfordshire") {
        for fact in json["facts"].as_array().into_iter().flatten() {
            let Some(help) = fact["help"].as_str() else {
                continue;
            };
            let words = help.split_whitespace().count();
            assert!(
                words <= 40,
                "{file}: the help of `{}` has {words} words; open with at most 40 and move the rest to `more`",
                fact["id"]
            );
        }
    }
}
