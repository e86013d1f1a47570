//! Training beyond parity: pruned and vocabulary-capped models must stay proper models —
//! every kept n-gram's context and suffix kept, and every conditional distribution summing to
//! one (pruned mass goes to the backoff) — and training errors must be clear.

use mtcheck::lm::ngram::{self, BOS};
use mtcheck::lm::train::{train, TextMode, TrainConfig};
use mtcheck::lm::NgramModel;
use mtcheck::text::Tokenizer;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lm/corpus.txt")
}

fn trained(order: usize, prune: &[u32], max_vocab: Option<usize>) -> NgramModel {
    let mut config = TrainConfig::new(order);
    config.text_mode = TextMode::Pretokenized;
    config.prune = prune.to_vec();
    config.max_vocab = max_vocab;
    train(&[corpus()], &config, &Tokenizer::english().unwrap()).unwrap().0
}

/// log10 p(word | context) by the backoff rule, straight from the in-memory model.
fn log10_prob(model: &NgramModel, context: &[u32], word: u32) -> f32 {
    let mut ids = context.to_vec();
    ids.push(word);
    let n = ids.len();
    if let Some(i) = model.orders[n - 1].find(ngram::pack(&ids)) {
        return model.orders[n - 1].prob[i];
    }
    let backoff = model.orders[n - 2].find(ngram::pack(context)).map_or(0.0, |i| model.orders[n - 2].backoff[i]);
    backoff + log10_prob(model, &context[1..], word)
}

fn assert_normalized(model: &NgramModel) {
    let vocab = model.vocab.len() as u32;
    // Contexts of every order that exist in the model, a sample of each.
    for n in 1..model.order() {
        let entries = &model.orders[n - 1];
        for &key in entries.keys.iter().step_by((entries.len() / 25).max(1)) {
            let context: Vec<u32> = ngram::unpack(key, n).collect();
            if context.last() == Some(&ngram::EOS) {
                continue;
            }
            let total: f64 =
                (0..vocab).filter(|&w| w != BOS).map(|w| 10f64.powf(log10_prob(model, &context, w) as f64)).sum();
            assert!((total - 1.0).abs() < 2e-3, "context {context:?} sums to {total}");
        }
    }
}

fn assert_closed_under_context_and_suffix(model: &NgramModel) {
    for n in 2..=model.order() {
        for &key in &model.orders[n - 1].keys {
            assert!(model.orders[n - 2].find(ngram::context(key)).is_some(), "context of a {n}-gram");
            if n > 2 {
                assert!(model.orders[n - 2].find(ngram::suffix(key, n)).is_some(), "suffix of a {n}-gram");
            }
        }
    }
}

#[test]
fn unpruned_model_is_normalized() {
    assert_normalized(&trained(4, &[0], None));
}

#[test]
fn pruned_model_keeps_structure_and_normalization() {
    let full = trained(4, &[0], None);
    let pruned = trained(4, &[0, 1, 1, 2], None);
    let (f, p) = (full.counts(), pruned.counts());
    assert_eq!(f[0], p[0], "unigrams are never pruned");
    assert!(p[1] < f[1] && p[2] < f[2] && p[3] < f[3], "{p:?} vs {f:?}");
    assert_closed_under_context_and_suffix(&pruned);
    assert_normalized(&pruned);
}

#[test]
fn vocabulary_cap_maps_rare_words_to_unk() {
    let capped = trained(3, &[0], Some(300));
    assert_eq!(capped.vocab.len(), 303, "300 words plus <unk>, <s>, </s>");
    let unk = &capped.orders[0];
    assert!(unk.prob[ngram::UNK as usize] > -2.0, "<unk> now has real mass: {}", unk.prob[0]);
    assert!(capped.orders[1].keys.iter().any(|&k| ngram::word(k, 2, 1) == ngram::UNK), "<unk> appears in bigrams");
    assert_normalized(&capped);
}

#[test]
fn decreasing_pruning_thresholds_are_refused() {
    let mut config = TrainConfig::new(3);
    config.prune = vec![0, 2, 1];
    let err = train(&[corpus()], &config, &Tokenizer::english().unwrap()).unwrap_err();
    assert!(err.to_string().contains("must not decrease"), "{err}");
}

#[test]
fn tiny_text_asks_for_discount_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.txt");
    std::fs::write(&path, "a b c\n").unwrap();
    let mut config = TrainConfig::new(3);
    config.text_mode = TextMode::Pretokenized;
    let err = train(&[path.clone()], &config, &Tokenizer::english().unwrap()).unwrap_err();
    assert!(err.to_string().contains("--discount-fallback"), "{err}");
    config.discount_fallback = Some(mtcheck::lm::train::Discount([0.5, 1.0, 1.5]));
    assert!(train(&[path], &config, &Tokenizer::english().unwrap()).is_ok());
}

#[test]
fn missing_and_empty_inputs_are_clear_errors() {
    let config = TrainConfig::new(3);
    let tok = Tokenizer::english().unwrap();
    let err = train(&[PathBuf::from("/no/such/corpus.txt")], &config, &tok).unwrap_err();
    assert!(err.to_string().contains("/no/such/corpus.txt"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt.zst");
    std::fs::write(&empty, zstd::encode_all(&b""[..], 3).unwrap()).unwrap();
    let err = train(&[empty], &config, &tok).unwrap_err();
    assert!(err.to_string().contains("no words"), "{err}");
}

#[test]
fn raw_text_goes_through_the_front_end_and_compressed_input_works() {
    let dir = tempfile::tempdir().unwrap();
    let text = "The U.S. Senate met on Monday. It didn't vote!\nThe Senate met again.\n".repeat(40);
    let gz = dir.path().join("raw.txt.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let mut config = TrainConfig::new(2);
    config.discount_fallback = Some(mtcheck::lm::train::Discount([0.5, 1.0, 1.5]));
    let (model, stats) = train(&[gz], &config, &Tokenizer::english().unwrap()).unwrap();
    assert_eq!(stats.sentences, 120, "three sentences a repetition");
    for word in ["u.s.", "didn't", "senate", "!"] {
        assert!(model.vocab.iter().any(|v| v == word), "{word} in vocabulary");
    }
    assert!(!model.vocab.iter().any(|v| v == "The"), "lower-cased");
}
