//! Monitoring records and `pathway stats`: a record holds nothing that could identify a
//! person, identical walks give identical records, and no report shows a count from 1 to 4
//! or lets one be worked out from what it shows.

use std::collections::BTreeSet;

use pathway::{
    AGE_GROUPS, Bundle, CONSENTS, Cell, Config, Date, MONITORING_FIELDS, MonitoringRecord,
    MonitoringVocab, StatsReport, Table, bundled, evaluate, monitoring_record, route, stats_csv,
    stats_html, stats_json, stats_report,
};
use pathway_tests::{monitoring_year, pathway, root};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

fn bundle() -> &'static Bundle {
    static BUNDLE: std::sync::OnceLock<Bundle> = std::sync::OnceLock::new();
    BUNDLE.get_or_init(|| bundled().unwrap_or_else(|e| panic!("{e}")))
}

fn vocab() -> MonitoringVocab {
    MonitoringVocab::new(bundle())
}

/// Every fact of the set with a drawn answer (valid), on a drawn day.
fn walk() -> impl Strategy<Value = (serde_json::Map<String, Json>, Date)> {
    let facts = crate::props::declared_facts();
    let day = (0i64..3000).prop_map(|d| "2024-01-01".parse::<Date>().unwrap().add_days(d).unwrap());
    (
        day,
        proptest::collection::vec(any::<(bool, u16, u8)>(), facts.len()),
    )
        .prop_map(move |(today, draws)| {
            let mut map = serde_json::Map::new();
            for ((id, ty, options), (give, n, k)) in facts.iter().zip(draws) {
                // Most facts given, so that most walks finish.
                if !give && n % 4 == 0 && *id != "immediate_danger" {
                    continue;
                }
                let value = match ty {
                    pathway::model::FactType::Bool => json!(k % 2 == 0),
                    pathway::model::FactType::Choice => json!(options[k as usize % options.len()]),
                    pathway::model::FactType::Integer => json!(i64::from(n % 100)),
                    pathway::model::FactType::Date => {
                        json!(today.add_days(-i64::from(n % 20_000)).unwrap().to_string())
                    }
                };
                map.insert(id.clone(), value);
            }
            // Settled facts are given through the organisation only.
            map.remove("reporter_is_first_responder");
            map.remove("reporter_is_public_authority");
            map.remove("capacity_in_doubt");
            (map, today)
        })
}

fn record_of(facts: &serde_json::Map<String, Json>, today: Date) -> Option<MonitoringRecord> {
    let parsed = bundle()
        .parse_facts(&Json::Object(facts.clone()), today)
        .ok()?;
    let config = Config {
        today,
        use_defaults: true,
    };
    let evaluation = evaluate(bundle(), bundle().entry(), &parsed, &config);
    monitoring_record(bundle(), &evaluation, &parsed, today)
}

