//! `mtcheck train fast`: the fast scorer `mtcheck filter` uses.

use anyhow::Result;
use clap::Args;
use mtcheck::fast::train::{train, FastTrainOptions};
use mtcheck::model_dir::{default_model_dir, open_lm_and_tokenizer, FAST_SCORER_FILE};
use mtcheck::scorer::gbt::Params;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TrainFastArgs {
    /// Labelled sets (mtcheck-eval v1 with human_quality), e.g.
    /// ../shared/data/dev/mlqe-*-train.jsonl. Never the dev sets: they are for tuning.
    #[arg(required = true)]
    pub sets: Vec<PathBuf>,
    /// Clean human text held out of LM training, a paragraph a line: calibrates quality.
    #[arg(long)]
    pub clean: PathBuf,
    /// Paragraphs of --clean to use.
    #[arg(long, default_value_t = 4000)]
    pub clean_paragraphs: usize,
    /// Model folder with lm.mtlm and tokenizer.json; fast_scorer.json is written there unless
    /// -o says otherwise.
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Trees in the forest (each costs ~15 ns per sentence).
    #[arg(long, default_value_t = 100)]
    pub trees: usize,
    #[arg(long, default_value_t = 4)]
    pub depth: usize,
    #[arg(long, default_value_t = 0.1)]
    pub learning_rate: f32,
    /// Default sentence threshold (flag below this quality).
    #[arg(long, default_value_t = 0.44)]
    pub threshold: f32,
}

pub fn train_fast(args: TrainFastArgs) -> Result<ExitCode> {
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let (lm, tokenizer) = open_lm_and_tokenizer(&dir)?;
    let options = FastTrainOptions {
        sets: args.sets,
        clean: args.clean,
        clean_paragraphs: args.clean_paragraphs,
        params: Params { trees: args.trees, depth: args.depth, learning_rate: args.learning_rate, ..Params::default() },
        threshold: args.threshold,
    };
    let model = train(&lm, &tokenizer, &options)?;
    let out = args.output.unwrap_or_else(|| dir.join(FAST_SCORER_FILE));
    model.save(&out)?;
    eprintln!("wrote {} (calibration center {:.3} scale {:.3})", out.display(), model.calibration.center, model.calibration.scale);
    Ok(ExitCode::SUCCESS)
}
