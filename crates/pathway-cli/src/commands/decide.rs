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
    let mut lines = BufReader::new(input).lines();
    let stdout = io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    let mut d = Decider {
        bundle: &set.bundle,
        start,
        today,
        options: &options,
        tally: Tally::default(),
    };

    // The first record decides the mode: a complete JSON object on its line starts JSON
    // Lines; an object spread over several lines is read whole as a single record.
    let mut first = None;
    for line in lines.by_ref() {
        let line =
            line.map_err(|e| CliError::input(format!("cannot read {facts}: {}", plain(&e))))?;
        if !line.trim().is_empty() {
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
    let single_line = serde_json::from_str::<Json>(&first);
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
    match single_line {
        Err(e) if e.is_eof() => {
            let mut text = first;
            for line in lines {
                let line = line
                    .map_err(|e| CliError::input(format!("cannot read {facts}: {}", plain(&e))))?;
                text.push('\n');
                text.push_str(&line);
            }
            go_on(d.record(&mut out, 1, &text, false));
        }
        _ => {
            let mut n = 1;
            if go_on(d.record(&mut out, 1, &first, true)) {
                for line in lines {
                    let line = line.map_err(|e| {
                        CliError::input(format!("cannot read {facts}: {}", plain(&e)))
                    })?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    n += 1;
                    if !go_on(d.record(&mut out, n, &line, true)) {
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
}

impl Decider<'_> {
    fn record(
        &mut self,
        out: &mut impl Write,
        n: u64,
        text: &str,
        lines: bool,
    ) -> Result<(), Stop> {
        self.tally.records += 1;
        let parsed = serde_json::from_str::<Json>(text)
            .map_err(|e| format!("not valid JSON: {e}"))
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
                if lines && !self.options.stats && self.options.format == DecideFormat::Json {
                    let line = json!({"record": n, "status": "error", "error": message});
                    writeln!(out, "{line}").map_err(|_| Stop::Closed)?;
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
                let sep = if n > 1 {
                    "\n----------------------------------------\n\n"
                } else {
                    ""
                };
                write!(out, "{sep}{}", outcome_text(self.bundle, &evaluation))
            }
            DecideFormat::Markdown => {
                let sep = if n > 1 { "\n---\n\n" } else { "" };
                write!(out, "{sep}{}", outcome_markdown(self.bundle, &evaluation))
            }
        };
        written.map_err(|_| Stop::Closed)
    }
}
