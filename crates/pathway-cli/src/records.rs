//! Facts input for `pathway decide`: JSON Lines, or JSON objects spread over several lines
//! (one pretty-printed object, or several one after another), read record by record in
//! bounded memory.
//!
//! Three rules keep hostile input harmless:
//! - **Bounded:** no line or record longer than [`MAX_RECORD`] bytes is held. A longer line is
//!   read to its end without being kept and is one bad record; the next line is read as usual.
//! - **One whitespace:** JSON's four characters (space, tab, line feed, carriage return) are
//!   the only blank space. A line holding a no-break space or a line separator is not blank: it
//!   is a record, refused with a message that names the character.
//! - **No good record lost:** lines that begin a value (a line that ends with `}` never does:
//!   it is a record of its own) are read on as one record only while they are an unfinished
//!   value of at most [`MAX_RECORD`] bytes, ending at the end of a line; otherwise every line
//!   read for it is a record of its own.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};

use serde::de::IgnoredAny;
use serde_json::Value as Json;

/// The longest facts record, in bytes: one line of JSON Lines, or the lines of a record
/// spread over several (line endings included, blank lines before it not). A facts record is
/// a few hundred bytes.
pub const MAX_RECORD: usize = 64 * 1024;

/// Whether `text` is blank: only JSON's whitespace (space, tab, line feed, carriage return).
pub fn is_blank(text: &str) -> bool {
    is_blank_bytes(text.as_bytes())
}

fn is_blank_bytes(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Why a line's text cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// It is not UTF-8 text.
    NotUtf8,
    /// It is longer than [`MAX_RECORD`]: this many bytes, line ending excluded. None of it
    /// was kept.
    TooLong(u64),
}

impl Unreadable {
    /// What is wrong, for an error message.
    pub fn message(self) -> String {
        match self {
            Self::NotUtf8 => "not valid UTF-8 text".to_owned(),
            Self::TooLong(bytes) => format!(
                "{bytes} bytes long, more than a facts record may have ({} KiB): not read",
                MAX_RECORD / 1024
            ),
        }
    }
}

/// One line of the input.
#[derive(Debug)]
pub struct Line {
    /// Its number in the input, from 1.
    pub number: u64,
    /// The text without its line ending (`\n` or `\r\n`).
    pub text: Result<String, Unreadable>,
}

impl Line {
    /// Whether the line is blank ([`is_blank`]); an unreadable line is not.
    pub fn is_blank(&self) -> bool {
        self.text.as_deref().is_ok_and(is_blank)
    }
}

/// The input, line by line, holding at most [`MAX_RECORD`] bytes of a line.
pub struct Input<'a> {
    reader: BufReader<Box<dyn Read + 'a>>,
    /// Lines read so far.
    lines: u64,
}

impl<'a> Input<'a> {
    /// Reads `reader`.
    pub fn new(reader: Box<dyn Read + 'a>) -> Self {
        Self {
            reader: BufReader::new(reader),
            lines: 0,
        }
    }

