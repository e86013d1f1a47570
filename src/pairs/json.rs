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

    /// The JSON line of member `m`; `names` are the inputs as they are to be shown.
    pub fn json_line(&self, m: &Member, names: &[String], field: &str) -> Result<Value> {
        let at = self.location(m.doc);
        let mut line = json!({
            "id": self.id(m.doc, field)?,
            "input": names[at.input as usize],
            "line": at.line,
            "group": m.group,
            "role": m.role.name(),
        });
        if let Some(of) = m.of {
            let key = if m.role == Role::SpunCopy { "spun_copy_of" } else { "copy_of" };
            let from = self.location(of);
            line[key] = self.id(of, field)?;
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
        Ok(line)
    }
}

fn round(x: f32) -> f64 {
    (x as f64 * 1e4).round() / 1e4
}
