//! Scenario files (`pathway scenarios`, `pathway quiz`): any text is read as a scenario and,
//! if it is one, run on the bundled set, its expectation compared and its story, title and
//! debrief shown as the CLI shows them (escaped: nothing that could control a terminal).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Scenario, is_hidden, visible};

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| pathway_bundled::bundle().expect("the bundled set decodes"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scenario = match Scenario::from_json(text) {
        Ok(s) => s,
        Err(e) => {
            assert!(!visible(&e).chars().any(is_hidden));
            return;
        }
    };
    let run = scenario.run(bundle());
    for shown in [&scenario.title, &scenario.story, &scenario.debrief] {
        assert!(!visible(shown).chars().any(is_hidden));
    }
    for problem in &run.problems {
        assert!(!visible(problem).chars().any(is_hidden));
    }
    assert_eq!(run.passed(), run.problems.is_empty());
});
