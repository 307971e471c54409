//! Facts JSON: any text is parsed as a facts object for the bundled set; valid facts evaluate
//! on every pathway, with and without defaults, and the outcome serialises.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Config, Date, State, bundled, evaluate};

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| bundled().expect("the bundled set loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let bundle = bundle();
    let today: Date = "2026-11-22".parse().expect("a valid date");
    let Ok(facts) = bundle.parse_facts(&json, today) else {
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
