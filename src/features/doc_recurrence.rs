//! `doc_recurrence`: how often the word occurs elsewhere in the document. A spun article's
//! substituted words tend to appear once, where the original's terms recur.

use super::{per_word, Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "doc_recurrence",
    description: "log2 of the number of other occurrences of the word in the document",
    compute: Compute::Token(compute),
};

fn compute(ctx: &Context, s: &Sentence, out: &mut [f32]) {
    per_word(s, out, |w| (ctx.doc.key_counts.get(w.key.as_ref()).copied().unwrap_or(1) as f32).log2());
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    #[test]
    fn counts_other_occurrences() {
        let v = with_document(&[("war", -1.0), ("and", -1.0), ("war", -1.0)], |d| token_values(super::FEATURE, d));
        assert_eq!(v, vec![1.0, 0.0, 1.0]);
    }
}
