//! Features: what the scorer looks at. Each feature lives in its own file with a stable name,
//! a one-line description and its own tests, and is registered in [`FEATURES`]; the scorer's
//! inputs, `mtcheck features` and the `reasons` of spans all come from this one list.
//!
//! A feature is either per token (one value for every token of a sentence) or per sentence.
//! The sentence scorer sees the sentence features plus the mean, minimum and maximum of every
//! token feature; the token scorer sees the token features plus the sentence features.

mod char_shape;

#[cfg(test)]
mod testing;

mod casing;
mod context_gain;
mod doc_recurrence;
mod end_of_sentence;
mod foreign_shape;
mod function_word_share;
mod function_words;
mod lm_surprisal;
mod lm_window;
mod mean_word_length;
mod next_context_gain;
mod ngram_order;
mod off_topic;
mod position;
mod punctuation;
mod quote_balance;
mod repeated_bigrams;
mod repetition;
mod sentence_length;
mod slor;
mod surprisal_spread;
mod type_token_ratio;
mod unknown_word;
mod word_rarity;

use crate::analysis::{Document, ScoredToken, Sentence};
pub use char_shape::CharShape;

pub use off_topic::{is_topic_word, TopicVectors};

use ndarray::{Array1, Array2};

/// What a feature computes from.
pub struct Context<'d, 'a> {
    pub doc: &'d Document<'a>,
    /// The models some features need beyond the LM (trained by `mtcheck train scorer`).
    pub shape: &'d CharShape,
    pub topics: &'d TopicVectors,
    /// Sum of the document's topic vectors (None without topic vectors).
    pub topic_centroid: Option<Vec<f32>>,
}

impl<'d, 'a> Context<'d, 'a> {
    pub fn new(doc: &'d Document<'a>, shape: &'d CharShape, topics: &'d TopicVectors) -> Self {
        let topic_centroid = off_topic::document_centroid(topics, doc);
        Context { doc, shape, topics, topic_centroid }
    }
}

/// How a feature is computed.
#[derive(Clone, Copy)]
pub enum Compute {
    /// One value per token of the sentence, written into the slice (zeroed beforehand).
    Token(fn(&Context, &Sentence, &mut [f32])),
    /// One value for the whole sentence.
    Sentence(fn(&Context, &Sentence) -> f32),
}

/// A registered feature.
pub struct Feature {
    pub name: &'static str,
    pub description: &'static str,
    pub compute: Compute,
}

impl Feature {
    pub fn is_token(&self) -> bool {
        matches!(self.compute, Compute::Token(_))
    }
}

/// Writes `f(word)` for every word of `s` into `out`: the shape of most token features.
fn per_word(s: &Sentence, out: &mut [f32], f: impl Fn(&ScoredToken) -> f32) {
    for (o, w) in out.iter_mut().zip(&s.tokens) {
        *o = f(w);
    }
}

/// Every feature, in the order of the scorer's input columns.
pub static FEATURES: &[Feature] = &[
    lm_surprisal::FEATURE,
    lm_window::FEATURE,
    context_gain::FEATURE,
    next_context_gain::FEATURE,
    ngram_order::FEATURE,
    unknown_word::FEATURE,
    word_rarity::FEATURE,
    foreign_shape::FEATURE,
    repetition::FEATURE,
    off_topic::FEATURE,
    doc_recurrence::FEATURE,
    punctuation::FEATURE,
    casing::FEATURE,
    function_words::FEATURE,
    position::FEATURE,
    sentence_length::FEATURE,
    mean_word_length::FEATURE,
    type_token_ratio::FEATURE,
    repeated_bigrams::FEATURE,
    function_word_share::FEATURE,
    slor::FEATURE,
    surprisal_spread::FEATURE,
    end_of_sentence::FEATURE,
    quote_balance::FEATURE,
];

/// A feature's name in words a reader understands, for the human output (the JSON keeps the
/// names). Unknown names are returned as they are.
pub fn in_words(name: &str) -> &str {
    match name {
        "lm_surprisal" => "improbable word",
        "lm_window" => "improbable stretch",
        "context_gain" => "does not fit the words before",
        "next_context_gain" => "the next word does not follow",
        "ngram_order" => "unusual word sequence",
        "unknown_word" => "unknown word",
        "word_rarity" => "rare word",
        "foreign_shape" => "looks foreign or transliterated",
        "repetition" => "repeated words",
        "off_topic" => "off the article's topic",
        "doc_recurrence" => "word used nowhere else",
        "punctuation" => "odd punctuation",
        "casing" => "odd capitals",
        "function_words" => "misused small word",
        "quote_balance" => "unbalanced quotes",
        "context" => "garbled in context",
        other => other,
    }
}

