//! `mtcheck train encoder`: fine-tunes the deep detector's encoder (src/train/encoder.rs).

use anyhow::Result;
use clap::Args;
use mtcheck::analysis::{Analyzer, Lookup};
use mtcheck::detect::deep::encoder::Encoder;
use mtcheck::detect::deep::wordpieces::WordPieces;
use mtcheck::model_dir::default_model_dir;
use mtcheck::train::encoder::{fine_tune, read_examples, FineTuneOptions};
use mtcheck::train::encoder_file::save;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
pub struct TrainEncoderArgs {
    /// Sets with word tags (mtcheck-eval v1 with `tokens`, `bad` and, for the sentence head,
    /// `human_quality`: the MLQE-PE train files; scripts/experiments/replaced-words-set.py's swaps).
    #[arg(long, num_args = 1..)]
    pub tagged: Vec<PathBuf>,
    /// Clean human text: JSONL (`text`) or a paragraph a line; every word counts as OK.
    #[arg(long, num_args = 1..)]
    pub clean: Vec<PathBuf>,
    /// The grade of a clean sentence (MLQE grades are z-scores; 1.0 is their 90th percentile).
    #[arg(long, default_value_t = 1.0)]
    pub clean_grade: f32,
    /// Sentences labelled `is_mt` 1 or 0 (JSONL) for the MT head (scripts/experiments/mt-vs-human-set.py).
    #[arg(long, num_args = 1..)]
    pub labelled: Vec<PathBuf>,
    /// The encoder to start from (default: encoder.safetensors of the model folder).
    #[arg(long)]
    pub from: Option<PathBuf>,
    /// How many of its layers to tune and keep.
    #[arg(long, default_value_t = 4)]
    pub layers: usize,
    /// Where to write the tuned encoder.
    #[arg(short, long)]
    pub output: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub epochs: usize,
    #[arg(long, default_value_t = 3e-5)]
    pub learning_rate: f64,
    /// The heads' learning rate (they start from zero).
    #[arg(long, default_value_t = 1e-3)]
    pub head_learning_rate: f64,
    /// Word pieces per batch (padded).
    #[arg(long, default_value_t = 2048)]
    pub batch_pieces: usize,
    /// Weight of the sentence loss beside the token loss.
    #[arg(long, default_value_t = 0.5)]
    pub sentence_weight: f64,
    /// Weight of the MT loss beside the token loss.
    #[arg(long, default_value_t = 0.5)]
    pub mt_weight: f64,
    /// Use only every n-th example (a quick run).
    #[arg(long, default_value_t = 1)]
    pub every: usize,
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
}

pub fn train_encoder(args: TrainEncoderArgs) -> Result<ExitCode> {
    let dir = default_model_dir();
    let from = args.from.clone().unwrap_or_else(|| dir.join("encoder.safetensors"));
    let encoder = Encoder::load_layers(&from, args.layers)?;
    let pieces = WordPieces::load(&dir.join("encoder-tokenizer.json"))?;
    let analyzer = Analyzer::open(&dir, Lookup::Mapped)?;
    let options = FineTuneOptions {
        tagged: args.tagged,
        clean: args.clean,
        clean_grade: args.clean_grade,
        labelled: args.labelled,
        epochs: args.epochs,
        learning_rate: args.learning_rate,
        head_learning_rate: args.head_learning_rate,
        batch_pieces: args.batch_pieces,
        sentence_weight: args.sentence_weight,
        mt_weight: args.mt_weight,
        seed: args.seed,
    };
    if options.tagged.is_empty() && options.clean.is_empty() && options.labelled.is_empty() {
        anyhow::bail!("nothing to train on: give --tagged, --clean or --labelled sets");
    }
    let examples = read_examples(&options, &analyzer, &pieces, 128)?;
    let examples: Vec<_> = examples.into_iter().step_by(args.every.max(1)).collect();
    let words: usize = examples.iter().map(|e| e.words.len()).sum();
    eprintln!("{} sentences, {words} words; tuning {} layers", examples.len(), encoder.layer_count());
    let start = Instant::now();
    let tuned = fine_tune(&encoder, &examples, &options, &|step, steps, losses| {
        eprintln!(
            "step {step} of about {steps}: token loss {:.4}, sentence loss {:.4}, MT loss {:.4} ({:.0} s)",
            losses.token,
            losses.sentence,
            losses.mt,
            start.elapsed().as_secs_f32()
        )
    })?;
    save(&from, &tuned, &args.output)?;
    mtcheck::io::checksums::reseal_after_writing(&args.output)?;
    eprintln!("wrote {} ({:.0} s)", args.output.display(), start.elapsed().as_secs_f32());
    Ok(ExitCode::SUCCESS)
}
