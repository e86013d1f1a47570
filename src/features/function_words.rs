//! `function_word`: the token is a function word (article, pronoun, preposition, auxiliary).
//! Lets the token scorer treat "the" differently from "retroviral".

use super::{per_word, Compute, Context, Feature, Sentence};
use crate::text::is_function_word;

pub const FEATURE: Feature = Feature {
    name: "function_word",
    description: "1 if the token is an English function word",
    compute: Compute::Token(compute),
};

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    per_word(s, out, |w| f32::from(is_function_word(&w.key)));
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn marks_function_words() {
        let v = with_document(&[("The", -1.0), ("militia", -1.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![1.0, 0.0]);
    }
}
