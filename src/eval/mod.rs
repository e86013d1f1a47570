//! Evaluation on `mtcheck-eval v1` sets (DESIGN "Evaluation sets"; read by
//! [`crate::io::eval_set`]): scoring predictions with the metrics of [`metrics`], as
//! `../shared/tools/score.py` does.

pub mod metrics;

use crate::io::eval_set::EvalRecord;
use crate::report::ReportJson;

/// The metrics of one set; `None` where the set has no labels for it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub n: usize,
    pub pearson: Option<f64>,
    pub spearman: Option<f64>,
    pub auc_mt: Option<f64>,
    pub word_mcc: Option<f64>,
    pub word_flag_rate: Option<f64>,
    /// Share of sentences flagged in clean (is_mt = 0) documents.
    pub fp_sentence_rate: Option<f64>,
    /// Share of clean documents with at least one span.
    pub fp_span_rate: Option<f64>,
    /// AUC of P(MT) (the document verdict) for MT vs human records that have one.
    pub auc_p_mt: Option<f64>,
    /// Share of MT records the verdict calls machine-translated (P(MT) at or above 0.5).
    pub mt_called_rate: Option<f64>,
    /// Share of human records the verdict calls machine-translated.
    pub human_called_rate: Option<f64>,
    /// Share of MT records with at least 3 flagged sentences.
    pub mt_3_flagged_rate: Option<f64>,
    /// Share of human records with any flagged sentence.
    pub human_flagged_rate: Option<f64>,
}

/// Scores `predictions` (one per record, in order) against `records`.
pub fn evaluate(records: &[EvalRecord], predictions: &[ReportJson]) -> Metrics {
    let mut m = Metrics { n: records.len(), ..Metrics::default() };
    let pairs = records.iter().zip(predictions);
    let (q, h): (Vec<f64>, Vec<f64>) =
        pairs.clone().filter_map(|(r, p)| Some((p.quality as f64, r.human_quality?))).unzip();
    if !q.is_empty() {
        m.pearson = Some(metrics::pearson(&q, &h));
        m.spearman = Some(metrics::spearman(&q, &h));
    }
    let (s, l): (Vec<f64>, Vec<bool>) =
        pairs.clone().filter_map(|(r, p)| Some((-(p.quality as f64), r.is_mt? == 1))).unzip();
    if l.iter().any(|&x| x) && l.iter().any(|&x| !x) {
        m.auc_mt = Some(metrics::auc(&s, &l));
    }
    let (p, l): (Vec<f64>, Vec<bool>) =
        pairs.clone().filter_map(|(r, p)| Some((p.p_mt? as f64, r.is_mt? == 1))).unzip();
    if l.iter().any(|&x| x) && l.iter().any(|&x| !x) {
        m.auc_p_mt = Some(metrics::auc(&p, &l));
    }
    let called = |p: &ReportJson| p.p_mt.is_some_and(|x| x >= crate::report::MT_LINE);
    let flagged = |p: &ReportJson| p.sentences.iter().filter(|s| s.flagged).count();
    let share = |is_mt: u8, test: &dyn Fn(&ReportJson) -> bool| {
        let docs: Vec<&ReportJson> = pairs.clone().filter(|(r, _)| r.is_mt == Some(is_mt)).map(|(_, p)| p).collect();
        (!docs.is_empty()).then(|| docs.iter().filter(|p| test(p)).count() as f64 / docs.len() as f64)
    };
    if !p.is_empty() {
        m.mt_called_rate = share(1, &called);
        m.human_called_rate = share(0, &called);
    }
    m.mt_3_flagged_rate = share(1, &|p| flagged(p) >= 3);
    m.human_flagged_rate = share(0, &|p| flagged(p) > 0);
    let (mut tp, mut fp, mut fn_, mut tn) = (0f64, 0f64, 0f64, 0f64);
    for (r, p) in pairs.clone() {
        let (Some(tokens), Some(bad)) = (&r.tokens, &r.bad) else {
            continue;
        };
        let chars: Vec<char> = r.text.chars().collect();
        let spans: Vec<(usize, usize)> =
            p.sentences.iter().flat_map(|s| s.spans.iter().map(|x| (x.char_start, x.char_end))).collect();
        for (range, &b) in metrics::align(&chars, tokens).iter().zip(bad) {
            let hit = range.is_some_and(|(a, e)| spans.iter().any(|&(s, t)| s < e && a < t));
            match (hit, b == 1) {
                (true, true) => tp += 1.0,
                (true, false) => fp += 1.0,
                (false, true) => fn_ += 1.0,
                (false, false) => tn += 1.0,
            }
        }
    }
    if tp + fp + fn_ + tn > 0.0 {
        m.word_mcc = Some(metrics::mcc(tp, fp, fn_, tn));
        m.word_flag_rate = Some((tp + fp) / (tp + fp + fn_ + tn));
    }
    let clean: Vec<&ReportJson> = pairs.filter(|(r, _)| r.is_mt == Some(0)).map(|(_, p)| p).collect();
    if !clean.is_empty() {
        let sentences: Vec<bool> = clean.iter().flat_map(|p| p.sentences.iter().map(|s| s.flagged)).collect();
        if !sentences.is_empty() {
            m.fp_sentence_rate = Some(sentences.iter().filter(|&&f| f).count() as f64 / sentences.len() as f64);
        }
        let with_span = clean.iter().filter(|p| p.sentences.iter().any(|s| !s.spans.is_empty())).count();
        m.fp_span_rate = Some(with_span as f64 / clean.len() as f64);
    }
    m
}
