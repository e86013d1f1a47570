//! A BERT encoder (all-MiniLM-L6-v2: 6 layers × 384, 12 heads) run on the CPU with candle.
//!
//! Written here on candle-core/candle-nn rather than taken from candle-transformers: that crate
//! carries some hundred other models (a long build for 120 lines used), and our weight file is
//! int8 with per-row scales (scripts/build-encoder.py), which its loader does not read. The
//! forward pass is the standard post-LayerNorm BERT: embeddings + LayerNorm, then per layer
//! self-attention (Q, K and V fused into one matmul), residual + LayerNorm, a GELU (erf)
//! feed-forward, residual + LayerNorm.

use crate::error::{Error, Result};
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{LayerNorm, Linear, Module};
use std::collections::HashMap;
use std::path::Path;

/// The format tag in the weight file's metadata.
pub const FORMAT: &str = "mtcheck-encoder v1";

pub struct Encoder {
    word_embeddings: Tensor,
    position_embeddings: Tensor,
    token_type_embedding: Tensor,
    embeddings_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
}

struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The encoder's outputs for a batch: every layer's hidden states, `[batch, length, hidden]`
/// (index 0: the embeddings, index `l`: after layer `l`), and the mask of real tokens.
pub struct Hidden {
    pub layers: Vec<Tensor>,
    pub mask: Tensor,
}

fn candle_error(path: &Path) -> impl Fn(candle_core::Error) -> Error + '_ {
    move |e| Error::bad_model(path, format!("encoder weights: {e}"))
}

impl Encoder {
    /// Loads the int8 weight file written by scripts/build-encoder.py.
    pub fn load(path: &Path) -> Result<Encoder> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let metadata = read_metadata(&bytes).map_err(|problem| Error::bad_model(path, problem))?;
        let field = |key: &str| -> Result<usize> {
            metadata
                .get(key)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| Error::bad_model(path, format!("encoder weights: no '{key}' in the metadata")))
        };
        if metadata.get("format").map(String::as_str) != Some(FORMAT) {
            return Err(Error::bad_model(path, format!("not an encoder weight file (format is not '{FORMAT}')")));
        }
        let (layer_count, hidden, heads) = (field("layers")?, field("hidden")?, field("heads")?);
        let eps: f64 = metadata.get("layer_norm_eps").and_then(|v| v.parse().ok()).unwrap_or(1e-12);
        let tensors = candle_core::safetensors::load_buffer(&bytes, &Device::Cpu).map_err(candle_error(path))?;
        let weights = Weights { tensors, path };
        let norm = |name: &str| -> Result<LayerNorm> {
            Ok(LayerNorm::new(weights.get(&format!("{name}.weight"))?, weights.get(&format!("{name}.bias"))?, eps))
        };
        let linear = |name: &str| -> Result<Linear> {
            Ok(Linear::new(weights.dequantized(&format!("{name}.weight"))?, Some(weights.get(&format!("{name}.bias"))?)))
        };
        let mut layers = Vec::with_capacity(layer_count);
        for l in 0..layer_count {
            let p = format!("encoder.layer.{l}");
            let part = |kind: &str, what: &str| format!("{p}.attention.self.{kind}.{what}");
            let fused = |what: &str| -> Result<Tensor> {
                let get = |kind: &str| {
                    if what == "weight" { weights.dequantized(&part(kind, what)) } else { weights.get(&part(kind, what)) }
                };
                Tensor::cat(&[get("query")?, get("key")?, get("value")?], 0).map_err(candle_error(path))
            };
            layers.push(Layer {
                qkv: Linear::new(fused("weight")?, Some(fused("bias")?)),
                attention_out: linear(&format!("{p}.attention.output.dense"))?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{p}.intermediate.dense"))?,
                output: linear(&format!("{p}.output.dense"))?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let token_types = weights.dequantized("embeddings.token_type_embeddings.weight")?;
        let encoder = Encoder {
            word_embeddings: weights.dequantized("embeddings.word_embeddings.weight")?,
            position_embeddings: weights.dequantized("embeddings.position_embeddings.weight")?,
            token_type_embedding: token_types.get(0).map_err(candle_error(path))?,
            embeddings_norm: norm("embeddings.LayerNorm")?,
            layers,
            heads,
            hidden,
        };
        if hidden % heads != 0 || encoder.word_embeddings.dim(1).ok() != Some(hidden) {
            return Err(Error::bad_model(path, "encoder weights: shapes do not match the metadata"));
        }
        Ok(encoder)
    }

    /// Keeps the first `layers` layers only (the ones above would be run for nothing).
    pub fn truncate(&mut self, layers: usize) {
        self.layers.truncate(layers);
    }

    /// Number of transformer layers.
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

    /// Runs a batch of word-piece id sequences (each at most [`Self::max_length`] long, padded
    /// here to the longest). Returns every layer's hidden states.
    pub fn forward(&self, batch: &[Vec<u32>]) -> candle_core::Result<Hidden> {
        let length = batch.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let mut ids = Vec::with_capacity(batch.len() * length);
        let mut mask = Vec::with_capacity(batch.len() * length);
        for sequence in batch {
            ids.extend(sequence.iter().copied().chain(std::iter::repeat(0)).take(length));
            mask.extend((0..length).map(|i| if i < sequence.len() { 1f32 } else { 0.0 }));
        }
        let size = batch.len();
        let ids = Tensor::from_vec(ids, (size, length), &Device::Cpu)?;
        let mask = Tensor::from_vec(mask, (size, length), &Device::Cpu)?;
        let words = self.word_embeddings.index_select(&ids.flatten_all()?, 0)?.reshape((size, length, self.hidden))?;
        let positions = self.position_embeddings.narrow(0, 0, length)?;
        let x = words.broadcast_add(&positions)?.broadcast_add(&self.token_type_embedding)?;
        let mut x = self.embeddings_norm.forward(&x)?;
        // Padding gets -10,000 before the softmax (BERT's own choice), i.e. zero weight.
        let attention_bias = ((mask.clone() - 1.0)? * 10_000.0)?.reshape((size, 1, 1, length))?;
        let mut layers = Vec::with_capacity(self.layers.len() + 1);
        layers.push(x.clone());
        for layer in &self.layers {
            x = layer.forward(&x, &attention_bias, self.heads)?;
            layers.push(x.clone());
        }
        Ok(Hidden { layers, mask })
    }
}

impl Layer {
    fn forward(&self, x: &Tensor, attention_bias: &Tensor, heads: usize) -> candle_core::Result<Tensor> {
        let (size, length, hidden) = x.dims3()?;
        let head_size = hidden / heads;
        let qkv = self.qkv.forward(x)?;
        let split = |i: usize| -> candle_core::Result<Tensor> {
            qkv.narrow(D::Minus1, i * hidden, hidden)?
                .reshape((size, length, heads, head_size))?
                .transpose(1, 2)?
                .contiguous()
        };
        let (q, k, v) = (split(0)?, split(1)?, split(2)?);
        let scores = (q.matmul(&k.t()?)? / (head_size as f64).sqrt())?.broadcast_add(attention_bias)?;
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = weights.matmul(&v)?.transpose(1, 2)?.reshape((size, length, hidden))?;
        let x = self.attention_norm.forward(&(self.attention_out.forward(&context)? + x)?)?;
        let inner = self.intermediate.forward(&x)?.gelu_erf()?;
        self.output_norm.forward(&(self.output.forward(&inner)? + x)?)
    }
}

/// Mean of the real tokens' hidden states of `hidden` (`[batch, length, width]`), L2-normed:
/// the sentence embedding all-MiniLM-L6-v2 was trained to give (`[batch, width]`).
pub fn mean_pooled(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let mask = mask.unsqueeze(2)?;
    let sum = hidden.broadcast_mul(&mask)?.sum(1)?;
    let mean = sum.broadcast_div(&mask.sum(1)?)?;
    let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
    mean.broadcast_div(&(norm + 1e-12)?)
}

struct Weights<'a> {
    tensors: HashMap<String, Tensor>,
    path: &'a Path,
}

