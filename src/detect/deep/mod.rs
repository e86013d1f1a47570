//! The deep detector (`mtcheck --deep`): the full detector's analysis and evidence, read again
//! by a pretrained English encoder (all-MiniLM-L6-v2, int8, run by candle on the CPU).
//!
//! Per prose sentence, the encoder's first `layer` layers give each word a state (the mean of
//! its word pieces' states); a token head turns it into P(garbled). A sentence head gives the
//! quality from the pooled state, the full detector's quality and the token head's mean and
//! maximum. Spans: the full detector's, and in a flagged sentence the words the token head is
//! sure of (reason "meaning"). The document's P(MT) stays the full detector's. Heads,
//! calibration and thresholds: `deep.json` ([`heads`], scripts/build/train-deep.py).
//!
//! ```no_run
//! let checker = mtcheck::detect::deep::DeepChecker::new()?;
//! let report = checker.check("Afghan weapons, such as copper, lithium and iron, are sold abroad.");
//! assert!((0.0..=1.0).contains(&report.quality));
//! # Ok::<(), mtcheck::Error>(())
//! ```

pub mod encoder;
mod fused;
pub mod heads;
mod weights;
pub mod wordpieces;

use super::full::{flag_up_to, Checker};
use super::{spans, Detector, Settings};
use crate::analysis::{Document, SentenceKind};
use crate::error::{Error, Result};
use crate::model_dir::{default_model_dir, DEEP_FILE};
use crate::report::Report;
use crate::text::ByteSpan;
use encoder::Encoder;
use heads::DeepModel;
use std::path::Path;
use wordpieces::{Pieces, WordPieces};

/// The reason deep spans give.
pub const REASON: &str = "meaning";

/// Word pieces per encoder batch (padded): bounds memory and keeps padding small.
const BATCH_PIECES: usize = 2048;
/// Sentences per encoder batch.
const BATCH_SENTENCES: usize = 64;

pub struct DeepChecker {
    full: Checker,
    encoder: Encoder,
    pieces: WordPieces,
    model: DeepModel,
    threshold: f32,
    token_threshold: f32,
}

/// What the encoder makes of one sentence: its pooled state, P(garbled) per token of the
/// analysis (None for a token without word pieces, e.g. past the encoder's length limit) and
/// the MT head's logit (if the encoder has one).
pub struct Reading {
    pub pooled: Vec<f32>,
    pub token_probs: Vec<Option<f32>>,
    pub mt_logit: Option<f32>,
}

impl DeepChecker {
    /// The shipped English model.
    pub fn new() -> Result<Self> {
        Self::with_model(&default_model_dir())
    }

    /// The model in folder `dir`: the full detector's files and `deep.json` with the encoder
    /// files it names.
    pub fn with_model(dir: &Path) -> Result<Self> {
        // The whole folder (deep.json and the encoder included) verified once, before
        // deep.json is read; the full detector then only opens it.
        crate::model_dir::ensure_model_folder(dir)?;
        let model = DeepModel::load(&dir.join(DEEP_FILE))?;
        let encoder_path = dir.join(&model.encoder);
        let (full, encoder) =
            rayon::join(|| Checker::in_verified_folder(dir), || Encoder::load_layers(&encoder_path, model.layer));
        let (full, encoder) = (full?, encoder?);
        let pieces = WordPieces::load(&dir.join(&model.tokenizer))?;
        if model.layer != encoder.layer_count() || model.token_head.weights.len() != encoder.hidden_size() {
            return Err(Error::bad_model(
                dir.join(DEEP_FILE),
                format!(
                    "the heads read layer {} of width {}; the encoder has {} layers of width {}",
                    model.layer,
                    model.token_head.weights.len(),
                    encoder.layer_count(),
                    encoder.hidden_size()
                ),
            ));
        }
        let (threshold, token_threshold) = (model.thresholds.sentence, model.thresholds.token);
        Ok(DeepChecker { full, encoder, pieces, model, threshold, token_threshold })
    }

    /// Applies `settings` (thresholds given override the deep model's; the span gate has no
    /// meaning here: deep spans stand on the token head alone).
    pub fn apply(&mut self, settings: Settings) {
        if let Some(t) = settings.threshold {
            self.threshold = t;
        }
        if let Some(t) = settings.span_threshold {
            self.token_threshold = t;
        }
    }

