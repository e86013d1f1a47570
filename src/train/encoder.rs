//! Fine-tunes the encoder's transformer layers (the embeddings stay frozen) with a token head
//! (P(garbled) of a word, binary cross-entropy, classes balanced), a sentence head (grade
//! from the mean-pooled state, squared error) and an MT head (P(machine-translated) from the
//! mean-pooled state, binary cross-entropy, classes balanced), on candle's autograd and AdamW:
//! training stays in Rust, with no PyTorch to install. [`super::encoder_file`] writes the tuned
//! layers as int8 in the weight file's format (scripts/build/build-encoder.py);
//! `scripts/build/train-deep.py` then fits the shipped heads on the tuned encoder.

use crate::analysis::Analyzer;
use crate::detect::deep::encoder::{Encoder, MtHead};
use crate::detect::deep::length_batches;
use crate::detect::deep::wordpieces::{Pieces, WordPieces};
use crate::error::{Error, Result};
use crate::io::eval_set::read_set;
use crate::text::ByteSpan;
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use std::path::PathBuf;

/// One training sentence: its word pieces, its words (piece positions, label 1 = garbled), its
/// grade (z-scored, as MLQE's) and whether it is machine-translated, where known.
pub struct Example {
    pub ids: Vec<u32>,
    pub words: Vec<(Vec<usize>, f32)>,
    pub grade: Option<f32>,
    pub is_mt: Option<f32>,
}

pub struct FineTuneOptions {
    /// Graded sets with word tags (MLQE-PE train files).
    pub tagged: Vec<PathBuf>,
    /// Clean human text (JSONL with `text`, or a paragraph a line): every word OK, every
    /// sentence at `clean_grade`.
    pub clean: Vec<PathBuf>,
    pub clean_grade: f32,
    /// Sentences labelled machine-translated or human (`is_mt`): the MT head's data. Clean
    /// anchors count as human too.
    pub labelled: Vec<PathBuf>,
    pub epochs: usize,
    /// AdamW's learning rate for the encoder's layers.
    pub learning_rate: f64,
    /// AdamW's learning rate for the two heads (they start from zero).
    pub head_learning_rate: f64,
    /// Word pieces per batch (padded).
    pub batch_pieces: usize,
    /// Weight of the sentence loss beside the token loss.
    pub sentence_weight: f64,
    /// Weight of the MT loss beside the token loss.
    pub mt_weight: f64,
    pub seed: u64,
}

/// Reads the examples: tagged sets (tokens found in the text in order) and clean text split
/// and tokenized by `analyzer` (its words).
pub fn read_examples(
    options: &FineTuneOptions,
    analyzer: &Analyzer,
    pieces: &WordPieces,
    max_length: usize,
) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for path in &options.tagged {
        for record in read_set(path)? {
            // A set without grades (scripts/experiments/replaced-words-set.py) trains the token head only.
            let (Some(tokens), Some(bad)) = (&record.tokens, &record.bad) else {
                continue;
            };
            let encoded = pieces.encode(&record.text, max_length);
            let mut cursor = 0;
            let mut words = Vec::new();
            for (token, &label) in tokens.iter().zip(bad) {
                let Some(at) = record.text[cursor..].find(token.as_str()) else { continue };
                let span = ByteSpan::new(cursor + at, cursor + at + token.len());
                cursor = span.end;
                let positions = positions_of(&encoded, span);
                if !positions.is_empty() {
                    words.push((positions, label as f32));
                }
            }
            out.push(Example { ids: encoded.ids, words, grade: record.human_quality.map(|g| g as f32), is_mt: None });
        }
    }
    for path in &options.labelled {
        for record in read_set(path)? {
            let Some(is_mt) = record.is_mt else { continue };
            let encoded = pieces.encode(&record.text, max_length);
            out.push(Example {
                ids: encoded.ids,
                words: Vec::new(),
                grade: None,
                is_mt: Some(f32::from(is_mt.min(1))),
            });
        }
    }
    for path in &options.clean {
        let texts: Vec<String> = if crate::io::input::is_jsonl_name(path) {
            read_set(path)?.into_iter().map(|r| r.text).collect()
        } else {
            std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?.lines().map(str::to_owned).collect()
        };
        for text in &texts {
            let doc = analyzer.analyze(text);
            for sentence in &doc.sentences {
                let sentence_text = &text[sentence.bytes.range()];
                let encoded = pieces.encode(sentence_text, max_length);
                let words = sentence
                    .tokens
                    .iter()
                    .filter(|t| t.is_word())
                    .map(|t| {
                        positions_of(
                            &encoded,
                            ByteSpan::new(t.bytes.start - sentence.bytes.start, t.bytes.end - sentence.bytes.start),
                        )
                    })
                    .filter(|p| !p.is_empty())
                    .map(|p| (p, 0.0))
                    .collect();
                // Human for the MT head, when there is one to train.
                let is_mt = (!options.labelled.is_empty()).then_some(0.0);
                out.push(Example { ids: encoded.ids, words, grade: Some(options.clean_grade), is_mt });
            }
        }
    }
    Ok(out)
}

