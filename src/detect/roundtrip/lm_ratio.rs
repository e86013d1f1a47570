//! The n-gram MT-vs-human LM ratio (issue 33): two small Kneser-Ney models built with
//! `mtcheck train lm` from the same sentences, one from their neural round trips (this engine's
//! English), one from the originals (`scripts/build/build-lm-ratio.sh`). A sentence's ratio is
//! log10 P_mt − log10 P_human per token: positive where it reads the way MT output reads. The
//! round trip measures how a sentence reacts to MT; this measures what it is made of, so
//! the two err on different texts (measured in reports/accuracy.md, session 16: it ranks the
//! output of engines never seen, Europarl's ten systems and German news MT, better than the
//! round trip does, and the news round trips worse).

use crate::analysis::Sentence;
use crate::error::{Error, Result};
use crate::lm::LanguageModel;
use std::path::Path;

/// The model built from machine-translated English (round trips).
pub const MT_FILE: &str = "lm-ratio-mt.mtlm";
/// The model built from the human originals of the same sentences.
pub const HUMAN_FILE: &str = "lm-ratio-human.mtlm";

pub struct LmRatio {
    mt: LanguageModel,
    human: LanguageModel,
}

impl LmRatio {
    /// The two models of model folder `dir`; None when it has neither, an error when it has
    /// one only (a damaged or half-copied folder).
    pub fn open(dir: &Path) -> Result<Option<LmRatio>> {
        let (mt, human) = (dir.join(MT_FILE), dir.join(HUMAN_FILE));
        match (mt.exists(), human.exists()) {
            (false, false) => Ok(None),
            (true, true) => Ok(Some(LmRatio { mt: LanguageModel::open(&mt)?, human: LanguageModel::open(&human)? })),
            _ => Err(Error::bad_model(
                dir,
                format!("{MT_FILE} and {HUMAN_FILE} go together, and only one is here; rebuild them with scripts/build/build-lm-ratio.sh"),
            )),
        }
    }

    /// (log10 P_mt − log10 P_human) of `sentence`'s tokens (as `mtcheck lm query` scores a
    /// line: every token's key, `</s>` added) per word token plus one.
    pub fn of_sentence(&self, sentence: &Sentence) -> f32 {
        let keys: Vec<&str> = sentence.tokens.iter().map(|t| t.key.as_ref()).collect();
        let total = |lm: &LanguageModel| {
            let ids: Vec<u32> = keys.iter().map(|k| lm.word_id(k)).collect();
            lm.score_sentence(&ids).0
        };
        let words = sentence.tokens.iter().filter(|t| t.is_word()).count().max(1);
        (total(&self.mt) - total(&self.human)) / (words + 1) as f32
    }
}
