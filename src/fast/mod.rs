//! The fast scorer: sentence quality from one small forest (100 trees of depth 4) over sentence statistics
//! ([`features`]), for `mtcheck filter` on crawls, where the detector's full feature set and
//! its 2,000 trees cost ~1 MB/s per core. It gives qualities and flags but no spans (spans
//! need the token forest); `filter --scorer full` uses the detector instead. Stored as
//! `fast_scorer.json` beside the detector's `scorer.json`; its accuracy is in
//! reports/accuracy.md (`mtcheck eval --scorer fast`).

pub mod features;
pub mod train;

use crate::boilerplate;
use crate::error::{Error, Result};
use crate::features::lm_word;
use crate::lm::LanguageModel;
use crate::model_dir::{default_model_dir, FAST_SCORER_FILE, LM_FILE, TOKENIZER_FILE};
use crate::report::{Report, SentenceKind, SentenceReport};
use crate::scorer::gbt::Forest;
use crate::scorer::Calibration;
use crate::text::{lm_key, sentence_spans, Lines, Tokenizer};
use features::{sentence_row, Scratch, TokenScore};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::Path;

pub const FORMAT: &str = "mtcheck-fast-scorer v1";

/// The fast scorer file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FastScorer {
    pub format: String,
    pub inputs: Vec<String>,
    pub forest: Forest,
    pub calibration: Calibration,
    /// A sentence is flagged below this quality.
    pub threshold: f32,
    pub provenance: serde_json::Value,
}

impl FastScorer {
    pub fn load(path: &Path) -> Result<Self> {
        let fix = "build it with `mtcheck train fast` (scripts/build-model.sh)";
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::bad_model(path, format!("no fast scorer in this model folder; {fix}"))
            }
            _ => Error::io(path, e),
        })?;
        let model: FastScorer = serde_json::from_slice(&bytes)
            .map_err(|e| Error::bad_model(path, format!("not a valid fast scorer file ({e}); {fix}")))?;
        if model.format != FORMAT {
            return Err(Error::bad_model(path, format!("format {:?}, expected {FORMAT:?}; {fix}", model.format)));
        }
        if model.inputs.iter().map(String::as_str).ne(features::NAMES.iter().copied())
            || model.forest.inputs != features::NAMES.len()
        {
            return Err(Error::bad_model(path, format!("its inputs differ from this build's; {fix}")));
        }
        model.forest.validate().map_err(|e| Error::bad_model(path, format!("forest: {e}")))?;
        Ok(model)
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec(self).map_err(|e| Error::Config(e.to_string()))?;
        crate::lm::storage::write_atomically(path, |f| std::io::Write::write_all(f, &json))
    }

    /// Uncalibrated score of an input row (predicted human quality, z units).
    pub fn score(&self, row: &[f32]) -> f32 {
        self.forest.margin(ndarray::ArrayView1::from(row))
    }
}

/// The fast scorer with the LM and tokenizer it reads from: `check` gives a [`Report`] like
/// [`crate::Checker::check`], without spans. Loading reads the LM into memory (tens of ms),
/// which pays off over many documents.
///
/// ```
/// let fast = mtcheck::fast::FastChecker::new()?;
/// let report = fast.check("The council approved the budget on Tuesday after a long debate.");
/// assert!((0.0..=1.0).contains(&report.quality) && report.sentences[0].spans.is_empty());
/// # Ok::<(), mtcheck::Error>(())
/// ```
pub struct FastChecker {
    lm: LanguageModel,
    tokenizer: Tokenizer,
    scorer: FastScorer,
    threshold: f32,
}

impl FastChecker {
    /// The shipped English model.
    pub fn new() -> Result<Self> {
        Self::with_model(&default_model_dir())
    }

    pub fn with_model(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::bad_model(dir, "no such model folder"));
        }
        // Bulk scoring: the LM in memory on huge pages (see LanguageModel::open_in_memory).
        let lm = LanguageModel::open_in_memory(&dir.join(LM_FILE))?;
        let tokenizer = Tokenizer::from_file(&dir.join(TOKENIZER_FILE))?;
        let scorer = FastScorer::load(&dir.join(FAST_SCORER_FILE))?;
        let threshold = scorer.threshold;
        Ok(FastChecker { lm, tokenizer, scorer, threshold })
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn set_threshold(&mut self, threshold: f32) {
        self.threshold = threshold;
    }

    pub fn check(&self, text: &str) -> Report {
        let has_prose = text.lines().any(boilerplate::is_prose_line);
        let lines = Lines::new(text);
        let mut sentences = Vec::new();
        let mut words = Vec::new();
        sentence_rows(&self.lm, &self.tokenizer, text, |bytes, row, n| {
            let quality = self.scorer.calibration.quality(self.scorer.score(row));
            let kind = boilerplate::kind(text, &lines, &bytes, has_prose);
            let flagged = kind == SentenceKind::Prose && quality < self.threshold;
            sentences.push(SentenceReport { bytes, kind, quality, flagged, spans: Vec::new() });
            words.push(n);
        });
        Report::from_sentences(sentences, &words)
    }
}

/// Calls `each(span, input row, tokens)` for every sentence of `text` that has tokens.
pub fn sentence_rows(
    lm: &LanguageModel,
    tokenizer: &Tokenizer,
    text: &str,
    mut each: impl FnMut(Range<usize>, &[f32], usize),
) {
    let eos = crate::lm::ngram::EOS;
    let eos_unigram = lm.unigram(eos).0;
    let mut scratch = Scratch::default();
    let mut row = Vec::with_capacity(features::NAMES.len());
    let mut ids = Vec::new();
    for span in sentence_spans(text) {
        let mut tokens = Vec::new();
        tokenizer.tokenize_into(&text[span.clone()], &mut |t| tokens.push(t));
        if tokens.is_empty() {
            continue;
        }
        let keys: Vec<_> = tokens.iter().map(|t| lm_key(&t.text)).collect();
        ids.clear();
        ids.extend(keys.iter().map(|k| lm.word_id(&lm_word(k))));
        let (_, scores) = lm.score_sentence(&ids);
        let scored: Vec<TokenScore> = tokens
            .iter()
            .zip(&keys)
            .zip(ids.iter().zip(&scores))
            .map(|((t, key), (&id, &(log10p, ngram_len)))| TokenScore {
                text: &t.text,
                key,
                id,
                log10p,
                ngram_len,
                unigram: lm.unigram(id).0,
            })
            .collect();
        let (end, _) = *scores.last().expect("score_sentence scores </s>");
        sentence_row(&scored, (end, end - eos_unigram), lm.order(), &mut scratch, &mut row);
        each(span, &row, tokens.len());
    }
}
