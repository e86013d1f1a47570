//! The tokenizer front end, built on the `tokenizers` crate: an NFKC normalizer and a
//! pre-tokenizer (whitespace split, then a `Split` regex that keeps "U.S.", "didn't" and
//! "4.5" whole). Every token carries byte offsets into the ORIGINAL text.
//!
//! The definition is saved as `tokenizer.json` beside the language model so training and
//! scoring use the same one. It holds no vocabulary (a placeholder word-level model only):
//! the LM vocabulary lives in the LM file, which keeps loading instant.

use super::ByteSpan;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::path::Path;
use tokenizers::models::wordlevel::WordLevel;
use tokenizers::normalizers::unicode::NFKC;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::pre_tokenizers::whitespace::WhitespaceSplit;
use tokenizers::{
    NormalizerWrapper, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer, PreTokenizerWrapper,
    SplitDelimiterBehavior,
};

/// What a token is, as a regex alternation tried left to right:
/// abbreviations with inner dots ("U.S.", "e.g."), numbers with separators ("4.5",
/// "1,000", "10:30"), runs of letters and digits ("18th", "1990") with inner apostrophes ("didn't", "Massoud’s"), else any single
/// non-space character (punctuation and symbols stand alone).
pub const TOKEN_PATTERN: &str = r"(?:\p{L}\.){2,}|\p{N}+(?:[.,:]\p{N}+)+|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*|\S";

/// One token: its normalized text and where it stands in the text it was cut from
/// (`&original[token.bytes]` is the token as written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: Cow<'a, str>,
    pub bytes: ByteSpan,
}

/// The tokenizer front end shared by LM training and scoring.
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
    /// With the English definition, text that NFKC leaves as it is takes a faster path with
    /// identical output: [`super::ascii_tokens`] for ASCII, else this regex over the whole
    /// text (no whitespace split needed: no alternative of the pattern matches whitespace).
    fast_pattern: Option<regex::Regex>,
}

impl Tokenizer {
    /// The English front end (NFKC + whitespace split + [`TOKEN_PATTERN`]).
    pub fn english() -> Result<Self> {
        let split = Split::new(SplitPattern::Regex(TOKEN_PATTERN.to_string()), SplitDelimiterBehavior::Isolated, false)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let pre = Sequence::new(vec![
            PreTokenizerWrapper::WhitespaceSplit(WhitespaceSplit),
            PreTokenizerWrapper::Split(split),
        ]);
        let model = WordLevel::builder()
            .vocab([("[UNK]".to_string(), 0u32)].into_iter().collect())
            .unk_token("[UNK]".to_string())
            .build()
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let mut inner = tokenizers::Tokenizer::new(model);
        inner.with_normalizer(Some(NormalizerWrapper::NFKC(NFKC)));
        inner.with_pre_tokenizer(Some(PreTokenizerWrapper::Sequence(pre)));
        let fast_pattern = regex::Regex::new(TOKEN_PATTERN).map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(Tokenizer { inner, fast_pattern: Some(fast_pattern) })
    }

    /// Loads a `tokenizer.json` (as written by [`Tokenizer::save`]).
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let inner = tokenizers::Tokenizer::from_bytes(&bytes)
            .map_err(|e| Error::Tokenizer(format!("{}: {e}", path.display())))?;
        if inner.get_pre_tokenizer().is_none() {
            return Err(Error::Tokenizer(format!("{}: no pre_tokenizer defined", path.display())));
        }
        let english = Tokenizer::english()?;
        let fast_pattern = english.fast_pattern.filter(|_| same_front_end(&inner, &english.inner));
        Ok(Tokenizer { inner, fast_pattern })
    }

    /// Writes the definition as `tokenizer.json`.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.inner.save(path, true).map_err(|e| Error::Tokenizer(format!("{}: {e}", path.display())))
    }

    /// Tokenizes `text`, returning normalized tokens with byte offsets into `text`.
    pub fn tokenize<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        let mut out = Vec::new();
        self.tokenize_into(text, &mut |tok| out.push(tok));
        out
    }

    /// Streams the tokens of `text` to `sink` (no intermediate vector).
    pub fn tokenize_into<'a>(&self, text: &'a str, sink: &mut dyn FnMut(Token<'a>)) {
        use unicode_normalization::{is_nfkc_quick, IsNormalized};
        match &self.fast_pattern {
            Some(_) if text.is_ascii() => super::ascii_tokens::ascii_tokens(text.as_bytes(), |start, end| {
                sink(Token { text: Cow::Borrowed(&text[start..end]), bytes: ByteSpan::new(start, end) })
            }),
            Some(pattern) if is_nfkc_quick(text.chars()) == IsNormalized::Yes => {
                for m in pattern.find_iter(text) {
                    sink(Token { text: Cow::Borrowed(m.as_str()), bytes: ByteSpan::new(m.start(), m.end()) });
                }
            }
            _ => self.tokenize_with_library(text, sink),
        }
    }

    /// [`Self::tokenize_into`] through the `tokenizers` pipeline only.
    pub(crate) fn tokenize_with_library<'a>(&self, text: &'a str, sink: &mut dyn FnMut(Token<'a>)) {
        let mut pre = PreTokenizedString::from(text);
        // NFKC is the identity on ASCII: skip the normalizer there (same output, much faster).
        if !text.is_ascii() {
            if let Some(normalizer) = self.inner.get_normalizer() {
                if pre.normalize(|s| tokenizers::Normalizer::normalize(normalizer, s)).is_err() {
                    return;
                }
            }
        }
        if let Some(pre_tokenizer) = self.inner.get_pre_tokenizer() {
            if pre_tokenizer.pre_tokenize(&mut pre).is_err() {
                return;
            }
        }
        for (piece, (start, end), _) in pre.get_splits(OffsetReferential::Original, OffsetType::Byte) {
            // Borrow when normalization left the piece as written (the common case).
            let written = text.get(start..end);
            let text_cow = match written {
                Some(w) if w == piece => Cow::Borrowed(w),
                _ => Cow::Owned(piece.to_string()),
            };
            sink(Token { text: text_cow, bytes: ByteSpan::new(start, end) });
        }
    }
}