/// Checks a record's JSON: exactly the allowed fields, each value from its closed vocabulary,
/// and no digit anywhere but in the month and in vocabulary values.
fn assert_anonymous(json: &str, today: Date) {
    let v = vocab();
    let Json::Object(map) = serde_json::from_str::<Json>(json).unwrap() else {
        panic!("{json}")
    };
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let allowed: BTreeSet<&str> = MONITORING_FIELDS.iter().copied().collect();
    assert_eq!(
        keys.iter().copied().collect::<BTreeSet<_>>(),
        allowed,
        "{json}"
    );
    let within = |field: &str, list: Vec<&str>| {
        let value = map[field]
            .as_str()
            .unwrap_or_else(|| panic!("{field} in {json}"));
        assert!(list.contains(&value), "{field} = {value} in {json}");
    };
    within("format", vec!["pathway-monitoring/v1"]);
    assert_eq!(
        map["month"],
        json!(format!("{:04}-{:02}", today.year(), today.month()))
    );
    within(
        "district",
        v.districts.iter().map(|(k, _)| k.as_str()).collect(),
    );
    within(
        "organisation",
        v.organisations.iter().map(|(k, _)| k.as_str()).collect(),
    );
    within(
        "exploitation_type",
        v.exploitation_types
            .iter()
            .map(|(k, _)| k.as_str())
            .collect(),
    );
    within("age_group", AGE_GROUPS.iter().map(|(k, _)| *k).collect());
    within("consent", CONSENTS.iter().map(|(k, _)| *k).collect());
    assert!(map["age_doubted"].is_boolean(), "{json}");
    for code in map["codes"].as_array().unwrap() {
        assert!(v.codes.contains(code.as_str().unwrap()), "{code} in {json}");
    }
    // No digits outside the month and the vocabularies (no date, age in years, id or time).
    let mut rest = json.replace(map["month"].as_str().unwrap(), "");
    for code in map["codes"].as_array().unwrap() {
        rest = rest.replace(&format!("\"{}\"", code.as_str().unwrap()), "");
    }
    rest = rest.replace(&format!("\"{}\"", map["age_group"].as_str().unwrap()), "");
    rest = rest.replace("pathway-monitoring/v1", "");
    assert!(
        !rest.chars().any(|c| c.is_ascii_digit()),
        "a digit in {json}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_record_holds_only_the_allowed_fields_from_closed_vocabularies((facts, today) in walk()) {
        if let Some(record) = record_of(&facts, today) {
            let json = record.to_json();
            assert_anonymous(&json, today);
            // Identical walks, identical records (no id, no time finer than the month).
            prop_assert_eq!(record_of(&facts, today).map(|r| r.to_json()), Some(json.clone()));
            // A later day of the same month gives the same record when the ages are the same.
            prop_assert_eq!(MonitoringRecord::parse(&json, &vocab()).unwrap(), record);
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn no_report_shows_or_gives_away_a_count_from_1_to_4(seed in 1u64..u64::MAX, count in 1usize..80) {
        let records = monitoring_year::records(bundle(), seed, count);
        let report = stats_report(&records, &vocab());
        audit(&report, &records);
    }
}

#[test]
fn the_year_fixture_is_what_the_generator_writes() {
    let written =
        std::fs::read_to_string(root().join("fixtures/monitoring/year-2026.jsonl")).unwrap();
    let generated: String = monitoring_year::records(bundle(), 2026, 600)
        .iter()
        .map(|r| r.to_json() + "\n")
        .collect();
    assert!(
        written == generated,
        "fixtures/monitoring/year-2026.jsonl is out of date: cargo run -p pathway-tests --example monitoring_year > fixtures/monitoring/year-2026.jsonl"
    );
}

#[test]
fn the_year_report_suppresses_and_every_format_agrees() {
    let text = std::fs::read_to_string(root().join("fixtures/monitoring/year-2026.jsonl")).unwrap();
    let v = vocab();
    let records: Vec<MonitoringRecord> = text
        .lines()
        .map(|l| MonitoringRecord::parse(l, &v).unwrap())
        .collect();
    let report = stats_report(&records, &v);
    audit(&report, &records);
    assert_eq!(report.records(), Cell::Count(600));
    // Something is suppressed in a realistic year (else the test proves little).
    assert!(
        report
            .tables
            .iter()
            .flat_map(|t| t.cells.iter().flatten())
            .any(|c| *c == Cell::Small)
    );
    assert!(
        report
            .tables
            .iter()
            .flat_map(|t| t.cells.iter().flatten())
            .any(|c| *c == Cell::Hidden)
    );
    // CSV and JSON: every count shown is 0 or at least 5.
    for line in stats_csv(&report).lines().skip(1) {
        let count = line.rsplit(',').next().unwrap();
        if let Ok(n) = count.parse::<u64>() {
            assert!(n == 0 || n >= 5, "{line}");
        } else {
            assert!(count == "<5" || count == "[c]", "{line}");
        }
    }
    let json: Json = serde_json::from_str(&stats_json(&report)).unwrap();
    assert_eq!(json["format"], "pathway-stats/v1");
    for cell in json["tables"].as_array().unwrap().iter().flat_map(|t| {
        t["cells"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap())
    }) {
        if let Some(n) = cell.as_u64() {
            assert!(n == 0 || n >= 5, "{cell}");
        }
    }
    // HTML: self-contained, no script, no address to fetch.
    let html = stats_html(&report);
    assert!(html.contains("<svg") && html.contains("default-src 'none'"));
    for banned in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(banned), "{banned}");
    }
}

