//! A hand-written equivalent of the English front end ([`super::tokenizer::TOKEN_PATTERN`]
//! after a whitespace split) for ASCII text, where NFKC changes nothing and the Unicode
//! classes reduce to byte tests. The `tokenizers` pipeline runs at 6–9 MB/s per core; this
//! runs at hundreds, which `mtcheck filter` needs. A property test checks that both give the
//! same tokens on any ASCII input.

/// Calls `sink(start, end)` for every token of the ASCII text `text`, in order.
pub fn ascii_tokens(text: &[u8], mut sink: impl FnMut(usize, usize)) {
    let mut i = 0;
    while i < text.len() {
        if is_space(text[i]) {
            i += 1;
            continue;
        }
        let end = i + token_len(&text[i..]);
        sink(i, end);
        i = end;
    }
}

/// Unicode White_Space within ASCII (what `char::is_whitespace` and the regex `\s` accept).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// Length of the token at the start of `p` (non-empty, not starting with whitespace): the
/// first alternative of the pattern that matches, as the regex engine tries them.
fn token_len(p: &[u8]) -> usize {
    let at = |j: usize| p.get(j).copied().filter(|&b| !is_space(b));
    let alpha = |j: usize| at(j).is_some_and(|b| b.is_ascii_alphabetic());
    let digit = |j: usize| at(j).is_some_and(|b| b.is_ascii_digit());
    let alnum = |j: usize| at(j).is_some_and(|b| b.is_ascii_alphanumeric());
    // (?:\p{L}\.){2,}: abbreviations such as "U.S." and "e.g."
    let mut j = 0;
    while alpha(j) && at(j + 1) == Some(b'.') {
        j += 2;
    }
    if j >= 4 {
        return j;
    }
    // \p{N}+(?:[.,:]\p{N}+)+: numbers with separators such as "4.5" and "1,000"
    if digit(0) {
        let mut j = 0;
        while digit(j) {
            j += 1;
        }
        let mut groups = 0;
        while matches!(at(j), Some(b'.' | b',' | b':')) && digit(j + 1) {
            j += 1;
            while digit(j) {
                j += 1;
            }
            groups += 1;
        }
        if groups > 0 {
            return j;
        }
    }
    // [\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*: words, with inner apostrophes
    if alnum(0) {
        let mut j = 0;
        while alnum(j) {
            j += 1;
        }
        while at(j) == Some(b'\'') && alpha(j + 1) {
            j += 1;
            while alpha(j) {
                j += 1;
            }
        }
        return j;
    }
    // \S: any other character stands alone
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Tokenizer;
    use proptest::prelude::*;

    fn fast(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        ascii_tokens(text.as_bytes(), |s, e| out.push((s, e)));
        out
    }

    fn library(tokenizer: &Tokenizer, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        tokenizer.tokenize_with_library(text, &mut |t| out.push((t.bytes.start, t.bytes.end)));
        out
    }

    #[test]
    fn matches_the_library_on_tricky_cases() {
        let tokenizer = Tokenizer::english().unwrap();
        for text in [
            "The U.S. didn't pay $4.5 billion, e.g. in 1,000 ways on the 18th.",
            "U.S a.b.c. 1.2.3 1. .5 4,5,6: 10:30 rock'n'roll don't5 '90s 5'6 x''y",
            "A.B.C.D e.g.. i.e.,\tfoo\r\nbar\x0bbaz\x0c\x1c\x00 ~!@#",
            "",
            "   ",
            "a",
            "1",
            ".",
            "''",
            "3's",
        ] {
            assert_eq!(fast(text), library(&tokenizer, text), "{text:?}");
        }
    }

    /// Every fast path (this one and the NFKC-stable one) against the library.
    #[test]
    fn matches_the_library_on_the_dev_sets() {
        let tokenizer = Tokenizer::english().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/dev");
        let mut checked = 0;
        for set in ["news-reuters-1987.jsonl", "paracrawl-v6.jsonl", "mlqe-ro-en-dev.jsonl"] {
            let Ok(lines) = std::fs::read_to_string(dir.join(set)) else { continue };
            for line in lines.lines() {
                let record: serde_json::Value = serde_json::from_str(line).unwrap();
                let text = record["text"].as_str().unwrap_or("");
                let mut all = Vec::new();
                tokenizer.tokenize_into(text, &mut |t| all.push((t.bytes.start, t.bytes.end)));
                assert_eq!(all, library(&tokenizer, text), "{set}: {text:?}");
                if text.is_ascii() {
                    assert_eq!(fast(text), library(&tokenizer, text), "{set}: {text:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "../shared/data/dev should be beside the repository");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn matches_the_library_on_any_ascii(text in "[ -~\t\n\r\x0b\x0c\x00-\x08]{0,60}") {
            let tokenizer = Tokenizer::english().unwrap();
            prop_assert_eq!(fast(&text), library(&tokenizer, &text));
        }

        #[test]
        fn matches_the_library_on_word_like_ascii(text in "([a-zA-Z0-9]{1,3}[.,:' ]?){0,12}") {
            let tokenizer = Tokenizer::english().unwrap();
            prop_assert_eq!(fast(&text), library(&tokenizer, &text));
        }
    }
}
