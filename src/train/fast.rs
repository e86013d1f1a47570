//! `mtcheck train fast`: fits the fast detector's scorer on the same labelled sets as the detector
//! (human quality, z-scored per set) and calibrates it on the same held-out clean text, so
//! that its qualities sit on the detector's scale.

use super::{fit_calibration, fragments, labelled_set, read_paragraphs};
use crate::analysis::Analyzer;
use crate::detect::fast::{features, sentence_rows, FastScorer, FORMAT};
use crate::detect::forest::{Calibration, Forest, Loss, Params};
use crate::error::{Error, Result};
use crate::io::eval_set::EvalRecord;
use ndarray::Array2;
use rayon::prelude::*;
use std::path::PathBuf;

pub struct FastTrainOptions {
    /// Labelled sets (`*-train.jsonl`).
    pub sets: Vec<PathBuf>,
    /// Clean human text held out of LM training, a paragraph a line: calibrates quality.
    pub clean: PathBuf,
    pub clean_paragraphs: usize,
    /// Clean human text held out of LM training whose paragraph openings are fluent fragments
    /// (as for the full detector: [`fragments`]); paragraphs after the calibration ones when it
    /// is the `clean` file.
    pub fragments: Option<PathBuf>,
    pub fragment_paragraphs: usize,
    pub params: Params,
    /// Default sentence threshold.
    pub threshold: f32,
}

/// Trains the fast scorer; `log` hears what it is doing (the size of the data).
pub fn train(analyzer: &Analyzer, options: &FastTrainOptions, log: &dyn Fn(&str)) -> Result<FastScorer> {
    let width = features::NAMES.len();
    let (mut rows, mut targets) = (Vec::new(), Vec::new());
    // Every sentence of record i becomes a row with target z[i].
    let mut add = |records: &[EvalRecord], z: &[f32]| {
        let per_record: Vec<(Vec<f32>, Vec<f32>)> = records
            .par_iter()
            .zip(z)
            .map(|(r, &z)| {
                let (mut rows, mut targets) = (Vec::new(), Vec::new());
                sentence_rows(analyzer, &r.text, |_, row| {
                    rows.extend_from_slice(row);
                    targets.push(z);
                });
                (rows, targets)
            })
            .collect();
        for (r, t) in per_record {
            rows.extend(r);
            targets.extend(t);
        }
    };
    let mut set_sizes = Vec::new();
    for path in &options.sets {
        let (records, z, size) = labelled_set(path)?;
        set_sizes.push(size);
        add(&records, &z);
    }
    if let Some(path) = &options.fragments {
        let (records, z, size) =
            fragments::held_out(path, &options.clean, options.clean_paragraphs, options.fragment_paragraphs)?;
        set_sizes.push(size);
        add(&records, &z);
    }
    let x = Array2::from_shape_vec((targets.len(), width), rows).map_err(|e| Error::Training(e.to_string()))?;
    log(&format!("training the fast scorer on {} sentences", x.nrows()));
    let forest = Forest::train(&x, &targets, Loss::Squared, &options.params);
    let mut model = FastScorer {
        format: FORMAT.to_string(),
        inputs: features::NAMES.iter().map(|s| s.to_string()).collect(),
        forest,
        calibration: Calibration { center: 0.0, scale: 1.0 },
        threshold: options.threshold,
        provenance: serde_json::json!({
            "train_sets": set_sizes,
            "sentences": x.nrows(),
            "clean": options.clean.display().to_string(),
            "clean_paragraphs": options.clean_paragraphs,
            "params": format!("{:?}", options.params),
        }),
    };
    let paragraphs = read_paragraphs(&options.clean, 0, options.clean_paragraphs)?;
    let z: Vec<f32> = paragraphs
        .par_iter()
        .flat_map_iter(|p| {
            let mut z = Vec::new();
            sentence_rows(analyzer, p, |_, row| z.push(model.score(row)));
            z
        })
        .collect();
    model.calibration = fit_calibration(z, &options.clean)?;
    Ok(model)
}
