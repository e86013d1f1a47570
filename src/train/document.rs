//! `mtcheck train document`: fits the document verdict ([`DocumentModel`]) on labelled
//! documents (mtcheck-eval v1 records whose `text` is a whole document and `is_mt` says whether
//! it was machine-translated or spun), from the full detector's sentence signals.
//!
//! The fit is a logistic regression over the standardized means, by gradient descent: small
//! enough to write here (about 30 lines) rather than pull in a machine-learning crate and its
//! linear-algebra backend for it. Each set weighs the same and, within it, each class; then
//! the line moves up until at most `human_called` of any set's human documents reach P 0.5,
//! so that clean text of every source stays clean. Last, the sentence line of documents judged
//! human ([`DocumentModel::flag_human_below`]) goes down until at most `human_flagged` of any
//! set's human documents below P 0.5 have a sentence under it.

use crate::analysis::SentenceKind;
use crate::detect::full::document::{signal_names, DocumentModel, FORMAT};
use crate::detect::full::Checker;
use crate::error::{Error, Result};
use crate::eval::metrics::auc;
use crate::io::eval_set::read_set;
use rayon::prelude::*;
use std::path::PathBuf;

pub struct DocumentTrainOptions {
    /// Sets of labelled documents.
    pub sets: Vec<PathBuf>,
    /// L2 penalty on the standardized weights.
    pub l2: f32,
    /// The share of any set's human documents allowed at P(MT) ≥ 0.5.
    pub human_called: f32,
    /// The sentence line in documents called MT ([`DocumentModel::flag_below`]).
    pub flag_below: Option<f32>,
    /// The share of any set's human documents not called MT allowed a flagged sentence (sets
    /// [`DocumentModel::flag_human_below`]; None: no such line).
    pub human_flagged: Option<f32>,
    /// The checker's own flag line: the human line is never above it.
    pub threshold: f32,
}

/// One labelled document: its mean signals, whether it is MT, and its lowest prose quality.
struct Row {
    means: Vec<f32>,
    is_mt: bool,
    lowest: f32,
}

/// The labelled documents of a set (documents too short to judge are left out).
fn document_rows(checker: &Checker, path: &std::path::Path) -> Result<Vec<Row>> {
    let records = read_set(path)?;
    let rows: Vec<Option<Row>> = records
        .par_iter()
        .map(|r| {
            let label = r.is_mt?;
            let (report, evidence) = checker.check_with_evidence(&r.text);
            let prose = report.sentences.iter().filter(|s| s.kind == SentenceKind::Prose);
            let lowest = prose.map(|s| s.quality).fold(f32::INFINITY, f32::min);
            Some(Row { means: evidence.means()?, is_mt: label == 1, lowest })
        })
        .collect();
    Ok(rows.into_iter().flatten().collect())
}

