//! Dates and templates across the calendar: any birth date and evaluation date from year 1 to
//! 9999 (and any 10 bytes as a date). Parsing and printing round-trip; an error says why;
//! `age_on` and `days_until_birthday` agree with the anniversaries; and the bundled set,
//! evaluated for that date of birth on that day, finishes or asks, printing no sentinel
//! number (no "Days left" beyond the calendar).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Config, Date, age_on, days_until_birthday, evaluate, outcome_text};
use serde_json::json;

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| pathway_bundled::bundle().expect("the bundled set decodes"))
}

/// Days from 1970-01-01 of 0001-01-01 and 9999-12-31.
const FIRST: i64 = -719_162;
const LAST: i64 = 2_932_896;

fn day(bytes: [u8; 4]) -> Date {
    let span = (LAST - FIRST + 1) as u64;
    let n = u64::from(u32::from_le_bytes(bytes)) % span;
    Date::from_days(FIRST + n as i64).expect("in the calendar")
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match text.parse::<Date>() {
            Ok(d) => assert_eq!(d.to_string(), text),
            Err(e) => assert!(e.to_string().len() < 200),
        }
    }
    if data.len() < 9 {
        return;
    }
    let birth = day([data[0], data[1], data[2], data[3]]);
    let today = day([data[4], data[5], data[6], data[7]]);
    let years = i32::from(data[8] % 151);
    assert_eq!(Date::from_days(birth.to_days()), Some(birth));
    match birth.anniversary(years) {
        Some(b) => {
            assert_eq!(
                days_until_birthday(birth, years, today),
                b.to_days() - today.to_days()
            );
            assert!(age_on(birth, b) == i64::from(years), "{birth} {years}");
            if let Some(before) = b.add_days(-1) {
                assert!(age_on(birth, before) < i64::from(years) || years == 0);
            }
        }
        None => assert!(birth.year() + years > 9999),
    }
    let facts = json!({
        "immediate_danger": data[8] & 1 == 1,
        "age_basis": "date_of_birth",
        "date_of_birth": birth.to_string(),
        "suspected_modern_slavery": "yes",
        "reporter_organisation": "police",
    });
    let Ok(facts) = bundle().parse_facts(&facts, today) else {
        return;
    };
    let evaluation = evaluate(
        bundle(),
        bundle().entry(),
        &facts,
        &Config {
            today,
            use_defaults: true,
        },
    );
    let text = outcome_text(bundle(), &evaluation);
    assert!(
        !text.contains("2305843009213693951"),
        "a sentinel was printed:\n{text}"
    );
});
