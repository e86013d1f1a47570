//! The full detector, and the library's front door: [`Checker`] loads a model folder once
//! and checks texts with every feature, the two forests of its [`model`] and spans.
//!
//! ```
//! let checker = mtcheck::Checker::new()?; // the shipped English model (models/en)
//! let text = "The night is going on going on going on for the workers of the shifts.";
//! let report = checker.check(text);
//! assert!((0.0..=1.0).contains(&report.quality));
//! for s in &report.sentences {
//!     println!("{:.2} {}", s.quality, &text[s.bytes]);
//!     for span in &s.spans {
//!         println!("  garbled: {:?} because of {:?}", &text[span.bytes], span.reasons);
//!     }
//! }
//! # Ok::<(), mtcheck::Error>(())
//! ```

pub mod document;
pub mod model;

use super::{spans, Detector, Settings};
use crate::analysis::{Analyzer, Document, Lookup, Sentence, SentenceKind};
use crate::detect::roundtrip::{model::RoundTripModel, Reading, RoundTripReader};
use crate::error::Result;
use crate::features::{self, Context, TopicVectors};
use crate::lm::LanguageModel;
use crate::model_dir::{default_model_dir, DOCUMENT_FILE, SCORER_FILE, TOPICS_FILE};
use crate::report::{Report, RoundTripReading, SentenceReport, Verdict};
use crate::text::Tokenizer;
use document::{DocumentModel, Evidence};
use model::ScorerModel;
use rayon::prelude::*;
use std::path::Path;

/// A loaded model: language model, tokenizer, topic vectors and scorer.
pub struct Checker {
    analyzer: Analyzer,
    topics: TopicVectors,
    scorer: ScorerModel,
    /// The document verdict (None for a model folder without `document.json`).
    document: Option<DocumentModel>,
    /// Where the document signals sit in the sentence scorer's inputs.
    threshold: f32,
    /// `threshold` was given (`--threshold`): it is every document's flag line, instead of
    /// one moved by the document's verdict.
    fixed_line: bool,
    /// The round-trip evidence (None: the model has none, or `--fast`).
    roundtrip: Option<RoundTripReader>,
}

/// What a [`Checker`] loads besides the sentence scorer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Parts {
    /// The document verdict (`document.json`).
    document: bool,
    /// The round-trip evidence (`roundtrip.json` and the MT engine beside the folder).
    round_trips: bool,
    /// Verify the folder's checksums (false: the caller just did).
    verify: bool,
}

impl Default for Parts {
    fn default() -> Self {
        Parts { document: true, round_trips: true, verify: true }
    }
}

impl Checker {
    /// The shipped English model (`models/en`, or `$MTCHECK_MODEL_DIR`).
    pub fn new() -> Result<Self> {
        Self::with_model(&default_model_dir())
    }

    /// The shipped English model read again by the pretrained encoder (`mtcheck --deep`):
    /// a [`crate::DeepChecker`], about 16× slower per word.
    pub fn deep() -> Result<crate::DeepChecker> {
        crate::DeepChecker::new()
    }

    /// The model in folder `dir` (`lm.mtlm`, `tokenizer.json`, `scorer.json`, `topics.bin`).
    pub fn with_model(dir: &Path) -> Result<Self> {
        Self::open(dir, Parts::default())
    }

    /// The model in folder `dir` without the round trips (`--fast`): the garble evidence alone,
    /// with no MT engine loaded (blind to fluent neural MT, ~10x faster on long articles).
    pub fn without_round_trips(dir: &Path) -> Result<Self> {
        Self::open(dir, Parts { round_trips: false, ..Parts::default() })
    }

    /// [`Self::with_model`] for a folder whose checksums the caller has just verified (the
    /// deep detector's), so that they are not hashed twice.
    pub(crate) fn in_verified_folder(dir: &Path) -> Result<Self> {
        Self::open(dir, Parts { round_trips: false, verify: false, ..Parts::default() })
    }

    /// The model in `dir` without its document verdict (reports carry no P(MT)): what
    /// `mtcheck train document` reads sentence signals with, so that a stale or missing
    /// `document.json` does not stop its own retraining.
    pub fn without_document_model(dir: &Path) -> Result<Self> {
        Self::open(dir, Parts { document: false, round_trips: false, verify: true })
    }

