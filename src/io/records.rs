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
    let line = std::str::from_utf8(line).map_err(|e| BadRecord::invalid_utf8(e.valid_up_to()))?;
    // Only the text and the id are decoded; other fields stay raw (and are passed on as read).
    let fields: BTreeMap<String, &RawValue> =
        serde_json::from_str(line).map_err(|e| match serde_json::from_str::<IgnoredAny>(line) {
            Ok(_) => BadRecord::new(None, "not a JSON object".to_string()),
            Err(_) => BadRecord::new(None, format!("invalid JSON: {e}")),
        })?;
    let id = fields.get("id").and_then(|raw| serde_json::from_str(raw.get()).ok());
    let Some(raw) = fields.get(field) else {
        return Err(BadRecord::new(id, format!("no field {field:?} (choose the text field with --field)")));
    };
    match serde_json::from_str::<String>(raw.get()) {
        Ok(text) => Ok(Record { text: Cow::Owned(text), id }),
        Err(_) => Err(BadRecord::new(id, format!("field {field:?} is not a string"))),
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
        assert!(message(br#"{"text": "x""#).contains("invalid JSON"));
        assert!(message(b"[1, 2]").contains("not a JSON object"));
        assert!(message(b"{\"text\": \"\xff\"}").contains("invalid UTF-8 at byte 10"));
    }
}
