//! `context_gain`: how much the preceding words raised the token's probability over its
//! unigram probability (the per-token term of SLOR). MT's wrong-domain words are often common
//! words that their context does not predict.

use super::{per_word, Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "context_gain",
    description: "log10 p(token | context) - log10 p(token): what the context adds",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    per_word(s, out, |w| w.context_gain());
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn is_relative_to_the_unigram() {
        // The fixture's unigram log10 p is −4.
        let v = with_document(&[("a", -1.0), ("b", -5.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![3.0, -1.0]);
    }
}
