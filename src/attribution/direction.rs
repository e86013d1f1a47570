//! Which of two versions of an article is the original and which the copy.
//!
//! Two faces of MT, two rules. A garbled copy (rule-based or older MT) is what the detector
//! leans to call machine-translated: when one side's P(MT) is at least [`GARBLED_AT`] and its
//! odds [`GARBLED_LOGIT_GAP`] (in log-odds) above the other's, the garbled side is the copy.
//! (An absolute gap of 0.5 let a quarter of Apertium's Wikipedia round trips through: their
//! P(MT) is often 0.1-0.3 against 0.001 for the original.) A fluent neural copy reads *smoother* than its
//! original: the engine picks the likeliest words where the writer picked their own. Measured
//! on the news round trips of `../shared/data/train` (DeepL and Google through German), the
//! original has the lower mean LM log-probability in 88% of pairs, the rarer words in 79%,
//! the shorter matched n-grams in 85%; [`WEIGHTS`] combine these (a logistic regression on
//! the differences, fitted by scripts/build/fit-direction.py on the years up to 2012: right in
//! 91.4% of the 152 pairs of 2013-14, held out; reports/accuracy.md). The longer side is
//! more often the original once smoothness is accounted for (round trips drop words).

use crate::analysis::{Document, SentenceKind};

/// What direction is judged by, for one document.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Signals {
    /// Mean log10 p of the prose words under the LM.
    pub lm: f32,
    /// Mean length of the n-grams the LM matched for them.
    pub ngram: f32,
    /// Mean log10 unigram probability (how common the words are).
    pub unigram: f32,
    /// ln of the number of prose words.
    pub words: f32,
    /// The detector's P(machine-translated), when it gives one.
    pub p_mt: Option<f32>,
}

/// The higher P(MT) of a pair must reach this for P(MT) to decide...
pub const GARBLED_AT: f32 = 0.05;
/// ...and be this far above the other in log-odds (odds ×55). Chosen on the Apertium round
/// trips of scripts/measure/pairs.py and scripts/bench/pairs-bench.py against the neural
/// ones: direction right 1.00 / 0.97 on Apertium news / Wikipedia, 0.933 on neural news
/// (0.936 without the rule).
pub const GARBLED_LOGIT_GAP: f32 = 4.0;

fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// Weights of the differences (a − b) of lm, ngram, unigram, words; a positive sum says `a`
/// is the original. Fitted by scripts/build/fit-direction.py (which prints this line).
pub const WEIGHTS: [f32; 4] = [-45.55, 9.58, 10.83, 44.88];

impl Signals {
    /// The signals of an analysed document (`p_mt` from the detector).
    pub fn of(doc: &Document, p_mt: Option<f32>) -> Self {
        let (mut n, mut lm, mut ngram, mut unigram) = (0usize, 0f64, 0f64, 0f64);
        for s in doc.sentences.iter().filter(|s| s.kind == SentenceKind::Prose) {
            for t in s.tokens.iter().filter(|t| t.is_word()) {
                n += 1;
                lm += t.log10p as f64;
                ngram += t.ngram_len as f64;
                unigram += t.unigram as f64;
            }
        }
        let mean = |x: f64| (x / n.max(1) as f64) as f32;
        Signals { lm: mean(lm), ngram: mean(ngram), unigram: mean(unigram), words: (n.max(1) as f32).ln(), p_mt }
    }

    fn vector(&self) -> [f32; 4] {
        [self.lm, self.ngram, self.unigram, self.words]
    }
}

/// The probability that `a` is the original and `b` its copy.
pub fn p_original(a: &Signals, b: &Signals) -> f32 {
    if let (Some(pa), Some(pb)) = (a.p_mt, b.p_mt) {
        let gap = logit(pb) - logit(pa);
        if pa.max(pb) >= GARBLED_AT && gap.abs() >= GARBLED_LOGIT_GAP {
            return 1.0 / (1.0 + (-gap).exp());
        }
    }
    let (x, y) = (a.vector(), b.vector());
    let z: f32 = WEIGHTS.iter().zip(x.iter().zip(&y)).map(|(w, (p, q))| w * (p - q)).sum();
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(lm: f32, p_mt: Option<f32>) -> Signals {
        Signals { lm, ngram: 2.5, unigram: -3.0, words: 6.0, p_mt }
    }

    #[test]
    fn the_smoother_side_is_the_copy_unless_the_other_is_garbled() {
        let (rough, smooth) = (signals(-2.6, Some(0.01)), signals(-2.4, Some(0.02)));
        assert!(p_original(&rough, &smooth) > 0.9);
        assert!((p_original(&rough, &smooth) + p_original(&smooth, &rough) - 1.0).abs() < 1e-5);
        let garbled = signals(-3.5, Some(0.95));
        assert!(p_original(&rough, &garbled) > 0.9, "garbled copies are rougher, and still copies");
        assert!(p_original(&garbled, &rough) < 0.1);
    }
}
