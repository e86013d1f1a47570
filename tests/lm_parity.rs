//! Parity with KenLM: `lmplz -o 5` on tests/fixtures/lm/corpus.txt (made by
//! scripts/build/make-lm-fixture.py) and our trainer on the same text must give every n-gram the
//! same log10 probability and backoff within 1e-4, and the same set of n-grams.

use mtcheck::lm::arpa::read_arpa_file;
use mtcheck::lm::ngram;
use mtcheck::lm::train::{train, TextMode, TrainConfig};
use mtcheck::lm::NgramModel;
use mtcheck::text::Tokenizer;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lm").join(name)
}

/// Every n-gram as its words, with (log10 p, log10 backoff).
fn by_words(model: &NgramModel) -> HashMap<Vec<String>, (f32, f32)> {
    let mut out = HashMap::new();
    for (i, entries) in model.orders.iter().enumerate() {
        for (j, &key) in entries.keys.iter().enumerate() {
            let words = ngram::unpack(key, i + 1).map(|id| model.vocab[id as usize].clone()).collect();
            let backoff = entries.backoff.get(j).copied().unwrap_or(0.0);
            out.insert(words, (entries.prob[j], backoff));
        }
    }
    out
}

#[test]
fn trainer_matches_lmplz_arpa_within_1e4() {
    let kenlm = read_arpa_file(&fixture("lmplz-o5.arpa")).expect("fixture parses");
    let mut config = TrainConfig::new(5);
    config.text_mode = TextMode::Pretokenized;
    let (ours, _) =
        train(&[fixture("corpus.txt")], &config, &Tokenizer::english().unwrap()).expect("training succeeds");
    assert_eq!(ours.counts(), kenlm.counts(), "n-gram counts per order");

    let theirs = by_words(&kenlm);
    let mine = by_words(&ours);
    let mut worst = (0f32, Vec::new());
    for (words, &(p, b)) in &theirs {
        let &(mp, mb) = mine.get(words).unwrap_or_else(|| panic!("n-gram {words:?} missing from our model"));
        for diff in [(p - mp).abs(), (b - mb).abs()] {
            if diff > worst.0 {
                worst = (diff, words.clone());
            }
        }
    }
    assert!(worst.0 <= 1e-4, "largest difference {} at {:?}", worst.0, worst.1);
}
