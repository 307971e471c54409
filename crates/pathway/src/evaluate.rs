//! Walking a pathway: facts + `today` -> the next question or the finished outcome.
//!
//! [`evaluate`] is a pure function. The same walker ([`advance`]) drives verification, which
//! branches where evaluation would stop to ask.

use std::borrow::Cow;

use crate::bundle::StepIx;
use serde::Serialize;

use crate::bundle::{ActionEntry, Bundle, FactDecl, PathwayId, StepKind};
use crate::model::{ChoiceOption, Contact, Form};
use crate::rule::Slot;
use crate::value::{Facts, Value};
use crate::walk::{
    AnswerTable, Answers, Config, FactScope, Stop, Walk, advance, advance_noting, collect_actions,
};

/// The result of walking as far as the facts allow.
///
/// Its texts are borrowed from the [`Bundle`] (`'b`), so an evaluation copies nothing that the
/// set already holds; only values computed for the case (an action's detail, a fact's value)
/// are owned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation<'b> {
    /// Where the walk stopped.
    pub state: State<'b>,
    /// Every step passed, with the answer read and the reason for the edge taken.
    pub trail: Vec<Visit<'b>>,
    /// Facts given that the walk never read (borrowed when the set declares them).
    pub unused: Vec<Cow<'b, str>>,
    /// Facts the walk took from their declared default.
    pub defaulted: Vec<&'b str>,
    /// While the walk is unfinished: the actions already due from the answers so far, urgent
    /// first, so that a front end shows an urgent one (999, a safe place tonight) the moment
    /// the answer that makes it due is given, before the next question. Empty once finished
    /// (the outcome holds them all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub due: Vec<Action<'b>>,
    /// The decision alone (status, action codes so far, next fact), as [`decide`] gives it.
    #[serde(skip)]
    pub decision: Decision<'b>,
    /// The pathway the walk ended in: the outcome's or question's, or, for a blocked walk,
    /// the pathway of the step it stopped at.
    #[serde(skip)]
    pub pathway: PathwayId,
}

/// Where a walk stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum State<'b> {
    /// A fact is needed to go on.
    NeedsAnswer(Question<'b>),
    /// The walk reached an outcome.
    Finished(Outcome<'b>),
    /// The pathway has no route for these answers. A verified pathway never does this;
    /// it is reported rather than guessed.
    Blocked {
        /// The step the walk stopped at.
        step: &'b str,
        /// Why.
        message: &'b str,
    },
}

/// A question to put to the worker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question<'b> {
    /// The pathway it belongs to.
    pub pathway: &'b str,
    /// The step that asks it.
    pub step: &'b str,
    /// The fact it sets (owned only for a fact the set does not declare).
    pub fact: Cow<'b, str>,
    /// The question text (owned only for a fact the set does not declare).
    pub text: Cow<'b, str>,
    /// Help text: a short answer first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'b str>,
    /// The rest of the help, which fronts fold behind "More".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<&'b str>,
    /// Guidance shown with the question at this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'b str>,
    /// What kind of answer it takes.
    pub answer: AnswerKind<'b>,
    /// How many questions were answered before this one on the path.
    pub answered: usize,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerKind<'b> {
    /// Yes or no.
    Bool {
        /// Label of `true`.
        yes: &'b str,
        /// Label of `false`.
        no: &'b str,
    },
    /// One of the options.
    Choice {
        /// The options in display order.
        options: &'b [ChoiceOption],
    },
    /// A whole number in a range.
    Integer {
        /// Smallest.
        min: i64,
        /// Largest.
        max: i64,
    },
    /// A date, `YYYY-MM-DD`, not after today.
    Date,
}

/// One step of the trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visit<'b> {
    /// The step, as a handle into the bundle that made the trail ([`Bundle::step_ref`]).
    #[serde(skip)]
    pub at: StepRef,
    /// Pathway id.
    pub pathway: &'b str,
    /// Step id.
    pub step: &'b str,
    /// Index (from 0) of the edge taken out of the step; none at outcomes and hand-overs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edge: Option<usize>,
    /// The fact read at a question step, and its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer<'b>>,
    /// The rule of the edge taken out of this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'b str>,
    /// Why that edge was taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'b str>,
    /// Sources for the edge taken.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub cites: &'b [String],
}

/// An opaque handle to a step of a [`Bundle`]: what a [`Visit`] was at. Valid only for the
/// bundle that gave it (or one decoded from its snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepRef {
    pub(crate) pathway: u32,
    pub(crate) step: u32,
}

