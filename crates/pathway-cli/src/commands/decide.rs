//! `pathway decide`: one facts object, or JSON Lines streamed record by record.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use pathway::{
    Bundle, Config, Date, LoadOptions, PathwayId, State, evaluate, evaluation_json,
    outcome_markdown, outcome_text, summary,
};
use serde_json::{Value as Json, json};

use crate::args::DecideFormat;
use crate::io::{CliError, Result, load_set, plain, today as parse_today};

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
    let mut input = Input {
        reader: BufReader::new(input),
        name: facts,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut d = Decider {
        bundle: &set.bundle,
        start,
        today,
        options: &options,
        tally: Tally::default(),
        shown: 0,
    };

    // The first record decides the mode: a complete JSON object on its line starts JSON
    // Lines; an object spread over several lines is read whole as a single record.
    let mut first = None;
    while let Some(line) = input.line(&mut out)? {
        if line.as_deref().map_or(true, |l| !l.trim().is_empty()) {
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
    let spread =
        matches!(&first, Ok(l) if serde_json::from_str::<Json>(l).is_err_and(|e| e.is_eof()));
    if spread {
        let mut text = first.unwrap_or_default();
        while let Some(line) = input.line(&mut out)? {
            text.push('\n');
            text.push_str(&line.unwrap_or_else(|bytes| bytes));
        }
        go_on(d.record(&mut out, 1, Ok(&text), false));
    } else {
        let mut n = 1;
        if go_on(d.record(&mut out, 1, first.as_deref().map_err(|_| ()), true)) {
            while let Some(line) = input.line(&mut out)? {
                if line.as_deref().is_ok_and(|l| l.trim().is_empty()) {
                    continue;
                }
                n += 1;
                if !go_on(d.record(&mut out, n, line.as_deref().map_err(|_| ()), true)) {
                    break;
                }
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

/// The facts input, line by line, in constant memory.
struct Input<'a> {
    reader: BufReader<Box<dyn Read>>,
    name: &'a str,
}

impl Input<'_> {
    /// The next line without its line ending: `Err` holding the lossy text when it is not
    /// UTF-8. Output is flushed before a read that may wait, so a reader of a live stream sees
    /// each result as soon as its record is in, while a file is still written in large blocks.
    fn line(&mut self, out: &mut impl Write) -> Result<Option<Result<String, String>>> {
        if self.reader.buffer().is_empty() {
            let _ = out.flush();
        }
        let mut bytes = Vec::new();
        let n = self
            .reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| CliError::input(format!("cannot read {}: {}", self.name, plain(&e))))?;
        if n == 0 {
            return Ok(None);
        }
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        Ok(Some(String::from_utf8(bytes).map_err(|e| {
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        })))
    }
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
    fn record(
        &mut self,
        out: &mut impl Write,
        n: u64,
        text: Result<&str, ()>,
        lines: bool,
    ) -> Result<(), Stop> {
        self.tally.records += 1;
        let parsed = text
            .map_err(|()| "not valid UTF-8 text".to_owned())
            .and_then(|t| {
                serde_json::from_str::<Json>(t).map_err(|e| format!("not valid JSON: {e}"))
            })
            .and_then(|json| {
                self.bundle
                    .parse_facts(&json, self.today)
                    .map_err(|e| e.to_string())
            });
        let facts = match parsed {
            Ok(facts) => facts,
            Err(message) => {
                self.tally.errors += 1;
                eprintln!("error: record {n}: {message}");
                // In a batch the bad record keeps its place in the output, so none is lost.
                if lines && !self.options.stats {
                    let written = match self.options.format {
                        DecideFormat::Json => {
                            let line = json!({"record": n, "status": "error", "error": message});
                            writeln!(out, "{line}")
                        }
                        DecideFormat::Text => writeln!(
                            out,
                            "{}Record {n} not evaluated: {message}",
                            self.separator()
                        ),
                        DecideFormat::Markdown => writeln!(
                            out,
                            "{}**Record {n} not evaluated:** {message}",
                            self.separator()
                        ),
                    };
                    written.map_err(|_| Stop::Closed)?;
                }
                return Err(Stop::Bad);
            }
        };
        let evaluation = evaluate(
            self.bundle,
            self.start,
            &facts,
            &Config {
                today: self.today,
                use_defaults: true,
            },
        );
        match &evaluation.state {
            State::Finished(o) => {
                self.tally.finished += 1;
                for code in o.codes() {
                    *self.tally.codes.entry(code.to_owned()).or_default() += 1;
                }
            }
            State::NeedsAnswer(_) => self.tally.needs_answer += 1,
            State::Blocked { .. } => self.tally.blocked += 1,
        }
        if self.options.stats {
            return Ok(());
        }
        let written = match self.options.format {
            DecideFormat::Json => {
                let mut json = if self.options.brief {
                    let (status, codes, next_fact) = summary(self.bundle, &evaluation);
                    let mut brief = json!({"status": status, "codes": codes});
                    if let (Some(obj), Some(f)) = (brief.as_object_mut(), next_fact) {
                        obj.insert("next_fact".into(), json!(f));
                    }
                    brief
                } else {
                    evaluation_json(self.bundle, &evaluation)
                };
                if lines && let Some(obj) = json.as_object_mut() {
                    obj.insert("record".into(), json!(n));
                }
                writeln!(out, "{json}")
            }
            DecideFormat::Text => {
                let sep = self.separator();
                write!(out, "{sep}{}", outcome_text(self.bundle, &evaluation))
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
