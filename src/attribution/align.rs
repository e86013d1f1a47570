//! Monotone alignment of two texts' sentences (a spun copy keeps its source's order): dynamic
//! programming over (text sentence, source sentence) that takes a pair when it is similar
//! enough and may skip sentences on either side (added furniture, dropped lines). A sentence
//! may also pair with two consecutive ones of the other side (an engine split or merged it):
//! 1:2 and 2:1 steps, taken when the merged pair beats the best single one by [`MERGE_COST`].
//!
//! Similarity is the mean of two Dice coefficients: over content words (function words are
//! shared by any two English sentences) and over word bigrams (phrases a rewording keeps).
//! Written by hand: no crate aligns sentence lists; this is the Gale-Church idea with word
//! overlap in place of lengths. Long texts are aligned in a band around the diagonal, so the
//! cost grows with length × band, not length².

use crate::text::is_function_word;
use std::collections::HashSet;
use std::ops::Range;

/// A pair is taken only at or above this similarity.
pub const MIN_SIMILARITY: f32 = 0.25;
/// What a 1:2 or 2:1 step pays: it must be this much more similar than a 1:1 step would be.
pub const MERGE_COST: f32 = 0.1;
/// Full tables up to this many cells; above it, a band.
const FULL_CELLS: usize = 1 << 20;

struct Profile<'a> {
    content: HashSet<&'a str>,
    bigrams: HashSet<(&'a str, &'a str)>,
}

fn profile<'a>(words: &[&'a str]) -> Profile<'a> {
    Profile {
        content: words.iter().copied().filter(|w| !is_function_word(w)).collect(),
        bigrams: words.windows(2).map(|w| (w[0], w[1])).collect(),
    }
}

fn dice<T: Eq + std::hash::Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f32 / (a.len() + b.len()) as f32
}

fn similarity(a: &Profile, b: &Profile) -> f32 {
    (dice(&a.content, &b.content) + dice(&a.bigrams, &b.bigrams)) / 2.0
}

/// Profiles of each two consecutive sentences taken together.
fn merged<'a>(sentences: &[Vec<&'a str>]) -> Vec<Profile<'a>> {
    sentences.windows(2).map(|w| profile(&[w[0].as_slice(), w[1].as_slice()].concat())).collect()
}

