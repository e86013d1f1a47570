//! The document verdict (`document.json`): P(machine-translated or spun) of a whole document,
//! from the mean over its prose sentences of a few signals, by a logistic regression fitted
//! on documents (spun articles against their originals, [`crate::train::document`]).
//!
//! Why means of a few signals and not the sentence flags: one garbled sentence in ten is
//! hard to see, ten slightly odd ones are a pattern. Measured on Apertium round trips of WMT's
//! original English (10-sentence documents), the mean of `next_context_gain.mean` alone ranks
//! spun above original documents with AUC 0.92, the mean sentence quality with 0.77.

use crate::error::{Error, Result};
use crate::features;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FORMAT: &str = "mtcheck-document v1";

/// The sentence's quality, as the sentence forest calibrates it.
pub const QUALITY: &str = "quality";

/// The signals averaged over a document's prose: the sentence quality, then sentence scorer
/// inputs (by name) that carry MT evidence across a document: how much context helps the LM
/// (spun text breaks the links between neighbouring words), fluency, matched n-gram order,
/// repetition, rare and unknown words (`slor` is left out: it equals `context_gain.mean`). Chosen by their document-level AUC on spun vs original
/// documents; the regression weighs them.
pub const SIGNALS: [&str; 7] = [
    QUALITY,
    "next_context_gain.mean",
    "context_gain.mean",
    "lm_surprisal.mean",
    "ngram_order.mean",
    "word_rarity.mean",
    "unknown_word.mean",
];

pub use crate::report::MIN_SENTENCES;

/// Where each signal after [`QUALITY`] sits in the sentence scorer's input row.
pub fn signal_columns() -> Vec<usize> {
    let names = features::sentence_input_names();
    SIGNALS[1..]
        .iter()
        .map(|s| names.iter().position(|n| n == s).unwrap_or_else(|| panic!("no sentence input named {s}")))
        .collect()
}

/// The signals of one sentence from its quality and sentence scorer inputs.
pub fn sentence_signals(quality: f32, inputs: &[f32], columns: &[usize]) -> [f32; SIGNALS.len()] {
    let mut out = [quality; SIGNALS.len()];
    for (o, &c) in out[1..].iter_mut().zip(columns) {
        *o = inputs[c];
    }
    out
}

/// The evidence of a document: its prose sentences' signals, summed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    sums: [f64; SIGNALS.len()],
    sentences: usize,
}

impl Evidence {
    pub fn add(&mut self, signals: &[f32; SIGNALS.len()]) {
        for (s, &x) in self.sums.iter_mut().zip(signals) {
            *s += x as f64;
        }
        self.sentences += 1;
    }

    pub fn sentences(&self) -> usize {
        self.sentences
    }

    /// The mean of each signal (None below [`MIN_SENTENCES`]).
    pub fn means(&self) -> Option<[f32; SIGNALS.len()]> {
        (self.sentences >= MIN_SENTENCES).then(|| self.sums.map(|s| (s / self.sentences as f64) as f32))
    }
}

/// The document model: standardization and weights of the logistic regression.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DocumentModel {
    pub format: String,
    /// The signal names, in order (must equal [`SIGNALS`]).
    pub inputs: Vec<String>,
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
    pub weights: Vec<f32>,
    pub bias: f32,
    /// What it was trained on and how well it did: for the model card.
    pub provenance: serde_json::Value,
}

impl DocumentModel {
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let model: DocumentModel = serde_json::from_slice(&bytes)
            .map_err(|e| Error::bad_model(path, format!("not a valid document model ({e})")))?;
        let fix = "retrain it with `mtcheck train document` (scripts/build-model.sh)";
        if model.format != FORMAT {
            return Err(Error::bad_model(path, format!("format {:?}, expected {FORMAT:?}; {fix}", model.format)));
        }
        if model.inputs.iter().map(String::as_str).ne(SIGNALS) {
            return Err(Error::bad_model(
                path,
                format!("its inputs {:?} differ from this build's {SIGNALS:?}; {fix}", model.inputs),
            ));
        }
        let n = SIGNALS.len();
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        if model.mean.len() != n || model.scale.len() != n || model.weights.len() != n {
            return Err(Error::bad_model(path, format!("expected {n} means, scales and weights; {fix}")));
        }
        if !finite(&model.mean)
            || !finite(&model.weights)
            || !model.bias.is_finite()
            || model.scale.iter().any(|&s| !s.is_finite() || s <= 0.0)
        {
            return Err(Error::bad_model(path, format!("non-finite weights or non-positive scales; {fix}")));
        }
        Ok(model)
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Config(e.to_string()))?;
        crate::io::output::write_atomically(path, |f| std::io::Write::write_all(f, &json))
    }

    /// P(machine-translated or spun) of a document with these mean signals.
    pub fn probability(&self, means: &[f32; SIGNALS.len()]) -> f32 {
        let z: f32 = self.bias
            + means
                .iter()
                .zip(&self.mean)
                .zip(&self.scale)
                .zip(&self.weights)
                .map(|(((x, m), s), w)| w * (x - m) / s)
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// P(MT) of a document with this evidence (None when too short to judge).
    pub fn p_mt(&self, evidence: &Evidence) -> Option<f32> {
        evidence.means().map(|m| self.probability(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> DocumentModel {
        let n = SIGNALS.len();
        let mut weights = vec![0.0; n];
        weights[0] = -2.0; // lower quality: more likely MT
        DocumentModel {
            format: FORMAT.into(),
            inputs: SIGNALS.iter().map(|s| s.to_string()).collect(),
            mean: vec![0.7; n],
            scale: vec![0.1; n],
            weights,
            bias: 0.0,
            provenance: serde_json::Value::Null,
        }
    }

    #[test]
    fn too_few_sentences_get_no_probability() {
        let mut e = Evidence::default();
        e.add(&[0.2; SIGNALS.len()]);
        e.add(&[0.2; SIGNALS.len()]);
        assert_eq!(model().p_mt(&e), None);
        e.add(&[0.2; SIGNALS.len()]);
        assert!(model().p_mt(&e).unwrap() > 0.99);
    }

    #[test]
    fn probability_is_monotone_in_a_weighted_signal() {
        let m = model();
        let at = |q: f32| m.probability(&[q; SIGNALS.len()]);
        assert!((at(0.7) - 0.5).abs() < 1e-6);
        assert!(at(0.5) > at(0.7) && at(0.7) > at(0.9));
    }

    #[test]
    fn every_signal_is_a_sentence_input() {
        assert_eq!(signal_columns().len(), SIGNALS.len() - 1);
    }

    #[test]
    fn corrupt_files_are_refused_with_the_reason() {
        let dir = std::env::temp_dir().join(format!("mtcheck-doc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("document.json");
        let mut bad = model();
        bad.scale[2] = 0.0;
        bad.save(&path).unwrap();
        assert!(DocumentModel::load(&path).unwrap_err().to_string().contains("scales"));
        std::fs::write(&path, b"{\"format\": 3").unwrap();
        assert!(DocumentModel::load(&path).unwrap_err().to_string().contains("not a valid document model"));
        model().save(&path).unwrap();
        assert!(DocumentModel::load(&path).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
