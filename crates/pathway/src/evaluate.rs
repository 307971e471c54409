//! Walking a pathway: facts + `today` -> the next question or the finished outcome.
//!
//! [`evaluate`] is a pure function. The same walker ([`advance`]) drives verification, which
//! branches where evaluation would stop to ask.

use std::borrow::Cow;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::bundle::{Bundle, FactDecl, PathwayId, StepKind};
use crate::date::Date;
use crate::model::{ActionDef, ChoiceOption, Contact, FactType, Form};
use crate::rule::{self, Missing, Scope};
use crate::value::{Facts, Value};

/// How to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The date ages are computed on. Never read from a clock inside the library.
    pub today: Date,
    /// Use each fact's declared `default` when the facts omit it (batch `decide`), instead
    /// of stopping to ask.
    pub use_defaults: bool,
}

impl Config {
    /// Evaluation on `today`, asking for every missing fact.
    pub fn new(today: Date) -> Self {
        Self {
            today,
            use_defaults: false,
        }
    }
}

/// The result of walking as far as the facts allow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Where the walk stopped.
    pub state: State,
    /// Every step passed, with the answer read and the reason for the edge taken.
    pub trail: Vec<Visit>,
    /// Facts given that the walk never read.
    pub unused: Vec<String>,
    /// Facts the walk took from their declared default.
    pub defaulted: Vec<String>,
}

/// Where a walk stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum State {
    /// A fact is needed to go on.
    NeedsAnswer(Question),
    /// The walk reached an outcome.
    Finished(Outcome),
    /// The pathway has no route for these answers. A verified pathway never does this;
    /// it is reported rather than guessed.
    Blocked {
        /// The step the walk stopped at.
        step: String,
        /// Why.
        message: String,
    },
}

/// A question to put to the worker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// The pathway it belongs to.
    pub pathway: String,
    /// The step that asks it.
    pub step: String,
    /// The fact it sets.
    pub fact: String,
    /// The question text.
    pub text: String,
    /// Help text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Guidance shown with the question at this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What kind of answer it takes.
    pub answer: AnswerKind,
    /// How many questions were answered before this one on the path.
    pub answered: usize,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerKind {
    /// Yes or no.
    Bool {
        /// Label of `true`.
        yes: String,
        /// Label of `false`.
        no: String,
    },
    /// One of the options.
    Choice {
        /// The options in display order.
        options: Vec<ChoiceOption>,
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
pub struct Visit {
    /// Pathway id.
    pub pathway: String,
    /// Step id.
    pub step: String,
    /// Index (from 0) of the edge taken out of the step; none at outcomes and hand-overs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edge: Option<usize>,
    /// The fact read at a question step, and its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// The rule of the edge taken out of this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Why that edge was taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Sources for the edge taken.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
}

/// A fact and the value a walk read for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// Fact id.
    pub fact: String,
    /// The value.
    pub value: Value,
}

/// A finished walk: what the worker must do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Pathway the walk ended in.
    pub pathway: String,
    /// The outcome step.
    pub step: String,
    /// Headline.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Actions, urgent first, then in the order the path added them.
    pub actions: Vec<Action>,
    /// What happens next.
    pub next_steps: Vec<String>,
    /// Sources for the summary and next steps.
    pub cites: Vec<String>,
}

impl Outcome {
    /// The action codes in order.
    pub fn codes(&self) -> Vec<&str> {
        self.actions.iter().map(|a| a.code.as_str()).collect()
    }
}

/// One action of an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// Action code (vocabulary v1 or the pathway's own).
    pub code: String,
    /// Imperative title.
    pub title: String,
    /// What to do.
    pub instructions: String,
    /// Case-specific detail (e.g. the exact 18th birthday).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Whether it is urgent.
    pub urgent: bool,
    /// Whom to contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactInfo>,
    /// Which form to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
    /// Sources.
    pub cites: Vec<String>,
    /// The reason of the edge that led to the step that added the action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A contact with its directory id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactInfo {
    /// Directory id.
    pub id: String,
    /// The details.
    #[serde(flatten)]
    pub contact: Contact,
}

