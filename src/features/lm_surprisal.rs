//! `lm_surprisal`: the token's log10 probability given its context (KenLM FullScore).

use super::{per_word, Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "lm_surprisal",
    description: "log10 p(token | preceding words) from the n-gram LM",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    per_word(s, out, |w| w.log10p);
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn copies_the_lm_score() {
        let v = with_document(&[("a", -1.0), ("b", -5.5)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![-1.0, -5.5]);
    }
}
