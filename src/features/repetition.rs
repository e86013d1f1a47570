//! `repetition`: the token continues a loop ("going on going on going on"): the same word, or
//! the same two-word sequence, within the last few tokens.

use super::{Compute, Context, Feature, Sentence};

/// How far back a repeat counts.
const WINDOW: usize = 6;

pub const FEATURE: Feature = Feature {
    name: "repetition",
    description: "the word, its stem, or the bigram ending in it already occurred within the last six tokens",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    let keys: Vec<&str> = s.tokens.iter().map(|w| w.key.as_ref()).collect();
    for i in 0..keys.len() {
        if !s.tokens[i].is_word() {
            continue;
        }
        let lo = i.saturating_sub(WINDOW);
        // The same word, or the same stem ("grow as it grows"): a shared prefix of five letters,
        // or of four for short words.
        let stem = |k: &str| k.chars().take(if k.chars().count() >= 6 { 5 } else { 4 }).collect::<String>();
        let mine = stem(keys[i]);
        let word = (lo..i).any(|j| {
            keys[j] == keys[i] || keys[i].chars().count() >= 4 && s.tokens[j].is_word() && stem(keys[j]) == mine
        });
        let bigram = i >= 1 && (lo.max(1)..i).any(|j| keys[j - 1] == keys[i - 1] && keys[j] == keys[i]);
        out[i] = f32::from(word) + f32::from(bigram);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn marks_loops() {
        let words = [("going", -1.0), ("on", -1.0), ("going", -1.0), ("on", -1.0), ("now", -1.0)];
        let v = with_document(&words, |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![0.0, 0.0, 1.0, 2.0, 0.0]);
    }

    #[test]
    fn marks_a_repeated_stem() {
        let words = [("grow", -1.0), ("as", -1.0), ("it", -1.0), ("grows", -1.0)];
        let v = with_document(&words, |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![0.0, 0.0, 0.0, 1.0]);
    }
}
