//! Translated-smoothness evidence: what a neural round trip does to a document's sentences.
//! Machine-translated English is already what an MT engine would write, so sending it to
//! Portuguese and back changes it less than human English (re-translation stability,
//! Nguyen-Son et al. 2019/2021); and what the trip changes in human English tends to make it
//! more predictable to the LM, not less. Both are read against what a sentence's own
//! statistics predict (short, common-word sentences come back unchanged whoever wrote them),
//! which is what the weights of `roundtrip.json` do ([`model`]).
//!
//! Only a bounded, deterministic sample of each document's prose sentences is sent (evenly
//! spaced, [`MAX_SAMPLED`] at most), so a long article costs the same as a short one.

pub mod lm_ratio;
pub mod model;

use crate::analysis::{Analyzer, Document, Sentence, SentenceKind};
use crate::translate::{Outcome, RoundTripEngine};
use lm_ratio::LmRatio;
use std::path::Path;

/// Sentences sent per document at most.
pub const MAX_SAMPLED: usize = 24;
/// Sentences with fewer words than this, or more than [`MAX_WORDS`], are not sent: short ones
/// come back unchanged whoever wrote them, long ones are slow and often cut.
pub const MIN_WORDS: usize = 6;
pub const MAX_WORDS: usize = 60;

/// The LM's view of a piece of text (its word tokens).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct LmStats {
    pub words: usize,
    /// Mean log10 p(word | context).
    pub log10p: f32,
    /// Mean log10 p(word).
    pub unigram: f32,
    /// Share of words the LM does not know.
    pub unknown: f32,
    /// Mean length of the n-gram matched.
    pub order: f32,
}

impl LmStats {
    pub fn of_sentences<'a>(sentences: impl IntoIterator<Item = &'a Sentence<'a>>) -> LmStats {
        let mut s = LmStats::default();
        let (mut lp, mut un, mut unk, mut ord) = (0.0f64, 0.0f64, 0usize, 0usize);
        for t in sentences.into_iter().flat_map(|s| &s.tokens).filter(|t| t.is_word()) {
            s.words += 1;
            lp += t.log10p as f64;
            un += t.unigram as f64;
            unk += (t.id == 0) as usize;
            ord += t.ngram_len as usize;
        }
        if s.words > 0 {
            let n = s.words as f64;
            s.log10p = (lp / n) as f32;
            s.unigram = (un / n) as f32;
            s.unknown = (unk as f64 / n) as f32;
            s.order = (ord as f64 / n) as f32;
        }
        s
    }

    pub fn of_text(analyzer: &Analyzer, text: &str) -> LmStats {
        let doc = analyzer.analyze(text);
        Self::of_sentences(&doc.sentences)
    }
}

/// One sentence's round trip, as the evidence reads it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Trip {
    /// The sentence's index in the document.
    pub sentence: usize,
    pub round_trip: String,
    /// Word similarity of the sentence and its round trip (1: unchanged).
    pub similarity: f32,
    /// Character-trigram F-score of the sentence and its round trip (chrF, 1: unchanged):
    /// sees changed word forms ("named" / "appointed" alike, "centre" / "center" close).
    pub chrf: f32,
    pub original: LmStats,
    pub trip: LmStats,
    /// The sentence's MT-vs-human LM ratio ([`lm_ratio`]), when the model folder has its LMs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lm_ratio: Option<f32>,
}

/// The indices of the prose sentences of `doc` to send: those of [`MIN_WORDS`]..=[`MAX_WORDS`]
/// words, evenly spaced when there are more than [`MAX_SAMPLED`].
pub fn sample(doc: &Document) -> Vec<usize> {
    let eligible: Vec<usize> = doc
        .sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == SentenceKind::Prose)
        .filter(|(_, s)| (MIN_WORDS..=MAX_WORDS).contains(&s.tokens.iter().filter(|t| t.is_word()).count()))
        .map(|(i, _)| i)
        .collect();
    if eligible.len() <= MAX_SAMPLED {
        return eligible;
    }
    (0..MAX_SAMPLED).map(|k| eligible[k * eligible.len() / MAX_SAMPLED]).collect()
}

/// The round trips of `doc`'s sampled sentences (those the engine took), with their LM ratio
/// when `ratio` is given.
pub fn trips(engine: &RoundTripEngine, analyzer: &Analyzer, doc: &Document, ratio: Option<&LmRatio>) -> Vec<Trip> {
    let chosen = sample(doc);
    let texts: Vec<&str> = chosen.iter().map(|&i| &doc.text[doc.sentences[i].bytes.range()]).collect();
    let outcomes = engine.round_trip(&texts, 1);
    chosen
        .iter()
        .zip(texts)
        .zip(outcomes)
        .filter_map(|((&i, text), outcome)| {
            let Outcome::Translated(rt) = outcome else { return None };
            Some(Trip {
                sentence: i,
                similarity: word_similarity(text, &rt),
                chrf: char_similarity(text, &rt),
                original: LmStats::of_sentences([&doc.sentences[i]]),
                trip: LmStats::of_text(analyzer, &rt),
                lm_ratio: ratio.map(|r| r.of_sentence(&doc.sentences[i])),
                round_trip: rt,
            })
        })
        .collect()
}

