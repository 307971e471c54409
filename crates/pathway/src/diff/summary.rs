//! The summary of a diff, action by action and question by question: how many classes of
//! answers now get an action they did not get, no longer get one, or get it earlier or
//! later among the actions both versions give; and which questions are newly asked or no
//! longer asked. Each count comes with the answers that most set those classes apart, in
//! words.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bundle::Bundle;
use crate::date::Date;
use crate::review::{action_title, answer};
use crate::routes::{End, Route};

/// How many answers are given to say which classes a count stands for.
const WHEN: usize = 3;

/// How one action moved, over the classes of answers both versions take.
#[derive(Debug, Clone, Serialize)]
pub struct ActionShift {
    /// The action code.
    pub code: String,
    /// Its title (in the newer version, or the older one when it was removed).
    pub title: String,
    /// Classes that now get it and did not before.
    pub gained: usize,
    /// The answers that most set those classes apart, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gained_when: Vec<String>,
    /// Classes that got it before and no longer do.
    pub lost: usize,
    /// The answers that most set those classes apart, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost_when: Vec<String>,
    /// Classes that get it in both versions, earlier among the actions both give.
    pub earlier: usize,
    /// Classes that get it in both versions, later among the actions both give.
    pub later: usize,
}

/// How one question moved, over the classes of answers both versions take.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionShift {
    /// The fact.
    pub fact: String,
    /// The question.
    pub question: String,
    /// Classes now asked it that were not asked it before.
    pub newly_asked: usize,
    /// Classes asked it before that are no longer asked it.
    pub no_longer_asked: usize,
    /// The answers that most set apart the classes no longer asked it, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub no_longer_asked_when: Vec<String>,
}

/// The summary of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Classes of answers both versions take (the counts below are out of these).
    pub compared: usize,
    /// Each action any class gains, loses or gets in another place, most classes first.
    pub actions: Vec<ActionShift>,
    /// Each question newly asked or no longer asked by any class, most classes first.
    pub questions: Vec<QuestionShift>,
}

/// An answer to a question, as the walk gave it.
type Answer<'r> = (&'r str, &'r serde_json::Value);

