//! WebAssembly bindings for pathway: the bundled Hertfordshire pathways in a browser or in Node.
//!
//! A thin layer over the library: seven exports, each taking strings or plain JS values and
//! returning plain JS objects (through JSON, so outputs are what `JSON.parse` of the CLI's
//! JSON would give).
//!
//! | export | what it does |
//! |---|---|
//! | `listPathways()` | the bundled pathways (id, title, version, review dates) |
//! | `reviewWarnings(today)` | pathways past their review date: every front end shows them |
//! | `WalkSession` | a guided walk: `current`, `answer`, `back`, `edit`, case notes, save/load |
//! | `evaluate(pathway, facts, today)` | facts to the next question or the outcome (`decide`) |
//! | `graphSvg(pathway, trail)` | the flowchart as SVG, with the walked steps highlighted |
//! | `segments(text)` | a text split into plain runs and links (phone numbers, e-mail, web) |
//! | `contact(id)` | an entry of the contacts directory (e.g. `ms_helpline`) |
//!
//! Every text the engine returns may name a phone number, an e-mail or a web address: pass it
//! through `segments` and render each `href` as a link (`tel:` for numbers), the rest as text.
//! Errors: every failure throws a `PathwayError`, a JS `Error` whose `type` says what went wrong
//! (`fact_error`, `session_error`, ...), with `fact` naming the fact when there is one. Nothing
//! else is thrown; a panic (a bug) is logged to the console by `console_error_panic_hook` when
//! the crate is built with feature `panic-hook` (the default; the shipped page leaves it out).
//! The TypeScript definitions of every type are in the `.d.ts` next to the generated module.

use std::sync::OnceLock;

