//! Session JSON: any text is loaded as a saved session of the bundled set; a loaded session
//! evaluates, saves to the same text, reloads equal, and goes back and forward again.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pathway::{Bundle, Session, bundled};

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| bundled().expect("the bundled set loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let bundle = bundle();
    let Ok(mut session) = Session::from_json(bundle, text) else {
        return;
    };
    let _ = session.current();
    let saved = session.to_json();
    let again = Session::from_json(bundle, &saved).expect("a saved session reloads");
    assert!(again == session, "a session changed across save and load");
    assert_eq!(again.to_json(), saved, "save is not stable");
    // Back to the start, then answer what the walk asks from the saved answers. A saved
    // session may hold answers ahead of the walk (kept by an edit for questions still
    // reachable), which this replay does not reach: it must give back exactly the answers
    // on the path, and all of them when none is ahead.
    let answers = session.answers().to_vec();
    while session.back() {}
    while let pathway::State::NeedsAnswer(q) = session.current().state {
        let Some((_, value)) = answers.iter().find(|(f, _)| *f == q.fact) else {
            break;
        };
        let json = serde_json::to_value(value).expect("a value serialises");
        session
            .answer(&q.fact, &json)
            .expect("a saved answer replays");
    }
    let on_path = session.answers();
    assert!(
        on_path.iter().all(|a| answers.contains(a)),
        "replay answered something the saved session did not"
    );
    let ahead = answers.len() - on_path.len();
    if ahead == 0 {
        assert!(
            again == session,
            "replaying the answers gives another session"
        );
    }
});
