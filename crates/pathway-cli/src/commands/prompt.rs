//! Terminal prompts shared by `walk` and `quiz` (inquire): one question at a time.

use std::io::IsTerminal;

use inquire::error::{CustomUserError, InquireError};
use inquire::ui::RenderConfig;
use inquire::validator::Validation;
use inquire::{Select, Text};
use pathway::{AnswerKind, Bundle, Date, Question};
use serde_json::{Value as Json, json};

use crate::io::{CliError, Result, say};

/// What the worker did at a question.
pub(crate) enum Reply {
    Answer(Json),
    Back,
    Quit,
    /// Ctrl-C: stop now (exit 130, after saving where there is a file to save to).
    Interrupt,
}

const BACK: &str = "← Back to the previous question";
const HELP: &str = "? Help: what this question means";
const QUIT: &str = "Save and quit";

/// Refuses to prompt without a terminal, with a hint at the way to do it in a script.
pub(crate) fn require_terminal(command: &str, hint: &str) -> Result<()> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        // no-color.org: only a NO_COLOR that is set and not empty turns colour off (inquire's
        // own default also turns it off for an empty one, so the choice is made here).
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var("TERM").is_ok_and(|t| t == "dumb");
        inquire::set_global_render_config(if plain {
            RenderConfig::empty()
        } else {
            RenderConfig::default_colored()
        });
        return Ok(());
    }
    Err(CliError::input(format!("{command} needs an interactive terminal")).hint(hint))
}

/// Where a walk is, for the progress line above each question.
pub(crate) struct Progress {
    /// The pathway of the last question shown (or the one the walk started in).
    pathway: String,
}

impl Progress {
    pub(crate) fn new(pathway: &str) -> Self {
        Self {
            pathway: pathway.to_owned(),
        }
    }
}

/// Asks one question until it gets an answer the pathway accepts, `back` or `quit`. Above it:
/// "Question N", and the pathway's title when the walk has moved into another pathway (the
/// entry hands adults and children over to their own).
pub(crate) fn ask(
    bundle: &Bundle,
    q: &Question<'_>,
    today: Date,
    progress: &mut Progress,
) -> Result<Reply> {
    say!();
    if q.pathway == progress.pathway {
        say!("Question {}", q.answered + 1);
    } else {
        let title = bundle
            .find(q.pathway)
            .map_or(q.pathway, |p| bundle.meta(p).title.as_str());
        say!("Question {} · now in: {title}", q.answered + 1);
        q.pathway.clone_into(&mut progress.pathway);
    }
    if let Some(note) = &q.note {
        say!("{}", fill(&format!("Note: {note}")));
    }
    let mut helped = false;
    loop {
        let reply = match &q.answer {
            AnswerKind::Bool { yes, no } => pick(
                &q.text,
                vec![
                    ((*yes).to_owned(), json!(true)),
                    ((*no).to_owned(), json!(false)),
                ],
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
                |v| {
                    bundle
                        .check_value(&q.fact, v, today)
                        .map(drop)
                        .map_err(|e| e.to_string())
                },
            ),
            AnswerKind::Date => typed(
                &q.text,
                "a date as DD/MM/YYYY, for example 14/03/2009",
                // Day first, as UK workers write dates; ISO works too. JSON stays ISO.
                |t| Date::parse_uk(t).ok().map(|d| json!(d.to_string())),
                |v| {
                    bundle
                        .check_value(&q.fact, v, today)
                        .map(drop)
                        .map_err(|e| e.to_string())
                },
            ),
        }?;
        match reply {
            // The short answer first; choosing Help again shows the rest (the fold every
            // front has behind "More").
            Picked::Help if helped && q.more.is_some() => {
                say!("\n{}\n", fill(q.more.unwrap_or_default()));
            }
            Picked::Help => {
                helped = true;
                say!(
                    "\n{}\n",
                    fill(q.help.unwrap_or("No help is written for this question."))
                );
                if q.more.is_some() {
                    say!("(More: choose Help again.)\n");
                }
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
        InquireError::OperationCanceled => Ok(Picked::Reply(Reply::Quit)),
        InquireError::OperationInterrupted => Ok(Picked::Reply(Reply::Interrupt)),
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
    // Wrapped here at words: inquire would break the line wherever it meets the edge.
    let text = fill_question(text);
    let chosen = match Select::new(&text, labels)
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

/// Typed entry, checked as it is submitted: a value the pathway refuses keeps the prompt
/// open with the reason shown above it, so the worker corrects it in place.
fn typed(
    text: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<Json> + Clone,
    check: impl Fn(&Json) -> Result<(), String> + Clone,
) -> Result<Picked> {
    let help = format!(
        "Type {what}; `?` for help, `back` for the previous question, Esc to save and quit"
    );
    let please = format!("Please type {what}.");
    let (parse_v, please_v) = (parse.clone(), please.clone());
    let validator = move |input: &str| -> Result<Validation, CustomUserError> {
        Ok(match input.trim() {
            "?" | "help" | "back" | "quit" => Validation::Valid,
            "" => Validation::Invalid(please_v.clone().into()),
            t => match parse_v(t) {
                None => Validation::Invalid(please_v.clone().into()),
                Some(v) => match check(&v) {
                    Ok(()) => Validation::Valid,
                    Err(reason) => Validation::Invalid(reason.into()),
                },
            },
        })
    };
    let text = fill_question(text);
    let entered = match Text::new(&text)
        .with_help_message(&help)
        .with_validator(validator)
        .prompt()
    {
        Ok(t) => t,
        Err(e) => return cancelled(e),
    };
    Ok(match entered.trim() {
        "?" | "help" => Picked::Help,
        "back" => Picked::Reply(Reply::Back),
        "quit" => Picked::Reply(Reply::Quit),
        t => match parse(t) {
            Some(v) => Picked::Reply(Reply::Answer(v)),
            None => {
                say!("{please}");
                Picked::Retry
            }
        },
    })
}

/// The terminal's width in columns (80 when it cannot be told).
pub(crate) fn width() -> usize {
    terminal_size::terminal_size().map_or(80, |(w, _)| usize::from(w.0))
}

/// Text wrapped at the terminal's width at word boundaries (never mid-word: a terminal
/// wraps long lines wherever they reach the edge), keeping its line breaks.
pub(crate) fn fill(text: &str) -> String {
    fill_to(text, width().saturating_sub(1).max(20))
}

/// A question as a prompt's message, wrapped to leave room for inquire's `? ` before it.
fn fill_question(text: &str) -> String {
    fill_to(text, width().saturating_sub(3).max(20))
}

fn fill_to(text: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, paragraph) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // A paragraph's own indentation (a command to type) is kept.
        let indent = paragraph.len() - paragraph.trim_start_matches(' ').len();
        out.push_str(&paragraph[..indent]);
        let mut len = indent;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let n = word.chars().count();
            if len > indent && len + 1 + n > width {
                out.push('\n');
                len = 0;
            } else if len > indent {
                out.push(' ');
                len += 1;
            }
            out.push_str(word);
            len += n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fill_to;

    #[test]
    fn fill_wraps_at_words_and_keeps_line_breaks() {
        assert_eq!(fill_to("one two three four", 9), "one two\nthree\nfour");
        assert_eq!(fill_to("a\n\nb c", 3), "a\n\nb c");
        assert_eq!(fill_to("unbreakable", 4), "unbreakable");
        assert_eq!(fill_to("see:\n  pathway walk", 40), "see:\n  pathway walk");
    }
}
