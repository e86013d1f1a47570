//! Evaluation and training sets (`mtcheck-eval v1`, DESIGN "Evaluation sets"): one JSON
//! object a line with the text and its labels (human quality, MT or not, BAD tags of tokens).

use crate::error::{Error, Result};
use serde::Deserialize;
use std::io::BufRead;
use std::path::Path;

/// One record of an evaluation set.
#[derive(Clone, Debug, Deserialize)]
pub struct EvalRecord {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    pub text: String,
    #[serde(default)]
    pub human_quality: Option<f64>,
    #[serde(default)]
    pub is_mt: Option<u8>,
    #[serde(default)]
    pub tokens: Option<Vec<String>>,
    #[serde(default)]
    pub bad: Option<Vec<u8>>,
}

/// Reads an evaluation set; a malformed line is an error naming the file and line.
pub fn read_set(path: &Path) -> Result<Vec<EvalRecord>> {
    let reader = super::input::open_reader(path)?;
    let mut records = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: EvalRecord =
            serde_json::from_str(&line).map_err(|e| Error::Config(format!("{}:{}: {e}", path.display(), i + 1)))?;
        records.push(record);
    }
    Ok(records)
}