/// Evaluates the facts on a pathway: the next question, or the finished outcome.
///
/// Total: any facts give an answer. Facts that are not valid for their declaration are
/// treated as not known (validate them first with [`Bundle::parse_facts`]).
pub fn evaluate(bundle: &Bundle, pathway: PathwayId, facts: &Facts, config: &Config) -> Evaluation {
    let mut walk = Walk::new(bundle, pathway.0);
    let stop = advance(bundle, facts, config, &mut walk);
    let trail = trail(bundle, facts, config, &walk);
    let asked: Vec<&str> = walk.asked(bundle).collect();
    let unused = facts
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !asked.contains(k))
        .map(str::to_owned)
        .collect();
    let defaulted = asked
        .iter()
        .filter(|f| config.use_defaults && !facts.contains(f))
        .map(|f| (*f).to_owned())
        .collect();
    let (p, node) = walk.at;
    let step_id = bundle.pathways[p].graph[node].id.clone();
    let state = match stop {
        Stop::Ask(fact) => State::NeedsAnswer(question(bundle, &walk, fact)),
        Stop::Done => State::Finished(outcome(bundle, facts, config, &walk)),
        Stop::Missing(fact) => State::NeedsAnswer(question(bundle, &walk, &fact)),
        Stop::NoEdge => State::Blocked {
            step: step_id,
            message: "no route out of this step matches the answers; seek advice from the \
                      Modern Slavery Helpline and your safeguarding lead"
                .into(),
        },
    };
    Evaluation {
        state,
        trail,
        unused,
        defaulted,
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
    let stop = advance(bundle, facts, config, &mut walk);
    let codes = collect_actions(bundle, &walk)
        .into_iter()
        .map(|(_, code, _)| code)
        .collect();
    let (status, next_fact) = match stop {
        Stop::Done => (Status::Finished, None),
        Stop::Ask(fact) => (Status::NeedsAnswer, Some(fact)),
        // The fact a rule missed, named as the declaration spells it (so borrowed).
        Stop::Missing(fact) => (
            Status::NeedsAnswer,
            bundle.facts.get_key_value(&fact).map(|(k, _)| k.as_str()),
        ),
        Stop::NoEdge => (Status::Blocked, None),
    };
    Decision {
        status,
        codes,
        next_fact,
    }
}

/// A walk in progress: the current step and the steps passed, with the edge taken.
#[derive(Debug, Clone)]
pub(crate) struct Walk {
    pub(crate) at: (usize, NodeIndex),
    pub(crate) visits: Vec<Step>,
}

/// One step passed: pathway, node, and the edge taken out of it (none at an outcome or
/// hand-over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    pub(crate) pathway: usize,
    pub(crate) node: NodeIndex,
    pub(crate) edge: Option<usize>,
}

/// Why [`advance`] stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop<'b> {
    /// The question step at `walk.at` asks a fact that is not known.
    Ask(&'b str),
    /// The outcome step at `walk.at` was reached (and pushed on the visits).
    Done,
    /// A rule at `walk.at` read a fact that is not known.
    Missing(String),
    /// No edge of the step at `walk.at` holds.
    NoEdge,
}

impl Walk {
    pub(crate) fn new(bundle: &Bundle, pathway: usize) -> Self {
        Self {
            at: (pathway, bundle.pathways[pathway].start),
            visits: Vec::new(),
        }
    }

    /// Facts read at question steps, in order.
    pub(crate) fn asked<'b>(&'b self, bundle: &'b Bundle) -> impl Iterator<Item = &'b str> + 'b {
        self.visits.iter().filter_map(move |v| {
            match &bundle.pathways[v.pathway].graph[v.node].kind {
                StepKind::Question { fact, .. } => Some(fact.as_str()),
                _ => None,
            }
        })
    }
}

