//! `mtcheck train scorer`: fits the full detector's model from labelled sets (mtcheck-eval v1 with
//! `human_quality` and `bad` tags, i.e. the MLQE-PE train files) and calibrates sentence
//! quality on clean text held out of LM training.

use super::{damage, fit_calibration, labelled_set, paragraphs_after_calibration, read_paragraphs};
use crate::analysis::Analyzer;
use crate::detect::forest::{Calibration, Forest, Loss, Params};
use crate::detect::full::model::{token_input_names, ReasonStat, ScorerModel, Thresholds, FORMAT};
use crate::error::{Error, Result};
use crate::eval::metrics::align;
use crate::features::{self, CharShape, Context, TopicVectors};
use crate::io::eval_set::EvalRecord;
use crate::text::{CharOffsets, Tokenizer};
use ndarray::Array2;
use rayon::prelude::*;
use std::path::PathBuf;

pub struct TrainOptions {
    /// Labelled sets (`*-train.jsonl`).
    pub sets: Vec<PathBuf>,
    /// Sets whose BAD tags train the token forest only (their quality scale differs from the
    /// sentence targets', e.g. MQM penalties): ../shared/data/train/mqm-zh-en-train.jsonl.zst.
    pub token_sets: Vec<PathBuf>,
    /// Clean human text, a paragraph a line, held out of LM training: calibrates quality.
    pub clean: PathBuf,
    /// Paragraphs of `clean` to use.
    pub clean_paragraphs: usize,
    /// Clean human text to damage synthetically (paragraphs after the calibration ones).
    pub damage: Option<PathBuf>,
    /// Clean human text held out of LM training (paragraphs after the calibration ones when
    /// it is the `clean` file) whose tokens are all OK: negatives for the token forest.
    pub human: Option<PathBuf>,
    pub human_paragraphs: usize,
    /// Clean human text held out of LM training (paragraphs after the calibration ones when it
    /// is the `clean` file) whose paragraph openings are fluent fragments for the sentence forest.
    pub fragments: Option<PathBuf>,
    pub fragment_paragraphs: usize,
    /// Paragraphs of `damage` to use.
    pub damage_paragraphs: usize,
    pub sentence_params: Params,
    /// Sentence forests to average.
    pub bags: usize,
    pub token_params: Params,
    pub thresholds: Thresholds,
    /// Features to leave out (their columns are held constant, so no tree can use them): for
    /// ablation studies.
    pub without: Vec<String>,
}

/// The models the features need besides the scorer's own.
pub struct FeatureModels<'a> {
    pub analyzer: &'a Analyzer,
    pub topics: &'a TopicVectors,
}

/// Rows for both forests.
#[derive(Default)]
struct Dataset {
    sentence_rows: Vec<f32>,
    sentence_targets: Vec<f32>,
    token_rows: Vec<f32>,
    token_targets: Vec<f32>,
    /// For each token row, the index of its sentence row.
    token_sentence: Vec<usize>,
}

impl Dataset {
    fn extend(&mut self, other: Dataset) {
        let offset = self.sentence_targets.len();
        self.sentence_rows.extend(other.sentence_rows);
        self.sentence_targets.extend(other.sentence_targets);
        self.token_sentence.extend(other.token_sentence.iter().map(|i| i + offset));
        self.token_rows.extend(other.token_rows);
        self.token_targets.extend(other.token_targets);
    }
}

