//! The analysed document: its sentences (byte spans into the original text, with their kind),
//! their tokens, and what the language model says about each token. Built once per check by
//! [`super::Analyzer`]; every feature and detector reads from it, and none of them touches the
//! LM or the tokenizer again.

use super::boilerplate::SentenceKind;
use crate::text::ByteSpan;
use std::borrow::Cow;
use std::collections::HashMap;

/// One token with its LM look-up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoredToken<'a> {
    /// Where the token stands in the document.
    pub bytes: ByteSpan,
    /// The token as normalized by the front end (NFKC), casing kept.
    pub surface: Cow<'a, str>,
    /// The lower-cased LM key ([`crate::text::lm_key`]).
    pub key: Cow<'a, str>,
    /// LM vocabulary id of the word looked up for the key (0 = unknown).
    pub id: u32,
    /// log10 p(word | context).
    pub log10p: f32,
    /// Length of the n-gram the LM matched (1 = unigram, or unknown).
    pub ngram_len: u8,
    /// log10 p(word) without context.
    pub unigram: f32,
}

impl ScoredToken<'_> {
    /// A token made of letters or digits (not punctuation or a symbol).
    pub fn is_word(&self) -> bool {
        self.surface.chars().any(char::is_alphanumeric)
    }

    /// How much the context raised the word's probability (log10).
    pub fn context_gain(&self) -> f32 {
        self.log10p - self.unigram
    }
}

/// One sentence: its span and kind, its tokens and the LM's probability of the sentence
/// ending there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sentence<'a> {
    pub bytes: ByteSpan,
    /// Running prose, or page furniture ([`super::boilerplate`]).
    pub kind: SentenceKind,
    pub tokens: Vec<ScoredToken<'a>>,
    /// log10 p(</s> | last words).
    pub end_log10p: f32,
    /// Context gain of `</s>`.
    pub end_gain: f32,
}

impl Sentence<'_> {
    /// The LM keys of the tokens that are words (punctuation left out).
    pub fn word_keys(&self) -> Vec<&str> {
        self.tokens.iter().filter(|w| w.is_word()).map(|w| w.key.as_ref()).collect()
    }
}

/// The analysed document.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    /// The sentences that have tokens, in order.
    pub sentences: Vec<Sentence<'a>>,
    /// How often each LM key occurs in the whole document.
    pub key_counts: HashMap<String, u32>,
    /// The LM's order (to normalize matched lengths).
    pub lm_order: usize,
}

impl<'a> Document<'a> {
    /// The document of `sentences` (counts the keys).
    pub fn new(text: &'a str, sentences: Vec<Sentence<'a>>, lm_order: usize) -> Self {
        let mut key_counts: HashMap<String, u32> = HashMap::new();
        for w in sentences.iter().flat_map(|s| &s.tokens) {
            match key_counts.get_mut(w.key.as_ref()) {
                Some(n) => *n += 1,
                None => {
                    key_counts.insert(w.key.to_string(), 1);
                }
            }
        }
        Document { text, sentences, key_counts, lm_order }
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! Hand-made documents for feature unit tests (no LM needed).
    use super::*;

    /// A one-sentence document of `words` (space-separated in the text), each with the given
    /// log10 p, unigram log10 p fixed at −4 and matched length 2.
    pub fn document(words: &[(&str, f32)]) -> (String, Vec<Sentence<'static>>) {
        let mut text = String::new();
        let mut out = Vec::new();
        for (i, &(w, p)) in words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(w);
            out.push(ScoredToken {
                bytes: ByteSpan::new(start, text.len()),
                surface: Cow::Owned(w.to_string()),
                key: Cow::Owned(w.to_lowercase()),
                id: if p < -6.0 { 0 } else { 10 + i as u32 },
                log10p: p,
                ngram_len: 2,
                unigram: -4.0,
            });
        }
        let sentence = Sentence {
            bytes: ByteSpan::new(0, text.len()),
            kind: SentenceKind::Prose,
            tokens: out,
            end_log10p: -1.0,
            end_gain: 0.5,
        };
        (text, vec![sentence])
    }

    /// Runs `f` on the fixture document built from `words`.
    pub fn with_document<R>(words: &[(&str, f32)], f: impl FnOnce(&Document) -> R) -> R {
        let (text, sentences) = document(words);
        f(&Document::new(&text, sentences, 4))
    }
}
