//! mtcheck: detects machine-translation artifacts in English text.
//!
//! The pipeline, one module per stage:
//! [`text`] (input, sentences, tokenizer front end) → [`lm`] (n-gram language model:
//! training, storage, query).

pub mod baseline;
pub mod error;
pub mod eval;
pub mod features;
pub mod lm;
pub mod model_dir;
pub mod report;
pub mod text;

pub use error::{Error, Result};
