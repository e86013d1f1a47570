//! `roundtrip.json`: the weights that read a document's round trips. A sentence's signals
//! ([`signals`]: how much its words changed, how much likelier the LM finds the round trip,
//! and the sentence's own statistics that predict both) give it a logit by a logistic
//! regression; the document's round-trip score is the mean over its sent sentences, P(smooth)
//! a logistic function of that score, and the document's P(MT) the garble evidence's P(MT)
//! or'ed with P(smooth) ([`DocumentWeights`]). Fitted by `scripts/build/fit-roundtrip.py` on documents of several sources
//! and other engines than the one that makes the round trips.

use super::Trip;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FORMAT: &str = "mtcheck-roundtrip v1";

/// The signals of a sentence's round trip, in the order of [`SIGNALS`].
pub const SIGNALS: [&str; 13] = [
    "similarity",
    "unchanged",
    "log10p_gain",
    "unigram_gain",
    "log10p",
    "unigram",
    "unknown",
    "order",
    "words",
    "length_ratio",
    "similarity_x_words",
    "chrf",
    "chrf_x_words",
];

/// One trip's signals (as `sentence_signals` in scripts/build/fit-roundtrip.py).
pub fn signals(t: &Trip) -> [f32; 13] {
    let (o, r) = (&t.original, &t.trip);
    let words = o.words.max(1) as f32;
    let sim = t.similarity;
    [
        sim,
        if sim >= 0.999 { 1.0 } else { 0.0 },
        r.log10p - o.log10p,
        r.unigram - o.unigram,
        o.log10p,
        o.unigram,
        o.unknown,
        o.order,
        words.ln(),
        (r.words.max(1) as f32 / words).ln(),
        sim * words.ln(),
        t.chrf,
        t.chrf * words.ln(),
    ]
}

/// How the document's round-trip score becomes evidence: P(smooth) = sigmoid(weight · score +
/// bias), or'ed with the garble evidence's P(MT) (a document is machine-translated when it
/// reads garbled or when it reads like MT smoothed: the two point opposite ways on a round
/// trip, since the engine repairs garble, so no one linear rule serves both).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DocumentWeights {
    /// "noisy-or".
    pub rule: String,
    pub weight: f32,
    /// Lowered by the fit until at most `max_false_alarms` of its human documents were called.
    pub bias: f32,
    pub max_false_alarms: f32,
    /// In a document called machine-translated, sentences with a round-trip logit at or above
    /// this are flagged ("changes little when translated again").
    pub sentence_line: f32,
    /// The document score adds this times the mean LM ratio of the sent sentences
    /// ([`super::lm_ratio`]); 0 (and absent in older files): not read.
    #[serde(default)]
    pub lm_ratio_weight: f32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RoundTripModel {
    pub format: String,
    pub signals: Vec<String>,
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
    pub weights: Vec<f32>,
    pub bias: f32,
    pub document: DocumentWeights,
    pub provenance: serde_json::Value,
}

impl RoundTripModel {
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let m: RoundTripModel = serde_json::from_slice(&bytes)
            .map_err(|e| Error::bad_model(path, format!("not a valid round-trip model ({e})")))?;
        let fix = "refit it with scripts/build/fit-roundtrip.py --write";
        if m.format != FORMAT {
            return Err(Error::bad_model(path, format!("format {:?}, expected {FORMAT:?}; {fix}", m.format)));
        }
        if m.signals != SIGNALS {
            return Err(Error::bad_model(path, format!("its signals differ from this build's; {fix}")));
        }
        let n = SIGNALS.len();
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        if m.mean.len() != n
            || m.scale.len() != n
            || m.weights.len() != n
            || m.document.rule != "noisy-or"
            || !finite(&m.mean)
            || !finite(&m.weights)
            || !finite(&[
                m.bias,
                m.document.weight,
                m.document.bias,
                m.document.sentence_line,
                m.document.lm_ratio_weight,
            ])
            || m.scale.iter().any(|&s| !(s.is_finite() && s > 0.0))
        {
            return Err(Error::bad_model(path, format!("wrong sizes, an unknown rule or non-finite weights; {fix}")));
        }
        Ok(m)
    }

    /// The logit that a sentence with this round trip is machine-translated.
    pub fn sentence_logit(&self, trip: &Trip) -> f32 {
        let x = signals(trip);
        self.bias + (0..x.len()).map(|i| self.weights[i] * (x[i] - self.mean[i]) / self.scale[i]).sum::<f32>()
    }

    /// A document's round-trip score from its sent sentences (trip and logit): the mean logit,
    /// plus `lm_ratio_weight` times the mean LM ratio (None when nothing was sent).
    pub fn document_score(&self, trips: &[(Trip, f32)]) -> Option<f32> {
        if trips.is_empty() {
            return None;
        }
        let n = trips.len() as f32;
        let logits = trips.iter().map(|(_, l)| l).sum::<f32>() / n;
        let ratio = trips.iter().map(|(t, _)| t.lm_ratio.unwrap_or(0.0)).sum::<f32>() / n;
        Some(logits + self.document.lm_ratio_weight * ratio)
    }

    /// P(the document reads like MT smoothed) from its round-trip score alone.
    pub fn p_smooth(&self, roundtrip_score: f32) -> f32 {
        1.0 / (1.0 + (-(self.document.weight * roundtrip_score + self.document.bias)).exp())
    }

    /// P(MT) of a document from its round-trip score (mean sentence logit) and the garble
    /// evidence's P(MT): either evidence suffices.
    pub fn p_mt(&self, roundtrip_score: f32, garble_p_mt: f32) -> f32 {
        1.0 - (1.0 - garble_p_mt) * (1.0 - self.p_smooth(roundtrip_score))
    }
}
