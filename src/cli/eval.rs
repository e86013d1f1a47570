//! `mtcheck eval SET.jsonl...`: DESIGN's metrics per evaluation set, as a table.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use mtcheck::detect::{self, DetectorKind, Settings};
use mtcheck::eval::{evaluate, Metrics};
use mtcheck::io::eval_set::read_set;
use mtcheck::model_dir::default_model_dir;
use mtcheck::report::ReportJson;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scorer {
    /// The detector: features and the learned scorer of the model folder.
    Mtcheck,
    /// The fast scorer `mtcheck filter` uses (qualities and flags, no spans).
    Fast,
    /// The full detector read again by the pretrained encoder (`mtcheck --deep`).
    Deep,
    /// Mean token log-probability as quality, tokens below log10 p −4 as spans (what crawl
    /// filters do with an n-gram LM; the bar to beat).
    Perplexity,
}

#[derive(Args)]
pub struct EvalArgs {
    /// Evaluation sets (mtcheck-eval v1 JSONL).
    #[arg(required = true)]
    pub sets: Vec<PathBuf>,
    /// What produces the predictions.
    #[arg(long, value_enum, default_value_t = Scorer::Mtcheck)]
    pub scorer: Scorer,
    /// Model folder (default: $MTCHECK_MODEL_DIR, else models/en next to the executable, else
    /// the models/en of the source tree it was built from).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Sentence threshold (default: the model's).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// The full detector without its neural round trips (the garble evidence alone): today's
    /// verdict beside the one with round trips, in the same run.
    #[arg(long)]
    pub fast: bool,
    /// Span threshold, P(garbled) of a token in a flagged sentence (default: the model's).
    #[arg(long)]
    pub span_threshold: Option<f32>,
    /// Sentence quality below which spans are shown (default: the model's).
    #[arg(long)]
    pub span_gate: Option<f32>,
    /// Also write each set's predictions (JSONL) into this folder, e.g. for score.py.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let kind = match args.scorer {
        Scorer::Mtcheck => DetectorKind::Full,
        Scorer::Fast => DetectorKind::Fast,
        Scorer::Deep => DetectorKind::Deep,
        Scorer::Perplexity => DetectorKind::Perplexity,
    };
    let settings = Settings {
        threshold: args.threshold,
        span_threshold: args.span_threshold,
        span_gate: args.span_gate,
        no_round_trips: args.fast,
    };
    let detector = detect::open(kind, &dir, settings)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "| set | n | pearson | spearman | auc_mt | word_mcc | word_flag_rate | fp_sentence_rate | fp_span_rate \
         | auc_p_mt | mt_called | human_called | mt_3_flagged | human_flagged |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")?;
    for set in &args.sets {
        let records = read_set(set)?;
        let predictions: Vec<ReportJson> =
            records.par_iter().map(|r| detector.check(&r.text).to_json(&r.text, r.id.clone())).collect();
        if let Some(folder) = &args.predictions {
            std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
            let name = set.file_name().unwrap_or_default();
            let mut file = std::io::BufWriter::new(std::fs::File::create(folder.join(name))?);
            for p in &predictions {
                serde_json::to_writer(&mut file, p)?;
                file.write_all(b"\n")?;
            }
        }
        let m = evaluate(&records, &predictions);
        writeln!(out, "{}", row(&set.file_stem().unwrap_or_default().to_string_lossy(), &m))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn row(name: &str, m: &Metrics) -> String {
    let f = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.3}"));
    format!(
        "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        m.n,
        f(m.pearson),
        f(m.spearman),
        f(m.auc_mt),
        f(m.word_mcc),
        f(m.word_flag_rate),
        f(m.fp_sentence_rate),
        f(m.fp_span_rate),
        f(m.auc_p_mt),
        f(m.mt_called_rate),
        f(m.human_called_rate),
        f(m.mt_3_flagged_rate),
        f(m.human_flagged_rate)
    )
}
