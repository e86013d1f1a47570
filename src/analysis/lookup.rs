//! The word the LM scores for a token's key. Most keys are scored as they are; three kinds of
//! token are scored as a word the LM knows well instead, because the corpus (Wikipedia) has seen
//! too few of them for their probability to say anything about fluency:
//! - numbers: any amount is as fluent as any other (the figures of financial news looked garbled);
//! - the standard abbreviations of news-wire and business English ("pct", "mln dlrs", "cts"),
//!   scored as the words they stand for. Wikipedia spells these out, so each one was an
//!   unknown or near-unknown word, and a wire story read as garbled MT;
//! - typographic quotes and apostrophes ("don’t", “ ”), scored as their straight forms, which
//!   the corpus mostly uses: a curly quote cost its token and the next about 1–3 orders of
//!   magnitude of probability, so typeset articles looked less fluent than plain text.
//!   (The surface text keeps them: quote_balance still sees every quote as written.)

use std::borrow::Cow;

/// What the LM scores in place of `key` (an LM key: lower-cased token text).
pub fn lookup_word(key: &str) -> Cow<'_, str> {
    if let Some(class) = number_class(key).or_else(|| abbreviation(key)) {
        return Cow::Borrowed(class);
    }
    if key.contains(['\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}']) {
        let straight = key.replace(['\u{2018}', '\u{2019}'], "'").replace(['\u{201C}', '\u{201D}'], "\"");
        return Cow::Owned(straight);
    }
    Cow::Borrowed(key)
}

/// The class word of a number: "2000" for years, "10" for any other figure.
fn number_class(key: &str) -> Option<&'static str> {
    if !key.starts_with(|c: char| c.is_ascii_digit()) || !key.chars().all(|c| c.is_ascii_digit() || ",.:/-".contains(c))
    {
        return None;
    }
    let year = key.len() == 4 && (key.starts_with('1') || key.starts_with("20"));
    Some(if year { "2000" } else { "10" })
}

/// Abbreviations with one reading only, so that spelling them out cannot hide a garbled word.
/// (Ambiguous ones such as "ct", "co" or "oper" are left alone.)
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("approx", "approximately"),
    ("avg", "average"),
    ("bln", "billion"),
    ("cts", "cents"),
    ("dept", "department"),
    ("dlr", "dollar"),
    ("dlrs", "dollars"),
    ("govt", "government"),
    ("mln", "million"),
    ("mths", "months"),
    ("pct", "percent"),
    ("qtr", "quarter"),
    ("shr", "share"),
    ("shrs", "shares"),
    ("stg", "sterling"),
    ("vs", "versus"),
    ("yr", "year"),
    ("yrs", "years"),
];

fn abbreviation(key: &str) -> Option<&'static str> {
    ABBREVIATIONS.binary_search_by(|(short, _)| short.cmp(&key)).ok().map(|i| ABBREVIATIONS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_map_to_a_class_and_words_do_not() {
        assert_eq!(number_class("1,512,534"), Some("10"));
        assert_eq!(number_class("4.5"), Some("10"));
        assert_eq!(number_class("1986"), Some("2000"));
        assert_eq!(number_class("9/11"), Some("10"));
        assert_eq!(number_class("1980s"), None);
        assert_eq!(number_class("the"), None);
    }

    #[test]
    fn wire_abbreviations_are_scored_as_their_words() {
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0].0 < w[1].0), "sorted, for the binary search");
        assert_eq!(lookup_word("pct"), "percent");
        assert_eq!(lookup_word("dlrs"), "dollars");
        assert_eq!(lookup_word("1.4"), "10");
        assert_eq!(lookup_word("pact"), "pact");
        assert_eq!(lookup_word("Pct"), "Pct", "keys are lower-cased before they get here");
    }

    #[test]
    fn typographic_quotes_are_scored_as_straight_ones() {
        assert_eq!(lookup_word("don\u{2019}t"), "don't");
        assert_eq!(lookup_word("\u{201C}"), "\"");
        assert_eq!(lookup_word("\u{201D}"), "\"");
        assert!(matches!(lookup_word("plain"), Cow::Borrowed(_)), "no allocation for ordinary words");
    }
}