/// Positions (in `ids`, so [CLS] is 0) of the pieces overlapping `span`.
fn positions_of(pieces: &Pieces, span: ByteSpan) -> Vec<usize> {
    pieces
        .spans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.start < span.end && p.end > span.start)
        .map(|(k, _)| k + 1)
        .collect()
}

/// The layers being tuned, as variables.
struct Trainable {
    layers: Vec<Vec<Var>>,
    token_head: (Var, Var),
    sentence_head: (Var, Var),
    mt_head: (Var, Var),
    heads: usize,
}

/// What fine-tuning gives: the tuned layers' weights in [`LAYER_TENSORS`] order and the MT head
/// (when the examples held both MT and human sentences).
pub struct Tuned {
    pub layers: Vec<Vec<Tensor>>,
    pub mt_head: Option<MtHead>,
}

/// The losses of one step, for progress reports.
#[derive(Clone, Copy, Debug)]
pub struct Losses {
    pub token: f32,
    pub sentence: f32,
    pub mt: f32,
}

fn layer_norm(x: &Tensor, weight: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    // Written out (candle's fused LayerNorm has no backward pass).
    let mean = x.mean_keepdim(D::Minus1)?;
    let centered = x.broadcast_sub(&mean)?;
    let variance = centered.sqr()?.mean_keepdim(D::Minus1)?;
    let normed = centered.broadcast_div(&(variance + 1e-12)?.sqrt()?)?;
    normed.broadcast_mul(weight)?.broadcast_add(bias)
}

fn linear(x: &Tensor, weight: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    let (size, length, width) = x.dims3()?;
    x.reshape((size * length, width))?.matmul(&weight.t()?)?.broadcast_add(bias)?.reshape((size, length, ()))
}

impl Trainable {
    fn forward(&self, x: &Tensor, attention_bias: &Tensor) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        for w in &self.layers {
            let (size, length, hidden) = x.dims3()?;
            let head_size = hidden / self.heads;
            let qkv = linear(&x, &w[0], &w[1])?;
            let split = |i: usize| -> candle_core::Result<Tensor> {
                qkv.narrow(D::Minus1, i * hidden, hidden)?
                    .reshape((size, length, self.heads, head_size))?
                    .transpose(1, 2)?
                    .contiguous()
            };
            let (q, k, v) = (split(0)?, split(1)?, split(2)?);
            let scores =
                (q.matmul(&k.t()?.contiguous()?)? / (head_size as f64).sqrt())?.broadcast_add(attention_bias)?;
            let weights = candle_nn::ops::softmax(&scores, D::Minus1)?;
            let context = weights.matmul(&v)?.transpose(1, 2)?.contiguous()?.reshape((size, length, hidden))?;
            let attended = layer_norm(&(linear(&context, &w[2], &w[3])? + &x)?, &w[4], &w[5])?;
            let inner = linear(&attended, &w[6], &w[7])?.gelu_erf()?;
            x = layer_norm(&(linear(&inner, &w[8], &w[9])? + attended)?, &w[10], &w[11])?;
        }
        Ok(x)
    }

    fn head_vars(&self) -> Vec<Var> {
        [&self.token_head, &self.sentence_head, &self.mt_head]
            .iter()
            .flat_map(|(w, b)| [w.clone(), b.clone()])
            .collect()
    }
}

