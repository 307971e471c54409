//! Terminal prompts shared by `walk` and `quiz` (inquire): one question at a time.

use std::io::IsTerminal;

use inquire::error::InquireError;
use inquire::ui::RenderConfig;
use inquire::{Select, Text};
use pathway::{AnswerKind, Bundle, Date, Question};
use serde_json::{Value as Json, json};

use crate::io::{CliError, Result, say};

/// What the worker did at a question.
pub(crate) enum Reply {
    Answer(Json),
    Back,
    Quit,
}

const BACK: &str = "← Back to the previous question";
const HELP: &str = "? Help: what this question means";
const QUIT: &str = "Save and quit";

/// Refuses to prompt without a terminal, pointing at `decide`.
pub(crate) fn require_terminal(command: &str) -> Result<()> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        if std::env::var_os("NO_COLOR").is_some()
            || std::env::var("TERM").is_ok_and(|t| t == "dumb")
        {
            inquire::set_global_render_config(RenderConfig::empty());
        }
        return Ok(());
    }
    Err(CliError::input(format!("{command} needs an interactive terminal"))
        .hint("for records or scripts use: pathway decide --facts FILE (one JSON object or JSON Lines)"))
}

/// Asks one question until it gets an answer the pathway accepts, `back` or `quit`.
pub(crate) fn ask(bundle: &Bundle, q: &Question, today: Date) -> Result<Reply> {
    say!();
    say!("Question {}", q.answered + 1);
    if let Some(note) = &q.note {
        say!("Note: {note}");
    }
    loop {
        let reply = match &q.answer {
            AnswerKind::Bool { yes, no } => pick(
                &q.text,
                vec![(yes.clone(), json!(true)), (no.clone(), json!(false))],
                q.answered > 0,
            ),
            AnswerKind::Choice { options } => {
                let choices = options
                    .iter()
                    .map(|o| (o.label.clone(), json!(o.value)))
                    .collect();
                pick(&q.text, choices, q.answered > 0)
            }
            AnswerKind::Integer { min, max } => typed(
                &q.text,
                &format!("a whole number from {min} to {max}"),
                |t| t.parse::<i64>().ok().map(|n| json!(n)),
            ),
            AnswerKind::Date => typed(
                &q.text,
                "a date written YYYY-MM-DD, for example 2008-03-14",
                |t| Some(json!(t)),
            ),
        }?;
        match reply {
            Picked::Help => {
                say!(
                    "\n{}\n",
                    q.help
                        .as_deref()
                        .unwrap_or("No help is written for this question.")
                );
            }
            Picked::Retry => {}
            Picked::Reply(Reply::Answer(value)) => match bundle.check_value(&q.fact, &value, today)
            {
                Ok(_) => return Ok(Reply::Answer(value)),
                Err(e) => say!("That answer can't be used: {e}"),
            },
            Picked::Reply(other) => return Ok(other),
        }
    }
}

enum Picked {
    Reply(Reply),
    Help,
    /// A typing mistake, already explained: ask again.
    Retry,
}

fn cancelled(e: InquireError) -> Result<Picked> {
    match e {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => {
            Ok(Picked::Reply(Reply::Quit))
        }
        other => Err(CliError::input(format!(
            "the terminal prompt failed: {other}"
        ))),
    }
}

fn pick(text: &str, choices: Vec<(String, Json)>, can_go_back: bool) -> Result<Picked> {
    let mut labels: Vec<String> = choices.iter().map(|(l, _)| l.clone()).collect();
    labels.push(HELP.into());
    if can_go_back {
        labels.push(BACK.into());
    }
    labels.push(QUIT.into());
    let chosen = match Select::new(text, labels)
        .with_help_message("↑↓ to move, Enter to choose, Esc to save and quit")
        .prompt()
    {
        Ok(c) => c,
        Err(e) => return cancelled(e),
    };
    Ok(match chosen.as_str() {
        HELP => Picked::Help,
        BACK => Picked::Reply(Reply::Back),
        QUIT => Picked::Reply(Reply::Quit),
        label => {
            let value = choices
                .into_iter()
                .find(|(l, _)| l == label)
                .map_or(Json::Null, |(_, v)| v);
            Picked::Reply(Reply::Answer(value))
        }
    })
}

fn typed(text: &str, what: &str, parse: impl Fn(&str) -> Option<Json>) -> Result<Picked> {
    let help = format!(
        "Type {what}; `?` for help, `back` for the previous question, Esc to save and quit"
    );
    let entered = match Text::new(text).with_help_message(&help).prompt() {
        Ok(t) => t,
        Err(e) => return cancelled(e),
    };
    Ok(match entered.trim() {
        "?" | "help" => Picked::Help,
        "back" => Picked::Reply(Reply::Back),
        "" => {
            say!("Please type {what}.");
            Picked::Retry
        }
        "quit" => Picked::Reply(Reply::Quit),
        t => match parse(t) {
            Some(v) => Picked::Reply(Reply::Answer(v)),
            None => {
                say!("Please type {what}.");
                Picked::Retry
            }
        },
    })
}
