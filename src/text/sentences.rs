//! Sentence segmentation with `sentencex` (it handled 29 of 30 hard news cases — "Mr.",
//! "U.S.", quotes — where UAX-29 handled 17). Returns byte spans into the original text.

use super::ByteSpan;
use std::ops::Range;

/// `sentencex` gets the text in pieces of at most this many bytes. Its quote and bracket
/// handling takes time that grows faster than the square of the input's length on some texts
/// (a random mix of `a . " ( )`: 100 KB took 0.2 s, 400 KB 6.9 s, 5 MB minutes), so one hostile
/// record could stall a crawl. Pieces are cut at line breaks where there are any, which the
/// sentences never cross anyway; normal documents are one piece.
const MAX_PIECE_BYTES: usize = 16 * 1024;

/// Byte spans of the sentences of `text`, trimmed of surrounding whitespace, in order,
/// non-overlapping. Whitespace-only text yields no sentences. Linear time on any input.
pub fn sentence_spans(text: &str) -> Vec<ByteSpan> {
    let mut spans = Vec::new();
    let soft = soft_line_breaks(text);
    for piece in pieces(text, MAX_PIECE_BYTES) {
        for b in sentencex::get_sentence_boundaries("en", &text[piece.clone()]) {
            // sentencex documents that these offsets reproduce the sentence; guard anyway so a
            // library quirk can never produce an out-of-bounds or mid-character span.
            let (start, end) = (piece.start + b.start_byte.min(piece.len()), piece.start + b.end_byte.min(piece.len()));
            if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            push_trimmed(text, start..end, &soft, &mut spans);
        }
    }
    if spans.is_empty() {
        push_trimmed(text, 0..text.len(), &soft, &mut spans);
    }
    spans
}

/// `text` cut into consecutive ranges of at most `max` bytes: after the last line break of
/// each window, else after the last whitespace that follows a sentence ending, else after any
/// last whitespace, else at a character boundary.
fn pieces(text: &str, max: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > max {
        let mut end = start + max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let window = &text[start..end];
        let after_sentence = || {
            window
                .char_indices()
                .rev()
                .find(|&(i, c)| c.is_whitespace() && window[..i].ends_with(['.', '!', '?', '"', '\u{201D}']))
        };
        let cut = window
            .rfind('\n')
            .map(|i| i + 1)
            .or_else(|| after_sentence().map(|(i, c)| i + c.len_utf8()))
            .or_else(|| window.char_indices().rev().find(|(_, c)| c.is_whitespace()).map(|(i, c)| i + c.len_utf8()))
            .filter(|&cut| cut > 0)
            .unwrap_or(window.len());
        out.push(start..start + cut);
        start += cut;
    }
    out.push(start..text.len());
    out
}

/// The line breaks of a hard-wrapped text that only wrap a paragraph (byte offsets of their
/// `\n`, sorted). E-mail, plain-text and scraped articles often come wrapped at a fixed width
/// (`fold -s -w 60`): there a line break ends no sentence, and the short last line of a
/// paragraph is not a headline. A text counts as wrapped when at least 4 of its lines run on
/// into a next line and at least 80% of those reach 60% of the longest line, which is at most
/// 120 characters; then the breaks after such lines are soft. Headlines, bylines and menus
/// (short lines of mixed length) and paragraph-a-line text (long lines) are not wrapped.
fn soft_line_breaks(text: &str) -> Vec<usize> {
    const MAX_WIDTH: usize = 120;
    let mut lines = Vec::new(); // (offset of the line's `\n`, if any; its length in characters)
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let newline = line.ends_with('\n').then(|| start + line.len() - 1);
        lines.push((newline, line.trim_end().chars().count()));
        start += line.len();
    }
    let width = lines.iter().map(|l| l.1).max().unwrap_or(0);
    if width == 0 || width > MAX_WIDTH {
        return Vec::new();
    }
    let full = |chars: usize| chars * 10 >= width * 6;
    // Lines followed by a non-blank line: where a wrap could be.
    let runs_on: Vec<(Option<usize>, usize)> =
        lines.windows(2).filter(|w| w[0].1 > 0 && w[1].1 > 0).map(|w| w[0]).collect();
    let full_ones = runs_on.iter().filter(|l| full(l.1)).count();
    if runs_on.len() < 4 || full_ones * 10 < runs_on.len() * 8 {
        return Vec::new();
    }
    runs_on.iter().filter(|l| full(l.1)).filter_map(|l| l.0).collect()
}

