//! `type_token_ratio`: distinct words over words in the sentence (lexical diversity; loops and
//! literal translations repeat themselves).

use super::{Compute, Context, Feature, Sentence};
use std::collections::HashSet;

pub const FEATURE: Feature = Feature {
    name: "type_token_ratio",
    description: "distinct words / words in the sentence",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    let words = s.word_keys();
    if words.is_empty() {
        return 1.0;
    }
    words.iter().collect::<HashSet<_>>().len() as f32 / words.len() as f32
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn counts_distinct_lowercased_words() {
        let v = with_document(&[("The", -1.0), ("the", -1.0), ("cat", -1.0), ("cat", -1.0)], |d| {
            sentence_value(super::FEATURE, d)
        });
        assert_eq!(v, 0.5);
    }
}
