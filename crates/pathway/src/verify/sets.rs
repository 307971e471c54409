//! Random pathway sets small enough to enumerate, for comparing the explorer with the
//! enumeration: several pathways handing over to one another, questions on every type of
//! fact (a choice that settles a boolean, the worker's organisation), guards that may read
//! a fact before it is asked or leave an answer without an edge, derived facts, urgent
//! actions, variants naming other contacts (some of a reporter's own service), outcomes that
//! may be empty, must-ask facts, and invariants using every path predicate.

use serde_json::{Value, json};

/// A small deterministic generator (xorshift).
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const BOOLS: [&str; 4] = ["b0", "b1", "b2", "b3"];
const OPTIONS: [&str; 3] = ["x", "y", "z"];
const ORG: &str = "reporter_organisation";
const CODES: [&str; 6] = ["a0", "a1", "a2", "a3", "u0", "u1"];
const CONTACTS: [&str; 4] = ["desk", "police_team", "health_team", "helpline"];
const ASKED: [&str; 8] = ["b0", "b1", "b2", "b3", "c0", "c1", "n0", "d0"];

/// The files of a random set (pathways, contacts, sometimes a hazard log): name and text;
/// each pathway asks at most `questions` questions.
///
/// Half the sets are tidy: guards read only the fact their question asks, so that most of
/// them load and their counterexamples can be replayed; the others read any fact.
pub(super) fn set(seed: u64, questions: usize) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let pathways = 1 + rng.below(3);
    let tidy = rng.chance(50);
    let mut files = Vec::new();
    for k in 0..pathways {
        let file = pathway(&mut rng, k, pathways, tidy, questions);
        files.push((format!("p{k}.json"), pretty(&file)));
    }
    files.push(("contacts.json".into(), pretty(&contacts())));
    if rng.chance(30) {
        let hazards = json!({
            "format": "hazards/v1",
            "id": "generated-hazards",
            "title": "Hazards",
            "hazards": [{
                "id": "H1",
                "hazard": "a generated hazard",
                "harmed": "the person",
                "severity": "major",
                "cause": "a generated cause",
                "controls": ["inv0"],
            }],
        });
        files.push(("hazards.json".into(), pretty(&hazards)));
    }
    files
}

