//! Synthetic MT-like damage for training: clean English sentences (held out of LM training:
//! damage applied to text the LM memorised looked too easy) get word-order swaps, literal
//! substitutions, dropped or doubled function words, repetition loops, untranslated words and
//! broken quotes. Each damaged sentence is a labelled record: the tokens the damage touched are
//! BAD and its quality falls with the number of edits; the clean sentence is kept beside it as a
//! fluent human example.

use crate::io::eval_set::EvalRecord;
use crate::text::is_function_word;

/// Quality (z units of the MLQE sets) given to clean human sentences.
pub const CLEAN_Z: f32 = 1.0;
/// Quality lost per edit.
const Z_PER_EDIT: f32 = 0.8;

/// A small deterministic generator (xorshift): reproducible training sets.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One token of a sentence under construction and whether damage touched it.
#[derive(Clone)]
struct Tok {
    text: String,
    bad: bool,
}

/// The clean record and a damaged copy of the sentence `tokens` (already tokenized).
/// `donors` supplies words for substitutions (content words from other sentences).
pub fn records(tokens: &[String], donors: &[String], rng: &mut Rng) -> Vec<EvalRecord> {
    let clean: Vec<Tok> = tokens.iter().map(|t| Tok { text: t.clone(), bad: false }).collect();
    let mut damaged = clean.clone();
    let edits = 1 + rng.below(3);
    let mut done = 0;
    for _ in 0..edits * 3 {
        if done == edits {
            break;
        }
        if apply(&mut damaged, donors, rng) {
            done += 1;
        }
    }
    let mut out = vec![record(&clean, CLEAN_Z)];
    if done > 0 {
        out.push(record(&damaged, (CLEAN_Z - Z_PER_EDIT * done as f32).max(-2.5)));
    }
    out
}

/// Applies one random kind of damage; false if it did not apply to this sentence.
fn apply(t: &mut Vec<Tok>, donors: &[String], rng: &mut Rng) -> bool {
    let n = t.len();
    if n < 4 {
        return false;
    }
    let is_word = |s: &str| s.chars().any(char::is_alphabetic);
    let i = rng.below(n - 1);
    let bad = |text: &str| Tok { text: text.to_string(), bad: true };
    match rng.below(7) {
        // Literal word order: swap two neighbouring words.
        0 if is_word(&t[i].text) && is_word(&t[i + 1].text) && t[i].text != t[i + 1].text => {
            t.swap(i, i + 1);
            t[i].bad = true;
            t[i + 1].bad = true;
        }
        // A wrong-but-plausible word: substitute a content word.
        1 if is_word(&t[i].text) && !is_function_word(&t[i].text.to_lowercase()) && !donors.is_empty() => {
            t[i] = bad(&donors[rng.below(donors.len())]);
        }
        // Dropped function word: the next word is marked (the gap shows there).
        2 if is_function_word(&t[i].text.to_lowercase()) => {
            t.remove(i);
            t[i].bad = true;
        }
        // Doubled word.
        3 if is_word(&t[i].text) => {
            let copy = bad(&t[i].text);
            t.insert(i + 1, copy);
        }
        // Repetition loop.
        4 if is_word(&t[i].text) && is_word(&t[i + 1].text) => {
            let (a, b) = (t[i].text.clone(), t[i + 1].text.clone());
            for k in 0..2 + rng.below(2) {
                t.insert(i + 2 + 2 * k, bad(&a));
                t.insert(i + 3 + 2 * k, bad(&b));
            }
        }
        // Untranslated word: a made-up foreign-looking word.
        5 => {
            let syllables = ["pa", "ha", "tu", "bba", "na", "bha", "va", "ta", "kri", "dze", "sz", "yk", "ou", "ql"];
            let word: String = (0..2 + rng.below(3)).map(|_| syllables[rng.below(syllables.len())]).collect();
            t.insert(i + 1, bad(&word));
        }
        // Broken quoting: a stray opening quote.
        6 => t.insert(i + 1, bad("\"")),
        _ => return false,
    }
    true
}

/// Joins tokens with single spaces (clean and damaged copies are rendered alike, so spacing
/// tells the scorer nothing).
fn record(tokens: &[Tok], z: f32) -> EvalRecord {
    EvalRecord {
        id: None,
        text: tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "),
        human_quality: Some(z as f64),
        is_mt: None,
        tokens: Some(tokens.iter().map(|t| t.text.clone()).collect()),
        bad: Some(tokens.iter().map(|t| u8::from(t.bad)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_is_labelled_and_lowers_quality() {
        let tokens: Vec<String> =
            "The minister said that the army would leave the city on Friday .".split(' ').map(String::from).collect();
        let donors = vec!["retroviral".to_string(), "banana".to_string()];
        let mut rng = Rng::new(42);
        for _ in 0..50 {
            let r = records(&tokens, &donors, &mut rng);
            assert_eq!(r[0].text, tokens.join(" "));
            assert!(r[0].bad.as_ref().unwrap().iter().all(|&b| b == 0));
            if let Some(d) = r.get(1) {
                assert!(d.human_quality < r[0].human_quality);
                assert!(d.bad.as_ref().unwrap().iter().any(|&b| b == 1), "{}", d.text);
                assert_eq!(d.tokens.as_ref().unwrap().len(), d.bad.as_ref().unwrap().len());
            }
        }
    }
}