/// Pushes `range` trimmed of whitespace, split further at line breaks: a line break inside a
/// "sentence" is a paragraph or list boundary in the text we see (headlines, bylines), unless
/// it is `soft` (a hard wrap, see [`soft_line_breaks`]).
fn push_trimmed(text: &str, range: Range<usize>, soft: &[usize], out: &mut Vec<ByteSpan>) {
    let mut line_start = range.start;
    for (i, _) in text[range.clone()].match_indices('\n') {
        if soft.binary_search(&(range.start + i)).is_ok() {
            continue; // a hard wrap inside a paragraph, not a boundary
        }
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
    let mut span = ByteSpan::new(start, start + trimmed.len());
    if let Some(last) =
        out.last_mut().filter(|last| last.end <= span.start && !text[last.end..span.start].contains('\n'))
    {
        // Punctuation alone right after a sentence on its line is that sentence's end: sentencex
        // reads the closing quote of `with."` at a line's end as the next sentence's opening one,
        // which left a sentence `"` (scored as prose, and low).
        if !trimmed.chars().any(char::is_alphanumeric) {
            last.end = span.end;
            return;
        }
        // The other way round: sentencex ends `Pedram said. “Either we …` after the opening
        // quote, leaving the sentence `Pedram said. “` and the next without its quote. An opening
        // quote after whitespace at a sentence's end belongs to the sentence after it.
        if let Some(quote) = dangling_opening_quote(&text[last.start..last.end]) {
            let quote_start = last.start + quote;
            last.end = last.start + text[last.start..quote_start].trim_end().len();
            span = ByteSpan::new(quote_start, span.end);
        }
    }
    if out.last().is_none_or(|last| last.end <= span.start) {
        out.push(span);
    }
}

/// Where `sentence` ends in an opening quote mark that follows whitespace (`said. “`), the
/// quote's offset; `None` when that would leave nothing before it.
fn dangling_opening_quote(sentence: &str) -> Option<usize> {
    let quote = sentence.char_indices().next_back().filter(|(_, c)| matches!(c, '“' | '‘' | '«' | '„'))?.0;
    let before = &sentence[..quote];
    (before.ends_with(char::is_whitespace) && !before.trim().is_empty()).then_some(quote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_quote_at_a_line_end_stays_with_its_sentence() {
        let text = "He said: \"Visitors choose. They engage with.\"\nThe next line starts here.";
        let got: Vec<&str> = sentence_spans(text).iter().map(|s| &text[*s]).collect();
        assert!(got.iter().all(|s| s.chars().any(char::is_alphanumeric)), "{got:?}");
        assert!(got.iter().any(|s| s.ends_with("with.\"")), "{got:?}");
        assert_eq!(got.last(), Some(&"The next line starts here."));
    }

    #[test]
    fn an_opening_quote_at_a_sentence_end_moves_to_the_next_sentence() {
        let text = "They will go to war, Pedram said. “Either we accept it or we reject it. Nothing more.";
        let got: Vec<&str> = sentence_spans(text).iter().map(|s| &text[*s]).collect();
        assert_eq!(got[0], "They will go to war, Pedram said.");
        assert!(got[1].starts_with("“Either"), "{got:?}");
        assert_eq!(got.concat().replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn long_texts_are_cut_into_pieces_at_line_breaks_then_sentence_ends() {
        let text = format!("{}\n{}", "First line. ".repeat(5), "One sentence. Another one. ".repeat(10));
        let cuts = pieces(&text, 100);
        assert!(cuts.iter().all(|r| r.len() <= 100), "{cuts:?}");
        assert_eq!(cuts.iter().map(|r| r.len()).sum::<usize>(), text.len());
        assert!(text[..cuts[1].start].ends_with('\n'), "a line break first");
        assert!(text[..cuts[2].start].ends_with(". "), "then after a sentence end");
        assert_eq!(pieces("short", 100), vec![0..5]);
        let junk = "é".repeat(200);
        assert!(pieces(&junk, 101).iter().all(|r| junk.is_char_boundary(r.start) && r.len() <= 101));
    }

    #[test]
    fn a_document_over_the_piece_size_splits_as_before_at_its_line_breaks() {
        let paragraph = "The council met on Monday. It approved the plan, Mr. Smith said.";
        let text = vec![paragraph; 400].join("\n");
        let got = sentence_spans(&text);
        assert_eq!(got.len(), 800);
        assert!(got
            .iter()
            .all(|s| matches!(&text[*s], "The council met on Monday." | "It approved the plan, Mr. Smith said.")));
    }

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