fn pathway(rng: &mut Rng, k: usize, pathways: usize, tidy: bool, most: usize) -> Value {
    let questions = 1 + rng.below(most);
    let actions = rng.below(1 + most / 2);
    let middle = questions + actions;
    // The first step is a question; the others, questions and action steps, in any order.
    let mut kinds: Vec<bool> = (0..middle).map(|i| i < questions).collect();
    for i in (2..middle).rev() {
        let j = 1 + rng.below(i);
        kinds.swap(i, j);
    }
    let outcomes = 1 + rng.below(2);
    let handovers = if k + 1 < pathways { rng.below(3) } else { 0 };
    let terminals = outcomes + handovers;
    let total = middle + terminals;
    let mut steps = Vec::new();
    let mut referenced = vec![false; total];
    let mut asked: Vec<&str> = Vec::new();
    let mut asked_at: Vec<Vec<&str>> = Vec::new();
    for (i, &question) in kinds.iter().enumerate() {
        let default_to = if i + 1 < middle { i + 1 } else { middle };
        referenced[default_to] = true;
        let mut next = Vec::new();
        let extra = match (question, tidy) {
            (true, false) => rng.below(3),
            (true, true) => rng.below(2),
            (false, false) => usize::from(rng.chance(20)),
            (false, true) => 0,
        };
        // A tidy pathway asks each fact once, and not the fact `c1` settles.
        let fresh: Vec<&str> = ASKED_WITH_ORG
            .iter()
            .copied()
            .filter(|f| !tidy || (!asked.contains(f) && *f != "b3"))
            .collect();
        let fact = if question && !fresh.is_empty() {
            rng.pick(&fresh)
        } else if question {
            "b0"
        } else {
            ""
        };
        if question {
            asked.push(fact);
        }
        for _ in 0..extra {
            let to = i + 1 + rng.below(total - i - 1);
            referenced[to] = true;
            let known: Vec<&str> = if tidy { vec![fact] } else { asked.clone() };
            let rule = guard(rng, &known, tidy);
            next.push(json!({ "when": rule, "to": step_id(to, middle), "because": "it applies", "cites": ["SRC"] }));
        }
        // Now and then the last edge is guarded too: an answer may be left with no edge.
        if rng.chance(8) && !tidy {
            let known: Vec<&str> = if tidy && question {
                vec![fact]
            } else {
                asked.clone()
            };
            let rule = guard(rng, &known, tidy);
            next.push(json!({ "when": rule, "to": step_id(default_to, middle), "because": "it applies", "cites": ["SRC"] }));
        } else {
            next.push(json!({ "to": step_id(default_to, middle) }));
        }
        asked_at.push(asked.clone());
        let id = step_id(i, middle);
        if question {
            steps.push(json!({ "kind": "question", "id": id, "fact": fact, "next": next }));
        } else {
            let codes: Vec<&str> = (0..1 + rng.below(2)).map(|_| rng.pick(&CODES)).collect();
            steps.push(json!({ "kind": "action", "id": id, "do": dedup(codes), "next": next }));
        }
    }
    for t in 0..terminals {
        let i = middle + t;
        if !referenced[i] {
            // Reached from some question or action step by an extra guarded edge.
            let questions: Vec<usize> = (0..middle).filter(|&q| kinds[q]).collect();
            let from = if tidy {
                rng.pick(&questions)
            } else {
                rng.below(middle)
            };
            let known = match &steps[from]["fact"] {
                Value::String(f) if tidy => vec![fact_name(f)],
                _ => asked_at[from].clone(),
            };
            let rule = guard(rng, &known, tidy);
            if let Some(next) = steps[from]["next"].as_array_mut() {
                next.insert(0, json!({ "when": rule, "to": step_id(i, middle), "because": "it applies", "cites": ["SRC"] }));
            }
        }
        if t < outcomes {
            let n = if rng.chance(10) && !tidy {
                0
            } else {
                1 + rng.below(2)
            };
            let codes: Vec<&str> = (0..n).map(|_| rng.pick(&CODES)).collect();
            steps.push(json!({ "kind": "outcome", "id": step_id(i, middle), "title": "Done", "summary": "Done.", "do": dedup(codes) }));
        } else {
            let to = k + 1 + rng.below(pathways - k - 1);
            steps.push(json!({
                "kind": "handover", "id": step_id(i, middle), "pathway": format!("p{to}"),
                "because": "Continue there.", "cites": ["SRC"],
            }));
        }
    }
    let mut invariants = Vec::new();
    for n in 0..1 + rng.below(4) {
        invariants.push(json!({ "id": format!("inv{n}"), "description": "a generated invariant", "rule": invariant(rng), "cites": ["SRC"] }));
    }
    let must: Vec<&str> = ASKED.iter().copied().filter(|_| rng.chance(15)).collect();
    json!({
        "format": "pathway/v1",
        "id": format!("p{k}"),
        "title": format!("Generated pathway {k}"),
        "partnership": "Test",
        "version": "1.0.0",
        "reviewed": "2026-11-01",
        "review_by": "2027-11-01",
        "sources": { "SRC": { "title": "A source", "url": "https://example.invalid/src", "confidence": "H" } },
        "facts": facts(),
        "derived": [
            { "id": "dv0", "rule": derived(rng), "description": "a derived fact", "cites": ["SRC"] },
            { "id": "dv1", "rule": "dv0 || b1", "description": "another", "cites": ["SRC"] },
        ],
        "actions": action_defs(rng),
        "start": "s0",
        "steps": steps,
        "must_ask": must,
        "invariants": invariants,
    })
}

const ASKED_WITH_ORG: [&str; 9] = ["b0", "b1", "b2", "b3", "c0", "c1", "n0", "d0", ORG];

fn step_id(i: usize, middle: usize) -> String {
    if i < middle {
        format!("s{i}")
    } else {
        format!("t{i}")
    }
}

fn dedup(mut codes: Vec<&str>) -> Vec<&str> {
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The constant name of a generated fact.
fn fact_name(f: &str) -> &'static str {
    ASKED_WITH_ORG
        .iter()
        .copied()
        .find(|x| *x == f)
        .unwrap_or("b0")
}

/// A guard, mostly over facts already asked (`known`), sometimes over any fact (never in a
/// tidy set).
fn guard(rng: &mut Rng, known: &[&str], tidy: bool) -> String {
    if tidy {
        let f = rng.pick(known);
        return plain(rng, f);
    }
    let pool: Vec<&str> = if known.is_empty() || rng.chance(10) {
        ASKED_WITH_ORG.to_vec()
    } else {
        known.to_vec()
    };
    let (f, g) = (rng.pick(&pool), rng.pick(&pool));
    let a = atom(rng, f);
    match rng.below(4) {
        0 => format!("!({a})"),
        1 => format!("{a} && {}", atom(rng, g)),
        2 => format!("{a} || {}", atom(rng, g)),
        _ => a,
    }
}

/// A comparison on one fact, as its type allows.
fn atom(rng: &mut Rng, fact: &str) -> String {
    let a = plain(rng, fact);
    if rng.chance(12) && BOOLS.contains(&fact) {
        "dv0".to_owned()
    } else {
        a
    }
}

/// A comparison on one fact, never a derived fact.
fn plain(rng: &mut Rng, fact: &str) -> String {
    match fact {
        "n0" => format!("n0 {} {}", rng.pick(&["<", ">=", "=="]), rng.below(11)),
        "d0" => format!(
            "age_on(d0, today) {} {}",
            rng.pick(&["<", ">="]),
            rng.pick(&[17, 18, 25])
        ),
        "c0" | "c1" => format!(
            "{fact} {} \"{}\"",
            rng.pick(&["==", "!="]),
            rng.pick(&OPTIONS)
        ),
        ORG => format!("{ORG} == \"{}\"", rng.pick(&["police", "health", "other"])),
        _ => fact.to_owned(),
    }
}

