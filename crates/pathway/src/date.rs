//! Calendar dates and exact age arithmetic.
//!
//! A person attains an age at the start of the anniversary of their birth (Family Law Reform
//! Act 1969 s9). The anniversary of 29 February in a common year is 1 March. Nothing here
//! approximates a year with 365 days.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A proleptic Gregorian calendar date between the years 1 and 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a text is not a date: it is not written `YYYY-MM-DD`, or it is but names a day the
/// calendar does not have (`2026-02-29`, `2026-13-01`, `0000-01-01`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", match .missing {
    None => format!("`{}` is not a date: write it as YYYY-MM-DD, for example 2008-03-14", .text),
    Some(why) => format!("`{}` does not exist: {why}", .text),
})]
pub struct DateError {
    /// The text (at most 40 characters of it).
    text: String,
    /// For a text written `YYYY-MM-DD`, why there is no such day.
    missing: Option<String>,
}

impl DateError {
    /// Why a text written `YYYY-MM-DD` names no day (`February 2026 has 28 days`); `None`
    /// when it is not written `YYYY-MM-DD` at all.
    pub fn missing_day(&self) -> Option<&str> {
        self.missing.as_deref()
    }
}

/// Why `year-month-day`, written in the right shape, is not a day of the calendar.
fn why_missing(year: u32, month: u32, day: u32) -> String {
    if year == 0 {
        return "the years run from 0001 to 9999".to_owned();
    }
    let Some(name) = month.checked_sub(1).and_then(|m| MONTHS.get(m as usize)) else {
        return format!("there is no month {month:02}: months run from 01 to 12");
    };
    if day == 0 {
        return "there is no day 00: days run from 01".to_owned();
    }
    let days = days_in_month(year as i32, month as u8);
    let leap = if month == 2 && days == 28 && day == 29 {
        format!(" ({year} is not a leap year)")
    } else {
        String::new()
    };
    format!("{name} {year} has {days} days{leap}")
}

