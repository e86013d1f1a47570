//! The full detector's model (`scorer.json`): learned weights mapping the feature matrix to a
//! quality per sentence and P(garbled) per token. Two forests of boosted trees
//! ([`crate::detect::forest`]): a regression from the sentence
//! inputs to human quality (z-scored direct assessment), calibrated to [0, 1] on clean text,
//! and a classifier from the token inputs to the BAD tag. Stored as JSON (`scorer.json`) with
//! the input names it was trained on, checked against the code's features when it loads.

use crate::detect::forest::{Calibration, Forest};
use crate::detect::forest_file;
use crate::error::{Error, Result};
use crate::features::{self, CharShape, SentenceFeatures};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FORMAT: &str = "mtcheck-scorer v2";
/// Version 1 held the forests in the JSON itself (still read: slower to load).
const FORMAT_V1: &str = "mtcheck-scorer v1";

/// The token forest's inputs: the token and sentence features, then the sentence forest's
/// prediction for the token's sentence.
pub fn token_input_names() -> Vec<String> {
    let mut names = features::token_input_names();
    names.push(SENTENCE_SCORE.to_string());
    names
}

const SENTENCE_SCORE: &str = "sentence_score";

/// Token features that inform the scorer but explain nothing to a reader ("it is the fifth
/// word") and so are never given as a span's reason.
const NOT_REASONS: &[&str] = &["position", "function_word"];

/// Default decision thresholds, tuned on the dev sets.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Thresholds {
    /// A sentence is flagged below this quality.
    pub sentence: f32,
    /// Spans are shown in sentences below this quality (at or above `sentence`: a sentence
    /// close to the line may show its worst words without being flagged).
    pub span_gate: f32,
    /// In such a sentence, a token is garbled at or above this P(garbled).
    pub token: f32,
}

/// What is typical of a token feature on OK tokens, to say which features drove a span.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReasonStat {
    pub feature: String,
    pub mean: f32,
    pub std: f32,
    /// +1 if BAD tokens have higher values than OK ones, −1 if lower.
    pub direction: f32,
}

/// Where the forests are (`scorer.forest`, [`crate::detect::forest_file`]) and what they
/// must be: a JSON and a forest file from different trainings are refused.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ForestFile {
    pub file: String,
    pub bytes: u64,
    /// xxh3-64 of the file, hex.
    pub xxh3: String,
}

/// The scorer file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScorerModel {
    pub format: String,
    pub sentence_inputs: Vec<String>,
    pub token_inputs: Vec<String>,
    /// The forests live in a binary file beside the JSON ([`ForestFile`]; inline in v1).
    #[serde(default, skip_serializing)]
    pub sentence: Forest,
    #[serde(default, skip_serializing)]
    pub token: Forest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forests: Option<ForestFile>,
    pub calibration: Calibration,
    pub thresholds: Thresholds,
    pub reasons: Vec<ReasonStat>,
    pub char_shape: CharShape,
    /// Whether it was trained with topic vectors (then `topics.bin` must sit beside it).
    pub uses_topics: bool,
    /// How it was trained (data, settings, sizes): for the model card and `mtcheck model info`.
    pub provenance: serde_json::Value,
}

impl ScorerModel {
    pub fn load(path: &Path) -> Result<Self> {
        // Parsing from a slice is several times faster than from a reader (no per-byte calls).
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut model: ScorerModel = serde_json::from_slice(&bytes)
            .map_err(|e| Error::bad_model(path, format!("not a valid scorer file ({e})")))?;
        if model.format == FORMAT {
            let info = model.forests.clone().ok_or_else(|| Error::bad_model(path, "names no forest file"))?;
            // A model file is input: it may name a file beside it, nothing elsewhere.
            if info.file.is_empty() || info.file.contains(['/', '\\']) || info.file == ".." {
                return Err(Error::bad_model(
                    path,
                    format!("forest file {:?} is not a file name beside it", info.file),
                ));
            }
            let forest_path = path.with_file_name(&info.file);
            let bytes = std::fs::read(&forest_path).map_err(|e| Error::io(&forest_path, e))?;
            if bytes.len() as u64 != info.bytes || hash(&bytes) != info.xxh3 {
                return Err(Error::bad_model(
                    &forest_path,
                    format!("is not the forest file {} was saved with (size or checksum differ); rebuild both with scripts/build/build-model.sh", path.display()),
                ));
            }
            let forests = forest_file::decode(&bytes).map_err(|e| Error::bad_model(&forest_path, e))?;
            let [sentence, token]: [Forest; 2] =
                forests.try_into().map_err(|_| Error::bad_model(&forest_path, "expected two forests"))?;
            (model.sentence, model.token) = (sentence, token);
        }
        model.check(path)?;
        Ok(model)
    }

