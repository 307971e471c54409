// Type-checked (never run) use of the WASM package's public API, as an app writes it:
// `scripts/test-web` runs `tsc --noEmit -p web-tests/types` on it after `scripts/build-web`.
// It imports the generated `www/pkg/pathway_wasm.d.ts` (wasm-bindgen's declarations plus the
// hand-written types of `crates/pathway-wasm/src/lib.rs`), so a change to a function's
// parameters, a result's fields or an error's shape that breaks callers fails the check.
// Each `satisfies` and annotated binding below pins one part of the contract.

import init, {
  type Action,
  type Answered,
  type AnswerKind,
  type AnswerValue,
  type ContactInfo,
  type Decision,
  type Diagnostic,
  type Facts,
  type Outcome,
  type PathwayError,
  type PathwayErrorType,
  type PathwayMeta,
  type Question,
  type Segment,
  type State,
  type TrailStep,
  type Visit,
  type WalkView,
  contact,
  evaluate,
  graphSvg,
  listPathways,
  reviewWarnings,
  segments,
  WalkSession,
} from "../../www/pkg/pathway_wasm.js";

/** Compile-time equality of two types: `true` only when each is assignable to the other. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
  ? true
  : false;
function assertType<T extends true>(): T | void {}

export async function usage(): Promise<void> {
  await init();
  const today = "2026-11-22";

  // listPathways / reviewWarnings
  const metas: PathwayMeta[] = listPathways();
  const entry: PathwayMeta | undefined = metas.find((m) => m.entry);
  const titles: string[] = metas.map((m) => `${m.id} v${m.version}, review by ${m.review_by}`);
  const warnings: Diagnostic[] = reviewWarnings(today);
  const severity: "error" | "warning" | undefined = warnings[0]?.severity;
  const hint: string | undefined = warnings[0]?.hint;

  // evaluate: a facts object or JSON text; the pathway may be omitted (the entry pathway)
  const facts = {
    immediate_danger: false,
    age_basis: "stated_age",
    age: 17,
    suspected_modern_slavery: "yes",
    reporter_organisation: "health",
    date_of_birth: null,
  } satisfies Facts;
  const decision: Decision = evaluate(entry?.id ?? null, facts, today, true);
  const fromText: Decision = evaluate(undefined, JSON.stringify(facts), today);
  const status: "finished" | "needs_answer" | "blocked" = decision.status;
  const codes: string[] = decision.codes;
  const nextFact: string | undefined = fromText.next_fact;
  const outcome: Outcome | undefined = decision.outcome;
  const firstAction: Action | undefined = outcome?.actions[0];
  const phone: string | undefined = firstAction?.contact?.phone;
  const verified: boolean | undefined = firstAction?.contact?.verified;
  const question: Question | undefined = fromText.question;
  const trail: Visit[] = decision.trail;

  // a guided walk
  const session = new WalkSession(null, today);
  let view: WalkView = session.current();
  const state: State = view.state;
  if (state.status === "needs_answer") {
    const kind: AnswerKind = state.answer;
    let value: AnswerValue;
    switch (kind.type) {
      case "bool":
        value = kind.yes.length > 0;
        break;
      case "choice":
        value = kind.options[0].value;
        break;
      case "integer":
        value = kind.min;
        break;
      case "date":
        value = today;
        break;
    }
    view = session.answer(state.fact, value);
    view = session.edit(state.fact, value);
  } else if (state.status === "finished") {
    const urgent: boolean = state.actions.some((a) => a.urgent);
    const headline: string | undefined = view.headline;
    void [urgent, headline];
  } else {
    const message: string = state.message;
    void message;
  }
  view = session.back();
  const due: Action[] | undefined = view.due;
  const answered: string[] = view.answers.map((a) => `${a.question}: ${a.label}`);
  const notes: string = session.caseNotes("REF-1", "14:05");
  const notesWithout: string = session.caseNotes();
  const saved: string = session.toJson();
  const reopened: WalkSession = WalkSession.fromJson(saved);
  reopened.free();

  // the flowchart, with or without a walk (a whole Visit is a TrailStep)
  const steps: TrailStep[] = view.trail;
  const svg: string = graphSvg(null, steps);
  const plain: string = graphSvg("adult", null);

  // links in engine texts, and the contacts directory
  const parts: Segment[] = segments("Call 101 or 999");
  const href: string | undefined = parts[0]?.href;
  const helpline: ContactInfo | undefined = contact("ms_helpline");
  if (helpline !== undefined) {
    // Required fields stay required: a front reads them without a check.
    const shown: [string, string, boolean, string, string] = [
      helpline.id,
      helpline.name,
      helpline.verified,
      helpline.source,
      helpline.checked,
    ];
    void shown;
  }
  if (firstAction !== undefined && outcome !== undefined) {
    const line: [string, string, string, boolean, string[]] = [
      firstAction.code,
      firstAction.title,
      firstAction.instructions,
      firstAction.urgent,
      firstAction.cites,
    ];
    const heading: [string, string, string, string, string[], string[]] = [
      outcome.pathway,
      outcome.step,
      outcome.title,
      outcome.summary,
      outcome.next_steps,
      outcome.cites,
    ];
    void [line, heading];
  }
  if (question !== undefined) {
    const asked: [string, string, string, string, number] = [
      question.pathway,
      question.step,
      question.fact,
      question.text,
      question.answered,
    ];
    void asked;
  }
  const walked: [string, string, Answered[], Visit[]] = [view.pathway, view.today, view.answers, view.trail];
  const listed: [string, string, string, string, string, string, boolean] | undefined =
    entry && [entry.id, entry.title, entry.partnership, entry.version, entry.reviewed, entry.review_by, entry.entry];
  const results: [string[], string[], string[]] = [decision.unused, decision.defaulted, decision.codes];
  void [walked, listed, results];

  // errors: a JS Error with a typed `type` (and `fact`)
  try {
    evaluate(null, { age: "seventeen" }, today);
  } catch (e) {
    const error = e as PathwayError;
    const type: PathwayErrorType = error.type;
    const fact: string | undefined = error.fact;
    void [type, fact];
  }

  // The unions stay exactly what apps switch on: adding a member fails here, on purpose,
  // so that it is added knowingly (and to the apps' `switch`es).
  assertType<
    Equal<
      PathwayErrorType,
      | "fact_error"
      | "session_error"
      | "saved_session_error"
      | "unknown_pathway"
      | "invalid_date"
      | "invalid_input"
      | "load_error"
    >
  >();
  assertType<Equal<State["status"], "needs_answer" | "finished" | "blocked">>();
  assertType<Equal<AnswerKind["type"], "bool" | "choice" | "integer" | "date">>();
  assertType<Equal<Decision["status"], State["status"]>>();

  // Every function returns its declared type, not `any` (which wasm-bindgen gives a
  // `JsValue` that lost its `unchecked_return_type`, and which would accept any use above).
  assertType<Equal<ReturnType<typeof listPathways>, PathwayMeta[]>>();
  assertType<Equal<ReturnType<typeof reviewWarnings>, Diagnostic[]>>();
  assertType<Equal<ReturnType<typeof evaluate>, Decision>>();
  assertType<Equal<ReturnType<typeof graphSvg>, string>>();
  assertType<Equal<ReturnType<typeof segments>, Segment[]>>();
  assertType<Equal<ReturnType<typeof contact>, ContactInfo | undefined>>();
  assertType<Equal<ReturnType<WalkSession["current"]>, WalkView>>();
  assertType<Equal<ReturnType<WalkSession["answer"]>, WalkView>>();
  assertType<Equal<ReturnType<WalkSession["edit"]>, WalkView>>();
  assertType<Equal<ReturnType<WalkSession["back"]>, WalkView>>();
  assertType<Equal<ReturnType<WalkSession["caseNotes"]>, string>>();
  assertType<Equal<ReturnType<typeof WalkSession.fromJson>, WalkSession>>();
  assertType<Equal<Parameters<WalkSession["answer"]>[1], AnswerValue>>();
  assertType<Equal<Parameters<typeof evaluate>[1], Facts | string>>();
  assertType<Equal<Parameters<typeof graphSvg>[1], TrailStep[] | null>>();

  void [titles, severity, hint, status, codes, nextFact, phone, verified, question, trail];
  void [due, answered, notes, notesWithout, svg, plain, href, helpline];
  session.free();
}
