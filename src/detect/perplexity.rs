//! The perplexity baseline, as crawl filters use an n-gram LM (DESIGN "What measurement already
//! says"): a sentence's quality is its mean log10 probability per token, rescaled to [0, 1];
//! spans are tokens with log10 p < −4; a sentence is flagged when it has a span. It is the bar
//! the detector must beat, reported beside it in reports/accuracy.md.

use super::Detector;
use crate::analysis::{Analyzer, Lookup};
use crate::error::Result;
use crate::report::{GarbledSpan, Report, SentenceKind, SentenceReport};
use std::path::Path;

/// Tokens below this log10 probability are spans.
pub const SPAN_LOG10_P: f32 = -4.0;
/// Mean log10 p mapped to quality 0 and to quality 1 (linear between, clamped).
const WORST: f32 = -5.0;
const BEST: f32 = -1.0;

pub const REASON: &str = "lm_surprisal";

/// The baseline with the LM and tokenizer of a model folder. Keys are looked up as they are
/// ([`Lookup::Raw`]), as a crawl filter's LM would see them.
pub struct Perplexity {
    analyzer: Analyzer,
}

impl Perplexity {
    pub fn with_model(dir: &Path) -> Result<Self> {
        crate::model_dir::ensure_model_folder(dir)?;
        Ok(Perplexity { analyzer: Analyzer::open(dir, Lookup::Raw)? })
    }

    /// Checks `text` with the baseline.
    pub fn check(&self, text: &str) -> Report {
        let mut sentences = Vec::new();
        let (mut total, mut count) = (0f64, 0usize);
        self.analyzer.for_each_sentence(text, |s| {
            // The LM's log10 p of every token and of the sentence end.
            let log10 = s.tokens.iter().map(|t| t.log10p).sum::<f32>() + s.end_log10p;
            let scored = s.tokens.len() + 1;
            total += log10 as f64;
            count += scored;
            let mut spans: Vec<GarbledSpan> = Vec::new();
            for t in s.tokens.iter().filter(|t| t.log10p < SPAN_LOG10_P) {
                let score = ((SPAN_LOG10_P - t.log10p) / 4.0).clamp(0.0, 1.0) * 0.5 + 0.5;
                match spans.last_mut() {
                    // Adjacent low-probability tokens form one span (tokens of one character
                    // share its bytes: NFKC makes several words of U+FDFA).
                    Some(last)
                        if t.bytes.start <= last.bytes.end || text[last.bytes.end..t.bytes.start].trim().is_empty() =>
                    {
                        last.bytes.end = last.bytes.end.max(t.bytes.end);
                        last.score = last.score.max(score);
                    }
                    _ => spans.push(GarbledSpan { bytes: t.bytes, score, reasons: vec![REASON] }),
                }
            }
            let mean = log10 / scored as f32;
            let flagged = !spans.is_empty();
            sentences.push(SentenceReport {
                bytes: s.bytes,
                kind: SentenceKind::Prose,
                quality: to_quality(mean),
                flagged,
                spans,
                round_trip: None,
            });
        });
        let quality = if count > 0 { to_quality((total / count as f64) as f32) } else { 1.0 };
        Report::new(quality, sentences)
    }
}

impl Detector for Perplexity {
    fn name(&self) -> &'static str {
        "perplexity"
    }

    fn check(&self, text: &str) -> Report {
        Perplexity::check(self, text)
    }

    fn marks_spans(&self) -> bool {
        true
    }

    fn threshold(&self) -> Option<f32> {
        None
    }

    fn analyzer(&self) -> &crate::analysis::Analyzer {
        &self.analyzer
    }
}

fn to_quality(mean_log10: f32) -> f32 {
    ((mean_log10 - WORST) / (BEST - WORST)).clamp(0.0, 1.0)
}