    /// Writes the JSON at `path` and the forests beside it (`scorer.forest` for `scorer.json`).
    pub fn save(&self, path: &Path) -> Result<()> {
        let forests = forest_file::encode(&[&self.sentence, &self.token]);
        let file = path.with_extension("forest");
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        crate::io::output::write_atomically(&file, |f| std::io::Write::write_all(f, &forests))?;
        let info = ForestFile { file: name, bytes: forests.len() as u64, xxh3: hash(&forests) };
        let model = ScorerModel { format: FORMAT.to_string(), forests: Some(info), ..self.clone() };
        let json = serde_json::to_vec(&model).map_err(|e| Error::Config(e.to_string()))?;
        crate::io::output::write_atomically(path, |f| std::io::Write::write_all(f, &json))
    }

    /// The file must have been trained on exactly the features this build computes.
    fn check(&self, path: &Path) -> Result<()> {
        let fix =
            "retrain it with `mtcheck train scorer` (scripts/build/build-model.sh) or use the mtcheck version that made it";
        if self.format != FORMAT && self.format != FORMAT_V1 {
            return Err(Error::bad_model(path, format!("format {:?}, expected {FORMAT:?}; {fix}", self.format)));
        }
        for (what, stored, code) in [
            ("sentence", &self.sentence_inputs, features::sentence_input_names()),
            ("token", &self.token_inputs, token_input_names()),
        ] {
            if *stored != code {
                let missing: Vec<&String> = code.iter().filter(|n| !stored.contains(n)).collect();
                let extra: Vec<&String> = stored.iter().filter(|n| !code.contains(n)).collect();
                return Err(Error::bad_model(
                    path,
                    format!("its {what} features differ from this build's (missing {missing:?}, unknown {extra:?}, or reordered); {fix}"),
                ));
            }
        }
        let token_names: Vec<&str> = features::token_features().map(|f| f.name).collect();
        if self.reasons.iter().map(|r| r.feature.as_str()).ne(token_names) {
            return Err(Error::bad_model(
                path,
                format!("its reason statistics do not match the token features; {fix}"),
            ));
        }
        for (what, forest, n) in
            [("sentence", &self.sentence, self.sentence_inputs.len()), ("token", &self.token, self.token_inputs.len())]
        {
            if forest.inputs != n {
                return Err(Error::bad_model(path, format!("{what} forest expects {} inputs, not {n}", forest.inputs)));
            }
            forest.validate().map_err(|e| Error::bad_model(path, format!("{what} forest: {e}")))?;
        }
        Ok(())
    }

    /// The score (see [`Self::sentence_score`]) and quality in [0, 1] of a sentence with these
    /// sentence inputs ([`features::sentence_inputs`]).
    pub fn quality_of(&self, inputs: &[f32]) -> (f32, f32) {
        let z = self.sentence_score(ndarray::ArrayView1::from(inputs));
        (z, self.calibration.quality(z))
    }

    /// The uncalibrated sentence score: predicted human quality (z units).
    pub fn sentence_score(&self, row: ndarray::ArrayView1<f32>) -> f32 {
        self.sentence.margin(row)
    }

    /// P(garbled) of each token of a sentence whose score is `z`.
    pub fn token_probabilities(&self, features: &SentenceFeatures, z: f32) -> Vec<f32> {
        let rows = features::token_inputs(features);
        let mut row = Vec::with_capacity(rows.ncols() + 1);
        rows.rows()
            .into_iter()
            .map(|r| {
                row.clear();
                row.extend(r.iter().copied());
                row.push(z);
                self.token.predict(ndarray::ArrayView1::from(&row[..]))
            })
            .collect()
    }

    /// The token features that make token `i` look garbled, strongest first (at most two).
    pub fn reasons(&self, features: &SentenceFeatures, i: usize) -> Vec<&'static str> {
        let mut scored: Vec<(f32, &'static str)> = self
            .reasons
            .iter()
            .zip(features::token_features())
            .enumerate()
            .map(|(k, (stat, f))| {
                let z = stat.direction * (features.tokens[[i, k]] - stat.mean) / stat.std.max(1e-3);
                (z, f.name)
            })
            .filter(|&(z, name)| z > 1.0 && !NOT_REASONS.contains(&name))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut out: Vec<&'static str> = scored.into_iter().take(2).map(|(_, n)| n).collect();
        if out.is_empty() {
            // No single feature stands out: the scorer's combination of them all.
            out.push("context");
        }
        out
    }
}

fn hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}
