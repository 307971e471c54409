//! The partnership's report from many partners' monitoring records: counts by quarter,
//! district, organisation, age group and exploitation type, each by route, with small
//! numbers suppressed ([`suppress`]: no count from 1 to 4 is shown, and none can be worked
//! out from the totals).

mod render;
mod suppress;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::monitoring::{AGE_GROUPS, MonitoringRecord, MonitoringVocab};

pub use render::{stats_csv, stats_html, stats_json, stats_text};

/// The report format and its version (`pathway stats --format json`).
pub const STATS_FORMAT: &str = "pathway-stats/v1";

/// The routes a record's outcome takes, in the order of the report's columns: an NRM
/// referral, a Duty to Notify, passed on to a First Responder, declined with no statutory
/// route, consent not decided yet, no referral.
pub const ROUTES: &[(&str, &str)] = &[
    ("nrm", "NRM referral"),
    ("duty_to_notify", "Duty to Notify"),
    ("passed_on", "Passed on"),
    ("declined", "Declined"),
    ("not_yet", "Not decided"),
    ("no_referral", "No referral"),
];

/// The route of a record, from its codes (the first that applies): `nrm_referral` is an NRM
/// referral; `duty_to_notify` a Duty to Notify; `contact_first_responder` passed to a First
/// Responder; otherwise the consent decides: `declined` (an adult who declined, with a
/// charity First Responder: no statutory route) or `not_yet`; anything else is no referral
/// (no indicators, or advice only).
pub fn route(record: &MonitoringRecord) -> &'static str {
    let has = |code: &str| record.codes.iter().any(|c| c == code);
    if has("nrm_referral") {
        "nrm"
    } else if has("duty_to_notify") {
        "duty_to_notify"
    } else if has("contact_first_responder") {
        "passed_on"
    } else if record.consent == "declined" {
        "declined"
    } else if record.consent == "not_yet" {
        "not_yet"
    } else {
        "no_referral"
    }
}

/// How one entry of a table is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    /// A count of 0 or 5 and more.
    Count(u64),
    /// A count from 1 to 4, shown as `<5`.
    Small,
    /// Hidden, shown as `[c]`, so that a small count cannot be worked out from the others and
    /// the totals.
    Hidden,
}

impl Cell {
    /// As the report shows it: the count, `<5` or `[c]`.
    pub fn shown(self) -> String {
        match self {
            Self::Count(n) => n.to_string(),
            Self::Small => "<5".into(),
            Self::Hidden => "[c]".into(),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Count(n) => s.serialize_u64(*n),
            _ => s.serialize_str(&self.shown()),
        }
    }
}

/// One table of the report: a dimension's values by route, with totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// `quarter`, `district`, `organisation`, `age_group` or `exploitation_type`.
    pub id: &'static str,
    /// The table's title.
    pub title: &'static str,
    /// The rows: (key, label).
    pub rows: Vec<(String, String)>,
    /// The columns: the routes (key, label).
    pub columns: Vec<(String, String)>,
    /// The entries, `rows.len() + 1` rows of `columns.len() + 1`: the last row holds the
    /// totals by route, the last column the totals by row, the last entry the grand total.
    pub cells: Vec<Vec<Cell>>,
}

/// The report: every table, and the months the records cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsReport {
    /// Always [`STATS_FORMAT`].
    pub format: &'static str,
    /// The first month of a record, if any.
    pub from: Option<String>,
    /// The last month of a record, if any.
    pub to: Option<String>,
    /// The tables, each with the same total row.
    pub tables: Vec<Table>,
}

impl StatsReport {
    /// The number of records, as every table shows it (suppressed when 1 to 4).
    pub fn records(&self) -> Cell {
        self.tables
            .first()
            .and_then(|t| t.cells.last()?.last().copied())
            .unwrap_or(Cell::Count(0))
    }
}

