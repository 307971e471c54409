//! Text with placeholders. Case-specific ones are filled in for each walk, e.g. "They turn 18 on
//! {{birthday(date_of_birth, 18)}}"; `{{contact(id)}}` is filled in from the contacts
//! directory when the set is compiled, so a phone number lives in one place only.

use std::borrow::Cow;

use crate::date::{Date, days_until_birthday};
use crate::model::Contact;
use crate::rule::Slot;
use crate::value::Value;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template(pub(crate) Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Text(String),
    /// A fact, and where a walk finds it once the set is linked.
    Fact(String, Slot),
    Birthday(String, Slot, i32),
    DaysUntil(String, Slot, i32),
}

/// What a `{{contact(id)}}` placeholder reads: the contact's name and phone number (or web
/// page), its hours, and "unverified: check locally" when the directory marks its details as
/// not confirmed. For example "Hertfordshire Adult Care Services on 0300 123 4042 (24 hours)".
pub(crate) fn contact_text(contact: &Contact) -> String {
    let mut text = contact.name.clone();
    let mut notes: Vec<&str> = Vec::new();
    match (&contact.phone, &contact.web, &contact.email) {
        (Some(phone), _, _) => {
            text.push_str(" on ");
            text.push_str(phone);
        }
        (None, Some(link), _) | (None, None, Some(link)) => notes.push(link),
        (None, None, None) => {}
    }
    notes.extend(contact.hours.as_deref());
    if !contact.verified {
        notes.push("unverified: check locally");
    }
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join("; ")));
    }
    text
}

/// Fills in the `{{contact(id)}}` placeholders of a text that holds no case-specific ones
/// (action instructions, outcome summaries and next steps). `contact` gives the text of a
/// contact id ([`contact_text`]), or `None` when the directory has no such contact.
pub(crate) fn expand_contacts(
    text: &str,
    contact: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let parts = parts(text, |inner| match contact_placeholder(inner, &contact) {
        Some(result) => result.map(Part::Text),
        None => Err(format!(
            "placeholder `{{{{{inner}}}}}` cannot be used here: this text is the same for \
             every case, so only `{{{{contact(id)}}}}` is filled in"
        )),
    })?;
    Ok(parts
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => t,
            _ => String::new(),
        })
        .collect())
}

impl Template {
    /// Parses `{{fact}}`, `{{birthday(fact, N)}}`, `{{days_until_birthday(fact, N)}}` and
    /// `{{contact(id)}}`. `date_fact` answers whether an id names a date fact; `slot`
    /// gives the slot of a declared fact (`None` for any other name); `contact` gives the text of a contact id, or `None` when the
    /// directory has no such contact.
    pub(crate) fn parse(
        text: &str,
        slot: impl Fn(&str) -> Option<u32>,
        date_fact: impl Fn(&str) -> bool,
        contact: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        parts(text, |inner| {
            contact_placeholder(inner, &contact)
                .map(|r| r.map(Part::Text))
                .unwrap_or_else(|| placeholder(inner, &slot, &date_fact))
        })
        .map(Self)
    }

    /// The text for a case; a placeholder whose fact is unknown reads "(not known)".
    /// `fact` gives the value the case has for a fact id. Borrowed when there is nothing to
    /// fill in.
    pub(crate) fn render<'t, 'f>(
        &'t self,
        fact: &dyn Fn(&str, Slot) -> Option<&'f Value>,
        today: Date,
    ) -> Cow<'t, str> {
        use std::fmt::Write as _;
        if let [Part::Text(t)] = self.0.as_slice() {
            return Cow::Borrowed(t);
        }
        let date = |id: &str, slot: Slot| match fact(id, slot) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        const UNKNOWN: &str = "(not known)";
        // The text, and room for each placeholder's value (a date is 10 characters).
        let room = self
            .0
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.len(),
                _ => 16,
            })
            .sum();
        let mut out = String::with_capacity(room);
        for part in &self.0 {
            // Writing to a `String` cannot fail.
            let _ = match part {
                Part::Text(t) => out.write_str(t),
                Part::Fact(id, slot) => match fact(id, *slot) {
                    Some(Value::Choice(s)) => out.write_str(s),
                    Some(other) => write!(out, "{other}"),
                    None => out.write_str(UNKNOWN),
                },
                Part::Birthday(id, slot, n) => match date(id, *slot).map(|d| d.anniversary(*n)) {
                    // Read by a person: "15 December 2026", never ISO.
                    Some(Some(d)) => out.write_str(&d.human()),
                    Some(None) => out.write_str("(after the year 9999)"),
                    None => out.write_str(UNKNOWN),
                },
                // A birthday after the year 9999 has no date: no day count either.
                Part::DaysUntil(id, slot, n) => match date(id, *slot) {
                    Some(d) if d.anniversary(*n).is_some() => {
                        write!(out, "{}", days_until_birthday(d, *n, today))
                    }
                    Some(_) => out.write_str("(after the year 9999)"),
                    None => out.write_str(UNKNOWN),
                },
            };
        }
        Cow::Owned(out)
    }
}

