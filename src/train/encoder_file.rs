//! The fine-tuned encoder's weight file: the original embeddings, the tuned layers quantized to
//! int8 per row (as scripts/build/build-encoder.py writes them) and the MT head, in safetensors.

use super::encoder::Tuned;
use crate::detect::deep::encoder::{FORMAT, LAYER_TENSORS, MT_HEAD_BIAS, MT_HEAD_WEIGHT};
use crate::error::{Error, Result};
use candle_core::Tensor;
use std::collections::HashMap;
use std::path::Path;

/// Writes the weight file: the embeddings of `original` as they are, the tuned layers
/// quantized to int8 per row like scripts/build/build-encoder.py, and the MT head if one was trained
/// (f32, [`MT_HEAD_WEIGHT`], [`MT_HEAD_BIAS`]).
pub fn save(original: &Path, tuned: &Tuned, out: &Path) -> Result<()> {
    let layers = &tuned.layers;
    let bytes = std::fs::read(original).map_err(|e| Error::io(original, e))?;
    let bad = |e: safetensors::SafeTensorError| Error::bad_model(original, format!("not a safetensors file ({e})"));
    let tensors = safetensors::SafeTensors::deserialize(&bytes).map_err(bad)?;
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).map_err(bad)?;
    let mut metadata: HashMap<String, String> = header.metadata().clone().unwrap_or_default();
    if metadata.get("format").map(String::as_str) != Some(FORMAT) {
        return Err(Error::bad_model(original, "not an encoder weight file"));
    }
    metadata.insert("layers".into(), layers.len().to_string());
    metadata.insert("fine_tuned".into(), "mtcheck train encoder (src/train/encoder.rs)".into());
    // (name, dtype, shape, little-endian bytes)
    let mut entries: Vec<(String, safetensors::Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, view) in tensors.tensors() {
        if name.starts_with("embeddings.") {
            entries.push((name, view.dtype(), view.shape().to_vec(), view.data().to_vec()));
        }
    }
    let failed = |e: candle_core::Error| Error::Training(format!("saving the encoder: {e}"));
    for (l, weights) in layers.iter().enumerate() {
        for (k, part) in LAYER_TENSORS.iter().enumerate() {
            let (weight, bias) = (&weights[2 * k], &weights[2 * k + 1]);
            let is_norm = part.ends_with("LayerNorm");
            let pieces: Vec<(String, Tensor, Tensor)> = if *part == "attention.self.qkv" {
                let width = bias.dim(0).map_err(failed)? / 3;
                ["query", "key", "value"]
                    .iter()
                    .enumerate()
                    .map(|(i, kind)| -> candle_core::Result<_> {
                        Ok((
                            format!("encoder.layer.{l}.attention.self.{kind}"),
                            weight.narrow(0, i * width, width)?,
                            bias.narrow(0, i * width, width)?,
                        ))
                    })
                    .collect::<candle_core::Result<_>>()
                    .map_err(failed)?
            } else {
                vec![(format!("encoder.layer.{l}.{part}"), weight.clone(), bias.clone())]
            };
            for (name, weight, bias) in pieces {
                let le = |t: &Tensor| -> Result<Vec<u8>> {
                    Ok(f32_bytes(&t.flatten_all().and_then(|t| t.to_vec1::<f32>()).map_err(failed)?))
                };
                entries.push((format!("{name}.bias"), safetensors::Dtype::F32, bias.dims().to_vec(), le(&bias)?));
                if is_norm {
                    entries.push((
                        format!("{name}.weight"),
                        safetensors::Dtype::F32,
                        weight.dims().to_vec(),
                        le(&weight)?,
                    ));
                } else {
                    let rows = weight.to_vec2::<f32>().map_err(failed)?;
                    let (q, scales) = quantize_rows(&rows);
                    entries.push((format!("{name}.weight.q8"), safetensors::Dtype::U8, weight.dims().to_vec(), q));
                    let scales = f32_bytes(&scales);
                    entries.push((format!("{name}.weight.scale"), safetensors::Dtype::F32, vec![rows.len()], scales));
                }
            }
        }
    }
    if let Some(head) = &tuned.mt_head {
        let weights = f32_bytes(&head.weights);
        entries.push((MT_HEAD_WEIGHT.into(), safetensors::Dtype::F32, vec![head.weights.len()], weights));
        entries.push((MT_HEAD_BIAS.into(), safetensors::Dtype::F32, vec![1], f32_bytes(&[head.bias])));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let views: Vec<(String, safetensors::tensor::TensorView)> = entries
        .iter()
        .map(|(name, dtype, shape, data)| {
            safetensors::tensor::TensorView::new(*dtype, shape.clone(), data).map(|v| (name.clone(), v))
        })
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Training(format!("saving the encoder: {e}")))?;
    safetensors::serialize_to_file(views, Some(metadata), out)
        .map_err(|e| Error::Training(format!("writing {}: {e}", out.display())))
}

/// Little-endian bytes of f32 values: safetensors' F32 data.
fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// int8 per row as scripts/build/build-encoder.py: q = round(w / s) + 128, s = max|w| / 127.
fn quantize_rows(rows: &[Vec<f32>]) -> (Vec<u8>, Vec<f32>) {
    let mut q = Vec::with_capacity(rows.len() * rows.first().map_or(0, Vec::len));
    let mut scales = Vec::with_capacity(rows.len());
    for row in rows {
        let top = row.iter().fold(0f32, |m, v| m.max(v.abs()));
        let scale = if top > 0.0 { top / 127.0 } else { 1.0 };
        q.extend(row.iter().map(|v| ((v / scale).round().clamp(-127.0, 127.0) + 128.0) as u8));
        scales.push(scale);
    }
    (q, scales)
}
