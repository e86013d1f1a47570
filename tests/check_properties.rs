//! Properties of `Checker::check` on arbitrary input: it never panics, spans lie inside their
//! sentence on character boundaries, sorted and non-overlapping, and scores stay in [0, 1].
//! Offsets stay right with multi-byte text before a span.

use mtcheck::report::Report;
use mtcheck::Checker;
use proptest::prelude::*;
use std::sync::LazyLock;

static CHECKER: LazyLock<Checker> = LazyLock::new(|| {
    let mut c = Checker::new().expect("the shipped model loads");
    // Show spans everywhere, so the span invariants are exercised on every input.
    c.set_threshold(1.0);
    c.set_span_gate(1.0);
    c.set_span_threshold(0.0);
    c
});

fn assert_well_formed(text: &str, r: &Report) {
    assert!((0.0..=1.0).contains(&r.quality), "document quality {}", r.quality);
    let mut last_end = 0;
    for s in &r.sentences {
        assert!(s.bytes.start >= last_end && s.bytes.end <= text.len() && s.bytes.start < s.bytes.end);
        assert!(text.is_char_boundary(s.bytes.start) && text.is_char_boundary(s.bytes.end));
        assert!((0.0..=1.0).contains(&s.quality), "sentence quality {}", s.quality);
        let mut span_end = s.bytes.start;
        for span in &s.spans {
            assert!(span.bytes.start >= span_end && span.bytes.end <= s.bytes.end && span.bytes.start < span.bytes.end);
            assert!(text.is_char_boundary(span.bytes.start) && text.is_char_boundary(span.bytes.end));
            assert!((0.0..=1.0).contains(&span.score));
            assert!(!span.reasons.is_empty());
            span_end = span.bytes.end;
        }
        last_end = s.bytes.end;
    }
    let json = r.to_json(text, None);
    for (s, j) in r.sentences.iter().zip(&json.sentences) {
        assert_eq!(text[..s.bytes.start].chars().count(), j.char_start);
        assert_eq!(text[..s.bytes.end].chars().count(), j.char_end);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_break_the_invariants(text in any::<String>()) {
        assert_well_formed(&text, &CHECKER.check(&text));
    }

    /// The hostile shapes of the fuzzing that found issue 12's bugs: mixes of quotes, brackets
    /// and dots (quadratic sentence splitting), control and escape sequences, long words, RTL
    /// text and overrides, combining marks, nested quotes, CRLF and hard-wrapped lines.
    #[test]
    fn hostile_shapes_never_break_the_invariants(pieces in prop::collection::vec(
        prop::sample::select(vec![
            "a", ".", "\"", "(", ")", " ", "a.", "\n", "\n\n", "\r\n", "\t", "\u{0}", "\u{7}", "\u{1b}[31m",
            "\u{202E}", "שלום", "مرحبا", "e\u{301}\u{302}", "“", "”", "«", "»", "‘’", "((((", "))))", "\"\"\"\"",
            "The council met on Monday and approved the plan for the night buses of the city",
            "supercalifragilisticexpialidocious", "https://example.com/a/b?c=d&e=f", "\u{FEFF}", "\u{200B}",
        ]),
        0..400,
    ), long_word in 0usize..3000) {
        let mut text = pieces.concat();
        text.push_str(&"x".repeat(long_word));
        assert_well_formed(&text, &CHECKER.check(&text));
    }

    #[test]
    fn word_salad_with_punctuation_and_unicode(words in prop::collection::vec(
        prop::sample::select(vec!["the", "grows", "Zoë", "“", "”", "\"", ".", "!", "U.S.", "naïve", "日本", "🙂", "\n", "  ", "(", "it", "4.5", "don't"]),
        0..60,
    )) {
        let text = words.join(" ");
        assert_well_formed(&text, &CHECKER.check(&text));
    }
}

#[test]
fn offsets_are_right_after_multibyte_text() {
    let text = "Zoë’s café — naïve 日本 🙂. The treatment will grow as it grows grows grows, he said.";
    let r = CHECKER.check(text);
    assert_well_formed(text, &r);
    let json = r.to_json(text, None);
    let chars: Vec<char> = text.chars().collect();
    for (s, j) in r.sentences.iter().zip(&json.sentences) {
        for (span, js) in s.spans.iter().zip(&j.spans) {
            let by_chars: String = chars[js.char_start..js.char_end].iter().collect();
            assert_eq!(by_chars, &text[span.bytes]);
        }
    }
    assert!(json.sentences.iter().any(|s| !s.spans.is_empty()), "expected spans with every gate open");
}

#[test]
fn empty_and_blank_text_is_a_clean_document() {
    for text in ["", "   \n\n  "] {
        let r = CHECKER.check(text);
        assert!(r.sentences.is_empty() && !r.flagged && r.quality == 1.0);
    }
}
