//! A document as the features see it: sentences (byte spans into the original text), their
//! tokens, and what the language model says about each token. Built once per check; every
//! feature reads from it and none of them touches the LM or the tokenizer again.

use crate::lm::LanguageModel;
use crate::text::{lm_key, sentence_spans, Tokenizer};
use std::collections::HashMap;
use std::ops::Range;

/// One token with its LM look-up.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// Byte span in the document (end-exclusive).
    pub bytes: Range<usize>,
    /// The token as normalized by the front end (NFKC), casing kept.
    pub surface: String,
    /// The lower-cased LM key.
    pub key: String,
    /// LM vocabulary id (0 = unknown).
    pub id: u32,
    /// log10 p(word | context).
    pub log10p: f32,
    /// Length of the n-gram the LM matched (1 = unigram, or unknown).
    pub ngram_len: u8,
    /// log10 p(word) without context.
    pub unigram: f32,
}

impl Word {
    /// A token made of letters or digits (not punctuation or a symbol).
    pub fn is_word(&self) -> bool {
        self.surface.chars().any(char::is_alphanumeric)
    }

    /// How much the context raised the word's probability (log10).
    pub fn context_gain(&self) -> f32 {
        self.log10p - self.unigram
    }
}

/// One sentence: its span, tokens and the LM's probability of the sentence ending there.
#[derive(Clone, Debug, PartialEq)]
pub struct Sentence {
    pub bytes: Range<usize>,
    pub words: Vec<Word>,
    /// log10 p(</s> | last words).
    pub end_log10p: f32,
    /// Context gain of `</s>`.
    pub end_gain: f32,
}

impl Sentence {
    /// The LM keys of the tokens that are words (punctuation left out).
    pub fn word_keys(&self) -> Vec<&str> {
        self.words.iter().filter(|w| w.is_word()).map(|w| w.key.as_str()).collect()
    }
}

/// The analysed document.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    pub sentences: Vec<Sentence>,
    /// How often each LM key occurs in the whole document.
    pub key_counts: HashMap<String, u32>,
    /// The LM's order (to normalize matched lengths).
    pub lm_order: usize,
}

impl<'a> Document<'a> {
    /// Segments, tokenizes and LM-scores `text`.
    pub fn analyze(lm: &LanguageModel, tokenizer: &Tokenizer, text: &'a str) -> Self {
        let mut sentences = Vec::new();
        let mut key_counts: HashMap<String, u32> = HashMap::new();
        for range in sentence_spans(text) {
            let tokens = tokenizer.tokenize(&text[range.clone()]);
            if tokens.is_empty() {
                continue;
            }
            let keys: Vec<String> = tokens.iter().map(|t| lm_key(&t.text).into_owned()).collect();
            let ids: Vec<u32> = keys.iter().map(|k| lm.word_id(&super::lm_word(k))).collect();
            let (_, scores) = lm.score_sentence(&ids);
            let words: Vec<Word> = tokens
                .into_iter()
                .zip(keys)
                .zip(ids.iter().zip(&scores))
                .map(|((tok, key), (&id, &(log10p, ngram_len)))| Word {
                    bytes: range.start + tok.start..range.start + tok.end,
                    surface: tok.text.into_owned(),
                    key,
                    id,
                    log10p,
                    ngram_len,
                    unigram: lm.unigram(id).0,
                })
                .collect();
            for w in &words {
                *key_counts.entry(w.key.clone()).or_default() += 1;
            }
            let (end_log10p, _) = *scores.last().expect("score_sentence scores </s>");
            let end_unigram = lm.unigram(crate::lm::ngram::EOS).0;
            sentences.push(Sentence { bytes: range, words, end_log10p, end_gain: end_log10p - end_unigram });
        }
        Document { text, sentences, key_counts, lm_order: lm.order() }
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! Hand-made documents for feature unit tests (no LM needed).
    use super::*;

    /// A one-sentence document of `words` (space-separated in the text), each with the given
    /// log10 p, unigram log10 p fixed at −4 and matched length 2.
    pub fn document(words: &[(&str, f32)]) -> (String, Vec<Sentence>) {
        let mut text = String::new();
        let mut out = Vec::new();
        for (i, &(w, p)) in words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(w);
            out.push(Word {
                bytes: start..text.len(),
                surface: w.to_string(),
                key: w.to_lowercase(),
                id: if p < -6.0 { 0 } else { 10 + i as u32 },
                log10p: p,
                ngram_len: 2,
                unigram: -4.0,
            });
        }
        let sentence = Sentence { bytes: 0..text.len(), words: out, end_log10p: -1.0, end_gain: 0.5 };
        (text, vec![sentence])
    }

    /// Runs `f` on the fixture document built from `words`.
    pub fn with_document<R>(words: &[(&str, f32)], f: impl FnOnce(&Document) -> R) -> R {
        let (text, sentences) = document(words);
        let mut key_counts = HashMap::new();
        for w in &sentences[0].words {
            *key_counts.entry(w.key.clone()).or_default() += 1;
        }
        let doc = Document { text: &text, sentences, key_counts, lm_order: 4 };
        f(&doc)
    }
}
