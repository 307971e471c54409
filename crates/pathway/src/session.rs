//! A guided session: answers in order, with back, edit and a JSON form to save and resume.
//!
//! Every method that changes a session checks first and changes nothing when it refuses.

use serde::Serialize;
use serde_json::Value as Json;

use crate::bundle::{Bundle, PathwayId};
use crate::date::Date;
use crate::evaluate::{Evaluation, Outcome, State, evaluate};
use crate::facts::FactError;
use crate::value::{Facts, Value};
use crate::walk::{Config, questions_ahead};

/// The `format` marker of a saved session.
pub const SESSION_FORMAT: &str = "pathway-session/v1";

/// A walk in progress on one pathway of a set.
#[derive(Debug, Clone)]
pub struct Session<'b> {
    bundle: &'b Bundle,
    pathway: PathwayId,
    today: Date,
    answers: Vec<(String, Value)>,
}

impl PartialEq for Session<'_> {
    /// Two sessions are equal when they walk the same bundle with the same answers.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.bundle, other.bundle)
            && self.pathway == other.pathway
            && self.today == other.today
            && self.answers == other.answers
    }
}

/// Why a session refused an answer or a saved file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The answer is not valid for the fact.
    #[error(transparent)]
    Fact(#[from] FactError),
    /// The answer is for another fact than the one asked now.
    #[error("the current question asks `{expected}`, not `{given}`")]
    NotCurrent {
        /// The fact asked now.
        expected: String,
        /// The fact answered.
        given: String,
    },
    /// The walk is finished: there is nothing to answer.
    #[error("the walk is finished: there is no question to answer (use back to change an answer)")]
    Finished,
    /// `edit` of a fact that was never answered.
    #[error("`{0}` has not been answered in this session")]
    NotAnswered(String),
    /// No pathway of that name in the set.
    #[error("no pathway `{0}` in this set")]
    UnknownPathway(String),
    /// The saved file is not a session.
    #[error("not a saved session: {0}")]
    Malformed(String),
    /// The saved session was recorded against other pathway content.
    #[error(
        "this session was recorded with pathway `{pathway}` version {version} (content {hash}); \
         the pathways loaded now are version {current_version} (content {current_hash}), so the \
         answers may no longer mean the same: start a new session"
    )]
    OtherContent {
        /// Pathway id recorded.
        pathway: String,
        /// Version recorded.
        version: String,
        /// Content hash recorded.
        hash: String,
        /// Version loaded now.
        current_version: String,
        /// Content hash loaded now.
        current_hash: String,
    },
    /// A saved answer does not replay: the file was edited or corrupted.
    #[error("saved answer {index} (`{fact}`) does not replay: {reason}")]
    Replay {
        /// 1-based position of the answer in the file.
        index: usize,
        /// The fact.
        fact: String,
        /// Why.
        reason: String,
    },
}

#[derive(Serialize)]
struct Saved {
    format: String,
    pathway: String,
    version: String,
    content_hash: String,
    today: Date,
    answers: Vec<SavedAnswer>,
}

#[derive(Serialize)]
struct SavedAnswer {
    fact: String,
    value: Json,
}