/// Splits a text at its `{{…}}` placeholders, turning each (trimmed) with `placeholder`.
fn parts(
    text: &str,
    mut placeholder: impl FnMut(&str) -> Result<Part, String>,
) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        parts.push(Part::Text(rest[..open].to_owned()));
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or("a `{{` placeholder is not closed with `}}`")?;
        parts.push(placeholder(after[..close].trim())?);
        rest = &after[close + 2..];
    }
    parts.push(Part::Text(rest.to_owned()));
    Ok(parts)
}

/// `contact(id)`: its text, or an error for an id the directory lacks. `None` when the
/// placeholder is not a contact.
/// The contact ids a text names with `{{contact(id)}}`, in order (for checking that no
/// action tells a worker to call their own service).
pub(crate) fn contacts_named(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let inner = after[..close].trim();
        if let Some((name, args)) = inner.strip_suffix(')').and_then(|i| i.split_once('('))
            && name.trim() == "contact"
        {
            out.push(args.trim().to_owned());
        }
        rest = &after[close + 2..];
    }
    out
}

fn contact_placeholder(
    inner: &str,
    contact: &impl Fn(&str) -> Option<String>,
) -> Option<Result<String, String>> {
    let (name, args) = inner.strip_suffix(')')?.split_once('(')?;
    if name.trim() != "contact" {
        return None;
    }
    let id = args.trim();
    Some(contact(id).ok_or_else(|| {
        format!("`{{{{{inner}}}}}` names contact `{id}`, which is not in the contacts directory")
    }))
}

