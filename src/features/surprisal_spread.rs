//! `surprisal_spread`: the standard deviation of log10 p over the sentence. MT output is
//! evenly probable (the engine picks likely words); human text is bursty.

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "surprisal_spread",
    description: "standard deviation of token log10 p within the sentence",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    let n = s.tokens.len() as f32;
    if n < 2.0 {
        return 0.0;
    }
    let mean = s.tokens.iter().map(|w| w.log10p).sum::<f32>() / n;
    (s.tokens.iter().map(|w| (w.log10p - mean).powi(2)).sum::<f32>() / n).sqrt()
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn is_the_standard_deviation() {
        let v = with_document(&[("a", -1.0), ("b", -3.0)], |d| sentence_value(super::FEATURE, d));
        assert_eq!(v, 1.0);
    }
}
