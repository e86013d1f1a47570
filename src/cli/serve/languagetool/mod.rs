//! LanguageTool's HTTP API (`POST /v2/check`, `GET /v2/languages`) over a [`Report`]: what
//! editor integrations already speak (LTeX, the browser extension, `language_tool_python`).
//!
//! One underline per stretch: in a sentence that reads garbled, its garbled words
//! (`MTCHECK_GARBLED_WORDS`) where the detector marked some, else the sentence
//! (`MTCHECK_GARBLED_SENTENCE`); a sentence flagged because it changes little when translated
//! again (`MTCHECK_SMOOTH_SENTENCE`); odd words in a sentence that passes
//! (`MTCHECK_SUSPICIOUS_WORDS`, issue type "hint"). All in the category `MTCHECK`; the rule
//! and category filters choose among them before the overlap rule does, so turning the words
//! off brings back the sentence. Offsets and lengths are in UTF-16 code units of the original
//! text (markup included), as LanguageTool's Java strings count them (an emoji is 2, "é" 1).

pub mod annotated;
pub mod request;

use mtcheck::report::{Report, SentenceReport};
use mtcheck::text::CharOffsets;
use request::{CheckRequest, RuleFilter};
use serde_json::{json, Value};

/// Characters of context on either side of a match, as LanguageTool gives (about 40).
const CONTEXT: usize = 40;

/// The one category of mtcheck's rules.
pub const CATEGORY: &str = "MTCHECK";

/// A rule as LanguageTool's clients show it.
struct Rule {
    id: &'static str,
    short: &'static str,
    description: &'static str,
    issue_type: &'static str,
}

const GARBLED_SENTENCE: Rule = Rule {
    id: "MTCHECK_GARBLED_SENTENCE",
    short: "Machine-translated?",
    description: "A sentence that reads like garbled machine translation",
    issue_type: "style",
};
const SMOOTH_SENTENCE: Rule = Rule {
    id: "MTCHECK_SMOOTH_SENTENCE",
    short: "Machine-translated?",
    description: "A sentence that changes little when translated again, as machine translation does",
    issue_type: "style",
};
const GARBLED_WORDS: Rule = Rule {
    id: "MTCHECK_GARBLED_WORDS",
    short: "Garbled words",
    description: "Words that look garbled by machine translation",
    issue_type: "style",
};
const SUSPICIOUS_WORDS: Rule = Rule {
    id: "MTCHECK_SUSPICIOUS_WORDS",
    short: "Suspicious words",
    description: "Words that look odd in a sentence that passes",
    issue_type: "hint",
};

/// `GET /v2/languages`.
pub fn languages() -> Value {
    let variants = [
        ("English", "en"),
        ("English (US)", "en-US"),
        ("English (GB)", "en-GB"),
        ("English (Australian)", "en-AU"),
        ("English (Canadian)", "en-CA"),
        ("English (New Zealand)", "en-NZ"),
        ("English (South African)", "en-ZA"),
    ];
    Value::Array(variants.iter().map(|(name, code)| json!({"name": name, "code": "en", "longCode": code})).collect())
}

/// One match over plain-text bytes `start..end` inside the sentence `sentence`.
struct Found {
    start: usize,
    end: usize,
    sentence: (usize, usize),
    rule: &'static Rule,
    message: String,
}

/// The matches of one sentence, one per stretch, among the rules `rules` allows.
fn sentence_matches(s: &SentenceReport, rules: &RuleFilter, found: &mut Vec<Found>) {
    let sentence = (s.bytes.start, s.bytes.end);
    let allowed = |rule: &Rule| rules.allows(rule.id, CATEGORY);
    let words_rule = if s.flagged { &GARBLED_WORDS } else { &SUSPICIOUS_WORDS };
    // A sentence flagged on its round trip is marked whole: its odd words are not why.
    if !s.smooth() && allowed(words_rule) && !s.spans.is_empty() {
        for span in &s.spans {
            let reasons: Vec<&str> = span.reasons.iter().map(|r| mtcheck::features::in_words(r)).collect();
            let why = if reasons.is_empty() { String::new() } else { format!(": {}", reasons.join(", ")) };
            let message = if s.flagged {
                format!("These words look garbled by machine translation{why}.")
            } else {
                format!("These words look odd{why} (the sentence as a whole passes).")
            };
            found.push(Found { start: span.bytes.start, end: span.bytes.end, sentence, rule: words_rule, message });
        }
        return;
    }
    let rule = if s.smooth() { &SMOOTH_SENTENCE } else { &GARBLED_SENTENCE };
    if s.flagged && allowed(rule) {
        let message = format!("This sentence reads like machine translation: {}.", s.reasons().join(", "));
        found.push(Found { start: s.bytes.start, end: s.bytes.end, sentence, rule, message });
    }
}