    /// The next line. `out` is flushed before a read that may wait, so a reader of a live
    /// stream sees each result as soon as its record is in, while a file is still written in
    /// large blocks.
    pub fn line(&mut self, out: &mut impl Write) -> io::Result<Option<Line>> {
        if self.reader.buffer().is_empty() {
            let _ = out.flush();
        }
        // The line and its ending (at most two bytes) while it fits.
        const KEPT: u64 = MAX_RECORD as u64 + 2;
        let mut bytes = Vec::new();
        let mut length = (&mut self.reader)
            .take(KEPT)
            .read_until(b'\n', &mut bytes)? as u64;
        if length == 0 {
            return Ok(None);
        }
        self.lines += 1;
        let whole = bytes.ends_with(b"\n") || length < KEPT;
        if !whole {
            // Too long: the rest is read to the end of the line in pieces and dropped.
            let mut blank = is_blank_bytes(&bytes);
            drop(bytes);
            let mut piece = Vec::new();
            loop {
                piece.clear();
                let n = (&mut self.reader)
                    .take(KEPT)
                    .read_until(b'\n', &mut piece)?;
                length += n as u64;
                blank = blank && is_blank_bytes(&piece);
                if n == 0 || piece.ends_with(b"\n") {
                    break;
                }
            }
            let ending = if piece.ends_with(b"\r\n") {
                2
            } else {
                u64::from(piece.ends_with(b"\n"))
            };
            let text = if blank {
                Ok(String::new())
            } else {
                Err(Unreadable::TooLong(length - ending))
            };
            return Ok(Some(Line {
                number: self.lines,
                text,
            }));
        }
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        let text = if bytes.len() > MAX_RECORD && !is_blank_bytes(&bytes) {
            Err(Unreadable::TooLong(bytes.len() as u64))
        } else {
            String::from_utf8(bytes).map_err(|_| Unreadable::NotUtf8)
        };
        Ok(Some(Line {
            number: self.lines,
            text,
        }))
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.lines
    }
}

/// One facts record of the input.
#[derive(Debug)]
pub struct Record {
    /// Its number among the records, from 1 (blank lines are not records).
    pub number: u64,
    /// The number of its first line in the input.
    pub line: u64,
    /// Its text: its line, or its lines joined with `\n` when it is spread over several.
    pub text: Result<String, Unreadable>,
    /// Whether it is spread over several lines (positions in it are then lines of the input
    /// counted from `line`).
    pub spread: bool,
    /// Whether it is the whole input: one record spread over several lines, with nothing but
    /// blank lines after it.
    pub whole: bool,
}

/// The records of an input, one at a time.
pub struct Records<'a> {
    input: Input<'a>,
    /// Lines read while trying to read a spread record that they did not make: each is a
    /// record of its own.
    held: VecDeque<Line>,
    /// A line read after the first record, starting the next one.
    next: Option<Line>,
    given: u64,
    note: Option<String>,
}

impl<'a> Records<'a> {
    /// The records of `input`.
    pub fn new(input: Input<'a>) -> Self {
        Self {
            input,
            held: VecDeque::new(),
            next: None,
            given: 0,
            note: None,
        }
    }

