//! The JSONL form of a [`Report`] (DESIGN "JSONL output"): field names and order as in the
//! contract, byte offsets and character offsets (Python string indices) for every sentence
//! and span, scores rounded to 4 decimals.

use super::{Report, SentenceKind};
use crate::text::CharOffsets;
use serde::{Deserialize, Serialize};

/// The JSONL mirror of a [`Report`] (field names and order as in DESIGN).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportJson {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<serde_json::Value>,
    pub quality: f32,
    pub flagged: bool,
    /// P(machine-translated or spun) of the document; null when the detector has no document
    /// model or the text is too short to judge.
    pub p_mt: Option<f32>,
    /// The verdict in words (`Report::verdict_text`).
    pub verdict: String,
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
        ReportJson {
            id,
            quality: round4(self.quality),
            flagged: self.flagged,
            p_mt: self.p_mt.map(round4),
            verdict: self.verdict_text(),
            sentences,
        }
    }
}

/// Scores are printed to 4 decimals: stable in diffs, finer than any decision made on them.
fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{GarbledSpan, SentenceKind, SentenceReport};
    use crate::text::ByteSpan;

    #[test]
    fn char_offsets_count_scalars_after_multibyte_text() {
        let text = "Zoë — “garbled words” here.";
        let start = text.find("garbled").unwrap();
        let end = start + "garbled words".len();
        let report = Report {
            quality: 0.25,
            flagged: true,
            p_mt: None,
            flag_line: None,
            sentences: vec![SentenceReport {
                bytes: ByteSpan::new(0, text.len()),
                kind: SentenceKind::Prose,
                quality: 0.25,
                flagged: true,
                spans: vec![GarbledSpan {
                    bytes: ByteSpan::new(start, end),
                    score: 0.9,
                    reasons: vec!["lm_surprisal"],
                }],
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
            line.starts_with(
                "{\"id\":\"doc-1\",\"quality\":0.25,\"flagged\":true,\"p_mt\":null,\"verdict\":\"likely machine-translated: 1 of 1 sentences garbled\",\"sentences\":[{\"start\":0"
            ),
            "{line}"
        );
    }
}