/// The `/v2/check` answer to `request`, whose plain text `report` is the report of.
pub fn check_response(request: &CheckRequest, report: &Report) -> Value {
    let mut found = Vec::new();
    if !request.text_level_only {
        for s in &report.sentences {
            sentence_matches(s, &request.rules, &mut found);
        }
    }
    // LanguageTool lists matches by position; they never overlap, so the offsets below are
    // asked for in increasing order and counted in one pass.
    found.sort_by_key(|f| (f.start, f.end));
    let text = &request.text;
    let mut units = CharOffsets::utf16(&text.original);
    let matches: Vec<Value> = found
        .iter()
        .map(|f| {
            let (start, end) = text.original_span(f.start, f.end);
            let offset = units.at(start);
            let length = units.at(end) - offset;
            json!({
                "message": f.message,
                "shortMessage": f.rule.short,
                "replacements": [],
                "offset": offset,
                "length": length,
                "context": context(&text.original, start, end),
                "sentence": text.plain[f.sentence.0..f.sentence.1].trim_end(),
                "type": {"typeName": "Other"},
                "rule": {
                    "id": f.rule.id,
                    "description": f.rule.description,
                    "issueType": f.rule.issue_type,
                    "category": {"id": CATEGORY, "name": "Machine translation (mtcheck)"},
                },
                "ignoreForIncompleteSentence": false,
                "contextForSureMatch": 0,
            })
        })
        .collect();
    let code = if request.language == "auto" { "en-US" } else { request.language.as_str() };
    json!({
        "software": {
            "name": "mtcheck",
            "version": env!("CARGO_PKG_VERSION"),
            "buildDate": "",
            "apiVersion": 1,
            "premium": false,
            "status": "",
        },
        "warnings": {"incompleteResults": false},
        "language": {
            "name": "English",
            "code": code,
            "detectedLanguage": {"name": "English", "code": code, "confidence": 1.0},
        },
        "matches": matches,
        "mtcheck": {"quality": report.quality, "p_mt": report.p_mt, "verdict": report.verdict_text()},
    })
}

