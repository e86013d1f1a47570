//! `mtcheck model info [DIR]`: what a model folder holds and how it was made.

use anyhow::Result;
use clap::{Args, Subcommand};
use mtcheck::detect::fast::FastScorer;
use mtcheck::model_dir::{default_model_dir, FAST_SCORER_FILE, LM_FILE, SCORER_FILE, TOKENIZER_FILE, TOPICS_FILE};
use mtcheck::Checker;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Files, sizes, LM settings, scorer settings and thresholds of a model folder (loading it
    /// checks that its parts fit this build).
    Info(ModelInfoArgs),
}

#[derive(Args)]
pub struct ModelInfoArgs {
    /// Model folder (default: the shipped English model).
    pub dir: Option<PathBuf>,
}

pub fn run(cmd: ModelCommand) -> Result<ExitCode> {
    let ModelCommand::Info(args) = cmd;
    let dir = args.dir.unwrap_or_else(default_model_dir);
    let checker = Checker::with_model(&dir)?;
    println!("folder\t{}", dir.display());
    for file in [LM_FILE, TOKENIZER_FILE, SCORER_FILE, TOPICS_FILE, FAST_SCORER_FILE, "MODEL_CARD.md"] {
        match std::fs::metadata(dir.join(file)) {
            Ok(m) => println!("{file}\t{} bytes", m.len()),
            Err(_) => println!("{file}\tmissing"),
        }
    }
    let lm = checker.lm();
    let h = lm.header();
    println!(
        "lm\torder {}, vocabulary {}, {} n-grams, {}-bit values",
        h.order,
        h.vocab_size,
        h.counts.iter().sum::<u64>(),
        h.value_bits
    );
    let scorer = checker.scorer();
    println!("scorer\t{}", scorer.format);
    println!("sentence forest\t{} trees over {} inputs", scorer.sentence.trees.len(), scorer.sentence_inputs.len());
    println!("token forest\t{} trees over {} inputs", scorer.token.trees.len(), scorer.token_inputs.len());
    println!(
        "calibration\tquality = sigmoid((score - {:.3}) / {:.3})",
        scorer.calibration.center, scorer.calibration.scale
    );
    let t = &scorer.thresholds;
    println!("thresholds\tflag below {}, spans below {} where P(garbled) >= {}", t.sentence, t.span_gate, t.token);
    println!("topic vectors\t{} words x {}", checker.topics().len(), checker.topics().dim);
    println!("trained on\t{}", scorer.provenance);
    match FastScorer::load(&dir.join(FAST_SCORER_FILE)) {
        Ok(fast) => {
            println!(
                "fast scorer\t{} trees over {} inputs, flag below {}",
                fast.forest.trees.len(),
                fast.inputs.len(),
                fast.threshold
            );
            println!(
                "fast calibration\tquality = sigmoid((score - {:.3}) / {:.3})",
                fast.calibration.center, fast.calibration.scale
            );
        }
        // Only `mtcheck filter` needs it: say why it cannot be used, as a fact about the folder.
        Err(e) => println!("fast scorer\t{e}"),
    }
    Ok(ExitCode::SUCCESS)
}