fn placeholder(
    inner: &str,
    slot: &impl Fn(&str) -> Option<u32>,
    date_fact: &impl Fn(&str) -> bool,
) -> Result<Part, String> {
    let Some((name, args)) = inner.strip_suffix(')').and_then(|s| s.split_once('(')) else {
        return match slot(inner) {
            Some(i) => Ok(Part::Fact(inner.to_owned(), Slot::Fact(i))),
            None => Err(format!(
                "placeholder `{{{{{inner}}}}}` names no declared fact"
            )),
        };
    };
    let (fact, years) = args.split_once(',').ok_or_else(|| {
        format!("`{name}` in a placeholder takes a date fact and a number of years")
    })?;
    let (fact, years) = (fact.trim(), years.trim());
    let Some(i) = slot(fact).filter(|_| date_fact(fact)) else {
        return Err(format!(
            "`{fact}` in `{{{{{inner}}}}}` is not a declared date fact"
        ));
    };
    let years: i32 = years
        .parse()
        .ok()
        .filter(|y| (0..=150).contains(y))
        .ok_or_else(|| {
            format!("`{years}` in `{{{{{inner}}}}}` is not a number of years (0 to 150)")
        })?;
    match name.trim() {
        "birthday" => Ok(Part::Birthday(fact.to_owned(), Slot::Fact(i), years)),
        "days_until_birthday" => Ok(Part::DaysUntil(fact.to_owned(), Slot::Fact(i), years)),
        other => Err(format!(
            "unknown placeholder function `{other}`: use birthday, days_until_birthday or contact"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Facts;

    fn contact(name: &str, phone: Option<&str>, verified: bool) -> Contact {
        Contact {
            name: name.to_owned(),
            phone: phone.map(str::to_owned),
            hours: None,
            email: None,
            web: None,
            first_responder: None,
            notes: None,
            source: "PHONE".to_owned(),
            url: verified.then(|| "https://example.org/contacts".to_owned()),
            checked: verified.then(|| "2026-11-22".to_owned()),
            verified,
            service_of: None,
        }
    }

    fn directory(id: &str) -> Option<String> {
        match id {
            "helpline" => {
                let mut c = contact("The Helpline", Some("0800 000 0000"), true);
                c.hours = Some("24 hours".to_owned());
                Some(contact_text(&c))
            }
            "glaa" => Some(contact_text(&contact(
                "The GLAA",
                Some("0800 111 1111"),
                false,
            ))),
            _ => None,
        }
    }

    fn t(text: &str) -> Result<Template, String> {
        Template::parse(
            text,
            |id| {
                ["age", "date_of_birth"]
                    .iter()
                    .position(|f| *f == id)
                    .map(|i| i as u32)
            },
            |id| id == "date_of_birth",
            directory,
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
            template.render(&|id, _| facts.get(id), today),
            "Turns 18 on 2 December 2026, in 10 days."
        );
        assert_eq!(
            template.render(&|_, _| None, today),
            "Turns 18 on (not known), in (not known) days."
        );
    }

    /// V11: a birthday after the year 9999 prints no sentinel number.
    #[test]
    fn a_birthday_after_the_year_9999_prints_no_sentinel() {
        let template =
            t("{{birthday(date_of_birth, 18)}}; {{days_until_birthday(date_of_birth, 18)}}")
                .unwrap();
        let mut facts = Facts::default();
        facts.insert("date_of_birth", Value::Date("9990-01-01".parse().unwrap()));
        let shown = template.render(&|id, _| facts.get(id), "9999-12-31".parse().unwrap());
        assert_eq!(shown, "(after the year 9999); (after the year 9999)");
    }

    #[test]
    fn contacts_read_their_name_and_number_and_unverified_ones_say_check_locally() {
        let today = "2026-11-22".parse().unwrap();
        let template = t("Call {{contact(helpline)}}, or {{ contact( glaa ) }}.").unwrap();
        assert_eq!(
            template.render(&|_, _| None, today),
            "Call The Helpline on 0800 000 0000 (24 hours), or The GLAA on 0800 111 1111 \
             (unverified: check locally)."
        );
        assert_eq!(
            expand_contacts("Tell {{contact(glaa)}}.", directory).unwrap(),
            "Tell The GLAA on 0800 111 1111 (unverified: check locally)."
        );
        let mut web_only = contact("The partnership", None, true);
        web_only.web = Some("https://example.org".to_owned());
        assert_eq!(
            contact_text(&web_only),
            "The partnership (https://example.org)"
        );
        assert_eq!(
            contact_text(&contact("A line", None, false)),
            "A line (unverified: check locally)"
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
        assert!(
            t("{{contact(salvation_army)}}")
                .unwrap_err()
                .contains("`salvation_army`, which is not in the contacts directory")
        );
        let fixed = |text: &str| expand_contacts(text, directory).unwrap_err();
        assert!(fixed("{{contact(nope)}}").contains("not in the contacts directory"));
        assert!(fixed("{{age}}").contains("only `{{contact(id)}}`"));
        assert!(fixed("{{birthday(date_of_birth, 18)}}").contains("cannot be used here"));
        assert!(fixed("Call {{contact(glaa)").contains("not closed"));
    }

    #[test]
    fn a_detail_reads_its_facts_by_slot_as_by_id() {
        use crate::evaluate::{State, evaluate};
        use crate::value::Facts;
        use crate::walk::Config;
        let bundle = crate::bundled().unwrap();
        let today = "2026-11-22".parse().unwrap();
        let record = r#"{"immediate_danger": false, "age_basis": "date_of_birth",
            "date_of_birth": "2008-12-20", "suspected_modern_slavery": true,
            "reporter_is_first_responder": true}"#;
        let read = bundle.parse_facts_str(record, today).unwrap();
        let by_id: Facts = read
            .iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect();
        let config = Config {
            today,
            use_defaults: true,
        };
        let detail = |facts: &Facts| match evaluate(&bundle, bundle.entry(), facts, &config).state {
            State::Finished(o) => o
                .actions
                .iter()
                .find_map(|a| a.detail.as_ref().map(|d| d.to_string())),
            _ => None,
        };
        let slot = detail(&read).unwrap();
        assert!(
            slot.starts_with("18th birthday: 20 December 2026 (28 days)."),
            "{slot}"
        );
        assert_eq!(detail(&by_id), Some(slot));
    }
}
