//! The encoder's own tokenizer (BERT WordPiece, lower-casing, from `encoder-tokenizer.json`),
//! with each piece's byte span in the text so that the encoder's outputs can be laid back on
//! the words of the analysis stage.

use crate::error::{Error, Result};
use crate::text::ByteSpan;
use std::path::Path;

pub struct WordPieces {
    tokenizer: tokenizers::Tokenizer,
    cls: u32,
    sep: u32,
}

/// One text as the encoder reads it: `[CLS] pieces… [SEP]`, and the byte span of every piece
/// between them in the text given (`spans[i]` belongs to `ids[i + 1]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pieces {
    pub ids: Vec<u32>,
    pub spans: Vec<ByteSpan>,
}

impl WordPieces {
    pub fn load(path: &Path) -> Result<WordPieces> {
        if !path.exists() {
            return Err(Error::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)));
        }
        let tokenizer = tokenizers::Tokenizer::from_file(path)
            .map_err(|e| Error::bad_model(path, format!("encoder tokenizer: {e}")))?;
        let special = |token: &str| {
            tokenizer
                .token_to_id(token)
                .ok_or_else(|| Error::bad_model(path, format!("encoder tokenizer: no {token} token")))
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        Ok(WordPieces { tokenizer, cls, sep })
    }

    /// `text`'s pieces, at most `max_length` in all with [CLS] and [SEP] (the rest of a
    /// longer text is cut: it gets no encoder outputs).
    pub fn encode(&self, text: &str, max_length: usize) -> Pieces {
        // Encoding cannot fail for a BERT tokenizer on valid UTF-8; if it ever did, the text
        // simply gets no encoder outputs.
        let Ok(encoding) = self.tokenizer.encode(text, false) else {
            return Pieces { ids: vec![self.cls, self.sep], spans: Vec::new() };
        };
        let keep = encoding.get_ids().len().min(max_length.saturating_sub(2));
        let mut ids = Vec::with_capacity(keep + 2);
        ids.push(self.cls);
        ids.extend_from_slice(&encoding.get_ids()[..keep]);
        ids.push(self.sep);
        let spans = encoding.get_offsets()[..keep].iter().map(|&(start, end)| ByteSpan::new(start, end)).collect();
        Pieces { ids, spans }
    }
}
