//! `mtcheck train document`: the document verdict (P(machine-translated) of a document).

use anyhow::Result;
use clap::Args;
use mtcheck::detect::full::Checker;
use mtcheck::model_dir::{default_model_dir, DOCUMENT_FILE};
use mtcheck::train::document::{train, DocumentTrainOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TrainDocumentArgs {
    /// Labelled documents (mtcheck-eval v1, .zst/.gz accepted): `text` a whole document,
    /// `is_mt` 1 for machine-translated or spun, 0 for human (scripts/build/build-document-sets.py
    /// makes them).
    #[arg(required = true)]
    pub sets: Vec<PathBuf>,
    /// Model folder whose full detector gives the sentence signals (default: the shipped one).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Where to write the model (default: document.json in the model folder).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// L2 penalty on the standardized weights.
    #[arg(long, default_value_t = 0.001)]
    pub l2: f32,
    /// The share of any set's human documents allowed at P(MT) ≥ 0.5 (the line moves up
    /// until it holds).
    #[arg(long, default_value_t = 0.03)]
    pub human_called: f32,
    /// In a document called machine-translated, flag prose sentences below this quality (the
    /// default: the smallest line at which 80% of the round trips in both training sets of
    /// scripts/build/build-model.sh get 3 flagged sentences; reports/accuracy.md).
    #[arg(long, default_value_t = 0.61)]
    pub flag_below: f32,
    /// The share of any set's human documents not called MT allowed a flagged sentence: in a
    /// document judged human, sentences are flagged only below the line this sets.
    #[arg(long, default_value_t = 0.03)]
    pub human_flagged: f32,
}

pub fn train_document(args: TrainDocumentArgs) -> Result<ExitCode> {
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let checker = Checker::without_document_model(&dir)?;
    let options = DocumentTrainOptions {
        sets: args.sets,
        l2: args.l2,
        human_called: args.human_called,
        flag_below: Some(args.flag_below),
        human_flagged: Some(args.human_flagged),
        threshold: checker.threshold(),
    };
    let model = train(&checker, &options, &|message| eprintln!("{message}"))?;
    let out = args.output.unwrap_or_else(|| dir.join(DOCUMENT_FILE));
    model.save(&out)?;
    mtcheck::io::checksums::reseal_after_writing(&out)?;
    eprintln!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}
