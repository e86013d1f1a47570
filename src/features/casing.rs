//! `casing`: casing anomalies: a capitalized word inside a sentence that the LM rarely sees
//! (names translated as common nouns go the other way and show as a lower-case rare word),
//! words in ALL CAPS, and mixed case inside a word.

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "casing",
    description: "1 capitalized mid-sentence, 2 all caps, 3 mixed case inside the word; 0 otherwise",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    for (i, (o, w)) in out.iter_mut().zip(&s.tokens).enumerate() {
        let letters: Vec<char> = w.surface.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.is_empty() {
            continue;
        }
        let upper = letters.iter().filter(|c| c.is_uppercase()).count();
        let after_start = i > 0 && !matches!(s.tokens[i - 1].surface.as_ref(), "\"" | "“" | "(" | ":" | "'" | "‘");
        *o = if upper == letters.len() && letters.len() > 1 {
            2.0
        } else if upper > 0 && (!letters[0].is_uppercase() || upper > 1) {
            3.0
        } else if upper == 1 && letters[0].is_uppercase() && after_start {
            1.0
        } else {
            0.0
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn classifies_casing() {
        let words = [("The", -1.0), ("NATO", -1.0), ("chief", -1.0), ("Said", -1.0), ("eBay", -1.0), (",", -1.0)];
        let v = with_document(&words, |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![0.0, 2.0, 0.0, 1.0, 3.0, 0.0]);
    }
}
