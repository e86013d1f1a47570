//! Spin attribution (issue 27): a text read against its source. The sentences of the two are
//! aligned in order ([`align`]), each aligned pair is diffed by words ([`diff`]), and what the
//! text changed is reported as [`Change`]s with the source's words, beside a verdict: a spun
//! copy of the source, a copy that was not reworded, or unrelated to it.
//!
//! Why a second path beside the detector: a fluent wrong word ("son of former Soviet leader")
//! is wrong only against a fact, and no statistic of English shows it; against the source it
//! is certain.

mod against;
mod align;
mod diff;
pub mod direction;
pub mod minhash;
pub mod shingles;

pub use against::Source;

use crate::analysis::{Document, SentenceKind};
use crate::text::ByteSpan;
use std::borrow::Cow;

/// Words the text has where the source had others (or nothing).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The changed words in the checked text.
    pub bytes: ByteSpan,
    /// What the source had in their place ("" where the text inserted words).
    pub was: String,
}

/// What reading a text against its source found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceComparison {
    /// Prose sentences of the text (with words).
    pub sentences: usize,
    /// Of them, aligned to a sentence of the source.
    pub aligned: usize,
    /// Of the aligned ones, changed in any word.
    pub reworded: usize,
    /// Words of the aligned sentences, and how many of them were changed.
    pub words: usize,
    pub words_changed: usize,
    pub changes: Vec<Change>,
    /// The probability that the text is the copy and the source its original (not the other
    /// way round), by [`direction::p_original`]; None when not judged.
    pub p_copy: Option<f32>,
}

/// The relation of a text to its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceVerdict {
    /// Under [`MIN_ALIGNED_SHARE`] of its sentences match the source.
    Unrelated,
    /// Matches the source and changed at most [`MAX_COPY_CHANGE`] of its words.
    Copy,
    /// Matches the source, reworded.
    SpunCopy,
}

/// A text whose prose sentences align to the source less often than this is not taken from it.
pub const MIN_ALIGNED_SHARE: f32 = 0.3;
/// A copy changed in at most this share of its words is a copy, not a rewording.
pub const MAX_COPY_CHANGE: f32 = 0.02;

impl SourceComparison {
    pub fn verdict(&self) -> SourceVerdict {
        if self.sentences == 0 || (self.aligned as f32) < MIN_ALIGNED_SHARE * self.sentences as f32 {
            SourceVerdict::Unrelated
        } else if self.words_changed as f32 <= MAX_COPY_CHANGE * self.words.max(1) as f32 {
            SourceVerdict::Copy
        } else {
            SourceVerdict::SpunCopy
        }
    }

    /// The verdict in words, with the counts behind it.
    pub fn verdict_text(&self) -> String {
        let Self { sentences, aligned, reworded, words, words_changed, .. } = *self;
        match self.verdict() {
            SourceVerdict::Unrelated => {
                format!("unrelated to the source: {aligned} of {sentences} sentences match it")
            }
            SourceVerdict::Copy => format!("a copy of the source, not reworded: {aligned} of {sentences} sentences match it"),
            SourceVerdict::SpunCopy => format!(
                "spun copy of the source: {reworded} of {sentences} sentences reworded, {words_changed} of {words} words changed"
            ),
        }
    }
}

/// The words of a sentence: lower-cased keys, typography folded ([`plain_typography`]), and
/// where they stand.
fn words<'d>(doc: &'d Document, i: usize) -> Vec<(Cow<'d, str>, ByteSpan)> {
    doc.sentences[i].tokens.iter().filter(|t| t.is_word()).map(|t| (plain_typography(&t.key), t.bytes)).collect()
}

