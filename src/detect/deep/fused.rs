//! The encoder's element-wise steps fused into single in-place passes over the matmul outputs,
//! for inference (fine-tuning keeps candle's differentiable ops: src/train/encoder.rs).
//!
//! Written by hand because candle runs each step (bias add, GELU, residual add, LayerNorm,
//! scale, mask, softmax) as its own pass that allocates a fresh tensor: on a 5,000-word text that
//! was a third of the encoder's time beside the matrix products (issue 13's 1 s budget;
//! reports/speed.md). candle's `InplaceOp` traits let us write the result over the product.

use candle_core::{CpuStorage, CustomOp1, InplaceOp1, InplaceOp2, Layout, Shape};
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
            row.iter_mut().zip(self.gamma).zip(self.beta).for_each(|((x, g), b)| *x = (*x - mean) * scale * g + b);
        });
        Ok(())
    }
}

/// How packed rows (sequence `k` at rows `offsets[k]..offsets[k + 1]`) pad for the attention:
/// each sequence to the longest, per head.
#[derive(Clone, Copy)]
pub struct Padding<'a> {
    pub offsets: &'a [usize],
    pub heads: usize,
}

impl Padding<'_> {
    fn sequences(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn length(&self, k: usize) -> usize {
        self.offsets[k + 1] - self.offsets[k]
    }

    /// The padded length (at least 1).
    fn longest(&self) -> usize {
        (0..self.sequences()).map(|k| self.length(k)).max().unwrap_or(0).max(1)
    }

    fn rows(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0)
    }
}

/// Packed Q, K and V rows (`[pieces, 3 × width]`) to padded heads `[3, sequences, heads,
/// longest, head size]`, zeros in the padding.
pub struct SplitHeads<'a>(pub Padding<'a>);

impl CustomOp1 for SplitHeads<'_> {
    fn name(&self) -> &'static str {
        "split-heads"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let source = contiguous(storage, layout, self.name())?;
        let p = &self.0;
        let (sequences, longest) = (p.sequences(), p.longest());
        let row_width = source.len() / p.rows().max(1);
        let head_size = row_width / 3 / p.heads.max(1);
        if p.rows() * row_width != source.len() || head_size * 3 * p.heads != row_width {
            candle_core::bail!("split-heads: rows are not 3 × heads wide");
        }
        let mut out = vec![0f32; 3 * sequences * p.heads * longest * head_size];
        out.par_chunks_mut(longest * head_size).enumerate().for_each(|(block, chunk)| {
            // block = (part × sequences + k) × heads + head; part 0, 1, 2: Q, K, V.
            let (part, k, head) = (block / (sequences * p.heads), (block / p.heads) % sequences, block % p.heads);
            let column = (part * p.heads + head) * head_size;
            for position in 0..p.length(k) {
                let row = &source[(p.offsets[k] + position) * row_width..][..row_width];
                chunk[position * head_size..][..head_size].copy_from_slice(&row[column..][..head_size]);
            }
        });
        Ok((CpuStorage::F32(out), Shape::from((3, sequences, p.heads, longest, head_size))))
    }
}

/// The attention's output per head (`[sequences, heads, longest, head size]`) back to packed
/// rows `[pieces, width]`.
pub struct MergeHeads<'a>(pub Padding<'a>);

impl CustomOp1 for MergeHeads<'_> {
    fn name(&self) -> &'static str {
        "merge-heads"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let source = contiguous(storage, layout, self.name())?;
        let p = &self.0;
        let (sequences, longest) = (p.sequences(), p.longest());
        let head_size = source.len() / (sequences * p.heads * longest).max(1);
        if sequences * p.heads * longest * head_size != source.len() {
            candle_core::bail!("merge-heads: the input is not [sequences, heads, longest, head size]");
        }
        let width = p.heads * head_size;
        let mut out = vec![0f32; p.rows() * width];
        out.par_chunks_mut(width.max(1)).with_min_len(MIN_ROWS).enumerate().for_each(|(row, o)| {
            let k = p.offsets.partition_point(|&start| start <= row) - 1;
            let position = row - p.offsets[k];
            for head in 0..p.heads {
                let from = &source[((k * p.heads + head) * longest + position) * head_size..][..head_size];
                o[head * head_size..][..head_size].copy_from_slice(from);
            }
        });
        Ok((CpuStorage::F32(out), Shape::from((p.rows(), width))))
    }
}

/// Attention weights from raw scores `[sequences, heads, longest, longest]`, in place:
/// softmax(scale × score) over each sequence's real keys; padding keys get weight 0 (BERT
/// gives them −10,000 before the softmax), and so do the rows of padding queries (never read).
pub struct MaskedSoftmax<'a> {
    pub scale: f32,
    pub padding: Padding<'a>,
}