/// LanguageTool's `context`: up to [`CONTEXT`] characters either side of the match on its
/// line, the match's offset and length in it (UTF-16 units, like every other offset). Reads
/// only the characters it shows, so a long line with many matches costs no more per match.
fn context(text: &str, start: usize, end: usize) -> Value {
    let before = text[..start]
        .char_indices()
        .rev()
        .take(CONTEXT)
        .take_while(|&(_, c)| c != '\n')
        .last()
        .map_or(start, |(i, _)| i);
    let after = text[end..]
        .char_indices()
        .take(CONTEXT)
        .take_while(|&(_, c)| c != '\n')
        .last()
        .map_or(end, |(i, c)| end + i + c.len_utf8());
    let offset = text[before..start].encode_utf16().count();
    let length = text[start..end].encode_utf16().count();
    json!({"text": &text[before..after], "offset": offset, "length": length})
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtcheck::report::{GarbledSpan, SentenceKind};
    use mtcheck::text::ByteSpan;

    fn sentence(bytes: (usize, usize), flagged: bool, spans: &[(usize, usize)]) -> SentenceReport {
        SentenceReport {
            bytes: ByteSpan::new(bytes.0, bytes.1),
            kind: SentenceKind::Prose,
            quality: if flagged { 0.2 } else { 0.9 },
            flagged,
            spans: spans
                .iter()
                .map(|&(s, e)| GarbledSpan { bytes: ByteSpan::new(s, e), score: 0.9, reasons: vec!["repetition"] })
                .collect(),
            round_trip: None,
        }
    }

    /// The answer to the form `form` (its text checked as `sentences` say).
    fn answer(form: &str, sentences: Vec<SentenceReport>) -> Value {
        let request = CheckRequest::from_fields(&request::fields(None, form.as_bytes()).unwrap()).unwrap();
        let tokens = vec![5; sentences.len()];
        check_response(&request, &Report::from_sentences(sentences, &tokens))
    }

    fn form_text(text: &str) -> String {
        format!("language=en-US&text={}", text.replace('%', "%25").replace('&', "%26").replace('+', "%2B"))
    }

    #[test]
    fn offsets_are_utf16_units_as_java_counts_them() {
        let text = "Zoë 👍 said: the night is going on going on.";
        let start = text.find("going").unwrap();
        let end = text.len() - 1;
        let answer = answer(&form_text(text), vec![sentence((0, text.len()), true, &[(start, end)])]);
        let matches = answer["matches"].as_array().unwrap();
        // One underline: the words, not the sentence around them.
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0]["rule"]["id"], "MTCHECK_GARBLED_WORDS");
        // "Zoë 👍 said: the night is " is 25 characters, 26 UTF-16 units (the emoji is two).
        let units: Vec<u16> = text.encode_utf16().collect();
        let (offset, length) =
            (matches[0]["offset"].as_u64().unwrap() as usize, matches[0]["length"].as_u64().unwrap() as usize);
        assert_eq!(offset, 26);
        assert_eq!(String::from_utf16(&units[offset..offset + length]).unwrap(), "going on going on");
        let context = &matches[0]["context"];
        let shown: Vec<u16> = context["text"].as_str().unwrap().encode_utf16().collect();
        let at = context["offset"].as_u64().unwrap() as usize;
        assert_eq!(String::from_utf16(&shown[at..at + length]).unwrap(), "going on going on");
        assert_eq!(matches[0]["message"], "These words look garbled by machine translation: repeated words.");
    }

    #[test]
    fn words_turned_off_bring_back_the_sentence_and_rules_filter() {
        let text = "The night is going on going on.";
        let flagged = || vec![sentence((0, text.len()), true, &[(13, 30)])];
        let ids = |answer: Value| -> Vec<String> {
            answer["matches"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["rule"]["id"].as_str().unwrap().to_string())
                .collect()
        };
        let base = form_text(text);
        assert_eq!(ids(answer(&base, flagged())), ["MTCHECK_GARBLED_WORDS"]);
        let no_words = format!("{base}&disabledRules=MTCHECK_GARBLED_WORDS");
        assert_eq!(ids(answer(&no_words, flagged())), ["MTCHECK_GARBLED_SENTENCE"]);
        assert!(ids(answer(&format!("{base}&disabledCategories=MTCHECK"), flagged())).is_empty());
        let only = format!("{base}&enabledRules=MTCHECK_GARBLED_SENTENCE&enabledOnly=true");
        assert_eq!(ids(answer(&only, flagged())), ["MTCHECK_GARBLED_SENTENCE"]);
        assert!(ids(answer(&format!("{base}&mode=textLevelOnly"), flagged())).is_empty());
        // Without marked words a flagged sentence is one match with its reason.
        let whole = answer(&base, vec![sentence((0, text.len()), true, &[])]);
        assert_eq!(
            whole["matches"][0]["message"],
            "This sentence reads like machine translation: reads garbled as a whole."
        );
    }

    #[test]
    fn annotated_data_reports_offsets_in_the_original() {
        let data = r#"{"annotation":[{"markup":"<p>"},{"text":"The night is going on going on."},{"markup":"</p>"}]}"#;
        let form = format!("language=en-US&data={}", data.replace('%', "%25").replace('&', "%26"));
        let answer = answer(&form, vec![sentence((0, 31), true, &[(13, 30)])]);
        let m = &answer["matches"][0];
        assert_eq!((m["offset"].as_u64(), m["length"].as_u64()), (Some(3 + 13), Some(17)));
        assert_eq!(m["sentence"], "The night is going on going on.");
    }

    #[test]
    fn clean_text_has_no_matches_and_says_english() {
        let text = "The council voted.";
        let answer = answer(&format!("language=auto&text={text}"), vec![sentence((0, text.len()), false, &[])]);
        assert!(answer["matches"].as_array().unwrap().is_empty());
        assert_eq!(answer["language"]["code"], "en-US");
    }

    #[test]
    fn context_reads_only_what_it_shows() {
        let text = format!("{}\nab cd\n{}", "x".repeat(100), "y".repeat(100));
        let start = text.find("cd").unwrap();
        let c = context(&text, start, start + 2);
        assert_eq!((c["text"].as_str(), c["offset"].as_u64(), c["length"].as_u64()), (Some("ab cd"), Some(3), Some(2)));
        let long = "z".repeat(200);
        let c = context(&long, 100, 101);
        assert_eq!((c["text"].as_str().unwrap().len(), c["offset"].as_u64()), (81, Some(40)));
    }
}