struct Context<'a, 'r> {
    bundles: [&'a Bundle; 2],
    today: Date,
    /// Every answer given, once.
    answers: Vec<Answer<'r>>,
    /// Each compared class's answers (indices into `answers`).
    classes: Vec<Vec<usize>>,
    /// How many compared classes give each answer.
    all: Vec<usize>,
}

impl<'a, 'r> Context<'a, 'r> {
    fn new(bundles: [&'a Bundle; 2], today: Date, records: &[&'r Route]) -> Self {
        let mut index: BTreeMap<(&str, String), usize> = BTreeMap::new();
        let mut answers = Vec::new();
        let classes: Vec<Vec<usize>> = records
            .iter()
            .map(|r| {
                r.answers
                    .iter()
                    .map(|(f, v)| {
                        *index.entry((f.as_str(), v.to_string())).or_insert_with(|| {
                            answers.push((f.as_str(), v));
                            answers.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let mut all = vec![0; answers.len()];
        for c in &classes {
            for &a in c {
                all[a] += 1;
            }
        }
        Context {
            bundles,
            today,
            answers,
            classes,
            all,
        }
    }

    /// The answers that most set a group of classes (indices into the compared classes)
    /// apart from the others, but answers to `skip`: each given by at least half of the
    /// group and at least a fifth more often than over all classes, the likeliest to mean
    /// the group first (the share of the classes with that answer that are in the group),
    /// one answer per question.
    fn when(&self, group: &[usize], skip: Option<&str>) -> Vec<String> {
        let (n, compared) = (group.len(), self.classes.len());
        if n == 0 || n == compared {
            return Vec::new();
        }
        let mut counts = vec![0usize; self.answers.len()];
        for &c in group {
            for &a in &self.classes[c] {
                counts[a] += 1;
            }
        }
        let mut found: Vec<(f64, usize, usize)> = counts
            .iter()
            .enumerate()
            .filter(|&(a, &g)| {
                let total = self.all[a];
                // g/n >= 1.2 * total/compared, in whole numbers.
                2 * g >= n && 5 * g * compared >= 6 * total * n && Some(self.answers[a].0) != skip
            })
            .map(|(a, &g)| (g as f64 / self.all[a] as f64, g, a))
            .collect();
        found.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then(x.2.cmp(&y.2)));
        let mut facts: Vec<&str> = Vec::new();
        found
            .into_iter()
            .filter(|&(_, _, a)| {
                let f = self.answers[a].0;
                let new = !facts.contains(&f);
                facts.push(f);
                new
            })
            .take(WHEN)
            .map(|(_, g, a)| {
                let (f, v) = self.answers[a];
                let question = self
                    .bundles
                    .iter()
                    .rev()
                    .find_map(|b| b.fact(f))
                    .map_or_else(|| f.to_owned(), |d| d.question.clone());
                format!(
                    "{question}: {} ({} of them; they are {} of the classes with this answer)",
                    answer(&self.bundles, self.today, f, v),
                    percent(g, n),
                    percent(g, self.all[a]),
                )
            })
            .collect()
    }
}

/// `part` of `whole` as a percentage, never "100%" or "0%" for a part short of the whole or
/// above nothing.
pub(crate) fn percent(part: usize, whole: usize) -> String {
    let p = match part * 100 / whole.max(1) {
        _ if part >= whole => 100,
        _ if part == 0 => 0,
        p => p.clamp(1, 99),
    };
    format!("{p}%")
}

/// The summary of the routes, from the ends at `old` and `new` of each.
pub(crate) fn summarise(
    routes: &[Route],
    (old, new): (usize, usize),
    bundles: [&Bundle; 2],
    today: Date,
) -> Summary {
    let compared: Vec<(&Route, &End, &End)> = routes
        .iter()
        .filter_map(|r| Some((r, r.ends.get(old)?.as_ref()?, r.ends.get(new)?.as_ref()?)))
        .collect();
    let records: Vec<&Route> = compared.iter().map(|c| c.0).collect();
    let cx = Context::new(bundles, today, &records);
    // Per action: the classes gaining and losing it, and how many move.
    #[derive(Default)]
    struct Moves {
        gained: Vec<usize>,
        lost: Vec<usize>,
        earlier: usize,
        later: usize,
    }
    let mut actions: BTreeMap<&str, Moves> = BTreeMap::new();
    let mut asked: BTreeMap<&str, (usize, Vec<usize>)> = BTreeMap::new();
    for (r, &(_, o, n)) in compared.iter().enumerate() {
        for c in n.codes.iter().filter(|c| !o.codes.contains(c)) {
            actions.entry(c).or_default().gained.push(r);
        }
        for c in o.codes.iter().filter(|c| !n.codes.contains(c)) {
            actions.entry(c).or_default().lost.push(r);
        }
        let kept_old: Vec<&String> = o.codes.iter().filter(|c| n.codes.contains(c)).collect();
        let kept_new: Vec<&String> = n.codes.iter().filter(|c| o.codes.contains(c)).collect();
        for (i, c) in kept_old.iter().enumerate() {
            let j = kept_new.iter().position(|k| k == c).unwrap_or(i);
            let m = actions.entry(c.as_str()).or_default();
            if j < i {
                m.earlier += 1;
            } else if j > i {
                m.later += 1;
            }
        }
        for f in n.asked.iter().filter(|f| !o.asked.contains(f)) {
            asked.entry(f).or_default().0 += 1;
        }
        for f in o.asked.iter().filter(|f| !n.asked.contains(f)) {
            asked.entry(f).or_default().1.push(r);
        }
    }
    let mut actions: Vec<ActionShift> = actions
        .into_iter()
        .filter(|(_, m)| !m.gained.is_empty() || !m.lost.is_empty() || m.earlier + m.later > 0)
        .map(|(code, m)| {
            let title = if m.gained.is_empty() && !m.lost.is_empty() {
                action_title(bundles[0], code)
            } else {
                action_title(bundles[1], code)
            };
            ActionShift {
                code: code.to_owned(),
                title,
                gained: m.gained.len(),
                gained_when: cx.when(&m.gained, None),
                lost: m.lost.len(),
                lost_when: cx.when(&m.lost, None),
                earlier: m.earlier,
                later: m.later,
            }
        })
        .collect();
    actions.sort_by_key(|a| std::cmp::Reverse(a.gained + a.lost + a.earlier + a.later));
    let mut questions: Vec<QuestionShift> = asked
        .into_iter()
        .map(|(fact, (newly, dropped))| QuestionShift {
            fact: fact.to_owned(),
            question: bundles
                .iter()
                .rev()
                .find_map(|b| b.fact(fact))
                .map_or_else(|| fact.to_owned(), |d| d.question.clone()),
            newly_asked: newly,
            no_longer_asked: dropped.len(),
            no_longer_asked_when: cx.when(&dropped, Some(fact)),
        })
        .collect();
    questions.sort_by_key(|q| std::cmp::Reverse(q.newly_asked + q.no_longer_asked));
    Summary {
        compared: compared.len(),
        actions,
        questions,
    }
}
