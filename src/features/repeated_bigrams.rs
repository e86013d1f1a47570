//! `repeated_bigrams`: the share of word bigrams that occur more than once in the sentence.

use super::{Compute, Context, Feature, Sentence};
use std::collections::HashMap;

pub const FEATURE: Feature = Feature {
    name: "repeated_bigrams",
    description: "share of the sentence's bigrams that occur in it more than once",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    let keys: Vec<&str> = s.tokens.iter().map(|w| w.key.as_ref()).collect();
    if keys.len() < 2 {
        return 0.0;
    }
    let mut counts: HashMap<(&str, &str), u32> = HashMap::new();
    for w in keys.windows(2) {
        *counts.entry((w[0], w[1])).or_default() += 1;
    }
    let repeated: u32 = counts.values().filter(|&&c| c > 1).sum();
    repeated as f32 / (keys.len() - 1) as f32
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn loops_repeat_bigrams() {
        let words = [("going", -1.0), ("on", -1.0), ("going", -1.0), ("on", -1.0), ("going", -1.0)];
        let v = with_document(&words, |d| sentence_value(super::FEATURE, d));
        assert_eq!(v, 1.0);
        assert_eq!(with_document(&[("a", -1.0), ("b", -1.0)], |d| sentence_value(super::FEATURE, d)), 0.0);
    }
}
