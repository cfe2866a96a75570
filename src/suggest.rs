//! "Did you mean": the closest known word by edit distance.

/// The candidate closest to `word` (case-insensitively), if it is close enough to be a likely typo.
///
/// Ties go to the shorter candidate, then to the earlier one. Each candidate costs at most a
/// few rows of the edit-distance table: a candidate whose length alone puts it out of reach is
/// skipped, and a row that is all past the bound ends the comparison (see [`distance_within`]).
/// The answer is the same as comparing every candidate in full.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // A typo of a name is short; a long word is no typo, and edit distance is quadratic.
    if word.len() > 128 {
        return None;
    }
    let word: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    let limit = (word.len() / 3).clamp(1, 3);
    let mut scratch = Scratch::default();
    // (distance, length in bytes, candidate): the first of the least, as `min_by_key` keeps.
    let mut best: Option<(usize, usize, &str)> = None;
    for candidate in candidates {
        // A candidate farther than the best so far cannot win: bound the comparison by it.
        let bound = best.map_or(limit, |(d, _, _)| d);
        let Some(d) = distance_within(&word, candidate, bound, &mut scratch) else {
            continue;
        };
        if best.is_none_or(|(best_d, best_len, _)| (d, candidate.len()) < (best_d, best_len)) {
            best = Some((d, candidate.len(), candidate));
        }
    }
    best.map(|(_, _, c)| c)
}

/// Buffers reused from one candidate to the next.
#[derive(Default)]
struct Scratch {
    candidate: Vec<char>,
    row: Vec<usize>,
}

/// The edit distance between `word` (already lowercased) and `candidate` (compared
/// lowercased), if it is at most `bound`.
///
/// Only the band of the table within `bound` of its diagonal is computed, each cell capped at
/// `bound + 1`: a cell off the band is at least its distance from the diagonal, so it can only
/// matter as "too far", and the capped table holds `min(distance, bound + 1)` in every cell.
/// And the least cell of a row never decreases from one row to the next, so a row all past
/// `bound` ends the comparison. The answer is [`levenshtein`]'s whenever that is within `bound`.
fn distance_within(word: &[char], candidate: &str, bound: usize, scratch: &mut Scratch) -> Option<usize> {
    // The distance is at least the difference of the lengths: most candidates stop here.
    if word.len().abs_diff(candidate.chars().count()) > bound {
        return None;
    }
    let chars = &mut scratch.candidate;
    chars.clear();
    chars.extend(candidate.chars().map(|c| c.to_ascii_lowercase()));
    if word.is_empty() || chars.is_empty() {
        return Some(word.len().max(chars.len()));
    }
    let far = bound + 1;
    let row = &mut scratch.row;
    row.clear();
    row.extend((0..=chars.len()).map(|j| j.min(far)));
    for (i, &ca) in (1usize..).zip(word) {
        // The band of row `i`: columns `i - bound ..= i + bound`, within the table.
        let first = i.saturating_sub(bound).max(1);
        let last = (i + bound).min(chars.len());
        // Row `i - 1`'s cell left of the band, then row `i`'s (off the band unless column 0).
        let mut diagonal = row.get(first - 1).copied().unwrap_or(far);
        let left_of_band = if first == 1 { i.min(far) } else { far };
        if let Some(cell) = row.get_mut(first - 1) {
            *cell = left_of_band;
        }
        let mut left = left_of_band;
        let mut least = left_of_band;
        for j in first..=last {
            let cb = chars.get(j - 1).copied().unwrap_or_default();
            // Row `i - 1`'s cell above; past its band it was never written and is `far`.
            let above = row.get(j).copied().unwrap_or(far);
            let value = (diagonal + usize::from(ca != cb)).min(above + 1).min(left + 1).min(far);
            diagonal = above;
            left = value;
            least = least.min(value);
            if let Some(cell) = row.get_mut(j) {
                *cell = value;
            }
        }
        if least > bound {
            return None;
        }
    }
    row.last().copied().filter(|&d| d <= bound)
}

/// Edit distance in characters, with one row of memory.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let value = (diagonal + usize::from(ca != cb)).min(above + 1).min(left + 1);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(did_you_mean("Actions", ["Action", "Resource"]), Some("Action"));
        assert_eq!(did_you_mean("effect", ["Effect"]), Some("Effect"));
        assert_eq!(did_you_mean("Banana", ["Action", "Resource"]), None);
        assert_eq!(did_you_mean(&"Action".repeat(10_000), ["Action"]), None);
    }

    /// What `did_you_mean` answered before it was made fast: every candidate compared in full.
    fn did_you_mean_in_full<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        if word.len() > 128 {
            return None;
        }
        let lower = word.to_ascii_lowercase();
        let limit = (word.chars().count() / 3).clamp(1, 3);
        candidates
            .iter()
            .map(|c| (levenshtein(&lower, &c.to_ascii_lowercase()), *c))
            .filter(|&(d, _)| d <= limit)
            .min_by_key(|&(d, c)| (d, c.len()))
            .map(|(_, c)| c)
    }

    #[test]
    fn the_kvstore_catalogue_typos_get_the_same_suggestion_as_before() {
        let catalog = crate::catalog::Catalog::shared();
        let known: Vec<&str> = catalog
            .actions("kvstore")
            .unwrap_or_default()
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let typos = [
            "DeleteInstances",
            "deleteinstance",
            "DeleteInstanc",
            "DelteInstance",
            "DescribeInstancez",
            "ModifyInstanceAtribute",
            "CreateInstanse",
            "FlushInstanceX",
            "RestartInstanc",
            "DescribeBackups2",
            "TagResource",
            "Describe",
            "X",
            "",
            "DeleteInstance\u{e9}",
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}",
        ];
        for typo in typos {
            assert_eq!(
                did_you_mean(typo, known.iter().copied()),
                did_you_mean_in_full(typo, &known),
                "{typo}"
            );
        }
        assert_eq!(
            did_you_mean("DeleteInstances", known.iter().copied()),
            Some("DeleteInstance")
        );
    }

    proptest::proptest! {
        /// Bounding the comparisons changes no answer: words over a small alphabet, so that
        /// many candidates are near and ties are common; `é` for characters past ASCII.
        #[test]
        fn the_bounded_search_answers_as_the_full_one(
            word in "[abAB\u{e9}]{0,10}",
            candidates in proptest::collection::vec("[abAB\u{e9}]{0,10}", 0..24),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                did_you_mean(&word, candidates.iter().copied()),
                did_you_mean_in_full(&word, &candidates)
            );
        }
    }
}
