//! The JSONL contract (DESIGN "JSONL output", README), checked against mirror types written
//! here from the documentation, not against the writer's own types: a field renamed, added,
//! dropped or reordered in the writer fails this test until the contract says so.

mod common;

use approx::assert_abs_diff_eq;
use common::{mtcheck, seed};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    id: Option<Value>,
    quality: f64,
    flagged: bool,
    p_mt: Option<f64>,
    verdict: String,
    /// The document's flag line (optional: absent for detectors that flag by another rule).
    #[serde(default)]
    flag_line: Option<f64>,
    sentences: Vec<Sentence>,
    /// With `--source` only (tests/attribution.rs checks its fields).
    #[serde(default)]
    #[allow(dead_code)]
    source: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sentence {
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    kind: String,
    quality: f64,
    flagged: bool,
    spans: Vec<Span>,
    /// Only on sentences sent on the neural round trip (issue 33).
    round_trip: Option<RoundTrip>,
    /// Why it is flagged or marked, in plain words: on every flagged or marked sentence only.
    #[serde(default)]
    why: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundTrip {
    text: String,
    similarity: f64,
    p_mt: f64,
    smooth: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Span {
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    score: f64,
    reasons: Vec<String>,
    /// The reasons in plain words (added in session 17).
    why: Vec<String>,
}

/// `id`, `flag_line` and `source` appear only when they have a value (a record's id, a detector
/// with a flag line, `--source`).
const DOCUMENT_FIELDS: &[&str] = &["id", "quality", "flagged", "p_mt", "verdict", "flag_line", "sentences", "source"];
const OPTIONAL_FIELDS: &[&str] = &["id", "flag_line", "source"];
const SENTENCE_FIELDS: &[&str] =
    &["start", "end", "char_start", "char_end", "kind", "quality", "flagged", "spans", "round_trip", "why"];
/// Sentence fields that appear only with a value.
const OPTIONAL_SENTENCE_FIELDS: &[&str] = &["round_trip", "why"];
const SPAN_FIELDS: &[&str] = &["start", "end", "char_start", "char_end", "score", "reasons", "why"];

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// A score as the contract prints it: in [0, 1], to 4 decimals.
fn assert_score(x: f64) {
    assert!((0.0..=1.0).contains(&x), "{x} outside [0, 1]");
    assert_abs_diff_eq!(x, (x * 1e4).round() / 1e4, epsilon = 1e-9);
}

fn chars_before(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// Checks one output line against `text`, the document it describes.
fn check_line(line: &str, text: &str) -> Document {
    let raw: Value = serde_json::from_str(line).unwrap();
    let expected_doc: Vec<&str> =
        DOCUMENT_FIELDS.iter().copied().filter(|k| !OPTIONAL_FIELDS.contains(k) || raw.get(*k).is_some()).collect();
    assert_eq!(keys(&raw), expected_doc, "document fields and their order");
    for s in raw["sentences"].as_array().unwrap() {
        let expected: Vec<&str> = SENTENCE_FIELDS
            .iter()
            .copied()
            .filter(|k| !OPTIONAL_SENTENCE_FIELDS.contains(k) || s.get(*k).is_some())
            .collect();
        assert_eq!(keys(s), expected, "sentence fields and their order");
        if let Some(rt) = s.get("round_trip") {
            assert_eq!(keys(rt), ["text", "similarity", "p_mt", "smooth"]);
            assert_score(rt["similarity"].as_f64().unwrap());
            assert_score(rt["p_mt"].as_f64().unwrap());
            assert!(!rt["text"].as_str().unwrap().is_empty());
            assert!(!rt["smooth"].as_bool().unwrap() || s["flagged"].as_bool().unwrap(), "smooth means flagged");
        }
        for span in s["spans"].as_array().unwrap() {
            assert_eq!(keys(span), SPAN_FIELDS);
        }
    }
    let doc: Document = serde_json::from_str(line).unwrap();
    assert_score(doc.quality);
    if let Some(line) = doc.flag_line {
        assert_score(line);
    }
    assert_eq!(doc.flagged, doc.sentences.iter().any(|s| s.flagged));
    let prose = doc.sentences.iter().filter(|s| s.kind == "prose").count();
    match doc.p_mt {
        Some(p) => {
            assert_score(p);
            assert!(prose >= mtcheck::report::MIN_SENTENCES, "P(MT) of a text too short to judge");
            assert_eq!(doc.verdict.starts_with("likely machine-translated"), p >= 0.5, "{}", doc.verdict);
        }
        None => assert!(prose < mtcheck::report::MIN_SENTENCES, "the full detector gives P(MT) from 3 sentences"),
    }
    assert!(!doc.verdict.is_empty());
    let mut previous_end = 0;
    for s in &doc.sentences {
        assert!(previous_end <= s.start && s.start < s.end && s.end <= text.len(), "sentences sorted, disjoint");
        previous_end = s.end;
        assert!(!text[s.start..s.end].trim().is_empty());
        assert_eq!((s.char_start, s.char_end), (chars_before(text, s.start), chars_before(text, s.end)));
        assert!(s.kind == "prose" || s.kind == "boilerplate", "{}", s.kind);
        assert!(!(s.flagged && s.kind == "boilerplate"), "furniture is never flagged");
        assert_score(s.quality);
        // Every mark has a reason in words, and only marks have one.
        assert_eq!(s.flagged || !s.spans.is_empty(), !s.why.is_empty(), "why on exactly the marked sentences");
        let mut span_end = s.start;
        for span in &s.spans {
            assert!(span_end <= span.start && span.start < span.end && span.end <= s.end, "spans inside the sentence");
            span_end = span.end;
            assert_eq!(span.why.len(), span.why.iter().collect::<std::collections::HashSet<_>>().len());
            assert!(!span.why.is_empty() && span.why.iter().all(|w| !w.contains('_')), "plain words: {:?}", span.why);
            assert_eq!(
                (span.char_start, span.char_end),
                (chars_before(text, span.start), chars_before(text, span.end))
            );
            assert_score(span.score);
            assert!(!span.reasons.is_empty());
        }
        if let Some(rt) = &s.round_trip {
            assert!(s.kind == "prose" && !rt.text.trim().is_empty(), "a prose sentence's round trip");
            assert_score(rt.similarity);
            assert_score(rt.p_mt);
            assert!(!rt.smooth || s.flagged, "a sentence flagged on its round trip is flagged");
        }
    }
    doc
}

#[test]
fn text_files_get_one_line_each_that_follows_the_contract() {
    let paths = [seed("000"), seed("001"), seed("002"), seed("003")];
    let args: Vec<&str> = ["--format", "jsonl"].into_iter().chain(paths.iter().map(|p| p.to_str().unwrap())).collect();
    let out = mtcheck(&args, b"");
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), paths.len(), "one line per document");
    let checker = mtcheck::Checker::new().unwrap();
    for (line, path) in lines.iter().zip(&paths) {
        let text = std::fs::read_to_string(path).unwrap();
        let doc = check_line(line, &text);
        assert_eq!(doc.id, Some(Value::String(path.display().to_string())), "a text file's id is its name");
        // The JSONL says what the library found, to its 4 decimals (half a unit of the last one,
        // plus f32 rounding).
        let report = checker.check(&text);
        assert_abs_diff_eq!(doc.quality, report.quality as f64, epsilon = 6e-5);
        assert_abs_diff_eq!(doc.p_mt.unwrap(), report.p_mt.unwrap() as f64, epsilon = 6e-5);
        assert_eq!(doc.verdict, report.verdict_text());
        assert_eq!(doc.sentences.len(), report.sentences.len());
        for (s, r) in doc.sentences.iter().zip(&report.sentences) {
            assert_eq!((s.start, s.end, s.flagged), (r.bytes.start, r.bytes.end, r.flagged));
            assert_abs_diff_eq!(s.quality, r.quality as f64, epsilon = 6e-5);
        }
    }
}

#[test]
fn jsonl_records_with_multibyte_text_keep_ids_and_char_offsets() {
    let texts = [
        "Zoë Müller said the “garbled garbled garbled” words came from the translation engine.",
        "Der Ausschuss — the committee — met in Zürich on Monday. Prices rose by 5% in März, the bureau said.",
        "The night is going on going on going on for the workers of the shifts.",
    ];
    let input: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": i, "text": t, "extra": [1, 2]}).to_string() + "\n")
        .collect();
    let out = mtcheck(&["--format", "jsonl", "--input-format", "jsonl", "-"], input.as_bytes());
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), texts.len());
    for (i, (line, text)) in lines.iter().zip(texts).enumerate() {
        let doc = check_line(line, text);
        assert_eq!(doc.id, Some(Value::from(i)), "ids copied from the records");
    }
}