    fn open(dir: &Path, parts: Parts) -> Result<Self> {
        let Parts { document: with_document, round_trips, verify: verify_folder } = parts;
        crate::model_dir::ensure_model_folder_exists(dir)?;
        // The folder's checksums and the LM's own (which it checks as it opens) side by side:
        // both must pass before anything is read from the files.
        let verify = || if verify_folder { crate::io::checksums::verify_folder(dir) } else { Ok(()) };
        let (verified, analyzer) = rayon::join(verify, || Analyzer::open(dir, Lookup::Mapped));
        verified?;
        let analyzer = analyzer?;
        // The two larger files load side by side (about 15 ms each).
        let topics_path = dir.join(TOPICS_FILE);
        let (scorer, topics) = rayon::join(
            || ScorerModel::load(&dir.join(SCORER_FILE)),
            || topics_path.exists().then(|| TopicVectors::load(&topics_path)),
        );
        let scorer = scorer?;
        let topics = match topics {
            _ if !scorer.uses_topics => TopicVectors::default(),
            Some(topics) => topics?,
            // Missing although the scorer needs it: let the loader say so.
            None => TopicVectors::load(&topics_path)?,
        };
        let threshold = scorer.thresholds.sentence;
        let document_path = dir.join(DOCUMENT_FILE);
        let document =
            (with_document && document_path.exists()).then(|| DocumentModel::load(&document_path)).transpose()?;
        // Round trips stand on the document verdict's garble evidence: without it, none.
        let roundtrip = if round_trips && document.is_some() { RoundTripReader::open(dir)? } else { None };
        Ok(Checker { analyzer, topics, scorer, document, threshold, fixed_line: false, roundtrip })
    }

    /// Sentences below this quality are flagged (default: the model's, tuned on dev data).
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn set_threshold(&mut self, threshold: f32) {
        self.threshold = threshold;
    }

    /// Sets the token-level threshold for spans (P(garbled) of a token).
    pub fn set_span_threshold(&mut self, threshold: f32) {
        self.scorer.thresholds.token = threshold;
    }

    /// Sets the sentence quality below which spans are shown.
    pub fn set_span_gate(&mut self, gate: f32) {
        self.scorer.thresholds.span_gate = gate;
    }

