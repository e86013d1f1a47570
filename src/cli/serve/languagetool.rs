//! LanguageTool's HTTP API (`POST /v2/check`, `GET /v2/languages`) over a [`Report`]: what
//! editor integrations already speak (LTeX, browser extensions, `language_tool_python`).
//!
//! A flagged sentence is one match (rule `MTCHECK_GARBLED_SENTENCE`), each garbled span inside
//! it another (`MTCHECK_GARBLED_WORDS`), and a suspicious span in a sentence that passes a
//! third (`MTCHECK_SUSPICIOUS_WORDS`, issue type "hint"). Offsets and lengths are in UTF-16
//! code units, as LanguageTool's Java strings count them (an emoji is 2, "é" is 1).

use mtcheck::report::Report;
use serde_json::{json, Value};

/// Languages accepted for `language`: mtcheck reads English only.
pub const LANGUAGES: [&str; 4] = ["en", "en-US", "en-GB", "auto"];

/// Characters of context on either side of a match, as LanguageTool gives (about 40).
const CONTEXT: usize = 40;

/// `GET /v2/languages`.
pub fn languages() -> Value {
    json!([
        {"name": "English", "code": "en", "longCode": "en"},
        {"name": "English (US)", "code": "en", "longCode": "en-US"},
        {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    ])
}

/// One match over `text[start..end]` (bytes) inside the sentence `sentence` (bytes).
struct Found<'r> {
    start: usize,
    end: usize,
    sentence: (usize, usize),
    rule: &'r str,
    message: String,
    short: &'r str,
    description: &'r str,
    issue_type: &'r str,
}

/// The `/v2/check` answer for `text` and its report; `language` is the code asked for.
pub fn check_response(text: &str, report: &Report, language: &str) -> Value {
    let mut found = Vec::new();
    for s in &report.sentences {
        let sentence = (s.bytes.start, s.bytes.end);
        if s.flagged {
            found.push(Found {
                start: s.bytes.start,
                end: s.bytes.end,
                sentence,
                rule: "MTCHECK_GARBLED_SENTENCE",
                message: format!(
                    "This sentence reads like machine translation (quality {:.2}; the document: {}).",
                    s.quality,
                    report.verdict_text()
                ),
                short: "Machine-translated?",
                description: "A sentence that reads like garbled machine translation",
                issue_type: "style",
            });
        }
        for span in &s.spans {
            let reasons: Vec<&str> = span.reasons.iter().map(|r| mtcheck::features::in_words(r)).collect();
            let why = if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) };
            let (rule, short, description, issue_type, what) = if s.flagged {
                (
                    "MTCHECK_GARBLED_WORDS",
                    "Garbled words",
                    "Words that look garbled by machine translation",
                    "style",
                    "These words look garbled by machine translation",
                )
            } else {
                (
                    "MTCHECK_SUSPICIOUS_WORDS",
                    "Suspicious words",
                    "Words that look odd in a sentence that passes",
                    "hint",
                    "These words look odd",
                )
            };
            found.push(Found {
                start: span.bytes.start,
                end: span.bytes.end,
                sentence,
                rule,
                message: format!("{what}{why}; P(garbled) {:.2}.", span.score),
                short,
                description,
                issue_type,
            });
        }
    }
    // LanguageTool lists matches by position; a sentence match before the spans inside it.
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut units = mtcheck::text::CharOffsets::utf16(text);
    let matches: Vec<Value> = found
        .iter()
        .map(|f| {
            let offset = units.at(f.start);
            let length = units.at(f.end) - offset;
            json!({
                "message": f.message,
                "shortMessage": f.short,
                "replacements": [],
                "offset": offset,
                "length": length,
                "context": context(text, f.start, f.end),
                "sentence": text[f.sentence.0..f.sentence.1].trim_end(),
                "type": {"typeName": "Other"},
                "rule": {
                    "id": f.rule,
                    "description": f.description,
                    "issueType": f.issue_type,
                    "category": {"id": "MTCHECK", "name": "Machine translation (mtcheck)"},
                },
                "ignoreForIncompleteSentence": false,
                "contextForSureMatch": 0,
            })
        })
        .collect();
    let long_code = if language == "auto" { "en-US" } else { language };
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
            "code": long_code,
            "detectedLanguage": {"name": "English", "code": long_code, "confidence": 1.0},
        },
        "matches": matches,
        "mtcheck": {"quality": report.quality, "p_mt": report.p_mt, "verdict": report.verdict_text()},
    })
}

