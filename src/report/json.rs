//! The JSONL form of a [`Report`] (DESIGN "JSONL output"): field names and order as in the
//! contract, byte offsets and character offsets (Python string indices) for every sentence
//! and span, scores rounded to 4 decimals.

use super::{Report, SentenceKind};
use crate::attribution::SourceVerdict;
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
    /// The quality line this document's prose sentences were flagged against (higher in a
    /// document called machine-translated, lower in one judged human); null when the detector
    /// flags by another rule. Added in session 13 (issue 25); readers of older output ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag_line: Option<f32>,
    pub sentences: Vec<SentenceJson>,
    /// With `--source`: the text read against its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceJson>,
}

/// The JSONL form of a [`crate::attribution::SourceComparison`].
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct SourceJson {
    /// "spun copy of the source: 7 of 9 sentences reworded, 41 of 180 words changed", "a
    /// copy of the source, not reworded: …" or "unrelated to the source: …".
    pub verdict: String,
    /// `spun_copy`, `copy` or `unrelated`.
    pub relation: String,
    pub sentences: usize,
    pub aligned: usize,
    pub reworded: usize,
    pub words: usize,
    pub words_changed: usize,
    /// The probability that the text is the copy of the source (not its original); absent
    /// when not judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_copy: Option<f32>,
    pub changes: Vec<ChangeJson>,
}

/// Words the text changed: where, and what the source had there ("" for an insertion).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ChangeJson {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub was: String,
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
    /// The sentence's round trip through the neural MT engine, when it was sent (issue 33).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_trip: Option<RoundTripJson>,
    /// Why the sentence is marked, in plain words (`SentenceReport::reasons`); absent for a
    /// sentence neither flagged nor marked. Added in session 17 for the page and editors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<String>,
}

/// What a neural round trip (English → Portuguese → English) did to a sentence.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct RoundTripJson {
    pub text: String,
    pub similarity: f32,
    pub p_mt: f32,
    /// Flagged because it changes little when translated again.
    pub smooth: bool,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct SpanJson {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub score: f32,
    pub reasons: Vec<String>,
    /// The reasons in plain words ("improbable word", "repeated words"). Added in session 17.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<String>,
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
                        why: super::plain_words(span.reasons.iter().copied()),
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
                    round_trip: s.round_trip.as_ref().map(|r| RoundTripJson {
                        text: r.text.clone(),
                        similarity: round4(r.similarity),
                        p_mt: round4(r.p_mt),
                        smooth: r.smooth,
                    }),
                    why: s.reasons(),
                }
            })
            .collect();
        ReportJson {
            id,
            quality: round4(self.quality),
            flagged: self.flagged,
            p_mt: self.p_mt.map(round4),
            verdict: self.verdict_text(),
            flag_line: self.flag_line.map(round4),
            sentences,
            source: self.source.as_ref().map(|c| {
                // Changes come in text order, so the forward-only char counter still serves.
                let mut chars = CharOffsets::new(text);
                SourceJson {
                    verdict: c.verdict_text(),
                    relation: match c.verdict() {
                        SourceVerdict::SpunCopy => "spun_copy",
                        SourceVerdict::Copy => "copy",
                        SourceVerdict::Unrelated => "unrelated",
                    }
                    .to_string(),
                    sentences: c.sentences,
                    aligned: c.aligned,
                    reworded: c.reworded,
                    words: c.words,
                    words_changed: c.words_changed,
                    p_copy: c.p_copy.map(round4),
                    changes: c
                        .changes
                        .iter()
                        .map(|ch| ChangeJson {
                            start: ch.bytes.start,
                            end: ch.bytes.end,
                            char_start: chars.at(ch.bytes.start),
                            char_end: chars.at(ch.bytes.end),
                            was: ch.was.clone(),
                        })
                        .collect(),
                }
            }),
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
            source: None,
            p_garbled: None,
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
                round_trip: None,
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