/// Whether two tokenizers have the same normalizer and pre-tokenizer definitions.
fn same_front_end(a: &tokenizers::Tokenizer, b: &tokenizers::Tokenizer) -> bool {
    let json = |t: &tokenizers::Tokenizer| {
        (serde_json::to_string(&t.get_normalizer()).ok(), serde_json::to_string(&t.get_pre_tokenizer()).ok())
    };
    let (ja, jb) = (json(a), json(b));
    ja.0.is_some() && ja.1.is_some() && ja == jb
}

/// The words the language model sees in `text`: each sentence tokenized and lower-cased,
/// handed to `sink` (sentences without tokens are skipped). Training and `mtcheck tokenize`
/// both go through here.
pub fn lm_sentences<'a>(tokenizer: &Tokenizer, text: &'a str, mut sink: impl FnMut(&[Cow<'a, str>])) {
    let mut words: Vec<Cow<'a, str>> = Vec::new();
    for span in crate::text::sentence_spans(text) {
        words.clear();
        tokenizer.tokenize_into(&text[span], &mut |tok| words.push(into_lm_key(tok.text)));
        if !words.is_empty() {
            sink(&words);
        }
    }
}

/// [`lm_key`] of an owned-or-borrowed token, keeping the borrow when nothing changes.
pub fn into_lm_key(token: Cow<'_, str>) -> Cow<'_, str> {
    match lm_key(&token) {
        Cow::Borrowed(_) => token,
        Cow::Owned(lower) => Cow::Owned(lower),
    }
}

/// The form a token is looked up under in the language model: lower-cased.
pub fn lm_key(token: &str) -> Cow<'_, str> {
    if token.bytes().any(|b| b.is_ascii_uppercase()) || !token.is_ascii() {
        let lower = token.to_lowercase();
        if lower == token {
            Cow::Borrowed(token)
        } else {
            Cow::Owned(lower)
        }
    } else {
        Cow::Borrowed(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let tok = Tokenizer::english().unwrap();
        tok.tokenize(text).into_iter().map(|t| t.text.into_owned()).collect()
    }

    #[test]
    fn keeps_abbreviations_contractions_and_numbers_whole() {
        assert_eq!(
            words("The U.S. didn't pay $4.5 billion, e.g. in 1,000 ways on the 18th."),
            vec![
                "The", "U.S.", "didn't", "pay", "$", "4.5", "billion", ",", "e.g.", "in", "1,000", "ways", "on", "the",
                "18th", "."
            ]
        );
    }

    #[test]
    fn offsets_point_into_the_original_after_multibyte_text() {
        let text = "Ünïcödé — “Massoud’s” ﬁne";
        let tok = Tokenizer::english().unwrap();
        let tokens = tok.tokenize(text);
        let written: Vec<&str> = tokens.iter().map(|t| &text[t.bytes]).collect();
        assert_eq!(written, vec!["Ünïcödé", "—", "“", "Massoud’s", "”", "ﬁne"]);
        // NFKC expands the ligature; the offsets still cover the original characters.
        assert_eq!(tokens[5].text, "fine");
    }

    #[test]
    fn round_trips_through_tokenizer_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokenizer.json");
        Tokenizer::english().unwrap().save(&path).unwrap();
        let loaded = Tokenizer::from_file(&path).unwrap();
        let text = "Mr. Smith's 3.5% rise — didn't he?";
        assert_eq!(loaded.tokenize(text), Tokenizer::english().unwrap().tokenize(text));
        assert!(loaded.fast_pattern.is_some(), "the saved English definition keeps the fast paths");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The fast paths give what the `tokenizers` pipeline gives, on text NFKC leaves alone
        /// and on text it changes (ligatures, no-break spaces, full-width letters, ellipses).
        #[test]
        fn fast_paths_match_the_library(text in "[a-zA-Z0-9 .,:'\\-éñüßÉ\u{0301}\u{0308}’“”—–…\u{00a0}\u{2009}ﬁＡ１٣३कि日本Ωω\u{200b}\t\n@#$%]{0,40}") {
            static TOK: std::sync::LazyLock<Tokenizer> = std::sync::LazyLock::new(|| Tokenizer::english().unwrap());
            let mut library = Vec::new();
            TOK.tokenize_with_library(&text, &mut |t| library.push(t));
            proptest::prop_assert_eq!(TOK.tokenize(&text), library);
        }
    }

    #[test]
    fn lm_key_lowercases_only_when_needed() {
        assert!(matches!(lm_key("the"), Cow::Borrowed("the")));
        assert_eq!(lm_key("The"), "the");
        assert_eq!(lm_key("ÉCOLE"), "école");
    }
}
