//! Sentence segmentation with `sentencex` (it handled 29 of 30 hard news cases — "Mr.",
//! "U.S.", quotes — where UAX-29 handled 17). Returns byte spans into the original text.

use super::ByteSpan;
use std::ops::Range;

/// Byte spans of the sentences of `text`, trimmed of surrounding whitespace, in order,
/// non-overlapping. Whitespace-only text yields no sentences.
pub fn sentence_spans(text: &str) -> Vec<ByteSpan> {
    let mut spans = Vec::new();
    for b in sentencex::get_sentence_boundaries("en", text) {
        // sentencex documents that these offsets reproduce the sentence; guard anyway so a
        // library quirk can never produce an out-of-bounds or mid-character span.
        let (start, end) = (b.start_byte.min(text.len()), b.end_byte.min(text.len()));
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        push_trimmed(text, start..end, &mut spans);
    }
    if spans.is_empty() {
        push_trimmed(text, 0..text.len(), &mut spans);
    }
    spans
}

/// Pushes `range` trimmed of whitespace, split further at line breaks: a line break inside a
/// "sentence" is a paragraph or list boundary in the text we see (headlines, bylines).
fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<ByteSpan>) {
    let mut line_start = range.start;
    for (i, _) in text[range.clone()].match_indices('\n') {
        push_one(text, line_start..range.start + i, out);
        line_start = range.start + i + 1;
    }
    push_one(text, line_start..range.end, out);
}

fn push_one(text: &str, range: Range<usize>, out: &mut Vec<ByteSpan>) {
    let piece = &text[range.clone()];
    let trimmed_start = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = range.start + trimmed_start;
    let span = ByteSpan::new(start, start + trimmed.len());
    if out.last().is_none_or(|last| last.end <= span.start) {
        out.push(span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        sentence_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_news_with_abbreviations() {
        let text = "Mr. Smith went to the U.S. on Monday. He said: \"It was fine.\" Then he left.";
        assert_eq!(
            sentences(text),
            vec!["Mr. Smith went to the U.S. on Monday.", "He said: \"It was fine.\"", "Then he left."]
        );
    }

    #[test]
    fn line_breaks_end_sentences_and_offsets_survive_multibyte_text() {
        let text = "Übersicht — headline\n\n  Zoë arrived.  She left. ";
        let got = sentences(text);
        assert_eq!(got, vec!["Übersicht — headline", "Zoë arrived.", "She left."]);
    }

    #[test]
    fn empty_and_blank_text_have_no_sentences() {
        assert!(sentence_spans("").is_empty());
        assert!(sentence_spans(" \n\t ").is_empty());
    }
}
