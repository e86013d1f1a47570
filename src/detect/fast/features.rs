//! The fast scorer's inputs: a sentence summarized in one pass over its tokens and their LM
//! scores, with no per-token matrix and no models besides the LM. They are the sentence
//! statistics that carried most of the signal in the prototype (DESIGN "What measurement
//! already says": SLOR, word length, lexical diversity, repetition, function-word share, the
//! spread of surprisal, the end of the sentence) plus matched n-gram order and unknown words.

use crate::analysis::ScoredToken;
use crate::text::is_function_word;

/// Input names, in column order (stored in the model file and checked on load).
pub const NAMES: &[&str] = &[
    "words",
    "punctuation_share",
    "mean_word_length",
    "slor",
    "log10p_mean",
    "log10p_min",
    "log10p_sd",
    "low_probability_share",
    "context_gain_min",
    "ngram_order_mean",
    "backoff_share",
    "unknown_share",
    "rarity_mean",
    "type_token_ratio",
    "repeated_bigram_share",
    "function_word_share",
    "capitalized_share",
    "digit_share",
    "unbalanced_quotes",
    "end_log10p",
    "end_context_gain",
];

/// Tokens below this log10 p count as improbable.
const LOW_LOG10_P: f32 = -4.5;

/// Reusable buffers, so that a thread scoring many sentences allocates once.
#[derive(Default)]
pub struct Scratch {
    words: Vec<u64>,
    bigrams: Vec<u64>,
}

/// The input row of one sentence (`NAMES` order). `end` is (log10 p, context gain) of `</s>`.
pub fn sentence_row(tokens: &[ScoredToken], end: (f32, f32), order: usize, scratch: &mut Scratch, row: &mut Vec<f32>) {
    row.clear();
    scratch.words.clear();
    scratch.bigrams.clear();
    let n = tokens.len().max(1) as f32;
    let (mut words, mut letters, mut slor, mut sum, mut sum_sq) = (0usize, 0usize, 0f32, 0f32, 0f32);
    let (mut min, mut low, mut gain_min, mut orders, mut backoff) = (0f32, 0usize, f32::INFINITY, 0f32, 0usize);
    let (mut unknown, mut rarity, mut function, mut capitalized, mut digits, mut quotes) =
        (0usize, 0f32, 0usize, 0usize, 0usize, 0usize);
    let mut brackets = 0i32;
    for (i, t) in tokens.iter().enumerate() {
        slor += t.log10p - t.unigram;
        sum += t.log10p;
        sum_sq += t.log10p * t.log10p;
        min = min.min(t.log10p);
        low += usize::from(t.log10p < LOW_LOG10_P);
        gain_min = gain_min.min(t.log10p - t.unigram);
        orders += f32::from(t.ngram_len) / order.max(1) as f32;
        backoff += usize::from(t.ngram_len <= 1);
        match t.surface.as_ref() {
            "\"" | "“" | "”" => quotes += 1,
            "(" | "[" => brackets += 1,
            ")" | "]" => brackets -= 1,
            _ => {}
        }
        let Some(first) = t.surface.chars().next() else { continue };
        if !t.surface.chars().any(char::is_alphanumeric) {
            continue;
        }
        words += 1;
        letters += t.surface.chars().count();
        rarity -= t.unigram;
        if first.is_ascii_digit() {
            digits += 1;
        } else if t.id == 0 {
            unknown += 1;
        }
        function += usize::from(is_function_word(&t.key));
        capitalized += usize::from(i > 0 && first.is_uppercase());
        let word = if t.id != 0 { u64::from(t.id) } else { xxhash_rust::xxh3::xxh3_64(t.key.as_bytes()) | 1 << 63 };
        if let Some(&previous) = scratch.words.last() {
            scratch.bigrams.push(previous.rotate_left(17) ^ word);
        }
        scratch.words.push(word);
    }
    let w = words.max(1) as f32;
    let mean = sum / n;
    let distinct_words = distinct(&mut scratch.words);
    let bigrams = scratch.bigrams.len();
    let distinct_bigrams = distinct(&mut scratch.bigrams);
    row.extend([
        words as f32,
        (tokens.len() - words) as f32 / n,
        letters as f32 / w,
        slor / n,
        mean,
        min,
        (sum_sq / n - mean * mean).max(0.0).sqrt(),
        low as f32 / n,
        if gain_min.is_finite() { gain_min } else { 0.0 },
        orders / n,
        backoff as f32 / n,
        unknown as f32 / w,
        rarity / w,
        distinct_words as f32 / w,
        (bigrams - distinct_bigrams) as f32 / bigrams.max(1) as f32,
        function as f32 / w,
        capitalized as f32 / w,
        digits as f32 / w,
        f32::from(quotes % 2 == 1 || brackets != 0),
        end.0,
        end.1,
    ]);
    for x in row.iter_mut() {
        if !x.is_finite() {
            *x = 0.0;
        }
    }
}

/// Number of distinct values (sorts `values`).
fn distinct(values: &mut [u64]) -> usize {
    values.sort_unstable();
    values.iter().enumerate().filter(|&(i, v)| i == 0 || values[i - 1] != *v).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(text: &str, log10p: f32) -> ScoredToken<'_> {
        let (surface, key) = (text.into(), text.into());
        ScoredToken {
            surface,
            key,
            id: 5 + text.len() as u32,
            log10p,
            ngram_len: 2,
            unigram: -4.0,
            ..Default::default()
        }
    }

    #[test]
    fn row_has_one_value_per_name_and_sees_repetition() {
        let mut scratch = Scratch::default();
        let mut row = Vec::new();
        let fluent = [token("the", -1.0), token("night", -2.0), token("is", -1.5), token("long", -2.5)];
        sentence_row(&fluent, (-0.5, 1.0), 4, &mut scratch, &mut row);
        assert_eq!(row.len(), NAMES.len());
        let at = |row: &[f32], name: &str| row[NAMES.iter().position(|n| *n == name).unwrap()];
        assert_eq!(at(&row, "words"), 4.0);
        assert_eq!(at(&row, "repeated_bigram_share"), 0.0);
        let looped: Vec<ScoredToken> =
            ["going", "on", "going", "on", "going", "on"].iter().map(|w| token(w, -1.0)).collect();
        let mut looped_row = Vec::new();
        sentence_row(&looped, (-0.5, 1.0), 4, &mut scratch, &mut looped_row);
        assert!(at(&looped_row, "repeated_bigram_share") > 0.5);
        assert!(at(&looped_row, "type_token_ratio") < 0.5);
    }

    #[test]
    fn empty_sentence_gives_finite_values() {
        let mut row = Vec::new();
        sentence_row(&[], (f32::NEG_INFINITY, 0.0), 4, &mut Scratch::default(), &mut row);
        assert!(row.iter().all(|x| x.is_finite()));
    }
}