/// Fine-tunes `encoder` on `examples`; `report(step, steps, losses)` is called every few steps
/// and after the last (`steps` is an estimate: batches depend on the shuffle).
pub fn fine_tune(
    encoder: &Encoder,
    examples: &[Example],
    options: &FineTuneOptions,
    report: &dyn Fn(usize, usize, Losses),
) -> Result<Tuned> {
    let failed = |e: candle_core::Error| Error::Training(format!("fine-tuning: {e}"));
    let hidden = encoder.hidden_size();
    let layers = (0..encoder.layer_count())
        .map(|l| encoder.layer_weights(l).iter().map(Var::from_tensor).collect::<candle_core::Result<Vec<_>>>())
        .collect::<candle_core::Result<Vec<_>>>()
        .map_err(failed)?;
    let zeros = |n: usize| Var::zeros(n, DType::F32, &Device::Cpu);
    let model = Trainable {
        layers,
        token_head: (zeros(hidden).map_err(failed)?, zeros(1).map_err(failed)?),
        sentence_head: (zeros(hidden).map_err(failed)?, zeros(1).map_err(failed)?),
        mt_head: (zeros(hidden).map_err(failed)?, zeros(1).map_err(failed)?),
        heads: encoder.heads(),
    };
    let params = |lr: f64| ParamsAdamW { lr, weight_decay: 0.01, ..Default::default() };
    let mut optimizers = [
        AdamW::new(model.layers.iter().flatten().cloned().collect(), params(options.learning_rate)).map_err(failed)?,
        AdamW::new(model.head_vars(), params(options.head_learning_rate)).map_err(failed)?,
    ];
    // Classes balanced: each garbled word weighs (OK words / garbled words).
    let (bad, total) =
        examples.iter().flat_map(|e| &e.words).fold((0f64, 0f64), |(b, t), (_, l)| (b + *l as f64, t + 1.0));
    let bad_weight = ((total - bad) / bad.max(1.0)) as f32;
    let (machine, labelled) =
        examples.iter().filter_map(|e| e.is_mt).fold((0f64, 0f64), |(m, t), l| (m + l as f64, t + 1.0));
    // No MT head without both classes (the loss would only push every sentence one way).
    let machine_weight = (machine > 0.0 && machine < labelled).then(|| ((labelled - machine) / machine) as f32);
    let weights = ClassWeights { bad: bad_weight, machine: machine_weight };
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let batches_per_epoch = batches(examples, &order, options.batch_pieces).len();
    let steps = batches_per_epoch * options.epochs;
    let mut step = 0;
    let mut last = None;
    let mut rng = options.seed.max(1);
    for _ in 0..options.epochs {
        // Shuffle, then batch by length within windows.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for batch in batches(examples, &order, options.batch_pieces) {
            let losses =
                train_step(&model, &mut optimizers, encoder, examples, &batch, weights, options).map_err(failed)?;
            step += 1;
            if step % 20 == 0 {
                report(step, steps, losses);
            }
            last = Some(losses);
        }
    }
    if let Some(losses) = last.filter(|_| step % 20 != 0) {
        report(step, steps, losses);
    }
    let layers = model
        .layers
        .iter()
        .map(|l| l.iter().map(|v| v.as_tensor().copy().map_err(failed)).collect::<Result<Vec<_>>>())
        .collect::<Result<_>>()?;
    let mt_head = match weights.machine {
        Some(_) => Some(MtHead {
            weights: model.mt_head.0.as_tensor().to_vec1::<f32>().map_err(failed)?,
            bias: model.mt_head.1.as_tensor().to_vec1::<f32>().map_err(failed)?[0],
        }),
        None => None,
    };
    Ok(Tuned { layers, mt_head })
}

/// Each positive weighs (negatives / positives), so both classes count alike; no MT weight:
/// no MT loss.
#[derive(Clone, Copy)]
struct ClassWeights {
    bad: f32,
    machine: Option<f32>,
}

/// Binary cross-entropy from logits, weighted: softplus(z) − y·z, stable for large |z|.
fn weighted_bce(logits: &Tensor, labels: Vec<f32>, weights: Vec<f32>) -> candle_core::Result<Tensor> {
    let n = labels.len();
    let labels = Tensor::from_vec(labels, n, &Device::Cpu)?;
    let weights = Tensor::from_vec(weights, n, &Device::Cpu)?;
    let softplus = (logits.abs()?.neg()?.exp()? + 1.0)?.log()?.add(&logits.relu()?)?;
    let per_item = (softplus - labels.mul(logits)?)?;
    per_item.mul(&weights)?.sum_all()? / weights.sum_all()?.to_scalar::<f32>()? as f64
}

