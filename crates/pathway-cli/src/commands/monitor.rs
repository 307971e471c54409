//! Monitoring records from the fronts: `walk --monitoring FILE` (asks the district at the
//! end) and `decide --monitoring` (one record per facts record).

use std::borrow::Cow;
use std::path::Path;

use pathway::{
    AnswerKind, Bundle, Config, DISTRICT_FACT, Date, Facts, PathwayId, Question, Session, evaluate,
    model::FactType, monitoring_record,
};

use super::prompt::{self, Progress, Reply};
use crate::io::{Result, say, write_shared};

/// How `walk --monitoring` ended.
pub(crate) enum Ended {
    Written,
    Interrupted,
}

/// At the end of a finished walk: asks the district (when the set declares one), then writes
/// the anonymised monitoring record to `file`.
pub(crate) fn after_walk(bundle: &Bundle, session: &Session<'_>, file: &Path) -> Result<Ended> {
    let mut facts = session.facts();
    if let Some(decl) = bundle
        .fact(DISTRICT_FACT)
        .filter(|d| d.ty == FactType::Choice)
    {
        say!("\nMonitoring record (anonymised: no name, date of birth or notes).");
        let question = Question {
            pathway: "",
            step: DISTRICT_FACT,
            fact: Cow::Borrowed(DISTRICT_FACT),
            text: Cow::Borrowed(decl.question.as_str()),
            help: decl.help.as_deref(),
            more: decl.more.as_deref(),
            note: None,
            answer: AnswerKind::Choice {
                options: &decl.options,
            },
            answered: session.answers().len(),
        };
        let mut progress = Progress::new("");
        match prompt::ask(bundle, &question, session.today(), &mut progress)? {
            Reply::Answer(json) => {
                if let Ok(value) = decl.parse_value(&json, session.today()) {
                    facts.insert(DISTRICT_FACT, value);
                }
            }
            Reply::Back | Reply::Quit => say!("District: not known."),
            Reply::Interrupt => return Ok(Ended::Interrupted),
        }
    }
    let evaluation = session.current();
    let Some(record) = monitoring_record(bundle, &evaluation, &facts, session.today()) else {
        say!("No monitoring record: the walk did not reach an outcome.");
        return Ok(Ended::Written);
    };
    write_shared(file, &format!("{}\n", record.to_json()))?;
    say!("Monitoring record written to {}.", file.display());
    Ok(Ended::Written)
}

/// The monitoring record of one facts record, as a line of JSON, or why there is none.
pub(crate) fn of_record(
    bundle: &Bundle,
    start: PathwayId,
    facts: &Facts,
    today: Date,
) -> Result<String, String> {
    let config = Config {
        today,
        use_defaults: true,
    };
    let evaluation = evaluate(bundle, start, facts, &config);
    match monitoring_record(bundle, &evaluation, facts, today) {
        Some(record) => Ok(record.to_json()),
        None => Err(match &evaluation.state {
            pathway::State::NeedsAnswer(q) => format!(
                "the walk is not finished (it needs `{}`): a monitoring record is only for a finished walk",
                q.fact
            ),
            _ => "the pathway has no route for these answers: no monitoring record".to_owned(),
        }),
    }
}
