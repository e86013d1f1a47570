//! The full detector, and the library's front door: [`Checker`] loads a model folder once
//! and checks texts with every feature, the two forests of its [`model`] and spans.
//!
//! ```
//! let checker = mtcheck::Checker::new()?; // the shipped English model (models/en)
//! let text = "The night is going on going on going on for the workers of the shifts.";
//! let report = checker.check(text);
//! assert!((0.0..=1.0).contains(&report.quality));
//! for s in &report.sentences {
//!     println!("{:.2} {}", s.quality, &text[s.bytes]);
//!     for span in &s.spans {
//!         println!("  garbled: {:?} because of {:?}", &text[span.bytes], span.reasons);
//!     }
//! }
//! # Ok::<(), mtcheck::Error>(())
//! ```

pub mod model;

use super::{spans, Detector, Settings};
use crate::analysis::{Analyzer, Lookup, Sentence, SentenceKind};
use crate::error::Result;
use crate::features::{self, Context, TopicVectors};
use crate::lm::LanguageModel;
use crate::model_dir::{default_model_dir, SCORER_FILE, TOPICS_FILE};
use crate::report::{Report, SentenceReport};
use crate::text::Tokenizer;
use model::ScorerModel;
use rayon::prelude::*;
use std::path::Path;

/// A loaded model: language model, tokenizer, topic vectors and scorer.
pub struct Checker {
    analyzer: Analyzer,
    topics: TopicVectors,
    scorer: ScorerModel,
    threshold: f32,
}

impl Checker {
    /// The shipped English model (`models/en`, or `$MTCHECK_MODEL_DIR`).
    pub fn new() -> Result<Self> {
        Self::with_model(&default_model_dir())
    }

    /// The model in folder `dir` (`lm.mtlm`, `tokenizer.json`, `scorer.json`, `topics.bin`).
    pub fn with_model(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(crate::model_dir::missing(dir));
        }
        let analyzer = Analyzer::open(dir, Lookup::Mapped)?;
        // The two larger files load side by side (about 15 ms each).
        let topics_path = dir.join(TOPICS_FILE);
        let (scorer, topics) = rayon::join(
            || ScorerModel::load(&dir.join(SCORER_FILE)),
            || topics_path.exists().then(|| TopicVectors::load(&topics_path)),
        );
        let scorer = scorer?;
        let topics = match topics {
            _ if !scorer.uses_topics => TopicVectors::default(),
            Some(topics) => topics?,
            // Missing although the scorer needs it: let the loader say so.
            None => TopicVectors::load(&topics_path)?,
        };
        let threshold = scorer.thresholds.sentence;
        Ok(Checker { analyzer, topics, scorer, threshold })
    }

    /// Sentences below this quality are flagged (default: the model's, tuned on dev data).
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn set_threshold(&mut self, threshold: f32) {
        self.threshold = threshold;
    }

    /// Sets the token-level threshold for spans (P(garbled) of a token).
    pub fn set_span_threshold(&mut self, threshold: f32) {
        self.scorer.thresholds.token = threshold;
    }

    /// Sets the sentence quality below which spans are shown.
    pub fn set_span_gate(&mut self, gate: f32) {
        self.scorer.thresholds.span_gate = gate;
    }

    /// Applies `settings` (the thresholds given; the others stay the model's).
    pub fn apply(&mut self, settings: Settings) {
        if let Some(t) = settings.threshold {
            self.set_threshold(t);
        }
        if let Some(t) = settings.span_gate {
            self.set_span_gate(t);
        }
        if let Some(t) = settings.span_threshold {
            self.set_span_threshold(t);
        }
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    pub fn lm(&self) -> &LanguageModel {
        self.analyzer.lm()
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        self.analyzer.tokenizer()
    }

    pub fn scorer(&self) -> &ScorerModel {
        &self.scorer
    }

    pub fn topics(&self) -> &TopicVectors {
        &self.topics
    }

    /// Checks `text`: a quality per sentence and for the document, garbled spans in flagged
    /// sentences, page furniture marked as boilerplate.
    pub fn check(&self, text: &str) -> Report {
        let doc = self.analyzer.analyze(text);
        let ctx = Context::new(&doc, &self.scorer.char_shape, &self.topics);
        // Sentences are scored independently: on all cores for long texts (in order).
        let sentences: Vec<SentenceReport> =
            doc.sentences.par_iter().with_min_len(16).map(|s| self.sentence(&ctx, s)).collect();
        let tokens: Vec<usize> = doc.sentences.iter().map(|s| s.tokens.len()).collect();
        Report::from_sentences(sentences, &tokens)
    }

    /// One sentence's verdict: quality, flag and (below the span gate) spans.
    fn sentence(&self, ctx: &Context, s: &Sentence) -> SentenceReport {
        let f = features::compute(ctx, s);
        let (z, quality) = self.scorer.sentence_quality(&f);
        let prose = s.kind == SentenceKind::Prose;
        let flagged = prose && quality < self.threshold;
        let spans = if prose && quality < self.scorer.thresholds.span_gate.max(self.threshold) {
            let probs = self.scorer.token_probabilities(&f, z);
            spans::merge(&s.tokens, &probs, self.scorer.thresholds.token, |i| self.scorer.reasons(&f, i))
        } else {
            Vec::new()
        };
        SentenceReport { bytes: s.bytes, kind: s.kind, quality, flagged, spans }
    }
}

impl Detector for Checker {
    fn name(&self) -> &'static str {
        "mtcheck"
    }

    fn check(&self, text: &str) -> Report {
        Checker::check(self, text)
    }

    fn marks_spans(&self) -> bool {
        true
    }

    fn threshold(&self) -> Option<f32> {
        Some(self.threshold)
    }
}
