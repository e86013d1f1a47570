//! `function_word_share`: the share of words that are function words. MT drops or doubles
//! articles and prepositions; a translated list of nouns has almost none.

use super::{Compute, Context, Feature, Sentence};
use crate::text::is_function_word;

pub const FEATURE: Feature = Feature {
    name: "function_word_share",
    description: "share of the sentence's words that are function words",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    let words = s.word_keys();
    if words.is_empty() {
        return 0.0;
    }
    words.iter().filter(|w| is_function_word(w)).count() as f32 / words.len() as f32
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn counts_words_not_punctuation() {
        let v = with_document(&[("the", -1.0), ("war", -1.0), (".", -1.0)], |d| sentence_value(super::FEATURE, d));
        assert_eq!(v, 0.5);
    }
}