use pathway::{
    AnswerKind, Bundle, Date, Evaluation, FactDecl, FactError, Facts, GraphFormat, PathwayId,
    Session, SessionError, State, Visit, evaluate as evaluate_facts,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** What kind of failure a `PathwayError` is. */
export type PathwayErrorType =
  /** An answer or a facts record is not valid for the fact (wrong type, out of range, unknown fact, date after today). */
  | "fact_error"
  /** The session refused the call: the answer is for another question, the walk is finished, or the fact was never answered. */
  | "session_error"
  /** A saved session file cannot be opened: not a session, recorded with other pathway content, or an answer that no longer replays. */
  | "saved_session_error"
  /** No pathway of that name in the bundled set. */
  | "unknown_pathway"
  /** `today` is not a calendar date written YYYY-MM-DD. */
  | "invalid_date"
  /** An argument is not of the expected shape (not JSON, not an object). */
  | "invalid_input"
  /** The bundled pathways failed to load (a build defect: the set is verified at build time). */
  | "load_error";

/** What every function and method throws on failure (and nothing else): a JS `Error`. */
export interface PathwayError extends Error {
  name: "PathwayError";
  type: PathwayErrorType;
  message: string;
  /** The fact the error is about, when there is one. */
  fact?: string;
}

/** An answer: `true`/`false` for a bool fact, a whole number for an integer fact, an option value for a choice fact, `"YYYY-MM-DD"` for a date fact. */
export type AnswerValue = boolean | number | string;

/** A facts record: fact id to answer; `null` means not known. */
export type Facts = Record<string, AnswerValue | null>;

/** Metadata of a bundled pathway. */
export interface PathwayMeta {
  id: string;
  title: string;
  partnership: string;
  version: string;
  /** YYYY-MM-DD */
  reviewed: string;
  /** YYYY-MM-DD */
  review_by: string;
  jurisdiction?: string;
  description?: string;
  /** The guidance (with its version) the pathway follows, for every outcome to name. */
  guidance?: string;
  /** Whether this is the entry pathway (routes adult or child by age); used when no pathway is named. */
  entry: boolean;
}

/** A problem or warning about the pathway content. */
export interface Diagnostic {
  severity: "error" | "warning";
  code: string;
  file: string;
  location: string;
  message: string;
  hint?: string;
}

export interface ChoiceOption {
  value: string;
  label: string;
  help?: string;
}

/** The kind of answer a question takes. */
export type AnswerKind =
  | { type: "bool"; yes: string; no: string }
  | { type: "choice"; options: ChoiceOption[] }
  | { type: "integer"; min: number; max: number }
  | { type: "date" };

/** A question to put to the worker. */
export interface Question {
  pathway: string;
  step: string;
  fact: string;
  text: string;
  help?: string;
  note?: string;
  answer: AnswerKind;
  /** How many questions were answered before this one on the path. */
  answered: number;
}

export interface Contact {
  name: string;
  phone?: string;
  hours?: string;
  email?: string;
  web?: string;
  first_responder?: boolean;
  notes?: string;
  source: string;
  checked: string;
  /** `false`: details not confirmed, show as "check locally". */
  verified: boolean;
}

export interface ContactInfo extends Contact {
  /** Directory id. */
  id: string;
}

export interface Form {
  name: string;
  url?: string;
}

/** One action of an outcome. */
export interface Action {
  code: string;
  title: string;
  instructions: string;
  detail?: string;
  urgent: boolean;
  contact?: ContactInfo;
  form?: Form;
  cites: string[];
  reason?: string;
}

/** A finished walk: what the worker must do. */
export interface Outcome {
  pathway: string;
  step: string;
  title: string;
  summary: string;
  /** Urgent first. */
  actions: Action[];
  next_steps: string[];
  cites: string[];
}

/** Where a walk stopped. */
export type State =
  | ({ status: "needs_answer" } & Question)
  | ({ status: "finished" } & Outcome)
  | { status: "blocked"; step: string; message: string };

/** One step of a walk. */
export interface Visit {
  pathway: string;
  step: string;
  /** Index of the edge taken out of the step. */
  edge?: number;
  /** The fact read at a question step, and its value. */
  answer?: { fact: string; value: AnswerValue };
  rule?: string;
  reason?: string;
  cites?: string[];
}

/** The part of a `Visit` that `graphSvg` reads: a whole `Visit` will do. */
export interface TrailStep {
  pathway: string;
  step: string;
  edge?: number;
}

/** The result of walking as far as the facts allow. */
export interface Evaluation {
  state: State;
  trail: Visit[];
  /** Facts given that the walk never read. */
  unused: string[];
  /** Facts taken from their declared default. */
  defaulted: string[];
  /** While unfinished: the actions already due (urgent first). */
  due?: Action[];
}

/** `evaluate`'s result: exactly the object `pathway decide --format json` prints for a record. */
export interface Decision {
  status: "finished" | "needs_answer" | "blocked";
  /** Action codes in order, urgent first (so far, for an unfinished walk). */
  codes: string[];
  /** The fact asked next, when unfinished. */
  next_fact?: string;
  /** The pathway the walk ended in. */
  pathway?: string;
  /** That pathway's content version. */
  version?: string;
  /** When that pathway was last reviewed, YYYY-MM-DD. */
  reviewed?: string;
  /** The guidance (with its version) that pathway follows. */
  guidance?: string;
  /** When an answer is needed. */
  question?: Question;
  /** When the walk finished. */
  outcome?: Outcome;
  /** When the walk stopped without a route. */
  blocked?: { step: string; message: string };
  trail: Visit[];
  unused: string[];
  defaulted: string[];
}

/** An answer given in a session, with what the worker read. */
export interface Answered {
  fact: string;
  /** The question text. */
  question: string;
  help?: string;
  /** What answers the question takes (to offer a change). */
  answer: AnswerKind;
  value: AnswerValue;
  /** The answer as the worker read it (the option's or yes/no label). */
  label: string;
}

/** Where a guided walk stands. */
export interface WalkView {
  /** The pathway the session started in. */
  pathway: string;
  /** YYYY-MM-DD: the date ages are computed on. */
  today: string;
  /** The answers on the path so far, in order. */
  answers: Answered[];
  /** The next question, or the outcome. */
  state: State;
  /** Every step passed (pass it to `graphSvg`). */
  trail: Visit[];
  /** While unfinished: the actions already due (urgent first), to show an urgent one at once. */
  due?: Action[];
  /** Once finished: the outcome's title led by the danger (999, somewhere safe tonight). */
  headline?: string;
}

/** A piece of an engine text: plain, or a link (`tel:…`, `mailto:…`, `https://…`). */
export interface Segment {
  text: string;
  href?: string;
}
"#;

// ---------------------------------------------------------------- errors

/// The `type` of a thrown `PathwayError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorType {
    Fact,
    Session,
    SavedSession,
    UnknownPathway,
    InvalidDate,
    InvalidInput,
    Load,
}

