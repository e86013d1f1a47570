//! `word_rarity`: how rare the word is on its own (−log10 of its unigram probability).

use super::{per_word, Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "word_rarity",
    description: "-log10 p(word) without context: how rare the word is",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    per_word(s, out, |w| -w.unigram);
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn negates_the_unigram() {
        let v = with_document(&[("a", -1.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![4.0]);
    }
}
