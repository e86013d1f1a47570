//! The analysis stage: text → sentences → tokens → LM scores → the analysed [`Document`].
//! Every detector starts here, so they all see the same sentences, tokens, look-up words and
//! probabilities:
//!
//! - [`crate::text`] cuts the text into sentences and tokens (byte spans into the original);
//! - [`lookup`] turns a token's key into the word the LM scores;
//! - [`boilerplate`] tells page furniture from prose;
//! - [`Analyzer`] runs the three and the LM, sentence by sentence.

pub mod boilerplate;
mod document;
pub mod lookup;

pub use boilerplate::SentenceKind;
#[cfg(test)]
pub(crate) use document::fixture;
pub use document::{Document, ScoredToken, Sentence};
pub use lookup::lookup_word;

use crate::error::Result;
use crate::lm::LanguageModel;
use crate::model_dir::{LM_FILE, TOKENIZER_FILE};
use crate::text::{into_lm_key, sentence_spans, Tokenizer};
use boilerplate::Furniture;
use std::borrow::Cow;
use std::path::Path;

/// Tokens longer than this (in bytes) are looked at only up to here (at a character
/// boundary) by the LM and the features; their byte span still covers all of them, so the
/// text is reported as written. No word is this long: such tokens are URLs, base64 or junk, and
/// a 50 MB "word" took 67 times its size in memory when every stage copied it whole.
pub const MAX_TOKEN_BYTES: usize = 256;

/// How a token's key becomes the word the LM scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Through [`lookup_word`]: numbers as a class, wire abbreviations spelt out, curly quotes
    /// straight. What the detectors use.
    Mapped,
    /// The key as it is: what crawl filters do with an n-gram LM (the perplexity baseline).
    Raw,
}

/// The LM and the tokenizer of a model folder, and how tokens are looked up.
pub struct Analyzer {
    lm: LanguageModel,
    tokenizer: Tokenizer,
    lookup: Lookup,
}

impl Analyzer {
    pub fn new(lm: LanguageModel, tokenizer: Tokenizer, lookup: Lookup) -> Self {
        Analyzer { lm, tokenizer, lookup }
    }

    /// The LM (memory-mapped: opens in microseconds) and tokenizer of model folder `dir`.
    pub fn open(dir: &Path, lookup: Lookup) -> Result<Self> {
        let lm = LanguageModel::open(&dir.join(LM_FILE))?;
        Ok(Analyzer::new(lm, Tokenizer::from_file(&dir.join(TOKENIZER_FILE))?, lookup))
    }

    /// As [`Analyzer::open`], with the LM read into memory on huge pages (tens of ms, which pays
    /// off over many documents: see [`LanguageModel::open_in_memory`]).
    pub fn open_in_memory(dir: &Path, lookup: Lookup) -> Result<Self> {
        let lm = LanguageModel::open_in_memory(&dir.join(LM_FILE))?;
        Ok(Analyzer::new(lm, Tokenizer::from_file(&dir.join(TOKENIZER_FILE))?, lookup))
    }

    pub fn lm(&self) -> &LanguageModel {
        &self.lm
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The LM vocabulary id of the word scored for `key` (0 = unknown).
    pub fn word_id(&self, key: &str) -> u32 {
        match self.lookup {
            Lookup::Mapped => self.lm.word_id(&lookup_word(key)),
            Lookup::Raw => self.lm.word_id(key),
        }
    }

    /// The whole analysed document.
    pub fn analyze<'a>(&self, text: &'a str) -> Document<'a> {
        let mut sentences = Vec::new();
        self.scan(text, |s| sentences.push(Sentence { tokens: std::mem::take(&mut s.tokens), ..*s }));
        Document::new(text, sentences, self.lm.order())
    }

    /// Hands `each` every sentence of `text` that has tokens, one at a time, in one reused
    /// buffer: the crawl filter's path, which needs no whole document.
    pub fn for_each_sentence<'a>(&self, text: &'a str, mut each: impl FnMut(&Sentence<'a>)) {
        self.scan(text, |s| each(s))
    }

    fn scan<'a>(&self, text: &'a str, mut each: impl FnMut(&mut Sentence<'a>)) {
        let furniture = Furniture::new(text);
        let end_unigram = self.lm.unigram(crate::lm::ngram::EOS).0;
        let mut sentence = Sentence::default();
        let mut ids = Vec::new();
        for bytes in sentence_spans(text) {
            sentence.tokens.clear();
            self.tokenizer.tokenize_into(&text[bytes], &mut |t| {
                let surface = capped(t.text);
                let key = into_lm_key(surface.clone());
                sentence.tokens.push(ScoredToken {
                    bytes: t.bytes.shifted(bytes.start),
                    surface,
                    key,
                    ..Default::default()
                })
            });
            if sentence.tokens.is_empty() {
                continue;
            }
            ids.clear();
            ids.extend(sentence.tokens.iter().map(|t| self.word_id(&t.key)));
            let (_, scores) = self.lm.score_sentence(&ids);
            for ((t, &id), &(log10p, ngram_len)) in sentence.tokens.iter_mut().zip(&ids).zip(&scores) {
                (t.id, t.log10p, t.ngram_len, t.unigram) = (id, log10p, ngram_len, self.lm.unigram(id).0);
            }
            let (end_log10p, _) = *scores.last().expect("score_sentence scores </s>");
            sentence.bytes = bytes;
            sentence.kind = furniture.kind(bytes);
            sentence.end_log10p = end_log10p;
            sentence.end_gain = end_log10p - end_unigram;
            each(&mut sentence);
        }
    }
}

/// `token` cut to at most [`MAX_TOKEN_BYTES`], at a character boundary.
fn capped(token: Cow<'_, str>) -> Cow<'_, str> {
    if token.len() <= MAX_TOKEN_BYTES {
        return token;
    }
    let end = (0..=MAX_TOKEN_BYTES).rev().find(|&i| token.is_char_boundary(i)).unwrap_or(0);
    match token {
        Cow::Borrowed(t) => Cow::Borrowed(&t[..end]),
        Cow::Owned(t) => Cow::Owned(t[..end].to_string()),
    }
}
