//! A BERT encoder (all-MiniLM-L6-v2: 6 layers × 384, 12 heads) run on the CPU with candle.
//!
//! Written here on candle-core/candle-nn rather than taken from candle-transformers: that crate
//! carries some hundred other models (a long build for 120 lines used), and our weight file is
//! int8 with per-row scales (scripts/build/build-encoder.py), which its loader does not read. The
//! forward pass is the standard post-LayerNorm BERT: embeddings + LayerNorm, then per layer
//! self-attention (Q, K and V fused into one matmul), residual + LayerNorm, a GELU (erf)
//! feed-forward, residual + LayerNorm.

use super::fused::{BiasGelu, MaskedSoftmax, MergeHeads, Padding, ResidualNorm, SplitHeads};
use super::weights::Weights;
use crate::error::{Error, Result};
use crate::io::model_bytes::ModelBytes;
use candle_core::{Device, Tensor};
use candle_nn::{LayerNorm, Linear, Module};
use safetensors::SafeTensors;
use std::ops::Range;
use std::path::Path;

/// The format tag in the weight file's metadata.
pub const FORMAT: &str = "mtcheck-encoder v1";
/// The optional MT head `mtcheck train encoder` writes beside the layers: P(MT) of a sentence
/// = sigmoid(weight · mean-pooled last layer + bias).
pub const MT_HEAD_WEIGHT: &str = "mt_head.weight";
pub const MT_HEAD_BIAS: &str = "mt_head.bias";

pub struct Encoder {
    /// The weight file, memory-mapped: the word embeddings stay int8 in it and only the rows
    /// looked up are dequantized (30,522 × 384 of the 22.7 M weights; loading them all would be
    /// most of the start-up time).
    bytes: ModelBytes,
    word_rows: Range<usize>,
    word_scales: Vec<f32>,
    position_embeddings: Tensor,
    token_type_embedding: Tensor,
    embeddings_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
    mt_head: Option<MtHead>,
}

/// A linear head over the mean-pooled last layer (see [`MT_HEAD_WEIGHT`]).
#[derive(Clone, Debug)]
pub struct MtHead {
    pub weights: Vec<f32>,
    pub bias: f32,
}

impl MtHead {
    /// The logit for one pooled state.
    pub fn logit(&self, pooled: &[f32]) -> f32 {
        self.weights.iter().zip(pooled).map(|(w, x)| w * x).sum::<f32>() + self.bias
    }
}

/// A layer's weights as candle tensors (read by fine-tuning through [`Encoder::layer_weights`])
/// and its biases and LayerNorm parameters as plain vectors (read by the fused inference steps).
struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
    vectors: LayerVectors,
    eps: f32,
}

struct LayerVectors {
    qkv_bias: Vec<f32>,
    attention_out_bias: Vec<f32>,
    attention_norm: [Vec<f32>; 2],
    intermediate_bias: Vec<f32>,
    output_bias: Vec<f32>,
    output_norm: [Vec<f32>; 2],
}

impl LayerVectors {
    fn of(
        qkv: &Linear,
        attention_out: &Linear,
        attention_norm: &LayerNorm,
        intermediate: &Linear,
        output: &Linear,
        output_norm: &LayerNorm,
    ) -> candle_core::Result<LayerVectors> {
        let bias = |l: &Linear| l.bias().map_or(Ok(Vec::new()), |b| b.to_vec1::<f32>());
        let norm = |n: &LayerNorm| -> candle_core::Result<[Vec<f32>; 2]> {
            Ok([n.weight().to_vec1::<f32>()?, n.bias().map_or(Ok(Vec::new()), |b| b.to_vec1::<f32>())?])
        };
        Ok(LayerVectors {
            qkv_bias: bias(qkv)?,
            attention_out_bias: bias(attention_out)?,
            attention_norm: norm(attention_norm)?,
            intermediate_bias: bias(intermediate)?,
            output_bias: bias(output)?,
            output_norm: norm(output_norm)?,
        })
    }
}

/// The encoder's outputs for a batch, packed: the real pieces of every sequence one after the
/// other, no padding (the matrix products, most of the work, never see padding: it was a fifth
/// of the pieces of a news article's batches).
pub struct Hidden {
    /// Every layer's states, `[pieces, width]` (index 0: the embeddings, index `l`: after
    /// layer `l`).
    pub layers: Vec<Tensor>,
    /// Sequence `k`'s rows are `offsets[k]..offsets[k + 1]`.
    pub offsets: Vec<usize>,
}

