//! Prose and page furniture (DESIGN): scraped articles carry bylines, share prompts, e-mail
//! lines, photo credits and link lists. They are not machine translation; they are reported as
//! `boilerplate`, never flagged, and left out of the document's quality.
//!
//! The rules look at the sentence and at the line it sits on; the structural ones (a short line
//! without sentence punctuation, a `Label:` line) apply only when the document also has running
//! prose, so that a one-line record (a crawl sentence, a title) is still judged as text.
//! Phrases, e-mail lines, word lists (tag lists, menus) and wordless lines are furniture
//! anywhere.

use crate::text::is_function_word;
use crate::text::{ByteSpan, Lines};
use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// Phrases of page furniture and web addresses (lower-case; matched ignoring ASCII case). Each
/// must be one a writer would not use in running prose: "posted in" or "powered by" would catch
/// real sentences. The comment-form lines are the ones blog engines print under every article.
const FURNITURE: &[&str] = &[
    "http://",
    "https://",
    "www.",
    "](",
    "all rights reserved",
    "click here",
    "comments are closed",
    "copyright",
    "crosspost",
    "disclaimer:",
    "featured image",
    "follow us",
    "forward this article",
    "leave a comment",
    "leave a reply",
    "like us on",
    "notify me of",
    "photo credit",
    "photo:",
    "read more",
    "required fields are marked",
    "save my name, email",
    "share this",
    "share buttons",
    "sign up for",
    "subscribe to",
    "your email address will not be published",
    "©",
];

/// Whether the sentence at `bytes` of `text` is page furniture. `lines` indexes `text`;
/// `has_prose` says whether the document has running prose at all.
pub fn is_boilerplate(text: &str, lines: &Lines, bytes: ByteSpan, has_prose: bool) -> bool {
    // One pass over the sentence for all phrases (this runs on every sentence of a crawl).
    static PHRASES: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::builder().ascii_case_insensitive(true).build(FURNITURE).expect("valid phrases"));
    let sentence = &text[bytes];
    // A sentence of a hard-wrapped text runs over line breaks: match its phrases on one line.
    let one_line = if sentence.contains('\n') {
        std::borrow::Cow::Owned(sentence.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        std::borrow::Cow::Borrowed(sentence)
    };
    let sentence = one_line.as_ref();
    // A "sentence" without a letter or digit (a lone quote mark, a rule of dashes) is not prose.
    let wordless = !sentence.chars().any(char::is_alphanumeric);
    if wordless || PHRASES.is_match(sentence) || has_handle_or_email(sentence) || is_word_list(sentence) {
        return true;
    }
    if !has_prose {
        return false;
    }
    // The line rules below all need a line of at most 12 words: stop counting there, and
    // look no further into longer lines (a line can be a whole paragraph, or a whole file).
    let line = lines.around(text, bytes);
    let words = line.split_whitespace().take(13).count();
    if words > 12 {
        return false;
    }
    let label = line.split_once(':');
    let whole_line = line.len() == sentence.trim().len();
    let ends_like_prose = line.trim_end().ends_with(['.', '!', '?', '"', '”', '…']);
    let byline = line.starts_with("By ") && words <= 8;
    let label = label.is_some_and(|(head, _)| head.split_whitespace().take(4).count() <= 3 && words <= 10);
    byline || label || (!ends_like_prose && words <= 12 && whole_line)
}

/// Whether a sentence is running prose or page furniture (bylines, share prompts, …).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentenceKind {
    #[default]
    Prose,
    Boilerplate,
}

/// Tells the furniture of one document from its prose: the line index and whether the
/// document has running prose at all are found once, then each sentence costs a look-up.
pub struct Furniture<'a> {
    text: &'a str,
    lines: Lines,
    has_prose: bool,
}

impl<'a> Furniture<'a> {
    pub fn new(text: &'a str) -> Self {
        Furniture { text, lines: Lines::new(text), has_prose: text.lines().any(is_prose_line) }
    }

    /// The kind of the sentence at `bytes` ([`is_boilerplate`]).
    pub fn kind(&self, bytes: ByteSpan) -> SentenceKind {
        if is_boilerplate(self.text, &self.lines, bytes, self.has_prose) {
            SentenceKind::Boilerplate
        } else {
            SentenceKind::Prose
        }
    }
}

/// Whether a line (the whole text of one line) reads as running prose: long enough and ending
/// like a sentence.
pub fn is_prose_line(line: &str) -> bool {
    line.split_whitespace().take(8).count() >= 8 && line.trim_end().ends_with(['.', '!', '?', '"', '”'])
}

