//! The fast detector: sentence quality from one small forest (100 trees of depth 4) over sentence statistics
//! ([`features`]), for `mtcheck filter` on crawls, where the detector's full feature set and
//! its 2,000 trees cost ~1 MB/s per core. It gives qualities and flags but no spans (spans
//! need the token forest); `filter --scorer full` uses the detector instead. Stored as
//! `fast_scorer.json` beside the detector's `scorer.json`; its accuracy is in
//! reports/accuracy.md (`mtcheck eval --scorer fast`).

pub mod features;

use super::forest::{Calibration, Forest};
use super::Detector;
use crate::analysis::{Analyzer, Lookup, Sentence, SentenceKind};
use crate::error::{Error, Result};
use crate::model_dir::{default_model_dir, FAST_SCORER_FILE};
use crate::report::{Report, SentenceReport};
use features::{sentence_row, Scratch};
use serde::{Deserialize, Serialize};
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
        let fix = "build it with `mtcheck train fast` (scripts/build/build-model.sh)";
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
        crate::io::output::write_atomically(path, |f| std::io::Write::write_all(f, &json))
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
/// let fast = mtcheck::FastChecker::new()?;
/// let report = fast.check("The council approved the budget on Tuesday after a long debate.");
/// assert!((0.0..=1.0).contains(&report.quality) && report.sentences[0].spans.is_empty());
/// # Ok::<(), mtcheck::Error>(())
/// ```
pub struct FastChecker {
    analyzer: Analyzer,
    scorer: FastScorer,
    threshold: f32,
}

impl FastChecker {
    /// The shipped English model.
    pub fn new() -> Result<Self> {
        Self::with_model(&default_model_dir())
    }

    /// The model in folder `dir`, its LM read into memory on huge pages (see
    /// [`crate::lm::LanguageModel::open_in_memory`]): the fastest for one bulk job.
    pub fn with_model(dir: &Path) -> Result<Self> {
        Self::open(dir, Analyzer::open_in_memory)
    }

    /// The model in folder `dir`, its LM memory-mapped: the pages are the OS's page cache,
    /// shared by every process that maps the same file (the worker processes of a crawl
    /// pipeline), at some cost in speed.
    pub fn with_model_mapped(dir: &Path) -> Result<Self> {
        Self::open(dir, Analyzer::open)
    }

    fn open(dir: &Path, analyzer: fn(&Path, Lookup) -> Result<Analyzer>) -> Result<Self> {
        crate::model_dir::ensure_model_folder(dir)?;
        let analyzer = analyzer(dir, Lookup::Mapped)?;
        let scorer = FastScorer::load(&dir.join(FAST_SCORER_FILE))?;
        let threshold = scorer.threshold;
        Ok(FastChecker { analyzer, scorer, threshold })
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn set_threshold(&mut self, threshold: f32) {
        self.threshold = threshold;
    }

    pub fn check(&self, text: &str) -> Report {
        let mut sentences = Vec::new();
        let mut tokens = Vec::new();
        sentence_rows(&self.analyzer, text, |s, row| {
            let quality = self.scorer.calibration.quality(self.scorer.score(row));
            let flagged = s.kind == SentenceKind::Prose && quality < self.threshold;
            sentences.push(SentenceReport {
                bytes: s.bytes,
                kind: s.kind,
                quality,
                flagged,
                spans: Vec::new(),
                round_trip: None,
            });
            tokens.push(s.tokens.len());
        });
        Report::from_sentences(sentences, &tokens)
    }
}

impl Detector for FastChecker {
    fn name(&self) -> &'static str {
        "fast"
    }

    fn check(&self, text: &str) -> Report {
        FastChecker::check(self, text)
    }

    fn marks_spans(&self) -> bool {
        false
    }

    fn threshold(&self) -> Option<f32> {
        Some(self.threshold)
    }

    fn analyzer(&self) -> &crate::analysis::Analyzer {
        &self.analyzer
    }
}

/// Calls `each(sentence, input row)` for every sentence of `text` that has tokens.
pub fn sentence_rows(analyzer: &Analyzer, text: &str, mut each: impl FnMut(&Sentence, &[f32])) {
    let mut scratch = Scratch::default();
    let mut row = Vec::with_capacity(features::NAMES.len());
    let order = analyzer.lm().order();
    analyzer.for_each_sentence(text, |s| {
        sentence_row(&s.tokens, (s.end_log10p, s.end_gain), order, &mut scratch, &mut row);
        each(s, &row);
    });
}
