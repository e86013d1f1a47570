//! Interpolated modified Kneser-Ney estimation from adjusted counts, as KenLM's `lmplz` does
//! it (Chen & Goodman eq. 26 discounts; unigrams interpolated with the uniform distribution
//! over the vocabulary without `<s>`), with count pruning whose discounted mass goes to the
//! backoff, so pruned models still sum to one.

use crate::error::{Error, Result};
use crate::lm::estimated::{NgramModel, OrderEntries, BOS_LOG_PROB};
use crate::lm::ngram::{self, BOS};
use crate::lm::train::count::CountedOrder;

/// Discounts D1, D2, D3+ for one order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Discount(pub [f32; 3]);

impl Discount {
    /// The amount subtracted from an adjusted count.
    fn apply(&self, count: u32) -> f32 {
        match count {
            0 => 0.0,
            1 => self.0[0],
            2 => self.0[1],
            _ => self.0[2],
        }
    }
}

/// Modified Kneser-Ney discounts from the counts of counts of one order. Computed in f32 in the
/// same order of operations as lmplz so both produce the same numbers.
pub fn discounts(adjusted: &[u32], order: usize, fallback: Option<Discount>) -> Result<Discount> {
    let mut n = [0u64; 5];
    for &c in adjusted {
        if (c as usize) < 5 {
            n[c as usize] += 1;
        }
    }
    let computed = (|| {
        if n[1..5].contains(&0) {
            return None;
        }
        let y = n[1] as f32 / (n[1] as f32 + 2.0 * n[2] as f32);
        let mut d = [0f32; 3];
        for j in 1..4 {
            d[j - 1] = j as f32 - (j + 1) as f32 * y * n[j + 1] as f32 / n[j] as f32;
            if d[j - 1] < 0.0 || d[j - 1] > j as f32 {
                return None;
            }
        }
        Some(Discount(d))
    })();
    computed.or(fallback).ok_or_else(|| {
        Error::Training(format!(
            "cannot estimate Kneser-Ney discounts for {order}-grams (counts of counts 1-4: \
             {:?}); the text is too small or artificial — add text or pass --discount-fallback",
            &n[1..5]
        ))
    })
}

/// Turns counted orders into log10 probabilities and backoffs. `prune[n - 1]` is the raw-count
/// threshold of order n: n-grams seen that often or less are dropped (0 keeps all; unigrams
/// are never pruned). Thresholds must not decrease with the order, so every kept n-gram's
/// context and suffix (seen at least as often) are kept too.
pub fn estimate(
    counted: Vec<CountedOrder>,
    vocab: Vec<String>,
    discount_per_order: &[Discount],
    prune: &[u32],
) -> NgramModel {
    // Probabilities (not logs) of the previous order, indexed like its keys.
    let mut lower_prob: Vec<f32> = Vec::new();
    let mut orders: Vec<OrderEntries> = Vec::with_capacity(counted.len());
    let mut keeps: Vec<Vec<bool>> = Vec::with_capacity(counted.len());

    for (n_minus_1, c) in counted.into_iter().enumerate() {
        let n = n_minus_1 + 1;
        let discount = discount_per_order[n_minus_1];
        let threshold = if n == 1 { 0 } else { prune[n_minus_1] };
        let keep: Vec<bool> = c.raw.iter().map(|&r| r > threshold).collect();
        let mut prob = vec![0f32; c.keys.len()];
        // Gammas of the contexts (n-grams of the order below); 1 (log 0) for non-contexts.
        let mut context_gamma = vec![1f32; lower_prob.len()];
        let below_keys: &[u128] = orders.last().map_or(&[], |o| &o.keys);
        // lmplz: uniform over the vocabulary including <unk>, excluding <s>.
        let uniform = 1.0 / (c.keys.len().max(2) - 1) as f32;

        let mut start = 0usize;
        let mut cursor = 0usize; // position of the current context in the order below
        while start < c.keys.len() {
            // A group: all n-grams sharing one context (for unigrams, all of them).
            let end = if n == 1 {
                c.keys.len()
            } else {
                let ctx = ngram::context(c.keys[start]);
                let mut end = start + 1;
                while end < c.keys.len() && ngram::context(c.keys[end]) == ctx {
                    end += 1;
                }
                while below_keys[cursor] < ctx {
                    cursor += 1;
                }
                end
            };
            let mut denominator = 0u64;
            let mut pruned_mass = 0u64;
            let mut kept_by_count = [0u64; 4];
            for i in start..end {
                let a = c.adjusted[i];
                denominator += a as u64;
                if keep[i] {
                    kept_by_count[a.min(3) as usize] += 1;
                } else {
                    pruned_mass += a as u64;
                }
            }
            let denominator = denominator as f32;
            let mut gamma = 0f32;
            for k in 1..=3 {
                gamma += discount.0[k - 1] * kept_by_count[k] as f32;
            }
            gamma += pruned_mass as f32;
            gamma /= denominator;
            for i in start..end {
                let a = c.adjusted[i];
                let u = (a as f32 - discount.apply(a)) / denominator;
                let lower = if n == 1 { uniform } else { lower_prob[c.suffix_index[i] as usize] };
                prob[i] = u + gamma * lower;
            }
            if n > 1 {
                context_gamma[cursor] = gamma;
            }
            start = end;
        }

        if let Some(below) = orders.last_mut() {
            below.backoff = context_gamma.iter().map(|g| g.log10()).collect();
        }
        let mut log_prob: Vec<f32> = prob.iter().map(|p| p.log10()).collect();
        if n == 1 {
            log_prob[BOS as usize] = BOS_LOG_PROB;
        }
        orders.push(OrderEntries { keys: c.keys, prob: log_prob, backoff: Vec::new() });
        keeps.push(keep);
        lower_prob = prob;
    }
    for (entries, keep) in orders.iter_mut().zip(&keeps).skip(1) {
        retain(entries, keep);
    }
    NgramModel { vocab, orders }
}

/// Keeps the entries whose `keep` flag is set, in all parallel arrays.
fn retain(entries: &mut OrderEntries, keep: &[bool]) {
    fn filter<T: Copy>(values: &mut Vec<T>, keep: &[bool]) {
        let mut flags = keep.iter();
        values.retain(|_| *flags.next().unwrap_or(&true));
    }
    filter(&mut entries.keys, keep);
    filter(&mut entries.prob, keep);
    if !entries.backoff.is_empty() {
        filter(&mut entries.backoff, keep);
    }
}