    /// Applies `settings` (the thresholds given; the others stay the model's). A threshold
    /// given is every document's flag line, whatever its verdict.
    pub fn apply(&mut self, settings: Settings) {
        if let Some(t) = settings.threshold {
            self.set_threshold(t);
            self.fixed_line = true;
        }
        if let Some(t) = settings.span_gate {
            self.set_span_gate(t);
        }
        if let Some(t) = settings.span_threshold {
            self.set_span_threshold(t);
        }
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    pub fn lm(&self) -> &LanguageModel {
        self.analyzer.lm()
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        self.analyzer.tokenizer()
    }

    pub fn scorer(&self) -> &ScorerModel {
        &self.scorer
    }

    pub fn topics(&self) -> &TopicVectors {
        &self.topics
    }

    pub fn document_model(&self) -> Option<&DocumentModel> {
        self.document.as_ref()
    }

    /// Checks `text`: a quality per sentence and for the document, garbled spans in flagged
    /// sentences, page furniture marked as boilerplate, and P(machine-translated) of the
    /// document when the model has a document verdict and the text is long enough.
    ///
    /// In a document called machine-translated, sentences are flagged below the document
    /// model's `flag_below` line (else the span gate): the document's verdict is evidence
    /// against each of its sentences, and the clean-news flag line alone lets most garble
    /// through (measured on held-out round-trip documents: 25% of them had 3 flagged sentences
    /// at the clean line; 79% of held-out Wikipedia round trips have 3 at 0.61). In a document
    /// judged and not called machine-translated, only sentences below the model's lower
    /// `flag_human_below` line stay flagged (measured on held-out Wikipedia originals: 9.7% had
    /// a flagged sentence at the checker's line, 4.1% with the line at 0.268; reports/accuracy.md).
    pub fn check(&self, text: &str) -> Report {
        let doc = self.analyzer.analyze(text);
        let (mut report, evidence) = self.check_document(&doc);
        report.p_mt = self.document.as_ref().and_then(|d| d.p_mt(&evidence));
        report.p_garbled = report.p_mt;
        // Round trips are read only where there is a document verdict to inform (3+ prose
        // sentences): a headline or a single sentence is not sent.
        let reading = match (&self.roundtrip, report.p_mt) {
            (Some(rt), Some(garble)) => {
                let reading = rt.read(&self.analyzer, &doc);
                if let Some(score) = reading.score() {
                    report.p_mt = Some(rt.model().p_mt(score, garble));
                }
                Some((rt, reading))
            }
            _ => None,
        };
        if self.fixed_line {
            // check_document flagged below the threshold already.
            report.flag_line = Some(self.threshold);
        } else {
            let mt_line = self.document.as_ref().and_then(|d| d.flag_below);
            let line = mt_line.unwrap_or(self.scorer.thresholds.span_gate).max(self.threshold);
            let human_line = self.document.as_ref().and_then(|d| d.flag_human_below);
            // With a P(MT) the verdict follows it alone, so flagging below does not change it.
            let called = report.verdict() == Verdict::MachineTranslated;
            report.flag_line = Some(match (report.p_mt.is_some(), called, human_line) {
                (true, true, _) => line,
                (true, false, Some(human)) => human.min(self.threshold),
                _ => self.threshold,
            });
            flag_up_to(&mut report, |s| s.quality < line);
            if let Some(human_line) = human_line {
                flag_only_below(&mut report, human_line);
            }
        }
        if let Some((rt, reading)) = reading {
            attach_round_trips(&mut report, rt.model(), reading);
        }
        report
    }

    /// Its round-trip evidence (None: it reads no round trips).
    pub fn round_trips(&self) -> Option<&RoundTripReader> {
        self.roundtrip.as_ref()
    }

    /// The MT engine it reads round trips with (None: it reads none).
    pub fn round_trip_engine(&self) -> Option<&crate::translate::RoundTripEngine> {
        self.roundtrip.as_ref().map(RoundTripReader::engine)
    }

    /// The report (without P(MT)) and the document evidence it was drawn from: what the
    /// document model is trained on.
    pub fn check_with_evidence(&self, text: &str) -> (Report, Evidence) {
        self.check_document(&self.analyzer.analyze(text))
    }

    /// [`Self::check_with_evidence`] of a document already analysed (the deep detector reads
    /// the same analysis).
    pub fn check_document(&self, doc: &Document) -> (Report, Evidence) {
        let ctx = Context::new(doc, &self.scorer.char_shape, &self.topics);
        // Sentences are scored independently: on all cores for long texts (in order).
        let scored: Vec<(SentenceReport, Option<Vec<f32>>)> =
            doc.sentences.par_iter().with_min_len(16).map(|s| self.sentence(&ctx, s)).collect();
        let mut evidence = Evidence::default();
        let mut sentences = Vec::with_capacity(scored.len());
        for (report, signals) in scored {
            if let Some(signals) = signals {
                evidence.add(&signals);
            }
            sentences.push(report);
        }
        let tokens: Vec<usize> = doc.sentences.iter().map(|s| s.tokens.len()).collect();
        (Report::from_sentences(sentences, &tokens), evidence)
    }

    /// One sentence's verdict: quality, flag and (below the span gate) spans; for prose, its
    /// document signals.
    fn sentence(&self, ctx: &Context, s: &Sentence) -> (SentenceReport, Option<Vec<f32>>) {
        let f = features::compute(ctx, s);
        let inputs = features::sentence_inputs(&f);
        let (z, quality) = self.scorer.quality_of(&inputs);
        let prose = s.kind == SentenceKind::Prose;
        let flagged = prose && quality < self.threshold;
        let spans = if prose && quality < self.scorer.thresholds.span_gate.max(self.threshold) {
            let probs = self.scorer.token_probabilities(&f, z);
            spans::merge(&s.tokens, &probs, self.scorer.thresholds.token, |i| self.scorer.reasons(&f, i))
        } else {
            Vec::new()
        };
        let signals = prose.then(|| document::sentence_signals(quality, &inputs));
        (SentenceReport { bytes: s.bytes, kind: s.kind, quality, flagged, spans, round_trip: None }, signals)
    }
}

/// Puts each sent sentence's round trip on its report and, in a document called
/// machine-translated, flags the sentences whose round trip says MT most clearly (a sentence
/// logit at or above the model's `sentence_line`) as "changes little when translated again".
fn attach_round_trips(report: &mut Report, model: &RoundTripModel, reading: Reading) {
    let called = report.verdict() == Verdict::MachineTranslated;
    for (trip, logit) in reading.trips {
        let Some(s) = report.sentences.get_mut(trip.sentence) else { continue };
        let smooth = called && !s.flagged && s.kind == SentenceKind::Prose && logit >= model.document.sentence_line;
        s.flagged |= smooth;
        s.round_trip = Some(RoundTripReading {
            text: trip.round_trip,
            similarity: trip.similarity,
            p_mt: 1.0 / (1.0 + (-logit).exp()),
            smooth,
        });
    }
    report.flagged = report.sentences.iter().any(|s| s.flagged);
}

/// In a document called machine-translated (with a P(MT)), flags every prose sentence `also`
/// picks out besides those flagged already.
pub fn flag_up_to(report: &mut Report, also: impl Fn(&SentenceReport) -> bool) {
    if report.verdict() == Verdict::MachineTranslated && report.p_mt.is_some() {
        for s in &mut report.sentences {
            s.flagged |= s.kind == SentenceKind::Prose && also(s);
        }
        report.flagged = report.sentences.iter().any(|s| s.flagged);
    }
}

/// In a document judged (with a P(MT)) and not called machine-translated, keeps the flags of
/// the prose sentences below `line` only, and the spans of the flagged ones only: the verdict
/// is evidence against each "suspicious" word too. Measured on clean news (reports/accuracy.md,
/// issue 25): most yellow words in human articles were names and rare terms, and an editor
/// taught by ten of them ignores the eleventh. Records too short for a P(MT) keep their spans.
pub fn flag_only_below(report: &mut Report, line: f32) {
    if report.p_mt.is_some() && report.verdict() != Verdict::MachineTranslated {
        for s in &mut report.sentences {
            s.flagged &= s.quality < line;
            if !s.flagged {
                s.spans.clear();
            }
        }
        report.flagged = report.sentences.iter().any(|s| s.flagged);
    }
}

impl Detector for Checker {
    fn name(&self) -> &'static str {
        "mtcheck"
    }

    fn check(&self, text: &str) -> Report {
        Checker::check(self, text)
    }

    fn marks_spans(&self) -> bool {
        true
    }

    fn threshold(&self) -> Option<f32> {
        Some(self.threshold)
    }

    fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }
}