    /// Why lines just read are records of their own, once, after the record that says so.
    pub fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.input.lines_read()
    }

    /// The next record; `out` is flushed before any read that may wait ([`Input::line`]).
    pub fn next(&mut self, out: &mut impl Write) -> io::Result<Option<Record>> {
        while let Some(line) = self.held.pop_front() {
            if !line.is_blank() {
                return Ok(Some(self.one_line(line)));
            }
        }
        let first = match self.next.take() {
            Some(line) => line,
            None => loop {
                match self.input.line(out)? {
                    None => return Ok(None),
                    Some(line) if line.is_blank() => {}
                    Some(line) => break line,
                }
            },
        };
        // A line that begins a value without finishing it may be the first of a spread record.
        // A line that ends with `}` is a record of its own (as every JSON Lines record is),
        // which costs no parsing here; any other line is asked of the parser.
        let begins = first.text.as_deref().is_ok_and(|t| {
            !t.trim_end_matches([' ', '\t', '\r']).ends_with('}')
                && serde_json::from_str::<IgnoredAny>(t).is_err_and(|e| e.is_eof())
        });
        if !begins {
            return Ok(Some(self.one_line(first)));
        }
        let number = first.number;
        match self.spread(first, out)? {
            Spread::Record(text) => {
                self.given += 1;
                let mut whole = false;
                if self.given == 1 {
                    // After a first record, blank lines to the end make it the whole input.
                    loop {
                        match self.input.line(out)? {
                            None => {
                                whole = true;
                                break;
                            }
                            Some(line) if line.is_blank() => {}
                            Some(line) => {
                                self.next = Some(line);
                                break;
                            }
                        }
                    }
                }
                Ok(Some(Record {
                    number: self.given,
                    line: number,
                    text: Ok(text),
                    spread: true,
                    whole,
                }))
            }
            Spread::Lines(mut held, why) => {
                let (from, to) = (number, held.back().map_or(number, |l| l.number));
                self.note = Some(format!(
                    "lines {from} to {to} do not make one JSON object ({why}): each line is read as a record"
                ));
                let first = held.pop_front();
                self.held = held;
                Ok(first.map(|line| self.one_line(line)))
            }
        }
    }

    fn one_line(&mut self, line: Line) -> Record {
        self.given += 1;
        Record {
            number: self.given,
            line: line.number,
            text: line.text,
            spread: false,
            whole: false,
        }
    }

    /// The lines from `first` on as one value, read by one incremental parse (each byte is
    /// read once) while they are an unfinished value of at most [`MAX_RECORD`] bytes: its text
    /// when they make one value ending at the end of a line. Otherwise every line read and why.
    fn spread(&mut self, first: Line, out: &mut impl Write) -> io::Result<Spread> {
        let size = first.text.as_ref().map_or(0, |t| t.len() + 1);
        let before = first.number - 1;
        let mut feed = Feed {
            input: &mut self.input,
            out,
            held: VecDeque::from([first]),
            given: 0,
            line_start: 0,
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
            Some(Err(e)) if !e.is_eof() => {
                // The parser counts lines from the first line of the value: give lines of the
                // input (never by feeding it the lines before, which costs their number).
                let text = e.to_string();
                let what = text.split(" at line ").next().unwrap_or(&text);
                let line = e.line() as u64 + before;
                let why = format!("{what} at line {line} column {}", e.column());
                return Ok(Spread::Lines(feed.held, why));
            }
            Some(Err(_)) | None => {
                let why = match feed.stop {
                    Some(Stop::Failed(e)) => return Err(e),
                    Some(Stop::Unreadable(Unreadable::NotUtf8)) => "a line is not UTF-8 text",
                    Some(Stop::Unreadable(Unreadable::TooLong(_)) | Stop::TooLong) => {
                        "it is longer than a facts record can be"
                    }
                    Some(Stop::End) | None => "the input ends inside it",
                };
                return Ok(Spread::Lines(feed.held, why.to_owned()));
            }
        }
        // The value ends on the line being given: only blank space may follow it there.
        let rest = usize::try_from(end.saturating_sub(feed.line_start))
            .ok()
            .and_then(|at| feed.held[feed.given].text.as_deref().ok()?.get(at..))
            .unwrap_or_default();
        if !is_blank(rest) {
            let why = "more follows the value on its last line".to_owned();
            return Ok(Spread::Lines(feed.held, why));
        }
        let lines: Vec<&str> = feed
            .held
            .iter()
            .map(|l| l.text.as_deref().unwrap_or_default())
            .collect();
        Ok(Spread::Record(lines.join("\n")))
    }
}

/// What lines that begin a value made.
enum Spread {
    /// One record: its text.
    Record(String),
    /// Not one value: the lines read, each a record of its own, and why.
    Lines(VecDeque<Line>, String),
}

/// The lines after a first line that begins a value, given to the JSON parser as they are
/// read, each with its line ending, and kept.
struct Feed<'r, 'a, W> {
    input: &'r mut Input<'a>,
    out: &'r mut W,
    /// The lines read: the first ones given, then at most one refused (see `stop`).
    held: VecDeque<Line>,
    /// The line being given.
    given: usize,
    /// Where the line being given starts, in bytes given.
    line_start: u64,
    /// How much of the line being given is given, its line ending counting as one byte.
    at: usize,
    /// Bytes of the lines given, line endings included.
    size: usize,
    /// Why nothing more is given (a line refused for its length or encoding is held).
    stop: Option<Stop>,
}

