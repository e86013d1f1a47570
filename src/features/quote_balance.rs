//! `quote_balance`: whether the sentence's quotes and brackets pair up, counting straight and
//! curly quotes together (a sentence that opens a quote twice, as spun text does).

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "quote_balance",
    description: "unpaired quotes and brackets in the sentence (count of opening minus closing, absolute)",
    compute: Compute::Sentence(compute),
};

fn compute(_: &Context, s: &Sentence) -> f32 {
    let (mut curly, mut brackets, mut straight) = (0i32, 0i32, 0i32);
    for w in &s.tokens {
        match w.surface.as_ref() {
            "“" => curly += 1,
            "”" => curly -= 1,
            "(" | "[" => brackets += 1,
            ")" | "]" => brackets -= 1,
            "\"" => straight += 1,
            _ => {}
        }
    }
    (curly.abs() + brackets.abs() + straight % 2) as f32
}

#[cfg(test)]
mod tests {
    use super::super::testing::sentence_value;
    use crate::analysis::fixture::with_document;

    #[test]
    fn counts_unpaired_marks() {
        let words = [("“", -1.0), ("a", -1.0), ("“", -1.0), ("(", -1.0), (")", -1.0)];
        assert_eq!(with_document(&words, |d| sentence_value(super::FEATURE, d)), 2.0);
    }
}