/// The mean of round-trip similarities (a document's stability); None for none.
pub fn mean_similarity(similarities: impl Iterator<Item = f32>) -> Option<f32> {
    let (sum, n) = similarities.fold((0f32, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f32)
}

/// The lower-cased words of `text` (letters and digits; punctuation and quotes left out, so
/// that the engine's quote habits do not count as changes).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// 2·LCS / (|a| + |b|) over the words of `a` and `b`: 1 when the words are the same, in order.
pub fn word_similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (words(a), words(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * lcs(&a, &b) as f32 / (a.len() + b.len()) as f32
}

/// The character-trigram F-score of `a` and `b` (as `chrf` in scripts/build/fit-roundtrip.py):
/// text lower-cased, every run of characters that are not letters, digits or `_` one space.
pub fn char_similarity(a: &str, b: &str) -> f32 {
    let (ga, gb) = (trigrams(a), trigrams(b));
    let (na, nb) = (ga.values().sum::<usize>(), gb.values().sum::<usize>());
    if na == 0 || nb == 0 {
        return 1.0;
    }
    let matched: usize = ga.iter().map(|(g, &n)| n.min(gb.get(g).copied().unwrap_or(0))).sum();
    if matched == 0 {
        return 0.0;
    }
    let (p, r) = (matched as f32 / nb as f32, matched as f32 / na as f32);
    2.0 * p * r / (p + r)
}

fn trigrams(text: &str) -> std::collections::HashMap<[char; 3], usize> {
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            chars.push(c);
        } else if chars.last().is_some_and(|&l| l != ' ') {
            chars.push(' ');
        }
    }
    while chars.last() == Some(&' ') {
        chars.pop();
    }
    let mut out = std::collections::HashMap::new();
    for w in chars.windows(3) {
        *out.entry([w[0], w[1], w[2]]).or_insert(0) += 1;
    }
    out
}

/// Length of the longest common subsequence (sentences are short: the quadratic table is
/// a few thousand cells; one row kept).
fn lcs(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { up.max(row[j]) };
            diagonal = up;
        }
    }
    row[b.len()]
}

/// The round-trip evidence of a model folder: the engine beside it, `roundtrip.json` and the
/// LM-ratio models in it.
pub struct RoundTripReader {
    engine: RoundTripEngine,
    model: model::RoundTripModel,
    lm_ratio: Option<LmRatio>,
}

/// A document's round trips as the evidence reads them.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// Per sent sentence: the trip and its logit of being machine-translated.
    pub trips: Vec<(Trip, f32)>,
    /// The document's round-trip score ([`model::RoundTripModel::document_score`]; None when
    /// nothing was sent).
    score: Option<f32>,
}

impl Reading {
    /// The document's round-trip score (None when nothing was sent).
    pub fn score(&self) -> Option<f32> {
        self.score
    }
}

impl RoundTripReader {
    /// The reader of model folder `dir`: None when it has no `roundtrip.json` (a model without
    /// round-trip evidence); an error when it has one but the engine folder beside it
    /// (`$MTCHECK_MT_DIR`, else `../en-pt-roundtrip`) is missing or damaged.
    pub fn open(dir: &Path) -> crate::error::Result<Option<Self>> {
        let path = dir.join(crate::model_dir::ROUNDTRIP_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let engine_dir = crate::translate::engine_dir_for(dir);
        let (model, engine) = rayon::join(|| model::RoundTripModel::load(&path), || RoundTripEngine::open(&engine_dir));
        let (model, lm_ratio) = (model?, LmRatio::open(dir)?);
        if model.document.lm_ratio_weight != 0.0 && lm_ratio.is_none() {
            return Err(crate::error::Error::bad_model(
                &path,
                format!(
                    "it weighs the LM ratio, but {} and {} are missing; rebuild them with scripts/build/build-lm-ratio.sh",
                    lm_ratio::MT_FILE,
                    lm_ratio::HUMAN_FILE
                ),
            ));
        }
        Ok(Some(RoundTripReader { engine: engine?, model, lm_ratio }))
    }

    /// The LM-ratio models (None: the folder has none).
    pub fn lm_ratio(&self) -> Option<&LmRatio> {
        self.lm_ratio.as_ref()
    }

    pub fn model(&self) -> &model::RoundTripModel {
        &self.model
    }

    pub fn engine(&self) -> &RoundTripEngine {
        &self.engine
    }

    /// The round trips of `doc`'s sampled sentences, each with its logit.
    pub fn read(&self, analyzer: &Analyzer, doc: &Document) -> Reading {
        let trips: Vec<(Trip, f32)> = trips(&self.engine, analyzer, doc, self.lm_ratio.as_ref())
            .into_iter()
            .map(|t| {
                let l = self.model.sentence_logit(&t);
                (t, l)
            })
            .collect();
        Reading { score: self.model.document_score(&trips), trips }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_counts_words_in_order_and_ignores_quotes_and_case() {
        assert_eq!(word_similarity("The cat sat.", "the cat sat"), 1.0);
        assert_eq!(word_similarity("“Analysts’ view”", "\"analysts\" view"), 1.0);
        let s = word_similarity("Officials said the robbery was over", "Authorities said the assault was over");
        assert!((s - 8.0 / 12.0).abs() < 1e-6, "{s}");
        assert_eq!(word_similarity("a b c", "x y z"), 0.0);
    }

    #[test]
    fn char_similarity_is_the_fit_scripts_chrf() {
        // Values from scripts/build/fit-roundtrip.py's chrf().
        let s = char_similarity("Officials said the robbery was over.", "Authorities said the assault was over");
        assert!((s - 0.470_588_24).abs() < 1e-5, "{s}");
        assert_eq!(char_similarity("“Same” text!", "same text"), 1.0);
        assert_eq!(char_similarity("ab", "xyz"), 1.0);
    }
}
