//! The text front end: byte spans, sentence segmentation, line look-up and the tokenizer.
//! LM training and every detector go through here, so they see identical tokens.

mod ascii_tokens;
mod byte_span;
mod lexicon;
pub mod lines;
pub mod sentences;
pub mod tokenizer;

pub use byte_span::{ByteSpan, CharOffsets};
pub use lexicon::is_function_word;
pub use lines::Lines;
pub use sentences::sentence_spans;
pub use tokenizer::{into_lm_key, lm_key, lm_sentences, Token, Tokenizer};
