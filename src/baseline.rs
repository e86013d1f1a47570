//! The perplexity baseline, as crawl filters use an n-gram LM (DESIGN "What measurement already
//! says"): a sentence's quality is its mean log10 probability per token, rescaled to [0, 1];
//! spans are tokens with log10 p < −4; a sentence is flagged when it has a span. It is the bar
//! the detector must beat, reported beside it in reports/accuracy.md.

use crate::lm::LanguageModel;
use crate::report::{Report, SentenceKind, SentenceReport, Span};
use crate::text::{lm_key, sentence_spans, Tokenizer};

/// Tokens below this log10 probability are spans.
pub const SPAN_LOG10_P: f32 = -4.0;
/// Mean log10 p mapped to quality 0 and to quality 1 (linear between, clamped).
const WORST: f32 = -5.0;
const BEST: f32 = -1.0;

pub const REASON: &str = "lm_surprisal";

/// Checks `text` with the baseline.
pub fn check(lm: &LanguageModel, tokenizer: &Tokenizer, text: &str) -> Report {
    let mut sentences = Vec::new();
    let (mut total, mut count) = (0f64, 0usize);
    for range in sentence_spans(text) {
        let sentence = &text[range.clone()];
        let tokens = tokenizer.tokenize(sentence);
        let ids: Vec<u32> = tokens.iter().map(|t| lm.word_id(&lm_key(&t.text))).collect();
        let (log10, per_word) = lm.score_sentence(&ids);
        total += log10 as f64;
        count += per_word.len();
        let mut spans: Vec<Span> = Vec::new();
        for (tok, &(p, _)) in tokens.iter().zip(&per_word) {
            if p >= SPAN_LOG10_P {
                continue;
            }
            let bytes = range.start + tok.start..range.start + tok.end;
            let score = ((SPAN_LOG10_P - p) / 4.0).clamp(0.0, 1.0) * 0.5 + 0.5;
            match spans.last_mut() {
                // Adjacent low-probability tokens form one span.
                Some(last) if text[last.bytes.end..bytes.start].trim().is_empty() => {
                    last.bytes.end = bytes.end;
                    last.score = last.score.max(score);
                }
                _ => spans.push(Span { bytes, score, reasons: vec![REASON] }),
            }
        }
        let mean = log10 / per_word.len() as f32;
        sentences.push(SentenceReport {
            bytes: range,
            kind: SentenceKind::Prose,
            quality: to_quality(mean),
            flagged: !spans.is_empty(),
            spans,
        });
    }
    let quality = if count > 0 { to_quality((total / count as f64) as f32) } else { 1.0 };
    Report { quality, flagged: sentences.iter().any(|s| s.flagged), sentences }
}

fn to_quality(mean_log10: f32) -> f32 {
    ((mean_log10 - WORST) / (BEST - WORST)).clamp(0.0, 1.0)
}
