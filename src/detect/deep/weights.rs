//! Reading the encoder's safetensors file: int8 matrices with per-row scales (dequantized on
//! all cores), f32 vectors, and where the int8 word-piece table lies in the mapped file.

use super::encoder::candle_error;
use crate::error::{Error, Result};
use candle_core::{Device, Tensor};
use rayon::prelude::*;
use safetensors::{Dtype, SafeTensors};
use std::ops::Range;
use std::path::Path;

pub(super) struct Weights<'a> {
    pub tensors: SafeTensors<'a>,
    pub path: &'a Path,
    pub hidden: usize,
    /// Address of the file's first byte (to turn a tensor's slice into a range of the file).
    pub base: usize,
}

impl<'a> Weights<'a> {
    pub fn view(&self, name: &str, dtype: Dtype, rank: usize) -> Result<safetensors::tensor::TensorView<'a>> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|_| Error::bad_model(self.path, format!("encoder weights: no tensor '{name}'")))?;
        if view.dtype() != dtype || view.shape().len() != rank {
            return Err(Error::bad_model(
                self.path,
                format!(
                    "encoder weights: '{name}' is {:?} {:?}, expected {dtype:?} of rank {rank}",
                    view.dtype(),
                    view.shape()
                ),
            ));
        }
        Ok(view)
    }

    /// An f32 vector of the model's width (a bias or LayerNorm weight).
    pub fn vector(&self, name: &str) -> Result<Tensor> {
        let view = self.view(name, Dtype::F32, 1)?;
        let values = little_endian_f32s(view.data());
        let n = values.len();
        Tensor::from_vec(values, n, &Device::Cpu).map_err(candle_error(self.path))
    }

    /// Where int8 matrix `name` (`name.q8`) lies in the file, and its row scales.
    pub fn int8_rows(&self, name: &str) -> Result<(Range<usize>, Vec<f32>)> {
        let q = self.view(&format!("{name}.q8"), Dtype::U8, 2)?;
        let scales = self.view(&format!("{name}.scale"), Dtype::F32, 1)?;
        let (rows, columns) = (q.shape()[0], q.shape()[1]);
        if scales.shape() != [rows] || columns != self.hidden {
            return Err(Error::bad_model(self.path, format!("encoder weights: '{name}' has mismatched scales")));
        }
        let scales = little_endian_f32s(scales.data());
        let start = q.data().as_ptr() as usize - self.base;
        Ok((start..start + q.data().len(), scales))
    }

    /// Int8 matrices `names` dequantized ((q − 128) × row scale) and stacked by rows, on all
    /// cores.
    pub fn matrix(&self, names: &[&str]) -> Result<Tensor> {
        let mut values = Vec::new();
        let mut rows = 0;
        let mut columns = None;
        for name in names {
            let q = self.view(&format!("{name}.q8"), Dtype::U8, 2)?;
            let scales = self.view(&format!("{name}.scale"), Dtype::F32, 1)?;
            let (r, c) = (q.shape()[0], q.shape()[1]);
            if scales.shape() != [r] || columns.is_some_and(|columns| columns != c) {
                return Err(Error::bad_model(self.path, format!("encoder weights: '{name}' has mismatched shapes")));
            }
            columns = Some(c);
            let scales = little_endian_f32s(scales.data());
            let start = values.len();
            values.resize(start + r * c, 0f32);
            values[start..]
                .par_chunks_mut(c.max(1))
                .zip(q.data().par_chunks(c.max(1)))
                .zip(scales.par_iter())
                .for_each(|((out, q), &scale)| {
                    out.iter_mut().zip(q).for_each(|(o, &q)| *o = (q as f32 - 128.0) * scale)
                });
            rows += r;
        }
        Tensor::from_vec(values, (rows, columns.unwrap_or(0)), &Device::Cpu).map_err(candle_error(self.path))
    }
}

/// An F32 tensor's bytes (safetensors stores little-endian) as values.
fn little_endian_f32s(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}
