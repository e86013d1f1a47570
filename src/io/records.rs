//! Records as the filter reads them: lines of at most a given length (a longer line is
//! skipped as it streams past, never held whole), and the text inside a record.

use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, BufRead};

/// One line read by [`LineReader`].
pub enum Line {
    /// The line's bytes are in the buffer (without the `\n`).
    Read,
    /// The line was longer than the limit: its bytes were skipped.
    TooLong(u64),
}

/// Reads lines with a cap on their length, counting line numbers and bytes.
pub struct LineReader<R> {
    inner: R,
    max_bytes: usize,
    /// Number of the last line read (1-based).
    pub line: usize,
    /// Bytes read so far (uncompressed).
    pub bytes: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max_bytes: usize) -> Self {
        LineReader { inner, max_bytes, line: 0, bytes: 0 }
    }

    /// The first byte of the input that is not whitespace (None for empty input), without
    /// consuming anything: what JSONL starts with.
    pub fn first_byte(&mut self) -> io::Result<Option<u8>> {
        let available = self.inner.fill_buf()?;
        Ok(available.iter().copied().find(|b| !b.is_ascii_whitespace()))
    }

    /// Reads the next line into `buf` (cleared first); None at the end of the input.
    pub fn next_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Line>> {
        buf.clear();
        let mut length = 0u64;
        let mut any = false;
        loop {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            length += take as u64;
            if length <= self.max_bytes as u64 {
                buf.extend_from_slice(&available[..take]);
            } else {
                buf.clear();
            }
            let consumed = take + usize::from(done);
            self.inner.consume(consumed);
            self.bytes += consumed as u64;
            if done {
                break;
            }
        }
        self.line += 1;
        Ok(Some(if length > self.max_bytes as u64 { Line::TooLong(length) } else { Line::Read }))
    }
}

/// A record's text and id, or why it cannot be read.
pub struct Record<'a> {
    pub text: Cow<'a, str>,
    pub id: Option<serde_json::Value>,
}

/// Why a record cannot be read, with its "id" when that much could be read.
#[derive(Debug)]
pub struct BadRecord {
    pub id: Option<serde_json::Value>,
    pub message: String,
}

impl BadRecord {
    fn new(id: Option<serde_json::Value>, message: String) -> Self {
        BadRecord { id, message }
    }

    fn invalid_utf8(at: usize) -> Self {
        BadRecord::new(None, format!("invalid UTF-8 at byte {at}"))
    }
}

/// The text of a plain-text line (a document a line; a trailing `\r` is not part of it).
pub fn text_record(line: &[u8]) -> Result<Record<'_>, BadRecord> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|e| BadRecord::invalid_utf8(e.valid_up_to()))?;
    Ok(Record { text: Cow::Borrowed(text), id: None })
}

/// The text in string field `field` of a JSONL line, and its "id".
pub fn json_record<'a>(line: &'a [u8], field: &str) -> Result<Record<'a>, BadRecord> {
    match json_field(line, field)? {
        (id, None) => Err(BadRecord::new(id, format!("no field {field:?} (choose the text field with --field)"))),
        (id, Some(text)) => Ok(Record { text: Cow::Owned(text), id }),
    }
}

/// The record's id and its string field `field`, None when it has no such field (an error
/// when it has one that is not a string).
pub fn json_field(line: &[u8], field: &str) -> Result<(Option<serde_json::Value>, Option<String>), BadRecord> {
    let line = std::str::from_utf8(line).map_err(|e| BadRecord::invalid_utf8(e.valid_up_to()))?;
    // Only the text and the id are decoded; other fields stay raw (and are passed on as read).
    let fields: BTreeMap<String, &RawValue> =
        serde_json::from_str(line).map_err(|e| match serde_json::from_str::<IgnoredAny>(line) {
            Ok(_) => BadRecord::new(None, "not a JSON object".to_string()),
            Err(_) => BadRecord::new(None, format!("invalid JSON at column {}: {}", e.column(), without_position(&e))),
        })?;
    let id = fields.get("id").and_then(|raw| serde_json::from_str(raw.get()).ok());
    let Some(raw) = fields.get(field) else { return Ok((id, None)) };
    match serde_json::from_str::<String>(raw.get()) {
        Ok(text) => Ok((id, Some(text))),
        // A string that does not decode: a lone surrogate escape ("\ud800"), say.
        Err(e) if raw.get().starts_with('"') => {
            let why = match lone_surrogate(raw.get()) {
                Some(escape) => {
                    format!("it holds the lone surrogate escape \"{escape}\", half of a UTF-16 pair and no character")
                }
                None => without_position(&e),
            };
            Err(BadRecord::new(id, format!("field {field:?} is a string that cannot be decoded: {why}")))
        }
        Err(_) => Err(BadRecord::new(id, format!("field {field:?} is not a string but {}", kind_of(raw.get())))),
    }
}