/// Every check of a report, against the records it counts.
fn audit(report: &StatsReport, records: &[MonitoringRecord]) {
    // The total row is shown the same in every table (it is the same counts).
    let totals: BTreeSet<Vec<Cell>> = report
        .tables
        .iter()
        .map(|t| t.cells.last().unwrap().clone())
        .collect();
    assert_eq!(totals.len(), 1, "total rows differ across tables");
    for t in &report.tables {
        check_counts(t, records);
        for row in &t.cells {
            let line: Vec<_> = row.iter().map(|c| c.shown()).collect();
            for c in row {
                if let Cell::Count(n) = c {
                    assert!(*n == 0 || *n >= 5, "{}: {line:?}", t.id);
                }
            }
        }
        let fixed = determined(&[t]);
        assert!(
            fixed.is_empty(),
            "{}: hidden entries {fixed:?} can be worked out from the shown cells and totals",
            t.id
        );
    }
    let all: Vec<&Table> = report.tables.iter().collect();
    let fixed = determined(&all);
    assert!(fixed.is_empty(), "worked out across tables: {fixed:?}");
}

/// The counts shown are the true counts.
fn check_counts(t: &Table, records: &[MonitoringRecord]) {
    let key = |r: &MonitoringRecord| match t.id {
        "quarter" => r.quarter(),
        "district" => r.district.clone(),
        "organisation" => r.organisation.clone(),
        "age_group" => r.age_group.clone(),
        _ => r.exploitation_type.clone(),
    };
    for (i, row) in t.cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let n = records
                .iter()
                .filter(|r| t.rows.get(i).is_none_or(|(k, _)| *k == key(r)))
                .filter(|r| t.columns.get(j).is_none_or(|(k, _)| k == route(r)))
                .count() as u64;
            match cell {
                Cell::Count(c) => assert_eq!(*c, n, "{} row {i} column {j}", t.id),
                Cell::Small => assert!((1..=4).contains(&n), "{} row {i} column {j}: {n}", t.id),
                Cell::Hidden => {}
            }
        }
    }
}

/// The hidden entries (table, row, column) that the shown cells and totals of `tables` fix
/// by adding and subtracting lines: an entry is fixed when its unit vector is a combination
/// of the lines' equations over the hidden entries. The total row (the same in every table)
/// is one set of unknowns shared by all the tables.
fn determined(tables: &[&Table]) -> Vec<(&'static str, usize, usize)> {
    let mut unknowns: Vec<(&'static str, usize, usize)> = Vec::new();
    let mut index = |t: &Table, i: usize, j: usize| {
        let key = if i + 1 == t.cells.len() {
            ("total", i, j)
        } else {
            (t.id, i, j)
        };
        match unknowns.iter().position(|u| *u == key) {
            Some(p) => p,
            None => {
                unknowns.push(key);
                unknowns.len() - 1
            }
        }
    };
    let mut equations: Vec<Vec<(usize, f64)>> = Vec::new();
    for t in tables {
        let (rows, cols) = (t.cells.len(), t.cells[0].len());
        let mut lines: Vec<Vec<(usize, usize)>> = (0..rows)
            .map(|i| (0..cols).map(|j| (i, j)).collect())
            .collect();
        lines.extend((0..cols).map(|j| (0..rows).map(|i| (i, j)).collect::<Vec<_>>()));
        for line in lines {
            let total = *line.last().unwrap();
            let eq: Vec<(usize, f64)> = line
                .iter()
                .filter(|&&(i, j)| !matches!(t.cells[i][j], Cell::Count(_)))
                .map(|&(i, j)| (index(t, i, j), if (i, j) == total { -1.0 } else { 1.0 }))
                .collect();
            if !eq.is_empty() {
                equations.push(eq);
            }
        }
    }
    let n = unknowns.len();
    let dense: Vec<Vec<f64>> = equations
        .iter()
        .map(|eq| {
            let mut row = vec![0.0; n];
            for &(k, c) in eq {
                row[k] += c;
            }
            row
        })
        .collect();
    let base = rank(dense.clone());
    (0..n)
        .filter(|&k| {
            let mut with = dense.clone();
            let mut unit = vec![0.0; n];
            unit[k] = 1.0;
            with.push(unit);
            rank(with) == base
        })
        .map(|k| unknowns[k])
        .collect()
}

fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..m.len()).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs())) else {
            break;
        };
        if m[p][c].abs() < 1e-9 {
            continue;
        }
        m.swap(r, p);
        for i in 0..m.len() {
            if i != r {
                let f = m[i][c] / m[r][c];
                if f != 0.0 {
                    let pivot = m[r].clone();
                    for (x, p) in m[i].iter_mut().zip(&pivot).skip(c) {
                        *x -= f * p;
                    }
                }
            }
        }
        r += 1;
    }
    r
}

