//! `foreign_shape`: for unknown and rare words, how un-English their spelling is under the
//! character model ([`super::CharShape`]): transliterated words score high, rare English
//! words low. Common words get 0.

use super::{per_word, Compute, Context, Feature, Sentence};

/// Words more common than this (log10 unigram p) are known English.
const RARE: f32 = -5.5;

pub const FEATURE: Feature = Feature {
    name: "foreign_shape",
    description: "for rare or unknown words: -log10 p per character under an English spelling model",
    compute: Compute::Token(compute),
};

fn compute(ctx: &Context, s: &Sentence, out: &mut [f32]) {
    per_word(s, out, |w| {
        let rare = w.id == crate::lm::ngram::UNK || w.unigram < RARE;
        if rare && w.surface.chars().all(char::is_alphabetic) {
            -ctx.shape.score(&w.surface)
        } else {
            0.0
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn common_words_and_untrained_models_give_zero() {
        let v = with_document(&[("the", -1.0), ("xqzt", -7.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![0.0, 0.0]);
    }
}