enum Stop {
    End,
    Unreadable(Unreadable),
    TooLong,
    Failed(io::Error),
}

impl<W: Write> Read for Feed<'_, '_, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
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
            let size = line.text.as_ref().map(|t| t.len() + 1).map_err(|why| *why);
            self.held.push_back(line);
            match size {
                Err(why) => self.stop = Some(Stop::Unreadable(why)),
                Ok(n) if self.size + n > MAX_RECORD => self.stop = Some(Stop::TooLong),
                Ok(n) => {
                    self.size += n;
                    self.line_start += (len + 1) as u64;
                    self.given += 1;
                    self.at = 0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `input`, with the notes given after each.
    fn read(input: Vec<u8>) -> (Vec<Record>, Vec<String>, u64) {
        let mut records = Records::new(Input::new(Box::new(io::Cursor::new(input))));
        let mut out = Vec::new();
        let (mut all, mut notes) = (Vec::new(), Vec::new());
        while let Some(r) = records.next(&mut out).unwrap() {
            all.push(r);
            notes.extend(records.take_note());
        }
        let read = records.lines_read();
        (all, notes, read)
    }

    fn texts(records: &[Record]) -> Vec<&str> {
        records
            .iter()
            .map(|r| r.text.as_deref().unwrap_or("<unreadable>"))
            .collect()
    }

    /// A line that ends with `}` is a record of its own, even one that leaves an object open:
    /// no JSON Lines writer or pretty-printer writes a record so.
    #[test]
    fn a_line_ending_with_a_brace_is_a_record_of_its_own() {
        let (records, notes, _) =
            read(b"{\"a\": {\"b\": 1}\n}\n{\n\"c\": {\"d\": 2}\n}\n".to_vec());
        assert_eq!(
            texts(&records),
            ["{\"a\": {\"b\": 1}", "}", "{\n\"c\": {\"d\": 2}\n}"]
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn one_object_over_several_lines_is_one_record_and_knows_its_first_line() {
        let (records, notes, _) = read(b"\n\n{\n  \"immediate_danger\": true\n}\n\n".to_vec());
        assert_eq!(texts(&records), ["{\n  \"immediate_danger\": true\n}"]);
        assert_eq!(
            (records[0].line, records[0].spread, records[0].whole),
            (3, true, true)
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn blank_lines_before_a_record_do_not_count_towards_its_limit() {
        let mut input = vec![b'\n'; MAX_RECORD * 2];
        input.extend(b"{\n\"immediate_danger\": true}\n");
        let (records, _, _) = read(input);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].line, MAX_RECORD as u64 * 2 + 1);
    }

    /// V13: pretty-printed records one after another (`jq . audit.jsonl`) are records each,
    /// and a one-line record after a pretty-printed one is not split into bad lines.
    #[test]
    fn spread_records_one_after_another_are_records_each() {
        let input = b"{\n \"a\": 1\n}\n{\"b\": 2}\n\n{\n \"c\": [\n3]\n}\n{\"d\": \n".to_vec();
        let (records, notes, _) = read(input);
        assert_eq!(
            texts(&records),
            [
                "{\n \"a\": 1\n}",
                "{\"b\": 2}",
                "{\n \"c\": [\n3]\n}",
                "{\"d\": "
            ]
        );
        let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 4, 6, 10]);
        assert!(records.iter().all(|r| !r.whole));
        assert_eq!(
            notes,
            [
                "lines 10 to 10 do not make one JSON object (the input ends inside it): each line is read as a record"
            ]
        );
    }

    /// V13: only JSON's four whitespace characters are blank; a no-break space or a line
    /// separator makes a line a record (refused later, naming the character).
    #[test]
    fn only_json_whitespace_is_blank() {
        let input = "{\"a\": 1}\n \t\r\n\u{a0}\n\u{2028}\n{\"b\": 2}\u{2028}\n"
            .as_bytes()
            .to_vec();
        let (records, _, _) = read(input);
        assert_eq!(
            texts(&records),
            ["{\"a\": 1}", "\u{a0}", "\u{2028}", "{\"b\": 2}\u{2028}"]
        );
        assert!(is_blank(" \t\r\n") && !is_blank("\u{a0}") && !is_blank("\u{feff}"));
    }

    /// V9: a line longer than the limit is one bad record, none of it kept; the lines after
    /// it are read as usual.
    #[test]
    fn a_line_longer_than_a_record_is_refused_without_being_kept() {
        let mut input = b"{\"a\": 1}\n".to_vec();
        input.extend(vec![b'x'; MAX_RECORD * 3]);
        input.extend(b"\n{\"b\": 2}\n");
        input.extend(vec![b' '; MAX_RECORD + 1]);
        input.extend(b"\n");
        input.extend(vec![b'y'; MAX_RECORD]);
        let (records, _, read) = read(input);
        assert_eq!(read, 5);
        assert_eq!(records.len(), 4, "the line of spaces is blank");
        assert_eq!(
            records[1].text,
            Err(Unreadable::TooLong(MAX_RECORD as u64 * 3))
        );
        assert_eq!(records[2].text.as_deref(), Ok("{\"b\": 2}"));
        assert_eq!(records[3].text.as_ref().map(String::len), Ok(MAX_RECORD));
        assert!(
            Unreadable::TooLong(1 << 20)
                .message()
                .contains("more than a facts record may have (64 KiB)")
        );
    }

    #[test]
    fn an_unfinished_first_value_holds_at_most_the_limit_and_reads_no_further() {
        // `[` and then values that never close it: about 300 kB.
        let mut input = b"[\n".to_vec();
        for _ in 0..100_000 {
            input.extend(b"1,\n");
        }
        let mut records = Records::new(Input::new(Box::new(io::Cursor::new(input))));
        let mut out = Vec::new();
        let first = records.next(&mut out).unwrap().unwrap();
        assert_eq!(first.text.as_deref(), Ok("["));
        let note = records.take_note().unwrap();
        assert!(
            note.contains("it is longer than a facts record can be"),
            "{note}"
        );
        let held: usize = records
            .held
            .iter()
            .map(|l| l.text.as_ref().unwrap().len() + 1)
            .sum();
        assert!(held + 2 <= MAX_RECORD + 3, "{held} bytes held");
        assert!(held + 2 > MAX_RECORD - 3, "{held} bytes held");
        assert_eq!(
            records.lines_read(),
            records.held.len() as u64 + 1,
            "lines were read past the limit"
        );
    }

    #[test]
    fn lines_that_cannot_be_one_value_stop_at_the_line_that_shows_it() {
        let (records, notes, read) =
            super::tests::read(b"\n{\"a\": \n{\"b\": 1}\n{\"c\": 1}\n{\"d\": 1}\n".to_vec());
        assert_eq!(records.len(), 4);
        assert_eq!(read, 5);
        // The parser's position is a line of the input, the blank first line counted.
        assert!(
            notes[0].starts_with(
                "lines 2 to 4 do not make one JSON object (expected `,` or `}` at line 4 column 1)"
            ),
            "{notes:?}"
        );
        let (_, notes, _) = super::tests::read(b"{\"a\":\n1} {\"b\": 2}\n".to_vec());
        assert!(
            notes[0].contains("more follows the value on its last line"),
            "{notes:?}"
        );
        let (_, notes, _) = super::tests::read(b"{\"a\":\n1,\n".to_vec());
        assert!(notes[0].contains("the input ends inside it"));
        let (records, notes, _) = super::tests::read(b"{\"a\":\n\xff\n1}\n".to_vec());
        assert!(notes[0].contains("a line is not UTF-8 text"), "{notes:?}");
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].text, Err(Unreadable::NotUtf8));
    }
}