impl ErrorType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Fact => "fact_error",
            Self::Session => "session_error",
            Self::SavedSession => "saved_session_error",
            Self::UnknownPathway => "unknown_pathway",
            Self::InvalidDate => "invalid_date",
            Self::InvalidInput => "invalid_input",
            Self::Load => "load_error",
        }
    }
}

/// A `PathwayError`: a JS `Error` with `type` (and `fact`) properties.
fn js_error(ty: ErrorType, message: &str, fact: Option<&str>) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("PathwayError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"type".into(), &ty.as_str().into());
    if let Some(fact) = fact {
        let _ = js_sys::Reflect::set(&error, &"fact".into(), &fact.into());
    }
    error.into()
}

fn fact_error(e: &FactError) -> JsValue {
    js_error(ErrorType::Fact, &e.to_string(), e.fact())
}

fn session_error(e: &SessionError) -> JsValue {
    let message = e.to_string();
    match e {
        SessionError::Fact(f) => fact_error(f),
        SessionError::NotCurrent { given, .. } => {
            js_error(ErrorType::Session, &message, Some(given))
        }
        SessionError::NotAnswered(fact) => js_error(ErrorType::Session, &message, Some(fact)),
        SessionError::Finished => js_error(ErrorType::Session, &message, None),
        SessionError::UnknownPathway(_) => js_error(ErrorType::UnknownPathway, &message, None),
        SessionError::Replay { fact, .. } => {
            js_error(ErrorType::SavedSession, &message, Some(fact))
        }
        _ => js_error(ErrorType::SavedSession, &message, None),
    }
}

// ---------------------------------------------------------------- helpers

/// The bundled set, decoded once from the snapshot `pathway-bundled` made when it was built
/// (after loading, so compiling and verifying, the set).
///
/// Every export goes through here first, so this is also where the panic hook is installed
/// (a `#[wasm_bindgen(start)]` function would be one more export), with feature `panic-hook`.
fn bundle() -> Result<&'static Bundle, JsValue> {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
    static BUNDLE: OnceLock<Result<Bundle, String>> = OnceLock::new();
    BUNDLE
        .get_or_init(|| pathway_bundled::bundle().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|message| js_error(ErrorType::Load, message, None))
}

fn pathway_id(bundle: &Bundle, name: Option<String>) -> Result<PathwayId, JsValue> {
    match name {
        None => Ok(bundle.entry()),
        Some(name) => bundle
            .resolve(&name)
            .map_err(|e| js_error(ErrorType::UnknownPathway, &e.to_string(), None)),
    }
}

fn parse_date(today: &str) -> Result<Date, JsValue> {
    today.parse().map_err(|e| {
        js_error(
            ErrorType::InvalidDate,
            &format!("`today` is not a date: {e}"),
            None,
        )
    })
}

/// A Rust value as a plain JS value, through JSON: the library's types already serialise to
/// `serde_json` values, so this adds no serialiser to the module (smaller than
/// `serde-wasm-bindgen`), and JS gets exactly what `JSON.parse` of the CLI's output gives.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_value(value)
        .map_err(|e| js_error(ErrorType::InvalidInput, &e.to_string(), None))?
        .to_string();
    js_sys::JSON::parse(&text)
}

