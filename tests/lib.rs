//! Shared helpers for the conformance suite.

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `pathway` binary built by `cargo test --workspace` (it sits beside this test's
/// `deps/` folder).
pub fn pathway_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile directory");
    let bin = dir.join(format!("pathway{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p pathway-cli` or `cargo test --workspace`",
        bin.display()
    );
    bin
}

/// What a run of the `pathway` binary left: its exit code and its output.
pub struct Out {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

/// Runs the `pathway` binary from the repository root with `args`, `stdin` as its input and
/// `NO_COLOR` set, and waits for it. Panics if it panicked.
pub fn pathway<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: &str) -> Out {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut child = Command::new(pathway_bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the pathway binary");
    // A command that fails on its arguments exits without reading its input.
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let out = child
        .wait_with_output()
        .expect("wait for the pathway binary");
    let o = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert!(
        !o.stderr.contains("panicked"),
        "pathway {shown:?} panicked:\n{}",
        o.stderr
    );
    o
}

/// A deterministic year of monitoring records (`fixtures/monitoring/year-2026.jsonl`):
/// `count` walks of the bundled set on days of 2026, with answers drawn by a fixed
/// pseudo-random sequence from `seed`, each walked by `decide` and turned into its record.
pub mod monitoring_year {
    use pathway::{Bundle, Config, Date, MonitoringRecord, evaluate, monitoring_record};
    use serde_json::json;

    /// xorshift64*: the same numbers on every machine.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        /// An index drawn with the given weights.
        fn weighted(&mut self, weights: &[u64]) -> usize {
            let mut x = self.below(weights.iter().sum());
            for (i, &w) in weights.iter().enumerate() {
                if x < w {
                    return i;
                }
                x -= w;
            }
            weights.len() - 1
        }
        fn pick<'a>(&mut self, items: &[(&'a str, u64)]) -> &'a str {
            let weights: Vec<u64> = items.iter().map(|(_, w)| *w).collect();
            items[self.weighted(&weights)].0
        }
    }

    /// The records, in the order of the walks.
    pub fn records(bundle: &Bundle, seed: u64, count: usize) -> Vec<MonitoringRecord> {
        let mut rng = Rng(seed.max(1));
        let start: Date = "2026-01-01".parse().expect("a date");
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let today = start
                .add_days(rng.below(365) as i64)
                .expect("a day of 2026");
            let district = rng.pick(&[
                ("broxbourne", 8),
                ("dacorum", 12),
                ("east_hertfordshire", 9),
                ("hertsmere", 8),
                ("north_hertfordshire", 9),
                ("st_albans", 10),
                ("stevenage", 11),
                ("three_rivers", 3),
                ("watford", 16),
                ("welwyn_hatfield", 9),
                ("not_known", 5),
            ]);
            let organisation = rng.pick(&[
                ("police", 30),
                ("childrens_services", 10),
                ("adult_social_care", 8),
                ("other_council_service", 12),
                ("parish_or_town_council", 1),
                ("home_office_nca_or_glaa", 3),
                ("health", 14),
                ("education", 6),
                ("first_responder_charity", 10),
                ("other", 6),
            ]);
            let exploitation = rng.pick(&[
                ("labour", 30),
                ("sexual", 20),
                ("criminal", 25),
                ("domestic_servitude", 8),
                ("organ_harvesting", 1),
                ("forced_marriage", 2),
                ("other", 4),
                ("not_known", 10),
            ]);
            let mut facts = json!({
                "immediate_danger": rng.below(10) == 0,
                "needs_safe_place_tonight": rng.below(8) == 0,
                "language_barrier": rng.below(4) == 0,
                "suspected_modern_slavery": rng.pick(&[("yes", 80), ("unsure", 12), ("no", 8)]),
                "reporter_organisation": organisation,
                "exploitation_type": exploitation,
                "care_and_support_needs": rng.below(5) == 0,
                "has_capacity_to_consent": rng.pick(&[("yes", 85), ("in_doubt", 8), ("no", 7)]),
                "consent_to_nrm": rng.pick(&[("given", 55), ("declined", 30), ("not_yet", 15)]),
                "may_be_under_18": rng.below(6) == 0,
            });
            let obj = facts.as_object_mut().expect("an object");
            if district != "not_known" || rng.below(2) == 0 {
                obj.insert("district".into(), json!(district));
            }
            let age =
                [8, 13, 15, 16, 17, 17, 19, 21, 23, 26, 30, 34, 41, 52, 67][rng.below(15) as usize];
            match rng.below(10) {
                0..=4 => {
                    let born = today
                        .add_days(-(age * 365 + rng.below(365) as i64))
                        .expect("a date of birth");
                    obj.insert("age_basis".into(), json!("date_of_birth"));
                    obj.insert("date_of_birth".into(), json!(born.to_string()));
                }
                5..=8 => {
                    obj.insert("age_basis".into(), json!("stated_age"));
                    obj.insert("age".into(), json!(age));
                }
                _ => {
                    obj.insert("age_basis".into(), json!("unknown"));
                }
            }
            let parsed = bundle.parse_facts(&facts, today).expect("valid facts");
            let config = Config {
                today,
                use_defaults: true,
            };
            let evaluation = evaluate(bundle, bundle.entry(), &parsed, &config);
            if let Some(record) = monitoring_record(bundle, &evaluation, &parsed, today) {
                out.push(record);
            }
        }
        out
    }
}