/// The aligned pairs (text sentences, source sentences), in order: one sentence on each side,
/// or one on one side and two on the other.
pub fn align(ours: &[Vec<&str>], theirs: &[Vec<&str>]) -> Vec<(Range<usize>, Range<usize>)> {
    let (n, m) = (ours.len(), theirs.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let a: Vec<Profile> = ours.iter().map(|s| profile(s)).collect();
    let b: Vec<Profile> = theirs.iter().map(|s| profile(s)).collect();
    let (a2, b2) = (merged(ours), merged(theirs));
    // Rows i, columns j in [lo(i), hi(i)): the whole row for small tables, else a band.
    let band = if n * m <= FULL_CELLS { m } else { (FULL_CELLS / n).max(64) };
    let center = |i: usize| i * m / n;
    let lo = |i: usize| if band >= m { 0 } else { center(i).saturating_sub(band / 2) };
    let hi = |i: usize| if band >= m { m } else { (center(i) + band / 2 + 1).min(m) };
    // score[i][j]: best total over the first i text and j source sentences; cells outside the
    // band are unreachable (NEG).
    const NEG: f32 = f32::NEG_INFINITY;
    let width = m + 1;
    let mut score = vec![NEG; (n + 1) * width];
    // 1 pair, 2 skip text, 3 skip source, 4 two text sentences to one, 5 one to two source
    let mut step = vec![0u8; (n + 1) * width];
    score[0..width].iter_mut().for_each(|s| *s = 0.0);
    (1..=m).for_each(|j| step[j] = 3);
    // Single-pair similarities of this row and the one before: a merged step is tried only
    // where one of its sentences alone is at least half-way similar (most cells are not).
    let (mut prev, mut cur) = (vec![0f32; m + 1], vec![0f32; m + 1]);
    for i in 1..=n {
        let (from, to) = (lo(i - 1), hi(i - 1));
        score[i * width] = 0.0;
        step[i * width] = 2;
        std::mem::swap(&mut prev, &mut cur);
        cur.fill(0.0);
        for j in from + 1..=to {
            let here = i * width + j;
            let mut best = (score[(i - 1) * width + j], 2u8);
            if score[here - 1] > best.0 {
                best = (score[here - 1], 3);
            }
            let sim = similarity(&a[i - 1], &b[j - 1]);
            cur[j] = sim;
            if sim >= MIN_SIMILARITY && score[(i - 1) * width + j - 1] + sim > best.0 {
                best = (score[(i - 1) * width + j - 1] + sim, 1);
            }
            // The merged steps score like one pair (less their cost), so they win only where
            // the two sentences together match clearly better than either alone.
            let half = MIN_SIMILARITY / 2.0;
            if i >= 2 && sim.max(prev[j]) >= half {
                let sim = similarity(&a2[i - 2], &b[j - 1]) - MERGE_COST;
                if sim >= MIN_SIMILARITY && score[(i - 2) * width + j - 1] + sim > best.0 {
                    best = (score[(i - 2) * width + j - 1] + sim, 4);
                }
            }
            if j >= 2 && sim.max(cur[j - 1]) >= half {
                let sim = similarity(&a[i - 1], &b2[j - 2]) - MERGE_COST;
                if sim >= MIN_SIMILARITY && score[(i - 1) * width + j - 2] + sim > best.0 {
                    best = (score[(i - 1) * width + j - 2] + sim, 5);
                }
            }
            score[here] = best.0;
            step[here] = best.1;
        }
        // Cells right of the band in this row carry the best so far (skipping source).
        for j in to + 1..=m {
            let here = i * width + j;
            if score[here - 1] > score[here] {
                score[here] = score[here - 1];
                step[here] = 3;
            }
        }
    }
    let (mut i, mut j) =
        (n, (0..=m).max_by(|&x, &y| score[n * width + x].total_cmp(&score[n * width + y])).unwrap_or(m));
    let mut pairs = Vec::new();
    while i > 0 && j > 0 {
        match step[i * width + j] {
            1 => {
                pairs.push((i - 1..i, j - 1..j));
                i -= 1;
                j -= 1;
            }
            4 => {
                pairs.push((i - 2..i, j - 1..j));
                i -= 2;
                j -= 1;
            }
            5 => {
                pairs.push((i - 1..i, j - 2..j));
                i -= 1;
                j -= 2;
            }
            3 => j -= 1,
            _ => i -= 1,
        }
    }
    pairs.reverse();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    #[test]
    fn reworded_sentences_align_in_order_and_added_lines_are_skipped() {
        let source: Vec<Vec<&str>> = [
            "the city council voted on tuesday to extend the night bus service",
            "officials said the pilot carried more passengers than expected",
            "drivers on the night shift receive a supplement for each hour",
        ]
        .iter()
        .map(|s| words(s))
        .collect();
        let spun: Vec<Vec<&str>> = [
            "share this article",
            "the city council has voted on tuesday for extending the service of night bus",
            "the officials said that the pilot transported more passengers than it was expected",
            "the drivers who are working the night receive a supplement for each of the hours",
        ]
        .iter()
        .map(|s| words(s))
        .collect();
        assert_eq!(align(&spun, &source), vec![(1..2, 0..1), (2..3, 1..2), (3..4, 2..3)]);
    }

    #[test]
    fn a_split_sentence_aligns_as_a_whole() {
        let source = vec![
            words("the mayor opened the new bridge on friday and said it would halve the commute for thousands of residents"),
            words("traffic was light in the first hours"),
        ];
        let spun = vec![
            words("the mayor opened the new bridge on friday"),
            words("she said that it would halve the commute for thousands of residents"),
            words("traffic was light during the first hours"),
        ];
        assert_eq!(align(&spun, &source), vec![(0..2, 0..1), (2..3, 1..2)]);
        assert_eq!(align(&source, &spun), vec![(0..1, 0..2), (1..2, 2..3)]);
    }

    #[test]
    fn unrelated_sentences_do_not_align() {
        let a = vec![words("the taliban captured the province after weeks of fighting")];
        let b = vec![words("the weather in the capital stayed mild for the rest of the week")];
        assert!(align(&a, &b).is_empty());
    }
}