/// A plain JS value as JSON (through `JSON.stringify`).
///
/// Always to a `serde_json::Value`, read by hand after: typed serde deserialisation would
/// link serde's type-error messages, with float formatting, into the module.
fn from_js(value: JsValue, what: &str) -> Result<serde_json::Value, JsValue> {
    let invalid =
        |detail: &str| js_error(ErrorType::InvalidInput, &format!("{what}: {detail}"), None);
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| invalid("not a JSON value"))?;
    serde_json::from_str(&text).map_err(|e| invalid(&e.to_string()))
}

/// A facts record given as an object or as JSON text, validated. Text is read as `pathway
/// decide` reads it, so a fact given twice is refused there too.
fn parse_facts(bundle: &Bundle, facts: JsValue, today: Date) -> Result<Facts, JsValue> {
    let parsed = match facts.as_string() {
        Some(text) => bundle.parse_facts_str(&text, today),
        None => bundle.parse_facts(&from_js(facts, "facts")?, today),
    };
    parsed.map_err(|e| match e {
        FactError::Syntax { .. } => js_error(
            ErrorType::InvalidInput,
            &format!("facts are not valid JSON: {e}"),
            None,
        ),
        e => fact_error(&e),
    })
}

// ---------------------------------------------------------------- listing

/// The bundled pathways, in file order.
#[wasm_bindgen(js_name = listPathways, unchecked_return_type = "PathwayMeta[]")]
pub fn list_pathways() -> Result<JsValue, JsValue> {
    let bundle = bundle()?;
    let metas: Vec<&pathway::Meta> = bundle.pathways().map(|p| bundle.meta(p)).collect();
    to_js(&metas)
}

/// Warnings every front end must show on `today` (YYYY-MM-DD): pathways past their review date.
#[wasm_bindgen(js_name = reviewWarnings, unchecked_return_type = "Diagnostic[]")]
pub fn review_warnings(today: &str) -> Result<JsValue, JsValue> {
    let bundle = bundle()?;
    to_js(&bundle.review_warnings(parse_date(today)?))
}

// ---------------------------------------------------------------- sessions

/// A guided walk, one question at a time, on one pathway of the bundled set.
#[wasm_bindgen]
pub struct WalkSession {
    inner: Session<'static>,
}

#[derive(Serialize)]
struct Answered<'a> {
    fact: &'a str,
    question: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    answer: AnswerKind<'a>,
    value: serde_json::Value,
    label: String,
}

#[derive(Serialize)]
struct WalkView<'a> {
    pathway: &'a str,
    today: String,
    answers: Vec<Answered<'a>>,
    state: &'a State<'a>,
    trail: &'a [Visit<'a>],
    /// Actions already due while the walk is unfinished (urgent first).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    due: &'a [pathway::Action<'a>],
    /// Once finished: the outcome's title led by the danger.
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
}

/// Largest integer a JS number holds exactly: unbounded integer facts are clamped to it.
const JS_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// The kind of answer a fact takes, as a question shows it (to change an earlier answer),
/// with integer bounds clamped to what a JS number holds exactly.
fn answer_kind(decl: Option<&FactDecl>) -> AnswerKind<'_> {
    match decl.map(FactDecl::answer_kind) {
        None => AnswerKind::Bool {
            yes: "Yes",
            no: "No",
        },
        Some(AnswerKind::Integer { min, max }) => AnswerKind::Integer {
            min: min.max(-JS_SAFE_INTEGER),
            max: max.min(JS_SAFE_INTEGER),
        },
        Some(kind) => kind,
    }
}

