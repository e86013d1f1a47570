//! `mtcheck model info [DIR]`: what a model folder holds and how it was made.

use anyhow::Result;
use clap::{Args, Subcommand};
use mtcheck::detect::deep::{encoder::Encoder, heads::DeepModel};
use mtcheck::detect::fast::FastScorer;
use mtcheck::io::checksums::{self, CHECKSUMS_FILE};
use mtcheck::model_dir::{
    default_model_dir, DEEP_FILE, DOCUMENT_FILE, FAST_SCORER_FILE, LM_FILE, SCORER_FILE, SCORER_FOREST_FILE,
    TOKENIZER_FILE, TOPICS_FILE,
};
use mtcheck::Checker;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Files, sizes, LM settings, scorer settings and thresholds of a model folder (loading it
    /// checks that its parts fit this build).
    Info(ModelInfoArgs),
    /// Write the folder's checksums (checksums.xxh3) of every file but the model card, which
    /// every detector then checks before it answers (the build scripts run this last).
    Seal(ModelInfoArgs),
}

#[derive(Args)]
pub struct ModelInfoArgs {
    /// Model folder (default: the shipped English model).
    pub dir: Option<PathBuf>,
}

pub fn run(cmd: ModelCommand) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let args = match cmd {
        ModelCommand::Info(args) => args,
        ModelCommand::Seal(args) => {
            let dir = args.dir.unwrap_or_else(default_model_dir);
            mtcheck::model_dir::ensure_model_folder(&dir)?;
            let n = checksums::seal(&dir)?;
            writeln!(out, "{}: checksums of {n} files written to {CHECKSUMS_FILE}", dir.display())?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let dir = args.dir.unwrap_or_else(default_model_dir);
    // Everything is checked before anything is printed: a damaged file is an error, not a
    // listing with an error at its end. Opening the checker checks every section of the LM.
    let checker = Checker::with_model(&dir)?;
    let manifest = checksums::read_manifest(&dir)?;
    if let Some(listed) = &manifest {
        let names: Vec<&str> = listed.keys().map(String::as_str).collect();
        checksums::verify_files(&dir, &names)?;
    }
    writeln!(out, "folder\t{}", dir.display())?;
    for file in [
        LM_FILE,
        TOKENIZER_FILE,
        SCORER_FILE,
        SCORER_FOREST_FILE,
        TOPICS_FILE,
        FAST_SCORER_FILE,
        DOCUMENT_FILE,
        DEEP_FILE,
        "encoder.safetensors",
        "encoder-tokenizer.json",
        "MODEL_CARD.md",
    ] {
        match std::fs::metadata(dir.join(file)) {
            Ok(m) => writeln!(out, "{file}\t{} bytes", m.len())?,
            Err(_) => writeln!(out, "{file}\tmissing")?,
        }
    }
    let lm = checker.lm();
    let h = lm.header();
    writeln!(
        out,
        "lm\torder {}, vocabulary {}, {} n-grams, {}-bit values",
        h.order,
        h.vocab_size,
        h.counts.iter().sum::<u64>(),
        h.value_bits
    )?;
    writeln!(out, "checksums\tall {} sections of lm.mtlm verified", mtcheck::lm::storage::format::SECTIONS)?;
    match &manifest {
        Some(listed) => writeln!(out, "{CHECKSUMS_FILE}\t{} files verified", listed.len())?,
        None => writeln!(out, "{CHECKSUMS_FILE}\tmissing: the other files are unchecked (`mtcheck model seal`)")?,
    }
    let scorer = checker.scorer();
    writeln!(out, "scorer\t{}", scorer.format)?;
    writeln!(
        out,
        "sentence forest\t{} trees over {} inputs",
        scorer.sentence.trees.len(),
        scorer.sentence_inputs.len()
    )?;
    writeln!(out, "token forest\t{} trees over {} inputs", scorer.token.trees.len(), scorer.token_inputs.len())?;
    writeln!(
        out,
        "calibration\tquality = sigmoid((score - {:.3}) / {:.3})",
        scorer.calibration.center, scorer.calibration.scale
    )?;
    let t = &scorer.thresholds;
    writeln!(
        out,
        "thresholds\tflag below {}, spans below {} where P(garbled) >= {}",
        t.sentence, t.span_gate, t.token
    )?;
    writeln!(out, "topic vectors\t{} words x {}", checker.topics().len(), checker.topics().dim)?;
    writeln!(out, "trained on\t{}", scorer.provenance)?;
    match FastScorer::load(&dir.join(FAST_SCORER_FILE)) {
        Ok(fast) => {
            writeln!(
                out,
                "fast scorer\t{} trees over {} inputs, flag below {}",
                fast.forest.trees.len(),
                fast.inputs.len(),
                fast.threshold
            )?;
            writeln!(
                out,
                "fast calibration\tquality = sigmoid((score - {:.3}) / {:.3})",
                fast.calibration.center, fast.calibration.scale
            )?;
        }
        // Only `mtcheck filter` needs it: say why it cannot be used, as a fact about the folder.
        Err(e) => writeln!(out, "fast scorer\t{e}")?,
    }
    // Only `--deep` needs these: a folder without them is still a complete model.
    match DeepModel::load(&dir.join(DEEP_FILE)) {
        Ok(deep) => {
            match Encoder::load(&dir.join(&deep.encoder)) {
                Ok(encoder) => writeln!(
                    out,
                    "encoder\t{}: {} layers x {} (int8 weights), the heads read layer {}",
                    deep.encoder,
                    encoder.layer_count(),
                    encoder.hidden_size(),
                    deep.layer
                )?,
                Err(e) => writeln!(out, "encoder\t{e}")?,
            }
            writeln!(
                out,
                "deep thresholds\tflag below {}, spans where P(garbled) >= {}",
                deep.thresholds.sentence, deep.thresholds.token
            )?;
            writeln!(out, "deep heads trained on\t{}", deep.provenance)?;
        }
        Err(e) => writeln!(out, "deep detector\t{e}")?,
    }
    Ok(ExitCode::SUCCESS)
}
