//! The encoder's element-wise steps fused into single in-place passes over the matmul outputs,
//! for inference (fine-tuning keeps candle's differentiable ops: src/train/encoder.rs).
//!
//! Written by hand because candle runs each step (bias add, GELU, residual add, LayerNorm,
//! scale, mask, softmax) as its own pass that allocates a fresh tensor: on a 5,000-word text that
//! was a third of the encoder's time beside the matrix products (issue 13's 1 s budget;
//! reports/speed.md). candle's `InplaceOp` traits let us write the result over the product.

use candle_core::{CpuStorage, InplaceOp1, InplaceOp2, Layout};
use rayon::prelude::*;

/// Rows per rayon task: below this, splitting costs more than it saves.
const MIN_ROWS: usize = 16;

fn contiguous<'a>(storage: &'a CpuStorage, layout: &Layout, op: &str) -> candle_core::Result<&'a [f32]> {
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&storage.as_slice::<f32>()?[start..end]),
        None => candle_core::bail!("{op}: the input must be contiguous"),
    }
}

fn contiguous_mut<'a>(storage: &'a mut CpuStorage, layout: &Layout, op: &str) -> candle_core::Result<&'a mut [f32]> {
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("{op}: the input must be contiguous")
    };
    match storage {
        CpuStorage::F32(values) => Ok(&mut values[start..end]),
        _ => candle_core::bail!("{op}: the input must be f32"),
    }
}

/// `x + bias` per row, then GELU if `gelu` (the feed-forward's first half), in place.
pub struct BiasGelu<'a> {
    pub bias: &'a [f32],
    pub gelu: bool,
}

impl InplaceOp1 for BiasGelu<'_> {
    fn name(&self) -> &'static str {
        "bias-gelu"
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> candle_core::Result<()> {
        let values = contiguous_mut(storage, layout, self.name())?;
        let width = self.bias.len();
        if width == 0 || values.len() % width != 0 {
            candle_core::bail!("bias-gelu: rows are not {width} wide");
        }
        values.par_chunks_mut(width).with_min_len(MIN_ROWS).for_each(|row| {
            row.iter_mut().zip(self.bias).for_each(|(x, b)| *x = if self.gelu { gelu(*x + b) } else { *x + b })
        });
        Ok(())
    }
}

/// `LayerNorm(x + bias + residual)` per row, in place over `x` (a sublayer's output, BERT's
/// post-LayerNorm residual).
pub struct ResidualNorm<'a> {
    pub bias: &'a [f32],
    pub gamma: &'a [f32],
    pub beta: &'a [f32],
    pub eps: f32,
}

impl InplaceOp2 for ResidualNorm<'_> {
    fn name(&self) -> &'static str {
        "residual-layer-norm"
    }

    fn cpu_fwd(&self, s1: &mut CpuStorage, l1: &Layout, s2: &CpuStorage, l2: &Layout) -> candle_core::Result<()> {
        let residual = contiguous(s2, l2, self.name())?;
        let values = contiguous_mut(s1, l1, self.name())?;
        let width = self.bias.len();
        if width == 0 || values.len() % width != 0 || residual.len() != values.len() {
            candle_core::bail!("residual-layer-norm: shapes do not match");
        }
        values.par_chunks_mut(width).zip(residual.par_chunks(width)).with_min_len(MIN_ROWS).for_each(|(row, skip)| {
            row.iter_mut().zip(self.bias).zip(skip).for_each(|((x, b), s)| *x += b + s);
            let mean = row.iter().sum::<f32>() / width as f32;
            let variance = row.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / width as f32;
            let scale = 1.0 / (variance + self.eps).sqrt();
            row.iter_mut()
                .zip(self.gamma)
                .zip(self.beta)
                .for_each(|((x, g), b)| *x = (*x - mean) * scale * g + b);
        });
        Ok(())
    }
}

/// Attention weights from raw scores `[batch, heads, length, length]`, in place:
/// softmax(scale × score) over the real keys of each row (the key mask `[batch, length]`, 1 for
/// a real token); padding keys get weight 0 (BERT gives them −10,000 before the softmax).
pub struct MaskedSoftmax {
    pub scale: f32,
    pub heads: usize,
}

