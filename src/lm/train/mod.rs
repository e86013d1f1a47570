//! `mtcheck train lm`: interpolated modified Kneser-Ney from plain text, in memory, on all
//! cores. Stages: [`corpus`] (text → id streams) → [`count`] (windows, adjusted counts) →
//! [`estimate`] (discounts, interpolated probabilities, pruning).

pub mod corpus;
pub mod count;
pub mod estimate;

pub use corpus::TextMode;
pub use estimate::Discount;

use crate::error::{Error, Result};
use crate::lm::estimated::NgramModel;
use crate::lm::ngram::MAX_ORDER;
use crate::text::Tokenizer;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Settings of a training run.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    pub order: usize,
    /// Raw-count pruning threshold per order (unigrams first; missing orders repeat the last).
    pub prune: Vec<u32>,
    pub max_vocab: Option<usize>,
    pub text_mode: TextMode,
    /// Discounts to use where the counts of counts cannot give them (tiny corpora).
    pub discount_fallback: Option<Discount>,
}

impl TrainConfig {
    pub fn new(order: usize) -> Self {
        TrainConfig { order, prune: vec![0], max_vocab: None, text_mode: TextMode::Raw, discount_fallback: None }
    }

    /// The pruning threshold of each order 1..=order.
    pub fn prune_per_order(&self) -> Result<Vec<u32>> {
        let mut per_order: Vec<u32> =
            (0..self.order).map(|i| *self.prune.get(i).or(self.prune.last()).unwrap_or(&0)).collect();
        if per_order[0] != 0 {
            return Err(Error::Config("unigrams cannot be pruned (use --max-vocab)".into()));
        }
        per_order[0] = 0;
        if per_order.windows(2).any(|w| w[1] < w[0]) {
            return Err(Error::Config(format!(
                "pruning thresholds must not decrease with the order (got {per_order:?})"
            )));
        }
        Ok(per_order)
    }
}

/// What a training run did, for the progress report and the model card.
#[derive(Clone, Debug)]
pub struct TrainStats {
    pub tokens: u64,
    pub sentences: u64,
    pub vocab: usize,
    pub counts: Vec<usize>,
    pub discounts: Vec<Discount>,
    pub seconds_reading: f64,
    pub seconds_counting: f64,
    pub seconds_estimating: f64,
}

/// Hears how a training run goes: the bytes read, and what each stage did. The CLI shows it
/// (a progress line on a terminal); the library never prints.
pub trait TrainObserver: Sync {
    /// `bytes` more bytes of `path` were read.
    fn read(&self, _path: &Path, _bytes: u64) {}
    /// A stage finished; `message` says what it did.
    fn stage(&self, _message: &str) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl TrainObserver for Silent {}

/// Trains a model from `paths` (plain text, `.gz` or `.zst`).
pub fn train(paths: &[PathBuf], config: &TrainConfig, tokenizer: &Tokenizer) -> Result<(NgramModel, TrainStats)> {
    train_observed(paths, config, tokenizer, &Silent)
}

/// [`train`], telling `observer` how it goes.
pub fn train_observed(
    paths: &[PathBuf],
    config: &TrainConfig,
    tokenizer: &Tokenizer,
    observer: &dyn TrainObserver,
) -> Result<(NgramModel, TrainStats)> {
    if !(2..=MAX_ORDER).contains(&config.order) {
        return Err(Error::Config(format!("order must be between 2 and {MAX_ORDER}, got {}", config.order)));
    }
    let prune = config.prune_per_order()?;
    let t0 = Instant::now();
    let corpus = corpus::read_corpus(paths, config.text_mode, tokenizer, config.max_vocab, observer)?;
    let t1 = Instant::now();
    observer.stage(&format!(
        "read {} tokens in {} sentences, vocabulary {} ({:.1} s)",
        corpus.tokens,
        corpus.sentences,
        corpus.vocab.len(),
        (t1 - t0).as_secs_f64()
    ));
    let counted = count::count_orders(&corpus.streams, config.order, corpus.vocab.len())?;
    drop(corpus.streams);
    let discounts = counted
        .iter()
        .enumerate()
        .map(|(i, c)| estimate::discounts(&c.adjusted, i + 1, config.discount_fallback))
        .collect::<Result<Vec<_>>>()?;
    let t2 = Instant::now();
    let sizes: Vec<usize> = counted.iter().map(|c| c.keys.len()).collect();
    observer.stage(&format!("counted n-grams {sizes:?} ({:.1} s)", (t2 - t1).as_secs_f64()));
    let vocab_len = corpus.vocab.len();
    let model = estimate::estimate(counted, corpus.vocab, &discounts, &prune);
    let t3 = Instant::now();
    let stats = TrainStats {
        tokens: corpus.tokens,
        sentences: corpus.sentences,
        vocab: vocab_len,
        counts: model.counts(),
        discounts,
        seconds_reading: (t1 - t0).as_secs_f64(),
        seconds_counting: (t2 - t1).as_secs_f64(),
        seconds_estimating: (t3 - t2).as_secs_f64(),
    };
    Ok((model, stats))
}