impl InplaceOp1 for MaskedSoftmax<'_> {
    fn name(&self) -> &'static str {
        "masked-softmax"
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> candle_core::Result<()> {
        let scores = contiguous_mut(storage, layout, self.name())?;
        let p = &self.padding;
        let longest = p.longest();
        if scores.len() != p.sequences() * p.heads * longest * longest {
            candle_core::bail!("masked-softmax: the scores are not [sequences, heads, longest, longest]");
        }
        scores.par_chunks_mut(longest).with_min_len(MIN_ROWS).enumerate().for_each(|(r, row)| {
            let length = p.length(r / (p.heads * longest));
            let (real, padding) = row.split_at_mut(if r % longest < length { length } else { 0 });
            padding.iter_mut().for_each(|x| *x = 0.0);
            let most = real.iter().copied().fold(f32::MIN, f32::max);
            let mut sum = 0.0;
            for x in real.iter_mut() {
                *x = exp((*x - most) * self.scale);
                sum += *x;
            }
            let inverse = if sum > 0.0 { 1.0 / sum } else { 0.0 };
            real.iter_mut().for_each(|x| *x *= inverse);
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
    let erf = 1.0 - poly * exp(-z * z);
    0.5 * x * (1.0 + erf.copysign(x))
}

/// e^x to a relative error below 5e-7, branch-free so that the loops above vectorize (libm's
/// `expf` is a call per element: 6% of the deep detector's time, measured). Cephes' method:
/// x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor polynomial to r^6, 2^n in the
/// exponent bits. Inputs below −87 give about 1e−38 (the softmax and GELU need 0 there, and
/// get less than 1e−37 of their sums).
pub fn exp(x: f32) -> f32 {
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;
    // Adding and taking away 1.5 × 2^23 rounds to the nearest integer without a call to
    // `roundf` (SSE2 has no rounding instruction).
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * std::f32::consts::LOG2_E + ROUND) - ROUND;
    let r = x - n * LN2_HIGH - n * LN2_LOW;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
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
    fn exp_matches_the_standard_library() {
        for i in -1977..=2000 {
            let x = i as f32 * 0.044;
            let (ours, std) = (exp(x), x.exp());
            assert!((ours - std).abs() <= 5e-7 * std, "exp({x}) = {ours}, expected {std}");
        }
        assert!(exp(-88.0) < 2e-38 && exp(-1000.0) < 2e-38 && exp(-1000.0) >= 0.0);
        assert!(exp(0.0) == 1.0);
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

        // Two sequences of 5 and 3 positions, 3 heads, packed; the attention pads the second.
        let offsets = [0, 5, 8];
        let padding = Padding { offsets: &offsets, heads: 3 };
        let scores = Tensor::randn(0f32, 3.0, (2, 3, 5, 5), cpu)?;
        let mask = Tensor::new(&[[1f32, 1., 1., 1., 1.], [1., 1., 1., 0., 0.]], cpu)?;
        let bias = ((mask.clone() - 1.0)? * 10_000.0)?.reshape((2, 1, 1, 5))?;
        let expected = candle_nn::ops::softmax_last_dim(&(scores.clone() * 0.25)?.broadcast_add(&bias)?)?;
        let fused = scores.copy()?;
        fused.inplace_op1(&MaskedSoftmax { scale: 0.25, padding })?;
        // The rows of padding queries are zero here; compare the real ones.
        assert!(close(&fused.get(0)?, &expected.get(0)?)? < 1e-6);
        assert!(close(&fused.get(1)?.narrow(1, 0, 3)?, &expected.get(1)?.narrow(1, 0, 3)?)? < 1e-6);

        // Split into heads and merged back: the packed rows again; zeros in the padding.
        let (heads, head_size) = (3, 4);
        let qkv = Tensor::randn(0f32, 1.0, (8, 3 * heads * head_size), cpu)?;
        let split = qkv.apply_op1_no_bwd(&SplitHeads(padding))?;
        assert_eq!(split.dims(), &[3, 2, heads, 5, head_size]);
        // K (part 1) of sequence 1, head 2, position 1: packed row 6, columns (3 + 2) × 4 ..
        let k = split.get(1)?.get(1)?.get(2)?.get(1)?;
        assert_eq!(close(&k, &qkv.get(6)?.narrow(0, 20, 4)?)?, 0.0);
        assert_eq!(split.get(2)?.get(1)?.get(0)?.get(4)?.abs()?.sum_all()?.to_scalar::<f32>()?, 0.0);
        let merged = split.get(2)?.contiguous()?.apply_op1_no_bwd(&MergeHeads(padding))?;
        assert_eq!(close(&merged, &qkv.narrow(1, 2 * heads * head_size, heads * head_size)?)?, 0.0);
        Ok(())
    }
}
