//! `pathway decide`: one facts object, or JSON Lines streamed record by record.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use pathway::{
    Bundle, Config, Date, FactError, LoadOptions, NotesConfig, PathwayId, State, Status,
    case_notes, decide, evaluate, evaluation_json, outcome_markdown,
};
use serde::Serialize;
use serde_json::json;

use crate::args::DecideFormat;
use crate::io::{CliError, Result, load_set, plain, today as parse_today};
use crate::records::{Input, Start, read_start};

pub(crate) struct Options {
    pub(crate) format: DecideFormat,
    pub(crate) fail_fast: bool,
    pub(crate) stats: bool,
    pub(crate) brief: bool,
    pub(crate) unproven: bool,
}

#[derive(Default)]
struct Tally {
    records: u64,
    finished: u64,
    needs_answer: u64,
    blocked: u64,
    errors: u64,
    codes: BTreeMap<String, u64>,
}

/// A `--brief` line: the decision alone (keys in the order the full JSON sorts them).
#[derive(Serialize)]
struct Brief<'a> {
    codes: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    next_fact: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    status: Status,
}

impl Tally {
    /// Counts one evaluated record: its status, and the codes of a finished one.
    fn count(&mut self, status: Status, codes: &[&str]) {
        match status {
            Status::Finished => {
                self.finished += 1;
                for code in codes {
                    *self.codes.entry((*code).to_owned()).or_default() += 1;
                }
            }
            Status::NeedsAnswer => self.needs_answer += 1,
            Status::Blocked => self.blocked += 1,
        }
    }
}

pub(crate) fn run(
    dir: Option<&Path>,
    pathway: Option<&str>,
    facts: &str,
    today: Option<&str>,
    options: Options,
) -> Result<ExitCode> {
    let today = parse_today(today)?;
    let load = LoadOptions {
        prove_invariants: !options.unproven,
    };
    let set = load_set(dir, pathway, &load)?;
    if options.unproven {
        eprintln!(
            "warning: --unproven: invariants were not required to hold; never use this for a real case"
        );
    }
    let start = set.pathway(pathway)?;
    set.warn(today);
    let input: Box<dyn Read> = if facts == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(
            File::open(facts)
                .map_err(|e| CliError::input(format!("cannot read {facts}: {}", plain(&e))))?,
        )
    };
    let mut input = Input::new(input, facts);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut d = Decider {
        bundle: &set.bundle,
        start,
        today,
        options: &options,
        tally: Tally::default(),
        shown: 0,
    };

    let mut first = None;
    while let Some(line) = input.line(&mut out)? {
        if !line.is_blank() {
            first = Some(line);
            break;
        }
    }
    let Some(first) = first else {
        return Err(CliError::input(format!(
            "{} holds no facts record",
            if facts == "-" {
                "standard input"
            } else {
                facts
            }
        ))
        .hint("give one JSON object, or JSON Lines (one object per line)"));
    };
    let mut bad = false;
    // Continue after a record unless the reader has gone, or a bad record with --fail-fast.
    let mut go_on = |r: Result<(), Stop>| match r {
        Ok(()) => true,
        Err(Stop::Bad) => {
            bad = true;
            !options.fail_fast
        }
        Err(Stop::Closed) => false,
    };
    // One object over several lines, or JSON Lines: decided by the first lines alone.
    match read_start(&mut input, &mut out, first)? {
        Start::Single { text, first } => {
            go_on(d.record(&mut out, 1, first, Ok(&text), false));
        }
        Start::Lines(held, note) => {
            if let Some(note) = note {
                eprintln!("note: {note}");
            }
            let mut held = held.into_iter();
            let mut n = 0;
            loop {
                let line = match held.next() {
                    Some(line) => line,
                    None => match input.line(&mut out)? {
                        Some(line) => line,
                        None => break,
                    },
                };
                if line.is_blank() {
                    continue;
                }
                n += 1;
                let text = line.text.as_deref().map_err(|_| ());
                if !go_on(d.record(&mut out, n, line.number, text, true)) {
                    break;
                }
            }
            if n > 1 || d.tally.errors > 0 {
                let t = &d.tally;
                eprintln!(
                    "records: {}, finished: {}, needs answer: {}, blocked: {}, errors: {}",
                    t.records, t.finished, t.needs_answer, t.blocked, t.errors
                );
            }
        }
    }
    if options.stats {
        let t = &d.tally;
        let stats = json!({"records": t.records, "finished": t.finished, "needs_answer": t.needs_answer, "blocked": t.blocked, "errors": t.errors, "codes": t.codes});
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&stats).unwrap_or_default()
        )
        .ok();
    }
    match out.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            return Err(CliError::input(format!(
                "cannot write the output: {}",
                plain(&e)
            )));
        }
        _ => {}
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Why records stopped being clean.
enum Stop {
    /// A record was bad (reported; exit 2).
    Bad,
    /// The reader closed the pipe: stop quietly.
    Closed,
}

