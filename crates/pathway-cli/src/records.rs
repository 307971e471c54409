//! Facts input for `pathway decide`: one JSON object, possibly over several lines, or JSON
//! Lines read line by line in constant memory.

use std::io::{BufRead, BufReader, Read, Write};

use serde_json::Value as Json;

use crate::io::{CliError, Result, plain};

/// How the input is read, decided by its first lines.
pub(crate) enum Start {
    /// The whole input is one JSON value spread over several lines (a pretty-printed
    /// object), with blank lines before it kept so that positions in errors are lines of the
    /// file.
    Single(String),
    /// JSON Lines: each line is a record. These lines were read while deciding; the rest of
    /// the input follows. The note says why lines that began a value are not one record.
    Lines(Vec<Line>, Option<String>),
}

/// The longest text a record spread over several lines may have before the lines are read
/// as JSON Lines instead (a facts record is a few hundred bytes). It bounds the memory and the
/// re-parsing a broken first line can cost.
const SPREAD_LIMIT: usize = 64 * 1024;

/// Decides between one record spread over several lines and JSON Lines, from the first
/// non-blank line on. A first line that is a whole value, or not JSON at all, starts JSON
/// Lines. A first line that is the beginning of a value is joined with the lines after it
/// only while the joined text is an unfinished value: the input is one record only if it
/// completes one value followed by nothing but blank lines. Otherwise (a truncated first
/// record followed by good ones, a second value) every line read so far is a record of its
/// own, so no good record is lost, and at most the lines of one record are held.
pub(crate) fn read_start(
    input: &mut Input<'_>,
    out: &mut impl Write,
    first: Line,
) -> Result<Start> {
    let unfinished = |text: &str| serde_json::from_str::<Json>(text).is_err_and(|e| e.is_eof());
    let mut text = match &first.text {
        Ok(t) if unfinished(t) => format!("{}{t}", "\n".repeat(first.number as usize - 1)),
        _ => return Ok(Start::Lines(vec![first], None)),
    };
    let mut held = vec![first];
    // Why the lines held are records of their own.
    let lines = |held: Vec<Line>, why: &str| {
        let (from, to) = (held[0].number, held[held.len() - 1].number);
        let note = format!(
            "lines {from} to {to} do not make one JSON object ({why}): each line is read as a record"
        );
        Ok(Start::Lines(held, Some(note)))
    };
    loop {
        let Some(line) = input.line(out)? else {
            return lines(held, "the input ends inside it");
        };
        let Ok(t) = &line.text else {
            held.push(line);
            return lines(held, "a line is not UTF-8 text");
        };
        text.push('\n');
        text.push_str(t);
        held.push(line);
        match serde_json::from_str::<Json>(&text) {
            Err(e) if e.is_eof() && text.len() <= SPREAD_LIMIT => {}
            Err(e) if e.is_eof() => return lines(held, "it is longer than a facts record can be"),
            Err(e) => return lines(held, &e.to_string()),
            Ok(_) => loop {
                match input.line(out)? {
                    None => return Ok(Start::Single(text)),
                    Some(line) if line.is_blank() => {}
                    Some(line) => {
                        held.push(line);
                        return lines(held, "more follows the first value");
                    }
                }
            },
        }
    }
}

/// One line of the input.
pub(crate) struct Line {
    /// Its number in the file, from 1.
    pub(crate) number: u64,
    /// The text without its line ending: `Err` holding the lossy text when it is not UTF-8.
    pub(crate) text: Result<String, String>,
}

impl Line {
    pub(crate) fn is_blank(&self) -> bool {
        self.text.as_deref().is_ok_and(|t| t.trim().is_empty())
    }
}

/// The facts input, line by line, in constant memory.
pub(crate) struct Input<'a> {
    reader: BufReader<Box<dyn Read>>,
    name: &'a str,
    /// Lines read so far.
    lines: u64,
}

impl<'a> Input<'a> {
    /// Reads `reader`; `name` names it in errors.
    pub(crate) fn new(reader: Box<dyn Read>, name: &'a str) -> Self {
        Self {
            reader: BufReader::new(reader),
            name,
            lines: 0,
        }
    }

    /// The next line. Output is flushed before a read that may wait, so a reader of a live
    /// stream sees each result as soon as its record is in, while a file is still written in
    /// large blocks.
    pub(crate) fn line(&mut self, out: &mut impl Write) -> Result<Option<Line>> {
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
        self.lines += 1;
        let text = String::from_utf8(bytes)
            .map_err(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Ok(Some(Line {
            number: self.lines,
            text,
        }))
    }
}