impl Saved {
    /// Reads a saved session strictly: JSON with no key given twice, exactly these fields.
    ///
    /// By hand from the JSON value rather than with serde's derive: the derive's type errors
    /// link float formatting and string escaping into the WebAssembly module (about 17 kB
    /// gzipped, a tenth of it).
    fn from_json(text: &str) -> Result<Self, String> {
        let mut fields = object(
            crate::json::parse(text).map_err(|e| e.to_string())?,
            "a session",
        )?;
        let format = string(&mut fields, "format")?;
        let pathway = string(&mut fields, "pathway")?;
        let version = string(&mut fields, "version")?;
        let content_hash = string(&mut fields, "content_hash")?;
        let today = string(&mut fields, "today")?
            .parse()
            .map_err(|e: crate::date::DateError| format!("`today`: {e}"))?;
        let answers = match fields.remove("answers") {
            Some(Json::Array(items)) => items
                .into_iter()
                .map(|item| {
                    let mut fields = object(item, "an answer")?;
                    let fact = string(&mut fields, "fact")?;
                    let value = fields.remove("value").ok_or("missing field `value`")?;
                    no_other(&fields, "`fact`, `value`")?;
                    Ok(SavedAnswer { fact, value })
                })
                .collect::<Result<_, String>>()?,
            Some(_) => return Err("`answers` must be a list".into()),
            None => return Err("missing field `answers`".into()),
        };
        no_other(
            &fields,
            "`format`, `pathway`, `version`, `content_hash`, `today`, `answers`",
        )?;
        Ok(Self {
            format,
            pathway,
            version,
            content_hash,
            today,
            answers,
        })
    }
}

fn object(value: Json, what: &str) -> Result<serde_json::Map<String, Json>, String> {
    match value {
        Json::Object(fields) => Ok(fields),
        _ => Err(format!("{what} must be a JSON object")),
    }
}

fn string(fields: &mut serde_json::Map<String, Json>, name: &str) -> Result<String, String> {
    match fields.remove(name) {
        Some(Json::String(s)) => Ok(s),
        Some(_) => Err(format!("`{name}` must be a string")),
        None => Err(format!("missing field `{name}`")),
    }
}

fn no_other(fields: &serde_json::Map<String, Json>, expected: &str) -> Result<(), String> {
    match fields.keys().next() {
        Some(key) => Err(format!("unknown field `{key}`, expected {expected}")),
        None => Ok(()),
    }
}

impl<'b> Session<'b> {
    /// A new session on a pathway, evaluated on `today`.
    pub fn new(bundle: &'b Bundle, pathway: PathwayId, today: Date) -> Self {
        Self {
            bundle,
            pathway,
            today,
            answers: Vec::new(),
        }
    }

    /// The pathway the session started in.
    pub fn pathway(&self) -> PathwayId {
        self.pathway
    }

    /// The evaluation date.
    pub fn today(&self) -> Date {
        self.today
    }

    /// The answers so far, in order.
    pub fn answers(&self) -> &[(String, Value)] {
        &self.answers
    }

    /// The facts the answers make.
    pub fn facts(&self) -> Facts {
        self.answers.iter().cloned().collect()
    }

