//! Text front end: reading (compressed) input, sentence segmentation and tokenization.
//! Training and scoring both go through here so they see identical tokens.

mod ascii_tokens;
pub mod input;
pub mod lines;
pub mod sentences;
pub mod tokenizer;

pub use lines::Lines;
pub use sentences::sentence_spans;
pub use tokenizer::{into_lm_key, lm_key, lm_sentences, Token, Tokenizer};
