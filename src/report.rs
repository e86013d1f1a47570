//! What a check finds, and its JSONL form (DESIGN "JSONL output"): one object per document with
//! its quality, whether it is flagged, and its sentences with their spans. Offsets are bytes
//! into the original text internally; character offsets are added only at this output edge.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A garbled span: byte range into the document, its score and what drove it.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub bytes: Range<usize>,
    /// P(garbled) of the span, in [0, 1].
    pub score: f32,
    /// Names of the features that drove it.
    pub reasons: Vec<&'static str>,
}

/// Whether a sentence is running prose or page furniture (bylines, share prompts, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentenceKind {
    Prose,
    Boilerplate,
}

/// One sentence's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceReport {
    pub bytes: Range<usize>,
    pub kind: SentenceKind,
    /// 1 for fluent human English, 0 for garbage.
    pub quality: f32,
    pub flagged: bool,
    pub spans: Vec<Span>,
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

/// The JSONL mirror of a [`Report`] (field names and order as in DESIGN).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportJson {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<serde_json::Value>,
    pub quality: f32,
    pub flagged: bool,
    pub sentences: Vec<SentenceJson>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct SentenceJson {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub kind: SentenceKind,
    pub quality: f32,
    pub flagged: bool,
    pub spans: Vec<SpanJson>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct SpanJson {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// Converts byte offsets of `text` to character (Unicode scalar) offsets, in increasing order
/// of queries, in one pass.
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0 }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            // Out of order (never from a well-formed report): count from the start.
            return self.text[..byte].chars().count();
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

impl Report {
    /// The JSONL form of this report on `text`, with `id` copied from the input record.
    pub fn to_json(&self, text: &str, id: Option<serde_json::Value>) -> ReportJson {
        let mut chars = CharOffsets::new(text);
        let sentences = self
            .sentences
            .iter()
            .map(|s| {
                let char_start = chars.at(s.bytes.start);
                let mut spans = Vec::with_capacity(s.spans.len());
                for span in &s.spans {
                    spans.push(SpanJson {
                        start: span.bytes.start,
                        end: span.bytes.end,
                        char_start: chars.at(span.bytes.start),
                        char_end: chars.at(span.bytes.end),
                        score: round4(span.score),
                        reasons: span.reasons.iter().map(|r| r.to_string()).collect(),
                    });
                }
                SentenceJson {
                    start: s.bytes.start,
                    end: s.bytes.end,
                    char_start,
                    char_end: chars.at(s.bytes.end),
                    kind: s.kind,
                    quality: round4(s.quality),
                    flagged: s.flagged,
                    spans,
                }
            })
            .collect();
        ReportJson { id, quality: round4(self.quality), flagged: self.flagged, sentences }
    }
}

/// Scores are printed to 4 decimals: stable in diffs, finer than any decision made on them.
fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_count_scalars_after_multibyte_text() {
        let text = "Zoë — “garbled words” here.";
        let start = text.find("garbled").unwrap();
        let end = start + "garbled words".len();
        let report = Report {
            quality: 0.25,
            flagged: true,
            sentences: vec![SentenceReport {
                bytes: 0..text.len(),
                kind: SentenceKind::Prose,
                quality: 0.25,
                flagged: true,
                spans: vec![Span { bytes: start..end, score: 0.9, reasons: vec!["lm_surprisal"] }],
            }],
        };
        let json = report.to_json(text, Some(serde_json::json!("doc-1")));
        let span = &json.sentences[0].spans[0];
        let as_chars: String = text.chars().skip(span.char_start).take(span.char_end - span.char_start).collect();
        assert_eq!(as_chars, "garbled words");
        assert_eq!(&text[span.start..span.end], "garbled words");
        assert_eq!(json.sentences[0].char_end, text.chars().count());
        let line = serde_json::to_string(&json).unwrap();
        assert!(
            line.starts_with("{\"id\":\"doc-1\",\"quality\":0.25,\"flagged\":true,\"sentences\":[{\"start\":0"),
            "{line}"
        );
    }
}