/// What rules read during a walk: the facts, defaults if allowed, and derived facts of the
/// pathway the walk is in.
pub(crate) struct FactScope<'a> {
    pub(crate) bundle: &'a Bundle,
    pub(crate) pathway: usize,
    pub(crate) facts: &'a Facts,
    pub(crate) config: &'a Config,
}

impl<'a> FactScope<'a> {
    /// The answer given for a fact, or its default when defaults are allowed.
    fn known(&self, id: &str) -> Option<&'a Value> {
        if let Some(v) = self.facts.get(id) {
            return Some(v);
        }
        if self.config.use_defaults {
            return self.bundle.facts.get(id).and_then(|d| d.default.as_ref());
        }
        None
    }
}

impl Scope for FactScope<'_> {
    fn fact(&self, id: &str) -> Result<Cow<'_, Value>, Missing> {
        if let Some(derived) = self.bundle.pathways[self.pathway].derived.get(id) {
            return rule::eval(&derived.rule, self).map(|b| Cow::Owned(Value::Bool(b)));
        }
        self.known(id)
            .map(Cow::Borrowed)
            .ok_or_else(|| Missing(id.to_owned()))
    }

    fn today(&self) -> Date {
        self.config.today
    }
}

/// Walks from `walk.at` until a question needs an answer or an outcome is reached.
pub(crate) fn advance<'b>(
    bundle: &'b Bundle,
    facts: &Facts,
    config: &Config,
    walk: &mut Walk,
) -> Stop<'b> {
    // A compiled set is acyclic, so a walk is never longer than the set has steps.
    let limit: usize = bundle.pathways.iter().map(|p| p.graph.node_count()).sum();
    loop {
        if walk.visits.len() > limit {
            return Stop::NoEdge;
        }
        let (p, node) = walk.at;
        let step = &bundle.pathways[p].graph[node];
        let scope = FactScope {
            bundle,
            pathway: p,
            facts,
            config,
        };
        match &step.kind {
            StepKind::Question { fact, .. } if scope.known(fact).is_none() => {
                return Stop::Ask(fact);
            }
            StepKind::Question { .. } | StepKind::Action { .. } => {}
            StepKind::Outcome { .. } => {
                walk.visits.push(Step {
                    pathway: p,
                    node,
                    edge: None,
                });
                return Stop::Done;
            }
            StepKind::Handover { pathway, step, .. } => {
                walk.visits.push(Step {
                    pathway: p,
                    node,
                    edge: None,
                });
                walk.at = (*pathway, *step);
                continue;
            }
        }
        let mut taken = None;
        for (i, edge) in step.edges.iter().enumerate() {
            let holds = match &edge.when {
                None => true,
                Some(rule) => match rule::eval(rule, &scope) {
                    Ok(b) => b,
                    Err(Missing(fact)) => return Stop::Missing(fact),
                },
            };
            if holds {
                taken = Some(i);
                break;
            }
        }
        let Some(i) = taken else { return Stop::NoEdge };
        walk.visits.push(Step {
            pathway: p,
            node,
            edge: Some(i),
        });
        walk.at = (p, step.edges[i].to);
    }
}

fn question(bundle: &Bundle, walk: &Walk, fact: &str) -> Question {
    let (p, node) = walk.at;
    let pathway = &bundle.pathways[p];
    let step = &pathway.graph[node];
    let note = match &step.kind {
        StepKind::Question { fact: f, note } if f == fact => note.clone(),
        _ => None,
    };
    let decl = bundle.facts.get(fact);
    Question {
        pathway: pathway.meta.id.clone(),
        step: step.id.clone(),
        fact: fact.to_owned(),
        text: decl
            .map(|d| d.question.clone())
            .unwrap_or_else(|| format!("What is `{fact}`?")),
        help: decl.and_then(|d| d.help.clone()),
        note,
        answer: decl.map_or(
            AnswerKind::Bool {
                yes: "Yes".into(),
                no: "No".into(),
            },
            answer_kind,
        ),
        answered: walk.asked(bundle).count(),
    }
}