impl InplaceOp2 for MaskedSoftmax {
    fn name(&self) -> &'static str {
        "masked-softmax"
    }

    fn cpu_fwd(&self, s1: &mut CpuStorage, l1: &Layout, s2: &CpuStorage, l2: &Layout) -> candle_core::Result<()> {
        let mask = contiguous(s2, l2, self.name())?;
        let scores = contiguous_mut(s1, l1, self.name())?;
        let length = l1.dims().last().copied().unwrap_or(0);
        let rows_per_sequence = self.heads * length;
        if length == 0 || mask.len() * rows_per_sequence != scores.len() {
            candle_core::bail!("masked-softmax: the mask does not fit the scores");
        }
        scores.par_chunks_mut(length).with_min_len(MIN_ROWS).enumerate().for_each(|(r, row)| {
            let keys = &mask[(r / rows_per_sequence) * length..][..length];
            let most = row.iter().zip(keys).filter(|(_, &k)| k > 0.0).map(|(x, _)| *x).fold(f32::MIN, f32::max);
            let mut sum = 0.0;
            for (x, &k) in row.iter_mut().zip(keys) {
                *x = if k > 0.0 { ((*x - most) * self.scale).exp() } else { 0.0 };
                sum += *x;
            }
            let inverse = if sum > 0.0 { 1.0 / sum } else { 0.0 };
            row.iter_mut().for_each(|x| *x *= inverse);
        });
        Ok(())
    }
}

/// GELU with erf by Abramowitz & Stegun 7.1.26 (|error of erf| < 1.5e-7). candle's own
/// `gelu_erf` calls libm's erf element by element on one thread: a quarter of the encoder's
/// time on a 5,000-word text (measured, session 8).
pub fn gelu(x: f32) -> f32 {
    let z = (x * std::f32::consts::FRAC_1_SQRT_2).abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = ((((1.061_405_4 * t - 1.453_152_1) * t + 1.421_413_8) * t - 0.284_496_74) * t + 0.254_829_6) * t;
    let erf = 1.0 - poly * (-z * z).exp();
    0.5 * x * (1.0 + erf.copysign(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};

    #[test]
    fn gelu_matches_the_erf_form() {
        // x·Φ(x), Φ the standard normal CDF (values to 7 digits).
        for (x, expected) in
            [(0.0, 0.0), (1.0, 0.841_344_7), (-1.0, -0.158_655_3), (3.0, 2.995_950_2), (-4.0, -0.000_126_7)]
        {
            assert!((gelu(x) - expected).abs() < 1e-6, "gelu({x}) = {}, expected {expected}", gelu(x));
        }
    }

    #[test]
    fn fused_steps_match_candles_own_ops() -> candle_core::Result<()> {
        let cpu = &Device::Cpu;
        let (rows, width) = (40, 24);
        let x = Tensor::randn(0f32, 1.0, (rows, width), cpu)?;
        let residual = Tensor::randn(0f32, 1.0, (rows, width), cpu)?;
        let bias = Tensor::randn(0f32, 1.0, width, cpu)?;
        let (gamma, beta) = (Tensor::randn(1f32, 0.1, width, cpu)?, Tensor::randn(0f32, 0.1, width, cpu)?);
        let (b, g, be) = (bias.to_vec1::<f32>()?, gamma.to_vec1::<f32>()?, beta.to_vec1::<f32>()?);
        let close = |a: &Tensor, b: &Tensor| -> candle_core::Result<f32> {
            (a - b)?.abs()?.flatten_all()?.max(0)?.to_scalar::<f32>()
        };

        let expected = x.broadcast_add(&bias)?.gelu_erf()?;
        let fused = x.copy()?;
        fused.inplace_op1(&BiasGelu { bias: &b, gelu: true })?;
        assert!(close(&fused, &expected)? < 1e-5);

        let norm = candle_nn::LayerNorm::new(gamma.clone(), beta.clone(), 1e-12);
        let expected = candle_core::Module::forward(&norm, &(x.broadcast_add(&bias)? + &residual)?)?;
        let fused = x.copy()?;
        fused.inplace_op2(&residual, &ResidualNorm { bias: &b, gamma: &g, beta: &be, eps: 1e-12 })?;
        assert!(close(&fused, &expected)? < 1e-5);

        // Two sequences of 5 positions, 3 heads; the second has 2 padding positions.
        let scores = Tensor::randn(0f32, 3.0, (2, 3, 5, 5), cpu)?;
        let mask = Tensor::new(&[[1f32, 1., 1., 1., 1.], [1., 1., 1., 0., 0.]], cpu)?;
        let bias = ((mask.clone() - 1.0)? * 10_000.0)?.reshape((2, 1, 1, 5))?;
        let expected = candle_nn::ops::softmax_last_dim(&(scores.clone() * 0.25)?.broadcast_add(&bias)?)?;
        let fused = scores.copy()?;
        fused.inplace_op2(&mask, &MaskedSoftmax { scale: 0.25, heads: 3 })?;
        assert!(close(&fused, &expected)? < 1e-6);
        Ok(())
    }
}