/// Fits the document model; `log` hears the data sizes and the fit.
pub fn train(checker: &Checker, options: &DocumentTrainOptions, log: &dyn Fn(&str)) -> Result<DocumentModel> {
    let (mut rows, mut labels, mut lowest, mut weights, mut set_of) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut sizes = Vec::new();
    for (k, path) in options.sets.iter().enumerate() {
        let documents = document_rows(checker, path)?;
        lowest.extend(documents.iter().map(|d| d.lowest));
        let (r, l): (Vec<Vec<f32>>, Vec<bool>) = documents.into_iter().map(|d| (d.means, d.is_mt)).unzip();
        let mt = l.iter().filter(|&&m| m).count();
        let human = l.len() - mt;
        log(&format!("{}: {} documents ({mt} MT, {human} human)", path.display(), l.len()));
        sizes.push(serde_json::json!({"set": path.display().to_string(), "mt": mt, "human": human}));
        // Each set weighs 1, split evenly between its classes.
        let classes = (mt > 0) as usize + (human > 0) as usize;
        let share = |count: usize| 1.0 / (classes.max(1) * count.max(1)) as f32;
        weights.extend(l.iter().map(|&m| share(if m { mt } else { human })));
        set_of.extend(std::iter::repeat_n(k, l.len()));
        rows.extend(r);
        labels.extend(l);
    }
    let mt = labels.iter().filter(|&&m| m).count();
    if mt == 0 || mt == labels.len() {
        return Err(Error::Training("the document sets need both MT (is_mt 1) and human (is_mt 0) documents".into()));
    }
    let n = signal_names().len();
    let column = |j: usize| rows.iter().map(move |r| r[j] as f64);
    let mean: Vec<f32> = (0..n).map(|j| (column(j).sum::<f64>() / rows.len() as f64) as f32).collect();
    let scale: Vec<f32> = (0..n)
        .map(|j| {
            let var = column(j).map(|x| (x - mean[j] as f64).powi(2)).sum::<f64>() / rows.len() as f64;
            (var.sqrt() as f32).max(1e-6)
        })
        .collect();
    let xs: Vec<Vec<f32>> = rows.iter().map(|r| (0..n).map(|j| (r[j] - mean[j]) / scale[j]).collect()).collect();
    let total: f32 = weights.iter().sum();
    let weights: Vec<f32> = weights.iter().map(|w| w / total).collect();
    let (coefficients, bias) = fit_logistic(&xs, &labels, &weights, options.l2);
    let mut model = DocumentModel {
        format: FORMAT.to_string(),
        inputs: signal_names(),
        mean,
        scale,
        weights: coefficients,
        bias,
        flag_below: options.flag_below,
        flag_human_below: None,
        provenance: serde_json::Value::Null,
    };
    // The line: up to the highest of the sets' (1 − human_called) quantiles of human P(MT).
    let scores: Vec<f64> = rows.iter().map(|r| model.probability(r) as f64).collect();
    let line = (0..options.sets.len())
        .filter_map(|k| {
            let mut human: Vec<f64> =
                (0..rows.len()).filter(|&i| set_of[i] == k && !labels[i]).map(|i| scores[i]).collect();
            human.sort_by(f64::total_cmp);
            let at = ((1.0 - options.human_called as f64) * human.len() as f64).ceil() as usize;
            human.get(at.min(human.len().saturating_sub(1))).copied()
        })
        .fold(0.5f64, f64::max)
        .min(1.0 - 1e-6);
    let shift = (line / (1.0 - line)).ln() as f32;
    model.bias -= shift;
    // The human line: the lowest of the sets' `human_flagged` quantiles of the lowest prose
    // quality of their human documents below P 0.5.
    model.flag_human_below = options.human_flagged.map(|share| {
        (0..options.sets.len())
            .filter_map(|k| {
                let human = (0..rows.len())
                    .filter(|&i| set_of[i] == k && !labels[i] && model.probability(&rows[i]) < 0.5)
                    .map(|i| lowest[i]);
                line_under_share(human.collect(), share)
            })
            .fold(options.threshold, f32::min)
    });
    if let Some(line) = model.flag_human_below {
        log(&format!("in documents judged human, sentences are flagged below {line:.3}"));
    }
    let train_auc = auc(&scores, &labels);
    log(&format!(
        "trained on {} documents ({mt} MT): training AUC {train_auc:.3}; line moved up by {shift:.2} in logit",
        labels.len()
    ));
    model.provenance = serde_json::json!({
        "sets": sizes, "l2": options.l2, "training_auc": train_auc,
        "human_called": options.human_called, "line_shift": shift, "human_flagged": options.human_flagged,
    });
    Ok(model)
}

/// The highest line with at most `share` of `values` below it (None for no values).
fn line_under_share(mut values: Vec<f32>, share: f32) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    // (The small addition keeps 0.03 × 100 at 3 despite f32 rounding.)
    values.get((f64::from(share) * values.len() as f64 + 1e-6).floor() as usize).copied()
}

/// Weighted, L2-penalized logistic regression by full-batch gradient descent on standardized
/// inputs (a convex problem: it converges to the one optimum from zero).
fn fit_logistic(xs: &[Vec<f32>], labels: &[bool], weights: &[f32], l2: f32) -> (Vec<f32>, f32) {
    let n = xs.first().map_or(0, Vec::len);
    let (mut w, mut b) = (vec![0f32; n], 0f32);
    let rate = 1.0;
    for _ in 0..5000 {
        let (mut gw, mut gb) = (vec![0f32; n], 0f32);
        for ((x, &y), &weight) in xs.iter().zip(labels).zip(weights) {
            let z = b + x.iter().zip(&w).map(|(a, b)| a * b).sum::<f32>();
            let err = (1.0 / (1.0 + (-z).exp()) - if y { 1.0 } else { 0.0 }) * weight;
            gb += err;
            for (g, a) in gw.iter_mut().zip(x) {
                *g += err * a;
            }
        }
        for (wi, g) in w.iter_mut().zip(&gw) {
            *wi -= rate * (g + l2 * *wi);
        }
        b -= rate * gb;
    }
    (w, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_human_line_leaves_at_most_the_share_below_it() {
        let values: Vec<f32> = (0..100).rev().map(|i| i as f32 / 100.0).collect();
        let line = line_under_share(values.clone(), 0.03).unwrap();
        assert_eq!(values.iter().filter(|&&v| v < line).count(), 3);
        assert_eq!(line_under_share(vec![0.4], 0.03), Some(0.4));
        assert_eq!(line_under_share(Vec::new(), 0.03), None);
    }

    #[test]
    fn logistic_fit_separates_a_separable_signal_and_ignores_noise() {
        // Signal in column 0, noise in column 1.
        let xs: Vec<Vec<f32>> =
            (0..200).map(|i| vec![if i % 2 == 0 { 1.0 } else { -1.0 }, ((i * 7919) % 13) as f32 / 6.0 - 1.0]).collect();
        let labels: Vec<bool> = (0..200).map(|i| i % 2 == 0).collect();
        let (w, _) = fit_logistic(&xs, &labels, &[1.0 / 200.0; 200], 0.01);
        assert!(w[0] > 1.0, "{w:?}");
        assert!(w[1].abs() < 0.2 * w[0], "{w:?}");
    }
}
