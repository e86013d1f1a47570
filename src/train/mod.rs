//! Training the detectors' models from labelled sets and held-out clean text: [`full`] (`mtcheck
//! train scorer`) and [`fast`] (`mtcheck train fast`), with the data they share: labelled sets
//! z-scored per set, held-out paragraphs, synthetic [`damage`], fluent [`fragments`], and the
//! calibration of quality on clean text. (The LM's own training is [`crate::lm::train`].)
//! Trainers report progress through a `log` callback: the library never prints.

pub mod damage;
pub mod document;
pub mod encoder;
pub mod encoder_file;
pub mod fast;
pub mod fragments;
pub mod full;

use crate::detect::forest::Calibration;
use crate::error::{Error, Result};
use crate::io::eval_set::{read_set, EvalRecord};
use std::io::BufRead;

/// Where quality 0.5 sits: this share of clean sentences score below it.
const CLEAN_FLAG_SHARE: f32 = 0.02;
/// The quality of the median clean sentence.
///
/// Lower is more linear over the range where MT output lies (which keeps the Pearson
/// correlation of quality with human judgements: 0.85 lost 0.015 of it on MLQE-PE dev).
const CLEAN_MEDIAN_QUALITY: f32 = 0.7;

/// A labelled set's records, their human quality z-scored within the set, and its size for the
/// provenance.
pub(crate) fn labelled_set(path: &std::path::Path) -> Result<(Vec<EvalRecord>, Vec<f32>, serde_json::Value)> {
    let records = read_set(path)?;
    let targets = standardized_quality(&records)
        .ok_or_else(|| Error::Training(format!("{}: needs human_quality on its records", path.display())))?;
    let size = serde_json::json!({"set": path.display().to_string(), "records": records.len()});
    Ok((records, targets, size))
}

/// Human quality z-scored within the set (sets use different scales).
fn standardized_quality(records: &[EvalRecord]) -> Option<Vec<f32>> {
    let q: Vec<f64> = records.iter().map(|r| r.human_quality).collect::<Option<_>>()?;
    let mean = q.iter().sum::<f64>() / q.len() as f64;
    let sd = (q.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / q.len() as f64).sqrt().max(1e-9);
    Some(q.iter().map(|x| ((x - mean) / sd) as f32).collect())
}

/// `take` paragraphs of `path`, skipping the first `clean_paragraphs` when it is the
/// calibration file `clean` (they calibrate quality and must not also be trained on).
pub(crate) fn paragraphs_after_calibration(
    path: &std::path::Path,
    clean: &std::path::Path,
    clean_paragraphs: usize,
    take: usize,
) -> Result<Vec<String>> {
    let skip = if path == clean { clean_paragraphs } else { 0 };
    read_paragraphs(path, skip, take)
}

/// Non-empty lines `skip..skip + take` of a text file.
pub(crate) fn read_paragraphs(path: &std::path::Path, skip: usize, take: usize) -> Result<Vec<String>> {
    let reader = crate::io::input::open_reader(path)?;
    let mut out = Vec::new();
    for line in reader.lines().skip(skip).take(take) {
        let line = line.map_err(|e| Error::io(path, e))?;
        if !line.trim().is_empty() {
            out.push(line);
        }
    }
    Ok(out)
}

/// The calibration that puts quality 0.5 at the [`CLEAN_FLAG_SHARE`] quantile of `z`, the
/// scores of clean sentences from `clean`, and its median at [`CLEAN_MEDIAN_QUALITY`].
pub(crate) fn fit_calibration(mut z: Vec<f32>, clean: &std::path::Path) -> Result<Calibration> {
    if z.len() < 100 {
        return Err(Error::Training(format!(
            "{}: too little clean text to calibrate ({} sentences)",
            clean.display(),
            z.len()
        )));
    }
    z.sort_by(f32::total_cmp);
    let center = z[(z.len() as f32 * CLEAN_FLAG_SHARE) as usize];
    let median = z[z.len() / 2];
    let logit = (CLEAN_MEDIAN_QUALITY / (1.0 - CLEAN_MEDIAN_QUALITY)).ln();
    Ok(Calibration { center, scale: ((median - center) / logit).max(1e-3) })
}