impl Date {
    /// 1970-01-01.
    pub const EPOCH: Self = Self {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// The date, if `year-month-day` exists in the calendar (years 1 to 9999).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        let month = month as u8;
        if day == 0 || day > u32::from(days_in_month(year, month)) {
            return None;
        }
        Some(Self {
            year,
            month,
            day: day as u8,
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if it lies within the years 1 to 9999.
    pub fn from_days(days: i64) -> Option<Self> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self::new(i32::try_from(year).ok()?, month as u32, day as u32)
    }

    /// The date `days` later (earlier when negative), if it stays within the years 1 to 9999.
    pub fn add_days(self, days: i64) -> Option<Self> {
        Self::from_days(self.to_days().checked_add(days)?)
    }

    /// The `years`-th anniversary of this date. The anniversary of 29 February in a common
    /// year is 1 March.
    pub fn anniversary(self, years: i32) -> Option<Self> {
        let year = self.year.checked_add(years)?;
        Self::new(year, self.month(), self.day())
            .or_else(|| Self::new(year, 3, 1).filter(|_| self.month == 2 && self.day == 29))
    }
}

/// Whole years a person born on `birth` has attained on `on` (0 before their first birthday,
/// negative if `on` is before `birth`).
pub fn age_on(birth: Date, on: Date) -> i64 {
    let mut age = i64::from(on.year) - i64::from(birth.year);
    let birthday_this_year = birth.anniversary(on.year - birth.year);
    if birthday_this_year.is_none_or(|b| b > on) {
        age -= 1;
    }
    age
}

/// Days from `today` until the `years`-th birthday of someone born on `birth`: 0 on the
/// birthday itself, negative once it has passed.
pub fn days_until_birthday(birth: Date, years: i32, today: Date) -> i64 {
    match birth.anniversary(years) {
        Some(day) => day.to_days() - today.to_days(),
        // Beyond year 9999: as far away as the calendar allows.
        None => i64::MAX / 4,
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let shown = || {
            let mut shown: String = text.chars().take(40).collect();
            if shown.len() < text.len() {
                shown.push('…');
            }
            shown
        };
        let err = || DateError {
            text: shown(),
            missing: None,
        };
        let bytes = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(r)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(err());
        }
        let (y, m, d) = (digits(0..4), digits(5..7), digits(8..10));
        match (y, m, d) {
            (Some(y), Some(m), Some(d)) => Self::new(y as i32, m, d).ok_or_else(|| DateError {
                text: shown(),
                missing: Some(why_missing(y, m, d)),
            }),
            _ => Err(err()),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_round_trip() {
        assert_eq!(d("2008-03-14").to_string(), "2008-03-14");
        for bad in [
            "2008-3-14",
            "2007-02-29",
            "2008-13-01",
            "20080314",
            "0000-01-01",
            "abcd-ef-gh",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad} should be rejected");
        }
        assert!("2008-02-29".parse::<Date>().is_ok());
    }

    /// V14: a date written right that the calendar does not have says so, not "write it as
    /// YYYY-MM-DD".
    #[test]
    fn a_day_the_calendar_does_not_have_is_named_as_such() {
        let e = "2026-02-29".parse::<Date>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "`2026-02-29` does not exist: February 2026 has 28 days (2026 is not a leap year)"
        );
        assert_eq!(
            "2026-04-31".parse::<Date>().unwrap_err().to_string(),
            "`2026-04-31` does not exist: April 2026 has 30 days"
        );
        assert_eq!(
            "2026-13-01".parse::<Date>().unwrap_err().to_string(),
            "`2026-13-01` does not exist: there is no month 13: months run from 01 to 12"
        );
        assert!(
            "0000-01-01"
                .parse::<Date>()
                .unwrap_err()
                .to_string()
                .contains("0001 to 9999")
        );
        assert!(
            "2026-01-00"
                .parse::<Date>()
                .unwrap_err()
                .missing_day()
                .is_some()
        );
        let shape = "2026-2-28".parse::<Date>().unwrap_err();
        assert_eq!(shape.missing_day(), None);
        assert!(shape.to_string().contains("write it as YYYY-MM-DD"));
        let long = "x".repeat(10_000).parse::<Date>().unwrap_err().to_string();
        assert!(long.len() < 150, "{long}");
    }

    #[test]
    fn days_round_trip_across_centuries() {
        assert_eq!(d("1970-01-01").to_days(), 0);
        assert_eq!(d("2000-03-01").to_days(), 11_017);
        for days in (-719_000..2_900_000).step_by(997) {
            let date = Date::from_days(days).unwrap();
            assert_eq!(date.to_days(), days);
        }
    }

    #[test]
    fn age_is_attained_on_the_birthday_not_the_day_after() {
        let birth = d("2008-11-22");
        assert_eq!(age_on(birth, d("2026-11-21")), 17);
        assert_eq!(age_on(birth, d("2026-11-22")), 18);
        assert_eq!(age_on(birth, d("2026-11-23")), 18);
    }

    #[test]
    fn leap_day_birthday_is_reached_on_first_of_march_in_common_years() {
        let birth = d("2008-02-29");
        assert_eq!(age_on(birth, d("2026-02-28")), 17);
        assert_eq!(age_on(birth, d("2026-03-01")), 18);
        assert_eq!(age_on(birth, d("2028-02-29")), 20);
        assert_eq!(days_until_birthday(birth, 18, d("2026-02-28")), 1);
        assert_eq!(days_until_birthday(birth, 18, d("2026-03-01")), 0);
    }

    #[test]
    fn days_until_birthday_counts_exact_days() {
        let birth = d("2009-02-20");
        assert_eq!(days_until_birthday(birth, 18, d("2026-11-22")), 90);
        assert_eq!(days_until_birthday(birth, 18, d("2027-02-21")), -1);
    }
}

// ---------------------------------------------------------------- for people (UK style)

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// The date as a person in the UK reads it: `14 March 2027` (GOV.UK style: no leading
    /// zero, no ordinal, the month in full).
    pub fn human(self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[usize::from(self.month - 1)],
            self.year
        )
    }

    /// A date as a UK worker types it: `DD/MM/YYYY` (also with one-digit day or month, and
    /// `.`, `-` or a space between the parts), or ISO `YYYY-MM-DD`. The year is always four
    /// digits, so `14/03/2009` and `2009-03-14` cannot be confused.
    pub fn parse_uk(text: &str) -> Result<Self, DateError> {
        let text = text.trim();
        if let Ok(date) = text.parse() {
            return Ok(date);
        }
        let err = || DateError {
            text: text.to_owned(),
            missing: None,
        };
        let mut parts = text.split(['/', '.', '-', ' ']);
        let mut number = |max_len: usize| -> Option<u32> {
            let part = parts.next()?;
            (!part.is_empty() && part.len() <= max_len && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())?
        };
        let (day, month) = (number(2), number(2));
        let year = parts
            .next()
            .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|y| y.parse::<i32>().ok());
        match (day, month, year, parts.next()) {
            (Some(d), Some(m), Some(y), None) => Self::new(y, m, d).ok_or_else(|| DateError {
                missing: u32::try_from(y).ok().map(|y| why_missing(y, m, d)),
                ..err()
            }),
            _ => Err(err()),
        }
    }
}

/// An ISO date (`YYYY-MM-DD`) inside a text a person reads, written as [`Date::human`]; any
/// other text is returned as it is.
pub fn human_date(text: &str) -> String {
    text.parse::<Date>()
        .map_or_else(|_| text.to_owned(), Date::human)
}

#[cfg(test)]
mod uk_tests {
    use super::*;

    #[test]
    fn human_dates_have_no_leading_zero_and_the_month_in_words() {
        assert_eq!(Date::new(2027, 3, 14).unwrap().human(), "14 March 2027");
        assert_eq!(Date::new(2026, 12, 1).unwrap().human(), "1 December 2026");
        assert_eq!(human_date("2008-02-29"), "29 February 2008");
        assert_eq!(human_date("not a date"), "not a date");
    }

    #[test]
    fn uk_dates_are_read_day_first_and_iso_still_works() {
        let d = Date::new(2009, 3, 14).unwrap();
        for text in [
            "14/03/2009",
            "14/3/2009",
            " 14.03.2009 ",
            "14-03-2009",
            "14 3 2009",
            "2009-03-14",
        ] {
            assert_eq!(Date::parse_uk(text), Ok(d), "{text}");
        }
        for bad in [
            "03/14/2009",
            "14/03/09",
            "31/02/2009",
            "14/03",
            "14//2009",
            "1/2/3/2009",
            "",
            "x4/03/2009",
            "114/03/2009",
        ] {
            assert!(Date::parse_uk(bad).is_err(), "{bad} should be refused");
        }
    }
}