impl Weights<'_> {
    fn get(&self, name: &str) -> Result<Tensor> {
        let tensor = self
            .tensors
            .get(name)
            .ok_or_else(|| Error::bad_model(self.path, format!("encoder weights: no tensor '{name}'")))?;
        tensor.to_dtype(DType::F32).map_err(candle_error(self.path))
    }

    /// `name` from its int8 form: (`name.q8` − 128) × `name.scale` per row.
    fn dequantized(&self, name: &str) -> Result<Tensor> {
        let q = self.get(&format!("{name}.q8"))?;
        let scale = self.get(&format!("{name}.scale"))?;
        let rows = (q - 128.0).and_then(|q| q.broadcast_mul(&scale.unsqueeze(1)?));
        rows.map_err(candle_error(self.path))
    }
}

/// The `__metadata__` map of a safetensors file (strings only), or what is wrong with it.
fn read_metadata(bytes: &[u8]) -> std::result::Result<HashMap<String, String>, String> {
    let header_length = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize)
        .ok_or("not a safetensors file (shorter than 8 bytes)")?;
    let header = bytes
        .get(8..8usize.saturating_add(header_length))
        .ok_or("not a safetensors file (header longer than the file)")?;
    #[derive(serde::Deserialize)]
    struct Header {
        #[serde(rename = "__metadata__", default)]
        metadata: HashMap<String, String>,
    }
    let header: Header = serde_json::from_slice(header).map_err(|e| format!("not a safetensors file ({e})"))?;
    Ok(header.metadata)
}