/// The report over `records` (already read and checked against `vocab`).
pub fn stats_report(records: &[MonitoringRecord], vocab: &MonitoringVocab) -> StatsReport {
    let owned = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
            .collect()
    };
    let months = records.iter().map(|r| r.month.as_str());
    let (from, to) = (months.clone().min(), months.max());
    let quarters = match (
        records.iter().map(MonitoringRecord::quarter).min(),
        records.iter().map(MonitoringRecord::quarter).max(),
    ) {
        (Some(a), Some(b)) => quarter_range(&a, &b),
        _ => Vec::new(),
    };
    let dims: [Dimension; 5] = [
        ("quarter", "By quarter", quarters, MonitoringRecord::quarter),
        ("district", "By district", vocab.districts.clone(), |r| {
            r.district.clone()
        }),
        (
            "organisation",
            "By the reporter's organisation",
            vocab.organisations.clone(),
            |r| r.organisation.clone(),
        ),
        ("age_group", "By age group", owned(AGE_GROUPS), |r| {
            r.age_group.clone()
        }),
        (
            "exploitation_type",
            "By type of exploitation",
            vocab.exploitation_types.clone(),
            |r| r.exploitation_type.clone(),
        ),
    ];
    let columns = owned(ROUTES);
    let grids: Vec<Vec<Vec<u64>>> = dims
        .iter()
        .map(|(_, _, rows, key)| grid(records, rows, *key))
        .collect();
    let marks = suppress::suppress_linked(&grids);
    let tables = dims
        .into_iter()
        .zip(grids.iter().zip(marks))
        .map(|((id, title, rows, _), (grid, marks))| Table {
            id,
            title,
            rows,
            columns: columns.clone(),
            cells: grid
                .iter()
                .zip(marks)
                .map(|(values, marks)| {
                    values
                        .iter()
                        .zip(marks)
                        .map(|(&v, m)| match m {
                            suppress::Mark::Shown => Cell::Count(v),
                            suppress::Mark::Small => Cell::Small,
                            suppress::Mark::Hidden => Cell::Hidden,
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    StatsReport {
        format: STATS_FORMAT,
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        tables,
    }
}

/// The key of a record in a table's rows.
type Key = fn(&MonitoringRecord) -> String;

/// A table's id, title, rows (key, label) and the key of a record.
type Dimension = (&'static str, &'static str, Vec<(String, String)>, Key);

/// Counts by row and route, with margins.
fn grid(
    records: &[MonitoringRecord],
    rows: &[(String, String)],
    key: fn(&MonitoringRecord) -> String,
) -> Vec<Vec<u64>> {
    let index: BTreeMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();
    let cols = ROUTES.len();
    let mut grid = vec![vec![0u64; cols + 1]; rows.len() + 1];
    for r in records {
        let Some(&i) = index.get(key(r).as_str()) else {
            continue;
        };
        let j = ROUTES
            .iter()
            .position(|(k, _)| *k == route(r))
            .unwrap_or(cols - 1);
        for (a, b) in [(i, j), (i, cols), (rows.len(), j), (rows.len(), cols)] {
            grid[a][b] += 1;
        }
    }
    grid
}

/// Every quarter from `first` to `last` (`YYYY-Qn`), with labels such as "2026 Q1 (Jan-Mar)".
fn quarter_range(first: &str, last: &str) -> Vec<(String, String)> {
    let parse = |q: &str| -> (i32, u32) {
        let (y, n) = q.split_once("-Q").unwrap_or(("0", "1"));
        (y.parse().unwrap_or(0), n.parse().unwrap_or(1))
    };
    let (mut y, mut n) = parse(first);
    let end = parse(last);
    let mut list = Vec::new();
    while (y, n) <= end && list.len() < 400 {
        let months =
            ["Jan to Mar", "Apr to Jun", "Jul to Sep", "Oct to Dec"][(n as usize - 1).min(3)];
        list.push((format!("{y}-Q{n}"), format!("{y} Q{n} ({months})")));
        (y, n) = if n == 4 { (y + 1, 1) } else { (y, n + 1) };
    }
    list
}
