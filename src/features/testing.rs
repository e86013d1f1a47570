//! Helpers for feature unit tests.

use super::{CharShape, Compute, Context, Document, Feature, TopicVectors};

/// The values of token feature `f` on the first sentence of `doc`.
pub fn token_values(f: Feature, doc: &Document) -> Vec<f32> {
    let (shape, topics) = (CharShape::default(), TopicVectors::default());
    let ctx = Context::new(doc, &shape, &topics);
    let s = &doc.sentences[0];
    let mut out = vec![0.0; s.tokens.len()];
    match f.compute {
        Compute::Token(g) => g(&ctx, s, &mut out),
        Compute::Sentence(_) => panic!("{} is a sentence feature", f.name),
    }
    out
}

/// The value of sentence feature `f` on the first sentence of `doc`.
pub fn sentence_value(f: Feature, doc: &Document) -> f32 {
    let (shape, topics) = (CharShape::default(), TopicVectors::default());
    let ctx = Context::new(doc, &shape, &topics);
    match f.compute {
        Compute::Sentence(g) => g(&ctx, &doc.sentences[0]),
        Compute::Token(_) => panic!("{} is a token feature", f.name),
    }
}
