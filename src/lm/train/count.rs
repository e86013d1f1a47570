//! Counting: every position of every sentence contributes its longest window (up to the model
//! order, cut at `<s>`), as KenLM counts with `<s>` padding. Windows shorter than the order all
//! begin with `<s>`; they keep raw counts. Then, from the highest order down, each order's
//! adjusted counts (the number of distinct one-word left extensions, Kneser-Ney's
//! continuation counts) are computed by sorting the suffixes of the order above.

use crate::error::{Error, Result};
use crate::lm::ngram::{self, BITS_PER_WORD, BOS};
use rayon::prelude::*;

/// One order's distinct n-grams with their counts.
#[derive(Default)]
pub struct CountedOrder {
    /// Packed keys, strictly increasing.
    pub keys: Vec<u128>,
    /// Kneser-Ney adjusted count (raw count for the highest order and for `<s>`-initial n-grams).
    pub adjusted: Vec<u32>,
    /// Raw occurrence count (used for pruning).
    pub raw: Vec<u32>,
    /// For orders ≥ 2: index of each n-gram's suffix in the order below.
    pub suffix_index: Vec<u32>,
}

/// Bits left below a suffix of up to four words for the index of its n-gram.
const INDEX_BITS: u32 = 128 - 4 * BITS_PER_WORD;

/// Counts all orders 1..=`order` from id streams. `vocab_size` includes the specials.
pub fn count_orders(streams: &[Vec<u32>], order: usize, vocab_size: usize) -> Result<Vec<CountedOrder>> {
    // windows[len - 2] holds the packed windows of that length (2..=order).
    let windows = collect_windows(streams, order);
    let mut by_length: Vec<(Vec<u128>, Vec<u32>)> = windows
        .into_par_iter()
        .map(|mut keys| {
            keys.par_sort_unstable();
            run_lengths(&keys)
        })
        .collect();

    let mut orders: Vec<CountedOrder> = (0..order).map(|_| CountedOrder::default()).collect();
    let (keys, counts) = by_length.pop().expect("order >= 2");
    orders[order - 1] = CountedOrder { adjusted: counts.clone(), raw: counts, keys, suffix_index: Vec::new() };
    for n in (2..=order).rev() {
        let bos_windows =
            if n > 2 { by_length.pop().expect("one window length per order") } else { (Vec::new(), Vec::new()) };
        let (lower, suffix_index) = if n == 2 {
            unigrams_from_bigrams(&orders[1], vocab_size)
        } else {
            lower_from_upper(&orders[n - 1], n, bos_windows)?
        };
        orders[n - 1].suffix_index = suffix_index;
        orders[n - 2] = lower;
    }
    Ok(orders)
}

fn collect_windows(streams: &[Vec<u32>], order: usize) -> Vec<Vec<u128>> {
    let per_stream: Vec<Vec<Vec<u128>>> = streams
        .par_iter()
        .map(|stream| {
            let mut out: Vec<Vec<u128>> = (2..=order).map(|_| Vec::new()).collect();
            out[order - 2].reserve(stream.len());
            let mut start = 0usize;
            for i in 0..stream.len() {
                if stream[i] == BOS {
                    start = i;
                    continue;
                }
                let from = start.max((i + 1).saturating_sub(order));
                out[i - from - 1].push(ngram::pack(&stream[from..=i]));
            }
            out
        })
        .collect();
    (0..order - 1)
        .map(|len_index| {
            let total = per_stream.iter().map(|s| s[len_index].len()).sum();
            let mut all = Vec::with_capacity(total);
            for s in &per_stream {
                all.extend_from_slice(&s[len_index]);
            }
            all
        })
        .collect()
}

/// Distinct keys and how often each occurs, from sorted keys.
fn run_lengths(sorted: &[u128]) -> (Vec<u128>, Vec<u32>) {
    let mut keys = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    for &k in sorted {
        if keys.last() == Some(&k) {
            *counts.last_mut().expect("parallel to keys") += 1;
        } else {
            keys.push(k);
            counts.push(1);
        }
    }
    (keys, counts)
}

/// Order `n - 1` from order `n`: the distinct suffixes of order `n` (adjusted count = number of
/// left extensions, raw count = their summed raw counts) merged with the `<s>`-initial windows
/// of length `n - 1`. Also returns, per n-gram of order `n`, the index of its suffix.
fn lower_from_upper(
    upper: &CountedOrder,
    n: usize,
    (bos_keys, bos_counts): (Vec<u128>, Vec<u32>),
) -> Result<(CountedOrder, Vec<u32>)> {
    if upper.keys.len() >= 1usize << INDEX_BITS {
        return Err(Error::Training(format!(
            "too many distinct {n}-grams ({}) for one order; raise pruning",
            upper.keys.len()
        )));
    }
    // Sort (suffix, index) pairs packed into one u128: suffix above, index in the low bits.
    let mut pairs: Vec<u128> =
        upper.keys.par_iter().enumerate().map(|(i, &k)| (ngram::suffix(k, n) << INDEX_BITS) | i as u128).collect();
    pairs.par_sort_unstable();
    let index_mask = (1u128 << INDEX_BITS) - 1;

    let mut lower = CountedOrder::default();
    let mut suffix_index = vec![0u32; upper.keys.len()];
    let mut b = 0usize; // next <s>-initial window to merge in
    let mut i = 0usize;
    while i < pairs.len() {
        let key = pairs[i] >> INDEX_BITS;
        while b < bos_keys.len() && bos_keys[b] < key {
            lower.keys.push(bos_keys[b]);
            lower.adjusted.push(bos_counts[b]);
            lower.raw.push(bos_counts[b]);
            b += 1;
        }
        let position = lower.keys.len() as u32;
        let mut raw = 0u64;
        let mut extensions = 0u32;
        while i < pairs.len() && pairs[i] >> INDEX_BITS == key {
            let index = (pairs[i] & index_mask) as usize;
            suffix_index[index] = position;
            raw += upper.raw[index] as u64;
            extensions += 1;
            i += 1;
        }
        lower.keys.push(key);
        lower.adjusted.push(extensions);
        lower.raw.push(raw.min(u32::MAX as u64) as u32);
    }
    for k in b..bos_keys.len() {
        lower.keys.push(bos_keys[k]);
        lower.adjusted.push(bos_counts[k]);
        lower.raw.push(bos_counts[k]);
    }
    Ok((lower, suffix_index))
}

/// Unigrams from bigrams: a dense array over the vocabulary (`<unk>` and `<s>` may have
/// count 0). A bigram's suffix index is its last word's id.
fn unigrams_from_bigrams(bigrams: &CountedOrder, vocab_size: usize) -> (CountedOrder, Vec<u32>) {
    let mut adjusted = vec![0u32; vocab_size];
    let mut raw = vec![0u32; vocab_size];
    let suffix_index: Vec<u32> = bigrams.keys.iter().map(|&k| ngram::word(k, 2, 1)).collect();
    for (i, &w) in suffix_index.iter().enumerate() {
        adjusted[w as usize] += 1;
        raw[w as usize] = raw[w as usize].saturating_add(bigrams.raw[i]);
    }
    let unigrams = CountedOrder { keys: (0..vocab_size as u128).collect(), adjusted, raw, suffix_index: Vec::new() };
    (unigrams, suffix_index)
}
