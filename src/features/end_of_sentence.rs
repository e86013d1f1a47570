//! `end_of_sentence`: log10 p(</s>) after the sentence's last words. A sentence that stops
//! mid-construction (dropped words, truncated translation) ends improbably.

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "end_of_sentence",
    description: "log10 p of the sentence ending where it ends",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    s.end_log10p
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn reads_the_end_score() {
        assert_eq!(with_document(&[("a", -1.0)], |d| sentence_value(super::FEATURE, d)), -1.0);
    }
}
