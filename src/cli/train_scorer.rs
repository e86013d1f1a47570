//! `mtcheck train scorer` and `mtcheck train topics`: the detector's learned parts.

use anyhow::{Context, Result};
use clap::Args;
use mtcheck::analysis::{Analyzer, Lookup};
use mtcheck::detect::forest::Params;
use mtcheck::detect::full::model::Thresholds;
use mtcheck::features::{is_topic_word, TopicVectors};
use mtcheck::model_dir::{default_model_dir, SCORER_FILE, TOPICS_FILE};
use mtcheck::text::lm_key;
use mtcheck::train::full::{train, FeatureModels, TrainOptions};
use rayon::prelude::*;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

/// What both scorers learn from, and where they are written.
#[derive(Args)]
pub struct TrainingData {
    /// Labelled sets (mtcheck-eval v1 with human_quality, and bad tags for the token forest),
    /// e.g. ../shared/data/dev/mlqe-*-train.jsonl. Never the dev sets: they are for tuning.
    #[arg(required = true)]
    pub sets: Vec<PathBuf>,
    /// Clean human text held out of LM training, a paragraph a line: calibrates quality.
    #[arg(long)]
    pub clean: PathBuf,
    /// Paragraphs of --clean to use.
    #[arg(long, default_value_t = 4000)]
    pub clean_paragraphs: usize,
    /// Model folder with lm.mtlm, tokenizer.json (and topics.bin, if the scorer uses it); the
    /// trained file is written there unless -o says otherwise.
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Args)]
pub struct TrainScorerArgs {
    #[command(flatten)]
    pub data: TrainingData,
    /// Labelled sets whose BAD tags train the token forest only, not the sentence forest (for
    /// sets whose quality scale differs, e.g. ../shared/data/train/mqm-zh-en-train.jsonl.zst).
    /// Repeat the flag for several.
    #[arg(long)]
    pub token_set: Vec<PathBuf>,
    /// Also train on synthetic MT-like damage of this clean text (held out of LM training;
    /// when it is the --clean file, the paragraphs after the calibration ones are used).
    #[arg(long)]
    pub damage: Option<PathBuf>,
    /// Paragraphs of --damage to use.
    #[arg(long, default_value_t = 4000)]
    pub damage_paragraphs: usize,
    /// Clean human text held out of LM training, a paragraph a line, whose tokens all count
    /// as OK for the token forest; when it is the --clean file, the paragraphs after the
    /// calibration ones are used.
    #[arg(long)]
    pub human: Option<PathBuf>,
    #[arg(long, default_value_t = 4000)]
    pub human_paragraphs: usize,
    /// Clean human text held out of LM training, a paragraph a line: the sentence forest also
    /// learns from the first 3-12 words of each paragraph as a fluent fragment (quality z 0.4),
    /// so that a title or a cut-off line is not judged garbled for being one; when it is the
    /// --clean file, the paragraphs after the calibration ones are used.
    #[arg(long)]
    pub fragments: Option<PathBuf>,
    #[arg(long, default_value_t = 4000)]
    pub fragment_paragraphs: usize,
    /// Leave a feature out (for ablation; repeatable).
    #[arg(long)]
    pub without: Vec<String>,
    /// Trees in the sentence and the token forest.
    #[arg(long, default_value_t = 400)]
    pub trees: usize,
    /// Share of features each tree may use.
    #[arg(long, default_value_t = 1.0)]
    pub colsample: f32,
    /// Sentence forests to average (each from a different row sample).
    #[arg(long, default_value_t = 1)]
    pub bags: usize,
    /// Tree depth.
    #[arg(long, default_value_t = 5)]
    pub depth: usize,
    #[arg(long, default_value_t = 0.05)]
    pub learning_rate: f32,
    /// Default sentence threshold (flag below this quality).
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f32,
    /// Default span gate (spans shown in sentences below this quality).
    #[arg(long, default_value_t = 0.6)]
    pub span_gate: f32,
    /// Default span threshold (P(garbled) of a token in a flagged sentence).
    #[arg(long, default_value_t = 0.5)]
    pub span_threshold: f32,
}

