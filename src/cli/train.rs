//! `mtcheck train lm`.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use mtcheck::lm::train::{self, Discount, TextMode, TrainConfig, TrainObserver};
use mtcheck::text::Tokenizer;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

#[derive(Subcommand)]
pub enum TrainCommand {
    /// Train an interpolated modified Kneser-Ney n-gram model from plain text
    /// (.gz and .zst accepted), on all cores.
    Lm(TrainLmArgs),
    /// Train the scorer (boosted trees from features to sentence quality and garbled tokens)
    /// from labelled sets; writes scorer.json into the model folder.
    Scorer(super::train_scorer::TrainScorerArgs),
    /// Learn topic vectors (random indexing over paragraphs) for the off_topic feature;
    /// writes topics.bin into the model folder.
    Topics(super::train_scorer::TrainTopicsArgs),
    /// Train the fast scorer `mtcheck filter` uses (one small forest over sentence
    /// statistics); writes fast_scorer.json into the model folder.
    Fast(super::train_fast::TrainFastArgs),
    /// Train the document verdict (P(machine-translated) of a whole document, from the mean
    /// of sentence signals) on labelled documents; writes document.json into the model folder.
    Document(super::train_document::TrainDocumentArgs),
    /// Fine-tune the deep detector's encoder (its transformer layers, with a token and a
    /// sentence head) on tagged sets and clean text; writes an encoder weight file.
    Encoder(super::train_encoder::TrainEncoderArgs),
}

#[derive(Args)]
pub struct TrainLmArgs {
    /// Training text: one paragraph (or sentence) a line.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The binary model to write (tokenizer.json is written beside it).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write the model as ARPA text (exact values, before quantization).
    #[arg(long)]
    pub arpa: Option<PathBuf>,
    /// Model order (2-5).
    #[arg(long, default_value_t = 4)]
    pub order: usize,
    /// Raw-count pruning thresholds per order, unigrams first, e.g. `0 1 1 2` or `0,1,1,2`:
    /// n-grams seen that many times or fewer are dropped. The last value repeats for higher
    /// orders. (It takes several values: give the input files before it.)
    #[arg(long, num_args = 1.., value_delimiter = ',', default_values_t = [0u32])]
    pub prune: Vec<u32>,
    /// Keep only the most frequent words; the others become <unk>.
    #[arg(long)]
    pub max_vocab: Option<usize>,
    /// Input is one sentence a line, already tokenized by whitespace (like lmplz's input).
    #[arg(long)]
    pub pretokenized: bool,
    /// Discounts D1 D2 D3+ to use where the text is too small to estimate them.
    #[arg(long, num_args = 3)]
    pub discount_fallback: Option<Vec<f32>>,
    /// Quantize probabilities and backoffs to this many bits (8 or 16), or 32 for none.
    #[arg(long, default_value_t = 8)]
    pub bits: u32,
    /// Store the n-grams too, so the model can be exported to ARPA later.
    #[arg(long)]
    pub keep_ngrams: bool,
    /// Threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
}

pub fn run(cmd: TrainCommand) -> Result<ExitCode> {
    match cmd {
        TrainCommand::Lm(args) => train_lm(args),
        TrainCommand::Scorer(args) => super::train_scorer::train_scorer(args),
        TrainCommand::Topics(args) => super::train_scorer::train_topics(args),
        TrainCommand::Fast(args) => super::train_fast::train_fast(args),
        TrainCommand::Document(args) => super::train_document::train_document(args),
        TrainCommand::Encoder(args) => super::train_encoder::train_encoder(args),
    }
}

fn train_lm(args: TrainLmArgs) -> Result<ExitCode> {
    if args.output.is_none() && args.arpa.is_none() {
        anyhow::bail!("nothing to write: give -o MODEL and/or --arpa FILE");
    }
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().context("setting the thread count")?;
    }
    let mut config = TrainConfig::new(args.order);
    config.prune = args.prune.clone();
    config.max_vocab = args.max_vocab;
    config.text_mode = if args.pretokenized { TextMode::Pretokenized } else { TextMode::Raw };
    config.discount_fallback = args.discount_fallback.as_ref().map(|d| Discount([d[0], d[1], d[2]]));
    let progress = TrainProgress::new(std::io::stderr().is_terminal());
    let tokenizer = Tokenizer::english()?;
    let (model, stats) = train::train_observed(&args.inputs, &config, &tokenizer, &progress)?;
    progress.bar.finish_and_clear();
    eprintln!(
        "trained order {} on {} tokens ({} sentences, vocabulary {}): n-grams {:?}; \
         read {:.1} s, count {:.1} s, estimate {:.1} s",
        args.order,
        stats.tokens,
        stats.sentences,
        stats.vocab,
        stats.counts,
        stats.seconds_reading,
        stats.seconds_counting,
        stats.seconds_estimating
    );
    if let Some(path) = &args.arpa {
        mtcheck::lm::arpa::write_arpa_file(&model, path)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.output {
        let size = super::lm::write_binary(&model, path, args.bits, args.keep_ngrams)?;
        if !args.pretokenized {
            tokenizer.save(&path.with_file_name("tokenizer.json"))?;
        }
        mtcheck::io::checksums::reseal_after_writing(path)?;
        eprintln!("wrote {} ({size} bytes)", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// An LM training run on a terminal: a spinner over the bytes read and the file being read,
/// and a line for each stage done. Off the terminal, nothing.
struct TrainProgress {
    bar: ProgressBar,
    shown: bool,
    reading: Mutex<PathBuf>,
}

impl TrainProgress {
    fn new(shown: bool) -> Self {
        let bar = if shown {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} reading {bytes} ({bytes_per_sec}) {msg}")
                    .expect("static template"),
            );
            bar
        } else {
            ProgressBar::hidden()
        };
        TrainProgress { bar, shown, reading: Mutex::new(PathBuf::new()) }
    }
}

impl TrainObserver for TrainProgress {
    fn read(&self, path: &Path, bytes: u64) {
        let mut reading = self.reading.lock().unwrap_or_else(|e| e.into_inner());
        if reading.as_path() != path {
            *reading = path.to_path_buf();
            self.bar.set_message(path.display().to_string());
        }
        self.bar.inc(bytes);
    }

    fn stage(&self, message: &str) {
        if self.shown {
            self.bar.suspend(|| eprintln!("{message}"));
        }
    }
}

/// The line a scorer trainer ends with: where the model went and its calibration.
pub fn report_written(path: &Path, calibration: &mtcheck::detect::forest::Calibration) {
    eprintln!("wrote {} (calibration center {:.3} scale {:.3})", path.display(), calibration.center, calibration.scale);
}