impl Hidden {
    /// Sequence `k`'s states after layer `layer`, `[length, width]`.
    pub fn sequence(&self, layer: usize, k: usize) -> candle_core::Result<Tensor> {
        self.layers[layer].narrow(0, self.offsets[k], self.offsets[k + 1] - self.offsets[k])
    }
}

pub(super) fn candle_error(path: &Path) -> impl Fn(candle_core::Error) -> Error + '_ {
    move |e| Error::bad_model(path, format!("encoder weights: {e}"))
}

impl Encoder {
    /// Loads the int8 weight file written by scripts/build/build-encoder.py, every layer.
    pub fn load(path: &Path) -> Result<Encoder> {
        Self::load_layers(path, usize::MAX)
    }

    /// Loads the embeddings and the first `wanted` layers only (the ones above would be run
    /// for nothing).
    pub fn load_layers(path: &Path, wanted: usize) -> Result<Encoder> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: model files are not modified while mtcheck runs (as for the LM).
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        let bytes = ModelBytes::Mapped(map);
        let not_safetensors =
            |e: safetensors::SafeTensorError| Error::bad_model(path, format!("not a safetensors file ({e})"));
        let (_, header) = SafeTensors::read_metadata(&bytes).map_err(not_safetensors)?;
        let metadata = header.metadata().clone().unwrap_or_default();
        if metadata.get("format").map(String::as_str) != Some(FORMAT) {
            return Err(Error::bad_model(path, format!("not an encoder weight file (format is not '{FORMAT}')")));
        }
        let field = |key: &str| -> Result<usize> {
            metadata
                .get(key)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| Error::bad_model(path, format!("encoder weights: no '{key}' in the metadata")))
        };
        let (layer_count, hidden, heads) = (field("layers")?, field("hidden")?, field("heads")?);
        if hidden == 0 || heads == 0 || hidden % heads != 0 {
            return Err(Error::bad_model(path, format!("encoder weights: {heads} heads do not divide width {hidden}")));
        }
        let eps: f64 = metadata.get("layer_norm_eps").and_then(|v| v.parse().ok()).unwrap_or(1e-12);
        let tensors = SafeTensors::deserialize(&bytes).map_err(not_safetensors)?;
        let weights = Weights { tensors, path, hidden, base: bytes.as_ptr() as usize };
        let norm = |name: &str| -> Result<LayerNorm> {
            Ok(LayerNorm::new(
                weights.vector(&format!("{name}.weight"))?,
                weights.vector(&format!("{name}.bias"))?,
                eps,
            ))
        };
        let linear = |name: &str| -> Result<Linear> {
            Ok(Linear::new(
                weights.matrix(&[&format!("{name}.weight")])?,
                Some(weights.vector(&format!("{name}.bias"))?),
            ))
        };
        let mut layers = Vec::new();
        for l in 0..layer_count.min(wanted) {
            let p = format!("encoder.layer.{l}");
            let part = |kind: &str, what: &str| format!("{p}.attention.self.{kind}.{what}");
            // Q, K and V in one matmul.
            let [q, k, v] = ["query", "key", "value"].map(|kind| weights.vector(&part(kind, "bias")));
            let qkv_bias = Tensor::cat(&[q?, k?, v?], 0).map_err(candle_error(path))?;
            let names = ["query", "key", "value"].map(|kind| part(kind, "weight"));
            let qkv = Linear::new(weights.matrix(&[&names[0], &names[1], &names[2]])?, Some(qkv_bias));
            let attention_out = linear(&format!("{p}.attention.output.dense"))?;
            let attention_norm = norm(&format!("{p}.attention.output.LayerNorm"))?;
            let intermediate = linear(&format!("{p}.intermediate.dense"))?;
            let output = linear(&format!("{p}.output.dense"))?;
            let output_norm = norm(&format!("{p}.output.LayerNorm"))?;
            let vectors = LayerVectors::of(&qkv, &attention_out, &attention_norm, &intermediate, &output, &output_norm)
                .map_err(candle_error(path))?;
            layers.push(Layer {
                qkv,
                attention_out,
                attention_norm,
                intermediate,
                output,
                output_norm,
                vectors,
                eps: eps as f32,
            });
        }
        let (word_rows, word_scales) = weights.int8_rows("embeddings.word_embeddings.weight")?;
        let token_types = weights.matrix(&["embeddings.token_type_embeddings.weight"])?;
        let position_embeddings = weights.matrix(&["embeddings.position_embeddings.weight"])?;
        let token_type_embedding = token_types.get(0).map_err(candle_error(path))?;
        let embeddings_norm = norm("embeddings.LayerNorm")?;
        // The MT head belongs to the file's last layer: without all of them it means nothing.
        let mt_head = match weights.tensors.tensor(MT_HEAD_WEIGHT) {
            Ok(_) if layers.len() == layer_count => {
                let weights_of = weights.vector(MT_HEAD_WEIGHT)?.to_vec1::<f32>().map_err(candle_error(path))?;
                let bias = weights.vector(MT_HEAD_BIAS)?.to_vec1::<f32>().map_err(candle_error(path))?;
                if weights_of.len() != hidden || bias.len() != 1 {
                    return Err(Error::bad_model(path, "encoder weights: the MT head does not fit the model's width"));
                }
                Some(MtHead { weights: weights_of, bias: bias[0] })
            }
            _ => None,
        };
        drop(weights);
        Ok(Encoder {
            bytes,
            word_rows,
            word_scales,
            position_embeddings,
            token_type_embedding,
            embeddings_norm,
            layers,
            heads,
            hidden,
            mt_head,
        })
    }

    /// The MT head fine-tuned with the layers, if the file has one and every layer is loaded.
    pub fn mt_head(&self) -> Option<&MtHead> {
        self.mt_head.as_ref()
    }

    /// Number of transformer layers loaded.
    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// Width of the hidden states.
    pub fn hidden_size(&self) -> usize {
        self.hidden
    }

    /// Longest input (in word pieces, [CLS] and [SEP] included) the position table allows.
    pub fn max_length(&self) -> usize {
        self.position_embeddings.dim(0).unwrap_or(0)
    }

    /// Size of the word-piece vocabulary.
    pub fn vocabulary_size(&self) -> usize {
        self.word_scales.len()
    }

    /// Runs a batch of word-piece id sequences (each cut to [`Self::max_length`]; ids past the
    /// vocabulary read as 0). Returns every layer's hidden states, packed.
    pub fn forward(&self, batch: &[Vec<u32>]) -> candle_core::Result<Hidden> {
        let mut offsets = vec![0];
        for sequence in batch {
            offsets.push(offsets.last().copied().unwrap_or(0) + sequence.len().min(self.max_length()));
        }
        let mut x = self.embed_packed(batch, &offsets)?;
        let mut layers = Vec::with_capacity(self.layers.len() + 1);
        layers.push(x.clone());
        for layer in &self.layers {
            x = layer.forward(&x, &offsets, self.heads)?;
            layers.push(x.clone());
        }
        Ok(Hidden { layers, offsets })
    }

    /// The embedding layer's output for the real pieces of a batch, packed (see [`Hidden`]).
    fn embed_packed(&self, batch: &[Vec<u32>], offsets: &[usize]) -> candle_core::Result<Tensor> {
        let rows = offsets.last().copied().unwrap_or(0);
        let mut words = vec![0f32; rows * self.hidden];
        let mut positions = Vec::with_capacity(rows);
        for (k, sequence) in batch.iter().enumerate() {
            for (position, &id) in sequence.iter().take(offsets[k + 1] - offsets[k]).enumerate() {
                self.word_vector(id, &mut words[(offsets[k] + position) * self.hidden..][..self.hidden]);
                positions.push(position as u32);
            }
        }
        let words = Tensor::from_vec(words, (rows, self.hidden), &Device::Cpu)?;
        let positions = self.position_embeddings.index_select(&Tensor::new(positions, &Device::Cpu)?, 0)?;
        let x = (words + positions)?.broadcast_add(&self.token_type_embedding)?;
        self.embeddings_norm.forward(&x)
    }

    /// Word piece `id`'s embedding, dequantized into `out` (ids past the vocabulary read as 0).
    fn word_vector(&self, id: u32, out: &mut [f32]) {
        let id = if (id as usize) < self.word_scales.len() { id as usize } else { 0 };
        let table = &self.bytes[self.word_rows.clone()];
        let (scale, values) = (self.word_scales[id], &table[id * self.hidden..][..self.hidden]);
        out.iter_mut().zip(values).for_each(|(o, &q)| *o = (q as f32 - 128.0) * scale);
    }

    /// The embedding layer's output for a batch, padded to its longest sequence (what
    /// fine-tuning reads), its mask and the attention bias of its padding.
    pub fn embed(&self, batch: &[Vec<u32>]) -> candle_core::Result<Embedded> {
        let length = batch.iter().map(Vec::len).max().unwrap_or(0).clamp(1, self.max_length());
        let size = batch.len();
        let mut words = vec![0f32; size * length * self.hidden];
        let mut mask = vec![0f32; size * length];
        for (row, sequence) in batch.iter().enumerate() {
            for (position, &id) in sequence.iter().take(length).enumerate() {
                self.word_vector(id, &mut words[(row * length + position) * self.hidden..][..self.hidden]);
                mask[row * length + position] = 1.0;
            }
        }
        let words = Tensor::from_vec(words, (size, length, self.hidden), &Device::Cpu)?;
        let mask = Tensor::from_vec(mask, (size, length), &Device::Cpu)?;
        let positions = self.position_embeddings.narrow(0, 0, length)?;
        let x = words.broadcast_add(&positions)?.broadcast_add(&self.token_type_embedding)?;
        let x = self.embeddings_norm.forward(&x)?;
        // Padding gets -10,000 before the softmax (BERT's own choice), i.e. zero weight.
        let attention_bias = ((mask.clone() - 1.0)? * 10_000.0)?.reshape((size, 1, 1, length))?;
        Ok(Embedded { x, mask, attention_bias })
    }

    /// Number of attention heads.
    pub fn heads(&self) -> usize {
        self.heads
    }

    /// Layer `l`'s weights in [`LAYER_TENSORS`] order (Q, K and V fused: `[3 × width, width]`),
    /// for fine-tuning.
    pub fn layer_weights(&self, l: usize) -> Vec<Tensor> {
        let layer = &self.layers[l];
        let linear = |x: &Linear| [x.weight().clone(), x.bias().expect("every linear has a bias").clone()];
        let norm = |x: &LayerNorm| [x.weight().clone(), x.bias().expect("every LayerNorm has a bias").clone()];
        [
            linear(&layer.qkv),
            linear(&layer.attention_out),
            norm(&layer.attention_norm),
            linear(&layer.intermediate),
            linear(&layer.output),
            norm(&layer.output_norm),
        ]
        .concat()
    }
}