fn answer_kind(decl: &FactDecl) -> AnswerKind {
    match decl.ty {
        FactType::Bool => {
            let (yes, no) = decl
                .labels
                .as_ref()
                .map_or(("Yes".into(), "No".into()), |l| {
                    (l.yes.clone(), l.no.clone())
                });
            AnswerKind::Bool { yes, no }
        }
        FactType::Choice => AnswerKind::Choice {
            options: decl.options.clone(),
        },
        FactType::Integer => AnswerKind::Integer {
            min: decl.min.unwrap_or(i64::MIN),
            max: decl.max.unwrap_or(i64::MAX),
        },
        FactType::Date => AnswerKind::Date,
    }
}

fn trail(bundle: &Bundle, facts: &Facts, config: &Config, walk: &Walk) -> Vec<Visit> {
    walk.visits
        .iter()
        .map(|v| {
            let pathway = &bundle.pathways[v.pathway];
            let step = &pathway.graph[v.node];
            let scope = FactScope {
                bundle,
                pathway: v.pathway,
                facts,
                config,
            };
            let answer = match &step.kind {
                StepKind::Question { fact, .. } => scope.known(fact).map(|value| Answer {
                    fact: fact.clone(),
                    value: value.clone(),
                }),
                _ => None,
            };
            let edge = v.edge.map(|i| &step.edges[i]);
            let (rule, reason, cites) = match (&step.kind, edge) {
                (_, Some(e)) => (e.when_src.clone(), e.because.clone(), e.cites.clone()),
                (StepKind::Handover { because, cites, .. }, None) => {
                    (None, Some(because.clone()), cites.clone())
                }
                _ => (None, None, Vec::new()),
            };
            Visit {
                pathway: pathway.meta.id.clone(),
                step: step.id.clone(),
                edge: v.edge,
                answer,
                rule,
                reason,
                cites,
            }
        })
        .collect()
}

/// The actions a finished walk collected, deduplicated (first kept) and urgent first.
pub(crate) fn collect_actions<'b>(bundle: &'b Bundle, walk: &Walk) -> Vec<(usize, &'b str, usize)> {
    let mut out: Vec<(usize, &str, usize)> = Vec::new();
    for (k, v) in walk.visits.iter().enumerate() {
        let codes = match &bundle.pathways[v.pathway].graph[v.node].kind {
            StepKind::Action { actions, .. } | StepKind::Outcome { actions, .. } => actions,
            _ => continue,
        };
        for code in codes {
            if !out.iter().any(|(_, c, _)| c == code) {
                out.push((v.pathway, code, k));
            }
        }
    }
    let urgent = |(p, code, _): &(usize, &str, usize)| {
        bundle.pathways[*p]
            .actions
            .get(*code)
            .is_some_and(|a| a.urgent)
    };
    let (mut first, rest): (Vec<_>, Vec<_>) = out.into_iter().partition(urgent);
    first.extend(rest);
    first
}

fn outcome(bundle: &Bundle, facts: &Facts, config: &Config, walk: &Walk) -> Outcome {
    let (p, node) = walk.at;
    let pathway = &bundle.pathways[p];
    let step = &pathway.graph[node];
    let (title, summary, next_steps, cites) = match &step.kind {
        StepKind::Outcome {
            title,
            summary,
            next_steps,
            cites,
            ..
        } => (
            title.clone(),
            summary.clone(),
            next_steps.clone(),
            cites.clone(),
        ),
        _ => Default::default(),
    };
    let mut with_defaults = facts.clone();
    if config.use_defaults {
        for f in walk.asked(bundle) {
            if let (false, Some(d)) = (
                facts.contains(f),
                bundle.facts.get(f).and_then(|d| d.default.clone()),
            ) {
                with_defaults.insert(f, d);
            }
        }
    }
    let actions = collect_actions(bundle, walk)
        .into_iter()
        .map(|(ap, code, k)| {
            let def = bundle.pathways[ap].actions.get(code);
            action(bundle, code, def, walk, k, &with_defaults, config.today)
        })
        .collect();
    Outcome {
        pathway: pathway.meta.id.clone(),
        step: step.id.clone(),
        title,
        summary,
        actions,
        next_steps,
        cites,
    }
}

