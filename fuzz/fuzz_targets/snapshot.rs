//! Snapshots: any bytes decode to a bundle or are refused, never a panic; and a bundle that
//! decodes walks, saves and renders without one (its SVG well-formed XML). Half the inputs
//! are sealed as version-1 snapshots (marker, length and checksum put right), so the
//! decoder's checks past the checksum are reached; the others are taken as they are.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathway::{AnswerKind, Bundle, Date, GraphFormat, Session, State};
use serde_json::json;

const MAGIC: &[u8] = b"pathway-snapshot\n";

fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The envelope `Bundle::snapshot` writes around a payload (see snapshot.rs).
fn seal(payload: &[u8]) -> Vec<u8> {
    let sum = payload.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut out = MAGIC.to_vec();
    put_uint(&mut out, 1);
    put_uint(&mut out, payload.len() as u64);
    out.extend_from_slice(&sum.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 {
        seal(rest)
    } else {
        rest.to_vec()
    };
    let Ok(bundle) = Bundle::from_snapshot(&bytes) else {
        return;
    };
    let today: Date = "2026-11-22".parse().expect("a valid date");
    let _ = bundle.review_warnings(today);
    for id in bundle.pathways() {
        // Answer every question with its first answer, for a bounded number of questions.
        let mut session = Session::new(&bundle, id, today);
        for _ in 0..64 {
            let State::NeedsAnswer(q) = session.current().state else {
                break;
            };
            let value = match &q.answer {
                AnswerKind::Bool { .. } => json!(true),
                AnswerKind::Choice { options } => match options.first() {
                    Some(o) => json!(o.value),
                    None => break,
                },
                AnswerKind::Integer { min, .. } => json!(min),
                AnswerKind::Date => json!("2000-01-01"),
            };
            if session.answer(&q.fact, &value).is_err() {
                break;
            }
        }
        let evaluation = session.current();
        let _ = pathway::outcome_text(&bundle, &evaluation);
        let _ = pathway::evaluation_json(&bundle, &evaluation);
        // A snapshot is not compiled again, so its texts may hold anything: the SVG is still
        // well-formed XML.
        let svg = pathway::graph(&bundle, id, GraphFormat::Svg, Some(&evaluation.trail));
        if let Err(e) = roxmltree::Document::parse(&svg) {
            panic!("the SVG is not well-formed XML: {e}");
        }
        let saved = session.to_json();
        let _ = Session::from_json(&bundle, &saved);
    }
});
