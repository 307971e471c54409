//! `pathway quiz`: a trainee walks a scenario, then gets a debrief of every divergence.

use std::path::Path;
use std::process::ExitCode;

use pathway::{Config, Facts, Scenario, Session, State, evaluate};
use serde_json::Value as Json;

use super::prompt::{self, Progress, Reply};
use crate::io::{CliError, EXIT_INTERRUPTED, Result, load_set, read, read_at_most, say};
use pathway_cli::records::MAX_RECORD;

pub(crate) fn run(dir: Option<&Path>, file: &Path, answers: Option<&Path>) -> Result<ExitCode> {
    let scenario = Scenario::from_json(&read(file)?)
        .map_err(|e| CliError::input(format!("{}: not a valid scenario: {e}", file.display())))?;
    let set = load_set(dir, None, &Default::default())?;
    let bundle = &set.bundle;
    let start = set.pathway(scenario.pathway.as_deref())?;
    let today = scenario
        .today
        .parse()
        .map_err(|e| CliError::input(format!("{}: `today`: {e}", file.display())))?;
    if answers.is_none() {
        prompt::require_terminal(
            "quiz",
            &format!(
                "to mark written answers use: pathway quiz {} --answers FILE (a facts JSON object)",
                file.display()
            ),
        )?;
    }
    say!("{}\n\n{}\n", scenario.title, scenario.story);
    let mine: Facts = match answers {
        Some(path) => bundle
            .parse_facts_str(
                &read_at_most(path, MAX_RECORD as u64, "a facts record")?,
                today,
            )
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?,
        None => {
            let mut session = Session::new(bundle, start, today);
            let mut progress = Progress::new(&bundle.meta(start).id);
            while let State::NeedsAnswer(q) = session.current().state {
                match prompt::ask(bundle, &q, today, &mut progress)? {
                    Reply::Answer(v) => {
                        if let Err(e) = session.answer(&q.fact, &v) {
                            say!("That answer can't be used: {e}");
                        }
                    }
                    Reply::Back => {
                        session.back();
                    }
                    Reply::Quit => return Ok(ExitCode::SUCCESS),
                    Reply::Interrupt => {
                        say!("Interrupted (Ctrl-C).");
                        return Ok(ExitCode::from(EXIT_INTERRUPTED));
                    }
                }
            }
            session.facts()
        }
    };
    let expected = scenario.run(bundle);
    let yours = evaluate(
        bundle,
        start,
        &mine,
        &Config {
            today,
            use_defaults: true,
        },
    );
    let your_status = yours.decision.status;
    let your_codes: Vec<String> = yours
        .decision
        .codes
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    let your_next = yours.decision.next_fact;
    say!("DEBRIEF");
    let mut differences = 0;
    let right = bundle
        .parse_facts(&Json::Object(scenario.facts.clone()), today)
        .unwrap_or_default();
    for visit in &yours.trail {
        let Some(a) = &visit.answer else { continue };
        match right.get(a.fact) {
            Some(v) if *v == a.value => {}
            Some(v) => {
                differences += 1;
                say!(
                    "- You answered {} = {}; the case says {}.",
                    a.fact,
                    a.value,
                    v
                );
                let step = expected.evaluation.as_ref().and_then(|e| {
                    e.trail
                        .iter()
                        .find(|t| t.answer.as_ref().is_some_and(|x| x.fact == a.fact))
                });
                if let Some(reason) = step.and_then(|s| s.reason.as_ref().map(|r| (r, &s.cites))) {
                    say!(
                        "  With the case's answer: {} [{}]",
                        reason.0,
                        reason.1.join(", ")
                    );
                }
            }
            None => {}
        }
    }
    if let Some(fact) = your_next.filter(|_| your_status == pathway::Status::NeedsAnswer) {
        differences += 1;
        say!("- Your answers stop short: the pathway still needs `{fact}`.");
    }
    if your_codes == expected.codes {
        say!(
            "- Your walk reached the expected outcome: [{}]",
            your_codes.join(", ")
        );
    } else {
        differences += 1;
        say!("- Your outcome:     [{}]", your_codes.join(", "));
        say!("- Expected outcome: [{}]", expected.codes.join(", "));
    }
    say!("\n{}", scenario.debrief);
    say!(
        "\n{}",
        if differences == 0 {
            "Well done: no differences."
        } else {
            "Review the differences above with your trainer."
        }
    );
    Ok(ExitCode::SUCCESS)
}