/// `word` with curly quotes and apostrophes, primes and dashes as their plain ASCII forms: a
/// copy that only changed "Afghanistan's" into "Afghanistan’s" did not reword it.
fn plain_typography(word: &str) -> Cow<'_, str> {
    let plain = |c: char| match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => Some('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Some('-'),
        _ => None,
    };
    if word.chars().any(|c| plain(c).is_some()) {
        Cow::Owned(word.chars().map(|c| plain(c).unwrap_or(c)).collect())
    } else {
        Cow::Borrowed(word)
    }
}

fn keys<'w>(words: &'w [(Cow<'_, str>, ByteSpan)]) -> Vec<&'w str> {
    words.iter().map(|w| w.0.as_ref()).collect()
}

/// Reads `text` against `source`, both split and tokenized by `analyzer`.
pub fn compare_texts(analyzer: &crate::analysis::Analyzer, text: &str, source: &str) -> SourceComparison {
    compare(&analyzer.analyze(text), &analyzer.analyze(source))
}

/// Reads `text` (analysed) against `source` (analysed the same way).
pub fn compare(text: &Document, source: &Document) -> SourceComparison {
    let ours: Vec<Vec<(Cow<str>, ByteSpan)>> = (0..text.sentences.len()).map(|i| words(text, i)).collect();
    let theirs: Vec<Vec<(Cow<str>, ByteSpan)>> = (0..source.sentences.len()).map(|i| words(source, i)).collect();
    let our_keys: Vec<Vec<&str>> = ours.iter().map(|s| keys(s)).collect();
    let their_keys: Vec<Vec<&str>> = theirs.iter().map(|s| keys(s)).collect();
    let pairs = align::align(&our_keys, &their_keys);
    let prose = |i: usize| text.sentences[i].kind == SentenceKind::Prose && !ours[i].is_empty();
    let mut out = SourceComparison { sentences: (0..ours.len()).filter(|&i| prose(i)).count(), ..Default::default() };
    for (i, j) in pairs {
        // A split or merged sentence is diffed as one stretch of words on each side.
        let a: Vec<(Cow<str>, ByteSpan)> = ours[i.clone()].concat();
        let b: Vec<(Cow<str>, ByteSpan)> = theirs[j].concat();
        let edits = diff::changed(&keys(&a), &keys(&b));
        let reworded = edits.iter().any(|e| !e.ours.is_empty() || !e.theirs.is_empty());
        for k in i.clone().filter(|&k| prose(k)) {
            out.aligned += 1;
            out.words += ours[k].len();
            out.reworded += usize::from(reworded);
        }
        for e in edits.iter().filter(|e| !e.ours.is_empty()) {
            // Changed words count in prose only (the sentence their first word stands in).
            let first = a[e.ours.start].1;
            if i.clone().find(|&k| ours[k].iter().any(|w| w.1 == first)).is_some_and(prose) {
                out.words_changed += e.ours.len();
            }
            let bytes = ByteSpan::new(first.start, a[e.ours.end - 1].1.end);
            let was = if e.theirs.is_empty() {
                String::new()
            } else {
                source.text[b[e.theirs.start].1.start..b[e.theirs.end - 1].1.end].to_string()
            };
            out.changes.push(Change { bytes, was });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comparison(sentences: usize, aligned: usize, words: usize, changed: usize) -> SourceComparison {
        SourceComparison {
            sentences,
            aligned,
            reworded: aligned,
            words,
            words_changed: changed,
            changes: vec![],
            p_copy: None,
        }
    }

    #[test]
    fn the_verdict_follows_the_shares() {
        assert_eq!(comparison(10, 2, 40, 20).verdict(), SourceVerdict::Unrelated);
        assert_eq!(comparison(10, 9, 200, 2).verdict(), SourceVerdict::Copy);
        assert_eq!(comparison(10, 9, 200, 40).verdict(), SourceVerdict::SpunCopy);
        assert_eq!(comparison(0, 0, 0, 0).verdict(), SourceVerdict::Unrelated);
        assert!(comparison(10, 9, 200, 40).verdict_text().starts_with("spun copy of the source: 9 of 10 sentences"));
    }
}
