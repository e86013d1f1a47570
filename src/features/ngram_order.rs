//! `ngram_order`: the length of the n-gram the LM matched, over the LM's order. Fluent text
//! matches long n-grams; novel word combinations fall back to short ones.

use super::{per_word, Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "ngram_order",
    description: "matched n-gram length / LM order (1 = the full context was seen in training)",
    compute: Compute::Token(compute),
};

fn compute(ctx: &Context, s: &Sentence, out: &mut [f32]) {
    let order = ctx.doc.lm_order.max(1) as f32;
    per_word(s, out, |w| w.ngram_len as f32 / order);
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn normalizes_by_order() {
        let v = with_document(&[("a", -1.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![0.5]); // fixture: matched 2 of order 4
    }
}
