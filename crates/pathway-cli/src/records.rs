//! Facts input for `pathway decide`: one JSON object, possibly over several lines, or JSON
//! Lines read line by line in constant memory.

use std::io::{BufRead, BufReader, Read, Write};

use serde_json::Value as Json;

use crate::io::{CliError, Result, plain};

/// How the input is read, decided by its first lines.
pub(crate) enum Start {
    /// The whole input is one JSON value spread over several lines (a pretty-printed
    /// object): its text, and the number of its first line in the file (blank lines may come
    /// before it), so that positions in errors can be given as lines of the file.
    Single { text: String, first: u64 },
    /// JSON Lines: each line is a record. These lines were read while deciding; the rest of
    /// the input follows. The note says why lines that began a value are not one record.
    Lines(Vec<Line>, Option<String>),
}

/// The longest text a record spread over several lines may have (its lines and their line
/// endings, not the blank lines before it) before the lines are read as JSON Lines instead (a
/// facts record is a few hundred bytes). It bounds the lines held while deciding.
const SPREAD_LIMIT: usize = 64 * 1024;

/// Decides between one record spread over several lines and JSON Lines, from the first
/// non-blank line on. A first line that is a whole value, or not JSON at all, starts JSON
/// Lines. A first line that is the beginning of a value is followed, with the lines after it,
/// by one incremental parse (each byte is read once), only while they are an unfinished value
/// of at most [`SPREAD_LIMIT`] bytes: the input is one record only if they complete one value
/// followed by nothing but blank lines. Otherwise (a truncated first record followed by good
/// ones, a second value, too long) every line read so far is a record of its own, so no good
/// record is lost; lines come out as soon as they cannot be part of one value, and at most
/// about [`SPREAD_LIMIT`] bytes of them are held.
pub(crate) fn read_start(
    input: &mut Input<'_>,
    out: &mut impl Write,
    first: Line,
) -> Result<Start> {
    let size = match &first.text {
        Ok(t) if serde_json::from_str::<Json>(t).is_err_and(|e| e.is_eof()) => t.len() + 1,
        _ => return Ok(Start::Lines(vec![first], None)),
    };
    // Why the lines held are records of their own.
    let lines = |held: Vec<Line>, why: &str| {
        let (from, to) = (held[0].number, held[held.len() - 1].number);
        let note = format!(
            "lines {from} to {to} do not make one JSON object ({why}): each line is read as a record"
        );
        Ok(Start::Lines(held, Some(note)))
    };
    let padding = first.number - 1;
    let mut feed = Feed {
        input,
        out,
        held: vec![first],
        given: 0,
        padding,
        line_start: padding,
        at: 0,
        size,
        stop: None,
    };
    let (parsed, end) = {
        let mut values = serde_json::Deserializer::from_reader(&mut feed).into_iter::<Json>();
        let parsed = values.next();
        (parsed, values.byte_offset() as u64)
    };
    match parsed {
        Some(Ok(_)) => {}
        Some(Err(e)) if !e.is_eof() => return lines(feed.held, &e.to_string()),
        Some(Err(_)) | None => {
            let why = match feed.stop {
                Some(Stop::Failed(e)) => return Err(e),
                Some(Stop::NotUtf8) => "a line is not UTF-8 text",
                Some(Stop::TooLong) => "it is longer than a facts record can be",
                Some(Stop::End) | None => "the input ends inside it",
            };
            return lines(feed.held, why);
        }
    }
    // The value ends on the line being given: only blank space may follow it there.
    let rest = usize::try_from(end.saturating_sub(feed.line_start))
        .ok()
        .and_then(|at| feed.held[feed.given].text.as_deref().ok()?.get(at..))
        .unwrap_or_default();
    if !rest.trim().is_empty() {
        return lines(feed.held, "more follows the first value");
    }
    loop {
        match feed.input.line(feed.out)? {
            None => break,
            Some(line) if line.is_blank() => {}
            Some(line) => {
                feed.held.push(line);
                return lines(feed.held, "more follows the first value");
            }
        }
    }
    let text: Vec<&str> = feed
        .held
        .iter()
        .map(|l| l.text.as_deref().unwrap_or_default())
        .collect();
    Ok(Start::Single {
        text: text.join("\n"),
        first: padding + 1,
    })
}

/// The lines after a first line that begins a value, given to the JSON parser as they are
/// read, each with its line ending, and kept.
struct Feed<'r, 'a, W> {
    input: &'r mut Input<'a>,
    out: &'r mut W,
    /// The lines read: the first ones given, then at most one refused (see `stop`).
    held: Vec<Line>,
    /// The line being given.
    given: usize,
    /// Line endings still to give before the first line, one for each blank line before it,
    /// so that the parser's positions are lines of the file.
    padding: u64,
    /// Where the line being given starts, in bytes given (padding included).
    line_start: u64,
    /// How much of the line being given is given, its line ending counting as one byte.
    at: usize,
    /// Bytes of the lines given, line endings included, padding not.
    size: usize,
    /// Why nothing more is given (a line refused for being too long or not UTF-8 is held).
    stop: Option<Stop>,
}

enum Stop {
    End,
    NotUtf8,
    TooLong,
    Failed(CliError),
}

