//! `sentence_length`: log2 of the number of tokens. Length alone correlates with MT quality
//! (long sentences give the engine more to get wrong).

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "sentence_length",
    description: "log2 of the number of tokens in the sentence",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    (s.tokens.len() as f32).max(1.0).log2()
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn is_log2_of_the_count() {
        let v =
            with_document(&[("a", -1.0), ("b", -1.0), ("c", -1.0), ("d", -1.0)], |d| sentence_value(super::FEATURE, d));
        assert_eq!(v, 2.0);
    }
}
