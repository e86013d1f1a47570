//! `position`: where the token sits in its sentence (0 first, 1 last). The LM has least context
//! at the start, and MT damage gathers in the middle of long sentences.

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "position",
    description: "relative position of the token in its sentence, 0 to 1",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    let last = s.tokens.len().saturating_sub(1).max(1) as f32;
    for (i, o) in out.iter_mut().enumerate() {
        *o = i as f32 / last;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn runs_from_zero_to_one() {
        let v = with_document(&[("a", -1.0), ("b", -1.0), ("c", -1.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![0.0, 0.5, 1.0]);
    }
}
