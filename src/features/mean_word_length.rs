//! `mean_word_length`: mean characters per word (punctuation excluded). Garbled MT of rich
//! source languages tends to short, generic words.

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "mean_word_length",
    description: "mean number of characters per word, punctuation excluded",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    let lengths: Vec<usize> = s.tokens.iter().filter(|w| w.is_word()).map(|w| w.surface.chars().count()).collect();
    if lengths.is_empty() {
        return 0.0;
    }
    lengths.iter().sum::<usize>() as f32 / lengths.len() as f32
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn ignores_punctuation() {
        let v = with_document(&[("ab", -1.0), ("abcd", -1.0), (".", -1.0)], |d| sentence_value(super::FEATURE, d));
        assert_eq!(v, 3.0);
    }
}