pub fn train_scorer(args: TrainScorerArgs) -> Result<ExitCode> {
    let dir = args.data.model.clone().unwrap_or_else(default_model_dir);
    let analyzer = Analyzer::open(&dir, Lookup::Mapped)?;
    let topics_path = dir.join(TOPICS_FILE);
    let topics = if topics_path.exists() { TopicVectors::load(&topics_path)? } else { TopicVectors::default() };
    let params = Params {
        trees: args.trees,
        depth: args.depth,
        learning_rate: args.learning_rate,
        colsample: args.colsample,
        ..Params::default()
    };
    let options = TrainOptions {
        sets: args.data.sets.clone(),
        token_sets: args.token_set.clone(),
        clean: args.data.clean.clone(),
        clean_paragraphs: args.data.clean_paragraphs,
        damage: args.damage.clone(),
        damage_paragraphs: args.damage_paragraphs,
        sentence_params: params.clone(),
        bags: args.bags,
        token_params: Params { min_child_weight: 5.0, ..params },
        without: args.without.clone(),
        human: args.human.clone(),
        human_paragraphs: args.human_paragraphs,
        fragments: args.fragments.clone(),
        fragment_paragraphs: args.fragment_paragraphs,
        thresholds: Thresholds { sentence: args.threshold, span_gate: args.span_gate, token: args.span_threshold },
    };
    let models = FeatureModels { analyzer: &analyzer, topics: &topics };
    let model = train(&models, &options, &|message| eprintln!("{message}"))?;
    let out = args.data.output.unwrap_or_else(|| dir.join(SCORER_FILE));
    model.save(&out)?;
    mtcheck::io::checksums::reseal_after_writing(&out)?;
    super::train::report_written(&out, &model.calibration);
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct TrainTopicsArgs {
    /// Text, a paragraph a line (.gz and .zst accepted).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Model folder whose LM vocabulary picks the words; topics.bin is written there unless -o.
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// How many content words get a vector (the most frequent ones).
    #[arg(long, default_value_t = 20000)]
    pub words: usize,
    /// Vector dimension.
    #[arg(long, default_value_t = 128)]
    pub dim: usize,
    /// Paragraphs to read at most (over all inputs).
    #[arg(long, default_value_t = 2_000_000)]
    pub max_paragraphs: usize,
}

pub fn train_topics(args: TrainTopicsArgs) -> Result<ExitCode> {
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let analyzer = Analyzer::open(&dir, Lookup::Mapped)?;
    let (lm, tokenizer) = (analyzer.lm(), analyzer.tokenizer());
    let mut candidates: Vec<(f32, String)> = (3..lm.vocab_size() as u32)
        .filter_map(|id| {
            let w = lm.word(id)?;
            is_topic_word(w).then(|| (lm.unigram(id).0, w.to_string()))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let words: Vec<String> = candidates.into_iter().take(args.words).map(|(_, w)| w).collect();
    let mut lines = Vec::new();
    for path in &args.inputs {
        let reader = mtcheck::io::input::open_reader(path)?;
        for line in reader.lines() {
            if lines.len() >= args.max_paragraphs {
                break;
            }
            lines.push(line.with_context(|| format!("reading {}", path.display()))?);
        }
    }
    eprintln!("learning {} topic vectors from {} paragraphs", words.len(), lines.len());
    let batches = lines.chunks(20_000).flat_map(|batch| {
        let tokenized: Vec<Vec<String>> = batch
            .par_iter()
            .map(|p| tokenizer.tokenize(p).iter().map(|t| lm_key(&t.text).into_owned()).collect())
            .collect();
        tokenized
    });
    let topics = TopicVectors::train(&words, args.dim, batches);
    let out = args.output.unwrap_or_else(|| dir.join(TOPICS_FILE));
    topics.save(&out)?;
    mtcheck::io::checksums::reseal_after_writing(&out)?;
    eprintln!("wrote {} ({} words × {})", out.display(), topics.len(), topics.dim);
    Ok(ExitCode::SUCCESS)
}
