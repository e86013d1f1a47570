//! Quantization of log-probabilities and backoffs to 8 or 16 bits, per order and per value
//! kind. Centers start as the means of equal-population bins (KenLM's binned quantization)
//! and are refined by Lloyd iterations (1-D k-means), which cuts the error in the sparse tails
//! where equal-population bins are wide. Backoff 0 (the most common value) is kept exact.

const LLOYD_ITERATIONS: usize = 12;

/// Moves each center to the mean of the sorted values nearest to it; `fixed` leading
/// centers (the exact zero) stay put and take no values.
fn lloyd(sorted: &[f32], centers: &mut [f32], fixed: usize, iterations: usize) {
    let free = &mut centers[fixed..];
    if free.len() < 2 {
        return;
    }
    for _ in 0..iterations {
        free.sort_unstable_by(f32::total_cmp);
        let mut start = 0usize;
        let mut new = free.to_vec();
        for k in 0..free.len() {
            // Values up to the midpoint between this center and the next belong to it.
            let end = if k + 1 == free.len() {
                sorted.len()
            } else {
                let mid = (free[k] + free[k + 1]) / 2.0;
                start + sorted[start..].partition_point(|&v| v <= mid)
            };
            if end > start {
                new[k] = (sorted[start..end].iter().map(|&v| v as f64).sum::<f64>() / (end - start) as f64) as f32;
            }
            start = end;
        }
        free.copy_from_slice(&new);
    }
}

/// A sorted table of bin centers; a value is stored as the index of its nearest center.
#[derive(Clone, Debug, PartialEq)]
pub struct Codebook {
    pub centers: Vec<f32>,
}

impl Codebook {
    /// Builds a codebook of `1 << bits` centers for `values`. With `exact_zero`, center 0 is
    /// reserved for 0.0 and only non-zero values are binned.
    pub fn build(values: &[f32], bits: u32, exact_zero: bool) -> Codebook {
        let size = 1usize << bits;
        let mut sorted: Vec<f32> =
            values.iter().copied().filter(|v| v.is_finite() && !(exact_zero && *v == 0.0)).collect();
        sorted.sort_unstable_by(f32::total_cmp);
        let mut centers = Vec::with_capacity(size);
        if exact_zero {
            centers.push(0.0);
        }
        let bins = size - centers.len();
        if !sorted.is_empty() {
            for b in 0..bins {
                let lo = b * sorted.len() / bins;
                let hi = ((b + 1) * sorted.len() / bins).max(lo + 1).min(sorted.len());
                if lo >= sorted.len() {
                    break;
                }
                let mean = sorted[lo..hi].iter().map(|&v| v as f64).sum::<f64>() / (hi - lo) as f64;
                centers.push(mean as f32);
            }
        }
        centers.sort_unstable_by(f32::total_cmp);
        centers.dedup();
        // Refine only a full codebook: with fewer distinct values than codes, every value
        // already has its own exact center.
        let distinct = 1 + sorted.windows(2).filter(|w| w[0] != w[1]).count();
        if distinct > bins {
            lloyd(&sorted, &mut centers, usize::from(exact_zero), LLOYD_ITERATIONS);
        }
        centers.sort_unstable_by(f32::total_cmp);
        centers.dedup();
        centers.resize(size, *centers.last().unwrap_or(&0.0));
        Codebook { centers }
    }

    /// The code of the center nearest to `value`.
    pub fn encode(&self, value: f32) -> u32 {
        let c = &self.centers;
        let i = c.partition_point(|&x| x < value);
        if i == 0 {
            0
        } else if i >= c.len() {
            (c.len() - 1) as u32
        } else if (value - c[i - 1]).abs() <= (c[i] - value).abs() {
            (i - 1) as u32
        } else {
            i as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_values_are_exact_and_zero_is_kept() {
        let values = [-1.5f32, -0.25, 0.0, -3.0, -0.25];
        let book = Codebook::build(&values, 8, true);
        for v in values {
            assert_eq!(book.centers[book.encode(v) as usize], v);
        }
    }

    #[test]
    fn many_values_have_small_error() {
        let values: Vec<f32> = (0..100_000).map(|i| -7.0 * (i as f32 / 100_000.0)).collect();
        let book = Codebook::build(&values, 8, false);
        let worst = values.iter().map(|&v| (book.centers[book.encode(v) as usize] - v).abs()).fold(0f32, f32::max);
        assert!(worst < 0.02, "worst error {worst}");
    }
}
