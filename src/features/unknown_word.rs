//! `unknown_word`: the word is not in the LM's vocabulary (untranslated or transliterated
//! words, typos, rare names).

use super::{per_word, Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "unknown_word",
    description: "1 if the word is outside the LM vocabulary",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    // Numbers are open-class by nature: an unseen amount is not an unknown word.
    let number = |w: &super::ScoredToken| w.surface.chars().any(|c| c.is_ascii_digit());
    per_word(s, out, |w| f32::from(w.id == crate::lm::ngram::UNK && w.is_word() && !number(w)));
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn flags_out_of_vocabulary_words() {
        // The fixture gives id 0 (unknown) to words scored below −6.
        let v = with_document(&[("known", -2.0), ("pahatubba", -7.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![0.0, 1.0]);
    }
}
