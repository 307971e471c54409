//! The CLI's facts record reader (`pathway decide`): any bytes, JSON Lines or records spread
//! over several lines, blank lines of any kind, cut records, lines past the size limit. Every
//! record holds at most `MAX_RECORD` bytes (a spread one: its lines), record numbers count up
//! from 1, each non-blank line is read into exactly one record, the reader ends, and each
//! record's facts (or its error) go through the bundled set's reader without a panic, with an
//! error message that, as printed, cannot control a terminal.
//!
//! The first byte scales the input: from 0xf0 up, the rest is repeated to reach sizes around
//! the limit (16 to 256 KiB), which libFuzzer's default input size never does.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Date, is_hidden, visible};
use pathway_cli::records::{Input, MAX_RECORD, Records, is_blank};

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| pathway_bundled::bundle().expect("the bundled set decodes"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&scale, rest)) = data.split_first() else {
        return;
    };
    // One input in sixteen is scaled: the rest repeated to 16 to 256 KiB.
    let input: Vec<u8> = if scale >= 0xf0 && !rest.is_empty() {
        let target = (usize::from(scale & 0x0f) + 1) * 16 * 1024;
        rest.repeat(target.div_ceil(rest.len()))
    } else {
        rest.to_vec()
    };
    let lines_in = input.split(|&b| b == b'\n').count() as u64;
    let mut records = Records::new(Input::new(Box::new(std::io::Cursor::new(input))));
    let mut sink = Vec::new();
    let today: Date = "2026-11-22".parse().expect("a date");
    let mut expected = 1;
    let mut last_line = 0;
    while let Some(record) = records.next(&mut sink).expect("reading memory cannot fail") {
        assert_eq!(record.number, expected, "records are numbered in order");
        expected += 1;
        assert!(
            record.line > last_line || record.line == last_line && record.line == 0,
            "lines move forward"
        );
        last_line = record.line;
        let _ = records
            .take_note()
            .map(|n| assert!(!visible(&n).chars().any(is_hidden)));
        match &record.text {
            Ok(text) => {
                assert!(
                    text.len() <= MAX_RECORD + 1,
                    "a record of {} bytes was held",
                    text.len()
                );
                assert!(!is_blank(text), "a blank line was given as a record");
                let message = match bundle().parse_facts_str(text, today) {
                    Ok(_) => continue,
                    Err(e) => e.to_string(),
                };
                assert!(!visible(&message).chars().any(is_hidden));
            }
            Err(why) => {
                assert!(!why.message().is_empty());
            }
        }
        assert!(
            record.line <= lines_in,
            "line {} of {lines_in}",
            record.line
        );
    }
});
