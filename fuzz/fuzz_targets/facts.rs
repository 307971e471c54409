//! Facts JSON: any text is parsed as a facts object for the bundled set (strictly, as
//! `decide` reads it, and from a parsed value, which must agree); valid facts evaluate on
//! every pathway, with and without defaults, and the outcome serialises.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Config, Date, State, bundled, evaluate};

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| bundled().expect("the bundled set loads"))
}

fuzz_target!(|data: &[u8]| {
    let bundle = bundle();
    let today: Date = "2026-11-22".parse().expect("a valid date");
    // The strict reader (what `decide` uses) agrees with the parsed-value reader, except
    // that it refuses a fact given twice.
    let strict = std::str::from_utf8(data)
        .ok()
        .map(|text| bundle.parse_facts_str(text, today));
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
        assert!(
            !matches!(strict, Some(Ok(_))),
            "the strict reader accepted text that is not JSON"
        );
        return;
    };
    let lenient = bundle.parse_facts(&json, today);
    if let Some(Ok(facts)) = &strict {
        assert_eq!(
            lenient.as_ref().ok(),
            Some(facts),
            "the two readers disagree"
        );
    }
    let Ok(facts) = lenient else {
        return;
    };
    for use_defaults in [false, true] {
        let config = Config {
            today,
            use_defaults,
        };
        for id in bundle.pathways() {
            let evaluation = evaluate(bundle, id, &facts, &config);
            assert!(
                !matches!(evaluation.state, State::Blocked { .. }),
                "a verified set blocked: {evaluation:?}"
            );
            serde_json::to_string(&evaluation).expect("an evaluation serialises");
        }
    }
});
