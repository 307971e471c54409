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
use crate::io::{
    CliError, EXIT_INPUT, Result, Set, load_set, plain, set_files, tell, today as parse_today,
};
use pathway_cli::records::{Input, MAX_RECORD, Record, Records, Unreadable};

pub(crate) struct Options {
    pub(crate) format: DecideFormat,
    pub(crate) fail_fast: bool,
    pub(crate) stats: bool,
    pub(crate) brief: bool,
    pub(crate) unproven: bool,
    pub(crate) monitoring: bool,
    pub(crate) relaxed: bool,
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

/// `--relaxed`: a set folder loaded as `pathway diff` loads an older version, with the
/// checks added since it was written relaxed (each said on standard error).
fn load_relaxed(dir: Option<&Path>, pathway: Option<&str>) -> Result<Set> {
    let folder = pathway
        .map(Path::new)
        .filter(|p| p.is_dir())
        .or(dir)
        .ok_or_else(|| {
            CliError::input("--relaxed needs a set folder").hint(
                "pathway --pathways fixtures/v1/hertfordshire-1.0.0 decide --relaxed --facts FILE",
            )
        })?;
    let texts = set_files(folder)?;
    let files: Vec<pathway::SourceFile<'_>> = texts
        .iter()
        .map(|(name, text)| pathway::SourceFile { name, text })
        .collect();
    let loaded = pathway::load_for_comparison(&files)?;
    for r in &loaded.relaxed {
        tell!("warning: --relaxed: {r}");
    }
    tell!("warning: --relaxed: loaded for comparison only; never use this for a real case");
    Ok(Set {
        bundle: loaded.bundle,
        origin: folder.display().to_string(),
        named: None,
    })
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
    let set = if options.relaxed {
        load_relaxed(dir, pathway)?
    } else {
        load_set(dir, pathway, &load)?
    };
    if options.unproven {
        tell!(
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
    let name = if facts == "-" {
        "standard input"
    } else {
        facts
    };
    let mut records = Records::new(Input::new(input));
    let mut out = BufWriter::new(io::stdout().lock());
    let mut d = Decider {
        bundle: &set.bundle,
        start,
        today,
        options: &options,
        tally: Tally::default(),
        shown: 0,
    };
    let unreadable = |e: io::Error| CliError::input(format!("cannot read {name}: {}", plain(&e)));
    let Some(first) = records.next(&mut out).map_err(unreadable)? else {
        return Err(CliError::input(format!("{name} holds no facts record"))
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
    if first.whole {
        // One object over several lines, and nothing else: one record, one JSON object.
        go_on(d.record(&mut out, &first, false));
    } else {
        let mut next = Some(first);
        while let Some(record) = next {
            if let Some(note) = records.take_note() {
                tell!("note: {note}");
            }
            if !go_on(d.record(&mut out, &record, true)) {
                break;
            }
            next = records.next(&mut out).map_err(unreadable)?;
        }
        if d.tally.records > 1 || d.tally.errors > 0 {
            let t = &d.tally;
            tell!(
                "records: {}, finished: {}, needs answer: {}, blocked: {}, errors: {}",
                t.records,
                t.finished,
                t.needs_answer,
                t.blocked,
                t.errors
            );
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
        ExitCode::from(EXIT_INPUT)
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
    /// Evaluates a record and writes the result; a bad record is reported on standard error
    /// and, in a batch (`lines`: JSON Lines or several records), keeps its place in the
    /// output.
    fn record(&mut self, out: &mut impl Write, record: &Record, lines: bool) -> Result<(), Stop> {
        let (n, line) = (record.number, record.line);
        self.tally.records += 1;
        let parsed = match &record.text {
            Ok(text) => self.bundle.parse_facts_str(text, self.today).map_err(Ok),
            Err(why) => Err(Err(*why)),
        };
        let facts = match parsed {
            Ok(facts) => facts,
            Err(problem) => {
                self.tally.errors += 1;
                let stats = self.options.stats;
                let mut message = match &problem {
                    Err(why) => why.message(),
                    Ok(e) if stats => e.anonymised(),
                    Ok(e) => e.to_string(),
                };
                // A record on one line: its place gives the line, the error the column. A
                // record over several lines gives lines of the file.
                if let Ok(FactError::Syntax {
                    line: at, column, ..
                }) = &problem
                {
                    let here = format!("at line {at} column {column}");
                    if !record.spread && *at == 1 {
                        message = message.replace(&here, &format!("at column {column}"));
                    } else if record.spread && line > 1 {
                        let of_file = *at as u64 + line - 1;
                        message =
                            message.replace(&here, &format!("at line {of_file} column {column}"));
                    }
                }
                let problem = problem.as_ref().map_err(|why| *why);
                let hint = record_hint(self.bundle, self.today, problem, lines, stats);
                let place = if lines && line != n {
                    format!("record {n} (line {line})")
                } else {
                    format!("record {n}")
                };
                tell!("error: {place}: {message}");
                if let Some(hint) = &hint {
                    tell!("  hint: {hint}");
                }
                // In a batch the bad record keeps its place in the output, so none is lost.
                if lines && !stats {
                    let written = match self.options.format {
                        DecideFormat::Json => {
                            let mut error = json!({"record": n, "line": line, "status": "error", "error": message});
                            if let (Some(obj), Some(hint)) = (error.as_object_mut(), hint) {
                                obj.insert("hint".into(), json!(hint));
                            }
                            put(out, &format!("{error}\n"))
                        }
                        DecideFormat::Text => put(
                            out,
                            &format!(
                                "{}{} not evaluated: {message}\n",
                                self.separator(),
                                capitalised(&place)
                            ),
                        ),
                        DecideFormat::Markdown => put(
                            out,
                            &format!(
                                "{}**{} not evaluated:** {message}\n",
                                self.separator(),
                                capitalised(&place)
                            ),
                        ),
                    };
                    written.map_err(|_| Stop::Closed)?;
                }
                return Err(Stop::Bad);
            }
        };
        if self.options.monitoring {
            return match super::monitor::of_record(self.bundle, self.start, &facts, self.today) {
                Ok(line) => {
                    self.tally.finished += 1;
                    put(out, &format!("{line}\n")).map_err(|_| Stop::Closed)
                }
                Err(why) => {
                    self.tally.errors += 1;
                    tell!("error: record {n}: {why}");
                    Err(Stop::Bad)
                }
            };
        }
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
                put(out, &format!("{json}\n"))
            }
            DecideFormat::Text => {
                let sep = self.separator();
                // The case notes every front writes: in words, no codes or fact ids
                // outside "About this advice".
                let notes = NotesConfig {
                    today: Some(config.today),
                    ..NotesConfig::default()
                };
                let text = case_notes(self.bundle, &evaluation, &notes);
                out.write_all(sep.as_bytes()).and_then(|()| put(out, &text))
            }
            DecideFormat::Markdown => {
                let sep = self.separator();
                let text = outcome_markdown(self.bundle, &evaluation);
                out.write_all(sep.as_bytes()).and_then(|()| put(out, &text))
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

/// Writes `text` with every character that could control a terminal shown as an escape
/// ([`pathway::visible`]: one scan, no copy when there is none; JSON stays the same JSON).
fn put(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(pathway::visible(text).as_bytes())
}

fn capitalised(place: &str) -> String {
    let mut chars = place.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What to do about a bad record (`Err` for a line that could not be read). With `stats`,
/// the hint takes nothing from the input either: no guess at what an unknown key meant.
fn record_hint(
    bundle: &Bundle,
    today: Date,
    problem: Result<&FactError, Unreadable>,
    lines: bool,
    stats: bool,
) -> Option<String> {
    let e = match problem {
        Ok(e) => e,
        Err(Unreadable::NotUtf8) => return Some("save the file as UTF-8 text".into()),
        Err(Unreadable::TooLong(_)) => {
            return Some(format!(
                "a facts record is one JSON object of at most {} KiB; check that the file is a facts file, with one record per line",
                MAX_RECORD / 1024
            ));
        }
    };
    let declared = || bundle.facts().map(|f| f.id.as_str());
    Some(match e {
        FactError::Syntax { message, .. } if message.contains("(U+") => {
            "JSON allows only spaces, tabs and line breaks between values, and no byte order mark: save the file as plain UTF-8 text".into()
        }
        FactError::Syntax { message, .. } if message.starts_with("the number ") => {
            "answers are true, false, whole numbers, text or null".into()
        }
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