    /// Where the walk stands: the next question or the outcome.
    pub fn current(&self) -> Evaluation<'b> {
        evaluate(
            self.bundle,
            self.pathway,
            &self.facts(),
            &Config::new(self.today),
        )
    }

    /// The outcome, once the walk is finished (`None` while a question is still to answer).
    pub fn outcome(&self) -> Option<Outcome<'b>> {
        match self.current().state {
            State::Finished(outcome) => Some(outcome),
            _ => None,
        }
    }

    /// Answers the current question. On error the session is unchanged.
    pub fn answer(
        &mut self,
        fact: &str,
        value: &serde_json::Value,
    ) -> Result<Evaluation<'b>, SessionError> {
        let expected = match self.current().state {
            State::NeedsAnswer(q) => q.fact.into_owned(),
            _ => return Err(SessionError::Finished),
        };
        if expected != fact {
            return Err(SessionError::NotCurrent {
                expected,
                given: fact.to_owned(),
            });
        }
        let value = self.bundle.check_value(fact, value, self.today)?;
        self.answers.push((fact.to_owned(), value));
        Ok(self.normalize())
    }

    /// Takes back the answer to the last question on the path. Returns `false` (and changes
    /// nothing) at the first question.
    pub fn back(&mut self) -> bool {
        let walk = self.current();
        let Some(last) = walk.trail.iter().rev().find_map(|v| v.answer.as_ref()) else {
            return false;
        };
        self.answers.retain(|(f, _)| *f != last.fact);
        self.normalize();
        true
    }

    /// Puts the answers in path order, keeping answers the walk has not reached yet only
    /// while a question for them can still be reached; returns where the walk stands.
    fn normalize(&mut self) -> Evaluation<'b> {
        let walk = self.current();
        let mut kept: Vec<(String, Value)> = walk
            .trail
            .iter()
            .filter_map(|v| {
                v.answer
                    .as_ref()
                    .map(|a| (a.fact.to_owned(), a.value.clone()))
            })
            .collect();
        if let State::NeedsAnswer(q) = &walk.state {
            let ahead = questions_ahead(self.bundle, q.pathway, q.step);
            let pending: Vec<(String, Value)> = self
                .answers
                .iter()
                .filter(|(f, _)| ahead.contains(f) && !kept.iter().any(|(k, _)| k == f))
                .cloned()
                .collect();
            kept.extend(pending);
        }
        self.answers = kept;
        walk
    }

    /// Changes an earlier answer. Later answers still on the new path are kept; the rest
    /// are dropped. On error the session is unchanged.
    pub fn edit(
        &mut self,
        fact: &str,
        value: &serde_json::Value,
    ) -> Result<Evaluation<'b>, SessionError> {
        if !self.answers.iter().any(|(f, _)| f == fact) {
            return Err(SessionError::NotAnswered(fact.to_owned()));
        }
        let value = self.bundle.check_value(fact, value, self.today)?;
        for answer in &mut self.answers {
            if answer.0 == fact {
                answer.1 = value.clone();
            }
        }
        // Answers off the new path are dropped; later ones still ahead of it are kept.
        Ok(self.normalize())
    }

    /// The session as JSON, to save to a file the user chose.
    pub fn to_json(&self) -> String {
        let meta = self.bundle.meta(self.pathway);
        let saved = Saved {
            format: SESSION_FORMAT.to_owned(),
            pathway: meta.id.clone(),
            version: meta.version.clone(),
            content_hash: self.bundle.content_hash().to_owned(),
            today: self.today,
            answers: self
                .answers
                .iter()
                .map(|(f, v)| SavedAnswer {
                    fact: f.clone(),
                    value: v.to_json(),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&saved).unwrap_or_default()
    }

    /// Loads a saved session, replaying and re-checking every answer.
    pub fn from_json(bundle: &'b Bundle, text: &str) -> Result<Self, SessionError> {
        let saved = Saved::from_json(text).map_err(SessionError::Malformed)?;
        if saved.format != SESSION_FORMAT {
            return Err(SessionError::Malformed(format!(
                "`format` is \"{}\", expected \"{SESSION_FORMAT}\"",
                saved.format
            )));
        }
        let pathway = bundle
            .find(&saved.pathway)
            .ok_or_else(|| SessionError::UnknownPathway(saved.pathway.clone()))?;
        let meta = bundle.meta(pathway);
        if saved.content_hash != bundle.content_hash() || saved.version != meta.version {
            return Err(SessionError::OtherContent {
                pathway: saved.pathway,
                version: saved.version,
                hash: saved.content_hash,
                current_version: meta.version.clone(),
                current_hash: bundle.content_hash().to_owned(),
            });
        }
        let mut answers = Vec::with_capacity(saved.answers.len());
        for (i, a) in saved.answers.iter().enumerate() {
            let value = bundle
                .check_value(&a.fact, &a.value, saved.today)
                .map_err(|e| SessionError::Replay {
                    index: i + 1,
                    fact: a.fact.clone(),
                    reason: e.to_string(),
                })?;
            answers.push((a.fact.clone(), value));
        }
        Self::replay(bundle, pathway, saved.today, answers)
    }

    /// A session with these answers, which must be in path order (answers ahead of the walk
    /// kept while a question can still reach them); else the first answer out of place.
    fn replay(
        bundle: &'b Bundle,
        pathway: PathwayId,
        today: Date,
        answers: Vec<(String, Value)>,
    ) -> Result<Self, SessionError> {
        let mut session = Self::new(bundle, pathway, today);
        session.answers = answers;
        // A saved session is always in path order: anything else was edited by hand.
        let saved_order = session.answers.clone();
        session.normalize();
        if let Some(i) =
            (0..saved_order.len()).find(|&i| session.answers.get(i) != saved_order.get(i))
        {
            return Err(SessionError::Replay {
                index: i + 1,
                fact: saved_order[i].0.clone(),
                reason: "it is not where the answers before it lead (was the file edited?)".into(),
            });
        }
        Ok(session)
    }

    /// The session re-walked on another date. Each answer is given again while the walk
    /// asks for it (a date of birth is checked against the new date); answers the walk has
    /// not reached are kept as [`Session::from_json`] keeps them, while still valid on the new
    /// date and still ahead. Says which answers could not be used, and why.
    pub fn redate(&self, day: Date) -> Redated<'b> {
        let bundle = self.bundle;
        let mut walk = Session::new(bundle, self.pathway, day);
        let mut rest: Vec<(String, Value)> = self.answers.clone();
        let mut refused: Vec<(String, String)> = Vec::new();
        while let State::NeedsAnswer(q) = walk.current().state {
            let Some(i) = rest.iter().position(|(f, _)| *f == q.fact) else {
                break;
            };
            let (fact, value) = rest.remove(i);
            if let Err(e) = walk.answer(&fact, &value.to_json()) {
                refused.push((fact, format!("{e}; it is asked again")));
                break;
            }
        }
        rest.retain(
            |(fact, value)| match bundle.check_value(fact, &value.to_json(), day) {
                Ok(_) => true,
                Err(e) => {
                    refused.push((fact.clone(), e.to_string()));
                    false
                }
            },
        );
        // The rest are ahead of the walk: a replay keeps those a question can still reach,
        // and names the first one it cannot place, which is then left out.
        let mut off_route: Vec<String> = Vec::new();
        let session = loop {
            if rest.is_empty() {
                break walk;
            }
            let used = walk.answers.len();
            let answers: Vec<(String, Value)> = walk.answers.iter().chain(&rest).cloned().collect();
            match Self::replay(bundle, self.pathway, day, answers) {
                Ok(session) => break session,
                Err(SessionError::Replay { index, .. })
                    if index > used && index - used <= rest.len() =>
                {
                    off_route.push(rest.remove(index - used - 1).0);
                }
                // Not expected (the answers replayed on their own date): the answers ahead
                // are left out.
                Err(_) => {
                    off_route.extend(rest.drain(..).map(|(f, _)| f));
                }
            }
        };
        Redated {
            session,
            refused,
            off_route,
        }
    }
}