/// The names (after `encoder.layer.N.`) of a layer's tensors, weight then bias, in
/// [`Encoder::layer_weights`] order; `attention.self.qkv` stands for the query, key and value.
pub const LAYER_TENSORS: [&str; 6] = [
    "attention.self.qkv",
    "attention.output.dense",
    "attention.output.LayerNorm",
    "intermediate.dense",
    "output.dense",
    "output.LayerNorm",
];

/// See [`Encoder::embed`].
pub struct Embedded {
    pub x: Tensor,
    pub mask: Tensor,
    pub attention_bias: Tensor,
}

impl Layer {
    /// The standard BERT layer over packed rows `x` (`[pieces, width]`, sequence `k` at rows
    /// `offsets[k]..offsets[k + 1]`), its element-wise steps fused (see [`super::fused`]). Only
    /// the attention pads, each sequence to the longest.
    fn forward(&self, x: &Tensor, offsets: &[usize], heads: usize) -> candle_core::Result<Tensor> {
        let v = &self.vectors;
        let product = |input: &Tensor, linear: &Linear| input.matmul(&linear.weight().t()?);
        let qkv = product(x, &self.qkv)?;
        qkv.inplace_op1(&BiasGelu { bias: &v.qkv_bias, gelu: false })?;
        let padded = Padding { offsets, heads };
        let split = qkv.apply_op1_no_bwd(&SplitHeads(padded))?;
        let (q, k, values) = (split.get(0)?, split.get(1)?, split.get(2)?);
        let weights = q.matmul(&k.t()?)?;
        let head_size = x.dim(1)? / heads;
        weights.inplace_op1(&MaskedSoftmax { scale: 1.0 / (head_size as f32).sqrt(), padding: padded })?;
        let context = weights.matmul(&values)?.apply_op1_no_bwd(&MergeHeads(padded))?;
        let attended = product(&context, &self.attention_out)?;
        let [gamma, beta] = &v.attention_norm;
        attended.inplace_op2(x, &ResidualNorm { bias: &v.attention_out_bias, gamma, beta, eps: self.eps })?;
        let inner = product(&attended, &self.intermediate)?;
        inner.inplace_op1(&BiasGelu { bias: &v.intermediate_bias, gelu: true })?;
        let out = product(&inner, &self.output)?;
        let [gamma, beta] = &v.output_norm;
        out.inplace_op2(&attended, &ResidualNorm { bias: &v.output_bias, gamma, beta, eps: self.eps })?;
        Ok(out)
    }
}

/// Mean of one sequence's states (`[length, width]`), L2-normed: the sentence embedding
/// all-MiniLM-L6-v2 was trained to give (`[width]`).
pub fn mean_pooled(states: &Tensor) -> candle_core::Result<Tensor> {
    let mean = states.mean(0)?;
    let norm = mean.sqr()?.sum_all()?.sqrt()?;
    mean.broadcast_div(&(norm + 1e-12)?)
}