impl WalkSession {
    fn view(&self, evaluation: &Evaluation) -> Result<JsValue, JsValue> {
        let bundle = bundle()?;
        let answers = self
            .inner
            .answers()
            .iter()
            .map(|(fact, value)| {
                let decl = bundle.fact(fact);
                Answered {
                    fact,
                    question: decl.map_or(fact.as_str(), |d| d.question.as_str()),
                    help: decl.and_then(|d| d.help.as_deref()),
                    answer: answer_kind(decl),
                    value: value.to_json(),
                    label: pathway::answer_words(bundle, fact, value),
                }
            })
            .collect();
        to_js(&WalkView {
            pathway: &bundle.meta(self.inner.pathway()).id,
            today: self.inner.today().to_string(),
            answers,
            state: &evaluation.state,
            trail: &evaluation.trail,
            due: &evaluation.due,
            headline: match &evaluation.state {
                State::Finished(o) => Some(pathway::danger_first(o.title, &o.actions)),
                _ => None,
            },
        })
    }
}

#[wasm_bindgen]
impl WalkSession {
    /// A new walk on a pathway (`null`: the entry pathway, which routes by age), evaluated on
    /// `today` (YYYY-MM-DD).
    #[wasm_bindgen(constructor)]
    pub fn new(pathway: Option<String>, today: &str) -> Result<WalkSession, JsValue> {
        let bundle = bundle()?;
        let id = pathway_id(bundle, pathway)?;
        Ok(Self {
            inner: Session::new(bundle, id, parse_date(today)?),
        })
    }

    /// Where the walk stands: the next question or the outcome.
    #[wasm_bindgen(unchecked_return_type = "WalkView")]
    pub fn current(&self) -> Result<JsValue, JsValue> {
        self.view(&self.inner.current())
    }

    /// Answers the current question. On error the session is unchanged.
    #[wasm_bindgen(unchecked_return_type = "WalkView")]
    pub fn answer(
        &mut self,
        fact: &str,
        #[wasm_bindgen(unchecked_param_type = "AnswerValue")] value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let value: serde_json::Value = from_js(value, "answer")?;
        let evaluation = self
            .inner
            .answer(fact, &value)
            .map_err(|e| session_error(&e))?;
        self.view(&evaluation)
    }

    /// Takes back the last answer (nothing changes at the first question).
    #[wasm_bindgen(unchecked_return_type = "WalkView")]
    pub fn back(&mut self) -> Result<JsValue, JsValue> {
        self.inner.back();
        self.current()
    }

    /// Changes an earlier answer; later answers still on the new path are kept.
    #[wasm_bindgen(unchecked_return_type = "WalkView")]
    pub fn edit(
        &mut self,
        fact: &str,
        #[wasm_bindgen(unchecked_param_type = "AnswerValue")] value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let value: serde_json::Value = from_js(value, "answer")?;
        let evaluation = self
            .inner
            .edit(fact, &value)
            .map_err(|e| session_error(&e))?;
        self.view(&evaluation)
    }

    /// The case notes as plain text (questions and answers in words, what to do, contacts),
    /// with the time of the walk and the worker's case reference when given: neither is kept.
    #[wasm_bindgen(js_name = caseNotes)]
    pub fn case_notes(
        &self,
        reference: Option<String>,
        time: Option<String>,
    ) -> Result<String, JsValue> {
        let config = pathway::NotesConfig {
            today: Some(self.inner.today()),
            time: time.as_deref(),
            reference: reference.as_deref(),
        };
        Ok(pathway::case_notes(
            bundle()?,
            &self.inner.current(),
            &config,
        ))
    }

    /// The session as JSON text, to save to a file the user chose.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Opens a saved session, replaying and re-checking every answer.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<WalkSession, JsValue> {
        let bundle = bundle()?;
        let inner = Session::from_json(bundle, text).map_err(|e| session_error(&e))?;
        Ok(Self { inner })
    }
}

// ---------------------------------------------------------------- batch

