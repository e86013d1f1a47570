//! MinHash signatures cut into LSH bands, and bottom-k sketches to check a candidate pair.
//!
//! Written by hand rather than taken from a crate: the MinHash crates on crates.io
//! (datasketch-minhash-lsh 0.0.1, lshdedup-core 0.1, gaoya) keep their index in memory and
//! hash each shingle once per function through a generic hasher; `mtcheck pairs` needs band
//! keys it can spill to disk (memory flat in the crawl's size) and thresholds far below
//! dedup's (a neural round trip shares ~0.3 of its shingles with its original, dedup looks
//! at 0.7 and above). The hash family is multiply-shift over 64-bit shingle hashes: two
//! multiplications per shingle and function, which the compiler vectorizes.

/// Signature rows per band: two, so a pair sharing a fraction J of shingles collides in a
/// band with probability J² (0.04 at J = 0.2 where dedup's 5 to 20 rows give nothing).
pub const ROWS: usize = 2;
/// Bands: at 128, a pair with J = 0.18 (the 1st percentile of round trips) becomes a
/// candidate with probability 1 - (1 - J²)^128 = 0.98; an unrelated pair (J ≤ 0.03) with 0.11,
/// and [`Sketch`] turns those away.
pub const BANDS: usize = 128;
/// Hashes kept in a document's bottom-k sketch.
pub const SKETCH: usize = 128;

/// The hash family: function i maps a shingle hash x to (a_i·x + b_i) >> 32 (mod 2^64).
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
}

impl Default for MinHasher {
    fn default() -> Self {
        // SplitMix64 from a fixed seed: the same functions in every run and on every machine,
        // so band keys of separate runs (or workers) agree.
        let mut state = 0x6d74_6368_6563_6b21u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let n = ROWS * BANDS;
        let a = (0..n).map(|_| next() | 1).collect();
        let b = (0..n).map(|_| next()).collect();
        MinHasher { a, b }
    }
}

impl MinHasher {
    /// The band keys of a document's shingles (none for a document without shingles).
    pub fn band_keys(&self, shingles: &[u64]) -> Vec<u64> {
        if shingles.is_empty() {
            return Vec::new();
        }
        let mut mins = vec![u32::MAX; ROWS * BANDS];
        for &x in shingles {
            for ((m, &a), &b) in mins.iter_mut().zip(&self.a).zip(&self.b) {
                *m = (*m).min((a.wrapping_mul(x).wrapping_add(b) >> 32) as u32);
            }
        }
        mins.chunks_exact(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let mut key = [0u8; 4 + 4 * ROWS];
                key[..4].copy_from_slice(&(band as u32).to_le_bytes());
                for (k, row) in rows.iter().enumerate() {
                    key[4 + 4 * k..8 + 4 * k].copy_from_slice(&row.to_le_bytes());
                }
                xxhash_rust::xxh3::xxh3_64(&key)
            })
            .collect()
    }
}

/// The [`SKETCH`] smallest shingle hashes of a document (all of them when it has fewer),
/// sorted: enough to estimate the Jaccard similarity of two documents (Broder's bottom-k).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sketch(pub Vec<u64>);

impl Sketch {
    /// The sketch of sorted, distinct `shingles`.
    pub fn of(shingles: &[u64]) -> Self {
        Sketch(shingles[..shingles.len().min(SKETCH)].to_vec())
    }

    /// Estimated share of shingles the two documents have in common: among the k smallest
    /// hashes of their union, the share that is in both. Exact while both have at most k.
    pub fn jaccard(&self, other: &Sketch) -> f32 {
        let (a, b) = (&self.0, &other.0);
        let k = SKETCH.min(a.len().max(b.len())).max(1);
        let (mut i, mut j, mut seen, mut both) = (0, 0, 0, 0);
        // Merge the two sorted lists; stop after the k smallest of the union, or where one
        // list runs out while the other is still under the other's largest (its rest unknown).
        while seen < k && i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
            }
            seen += 1;
        }
        // Union elements left in the shorter list when it ends early count as not shared.
        let rest = (a.len() - i).min(SKETCH) + (b.len() - j).min(SKETCH);
        let union = (seen + rest).min(k).max(seen);
        both as f32 / union.max(1) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        let mut v: Vec<u64> = range.map(|i| xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes())).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn similar_sets_share_bands_and_sketches_estimate_jaccard() {
        let hasher = MinHasher::default();
        let (a, b, c) = (set(0..300), set(100..400), set(1000..1300));
        let shared = |x: &[u64], y: &[u64]| {
            hasher.band_keys(x).iter().zip(hasher.band_keys(y)).filter(|(p, q)| **p == *q).count()
        };
        // J(a, b) = 200/400 = 0.5: about BANDS/4 bands collide; disjoint sets none.
        assert!(shared(&a, &b) > BANDS / 8, "{}", shared(&a, &b));
        assert_eq!(shared(&a, &c), 0);
        let j = Sketch::of(&a).jaccard(&Sketch::of(&b));
        assert!((j - 0.5).abs() < 0.15, "{j}");
        assert_eq!(Sketch::of(&a).jaccard(&Sketch::of(&c)), 0.0);
        assert_eq!(Sketch::of(&a).jaccard(&Sketch::of(&a)), 1.0);
        let (small, smaller) = (set(0..20), set(0..10));
        assert_eq!(Sketch::of(&small).jaccard(&Sketch::of(&smaller)), 0.5, "exact under k");
        assert!(hasher.band_keys(&[]).is_empty());
    }
}
