//! A character-trigram model of how English words are spelled, trained on the LM vocabulary.
//! It tells an unknown word that looks English (a rare derivation, a typo, an English-looking
//! name) from one that does not (untranslated or transliterated text, "pahatubba").

use crate::lm::LanguageModel;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Vocabulary words rarer than this (log10 unigram p) are left out of training: the tail of a
/// Wikipedia vocabulary is mostly foreign names, the very thing this model should not learn.
const MIN_UNIGRAM_LOG10P: f32 = -6.0;
/// Add-k smoothing.
const K: f32 = 0.1;

/// log10 p(c3 | c1 c2) for trigrams of lower-cased words padded with `^` and `$`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CharShape {
    /// Seen trigrams: conditional log10 probability.
    pub trigrams: BTreeMap<String, f32>,
    /// Seen two-character contexts: log10 probability of an unseen third character.
    pub unseen: BTreeMap<String, f32>,
    /// For a context never seen.
    pub floor: f32,
}

impl CharShape {
    /// Trains on the alphabetic words of `lm`'s vocabulary that are not too rare.
    pub fn train(lm: &LanguageModel) -> Self {
        let mut tri: HashMap<String, f32> = HashMap::new();
        let mut ctx: HashMap<String, f32> = HashMap::new();
        let mut alphabet = std::collections::HashSet::new();
        for id in 3..lm.vocab_size() as u32 {
            let Some(word) = lm.word(id) else { continue };
            if lm.unigram(id).0 < MIN_UNIGRAM_LOG10P || !word.chars().all(char::is_alphabetic) {
                continue;
            }
            for t in trigrams(word) {
                alphabet.insert(t.chars().last().unwrap_or('$'));
                *tri.entry(t.clone()).or_default() += 1.0;
                *ctx.entry(t.chars().take(2).collect()).or_default() += 1.0;
            }
        }
        let v = alphabet.len().max(1) as f32;
        let trigrams = tri
            .into_iter()
            .map(|(t, c)| {
                let n = ctx[&t.chars().take(2).collect::<String>()];
                (t, ((c + K) / (n + K * v)).log10())
            })
            .collect();
        let unseen = ctx.into_iter().map(|(c, n)| (c, (K / (n + K * v)).log10())).collect();
        CharShape { trigrams, unseen, floor: (1.0 / v).log10() - 1.0 }
    }

    /// Mean log10 p per character of `word` (lower-cased); 0 for an untrained model.
    pub fn score(&self, word: &str) -> f32 {
        if self.trigrams.is_empty() {
            return 0.0;
        }
        let mut total = 0.0;
        let mut n = 0;
        for t in trigrams(&word.to_lowercase()) {
            total += match self.trigrams.get(&t) {
                Some(&p) => p,
                None => *self.unseen.get(&t.chars().take(2).collect::<String>()).unwrap_or(&self.floor),
            };
            n += 1;
        }
        if n == 0 {
            0.0
        } else {
            total / n as f32
        }
    }
}

fn trigrams(word: &str) -> Vec<String> {
    let chars: Vec<char> = std::iter::once('^').chain(word.chars()).chain(std::iter::once('$')).collect();
    chars.windows(3).map(|w| w.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_spelling_scores_higher_than_foreign() {
        let mut shape = CharShape { floor: -3.0, ..Default::default() };
        for w in ["the", "there", "then", "other", "weather", "thin"] {
            for t in trigrams(w) {
                *shape.trigrams.entry(t).or_insert(0.0) = -0.5;
            }
        }
        assert!(shape.score("thither") > shape.score("pahatubba"));
        assert_eq!(CharShape::default().score("anything"), 0.0);
    }
}