impl StepRef {
    pub(crate) fn new(pathway: usize, step: StepIx) -> Self {
        Self {
            pathway: pathway as u32,
            step: step.index() as u32,
        }
    }

    /// The pathway the step belongs to.
    pub fn pathway(self) -> PathwayId {
        PathwayId(self.pathway as usize)
    }

    pub(crate) fn node(self) -> StepIx {
        StepIx::new(self.step as usize)
    }
}

/// A fact and the value a walk read for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer<'b> {
    /// Fact id.
    pub fact: &'b str,
    /// The value.
    pub value: Value,
}

/// A finished walk: what the worker must do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome<'b> {
    /// Pathway the walk ended in.
    pub pathway: &'b str,
    /// The outcome step.
    pub step: &'b str,
    /// Headline.
    pub title: &'b str,
    /// Summary.
    pub summary: &'b str,
    /// Actions, urgent first, then in the order the path added them.
    pub actions: Vec<Action<'b>>,
    /// What happens next.
    pub next_steps: &'b [String],
    /// Sources for the summary and next steps.
    pub cites: &'b [String],
}

impl<'b> Outcome<'b> {
    /// The action codes in order.
    pub fn codes(&self) -> Vec<&'b str> {
        self.actions.iter().map(|a| a.code).collect()
    }
}

/// One action of an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action<'b> {
    /// Action code (vocabulary v1 or the pathway's own).
    pub code: &'b str,
    /// Imperative title.
    pub title: &'b str,
    /// What to do.
    pub instructions: &'b str,
    /// Case-specific detail (e.g. the exact 18th birthday); owned when it fills in facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Cow<'b, str>>,
    /// Whether it is urgent.
    pub urgent: bool,
    /// Whom to contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactInfo<'b>>,
    /// Which form to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<&'b Form>,
    /// Sources.
    pub cites: &'b [String],
    /// Why this action is due: the action's own reason (for this case's wording), never the
    /// reason of the edge that led to its step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'b str>,
}

/// A contact with its directory id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactInfo<'b> {
    /// Directory id.
    pub id: &'b str,
    /// The details.
    #[serde(flatten)]
    pub contact: &'b Contact,
}

/// Evaluates the facts on a pathway: the next question, or the finished outcome.
///
/// Total: any facts give an answer. Facts that are not valid for their declaration are
/// treated as not known (validate them first with [`Bundle::parse_facts`]). The result
/// borrows its texts from `bundle`.
pub fn evaluate<'b>(
    bundle: &'b Bundle,
    pathway: PathwayId,
    facts: &Facts,
    config: &Config,
) -> Evaluation<'b> {
    let mut walk = Walk::new(bundle, pathway.0);
    let owned = AnswerTable::new(bundle, facts, config);
    let table = owned.answers();
    let mut answers: Vec<Option<(&Value, bool)>> = Vec::with_capacity(16);
    let stop = advance_noting(bundle, &table, config, &mut walk, |read| answers.push(read));
    let (trail, defaulted) = trail(bundle, &answers, &walk);
    // A fact given is used when a question step read its entry: the entry's value is one
    // the walk noted (comparing addresses, not ids, so no string is compared); or when a
    // question was passed because the record gave the facts its answer settles.
    let passed: Vec<&str> = passed_settled(bundle, &answers, &walk);
    let unused = facts
        .iter()
        .filter(|(k, v)| {
            !answers
                .iter()
                .flatten()
                .any(|&(r, is_default)| !is_default && std::ptr::eq(r, *v))
                && !passed.contains(k)
        })
        .map(|(k, _)| match bundle.facts.get(k) {
            Some(decl) => Cow::Borrowed(decl.id.as_str()),
            None => Cow::Owned(k.to_owned()),
        })
        .collect();
    let (p, node) = walk.at;
    let due = match stop {
        Stop::Done => Vec::new(),
        _ => actions_so_far(bundle, &table, config, &walk),
    };
    let (status, next_fact) = status_of(bundle, &stop);
    let state = match stop {
        Stop::Ask(fact) => State::NeedsAnswer(question(bundle, &walk, Cow::Borrowed(fact))),
        Stop::Done => State::Finished(outcome(bundle, &table, config, &walk)),
        Stop::Missing(fact) => {
            let fact = match bundle.facts.get(&fact) {
                Some(decl) => Cow::Borrowed(decl.id.as_str()),
                None => Cow::Owned(fact),
            };
            State::NeedsAnswer(question(bundle, &walk, fact))
        }
        Stop::NoEdge => State::Blocked {
            step: &bundle.pathways[p].steps[node].id,
            message: "no route out of this step matches the answers; seek advice from the \
                      Modern Slavery Helpline and your safeguarding lead",
        },
    };
    let codes = match &state {
        State::Finished(o) => o.codes(),
        _ => due.iter().map(|a| a.code).collect(),
    };
    Evaluation {
        state,
        trail,
        unused,
        defaulted,
        due,
        decision: Decision {
            status,
            codes,
            next_fact,
        },
        pathway: PathwayId(p),
    }
}