/// Trains the model; `log` hears what it is doing (sizes of the data).
pub fn train(models: &FeatureModels, options: &TrainOptions, log: &dyn Fn(&str)) -> Result<ScorerModel> {
    let shape = CharShape::train(models.analyzer.lm());
    let mut data = Dataset::default();
    let mut set_sizes = Vec::new();
    for path in &options.sets {
        let (records, targets, size) = labelled_set(path)?;
        set_sizes.push(size);
        data.extend(dataset(models, &shape, &records, &targets));
    }
    if let Some(path) = &options.damage {
        let records = damaged_records(
            models.analyzer.tokenizer(),
            &held_out_paragraphs(path, options, options.damage_paragraphs)?,
        );
        let targets: Vec<f32> = records.iter().map(|r| r.human_quality.unwrap_or(0.0) as f32).collect();
        set_sizes.push(
            serde_json::json!({"set": format!("synthetic damage of {}", path.display()), "records": records.len()}),
        );
        data.extend(dataset(models, &shape, &records, &targets));
    }
    if let Some(path) = &options.fragments {
        let (records, targets, size) =
            super::fragments::held_out(path, &options.clean, options.clean_paragraphs, options.fragment_paragraphs)?;
        set_sizes.push(size);
        data.extend(dataset(models, &shape, &records, &targets));
    }
    let sentence_names = features::sentence_input_names();
    let token_names = token_input_names();
    let mut xs = matrix(data.sentence_rows, sentence_names.len())?;
    let mut xt = matrix(data.token_rows, token_names.len() - 1)?;
    let hold_out = without_columns(&options.without)?;
    hold_out(&sentence_names, &mut xs);
    hold_out(&token_names, &mut xt);
    log(&format!("training on {} sentences, {} tokens", xs.nrows(), xt.nrows()));
    let sentence =
        Forest::train_bagged(&xs, &data.sentence_targets, Loss::Squared, &options.sentence_params, options.bags);
    // The token forest also sees the sentence's predicted quality; out of fold, so that it
    // learns how much to trust a prediction the sentence forest did not fit to.
    let oof = out_of_fold(&xs, &data.sentence_targets, &options.sentence_params);
    let scores = ndarray::Array2::from_shape_fn((xt.nrows(), 1), |(i, _)| oof[data.token_sentence[i]]);
    let xt = ndarray::concatenate(ndarray::Axis(1), &[xt.view(), scores.view()])
        .map_err(|e| Error::Training(e.to_string()))?;
    let mut token_targets = data.token_targets;
    let mut xt = xt;
    // Token rows the sentence forest was not trained on see its prediction for their sentence.
    let mut add_token_rows = |extra: Dataset, xt: &mut Array2<f32>| -> Result<usize> {
        let mut es = matrix(extra.sentence_rows, sentence_names.len())?;
        let mut et = matrix(extra.token_rows, token_names.len() - 1)?;
        hold_out(&sentence_names, &mut es);
        hold_out(&token_names, &mut et);
        let z: Vec<f32> = es.rows().into_iter().map(|r| sentence.margin(r)).collect();
        let scores = ndarray::Array2::from_shape_fn((et.nrows(), 1), |(i, _)| z[extra.token_sentence[i]]);
        let et = ndarray::concatenate(ndarray::Axis(1), &[et.view(), scores.view()])
            .map_err(|e| Error::Training(e.to_string()))?;
        token_targets.extend(extra.token_targets);
        *xt = ndarray::concatenate(ndarray::Axis(0), &[xt.view(), et.view()])
            .map_err(|e| Error::Training(e.to_string()))?;
        Ok(et.nrows())
    };
    for path in &options.token_sets {
        let records = crate::io::eval_set::read_set(path)?;
        let records: Vec<EvalRecord> = records.into_iter().filter(|r| r.bad.is_some()).collect();
        let zeros = vec![0.0; records.len()];
        let added = add_token_rows(dataset(models, &shape, &records, &zeros), &mut xt)?;
        log(&format!("token forest: {added} tokens of {} (token targets only)", path.display()));
        set_sizes.push(serde_json::json!({"set": path.display().to_string(), "records": records.len(), "use": "token forest only"}));
    }
    // Clean human sentences: every token OK. Without them the token forest has only seen
    // machine translation, where every sentence has some BAD words.
    if let Some(path) = &options.human {
        let human = human_rows(models, &shape, &held_out_paragraphs(path, options, options.human_paragraphs)?);
        let added = add_token_rows(human, &mut xt)?;
        log(&format!("token forest: {} tokens in all, {added} clean human ones", xt.nrows()));
    }
    let token = Forest::train(&xt, &token_targets, Loss::Logistic, &options.token_params);
    let reasons = reason_stats(&xt, &token_targets);
    let mut model = ScorerModel {
        format: FORMAT.to_string(),
        sentence_inputs: sentence_names,
        token_inputs: token_names,
        sentence,
        token,
        forests: None, // named when saved
        calibration: Calibration { center: 0.0, scale: 1.0 },
        thresholds: options.thresholds.clone(),
        reasons,
        char_shape: shape,
        uses_topics: !models.topics.is_empty(),
        provenance: serde_json::json!({
            "train_sets": set_sizes,
            "sentences": xs.nrows(),
            "tokens": xt.nrows(),
            "clean": options.clean.display().to_string(),
            "without": options.without,
            "sentence_params": format!("{:?}", options.sentence_params),
            "token_params": format!("{:?}", options.token_params),
        }),
    };
    model.calibration = calibrate(models, &model, options)?;
    Ok(model)
}

