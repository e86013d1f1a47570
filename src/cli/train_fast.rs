//! `mtcheck train fast`: the fast scorer `mtcheck filter` uses.

use anyhow::Result;
use clap::Args;
use mtcheck::analysis::{Analyzer, Lookup};
use mtcheck::detect::forest::Params;
use mtcheck::model_dir::{default_model_dir, FAST_SCORER_FILE};
use mtcheck::train::fast::{train, FastTrainOptions};
use std::process::ExitCode;

#[derive(Args)]
pub struct TrainFastArgs {
    #[command(flatten)]
    pub data: super::train_scorer::TrainingData,
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
    /// Clean human text held out of LM training whose paragraph openings (3-12 words) are
    /// also learnt as fluent fragments, as `train scorer --fragments` does.
    #[arg(long)]
    pub fragments: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 4000)]
    pub fragment_paragraphs: usize,
}

pub fn train_fast(args: TrainFastArgs) -> Result<ExitCode> {
    let dir = args.data.model.clone().unwrap_or_else(default_model_dir);
    let analyzer = Analyzer::open(&dir, Lookup::Mapped)?;
    let options = FastTrainOptions {
        sets: args.data.sets,
        clean: args.data.clean,
        clean_paragraphs: args.data.clean_paragraphs,
        fragments: args.fragments,
        fragment_paragraphs: args.fragment_paragraphs,
        params: Params { trees: args.trees, depth: args.depth, learning_rate: args.learning_rate, ..Params::default() },
        threshold: args.threshold,
    };
    let model = train(&analyzer, &options, &|message| eprintln!("{message}"))?;
    let out = args.data.output.unwrap_or_else(|| dir.join(FAST_SCORER_FILE));
    model.save(&out)?;
    mtcheck::io::checksums::reseal_after_writing(&out)?;
    super::train::report_written(&out, &model.calibration);
    Ok(ExitCode::SUCCESS)
}
