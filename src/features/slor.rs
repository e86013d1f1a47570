//! `slor`: syntactic log-odds ratio, the mean over tokens of log10 p(w | context) − log10 p(w).
//! Unlike perplexity it does not reward sentences for being made of common words, which is
//! why it tracks human judgements where perplexity fails.

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "slor",
    description: "mean context gain over the sentence (SLOR): fluency not explained by word frequency",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    if s.tokens.is_empty() {
        return 0.0;
    }
    s.tokens.iter().map(|w| w.context_gain()).sum::<f32>() / s.tokens.len() as f32
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn averages_context_gain() {
        let v = with_document(&[("a", -1.0), ("b", -3.0)], |d| sentence_value(super::FEATURE, d));
        assert_eq!(v, 2.0); // gains 3 and 1 over unigram −4
    }
}
