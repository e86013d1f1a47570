//! English function words (closed-class: articles, pronouns, prepositions, conjunctions,
//! auxiliaries). MT drops, doubles and misplaces them; their share is a sentence feature.

/// Sorted, lower-case.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "neither",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Whether the lower-cased `key` is a function word. Called for every word of a crawl, so it
/// searches only the words with the same first letter.
pub fn is_function_word(key: &str) -> bool {
    static BY_FIRST_LETTER: std::sync::LazyLock<Vec<std::ops::Range<usize>>> = std::sync::LazyLock::new(|| {
        (b'a'..=b'z')
            .map(|c| {
                let start = FUNCTION_WORDS.partition_point(|w| w.as_bytes()[0] < c);
                start..FUNCTION_WORDS.partition_point(|w| w.as_bytes()[0] <= c)
            })
            .collect()
    });
    match key.as_bytes().first() {
        Some(&c) if c.is_ascii_lowercase() && key.len() <= 10 => {
            FUNCTION_WORDS[BY_FIRST_LETTER[(c - b'a') as usize].clone()].binary_search(&key).is_ok()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_so_binary_search_works() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_function_word("the") && is_function_word("whom"));
        assert!(!is_function_word("taliban") && !is_function_word("The"));
        assert!(FUNCTION_WORDS.iter().all(|w| is_function_word(w) && w.len() <= 10));
        assert!(!is_function_word("") && !is_function_word("zebra") && !is_function_word("é"));
    }
}
