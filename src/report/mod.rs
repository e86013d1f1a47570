//! What a check finds: one [`Report`] per document with its quality, whether it is flagged,
//! and its sentences with their garbled spans, as byte spans into the original text. Its
//! JSONL form ([`json`], DESIGN "JSONL output") adds character offsets at this output edge.

mod json;

pub use crate::analysis::SentenceKind;
pub use json::{ReportJson, SentenceJson, SpanJson};

use crate::text::ByteSpan;

/// A stretch of a sentence judged garbled: where it is, its score and what drove it.
#[derive(Clone, Debug, PartialEq)]
pub struct GarbledSpan {
    pub bytes: ByteSpan,
    /// P(garbled) of the span, in [0, 1].
    pub score: f32,
    /// Names of the features that drove it.
    pub reasons: Vec<&'static str>,
}

/// One sentence's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceReport {
    pub bytes: ByteSpan,
    pub kind: SentenceKind,
    /// 1 for fluent human English, 0 for garbage.
    pub quality: f32,
    pub flagged: bool,
    pub spans: Vec<GarbledSpan>,
}

/// One document's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub quality: f32,
    pub flagged: bool,
    pub sentences: Vec<SentenceReport>,
}

impl Report {
    /// The report of a document from its sentences' verdicts and token counts: the document's
    /// quality is the token-weighted mean over its prose (over everything when there is
    /// nothing but furniture; 1 for a document without sentences).
    pub fn from_sentences(sentences: Vec<SentenceReport>, tokens: &[usize]) -> Report {
        let mean = |prose_only: bool| {
            let (mut weighted, mut weight) = (0f32, 0f32);
            for (s, &n) in sentences.iter().zip(tokens) {
                if !prose_only || s.kind == SentenceKind::Prose {
                    weighted += s.quality * n as f32;
                    weight += n as f32;
                }
            }
            (weight > 0.0).then(|| weighted / weight)
        };
        let quality = mean(true).or_else(|| mean(false)).unwrap_or(1.0);
        Report { quality, flagged: sentences.iter().any(|s| s.flagged), sentences }
    }
}