/// A session re-walked on another date ([`Session::redate`]).
#[derive(Debug, Clone)]
pub struct Redated<'b> {
    /// The session on the new date.
    pub session: Session<'b>,
    /// Saved answers that cannot be used on the new date, each with the reason.
    pub refused: Vec<(String, String)>,
    /// Saved answers ahead of the walk that no question on the new route asks, left out.
    pub off_route: Vec<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::compile::bundled;

    use super::*;

    #[test]
    fn a_saved_session_is_read_strictly() {
        let bundle = bundled().unwrap();
        let mut session = Session::new(&bundle, bundle.entry(), "2026-11-22".parse().unwrap());
        session.answer("immediate_danger", &json!(false)).unwrap();
        let text = session.to_json();
        assert_eq!(Session::from_json(&bundle, &text).unwrap(), session);
        let saved: Json = serde_json::from_str(&text).unwrap();
        let refused = |edit: &dyn Fn(&mut Json), wanted: &str| {
            let mut changed = saved.clone();
            edit(&mut changed);
            match Session::from_json(&bundle, &changed.to_string()) {
                Err(SessionError::Malformed(m)) => assert!(m.contains(wanted), "{m}"),
                other => panic!("{other:?}"),
            }
        };
        refused(&|s| s["extra"] = json!(1), "unknown field `extra`");
        refused(
            &|s| s["answers"][0]["note"] = json!("x"),
            "unknown field `note`",
        );
        refused(
            &|s| s["answers"][0] = json!({"fact": "immediate_danger"}),
            "missing field `value`",
        );
        refused(
            &|s| drop(s.as_object_mut().unwrap().remove("today")),
            "missing field `today`",
        );
        refused(&|s| s["today"] = json!("22/11/2026"), "`today`");
        refused(&|s| s["version"] = json!(1.5), "`version` must be a string");
        refused(&|s| s["answers"] = json!({}), "`answers` must be a list");
        refused(&|s| *s = json!([]), "must be a JSON object");
        let twice = text.replacen("\"format\"", "\"format\": \"x\",\n  \"format\"", 1);
        assert!(matches!(
            Session::from_json(&bundle, &twice),
            Err(SessionError::Malformed(m)) if m.contains("twice")
        ));
    }

    #[test]
    fn outcome_is_none_until_the_last_answer_then_what_current_finishes_with() {
        let bundle = bundled().unwrap();
        let today: Date = "2026-11-22".parse().unwrap();
        let mut session = Session::new(&bundle, bundle.entry(), today);
        let answers = json!({
            "immediate_danger": false,
            "needs_safe_place_tonight": false,
            "language_barrier": false,
            "someone_speaks_for_them": false,
            "age_basis": "stated_age",
            "age": 17,
            "suspected_modern_slavery": "yes",
            "reporter_organisation": "police",
            "exploitation_type": "labour",
        });
        // Answer whatever the walk asks next, in its order.
        while let State::NeedsAnswer(q) = session.current().state {
            assert!(session.outcome().is_none(), "finished before `{}`", q.fact);
            let value = answers
                .get(&*q.fact)
                .unwrap_or_else(|| panic!("asks `{}`", q.fact));
            session.answer(&q.fact, value).unwrap();
        }
        let outcome = session.outcome().expect("finished after the last answer");
        let State::Finished(current) = session.current().state else {
            panic!("current() is not finished")
        };
        assert_eq!(outcome.codes(), current.codes());
        assert!(outcome.codes().contains(&"refer_before_18th_birthday"));
        assert!(session.back());
        assert!(
            session.outcome().is_none(),
            "back makes it unfinished again"
        );
    }

    /// Regression (fuzz/session): a saved session whose answer is ahead of the walk (an age,
    /// with the age basis not yet answered) loads, asks the question in between, and then
    /// uses the answer it already holds instead of asking again.
    #[test]
    fn a_saved_answer_ahead_of_the_walk_is_kept_and_used_when_reached() {
        let bundle = bundled().unwrap();
        let text = json!({
            "format": SESSION_FORMAT,
            "pathway": "hertfordshire",
            "version": bundle.meta(bundle.entry()).version,
            "content_hash": bundle.content_hash(),
            "today": "2026-11-22",
            "answers": [
                {"fact": "immediate_danger", "value": true},
                {"fact": "age", "value": 17},
            ],
        })
        .to_string();
        let mut session = Session::from_json(&bundle, &text).unwrap();
        for fact in [
            "needs_safe_place_tonight",
            "language_barrier",
            "someone_speaks_for_them",
        ] {
            session.answer(fact, &json!(false)).unwrap();
        }
        let State::NeedsAnswer(q) = session.current().state else {
            panic!("finished with no age basis")
        };
        assert_eq!(q.fact, "age_basis");
        assert_eq!(
            Session::from_json(&bundle, &session.to_json()).unwrap(),
            session
        );
        session.answer("age_basis", &json!("stated_age")).unwrap();
        let State::NeedsAnswer(q) = session.current().state else {
            panic!("finished too early")
        };
        assert_ne!(q.fact, "age", "the saved age is asked again");
        assert_eq!(session.facts().get("age"), Some(&Value::Int(17)));
    }
}