/// LanguageTool's `context`: up to [`CONTEXT`] characters either side of the match on its
/// line, the match's offset and length in it (UTF-16 units, like every other offset).
fn context(text: &str, start: usize, end: usize) -> Value {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before: usize =
        text[line_start..start].char_indices().rev().nth(CONTEXT - 1).map_or(line_start, |(i, _)| line_start + i);
    let after = text[end..line_end].char_indices().nth(CONTEXT).map_or(line_end, |(i, _)| end + i);
    let shown = &text[before..after];
    let offset = text[before..start].encode_utf16().count();
    let length = text[start..end.min(after)].encode_utf16().count();
    json!({"text": shown, "offset": offset, "length": length})
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtcheck::report::{GarbledSpan, SentenceKind, SentenceReport};
    use mtcheck::text::ByteSpan;

    fn report(text: &str, sentence: (usize, usize), span: (usize, usize)) -> Report {
        let s = SentenceReport {
            bytes: ByteSpan::new(sentence.0, sentence.1),
            kind: SentenceKind::Prose,
            quality: 0.2,
            flagged: true,
            spans: vec![GarbledSpan { bytes: ByteSpan::new(span.0, span.1), score: 0.9, reasons: vec![] }],
            round_trip: None,
        };
        let mut r = Report::from_sentences(vec![s], &[text.split_whitespace().count()]);
        r.p_mt = None;
        r
    }

    #[test]
    fn offsets_are_utf16_units_as_java_counts_them() {
        let text = "Zoë 👍 said: the night is going on going on.";
        let start = text.find("going").unwrap();
        let end = text.len() - 1;
        let answer = check_response(text, &report(text, (0, text.len()), (start, end)), "en-US");
        let matches = answer["matches"].as_array().unwrap();
        assert_eq!(matches.len(), 2);
        assert_eq!(matches[0]["rule"]["id"], "MTCHECK_GARBLED_SENTENCE");
        assert_eq!(matches[0]["offset"], 0);
        assert_eq!(matches[0]["length"], text.encode_utf16().count());
        // "Zoë 👍 said: the night is " is 25 characters, 26 UTF-16 units (the emoji is two).
        let units: Vec<u16> = text.encode_utf16().collect();
        let (offset, length) =
            (matches[1]["offset"].as_u64().unwrap() as usize, matches[1]["length"].as_u64().unwrap() as usize);
        assert_eq!(offset, 26);
        assert_eq!(String::from_utf16(&units[offset..offset + length]).unwrap(), "going on going on");
        let context = &matches[1]["context"];
        let shown: Vec<u16> = context["text"].as_str().unwrap().encode_utf16().collect();
        let at = context["offset"].as_u64().unwrap() as usize;
        assert_eq!(String::from_utf16(&shown[at..at + length]).unwrap(), "going on going on");
    }

    #[test]
    fn clean_text_has_no_matches_and_says_english() {
        let text = "The council voted.";
        let s = SentenceReport {
            bytes: ByteSpan::new(0, text.len()),
            kind: SentenceKind::Prose,
            quality: 0.9,
            flagged: false,
            spans: vec![],
            round_trip: None,
        };
        let answer = check_response(text, &Report::from_sentences(vec![s], &[3]), "auto");
        assert!(answer["matches"].as_array().unwrap().is_empty());
        assert_eq!(answer["language"]["code"], "en-US");
    }
}