/// A JSON error's message without serde's "at line 1 column N": a record is one line, and its
/// line number in the file is given beside the message.
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// The first `\uXXXX` escape in JSON string `raw` that is a surrogate without its partner.
fn lone_surrogate(raw: &str) -> Option<&str> {
    let escape_at = |i: usize| {
        let hex = raw.get(i + 2..i + 6).filter(|_| raw[i..].starts_with("\\u"))?;
        u16::from_str_radix(hex, 16).ok()
    };
    let mut i = 0;
    while let Some(found) = raw.get(i..).and_then(|rest| rest.find('\\')) {
        let at = i + found;
        match escape_at(at) {
            Some(0xD800..=0xDBFF) if escape_at(at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) => {
                i = at + 12
            }
            Some(0xD800..=0xDFFF) => return raw.get(at..at + 6),
            _ => i = at + 2, // another escape: skip it, so "\\" is not read as a start
        }
    }
    None
}

/// What kind of JSON value `raw` is, in words.
fn kind_of(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_and_counted() {
        let data = format!("short\n{}\nlast", "x".repeat(100));
        let mut reader = LineReader::new(std::io::BufReader::with_capacity(16, data.as_bytes()), 50);
        let mut buf = Vec::new();
        assert!(matches!(reader.next_line(&mut buf).unwrap(), Some(Line::Read)));
        assert_eq!(buf, b"short");
        assert!(matches!(reader.next_line(&mut buf).unwrap(), Some(Line::TooLong(100))));
        assert!(matches!(reader.next_line(&mut buf).unwrap(), Some(Line::Read)));
        assert_eq!((buf.as_slice(), reader.line), (&b"last"[..], 3));
        assert!(reader.next_line(&mut buf).unwrap().is_none());
        assert_eq!(reader.bytes, data.len() as u64);
    }

    #[test]
    fn json_records_say_what_is_wrong() {
        let message = |line: &[u8]| json_record(line, "text").err().unwrap().message;
        assert_eq!(json_record(br#"{"id": 3, "text": "Hi \"there\""}"#, "text").unwrap().text, "Hi \"there\"");
        assert!(message(br#"{"id": 3, "body": "x"}"#).contains("no field \"text\""));
        assert_eq!(json_record(br#"{"id": 3, "body": "x"}"#, "text").err().unwrap().id, Some(serde_json::json!(3)));
        assert!(message(br#"{"text": 5}"#).contains("not a string"));
        assert!(message(br#"{"text": "x""#).contains("invalid JSON at column 12: EOF while parsing an object"));
        assert!(!message(br#"{"text": "x""#).contains("line 1"), "a record's line is its file line");
        assert!(message(br#"{"text": null}"#).contains("is not a string but null"));
        let surrogate = message(br#"{"text": "bad \ud800 escape"}"#);
        assert!(surrogate.contains(r#"lone surrogate escape "\ud800""#), "{surrogate}");
        let pair = br#"{"text": "ok \ud83d\ude00 \\ud800"}"#;
        assert_eq!(json_record(pair, "text").unwrap().text, "ok \u{1F600} \\ud800", "a pair and an escaped backslash");
        assert!(message(b"[1, 2]").contains("not a JSON object"));
        assert!(message(b"{\"text\": \"\xff\"}").contains("invalid UTF-8 at byte 10"));
    }
}
