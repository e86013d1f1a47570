//! The JSON line of a group member: what `mtcheck pairs` writes and the Python package returns.

use super::{Member, Pairs, Role};
use crate::error::Result;
use crate::io::records::{json_record, text_record};
use serde_json::{json, Value};

impl Pairs {
    /// The "id" of document `doc`'s record (null when it has none, as lines of text).
    pub fn id(&self, doc: u32, field: &str) -> Result<Value> {
        let raw = self.record(doc)?;
        let record = json_record(&raw, field).or_else(|_| text_record(&raw));
        Ok(record.ok().and_then(|r| r.id).unwrap_or(Value::Null))
    }

    /// The id shown for document `doc`: a whole text file's name, else its record's id.
    fn shown_id(&self, doc: u32, names: &[String], field: &str) -> Result<Value> {
        if self.is_whole_file(doc) {
            return Ok(json!(names[self.location(doc).input as usize]));
        }
        self.id(doc, field)
    }

    /// The JSON line of member `m`; `names` are the inputs as they are to be shown.
    pub fn json_line(&self, m: &Member, names: &[String], field: &str) -> Result<Value> {
        let at = self.location(m.doc);
        let mut line = json!({
            "id": self.shown_id(m.doc, names, field)?,
            "input": names[at.input as usize],
            "line": at.line,
            "group": m.group,
            "role": m.role.name(),
        });
        if let Some(of) = m.of {
            let key = if m.role == Role::SpunCopy { "spun_copy_of" } else { "copy_of" };
            let from = self.location(of);
            line[key] = self.shown_id(of, names, field)?;
            line["original"] = json!({"input": names[from.input as usize], "line": from.line});
        }
        line["p_original"] = json!(round(m.p_original));
        if let Some(c) = &m.comparison {
            line["sentences"] = json!(c.sentences);
            line["aligned"] = json!(c.aligned);
            line["reworded"] = json!(c.reworded);
            line["words"] = json!(c.words);
            line["words_changed"] = json!(c.words_changed);
        }
        let s = &m.signals;
        line["signals"] = json!({
            "lm": round(s.lm), "ngram": round(s.ngram), "unigram": round(s.unigram), "words": round(s.words),
            "p_mt": s.p_mt.map(round),
        });
        if let Some(stability) = s.stability {
            line["signals"]["stability"] = json!(round(stability));
        }
        Ok(line)
    }
}

impl Pairs {
    /// Every readable record in input order with `"mtcheck_pairs"` added to the members of a
    /// group (their JSON line without id and place, which the record has); calls `each` with
    /// each line to write.
    pub fn annotated_records(
        &self,
        names: &[String],
        field: &str,
        mut each: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let mut members = self.members.iter().peekable();
        for doc in 0..self.documents() {
            let raw = self.record(doc)?;
            let member = members.next_if(|m| m.doc == doc);
            let line = match member {
                None if self.is_jsonl(doc) => raw,
                None => text_record_json(&raw),
                Some(m) => {
                    let mut value = self.json_line(m, names, field)?;
                    if let Some(object) = value.as_object_mut() {
                        for key in ["id", "input", "line"] {
                            object.shift_remove(key);
                        }
                    }
                    if self.is_jsonl(doc) {
                        crate::filter::annotate::add_field(&raw, "mtcheck_pairs", &value)
                    } else {
                        let text = text_record(&raw).map(|r| r.text.into_owned()).unwrap_or_default();
                        crate::filter::annotate::text_record_with(&text, "mtcheck_pairs", &value)
                    }
                }
            };
            each(&line)?;
        }
        Ok(())
    }
}

/// A line of text as a JSON record {"text": ...}.
fn text_record_json(raw: &[u8]) -> Vec<u8> {
    let text = text_record(raw).map(|r| r.text.into_owned()).unwrap_or_default();
    serde_json::to_vec(&json!({ "text": text })).expect("a JSON value serializes")
}

fn round(x: f32) -> f64 {
    (x as f64 * 1e4).round() / 1e4
}
