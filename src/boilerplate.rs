//! Prose and page furniture (DESIGN): scraped articles carry bylines, share prompts, e-mail
//! lines, photo credits and link lists. They are not machine translation; they are reported as
//! `boilerplate`, never flagged, and left out of the document's quality.
//!
//! The rules look at the sentence and at the line it sits on; the structural ones (a short line
//! without sentence punctuation, a `Label:` line) apply only when the document also has running
//! prose, so that a one-line record (a crawl sentence, a title) is still judged as text.

use crate::text::Lines;
use std::ops::Range;

/// Phrases of page furniture (lower-case).
const FURNITURE: &[&str] = &[
    "all rights reserved",
    "click here",
    "copyright",
    "crosspost",
    "disclaimer:",
    "featured image",
    "follow us",
    "forward this article",
    "like us on",
    "photo credit",
    "photo:",
    "read more",
    "share this",
    "share buttons",
    "sign up for",
    "subscribe to",
    "©",
];

/// Whether the sentence at `bytes` of `text` is page furniture. `lines` indexes `text`;
/// `has_prose` says whether the document has running prose at all.
pub fn is_boilerplate(text: &str, lines: &Lines, bytes: &Range<usize>, has_prose: bool) -> bool {
    let sentence = &text[bytes.clone()];
    let lower = sentence.to_lowercase();
    if has_address(&lower) || FURNITURE.iter().any(|p| lower.contains(p)) {
        return true;
    }
    if !has_prose {
        return false;
    }
    let line = lines.around(text, bytes);
    let words = line.split_whitespace().count();
    let ends_like_prose = line.trim_end().ends_with(['.', '!', '?', '"', '”', '…']);
    let byline = line.starts_with("By ") && words <= 8;
    let label = line.split_once(':').is_some_and(|(head, _)| head.split_whitespace().count() <= 3 && words <= 10);
    byline || label || (!ends_like_prose && words <= 12 && line.len() == sentence.trim().len())
}

/// Whether a line (the whole text of one line) reads as running prose: long enough and ending
/// like a sentence.
pub fn is_prose_line(line: &str) -> bool {
    line.split_whitespace().count() >= 8 && line.trim_end().ends_with(['.', '!', '?', '"', '”'])
}

/// E-mail addresses, web addresses, markdown links and @handles.
fn has_address(lower: &str) -> bool {
    lower.contains("http://")
        || lower.contains("https://")
        || lower.contains("www.")
        || lower.contains("](")
        || lower.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '@');
            w.starts_with('@') && w.len() > 1 || w.contains('@') && w.contains('.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, sentence: &str) -> bool {
        let start = text.find(sentence).unwrap();
        is_boilerplate(text, &Lines::new(text), &(start..start + sentence.len()), true)
    }

    #[test]
    fn furniture_is_recognized() {
        let text = "By Jane Roe\n\nThe talks ended on Friday without an agreement, officials said.\n\nFollow us on Instagram.\nContact: press@example.org\nRegion: Asia";
        assert!(check(text, "By Jane Roe"));
        assert!(check(text, "Follow us on Instagram."));
        assert!(check(text, "Contact: press@example.org"));
        assert!(check(text, "Region: Asia"));
        assert!(!check(text, "The talks ended on Friday without an agreement, officials said."));
    }

    #[test]
    fn a_lone_fragment_is_text_not_furniture() {
        let text = "Storage tank temperature sensors";
        assert!(!is_boilerplate(text, &Lines::new(text), &(0..text.len()), false));
        assert!(is_prose_line("The talks ended on Friday without an agreement, officials said."));
    }
}