/// The status a walk's stop gives, and the fact to ask next: the question's, or the fact a
/// rule missed, named as the declaration spells it (so borrowed).
fn status_of<'b>(bundle: &'b Bundle, stop: &Stop<'b>) -> (Status, Option<&'b str>) {
    match stop {
        Stop::Done => (Status::Finished, None),
        Stop::Ask(fact) => (Status::NeedsAnswer, Some(fact)),
        Stop::Missing(fact) => (
            Status::NeedsAnswer,
            bundle.facts.get(fact).map(|d| d.id.as_str()),
        ),
        Stop::NoEdge => (Status::Blocked, None),
    }
}

/// How far a walk got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The walk reached an outcome.
    Finished,
    /// The walk stopped at a question whose fact is not known.
    NeedsAnswer,
    /// No route out of a step matched (a verified set never gives this).
    Blocked,
}

impl Status {
    /// The status as `pathway decide` prints it: `finished`, `needs_answer` or `blocked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Finished => "finished",
            Self::NeedsAnswer => "needs_answer",
            Self::Blocked => "blocked",
        }
    }
}

/// A decision alone, borrowed from the bundle: what `pathway decide --brief` prints. Nothing
/// is copied, so it is the fast way to audit a batch; [`evaluate`] gives the questions,
/// texts, contacts, reasons and trail as well, and the same status, codes and next fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision<'b> {
    /// How far the walk got.
    pub status: Status,
    /// The action codes in order, urgent first (those reached so far, when unfinished).
    pub codes: Vec<&'b str>,
    /// The fact to ask next, when an answer is needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_fact: Option<&'b str>,
}

/// The decision the facts come to on a pathway: [`evaluate`] without the texts.
pub fn decide<'b>(
    bundle: &'b Bundle,
    pathway: PathwayId,
    facts: &Facts,
    config: &Config,
) -> Decision<'b> {
    let mut walk = Walk::new(bundle, pathway.0);
    let owned = AnswerTable::new(bundle, facts, config);
    let answers = owned.answers();
    let stop = advance(bundle, &answers, config, &mut walk);
    let codes = collect_actions(bundle, &walk)
        .into_iter()
        .map(|(_, code, _)| code)
        .collect();
    let (status, next_fact) = status_of(bundle, &stop);
    Decision {
        status,
        codes,
        next_fact,
    }
}

/// The facts settled by the answers of the questions a walk passed without asking
/// ([`Answers::settled`]).
fn passed_settled<'b>(
    bundle: &'b Bundle,
    answers: &[Option<(&Value, bool)>],
    walk: &Walk,
) -> Vec<&'b str> {
    let questions =
        walk.visits
            .iter()
            .filter_map(|v| match &bundle.pathways[v.pathway].steps[v.node].kind {
                StepKind::Question { fact, .. } => Some(fact),
                _ => None,
            });
    questions
        .zip(answers)
        .filter(|(_, read)| read.is_none())
        .filter_map(|(fact, _)| bundle.facts.get(fact))
        .flat_map(|d| d.settled_facts().iter().map(String::as_str))
        .collect()
}

fn question<'b>(bundle: &'b Bundle, walk: &Walk, fact: Cow<'b, str>) -> Question<'b> {
    let (p, node) = walk.at;
    let pathway = &bundle.pathways[p];
    let step = &pathway.steps[node];
    let note = match &step.kind {
        StepKind::Question { fact: f, note, .. } if *f == *fact => note.as_deref(),
        _ => None,
    };
    let decl = bundle.facts.get(&fact);
    Question {
        pathway: &pathway.meta.id,
        step: &step.id,
        text: match decl {
            Some(d) => Cow::Borrowed(&d.question),
            None => Cow::Owned(format!("What is `{fact}`?")),
        },
        fact,
        help: decl.and_then(|d| d.help.as_deref()),
        more: decl.and_then(|d| d.more.as_deref()),
        note,
        answer: decl.map_or(
            AnswerKind::Bool {
                yes: "Yes",
                no: "No",
            },
            FactDecl::answer_kind,
        ),
        answered: walk.asked(bundle).count(),
    }
}

