//! The document verdict (`document.json`): P(machine-translated or spun) of a whole document,
//! from the means over its prose sentences of the sentence quality and every sentence scorer
//! input, by a logistic regression fitted on documents (spun articles against their
//! originals from more than one source, [`crate::train::document`]).
//!
//! Why means and not the sentence flags: one garbled sentence in ten is hard to see, ten
//! slightly odd ones are a pattern. Why every input and not a chosen few: measured on
//! round trips held out of training (reports/accuracy.md), seven chosen signals (quality,
//! context gain, surprisal, n-gram order, rarity, unknown words) rank spun above original
//! Wikipedia articles with AUC 0.93, all 70 with 0.975; the regression weighs them.

use crate::error::{Error, Result};
use crate::features;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FORMAT: &str = "mtcheck-document v1";

/// The sentence's quality, as the sentence forest calibrates it: the first signal.
pub const QUALITY: &str = "quality";

/// The signals averaged over a document's prose, in order: [`QUALITY`], then the sentence
/// scorer's inputs by name.
pub fn signal_names() -> Vec<String> {
    std::iter::once(QUALITY.to_string()).chain(features::sentence_input_names()).collect()
}

/// The signals of one sentence from its quality and sentence scorer inputs.
pub fn sentence_signals(quality: f32, inputs: &[f32]) -> Vec<f32> {
    std::iter::once(quality).chain(inputs.iter().copied()).collect()
}

pub use crate::report::MIN_SENTENCES;

/// The evidence of a document: its prose sentences' signals, summed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    sums: Vec<f64>,
    sentences: usize,
}

impl Evidence {
    pub fn add(&mut self, signals: &[f32]) {
        if self.sums.is_empty() {
            self.sums = vec![0.0; signals.len()];
        }
        for (s, &x) in self.sums.iter_mut().zip(signals) {
            *s += x as f64;
        }
        self.sentences += 1;
    }

    pub fn sentences(&self) -> usize {
        self.sentences
    }

    /// The mean of each signal (None below [`MIN_SENTENCES`]).
    pub fn means(&self) -> Option<Vec<f32>> {
        (self.sentences >= MIN_SENTENCES)
            .then(|| self.sums.iter().map(|s| (s / self.sentences as f64) as f32).collect())
    }
}

/// The document model: standardization and weights of the logistic regression.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DocumentModel {
    pub format: String,
    /// The signal names, in order (must equal [`signal_names`]).
    pub inputs: Vec<String>,
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
    pub weights: Vec<f32>,
    pub bias: f32,
    /// In a document called machine-translated, prose sentences below this quality are flagged
    /// too (the evidence is the document's; without it, the span gate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag_below: Option<f32>,
    /// In a document judged and not called machine-translated, prose sentences are flagged only
    /// below this quality (under the checker's own line): the verdict is evidence for each of
    /// its sentences too, and one odd sentence in clean text is mostly a quote, a transcript
    /// line or a headline, not MT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag_human_below: Option<f32>,
    /// What it was trained on and how well it did: for the model card.
    pub provenance: serde_json::Value,
}

impl DocumentModel {
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let model: DocumentModel = serde_json::from_slice(&bytes)
            .map_err(|e| Error::bad_model(path, format!("not a valid document model ({e})")))?;
        let fix = "retrain it with `mtcheck train document` (scripts/build/build-model.sh)";
        if model.format != FORMAT {
            return Err(Error::bad_model(path, format!("format {:?}, expected {FORMAT:?}; {fix}", model.format)));
        }
        let names = signal_names();
        if model.inputs != names {
            let (n, m) = (model.inputs.len(), names.len());
            return Err(Error::bad_model(path, format!("its {n} inputs differ from this build's {m} signals; {fix}")));
        }
        let n = names.len();
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        if model.mean.len() != n || model.scale.len() != n || model.weights.len() != n {
            return Err(Error::bad_model(path, format!("expected {n} means, scales and weights; {fix}")));
        }
        if !finite(&model.mean)
            || !finite(&model.weights)
            || !model.bias.is_finite()
            || [model.flag_below, model.flag_human_below].iter().flatten().any(|f| !(0.0..=1.0).contains(f))
            || model.scale.iter().any(|&s| !s.is_finite() || s <= 0.0)
        {
            return Err(Error::bad_model(
                path,
                format!("non-finite weights, non-positive scales or a flag line outside [0, 1]; {fix}"),
            ));
        }
        Ok(model)
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Config(e.to_string()))?;
        crate::io::output::write_atomically(path, |f| std::io::Write::write_all(f, &json))
    }

    /// P(machine-translated or spun) of a document with these mean signals.
    pub fn probability(&self, means: &[f32]) -> f32 {
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

    fn n() -> usize {
        signal_names().len()
    }

    fn model() -> DocumentModel {
        let n = n();
        let mut weights = vec![0.0; n];
        weights[0] = -2.0; // lower quality: more likely MT
        DocumentModel {
            format: FORMAT.into(),
            inputs: signal_names(),
            mean: vec![0.7; n],
            scale: vec![0.1; n],
            weights,
            bias: 0.0,
            flag_below: Some(0.6),
            flag_human_below: Some(0.3),
            provenance: serde_json::Value::Null,
        }
    }

    #[test]
    fn too_few_sentences_get_no_probability() {
        let mut e = Evidence::default();
        e.add(&vec![0.2; n()]);
        e.add(&vec![0.2; n()]);
        assert_eq!(model().p_mt(&e), None);
        e.add(&vec![0.2; n()]);
        assert!(model().p_mt(&e).unwrap() > 0.99);
    }

    #[test]
    fn probability_is_monotone_in_a_weighted_signal() {
        let m = model();
        let at = |q: f32| m.probability(&vec![q; n()]);
        assert!((at(0.7) - 0.5).abs() < 1e-6);
        assert!(at(0.5) > at(0.7) && at(0.7) > at(0.9));
    }

    #[test]
    fn the_signals_are_the_quality_and_every_sentence_input() {
        let names = signal_names();
        assert_eq!(names[0], QUALITY);
        assert_eq!(names.len(), features::sentence_input_names().len() + 1);
        assert_eq!(sentence_signals(0.5, &[1.0, 2.0]), vec![0.5, 1.0, 2.0]);
    }

    #[test]
    fn a_model_of_other_signals_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("document.json");
        let mut old = model();
        old.inputs.truncate(7);
        old.save(&path).unwrap();
        assert!(DocumentModel::load(&path).unwrap_err().to_string().contains("retrain it"));
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
        let mut bad = model();
        bad.flag_below = Some(1.5);
        bad.save(&path).unwrap();
        assert!(DocumentModel::load(&path).unwrap_err().to_string().contains("flag line"));
        let mut bad = model();
        bad.flag_human_below = Some(-0.1);
        bad.save(&path).unwrap();
        assert!(DocumentModel::load(&path).unwrap_err().to_string().contains("flag line"));
        std::fs::write(&path, b"{\"format\": 3").unwrap();
        assert!(DocumentModel::load(&path).unwrap_err().to_string().contains("not a valid document model"));
        model().save(&path).unwrap();
        assert!(DocumentModel::load(&path).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
