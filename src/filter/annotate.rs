//! `--annotate`: the verdict added to each record as an "mtcheck" object, in the style of
//! dolma/datatrove attributes (spans as `[start, end, score, reason]`, offsets in Unicode
//! scalars of the text field, i.e. Python string indices).

use crate::report::{Report, SentenceKind};
use crate::text::CharOffsets;
use serde_json::{json, Value};

/// The "mtcheck" object of a document. `keep` is what the filter's rules decided (None when
/// there are no rules, as with `--keep-top`, whose cut is only known at the end).
pub fn annotation(text: &str, report: &Report, keep: Option<bool>) -> Value {
    let mut chars = CharOffsets::new(text);
    let prose: Vec<_> = report.sentences.iter().filter(|s| s.kind == SentenceKind::Prose).collect();
    let flagged: Vec<Value> = prose
        .iter()
        .filter(|s| s.flagged)
        .map(|s| json!([chars.at(s.bytes.start), chars.at(s.bytes.end), round(s.quality)]))
        .collect();
    let spans: Vec<Value> = prose
        .iter()
        .flat_map(|s| &s.spans)
        .map(|span| {
            json!([chars.at(span.bytes.start), chars.at(span.bytes.end), round(span.score), span.reasons.join(",")])
        })
        .collect();
    let mut out = json!({
        "quality": round(report.quality),
        "p_mt": report.p_mt.map(round),
        "sentences": prose.len(),
        "flagged_sentences": flagged,
        "spans": spans,
    });
    if let Some(keep) = keep {
        out["keep"] = json!(keep);
    }
    out
}

/// Adds `"mtcheck": annotation` to the JSON object `line`, keeping its bytes as they are (a
/// previous "mtcheck" field is replaced, which re-serializes the record).
pub fn annotate_json_line(line: &[u8], annotation: &Value) -> Vec<u8> {
    add_field(line, "mtcheck", annotation)
}

/// Adds `"key": value` to the JSON object `line`, keeping its bytes as they are (a previous
/// `key` field is replaced, which re-serializes the record).
pub fn add_field(line: &[u8], key: &str, value: &Value) -> Vec<u8> {
    let trimmed = line.trim_ascii_end();
    // Parsing the whole record for the key is only worth it where the word occurs at all.
    let replace = memchr::memmem::find(trimmed, key.as_bytes()).is_some()
        && serde_json::from_slice::<serde_json::Map<String, Value>>(trimmed).is_ok_and(|m| m.contains_key(key));
    if replace {
        let mut record: serde_json::Map<String, Value> = serde_json::from_slice(trimmed).expect("parsed just above");
        record.insert(key.to_string(), value.clone());
        return serde_json::to_vec(&record).expect("a JSON value serializes");
    }
    let body = &trimmed[..trimmed.len() - 1]; // without the closing brace
    let empty = body.trim_ascii_end().ends_with(b"{");
    let mut out = Vec::with_capacity(line.len() + 256);
    out.extend_from_slice(body);
    if !empty {
        out.push(b',');
    }
    serde_json::to_writer(&mut out, key).expect("a string serializes");
    out.push(b':');
    serde_json::to_writer(&mut out, value).expect("a JSON value serializes");
    out.push(b'}');
    out
}

/// A plain-text document as an annotated JSON record.
pub fn annotate_text_line(text: &str, annotation: &Value) -> Vec<u8> {
    text_record_with(text, "mtcheck", annotation)
}

/// A plain-text document as a JSON record with `"key": value`.
pub fn text_record_with(text: &str, key: &str, value: &Value) -> Vec<u8> {
    let mut record = serde_json::Map::new();
    record.insert("text".to_string(), json!(text));
    record.insert(key.to_string(), value.clone());
    serde_json::to_vec(&record).expect("a JSON value serializes")
}

fn round(x: f32) -> f64 {
    (x as f64 * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_without_touching_the_record() {
        let a = json!({"quality": 0.5});
        assert_eq!(
            annotate_json_line(br#"{"b": 1.50, "a": "\u00e9"}"#, &a),
            br#"{"b": 1.50, "a": "\u00e9","mtcheck":{"quality":0.5}}"#.to_vec()
        );
        assert_eq!(annotate_json_line(b"{ }\r", &a), br#"{ "mtcheck":{"quality":0.5}}"#.to_vec());
        let replaced = annotate_json_line(br#"{"z": 1, "mtcheck": {"old": true}, "a": 2}"#, &a);
        assert_eq!(replaced, br#"{"z":1,"mtcheck":{"quality":0.5},"a":2}"#.to_vec());
    }
}