impl<W: Write> Read for Feed<'_, '_, W> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.padding > 0 {
            let n = buf
                .len()
                .min(usize::try_from(self.padding).unwrap_or(usize::MAX));
            buf[..n].fill(b'\n');
            self.padding -= n as u64;
            return Ok(n);
        }
        loop {
            let bytes = self.held[self.given]
                .text
                .as_deref()
                .unwrap_or_default()
                .as_bytes();
            let len = bytes.len();
            if self.at < len {
                let n = buf.len().min(len - self.at);
                buf[..n].copy_from_slice(&bytes[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            if self.at == len {
                buf[0] = b'\n';
                self.at += 1;
                return Ok(1);
            }
            if self.stop.is_some() {
                return Ok(0);
            }
            let line = match self.input.line(self.out) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.stop = Some(Stop::End);
                    return Ok(0);
                }
                Err(e) => {
                    self.stop = Some(Stop::Failed(e));
                    return Ok(0);
                }
            };
            let size = line.text.as_ref().ok().map(|t| t.len() + 1);
            self.held.push(line);
            match size {
                None => self.stop = Some(Stop::NotUtf8),
                Some(n) if self.size + n > SPREAD_LIMIT => self.stop = Some(Stop::TooLong),
                Some(n) => {
                    self.size += n;
                    self.line_start += (len + 1) as u64;
                    self.given += 1;
                    self.at = 0;
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_start` on `input`, from its first non-blank line, as `decide` calls it; also how
    /// many lines it read.
    fn decide(input: Vec<u8>) -> (Start, u64) {
        let mut input = Input::new(Box::new(std::io::Cursor::new(input)), "input");
        let mut out = Vec::new();
        let first = loop {
            let line = input.line(&mut out).unwrap().expect("a non-blank line");
            if !line.is_blank() {
                break line;
            }
        };
        let start = read_start(&mut input, &mut out, first).unwrap();
        (start, input.lines)
    }

    fn held_with_note(start: &Start) -> (&[Line], &str) {
        match start {
            Start::Lines(held, Some(note)) => (held, note),
            Start::Lines(_, None) => panic!("JSON Lines from the first line"),
            Start::Single { text, .. } => panic!("one record: {text}"),
        }
    }

    #[test]
    fn one_object_over_several_lines_is_one_record_and_knows_its_first_line() {
        let (start, _) = decide(b"\n\n{\n  \"immediate_danger\": true\n}\n\n".to_vec());
        let Start::Single { text, first } = start else {
            panic!("not one record")
        };
        assert_eq!(text, "{\n  \"immediate_danger\": true\n}");
        assert_eq!(first, 3);
    }

    #[test]
    fn blank_lines_before_a_record_do_not_count_towards_its_limit() {
        let mut input = vec![b'\n'; SPREAD_LIMIT * 2];
        input.extend(b"{\n\"immediate_danger\": true}\n");
        let (start, _) = decide(input);
        let Start::Single { first, .. } = start else {
            panic!("not one record")
        };
        assert_eq!(first, SPREAD_LIMIT as u64 * 2 + 1);
    }

    #[test]
    fn an_unfinished_first_value_holds_at_most_the_limit_and_reads_no_further() {
        // `[` and then values that never close it: about 300 kB.
        let mut input = b"[\n".to_vec();
        for _ in 0..100_000 {
            input.extend(b"1,\n");
        }
        let (start, read) = decide(input);
        let (held, note) = held_with_note(&start);
        assert!(
            note.contains("it is longer than a facts record can be"),
            "{note}"
        );
        let bytes: usize = held
            .iter()
            .map(|l| l.text.as_deref().unwrap().len() + 1)
            .sum();
        assert!(bytes <= SPREAD_LIMIT + 3, "{bytes} bytes held");
        assert!(bytes > SPREAD_LIMIT - 3, "{bytes} bytes held");
        assert_eq!(read, held.len() as u64, "lines were read past the limit");
        // Every line read is a record of its own, the first one included.
        assert_eq!(held[0].text.as_deref(), Ok("["));
        assert_eq!(held.last().unwrap().number, read);
    }

    #[test]
    fn lines_that_cannot_be_one_value_stop_at_the_line_that_shows_it() {
        let (start, read) = decide(b"\n{\"a\": \n{\"b\": 1}\n{\"c\": 1}\n{\"d\": 1}\n".to_vec());
        let (held, note) = held_with_note(&start);
        assert_eq!(held.len(), 3);
        assert_eq!(read, 4);
        // The parser's position is a line of the file, the blank first line counted.
        assert!(
            note.starts_with(
                "lines 2 to 4 do not make one JSON object (expected `,` or `}` at line 4 column 1)"
            ),
            "{note}"
        );

        let (start, _) = decide(b"{\"a\":\n1} {\"b\": 2}\n".to_vec());
        assert!(
            held_with_note(&start)
                .1
                .contains("more follows the first value")
        );
        let (start, _) = decide(b"{\"a\":\n1}\n\n{\"b\": 2}\n".to_vec());
        assert!(
            held_with_note(&start)
                .1
                .contains("more follows the first value")
        );
        let (start, _) = decide(b"{\"a\":\n1,\n".to_vec());
        assert!(
            held_with_note(&start)
                .1
                .contains("the input ends inside it")
        );
        let (start, _) = decide(b"{\"a\":\n\xff\n1}\n".to_vec());
        let (held, note) = held_with_note(&start);
        assert!(note.contains("a line is not UTF-8 text"), "{note}");
        assert_eq!(held.len(), 2);
    }
}