/// What `--without` does: holds the columns of the named features at 0 in every matrix the
/// forests see (a column left live in one part of the data would leak which part a row is from).
fn without_columns(without: &[String]) -> Result<impl Fn(&[String], &mut Array2<f32>) + '_> {
    for name in without {
        if !features::FEATURES.iter().any(|f| f.name == name) {
            return Err(Error::Config(format!("--without {name}: no such feature (see `mtcheck features`)")));
        }
    }
    Ok(move |names: &[String], x: &mut Array2<f32>| {
        for (k, input) in names.iter().enumerate().take(x.ncols()) {
            if without.iter().any(|w| input == w || input.split('.').next() == Some(w.as_str())) {
                x.column_mut(k).fill(0.0);
            }
        }
    })
}

/// The rows of `records` (sentence quality `targets[i]` for record i), in record order.
fn dataset(models: &FeatureModels, shape: &CharShape, records: &[EvalRecord], targets: &[f32]) -> Dataset {
    records.par_iter().zip(targets).map(|(r, &z)| record_rows(models, shape, r, z)).reduce(
        Dataset::default,
        |mut a, b| {
            a.extend(b);
            a
        },
    )
}

/// Rows of clean human paragraphs: every token OK.
fn human_rows(models: &FeatureModels, shape: &CharShape, paragraphs: &[String]) -> Dataset {
    let records: Vec<EvalRecord> = paragraphs
        .iter()
        .map(|p| EvalRecord {
            id: None,
            text: p.clone(),
            human_quality: None,
            is_mt: Some(0),
            tokens: Some(Vec::new()),
            bad: Some(Vec::new()),
        })
        .collect();
    dataset(models, shape, &records, &vec![0.0; records.len()])
}

/// `take` paragraphs of held-out text `path`: after the calibration ones when it is the
/// `clean` file, so that no paragraph serves twice.
fn held_out_paragraphs(path: &std::path::Path, options: &TrainOptions, take: usize) -> Result<Vec<String>> {
    paragraphs_after_calibration(path, &options.clean, options.clean_paragraphs, take)
}

/// Predictions for every row from a forest that did not see it (two folds: even and odd rows).
fn out_of_fold(x: &Array2<f32>, y: &[f32], params: &Params) -> Vec<f32> {
    let mut out = vec![0f32; y.len()];
    for fold in 0..2 {
        let train: Vec<usize> = (0..y.len()).filter(|i| i % 2 != fold).collect();
        let xs = x.select(ndarray::Axis(0), &train);
        let ys: Vec<f32> = train.iter().map(|&i| y[i]).collect();
        let forest = Forest::train(&xs, &ys, Loss::Squared, params);
        for i in (fold..y.len()).step_by(2) {
            out[i] = forest.margin(x.row(i));
        }
    }
    out
}

