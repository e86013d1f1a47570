//! mtcheck: detects machine-translation artifacts in English text.
//!
//! The pipeline, one module per stage:
//! [`text`] (input, sentences, tokenizer front end) → [`lm`] (n-gram language model:
//! training, storage, query) → [`features`] (one file per feature) → [`scorer`] (boosted
//! trees: sentence quality, P(garbled) per token) → [`spans`] → [`report`].
//! [`fast`] is the filter's cheaper sentence scorer. [`boilerplate`] tells page furniture from prose; [`Checker`] runs it all:
//!
//! ```
//! let report = mtcheck::Checker::new()?.check("Officials said the plan would cost more.");
//! assert!(!report.sentences.is_empty());
//! # Ok::<(), mtcheck::Error>(())
//! ```

pub mod baseline;
pub mod boilerplate;
pub mod checker;
pub mod error;
pub mod eval;
pub mod fast;
pub mod features;
pub mod filter;
pub mod lm;
pub mod model_dir;
pub mod report;
pub mod scorer;
pub mod spans;
pub mod text;

pub use checker::Checker;
pub use error::{Error, Result};