    pub fn full(&self) -> &Checker {
        &self.full
    }

    pub fn model(&self) -> &DeepModel {
        &self.model
    }

    /// Checks `text` like [`Checker::check`], with the encoder's quality, flags and spans for
    /// prose sentences.
    pub fn check(&self, text: &str) -> Report {
        let doc = self.full.analyzer().analyze(text);
        let (report, evidence) = self.full.check_document(&doc);
        let mut sentences = report.sentences;
        // A sentence without a reading (never, short of a bug) keeps the full detector's verdict.
        for (i, reading) in self.read_prose(&doc) {
            let Some(reading) = reading else { continue };
            let s = &mut sentences[i];
            let tokens = &doc.sentences[i].tokens;
            s.quality = self.quality(s.quality, &reading);
            s.flagged = s.quality < self.threshold;
            // The full detector's spans stay (its token forest is the better word-level model
            // so far); in a flagged sentence the token head adds words it is sure of.
            if s.flagged {
                let probs: Vec<f32> = reading.token_probs.iter().map(|p| p.unwrap_or(0.0)).collect();
                let deep = spans::merge(tokens, &probs, self.token_threshold, |_| vec![REASON]);
                let overlaps = |a: &ByteSpan, b: &ByteSpan| a.start < b.end && b.start < a.end;
                let fresh: Vec<_> =
                    deep.into_iter().filter(|d| !s.spans.iter().any(|f| overlaps(&f.bytes, &d.bytes))).collect();
                s.spans.extend(fresh);
                s.spans = spans::normalize(std::mem::take(&mut s.spans));
            }
        }
        let tokens: Vec<usize> = doc.sentences.iter().map(|s| s.tokens.len()).collect();
        let mut report = Report::from_sentences(sentences, &tokens);
        report.p_mt = self.full.document_model().and_then(|d| d.p_mt(&evidence));
        report.p_garbled = report.p_mt;
        flag_up_to(&mut report, |s| !s.spans.is_empty());
        report
    }

    /// The sentence head's quality from the full detector's and the encoder's reading.
    fn quality(&self, full_quality: f32, reading: &Reading) -> f32 {
        let probs: Vec<f32> = reading.token_probs.iter().flatten().copied().collect();
        let (mean, max) = if probs.is_empty() {
            (0.0, 0.0)
        } else {
            (probs.iter().sum::<f32>() / probs.len() as f32, probs.iter().copied().fold(0.0, f32::max))
        };
        let q = full_quality.clamp(1e-4, 1.0 - 1e-4);
        let extras = [(q / (1.0 - q)).ln(), mean, max];
        let inputs = reading.pooled.iter().copied().chain(extras);
        self.model.calibration.quality(self.model.sentence_head.apply(inputs))
    }

    /// The encoder's reading of every prose sentence of `doc`: (sentence index, reading).
    pub fn read_prose(&self, doc: &Document) -> Vec<(usize, Option<Reading>)> {
        let prose: Vec<usize> =
            (0..doc.sentences.len()).filter(|&i| doc.sentences[i].kind == SentenceKind::Prose).collect();
        let readings = self.read(doc, &prose);
        prose.into_iter().zip(readings).collect()
    }

    /// The encoder's reading of sentences `which` of `doc`, in that order (None where the
    /// forward pass failed, which only a shape bug could cause).
    pub fn read(&self, doc: &Document, which: &[usize]) -> Vec<Option<Reading>> {
        let pieces: Vec<Pieces> = which
            .iter()
            .map(|&i| self.pieces.encode(&doc.text[doc.sentences[i].bytes.range()], self.encoder.max_length()))
            .collect();
        let mut readings: Vec<Option<Reading>> = (0..which.len()).map(|_| None).collect();
        for batch in batches(&pieces) {
            let ids: Vec<Vec<u32>> = batch.iter().map(|&k| pieces[k].ids.clone()).collect();
            let Ok(states) = self.encoder.forward(&ids).and_then(|h| states_of(h, self.model.layer)) else {
                continue;
            };
            for (row, &k) in batch.iter().enumerate() {
                let sentence = &doc.sentences[which[k]];
                let tokens: Vec<ByteSpan> = sentence.tokens.iter().map(|t| t.bytes).collect();
                readings[k] = Some(self.reading(&states, row, &pieces[k], sentence.bytes.start, &tokens));
            }
        }
        readings
    }