/// The token features, in column order.
pub fn token_features() -> impl Iterator<Item = &'static Feature> {
    FEATURES.iter().filter(|f| f.is_token())
}

/// The sentence features, in column order.
pub fn sentence_features() -> impl Iterator<Item = &'static Feature> {
    FEATURES.iter().filter(|f| !f.is_token())
}

/// The features of one sentence: a tokens × token-features matrix and the sentence features.
pub struct SentenceFeatures {
    pub tokens: Array2<f32>,
    pub sentence: Array1<f32>,
}

/// Computes every feature of `sentence`. Non-finite values become 0 so that no input can
/// poison the scorer.
pub fn compute(ctx: &Context, sentence: &Sentence) -> SentenceFeatures {
    let n = sentence.tokens.len();
    let token_count = token_features().count();
    let mut tokens = Array2::<f32>::zeros((token_count, n));
    let mut values = Vec::with_capacity(sentence_features().count());
    let mut row = 0;
    for feature in FEATURES {
        match feature.compute {
            Compute::Token(f) => {
                let mut column = tokens.row_mut(row);
                f(ctx, sentence, column.as_slice_mut().expect("rows of a standard-layout array are contiguous"));
                row += 1;
            }
            Compute::Sentence(f) => values.push(f(ctx, sentence)),
        }
    }
    tokens.mapv_inplace(finite);
    SentenceFeatures {
        tokens: tokens.reversed_axes().as_standard_layout().into_owned(),
        sentence: Array1::from(values).mapv(finite),
    }
}

fn finite(x: f32) -> f32 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// How token features are summarized for the sentence scorer.
const AGGREGATES: [&str; 4] = ["mean", "min", "max", "sd"];

/// Names of the sentence scorer's inputs: sentence features, then `name.mean`, `name.min`,
/// `name.max`, `name.sd` (standard deviation) of every token feature.
pub fn sentence_input_names() -> Vec<String> {
    let mut names: Vec<String> = sentence_features().map(|f| f.name.to_string()).collect();
    for f in token_features() {
        for agg in AGGREGATES {
            names.push(format!("{}.{agg}", f.name));
        }
    }
    names
}

/// The sentence scorer's input row for one sentence (see [`sentence_input_names`]).
pub fn sentence_inputs(features: &SentenceFeatures) -> Vec<f32> {
    let mut row = features.sentence.to_vec();
    let n = features.tokens.nrows();
    for column in features.tokens.columns() {
        if n == 0 {
            row.extend([0.0; AGGREGATES.len()]);
            continue;
        }
        let mean = column.sum() / n as f32;
        let min = column.fold(f32::INFINITY, |a, &b| a.min(b));
        let max = column.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let sd = (column.fold(0.0, |a, &b| a + (b - mean) * (b - mean)) / n as f32).sqrt();
        row.extend([mean, min, max, sd]);
    }
    row
}

/// Names of the token scorer's inputs: token features, then sentence features.
pub fn token_input_names() -> Vec<String> {
    token_features().chain(sentence_features()).map(|f| f.name.to_string()).collect()
}

/// The token scorer's input rows for one sentence (see [`token_input_names`]).
pub fn token_inputs(features: &SentenceFeatures) -> Array2<f32> {
    let n = features.tokens.nrows();
    let (t, s) = (features.tokens.ncols(), features.sentence.len());
    let mut out = Array2::<f32>::zeros((n, t + s));
    for (i, mut row) in out.rows_mut().into_iter().enumerate() {
        row.slice_mut(ndarray::s![..t]).assign(&features.tokens.row(i));
        row.slice_mut(ndarray::s![t..]).assign(&features.sentence);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_snake_case_and_described() {
        let mut seen = HashSet::new();
        for f in FEATURES {
            assert!(seen.insert(f.name), "duplicate feature {}", f.name);
            assert!(f.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", f.name);
            assert!(!f.description.is_empty() && f.description.len() < 120, "{}", f.name);
        }
    }

    #[test]
    fn input_rows_match_their_names() {
        crate::analysis::fixture::with_document(&[("The", -1.0), ("cat", -3.0), ("sat", -2.5)], |doc| {
            let shape = CharShape::default();
            let topics = TopicVectors::default();
            let ctx = Context::new(doc, &shape, &topics);
            let f = compute(&ctx, &doc.sentences[0]);
            assert_eq!(f.tokens.dim(), (3, token_features().count()));
            assert_eq!(sentence_inputs(&f).len(), sentence_input_names().len());
            assert_eq!(token_inputs(&f).dim(), (3, token_input_names().len()));
        });
    }
}