fn derived(rng: &mut Rng) -> String {
    let (f, g) = (rng.pick(&ASKED), rng.pick(&BOOLS));
    let a = plain(rng, f);
    let b = plain(rng, g);
    format!("{a} {} {b}", rng.pick(&["&&", "||"]))
}

/// An invariant over facts and every kind of path predicate.
fn invariant(rng: &mut Rng) -> String {
    let part = |rng: &mut Rng| -> String {
        let code = rng.pick(&CODES);
        let other = rng.pick(&CODES);
        let fact = rng.pick(&ASKED);
        match rng.below(14) {
            0 => format!("did(\"{code}\")"),
            1 => format!("first(\"{code}\")"),
            2 => format!("before(\"{code}\", \"{other}\")"),
            3 => format!("urgent(\"{code}\")"),
            4 => format!("asked({fact})"),
            5 => format!("first_asked({fact})"),
            6 => format!("known_before({fact}, \"{code}\")"),
            7 => format!("known_before(dv1, \"{code}\")"),
            8 => format!("contacted(\"{}\")", rng.pick(&CONTACTS)),
            9 => "own_service()".to_owned(),
            10 => format!("did(\"{code}\") == {}", rng.pick(&BOOLS)),
            _ => atom(rng, fact),
        }
    };
    let a = part(rng);
    let b = part(rng);
    let c = part(rng);
    match rng.below(6) {
        0 => format!("{a} -> {b}"),
        1 => format!("{a} -> {b} && !{c}"),
        2 => format!("({a} || {b}) -> {c}"),
        3 => format!("!({a}) || {b}"),
        4 => format!("{a} && ({b} -> {c})"),
        _ => a,
    }
}

fn facts() -> Vec<Value> {
    let mut out: Vec<Value> = BOOLS
        .iter()
        .map(|b| json!({ "id": b, "type": "bool", "question": format!("{b}?"), "default": false }))
        .collect();
    let options: Vec<Value> = OPTIONS
        .iter()
        .map(|o| json!({ "value": o, "label": o }))
        .collect();
    out.push(json!({ "id": "c0", "type": "choice", "question": "c0?", "options": options, "default": "x" }));
    // c1 settles b3.
    let settling: Vec<Value> = OPTIONS
        .iter()
        .map(|o| json!({ "value": o, "label": o, "sets": { "b3": *o == "x" } }))
        .collect();
    out.push(json!({ "id": "c1", "type": "choice", "question": "c1?", "options": settling, "default": "y" }));
    out.push(json!({ "id": "n0", "type": "integer", "question": "n0?", "min": 0, "max": 10, "default": 5 }));
    out.push(json!({ "id": "d0", "type": "date", "question": "d0?", "default": "2000-01-01" }));
    let orgs: Vec<Value> = crate::vocab::FACTS_V2
        .iter()
        .find(|f| f.id == ORG)
        .map(|f| {
            f.options
                .iter()
                .map(|o| json!({ "value": o, "label": o }))
                .collect()
        })
        .unwrap_or_default();
    out.push(
        json!({ "id": ORG, "type": "choice", "question": "Who do you work for?", "options": orgs }),
    );
    out
}

fn action_defs(rng: &mut Rng) -> Value {
    let mut defs = serde_json::Map::new();
    for code in CODES {
        let mut def = json!({
            "title": format!("Do {code}"),
            "instructions": "Do it.",
            "why": "It is due.",
            "urgent": code.starts_with('u'),
            "contact": rng.pick(&CONTACTS),
            "cites": ["SRC"],
        });
        if rng.chance(40) {
            let variants: Vec<Value> = (0..1 + rng.below(2))
                .map(|_| {
                    let fact = rng.pick(&ASKED_WITH_ORG);
                    let when = atom(rng, fact);
                    json!({ "when": when, "contact": rng.pick(&CONTACTS), "cites": ["SRC"] })
                })
                .collect();
            def["variants"] = Value::Array(variants);
        }
        defs.insert(code.to_owned(), def);
    }
    Value::Object(defs)
}

fn contacts() -> Value {
    let contact = |name: &str, service: Option<&str>| {
        let mut c = json!({
            "name": name, "phone": "01234 567890", "source": "PHONE",
            "url": "https://example.invalid/c", "checked": "2026-11-01", "verified": true,
        });
        if let Some(s) = service {
            c["service_of"] = json!(s);
        }
        c
    };
    json!({
        "format": "contacts/v1",
        "id": "generated-contacts",
        "title": "Contacts",
        "sources": { "PHONE": { "title": "Directory", "url": "https://example.invalid/d", "confidence": "H" } },
        "contacts": {
            "desk": contact("Desk", None),
            "police_team": contact("Police team", Some("police")),
            "health_team": contact("Health team", Some("health")),
            "helpline": contact("Helpline", None),
        },
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