/// Clean and damaged records from the sentences of `paragraphs`.
fn damaged_records(tokenizer: &Tokenizer, paragraphs: &[String]) -> Vec<EvalRecord> {
    let sentences: Vec<Vec<String>> = paragraphs
        .iter()
        .flat_map(|p| {
            crate::text::sentence_spans(p)
                .into_iter()
                .map(|r| tokenizer.tokenize(&p[r]).into_iter().map(|t| t.text.into_owned()).collect::<Vec<String>>())
                .collect::<Vec<_>>()
        })
        .filter(|t| t.len() >= 5)
        .collect();
    let donors: Vec<String> = sentences
        .iter()
        .flatten()
        .filter(|w| {
            w.len() >= 4 && w.chars().all(char::is_alphabetic) && !crate::text::is_function_word(&w.to_lowercase())
        })
        .cloned()
        .collect();
    let mut rng = damage::Rng::new(20261121);
    sentences.iter().flat_map(|t| damage::records(t, &donors, &mut rng)).collect()
}

fn record_rows(models: &FeatureModels, shape: &CharShape, record: &EvalRecord, z: f32) -> Dataset {
    let doc = models.analyzer.analyze(&record.text);
    let ctx = Context::new(&doc, shape, models.topics);
    let bad = bad_char_ranges(record);
    let mut chars = CharOffsets::new(&record.text);
    let mut out = Dataset::default();
    for s in &doc.sentences {
        let f = features::compute(&ctx, s);
        out.sentence_rows.extend(features::sentence_inputs(&f));
        out.sentence_targets.push(z);
        let Some(bad) = &bad else { continue };
        out.token_rows.extend(features::token_inputs(&f).iter());
        out.token_sentence.extend(std::iter::repeat_n(out.sentence_targets.len() - 1, s.tokens.len()));
        for w in &s.tokens {
            let (a, e) = chars.span(w.bytes);
            out.token_targets.push(f32::from(bad.iter().any(|&(s, t)| s < e && a < t)));
        }
    }
    out
}

/// Character ranges of the record's BAD tokens (None without tags).
fn bad_char_ranges(record: &EvalRecord) -> Option<Vec<(usize, usize)>> {
    let (tokens, bad) = (record.tokens.as_ref()?, record.bad.as_ref()?);
    let chars: Vec<char> = record.text.chars().collect();
    Some(align(&chars, tokens).into_iter().zip(bad).filter(|(_, &b)| b == 1).filter_map(|(r, _)| r).collect())
}

fn matrix(rows: Vec<f32>, width: usize) -> Result<Array2<f32>> {
    let n = rows.len() / width.max(1);
    Array2::from_shape_vec((n, width), rows).map_err(|e| Error::Training(e.to_string()))
}

/// Mean and spread of each token feature on OK tokens, and which way BAD tokens differ.
fn reason_stats(x: &Array2<f32>, bad: &[f32]) -> Vec<ReasonStat> {
    features::token_features()
        .enumerate()
        .map(|(k, f)| {
            let (mut ok, mut garbled) = (Vec::new(), Vec::new());
            for (i, &b) in bad.iter().enumerate() {
                if b > 0.5 { &mut garbled } else { &mut ok }.push(x[[i, k]]);
            }
            let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
            let m = mean(&ok);
            let std = (ok.iter().map(|v| (v - m).powi(2)).sum::<f32>() / ok.len().max(1) as f32).sqrt();
            ReasonStat {
                feature: f.name.to_string(),
                mean: m,
                std,
                direction: if mean(&garbled) >= m { 1.0 } else { -1.0 },
            }
        })
        .collect()
}

/// Places quality 0.5 at the [`CLEAN_FLAG_SHARE`] quantile of clean sentences' predictions and
/// the median clean sentence at [`CLEAN_MEDIAN_QUALITY`].
fn calibrate(models: &FeatureModels, model: &ScorerModel, options: &TrainOptions) -> Result<Calibration> {
    let paragraphs = read_paragraphs(&options.clean, 0, options.clean_paragraphs)?;
    let z: Vec<f32> = paragraphs
        .par_iter()
        .flat_map_iter(|p| {
            let doc = models.analyzer.analyze(p);
            let ctx = Context::new(&doc, &model.char_shape, models.topics);
            let out: Vec<f32> = doc
                .sentences
                .iter()
                .map(|s| {
                    let f = features::compute(&ctx, s);
                    model.sentence_score(ndarray::Array1::from(features::sentence_inputs(&f)).view())
                })
                .collect();
            out
        })
        .collect();
    fit_calibration(z, &options.clean)
}
