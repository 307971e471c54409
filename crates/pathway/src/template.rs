//! Case-specific text with placeholders, e.g. "They turn 18 on {{birthday(date_of_birth, 18)}}".

use crate::date::{Date, days_until_birthday};
use crate::value::{Facts, Value};

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template(Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Fact(String),
    Birthday(String, i32),
    DaysUntil(String, i32),
}

impl Template {
    /// Parses `{{fact}}`, `{{birthday(fact, N)}}` and `{{days_until_birthday(fact, N)}}`.
    /// `date_fact` answers whether an id names a date fact; `known` whether it names any fact.
    pub(crate) fn parse(
        text: &str,
        known: impl Fn(&str) -> bool,
        date_fact: impl Fn(&str) -> bool,
    ) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            parts.push(Part::Text(rest[..open].to_owned()));
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or("a `{{` placeholder is not closed with `}}`")?;
            parts.push(placeholder(after[..close].trim(), &known, &date_fact)?);
            rest = &after[close + 2..];
        }
        parts.push(Part::Text(rest.to_owned()));
        Ok(Self(parts))
    }

    /// The text for a case; a placeholder whose fact is unknown reads "(not known)".
    pub(crate) fn render(&self, facts: &Facts, today: Date) -> String {
        let date = |id: &str| match facts.get(id) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        let unknown = || "(not known)".to_owned();
        self.0
            .iter()
            .map(|part| match part {
                Part::Text(t) => t.clone(),
                Part::Fact(id) => facts.get(id).map_or_else(unknown, |v| match v {
                    Value::Choice(s) => s.clone(),
                    other => other.to_string(),
                }),
                Part::Birthday(id, n) => date(id)
                    .and_then(|d| d.anniversary(*n))
                    .map_or_else(unknown, |d| d.to_string()),
                Part::DaysUntil(id, n) => {
                    date(id).map_or_else(unknown, |d| days_until_birthday(d, *n, today).to_string())
                }
            })
            .collect()
    }
}

fn placeholder(
    inner: &str,
    known: &impl Fn(&str) -> bool,
    date_fact: &impl Fn(&str) -> bool,
) -> Result<Part, String> {
    let Some((name, args)) = inner.strip_suffix(')').and_then(|s| s.split_once('(')) else {
        return if known(inner) {
            Ok(Part::Fact(inner.to_owned()))
        } else {
            Err(format!(
                "placeholder `{{{{{inner}}}}}` names no declared fact"
            ))
        };
    };
    let (fact, years) = args.split_once(',').ok_or_else(|| {
        format!("`{name}` in a placeholder takes a date fact and a number of years")
    })?;
    let (fact, years) = (fact.trim(), years.trim());
    if !date_fact(fact) {
        return Err(format!(
            "`{fact}` in `{{{{{inner}}}}}` is not a declared date fact"
        ));
    }
    let years: i32 = years
        .parse()
        .ok()
        .filter(|y| (0..=150).contains(y))
        .ok_or_else(|| {
            format!("`{years}` in `{{{{{inner}}}}}` is not a number of years (0 to 150)")
        })?;
    match name.trim() {
        "birthday" => Ok(Part::Birthday(fact.to_owned(), years)),
        "days_until_birthday" => Ok(Part::DaysUntil(fact.to_owned(), years)),
        other => Err(format!(
            "unknown placeholder function `{other}`: use birthday or days_until_birthday"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Result<Template, String> {
        Template::parse(
            text,
            |id| id == "date_of_birth" || id == "age",
            |id| id == "date_of_birth",
        )
    }

    #[test]
    fn renders_birthdays_and_days_left() {
        let template =
            t("Turns 18 on {{birthday(date_of_birth, 18)}}, in {{ days_until_birthday(date_of_birth, 18) }} days.")
                .unwrap();
        let mut facts = Facts::default();
        facts.insert("date_of_birth", Value::Date("2008-12-02".parse().unwrap()));
        let today = "2026-11-22".parse().unwrap();
        assert_eq!(
            template.render(&facts, today),
            "Turns 18 on 2026-12-02, in 10 days."
        );
        assert_eq!(
            template.render(&Facts::default(), today),
            "Turns 18 on (not known), in (not known) days."
        );
    }

    #[test]
    fn rejects_bad_placeholders() {
        assert!(t("{{nope}}").unwrap_err().contains("no declared fact"));
        assert!(
            t("{{birthday(age, 18)}}")
                .unwrap_err()
                .contains("not a declared date fact")
        );
        assert!(
            t("{{birthday(date_of_birth, x)}}")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(t("{{age").unwrap_err().contains("not closed"));
        assert!(
            t("{{when(date_of_birth, 1)}}")
                .unwrap_err()
                .contains("unknown placeholder")
        );
    }
}
