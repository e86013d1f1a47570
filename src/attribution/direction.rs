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
//!
//! Where these leave the pair uncertain (|z| under [`STABILITY_BAND`]: 23% of the held-out
//! pairs) and both sides were sent on the neural round trip, re-translation stability decides
//! with them ([`WEIGHTS_WITH_STABILITY`]): the copy, itself a translation, changes less when
//! translated again (Nguyen-Son et al.). Held out (2013-14, DeepL/Google through German, an
//! engine and pivot the round trip never saw): right in 96.1% of the 152 pairs, against 91.4%
//! (STABILITY=1 scripts/build/fit-direction.py; reports/accuracy.md, session 17).

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
    /// Mean word similarity of its sampled sentences to their neural round trips (1: they come
    /// back unchanged); None when none was sent.
    pub stability: Option<f32>,
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

/// Weights of the differences of lm, ngram, unigram, words and stability, used inside the
/// band. Fitted by `STABILITY=1 scripts/build/fit-direction.py` on the years up to 2012.
pub const WEIGHTS_WITH_STABILITY: [f32; 5] = [-78.61, 33.35, 43.20, 52.25, -58.63];

/// Pairs whose [`WEIGHTS`] sum is nearer 0 than this (P between 0.12 and 0.88) are judged
/// with stability when both sides have it. Chosen on the fit years: the held-out accuracy is
/// the same from 2 up to the whole range (0.961), and 2 sends the fewest pairs on round trips.
pub const STABILITY_BAND: f32 = 2.0;

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
        Signals {
            lm: mean(lm),
            ngram: mean(ngram),
            unigram: mean(unigram),
            words: (n.max(1) as f32).ln(),
            p_mt,
            stability: None,
        }
    }

    /// The signals of a document and its report: its garble P(MT) (what `pairs`, which reads
    /// no round trips for P(MT), judges by too), and the stability of the round trips the
    /// report carries.
    pub fn of_report(doc: &Document, report: &crate::report::Report) -> Self {
        Signals { stability: report.round_trip_stability(), ..Self::of(doc, report.p_garbled.or(report.p_mt)) }
    }

    fn vector(&self) -> [f32; 4] {
        [self.lm, self.ngram, self.unigram, self.words]
    }
}

/// The probability that `a` is the original and `b` its copy.
pub fn p_original(a: &Signals, b: &Signals) -> f32 {
    if let Some(p) = garbled_side(a, b) {
        return p;
    }
    let z = smoothness(a, b);
    let z = match (a.stability, b.stability) {
        (Some(sa), Some(sb)) if z.abs() < STABILITY_BAND => {
            weighted_difference(&WEIGHTS_WITH_STABILITY, a, b) + WEIGHTS_WITH_STABILITY[4] * (sa - sb)
        }
        _ => z,
    };
    1.0 / (1.0 + (-z).exp())
}

/// Whether the pair is left uncertain without stability: neither side garbled enough to
/// decide, and the smoothness signals within [`STABILITY_BAND`]. `pairs` sends such pairs on
/// round trips (the rest need none).
pub fn needs_stability(a: &Signals, b: &Signals) -> bool {
    garbled_side(a, b).is_none() && smoothness(a, b).abs() < STABILITY_BAND
}

/// P(a is the original) when one side is garbled enough to be the copy; None otherwise.
fn garbled_side(a: &Signals, b: &Signals) -> Option<f32> {
    let (pa, pb) = (a.p_mt?, b.p_mt?);
    let gap = logit(pb) - logit(pa);
    (pa.max(pb) >= GARBLED_AT && gap.abs() >= GARBLED_LOGIT_GAP).then(|| 1.0 / (1.0 + (-gap).exp()))
}

/// The [`WEIGHTS`] sum: positive when `a` is the rougher side, so the original.
fn smoothness(a: &Signals, b: &Signals) -> f32 {
    weighted_difference(&WEIGHTS, a, b)
}

/// The sum of `weights` times the differences (a − b) of lm, ngram, unigram and words (a
/// fifth weight, if any, is left to the caller).
fn weighted_difference(weights: &[f32], a: &Signals, b: &Signals) -> f32 {
    let (x, y) = (a.vector(), b.vector());
    weights.iter().zip(x.iter().zip(&y)).map(|(w, (p, q))| w * (p - q)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(lm: f32, p_mt: Option<f32>) -> Signals {
        Signals { lm, ngram: 2.5, unigram: -3.0, words: 6.0, p_mt, stability: None }
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

    #[test]
    fn stability_decides_only_pairs_the_smoothness_leaves_uncertain() {
        let (a, b) = (signals(-2.50, Some(0.01)), signals(-2.49, Some(0.01)));
        assert!(needs_stability(&a, &b));
        let before = p_original(&a, &b);
        // b changes much less when translated again: b is the copy.
        let (a2, b2) = (Signals { stability: Some(0.70), ..a }, Signals { stability: Some(0.85), ..b });
        assert!(p_original(&a2, &b2) > before.max(0.8));
        assert!((p_original(&a2, &b2) + p_original(&b2, &a2) - 1.0).abs() < 1e-5);
        // One side without round trips: as before.
        assert_eq!(p_original(&a2, &b), before);
        // A clear pair is not sent, and stability does not override it.
        let (rough, smooth) = (signals(-2.7, Some(0.01)), signals(-2.4, Some(0.02)));
        assert!(!needs_stability(&rough, &smooth));
        let flipped = (Signals { stability: Some(0.95), ..rough }, Signals { stability: Some(0.5), ..smooth });
        assert_eq!(p_original(&flipped.0, &flipped.1), p_original(&rough, &smooth));
    }
}
