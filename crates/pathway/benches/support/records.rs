//! Deterministic, varied case records holding the v1 facts, as JSON Lines, for `decide`
//! benchmarks. Evaluated on [`TODAY`], they cover every route of the bundled pathways: danger
//! or not, child by date of birth / stated age / "may be under 18", a 17-year-old close to
//! their birthday, no indicators, adult consent given or declined, lacking capacity, care and
//! support needs, First Responder or not, public authority or charity.

use std::fmt::Write as _;

/// The date every benchmark evaluates on.
pub(crate) const TODAY: &str = "2026-11-22";

/// A small xorshift generator: the same seed gives the same records on every machine.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Appends the next record of the stream to `out`, as one JSON line (with `\n`).
pub(crate) fn record(rng: &mut Rng, out: &mut String) {
    let b = |v: bool| if v { "true" } else { "false" };
    out.push('{');
    let _ = write!(out, "\"immediate_danger\":{}", b(rng.chance(20)));
    match rng.range(0, 9) {
        0..=3 => {
            // Mostly adults; one in five is 16-19, where the 18th birthday matters.
            let year = if rng.chance(20) {
                rng.range(2006, 2010)
            } else {
                rng.range(1946, 2012)
            };
            let (month, day) = (rng.range(1, 12), rng.range(1, 28));
            let _ = write!(
                out,
                ",\"age_basis\":\"date_of_birth\",\"date_of_birth\":\"{year}-{month:02}-{day:02}\""
            );
        }
        4..=7 => {
            let age = if rng.chance(20) {
                rng.range(15, 19)
            } else {
                rng.range(10, 80)
            };
            let _ = write!(out, ",\"age_basis\":\"stated_age\",\"age\":{age}");
        }
        _ => {
            let _ = write!(
                out,
                ",\"age_basis\":\"unknown\",\"may_be_under_18\":{}",
                b(rng.chance(50))
            );
        }
    }
    let _ = write!(out, ",\"suspected_modern_slavery\":{}", b(rng.chance(85)));
    let _ = write!(
        out,
        ",\"reporter_is_first_responder\":{}",
        b(rng.chance(50))
    );
    let _ = write!(
        out,
        ",\"reporter_is_public_authority\":{}",
        b(rng.chance(60))
    );
    let _ = write!(out, ",\"has_capacity_to_consent\":{}", b(rng.chance(85)));
    let consent = if rng.chance(60) { "given" } else { "declined" };
    let _ = write!(out, ",\"consent_to_nrm\":\"{consent}\"");
    let _ = write!(out, ",\"care_and_support_needs\":{}", b(rng.chance(30)));
    // A fact outside vocabulary v1 (it has a default): present in some records only.
    if rng.chance(15) {
        let _ = write!(out, ",\"someone_speaks_for_them\":{}", b(rng.chance(50)));
    }
    out.push_str("}\n");
}

/// `count` records from `seed`, as JSON Lines.
pub(crate) fn records(seed: u64, count: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(count * 300);
    for _ in 0..count {
        record(&mut rng, &mut out);
    }
    out
}