struct Decider<'a> {
    bundle: &'a Bundle,
    start: PathwayId,
    today: Date,
    options: &'a Options,
    tally: Tally,
    /// Records already written (a rule separates text and Markdown summaries).
    shown: u64,
}

impl Decider<'_> {
    /// Evaluates record `n` (on line `line` of a JSON Lines input, or starting on line `line`
    /// of a single record over several lines) and writes the result; a
    /// bad record is reported on standard error and, in a batch, keeps its place in the
    /// output.
    fn record(
        &mut self,
        out: &mut impl Write,
        n: u64,
        line: u64,
        text: Result<&str, ()>,
        lines: bool,
    ) -> Result<(), Stop> {
        self.tally.records += 1;
        let parsed = match text {
            Ok(text) => self.bundle.parse_facts_str(text, self.today).map_err(Some),
            Err(()) => Err(None),
        };
        let facts = match parsed {
            Ok(facts) => facts,
            Err(problem) => {
                self.tally.errors += 1;
                let stats = self.options.stats;
                let mut message = match &problem {
                    None => "not valid UTF-8 text".to_owned(),
                    Some(e) if stats => e.anonymised(),
                    Some(e) => e.to_string(),
                };
                // A JSON Lines record is one line: its place gives the line, the error the
                // column. A record over several lines gives lines of the file.
                if let Some(FactError::Syntax {
                    line: at, column, ..
                }) = &problem
                {
                    let here = format!("at line {at} column {column}");
                    if lines && *at == 1 {
                        message = message.replace(&here, &format!("at column {column}"));
                    } else if !lines && line > 1 {
                        let of_file = *at as u64 + line - 1;
                        message =
                            message.replace(&here, &format!("at line {of_file} column {column}"));
                    }
                }
                let hint = record_hint(self.bundle, self.today, problem.as_ref(), lines, stats);
                let place = if lines && line != n {
                    format!("record {n} (line {line})")
                } else {
                    format!("record {n}")
                };
                eprintln!("error: {place}: {message}");
                if let Some(hint) = &hint {
                    eprintln!("  hint: {hint}");
                }
                // In a batch the bad record keeps its place in the output, so none is lost.
                if lines && !stats {
                    let written = match self.options.format {
                        DecideFormat::Json => {
                            let mut error = json!({"record": n, "line": line, "status": "error", "error": message});
                            if let (Some(obj), Some(hint)) = (error.as_object_mut(), hint) {
                                obj.insert("hint".into(), json!(hint));
                            }
                            writeln!(out, "{error}")
                        }
                        DecideFormat::Text => writeln!(
                            out,
                            "{}{} not evaluated: {message}",
                            self.separator(),
                            capitalised(&place)
                        ),
                        DecideFormat::Markdown => writeln!(
                            out,
                            "{}**{} not evaluated:** {message}",
                            self.separator(),
                            capitalised(&place)
                        ),
                    };
                    written.map_err(|_| Stop::Closed)?;
                }
                return Err(Stop::Bad);
            }
        };
        let config = Config {
            today: self.today,
            use_defaults: true,
        };
        // Counts and brief lines need only the decision, which copies nothing; the full
        // output needs the whole evaluation (questions, texts, contacts, trail).
        let brief = self.options.brief && self.options.format == DecideFormat::Json;
        if self.options.stats || brief {
            let decision = decide(self.bundle, self.start, &facts, &config);
            self.tally.count(decision.status, &decision.codes);
            if self.options.stats {
                return Ok(());
            }
            let line = Brief {
                codes: &decision.codes,
                next_fact: decision.next_fact,
                record: lines.then_some(n),
                status: decision.status,
            };
            let written = serde_json::to_writer(&mut *out, &line)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"));
            return written.map_err(|_| Stop::Closed);
        }
        let evaluation = evaluate(self.bundle, self.start, &facts, &config);
        match &evaluation.state {
            State::Finished(o) => self.tally.count(Status::Finished, &o.codes()),
            State::NeedsAnswer(_) => self.tally.count(Status::NeedsAnswer, &[]),
            State::Blocked { .. } => self.tally.count(Status::Blocked, &[]),
        }
        let written = match self.options.format {
            DecideFormat::Json => {
                let mut json = evaluation_json(self.bundle, &evaluation);
                if lines && let Some(obj) = json.as_object_mut() {
                    obj.insert("record".into(), json!(n));
                }
                writeln!(out, "{json}")
            }
            DecideFormat::Text => {
                let sep = self.separator();
                // The case notes every front writes: in words, no codes or fact ids
                // outside "About this advice".
                let notes = NotesConfig {
                    today: Some(config.today),
                    ..NotesConfig::default()
                };
                write!(out, "{sep}{}", case_notes(self.bundle, &evaluation, &notes))
            }
            DecideFormat::Markdown => {
                let sep = self.separator();
                write!(out, "{sep}{}", outcome_markdown(self.bundle, &evaluation))
            }
        };
        written.map_err(|_| Stop::Closed)
    }

    /// The rule between two text or Markdown summaries (nothing before the first).
    fn separator(&mut self) -> &'static str {
        self.shown += 1;
        match (self.shown, self.options.format) {
            (1, _) | (_, DecideFormat::Json) => "",
            (_, DecideFormat::Text) => "\n----------------------------------------\n\n",
            (_, DecideFormat::Markdown) => "\n---\n\n",
        }
    }
}

