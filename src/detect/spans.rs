//! Garbled spans: runs of garbled tokens merged into one highlighted stretch, each with its
//! score and the features that drove it.

use crate::analysis::ScoredToken;
use crate::report::GarbledSpan;
use crate::text::ByteSpan;

/// Merges consecutive tokens with P(garbled) ≥ `threshold` into spans. `reasons(i)` names the
/// features behind token `i`; a span keeps the most frequent ones (at most three).
pub fn merge(
    words: &[ScoredToken],
    probs: &[f32],
    threshold: f32,
    reasons: impl Fn(usize) -> Vec<&'static str>,
) -> Vec<GarbledSpan> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if probs[i] < threshold || !words[i].is_word() {
            i += 1;
            continue;
        }
        let start = i;
        // Extend over garbled tokens; punctuation inside a run joins it, at its end does not.
        while i + 1 < words.len() && probs[i + 1] >= threshold {
            i += 1;
        }
        let mut end = i;
        while end > start && !words[end].is_word() {
            end -= 1;
        }
        let mut tally: Vec<(&'static str, usize)> = Vec::new();
        for k in start..=end {
            for r in reasons(k) {
                match tally.iter_mut().find(|(n, _)| *n == r) {
                    Some((_, c)) => *c += 1,
                    None => tally.push((r, 1)),
                }
            }
        }
        tally.sort_by(|a, b| b.1.cmp(&a.1));
        spans.push(GarbledSpan {
            bytes: ByteSpan::new(words[start].bytes.start, words[end].bytes.end),
            score: probs[start..=end].iter().copied().fold(0.0, f32::max),
            reasons: tally.into_iter().take(3).map(|(n, _)| n).collect(),
        });
        i += 1;
    }
    normalize(spans)
}

/// Spans sorted by start, with any that overlap or repeat one another merged into one (the
/// highest score, the first three reasons of both). Why here: one character can become several
/// tokens under NFKC (U+FDFA, an Arabic ligature, is four words), all with the character's
/// bytes, so two runs could carry the same bytes; every reader of spans (the printer, JSONL,
/// LanguageTool's matches) relies on spans that never overlap.
pub fn normalize(mut spans: Vec<GarbledSpan>) -> Vec<GarbledSpan> {
    spans.retain(|s| s.bytes.start < s.bytes.end);
    spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    let mut out: Vec<GarbledSpan> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.bytes.start < last.bytes.end => {
                last.bytes = ByteSpan::new(last.bytes.start, last.bytes.end.max(span.bytes.end));
                last.score = last.score.max(span.score);
                for r in span.reasons {
                    if last.reasons.len() < 3 && !last.reasons.contains(&r) {
                        last.reasons.push(r);
                    }
                }
            }
            _ => out.push(span),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_overlapping_spans_become_one() {
        let span = |a, b, score, r: &'static str| GarbledSpan { bytes: ByteSpan::new(a, b), score, reasons: vec![r] };
        let merged =
            normalize(vec![span(1, 4, 0.7, "x"), span(1, 4, 0.9, "y"), span(6, 9, 0.5, "z"), span(3, 5, 0.6, "x")]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].bytes, ByteSpan::new(1, 5));
        assert_eq!(merged[0].score, 0.9);
        assert_eq!(merged[0].reasons, vec!["x", "y"]);
        assert_eq!(merged[1].bytes, ByteSpan::new(6, 9));
    }

    fn words(text: &str) -> Vec<ScoredToken<'_>> {
        let mut out = Vec::new();
        let mut pos = 0;
        for w in text.split(' ') {
            out.push(ScoredToken {
                bytes: ByteSpan::new(pos, pos + w.len()),
                surface: w.into(),
                key: w.to_lowercase().into(),
                id: 5,
                log10p: -2.0,
                ngram_len: 2,
                unigram: -4.0,
            });
            pos += w.len() + 1;
        }
        out
    }

    #[test]
    fn runs_merge_and_trailing_punctuation_stays_out() {
        let text = "it grows as it grows , he said";
        let w = words(text);
        let p = [0.1, 0.9, 0.8, 0.9, 0.7, 0.9, 0.1, 0.1];
        let spans =
            merge(&w, &p, 0.5, |k| if k % 2 == 0 { vec!["repetition"] } else { vec!["lm_surprisal", "repetition"] });
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].bytes], "grows as it grows");
        assert_eq!(spans[0].score, 0.9);
        assert_eq!(spans[0].reasons, vec!["repetition", "lm_surprisal"]);
    }

    #[test]
    fn separate_runs_give_separate_spans() {
        let text = "a b c d";
        let spans = merge(&words(text), &[0.9, 0.1, 0.9, 0.9], 0.5, |_| vec!["x"]);
        let got: Vec<&str> = spans.iter().map(|s| &text[s.bytes]).collect();
        assert_eq!(got, vec!["a", "c d"]);
    }
}
