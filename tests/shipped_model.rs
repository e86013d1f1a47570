//! The committed English model: it opens, its checksums hold, its tokenizer loads, and it
//! prefers fluent English to the same words scrambled.

use mtcheck::lm::LanguageModel;
use mtcheck::model_dir::{default_model_dir, LM_FILE, TOKENIZER_FILE};
use mtcheck::text::{lm_key, Tokenizer};

fn log10_per_token(lm: &LanguageModel, tokenizer: &Tokenizer, text: &str) -> f32 {
    let ids: Vec<u32> = tokenizer.tokenize(text).iter().map(|t| lm.word_id(&lm_key(&t.text))).collect();
    let (total, per_word) = lm.score_sentence(&ids);
    total / per_word.len() as f32
}

#[test]
fn shipped_model_is_intact_and_prefers_fluent_english() {
    let dir = default_model_dir();
    let lm = LanguageModel::open(&dir.join(LM_FILE)).expect("models/en/lm.mtlm opens");
    lm.verify().expect("section checksums hold");
    assert_eq!(lm.order(), 4);
    let tokenizer = Tokenizer::from_file(&dir.join(TOKENIZER_FILE)).expect("tokenizer.json loads");
    let fluent = "The council voted on Tuesday to extend the night bus service until the end of next year.";
    let scrambled = "Tuesday the bus to of night year extend the council until voted service end next on the.";
    let (f, s) = (log10_per_token(&lm, &tokenizer, fluent), log10_per_token(&lm, &tokenizer, scrambled));
    assert!(f > s + 0.5, "fluent {f} vs scrambled {s}");
    assert!(lm.word_id("the") != 0 && lm.word_id("council") != 0);
    assert_eq!(lm.word_id("qxzvwplk"), 0);
}