fn capitalised(place: &str) -> String {
    let mut chars = place.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What to do about a bad record (`None` for text that is not UTF-8). With `stats`, the hint
/// takes nothing from the input either: no guess at what an unknown key meant.
fn record_hint(
    bundle: &Bundle,
    today: Date,
    problem: Option<&FactError>,
    lines: bool,
    stats: bool,
) -> Option<String> {
    let Some(e) = problem else {
        return Some("save the file as UTF-8 text".into());
    };
    let declared = || bundle.facts().map(|f| f.id.as_str());
    Some(match e {
        FactError::Syntax { .. } if lines => {
            "in JSON Lines each record is one complete JSON object on its own line".into()
        }
        FactError::Syntax { .. } => "check the brackets, quotes and commas near that place".into(),
        FactError::NotAnObject { .. } => {
            "write the record as fact ids and answers, e.g. {\"immediate_danger\": false}".into()
        }
        FactError::Unknown { fact } => match bundle.nearest_fact(fact).filter(|_| !stats) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "the facts of this set are: {}",
                declared().collect::<Vec<_>>().join(", ")
            ),
        },
        FactError::Duplicate { .. } => "keep the answer that is right and remove the other".into(),
        FactError::ImpossibleDate { .. } => format!(
            "ages are worked out on {today}: check the date, or give the date of the record with --today"
        ),
        other => {
            let decl = other.fact().and_then(|f| bundle.fact(f))?;
            format!(
                "`{}` answers \"{}\"; write null when the answer is not known",
                decl.id, decl.question
            )
        }
    })
}
