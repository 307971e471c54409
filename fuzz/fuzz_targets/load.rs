//! Pathway loading: any text as a pathway file (with a valid contacts directory beside it)
//! compiles and verifies, or is refused with diagnostics. Never a panic, a hang or a blow-up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, SourceFile};

const CONTACTS: &str = include_str!("../../fixtures/invalid/_contacts.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = [
        SourceFile {
            name: "fuzz.json",
            text,
        },
        SourceFile {
            name: "contacts.json",
            text: CONTACTS,
        },
    ];
    if let Ok(bundle) = Bundle::load(&files) {
        // A loaded set verifies again (on another date) without a panic.
        let today = "2026-11-22".parse().expect("a valid date");
        let _ = pathway::verify(&bundle, today);
    }
});
