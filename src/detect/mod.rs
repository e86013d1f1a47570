//! Detectors: from text to a [`Report`] (a quality per sentence and document, flags, and
//! garbled spans where the detector marks them). Each reads the same analysed document
//! ([`crate::analysis`]) and implements [`Detector`]; [`open`] is the one place that chooses
//! between them, for `check`, `filter` and `eval` alike.
//!
//! - [`full`]: the detector of `mtcheck check` (every feature, two forests, spans);
//! - [`fast`]: the crawl filter's sentence scorer (one small forest, no spans, ~12× faster);
//! - [`perplexity`]: the baseline crawl filters use (mean token log-probability).
//!
//! A new detector (say a neural one) is a module here with a [`Detector`] impl, a
//! [`DetectorKind`] variant and a line in [`open`].
//!
//! ```
//! use mtcheck::detect::{self, DetectorKind, Settings};
//! let dir = mtcheck::model_dir::default_model_dir();
//! let text = "The council approved the budget on Tuesday after a long debate.";
//! for kind in [DetectorKind::Full, DetectorKind::Fast, DetectorKind::Perplexity] {
//!     let detector = detect::open(kind, &dir, Settings::default())?;
//!     let report = detector.check(text);
//!     assert!((0.0..=1.0).contains(&report.quality), "{}", detector.name());
//! }
//! # Ok::<(), mtcheck::Error>(())
//! ```

pub mod deep;
pub mod fast;
pub mod forest;
pub mod forest_file;
pub mod full;
pub mod perplexity;
pub mod roundtrip;
pub mod spans;

use crate::error::Result;
use crate::report::Report;
use std::path::Path;

/// What every detector does.
pub trait Detector: Send + Sync {
    /// The detector's name, as `--scorer` spells it.
    fn name(&self) -> &'static str;
    /// Checks one document.
    fn check(&self, text: &str) -> Report;
    /// Whether its reports carry garbled spans (the fast scorer's do not).
    fn marks_spans(&self) -> bool;
    /// The quality below which it flags a sentence (None: it flags by another rule).
    fn threshold(&self) -> Option<f32>;
    /// Its front end: sentences and tokens as it reads them (what [`crate::attribution`]
    /// aligns a text and its source with).
    fn analyzer(&self) -> &crate::analysis::Analyzer;
}

/// The detectors there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetectorKind {
    Full,
    /// The full detector read again by a pretrained encoder ([`deep`]).
    Deep,
    Fast,
    Perplexity,
}

/// Decision thresholds that override the model's (None: the model's own).
#[derive(Clone, Copy, Debug, Default)]
pub struct Settings {
    /// Sentences below this quality are flagged (full and fast).
    pub threshold: Option<f32>,
    /// P(garbled) of a token at or above which it is part of a span (full).
    pub span_threshold: Option<f32>,
    /// Sentence quality below which spans are shown (full).
    pub span_gate: Option<f32>,
    /// Leave out the round-trip evidence (full): no MT engine loaded, garble evidence alone.
    pub no_round_trips: bool,
}

/// Loads detector `kind` from model folder `dir` with `settings`.
pub fn open(kind: DetectorKind, dir: &Path, settings: Settings) -> Result<Box<dyn Detector>> {
    Ok(match kind {
        DetectorKind::Full => {
            let mut checker = if settings.no_round_trips {
                full::Checker::without_round_trips(dir)?
            } else {
                full::Checker::with_model(dir)?
            };
            checker.apply(settings);
            Box::new(checker)
        }
        DetectorKind::Fast => {
            let mut checker = fast::FastChecker::with_model(dir)?;
            if let Some(t) = settings.threshold {
                checker.set_threshold(t);
            }
            Box::new(checker)
        }
        DetectorKind::Deep => {
            let mut checker = deep::DeepChecker::with_model(dir)?;
            checker.apply(settings);
            Box::new(checker)
        }
        DetectorKind::Perplexity => Box::new(perplexity::Perplexity::with_model(dir)?),
    })
}