    /// One sentence's reading from row `row` of a batch's states: `pieces` of the sentence
    /// starting at byte `start` of the document, `tokens` its tokens' spans in the document.
    fn reading(&self, states: &States, row: usize, pieces: &Pieces, start: usize, tokens: &[ByteSpan]) -> Reading {
        let width = states.width;
        let state = |position: usize| &states.values[(states.offsets[row] + position) * width..][..width];
        // Pooled as all-MiniLM-L6-v2 pools: the mean over [CLS], the pieces and [SEP], L2-normed.
        let mut pooled = vec![0f32; width];
        for position in 0..pieces.ids.len() {
            pooled.iter_mut().zip(state(position)).for_each(|(p, v)| *p += v);
        }
        // The MT head was trained on the plain mean (src/train/encoder.rs).
        let mt_logit = self.encoder.mt_head().map(|head| {
            let count = pieces.ids.len().max(1) as f32;
            head.logit(&pooled.iter().map(|p| p / count).collect::<Vec<_>>())
        });
        let norm = pooled.iter().map(|v| v * v).sum::<f32>().sqrt();
        pooled.iter_mut().for_each(|p| *p /= norm.max(1e-12));
        let token_probs = tokens
            .iter()
            .map(|token| {
                let mut mean = vec![0f32; width];
                let mut count = 0;
                for (k, piece) in pieces.spans.iter().enumerate() {
                    let piece = piece.shifted(start);
                    if piece.start < token.end && piece.end > token.start {
                        mean.iter_mut().zip(state(k + 1)).for_each(|(m, v)| *m += v);
                        count += 1;
                    }
                }
                (count > 0).then(|| {
                    let z = self.model.token_head.apply(mean.iter().map(|m| m / count as f32));
                    1.0 / (1.0 + (-z).exp())
                })
            })
            .collect();
        Reading { pooled, token_probs, mt_logit }
    }
}

/// One layer's states of a batch, packed (see [`encoder::Hidden`]), flat.
struct States {
    values: Vec<f32>,
    offsets: Vec<usize>,
    width: usize,
}

fn states_of(hidden: encoder::Hidden, layer: usize) -> candle_core::Result<States> {
    let tensor = &hidden.layers[layer];
    let width = tensor.dim(1)?;
    Ok(States { values: tensor.flatten_all()?.to_vec1()?, offsets: hidden.offsets, width })
}

/// Indices of `pieces` in batches of similar length (sorted), each at most [`BATCH_PIECES`]
/// padded pieces and [`BATCH_SENTENCES`] sentences (scripts/build/deep_encoder.py batches alike).
fn batches(pieces: &[Pieces]) -> Vec<Vec<usize>> {
    length_batches((0..pieces.len()).collect(), |i| pieces[i].ids.len(), BATCH_PIECES, BATCH_SENTENCES)
}

/// `items` sorted by `length` and cut into batches of at most `budget` padded pieces (the
/// longest item's length times the batch size) and at most `most` items. Shared by inference
/// and fine-tuning (src/train/encoder.rs).
pub(crate) fn length_batches(
    mut items: Vec<usize>,
    length: impl Fn(usize) -> usize,
    budget: usize,
    most: usize,
) -> Vec<Vec<usize>> {
    items.sort_by_key(|&i| length(i));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut batch: Vec<usize> = Vec::new();
    for i in items {
        if !batch.is_empty() && ((batch.len() + 1) * length(i) > budget || batch.len() == most) {
            out.push(std::mem::take(&mut batch));
        }
        batch.push(i);
    }
    if !batch.is_empty() {
        out.push(batch);
    }
    out
}

impl Detector for DeepChecker {
    fn name(&self) -> &'static str {
        "deep"
    }

    fn check(&self, text: &str) -> Report {
        DeepChecker::check(self, text)
    }

    fn marks_spans(&self) -> bool {
        true
    }

    fn threshold(&self) -> Option<f32> {
        Some(self.threshold)
    }

    fn analyzer(&self) -> &crate::analysis::Analyzer {
        self.full.analyzer()
    }
}