/// Tag lists, menus and product-name strings ("Ankle Socks, Ankle Bands, Ankle Braces",
/// "Contact Products Severin Hansen sidetable in rosewood"): at least six words, almost no
/// function words, no sentence ending, no word or word pair said twice in a row, and either mostly
/// capitalized or mostly separated by commas. Judged on the sentence alone, so a one-line crawl
/// record can be one. Running prose, even MT's garbled prose, keeps its function words.
fn is_word_list(sentence: &str) -> bool {
    let trimmed = sentence.trim_end();
    if trimmed.ends_with(['.', '!', '?', '"', '”', ':', ';', '…']) {
        return false;
    }
    let (mut words, mut function, mut capitalized) = (0usize, 0usize, 0usize);
    let mut previous = ["", "", ""]; // the last three words, newest last
    for word in trimmed.split(|c: char| c.is_whitespace() || c == ',' || c == '/' || c == '|') {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(first) = word.chars().next() else { continue };
        if !first.is_alphabetic() {
            continue;
        }
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let pair_again = same(word, previous[1]) && same(previous[2], previous[0]);
        if same(word, previous[2]) || pair_again {
            return false; // "Brahmapura Brahmapura", "Kandy Lake Kandy Lake": MT loops, not lists
        }
        previous = [previous[1], previous[2], word];
        words += 1;
        capitalized += usize::from(first.is_uppercase());
        function += usize::from(word.len() <= 10 && is_function_word(&word.to_lowercase()));
    }
    let commas = trimmed.matches(',').count();
    words >= 6 && function * 100 < words * 12 && (capitalized * 10 > words * 6 || commas * 4 > words)
}

/// E-mail addresses and @handles.
fn has_handle_or_email(sentence: &str) -> bool {
    sentence.contains('@')
        && sentence.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '@');
            w.starts_with('@') && w.len() > 1 || w.contains('@') && w.contains('.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, sentence: &str) -> bool {
        let start = text.find(sentence).unwrap();
        is_boilerplate(text, &Lines::new(text), ByteSpan::new(start, start + sentence.len()), true)
    }

    #[test]
    fn furniture_is_recognized() {
        let text = "By Jane Roe\n\nThe talks ended on Friday without an agreement, officials said.\n\nFollow us on Instagram.\nContact: press@example.org\nRegion: Asia";
        assert!(check(text, "By Jane Roe"));
        assert!(check(text, "Follow us on Instagram."));
        assert!(check(text, "Contact: press@example.org"));
        assert!(check(text, "Region: Asia"));
        assert!(!check(text, "The talks ended on Friday without an agreement, officials said."));
        let rule = "The talks ended on Friday.\n* * *\nThey resume on Monday.";
        assert!(check(rule, "* * *"), "a line without a word is not prose");
        let form = "The talks ended on Friday.\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *";
        assert!(check(form, "Your email address will not be published."));
        assert!(check(form, "Required fields are marked *"));
    }

    #[test]
    fn a_lone_fragment_is_text_not_furniture() {
        let text = "Storage tank temperature sensors";
        assert!(!is_boilerplate(text, &Lines::new(text), ByteSpan::new(0, text.len()), false));
        assert!(is_prose_line("The talks ended on Friday without an agreement, officials said."));
    }

    #[test]
    fn word_lists_are_furniture_even_alone() {
        let alone = |t: &str| is_boilerplate(t, &Lines::new(t), ByteSpan::new(0, t.len()), false);
        assert!(alone("Garden Chairs, Folding Garden Chairs, Teak Garden Chairs, Cheap Garden Chairs"));
        assert!(alone("Home Products Oak Dining Table Walnut Dining Table Contact Imprint"));
        assert!(alone("hiking, camping, trail running, climbing gear, tents"));
        assert!(alone("Teen Indian Teen, Amateur Indian, Amateur Wife, Indian Wife"));
        // Prose keeps its function words, even when it is garbled or has no final stop.
        assert!(!alone("These vitamins are function as cofactors and body in the metabolic rate"));
        assert!(!alone("Garden chairs and tables for the summer, folding or fixed"));
        // A loop is MT garble, not a list; a title-case sentence ends like one.
        assert!(!alone("Kandy Lake Kandy Lake Kandy Lake Kandy Lake Kandy Lake Kandy Lake"));
        assert!(!alone("Dushanbe Expects Moscow To Guard Its Southern Border."));
    }
}