fn action(
    bundle: &Bundle,
    code: &str,
    def: Option<&ActionDef>,
    walk: &Walk,
    k: usize,
    facts: &Facts,
    today: Date,
) -> Action {
    let visit = walk.visits[k];
    let detail = match &bundle.pathways[visit.pathway].graph[visit.node].kind {
        StepKind::Action {
            detail: Some(t), ..
        } => Some(t.render(facts, today)),
        _ => None,
    };
    // The reason of the edge that led into the action's step (none after a hand-over or an
    // edge without a `because`): reasons of earlier, unrelated decisions would mislead.
    let reason = k.checked_sub(1).and_then(|j| {
        let v = walk.visits[j];
        let step = &bundle.pathways[v.pathway].graph[v.node];
        step.edges.get(v.edge?)?.because.clone()
    });
    Action {
        code: code.to_owned(),
        title: def.map(|d| d.title.clone()).unwrap_or_default(),
        instructions: def.map(|d| d.instructions.clone()).unwrap_or_default(),
        detail,
        urgent: def.is_some_and(|d| d.urgent),
        contact: def.and_then(|d| d.contact.as_ref()).and_then(|id| {
            bundle.contacts.get(id).map(|c| ContactInfo {
                id: id.clone(),
                contact: c.clone(),
            })
        }),
        form: def.and_then(|d| d.form.clone()),
        cites: def.map(|d| d.cites.clone()).unwrap_or_default(),
        reason,
    }
}

/// Rebuilds the walk behind a trail (for trails made by this set).
pub(crate) fn walk_of_trail(bundle: &Bundle, trail: &[Visit]) -> Walk {
    let visits = trail
        .iter()
        .filter_map(|v| {
            let p = bundle
                .pathways
                .iter()
                .position(|p| p.meta.id == v.pathway)?;
            let node = *bundle.pathways[p].index.get(&v.step)?;
            Some(Step {
                pathway: p,
                node,
                edge: v.edge,
            })
        })
        .collect::<Vec<_>>();
    let at = visits
        .last()
        .map_or((0, bundle.pathways[0].start), |v| (v.pathway, v.node));
    Walk { at, visits }
}

/// The action codes a trail collected, urgent first.
pub(crate) fn codes_on_trail(bundle: &Bundle, trail: &[Visit]) -> Vec<String> {
    let walk = walk_of_trail(bundle, trail);
    collect_actions(bundle, &walk)
        .into_iter()
        .map(|(_, c, _)| c.to_owned())
        .collect()
}

/// The facts asked by question steps reachable from a step (itself included), across
/// hand-overs.
pub(crate) fn questions_ahead(
    bundle: &Bundle,
    pathway: &str,
    step: &str,
) -> std::collections::BTreeSet<String> {
    let mut facts = std::collections::BTreeSet::new();
    let Some(p) = bundle.pathways.iter().position(|x| x.meta.id == pathway) else {
        return facts;
    };
    let Some(&start) = bundle.pathways[p].index.get(step) else {
        return facts;
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![(p, start)];
    while let Some((p, node)) = stack.pop() {
        if !seen.insert((p, node.index())) {
            continue;
        }
        let s = &bundle.pathways[p].graph[node];
        match &s.kind {
            StepKind::Question { fact, .. } => {
                facts.insert(fact.clone());
            }
            StepKind::Handover { pathway, step, .. } => stack.push((*pathway, *step)),
            _ => {}
        }
        stack.extend(s.edges.iter().map(|e| (p, e.to)));
    }
    facts
}
