//! `punctuation`: quote, bracket and punctuation anomalies at the token: a quote or bracket
//! without its partner in the sentence, doubled punctuation (", ,"), punctuation that opens a
//! sentence. MT breaks quoting ("It is also a war of attrition. "The Russian people...).

use super::{Compute, Context, Feature, Sentence};

pub const FEATURE: Feature = Feature {
    name: "punctuation",
    description: "unpaired quote or bracket, doubled punctuation, or punctuation opening the sentence",
    compute: Compute::Token(compute),
};

const OPEN: &[&str] = &["(", "[", "{", "“", "‘"];
const CLOSE: &[&str] = &[")", "]", "}", "”", "’"];

fn compute(_: &Context, s: &Sentence, out: &mut [f32]) {
    let t: Vec<&str> = s.tokens.iter().map(|w| w.surface.as_ref()).collect();
    let is_punct = |x: &str| x.chars().all(|c| c.is_ascii_punctuation() || "“”‘’«»–—…".contains(c));
    // Brackets and curly quotes: match by a stack; leftovers and strays are anomalies.
    let mut stack: Vec<usize> = Vec::new();
    for (i, tok) in t.iter().enumerate() {
        if OPEN.contains(tok) {
            stack.push(i);
        } else if let Some(k) = CLOSE.iter().position(|c| c == tok) {
            match stack.last() {
                Some(&j) if t[j] == OPEN[k] => {
                    stack.pop();
                }
                // An apostrophe-like ’ after a word is not a quote.
                _ if *tok == "’" => {}
                _ => out[i] = 1.0,
            }
        }
    }
    for j in stack {
        out[j] = 1.0;
    }
    // Straight double quotes: an odd count leaves the last one unpaired.
    let quotes: Vec<usize> = (0..t.len()).filter(|&i| t[i] == "\"").collect();
    if quotes.len() % 2 == 1 {
        out[*quotes.last().expect("odd count")] = 1.0;
    }
    for i in 0..t.len() {
        let doubled = i > 0 && is_punct(t[i]) && t[i] == t[i - 1] && !matches!(t[i], "." | "-" | "!" | "?");
        let opens = i == 0 && matches!(t[i], "," | ";" | ":" | ")" | ".");
        if doubled || opens {
            out[i] = 1.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::token_values;
    use crate::analysis::fixture::with_document;

    fn values(words: &[&str]) -> Vec<f32> {
        let w: Vec<(&str, f32)> = words.iter().map(|&x| (x, -1.0)).collect();
        with_document(&w, |d| token_values(super::FEATURE, d))
    }

    #[test]
    fn balanced_text_is_clean() {
        assert_eq!(values(&["“", "Yes", "”", "(", "no", ")"]), vec![0.0; 6]);
        assert_eq!(values(&["\"", "Yes", "\"", "."]), vec![0.0; 4]);
    }

    #[test]
    fn unpaired_and_doubled_marks_are_flagged() {
        assert_eq!(values(&["“", "It", "“", "The"]), vec![1.0, 0.0, 1.0, 0.0]);
        assert_eq!(values(&["a", ",", ",", "b", ")"]), vec![0.0, 0.0, 1.0, 0.0, 1.0]);
        assert_eq!(values(&["\"", "a", "b"]), vec![1.0, 0.0, 0.0]);
    }
}