/// Evaluates a facts record (an object, or JSON text) on a pathway (`null`: the entry
/// pathway): the next question or the outcome, in the JSON `pathway decide --format json`
/// prints. With `useDefaults`,
/// facts the record omits take their declared default instead of stopping to ask.
#[wasm_bindgen(unchecked_return_type = "Decision")]
pub fn evaluate(
    pathway: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "Facts | string")] facts: JsValue,
    today: &str,
    #[wasm_bindgen(js_name = useDefaults)] use_defaults: Option<bool>,
) -> Result<JsValue, JsValue> {
    let bundle = bundle()?;
    let id = pathway_id(bundle, pathway)?;
    let today = parse_date(today)?;
    let facts = parse_facts(bundle, facts, today)?;
    let config = pathway::Config {
        today,
        use_defaults: use_defaults.unwrap_or(false),
    };
    let evaluation = evaluate_facts(bundle, id, &facts, &config);
    to_js(&pathway::evaluation_json(bundle, &evaluation))
}

/// One step of a walked trail, as `graphSvg` reads it: `pathway`, `step` and `edge` (the
/// other fields of a `Visit` are ignored). `None` when it is not such a step; `Some(None)` for
/// a step the set does not have (nothing to highlight).
fn trail_step<'b>(bundle: &'b Bundle, value: &'b serde_json::Value) -> Option<Option<Visit<'b>>> {
    let text = |key: &str| value.get(key)?.as_str();
    let edge = match value.get("edge") {
        None | Some(serde_json::Value::Null) => None,
        Some(n) => Some(usize::try_from(n.as_u64()?).ok()?),
    };
    let (pathway, step) = (text("pathway")?, text("step")?);
    Some(bundle.step_ref(pathway, step).map(|at| Visit {
        at,
        pathway,
        step,
        edge,
        answer: None,
        rule: None,
        reason: None,
        cites: &[],
    }))
}

/// The flowchart of a pathway (`null`: the entry pathway) as SVG; with a trail (e.g. a
/// `WalkView`'s `trail`), the walked steps and edges are highlighted.
#[wasm_bindgen(js_name = graphSvg)]
pub fn graph_svg(
    pathway: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "TrailStep[] | null")] trail: JsValue,
) -> Result<String, JsValue> {
    let bundle = bundle()?;
    let id = pathway_id(bundle, pathway)?;
    let steps = if trail.is_null() || trail.is_undefined() {
        None
    } else {
        Some(from_js(trail, "trail")?)
    };
    let walked: Option<Vec<Visit<'_>>> = match &steps {
        None => None,
        Some(steps) => {
            let visits = steps.as_array().and_then(|steps| {
                let all = steps.iter().map(|s| trail_step(bundle, s));
                all.collect::<Option<Vec<_>>>()
                    .map(|v| v.into_iter().flatten().collect())
            });
            Some(visits.ok_or_else(|| {
                js_error(
                    ErrorType::InvalidInput,
                    "trail: not a list of steps, each with a `pathway` and a `step` (text) and \
                 an optional `edge` (a whole number)",
                    None,
                )
            })?)
        }
    };
    Ok(pathway::graph(
        bundle,
        id,
        GraphFormat::Svg,
        walked.as_deref(),
    ))
}

// ---------------------------------------------------------------- links and contacts

/// A text the engine returned, split into plain runs and links: each phone number (`tel:`),
/// e-mail (`mailto:`) and web address (`https://`). Joined, the segments' texts are the text.
#[wasm_bindgen(unchecked_return_type = "Segment[]")]
pub fn segments(text: &str) -> Result<JsValue, JsValue> {
    to_js(&pathway::segments(text))
}

/// An entry of the bundled contacts directory by id (`ms_helpline`: the Modern Slavery &
/// Exploitation Helpline), or `undefined` when there is none.
#[wasm_bindgen(unchecked_return_type = "ContactInfo | undefined")]
pub fn contact(id: &str) -> Result<JsValue, JsValue> {
    let bundle = bundle()?;
    match bundle.contact(id) {
        Some(contact) => to_js(&pathway::ContactInfo { id, contact }),
        None => Ok(JsValue::UNDEFINED),
    }
}
