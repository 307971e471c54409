//! "Did you mean …?": the nearest name by edit distance, for typing mistakes.

/// The candidate nearest to `word`, if it is close enough to be a typing mistake: at most
/// one edit per three letters (at least one), ignoring case, with a swap of two neighbouring
/// letters counted as one edit.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    let allowed = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&word, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= allowed)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Edit distance (optimal string alignment): insertions, deletions, substitutions and swaps
/// of neighbouring characters.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // Three rows of the table: two back (for swaps), the previous one and the current one.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut prev, row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: [&str; 4] = ["immediate_danger", "age", "age_basis", "date_of_birth"];

    #[test]
    fn distances() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("danger", "dagner"), 1);
        assert_eq!(distance("age", "age"), 0);
    }

    #[test]
    fn typing_mistakes_find_the_fact_and_other_words_find_nothing() {
        for typo in [
            "immediate_dagner",
            "immediate danger",
            "Immediate_Danger",
            "imediate_danger",
            "immediate_dangers",
        ] {
            assert_eq!(nearest(typo, FACTS), Some("immediate_danger"), "{typo}");
        }
        assert_eq!(nearest("ag", FACTS), Some("age"));
        assert_eq!(nearest("dob", FACTS), None);
        assert_eq!(nearest("name", FACTS), None);
        assert_eq!(nearest("shoe_size", FACTS), None);
    }
}
