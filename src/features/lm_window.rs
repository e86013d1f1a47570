//! `lm_window`: surprisal smoothed over the token's neighbourhood. A garbled stretch lowers
//! several neighbours at once, where a single rare name does not.

use super::{Compute, Context, Feature, Sentence};

/// Tokens on each side.
const RADIUS: usize = 2;

pub const FEATURE: Feature = Feature {
    name: "lm_window",
    description: "mean log10 p over the token and two neighbours on each side",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    let n = s.tokens.len();
    for (i, o) in out.iter_mut().enumerate() {
        let (lo, hi) = (i.saturating_sub(RADIUS), (i + RADIUS + 1).min(n));
        *o = s.tokens[lo..hi].iter().map(|w| w.log10p).sum::<f32>() / (hi - lo) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn averages_the_neighbourhood() {
        let words = [("a", -1.0), ("b", -2.0), ("c", -3.0), ("d", -4.0), ("e", -5.0)];
        let v = with_document(&words, |d| token_values(super::FEATURE, d));
        assert_eq!(v[0], -2.0); // a b c
        assert_eq!(v[2], -3.0); // all five
        assert_eq!(v[4], -4.0); // c d e
    }
}
