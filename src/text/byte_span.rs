//! [`ByteSpan`], the one way mtcheck holds a stretch of text: byte offsets into the ORIGINAL
//! input, end-exclusive. Tokens, sentences and garbled spans all carry one; character
//! offsets (Python string indices) are computed only at the output edge, by [`CharOffsets`].

use std::ops::{Index, Range};

/// Bytes `start..end` of a text (end-exclusive), always on character boundaries of the text
/// it was made from. `&text[span]` is the stretch as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

impl ByteSpan {
    pub const fn new(start: usize, end: usize) -> Self {
        ByteSpan { start, end }
    }

    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub const fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// This span moved `by` bytes later (a span inside a sentence, made a span of the document).
    pub const fn shifted(&self, by: usize) -> Self {
        ByteSpan { start: self.start + by, end: self.end + by }
    }
}

impl From<Range<usize>> for ByteSpan {
    fn from(r: Range<usize>) -> Self {
        ByteSpan { start: r.start, end: r.end }
    }
}

impl Index<ByteSpan> for str {
    type Output = str;

    fn index(&self, span: ByteSpan) -> &str {
        &self[span.range()]
    }
}

impl Index<ByteSpan> for String {
    type Output = str;

    fn index(&self, span: ByteSpan) -> &str {
        &self[span.range()]
    }
}

/// Converts byte offsets of a text to character (Unicode scalar) offsets, or with
/// [`CharOffsets::utf16`] to UTF-16 code units (Java's and JavaScript's string indices, which
/// LanguageTool clients use). Queries in increasing order cost one pass over the text in all;
/// a query before the previous one counts again from the start.
pub struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
    count: fn(&str) -> usize,
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0, count: |s| s.chars().count() }
    }

    /// Offsets in UTF-16 code units (a character outside the BMP, such as an emoji, is two).
    pub fn utf16(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0, count: |s| s.encode_utf16().count() }
    }

    /// The character offset of byte offset `byte` (a character boundary of the text).
    pub fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += (self.count)(&self.text[self.byte..byte]);
        self.byte = byte;
        self.chars
    }

    /// The character range of `span`.
    pub fn span(&mut self, span: ByteSpan) -> (usize, usize) {
        (self.at(span.start), self.at(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_text_and_counts_characters_after_multibyte_text() {
        let text = "Zoë — “garbled words” here.";
        let start = text.find("garbled").unwrap();
        let span = ByteSpan::new(start, start + "garbled words".len());
        assert_eq!(&text[span], "garbled words");
        let mut chars = CharOffsets::new(text);
        let (a, b) = chars.span(span);
        assert_eq!(text.chars().skip(a).take(b - a).collect::<String>(), "garbled words");
        // Out of order: counted again from the start, same answer.
        assert_eq!(chars.at(2), 2);
        assert_eq!(chars.at(text.len()), text.chars().count());
    }

    #[test]
    fn shifting_moves_both_ends() {
        assert_eq!(ByteSpan::new(2, 5).shifted(10), ByteSpan::new(12, 15));
        assert_eq!(ByteSpan::from(3..7).len(), 4);
    }
}
