//! `next_context_gain`: the context gain of the FOLLOWING token (of `</s>` for the last one).
//! An error at token i makes token i+1 improbable, so the damage shows one step later.

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "next_context_gain",
    description: "context gain of the next token (or of the sentence end): errors surprise what follows",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = s.tokens.get(i + 1).map_or(s.end_gain, |w| w.context_gain());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn looks_one_token_ahead() {
        let v = with_document(&[("a", -1.0), ("b", -5.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![-1.0, 0.5]); // fixture end gain is 0.5
    }
}