#[test]
fn the_auditor_finds_a_lone_hidden_cell() {
    // The audit itself: one hidden entry in a row with a shown total is found.
    let t = Table {
        id: "district",
        title: "t",
        rows: vec![("a".into(), "a".into()), ("b".into(), "b".into())],
        columns: vec![("x".into(), "x".into()), ("y".into(), "y".into())],
        cells: vec![
            vec![Cell::Small, Cell::Count(10), Cell::Count(13)],
            vec![Cell::Count(7), Cell::Count(8), Cell::Count(15)],
            vec![Cell::Count(10), Cell::Count(18), Cell::Count(28)],
        ],
    };
    assert_eq!(determined(&[&t]), vec![("district", 0, 0)]);
}

#[test]
fn decide_monitoring_writes_one_record_per_finished_record_and_names_the_others() {
    let input = concat!(
        r#"{"immediate_danger":false,"age_basis":"stated_age","age":17,"suspected_modern_slavery":"yes","reporter_organisation":"health","district":"watford","exploitation_type":"criminal"}"#,
        "\n",
        r#"{"immediate_danger":false,"age_basis":"stated_age","age":30,"suspected_modern_slavery":"yes","reporter_organisation":"health"}"#,
        "\n",
    );
    let out = pathway(&["decide", "--monitoring", "--today", "2026-11-22"], input);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert_anonymous(lines[0], "2026-11-22".parse().unwrap());
    let record: Json = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(record["district"], "watford");
    assert_eq!(record["age_group"], "17");
    assert_eq!(record["consent"], "not_asked");
    assert!(
        out.stderr.contains("record 2") && out.stderr.contains("care_and_support_needs"),
        "{}",
        out.stderr
    );
}

#[test]
fn stats_refuses_a_bad_record_naming_the_file_the_line_and_why() {
    let dir = std::env::temp_dir().join(format!("pathway-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(root().join("fixtures/monitoring/year-2026.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let cases = [
        (
            "truncated",
            first[..first.len() - 5].to_owned(),
            "not valid JSON",
        ),
        (
            "version",
            first.replace("pathway-monitoring/v1", "pathway-monitoring/v2"),
            "`pathway-monitoring/v2`, which this version cannot read",
        ),
        (
            "no-format",
            first.replace("\"format\":\"pathway-monitoring/v1\",", ""),
            "has no `format`",
        ),
        (
            "name",
            first.replace("\"month\"", "\"name\":\"Jo Bloggs\",\"month\""),
            "`name` is not a field of a monitoring record",
        ),
        (
            "district",
            first.replacen(r#""district":""#, r#""district":"x"#, 1),
            "`district` must be one of the districts",
        ),
        (
            "month",
            first.replacen(r#""month":"2026-"#, r#""month":"2026-13-"#, 1),
            "`month` must be a month",
        ),
    ];
    for (name, bad, why) in cases {
        let file = dir.join(format!("{name}.jsonl"));
        std::fs::write(&file, format!("{first}\n\n{bad}\n")).unwrap();
        let out = pathway(&["stats".as_ref(), file.as_os_str()], "");
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}: no report: {}", out.stdout);
        let place = format!("{} line 3: ", file.display());
        assert!(
            out.stderr.contains(&place) && out.stderr.contains(why),
            "{name}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("Jo Bloggs"), "{}", out.stderr);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stats_writes_every_format_from_the_year() {
    let file = root().join("fixtures/monitoring/year-2026.jsonl");
    for format in ["text", "json", "csv", "html"] {
        let out = pathway(
            &[
                "stats".as_ref(),
                file.as_os_str(),
                "--format".as_ref(),
                format.as_ref(),
            ],
            "",
        );
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        let small = if format == "html" { "&lt;5" } else { "<5" };
        assert!(out.stdout.contains(small), "{format}");
    }
}
