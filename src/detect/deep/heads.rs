//! The deep detector's learned part (`deep.json`, written by scripts/build/train-deep.py): which
//! encoder layer it reads, a token head (P(garbled) of a word from its state), a sentence head
//! (quality from the pooled state, the full detector's quality and the token head's mean and
//! maximum) and the thresholds calibrated on clean text.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::Path;

pub const FORMAT: &str = "mtcheck-deep v1";

#[derive(Debug, Deserialize)]
pub struct DeepModel {
    pub format: String,
    /// The encoder's weight file and tokenizer, plain file names beside `deep.json`.
    pub encoder: String,
    pub tokenizer: String,
    /// The encoder layer whose states the heads read (the layers above it are not run).
    pub layer: usize,
    pub token_head: LinearHead,
    pub sentence_head: LinearHead,
    /// quality = sigmoid((score − center) / scale) of the sentence head's score.
    pub calibration: Calibration,
    pub thresholds: DeepThresholds,
    #[serde(default)]
    pub provenance: serde_json::Value,
}

/// `weights · x + bias`.
#[derive(Debug, Deserialize)]
pub struct LinearHead {
    pub weights: Vec<f32>,
    pub bias: f32,
}

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Calibration {
    pub center: f32,
    pub scale: f32,
}

impl Calibration {
    pub fn quality(&self, score: f32) -> f32 {
        1.0 / (1.0 + (-(score - self.center) / self.scale).exp())
    }
}

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct DeepThresholds {
    /// Sentences below this quality are flagged.
    pub sentence: f32,
    /// Words at or above this P(garbled) are spanned.
    pub token: f32,
}

impl LinearHead {
    pub fn apply(&self, x: impl IntoIterator<Item = f32>) -> f32 {
        self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f32>()
    }
}

impl DeepModel {
    pub fn load(path: &Path) -> Result<DeepModel> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let model: DeepModel =
            serde_json::from_str(&text).map_err(|e| Error::bad_model(path, format!("not a deep model: {e}")))?;
        model.validate(path)?;
        Ok(model)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |problem: String| Err(Error::bad_model(path, problem));
        if self.format != FORMAT {
            return bad(format!("format '{}', expected '{FORMAT}'", self.format));
        }
        for name in [&self.encoder, &self.tokenizer] {
            // A model file is input: it may only name a file beside it.
            if Path::new(name).file_name().and_then(|n| n.to_str()) != Some(name.as_str()) {
                return bad(format!("'{name}' is not a plain file name"));
            }
        }
        let width = self.token_head.weights.len();
        if self.sentence_head.weights.len() != width + SENTENCE_EXTRAS {
            return bad(format!(
                "the sentence head has {} weights, expected {} (the token head's {width} + {SENTENCE_EXTRAS})",
                self.sentence_head.weights.len(),
                width + SENTENCE_EXTRAS
            ));
        }
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        if !finite(&self.token_head.weights) || !finite(&self.sentence_head.weights) || self.layer == 0 {
            return bad("non-finite weights or layer 0".into());
        }
        if !(self.calibration.scale.is_finite() && self.calibration.scale > 0.0 && self.calibration.center.is_finite())
        {
            return bad(format!("calibration scale {} must be positive", self.calibration.scale));
        }
        Ok(())
    }
}

/// Inputs of the sentence head after the pooled state: the full detector's quality logit, the
/// token head's mean and maximum over the sentence's words.
pub const SENTENCE_EXTRAS: usize = 3;
