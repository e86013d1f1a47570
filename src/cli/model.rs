//! `mtcheck model info [DIR]`: what a model folder holds and how it was made.

use anyhow::Result;
use clap::{Args, Subcommand};
use mtcheck::detect::deep::{encoder::Encoder, heads::DeepModel};
use mtcheck::detect::fast::FastScorer;
use mtcheck::io::checksums::{self, CHECKSUMS_FILE};
use mtcheck::model_dir::{
    default_model_dir, DEEP_FILE, DOCUMENT_FILE, FAST_SCORER_FILE, LM_FILE, ROUNDTRIP_FILE, SCORER_FILE,
    SCORER_FOREST_FILE, TOKENIZER_FILE, TOPICS_FILE,
};
use mtcheck::translate::{RoundTripEngine, ENGINE_FILE};
use mtcheck::Checker;
use std::io::Write;
use std::path::{Path, PathBuf};
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
            // An MT model folder (engine.json) has no language model of its own.
            if !dir.join(ENGINE_FILE).is_file() {
                mtcheck::model_dir::ensure_model_folder_exists(&dir)?;
            }
            let n = checksums::seal(&dir)?;
            writeln!(out, "{}: checksums of {n} files written to {CHECKSUMS_FILE}", dir.display())?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let dir = args.dir.unwrap_or_else(default_model_dir);
    for (key, value) in describe(&dir)? {
        writeln!(out, "{key}\t{value}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What `model info` prints, as (key, value) rows: also `GET /v1/model` of `mtcheck serve`.
/// Everything is checked before a row is made: a damaged file is an error, not a listing
/// with an error at its end (opening the checker checks every section of the LM).
pub fn describe(dir: &Path) -> Result<Vec<(String, String)>> {
    if dir.join(ENGINE_FILE).is_file() {
        return describe_engine(dir);
    }
    let checker = Checker::with_model(dir)?;
    // Opening verified every other listed file; the LM checked its sections, and here it is
    // held to the manifest too (a whole other, intact model file would pass its own checks).
    let manifest = checksums::read_manifest(dir)?;
    checksums::verify_files(dir, &[LM_FILE])?;
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut row = |key: &str, value: String| rows.push((key.to_string(), value));
    row("folder", dir.display().to_string());
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
            Ok(m) => row(file, format!("{} bytes", m.len())),
            Err(_) => row(file, "missing".to_string()),
        }
    }
    let lm = checker.lm();
    let h = lm.header();
    row(
        "lm",
        format!(
            "order {}, vocabulary {}, {} n-grams, {}-bit values",
            h.order,
            h.vocab_size,
            h.counts.iter().sum::<u64>(),
            h.value_bits
        ),
    );
    row("checksums", format!("all {} sections of lm.mtlm verified", mtcheck::lm::storage::format::SECTIONS));
    match &manifest {
        Some(listed) => row(CHECKSUMS_FILE, format!("{} files verified", listed.len())),
        None => row(CHECKSUMS_FILE, "missing: the other files are unchecked (`mtcheck model seal`)".to_string()),
    }
    let scorer = checker.scorer();
    row("scorer", format!("{}", scorer.format));
    row(
        "sentence forest",
        format!("{} trees over {} inputs", scorer.sentence.trees.len(), scorer.sentence_inputs.len()),
    );
    row("token forest", format!("{} trees over {} inputs", scorer.token.trees.len(), scorer.token_inputs.len()));
    row(
        "calibration",
        format!("quality = sigmoid((score - {:.3}) / {:.3})", scorer.calibration.center, scorer.calibration.scale),
    );
    let t = &scorer.thresholds;
    row(
        "thresholds",
        format!("flag below {}, spans below {} where P(garbled) >= {}", t.sentence, t.span_gate, t.token),
    );
    row("topic vectors", format!("{} words x {}", checker.topics().len(), checker.topics().dim));
    row("trained on", format!("{}", scorer.provenance));
    match FastScorer::load(&dir.join(FAST_SCORER_FILE)) {
        Ok(fast) => {
            row(
                "fast scorer",
                format!(
                    "{} trees over {} inputs, flag below {}",
                    fast.forest.trees.len(),
                    fast.inputs.len(),
                    fast.threshold
                ),
            );
            row(
                "fast calibration",
                format!("quality = sigmoid((score - {:.3}) / {:.3})", fast.calibration.center, fast.calibration.scale),
            );
        }
        // Only `mtcheck filter` needs it: say why it cannot be used, as a fact about the folder.
        Err(e) => row("fast scorer", format!("{e}")),
    }
    // Only `--deep` needs these: a folder without them is still a complete model.
    match DeepModel::load(&dir.join(DEEP_FILE)) {
        Ok(deep) => {
            match Encoder::load(&dir.join(&deep.encoder)) {
                Ok(encoder) => row(
                    "encoder",
                    format!(
                        "{}: {} layers x {} (int8 weights), the heads read layer {}",
                        deep.encoder,
                        encoder.layer_count(),
                        encoder.hidden_size(),
                        deep.layer
                    ),
                ),
                Err(e) => row("encoder", format!("{e}")),
            }
            row(
                "deep thresholds",
                format!("flag below {}, spans where P(garbled) >= {}", deep.thresholds.sentence, deep.thresholds.token),
            );
            row("deep heads trained on", format!("{}", deep.provenance));
        }
        Err(e) => row("deep detector", format!("{e}")),
    }
    // Opening the checker opened and verified the engine when the folder reads round trips.
    row(
        "round-trip engine",
        match checker.round_trip_engine() {
            Some(engine) => format!("{} (verified; en -> {} -> en)", engine.dir().display(), engine.pivot()),
            None => format!("none: the folder has no {ROUNDTRIP_FILE}, so check reads no round trips"),
        },
    );
    if let Some(reader) = checker.round_trips() {
        use mtcheck::detect::roundtrip::lm_ratio::{HUMAN_FILE, MT_FILE};
        row(
            "LM ratio",
            match reader.lm_ratio() {
                Some(_) => format!(
                    "{MT_FILE} over {HUMAN_FILE}, weight {:.3} in the round-trip score",
                    reader.model().document.lm_ratio_weight
                ),
                None => "none (the round-trip score is the sentences' mean logit)".to_string(),
            },
        );
    }
    Ok(rows)
}

/// `model info` of an MT model folder: its files, what they are, and a load of both directions
/// (every file verified against the folder's checksums first).
fn describe_engine(dir: &Path) -> Result<Vec<(String, String)>> {
    let engine = RoundTripEngine::open(dir)?;
    let spec = engine.spec();
    let mut rows: Vec<(String, String)> = vec![("folder".into(), dir.display().to_string())];
    let mut row = |key: &str, value: String| rows.push((key.to_string(), value));
    row(
        "engine",
        format!("{} -> {} -> {} (fxtranslate, greedy, each sentence alone)", spec.source, engine.pivot(), spec.source),
    );
    for (name, d) in [("forward", &spec.forward), ("backward", &spec.backward)] {
        let size = |f: &str| std::fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0);
        row(
            name,
            format!(
                "{} ({} bytes), {} ({} bytes), {} ({} bytes)",
                d.model,
                size(&d.model),
                d.vocab,
                size(&d.vocab),
                d.shortlist,
                size(&d.shortlist)
            ),
        );
    }
    let listed = checksums::read_manifest(dir)?.map(|m| m.len()).unwrap_or(0);
    row(CHECKSUMS_FILE, format!("{listed} files verified"));
    row("provenance", spec.provenance.clone());
    Ok(rows)
}