/// `head` applied to rows of `states`: one logit a row.
fn apply_head(states: &Tensor, head: &(Var, Var)) -> candle_core::Result<Tensor> {
    states.broadcast_mul(&head.0.unsqueeze(0)?)?.sum(1)?.broadcast_add(&head.1)
}

fn train_step(
    model: &Trainable,
    optimizers: &mut [AdamW; 2],
    encoder: &Encoder,
    examples: &[Example],
    batch: &[usize],
    class_weights: ClassWeights,
    options: &FineTuneOptions,
) -> candle_core::Result<Losses> {
    let ids: Vec<Vec<u32>> = batch.iter().map(|&i| examples[i].ids.clone()).collect();
    let embedded = encoder.embed(&ids)?;
    let x = model.forward(&embedded.x, &embedded.attention_bias)?;
    let (size, length, hidden) = x.dims3()?;
    let zero = || Tensor::zeros((), DType::F32, &Device::Cpu);
    // Words: the mean of their pieces' states, as a pooling matrix over the flat batch.
    let mut pooling = Vec::new();
    let mut labels = Vec::new();
    let mut weights = Vec::new();
    for (row, &i) in batch.iter().enumerate() {
        for (positions, label) in &examples[i].words {
            let mut line = vec![0f32; size * length];
            for &p in positions.iter().filter(|&&p| p < length) {
                line[row * length + p] = 1.0 / positions.len() as f32;
            }
            pooling.extend(line);
            labels.push(*label);
            weights.push(if *label > 0.5 { class_weights.bad } else { 1.0 });
        }
    }
    let flat = x.reshape((size * length, hidden))?;
    let word_count = labels.len();
    let token_loss = if word_count > 0 {
        let pooling = Tensor::from_vec(pooling, (word_count, size * length), &Device::Cpu)?;
        weighted_bce(&apply_head(&pooling.matmul(&flat)?, &model.token_head)?, labels, weights)?
    } else {
        zero()?
    };
    let mask = embedded.mask.unsqueeze(2)?;
    let pooled = x.broadcast_mul(&mask)?.sum(1)?.broadcast_div(&mask.sum(1)?)?;
    // Sentence heads: only the rows that have the target.
    let rows_with = |has: &dyn Fn(&Example) -> bool| -> Vec<u32> {
        batch.iter().enumerate().filter(|(_, &i)| has(&examples[i])).map(|(row, _)| row as u32).collect()
    };
    let graded = rows_with(&|e| e.grade.is_some());
    let sentence_loss = if graded.is_empty() {
        zero()?
    } else {
        let rows = Tensor::new(graded.as_slice(), &Device::Cpu)?;
        let predicted = apply_head(&pooled.index_select(&rows, 0)?, &model.sentence_head)?;
        let grades: Vec<f32> = graded.iter().filter_map(|&row| examples[batch[row as usize]].grade).collect();
        (predicted - Tensor::from_vec(grades, graded.len(), &Device::Cpu)?)?.sqr()?.mean_all()?
    };
    let labelled = rows_with(&|e| e.is_mt.is_some());
    let mt_loss = if let (false, Some(machine_weight)) = (labelled.is_empty(), class_weights.machine) {
        let rows = Tensor::new(labelled.as_slice(), &Device::Cpu)?;
        let logits = apply_head(&pooled.index_select(&rows, 0)?, &model.mt_head)?;
        let labels: Vec<f32> = labelled.iter().filter_map(|&row| examples[batch[row as usize]].is_mt).collect();
        let weights = labels.iter().map(|&l| if l > 0.5 { machine_weight } else { 1.0 }).collect();
        weighted_bce(&logits, labels, weights)?
    } else {
        zero()?
    };
    let loss = ((&token_loss + (&sentence_loss * options.sentence_weight)?)? + (&mt_loss * options.mt_weight)?)?;
    let gradients = loss.backward()?;
    for optimizer in optimizers {
        optimizer.step(&gradients)?;
    }
    Ok(Losses { token: token_loss.to_scalar()?, sentence: sentence_loss.to_scalar()?, mt: mt_loss.to_scalar()? })
}

/// `order` cut into batches of at most `budget` padded pieces, sorted by length within
/// windows of 2,048 examples (little padding, still mixed sets).
fn batches(examples: &[Example], order: &[usize], budget: usize) -> Vec<Vec<usize>> {
    order
        .chunks(2048)
        .flat_map(|window| length_batches(window.to_vec(), |i| examples[i].ids.len(), budget, usize::MAX))
        .collect()
}