/// The trail of a walk, and the facts question steps took from their declared default, in
/// the order asked. `answers`: the value of each question step passed, in order, and whether
/// it is the declared default ([`advance_noting`]).
fn trail<'b>(
    bundle: &'b Bundle,
    answers: &[Option<(&Value, bool)>],
    walk: &Walk,
) -> (Vec<Visit<'b>>, Vec<&'b str>) {
    let mut out = Vec::with_capacity(walk.visits.len());
    let mut defaulted = Vec::new();
    let mut answers = answers.iter();
    for v in &walk.visits {
        let pathway = &bundle.pathways[v.pathway];
        let step = &pathway.steps[v.node];
        let answer = match &step.kind {
            StepKind::Question { fact, .. } => {
                answers
                    .next()
                    .copied()
                    .flatten()
                    .map(|(value, is_default)| {
                        if is_default {
                            defaulted.push(fact.as_str());
                        }
                        Answer {
                            fact,
                            value: value.clone(),
                        }
                    })
            }
            _ => None,
        };
        let edge = v.edge.map(|i| &step.edges[i]);
        let (rule, reason, cites): (_, _, &[String]) = match (&step.kind, edge) {
            (_, Some(e)) => (e.when_src.as_deref(), e.because.as_deref(), &e.cites),
            (StepKind::Handover { because, cites, .. }, None) => {
                (None, Some(because.as_str()), cites)
            }
            _ => (None, None, &[]),
        };
        out.push(Visit {
            at: StepRef::new(v.pathway, v.node),
            pathway: &pathway.meta.id,
            step: &step.id,
            edge: v.edge,
            answer,
            rule,
            reason,
            cites,
        });
    }
    (out, defaulted)
}

/// The actions of the steps passed so far (an unfinished walk), with their texts.
fn actions_so_far<'b>(
    bundle: &'b Bundle,
    answers: &Answers<'_>,
    config: &Config,
    walk: &Walk,
) -> Vec<Action<'b>> {
    collect_actions(bundle, walk)
        .into_iter()
        .map(|(def, code, k)| action(bundle, code, def, walk, k, answers, config))
        .collect()
}

fn outcome<'b>(
    bundle: &'b Bundle,
    answers: &Answers<'_>,
    config: &Config,
    walk: &Walk,
) -> Outcome<'b> {
    let (p, node) = walk.at;
    let pathway = &bundle.pathways[p];
    let step = &pathway.steps[node];
    let (title, summary, next_steps, cites): (&str, &str, &[String], &[String]) = match &step.kind {
        StepKind::Outcome {
            title,
            summary,
            next_steps,
            cites,
            ..
        } => (title, summary, next_steps, cites),
        _ => ("", "", &[], &[]),
    };
    let mut actions = Vec::new();
    let collected = collect_actions(bundle, walk);
    actions.reserve_exact(collected.len());
    for (def, code, k) in collected {
        actions.push(action(bundle, code, def, walk, k, answers, config));
    }
    Outcome {
        pathway: &pathway.meta.id,
        step: &step.id,
        title,
        summary,
        actions,
        next_steps,
        cites,
    }
}

fn action<'b>(
    bundle: &'b Bundle,
    code: &'b str,
    def: Option<&'b ActionEntry>,
    walk: &Walk,
    k: usize,
    answers: &Answers<'_>,
    config: &Config,
) -> Action<'b> {
    let visit = walk.visits[k];
    // What a detail template and a variant's rule read: the facts (and the defaults the walk
    // took), with the derived facts of the pathway that added the action.
    let scope = FactScope {
        bundle,
        pathway: visit.pathway,
        config,
        answers,
    };
    let known = |id: &str, slot: Slot| scope.answer(id, slot).map(|(v, _)| v);
    let detail = match &bundle.pathways[visit.pathway].steps[visit.node].kind {
        StepKind::Action {
            detail: Some(t), ..
        } => Some(t.render(&known, config.today)),
        _ => None,
    };
    let wording = def.map(|d| d.wording(&scope));
    Action {
        code,
        title: wording.map_or("", |w| w.title),
        instructions: wording.map_or("", |w| w.instructions),
        detail,
        urgent: def.is_some_and(|d| d.def.urgent),
        contact: wording.and_then(|w| w.contact).and_then(|id| {
            let (id, contact) = bundle.contacts.get_key_value(id)?;
            Some(ContactInfo { id, contact })
        }),
        form: wording.and_then(|w| w.form),
        cites: wording.map_or(&[], |w| w.cites),
        // The action's own reason: why this action is due (never the reason of the edge
        // that happened to lead to its step, which may explain another decision).
        reason: wording.and_then(|w| w.why),
    }
}
