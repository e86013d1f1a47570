//! mtcheck: detects machine-translation artifacts in English text.
//!
//! The pipeline, one module per stage (ARCHITECTURE.md draws the arrows):
//! [`text`] (byte spans, sentences, tokenizer front end) → [`lm`] (n-gram language model:
//! training, storage, query) → [`analysis`] (a document's sentences and tokens with their LM
//! scores, prose or furniture) → [`features`] (one file per feature) → [`detect`] (the
//! [`detect::Detector`]s: full, fast, perplexity) → [`report`] (sentences, garbled spans, JSONL).
//! [`filter`] runs a detector over crawls, [`eval`] scores it on labelled sets, [`train`] fits
//! the detectors' models; [`io`] reads and writes for all of them. [`Checker`] runs it all:
//!
//! ```
//! let report = mtcheck::Checker::new()?.check("Officials said the plan would cost more.");
//! assert!(!report.sentences.is_empty());
//! # Ok::<(), mtcheck::Error>(())
//! ```
//!
//! The library never prints: progress and messages reach the caller through callbacks
//! ([`filter::Observer`], the trainers' `log`).

pub mod analysis;
pub mod attribution;
pub mod detect;
pub mod error;
pub mod eval;
pub mod features;
pub mod filter;
pub mod io;
pub mod lm;
pub mod model_dir;
pub mod pairs;
pub mod report;
pub mod text;
pub mod train;
pub mod translate;

pub use detect::deep::DeepChecker;
pub use detect::fast::FastChecker;
pub use detect::full::Checker;
pub use detect::{Detector, DetectorKind};
pub use error::{Error, Result};
