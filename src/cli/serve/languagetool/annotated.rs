//! LanguageTool's annotated text (the `data` field): a document as a list of parts, each
//! `{"text": …}` (checked) or `{"markup": …}` (never checked; read as its `interpretAs`, or as
//! nothing). Editor plugins send it so that LaTeX, Markdown or HTML markup is not judged as
//! prose. mtcheck checks the plain text (text parts and interpretAs joined) and reports every
//! offset in the original (all parts joined, markup included), as LanguageTool does.

use serde_json::Value;

/// A document as sent: its plain text (what is checked), its original (what offsets count
/// in) and where each part lies in both.
pub struct AnnotatedText {
    pub plain: String,
    pub original: String,
    /// The parts that take room in the plain text, in order.
    parts: Vec<Part>,
}

/// One part: `plain_len` bytes of the plain text at `plain`, standing for `original_len`
/// bytes of the original at `original`.
struct Part {
    plain: usize,
    plain_len: usize,
    original: usize,
    original_len: usize,
    markup: bool,
}

impl AnnotatedText {
    /// Plain text (the `text` field): plain and original are the same.
    pub fn plain(text: String) -> AnnotatedText {
        let len = text.len();
        let parts = vec![Part { plain: 0, plain_len: len, original: 0, original_len: len, markup: false }];
        AnnotatedText { original: text.clone(), plain: text, parts }
    }

    /// The `data` field: `{"text": "…"}` or `{"annotation": [{"text": …}, {"markup": …,
    /// "interpretAs": …}, …]}`.
    pub fn from_data(data: &str) -> Result<AnnotatedText, String> {
        let value: Value = serde_json::from_str(data).map_err(|e| format!("`data` is not valid JSON: {e}"))?;
        let Value::Object(object) = value else {
            return Err("`data` must be a JSON object: {\"text\": …} or {\"annotation\": […]}".to_string());
        };
        match (object.get("text"), object.get("annotation")) {
            (Some(Value::String(text)), None) => Ok(AnnotatedText::plain(text.clone())),
            (None, Some(Value::Array(parts))) => AnnotatedText::from_parts(parts),
            (Some(_), Some(_)) => Err("`data` has both \"text\" and \"annotation\"; send one".to_string()),
            _ => Err("`data` needs a string \"text\" or an array \"annotation\"".to_string()),
        }
    }

    fn from_parts(list: &[Value]) -> Result<AnnotatedText, String> {
        let mut text = AnnotatedText { plain: String::new(), original: String::new(), parts: Vec::new() };
        for (i, part) in list.iter().enumerate() {
            let field = |name: &str| match part.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(format!("`data` annotation[{i}].{name} is not a string")),
            };
            let (shown, read, markup) = match (field("text")?, field("markup")?) {
                (Some(t), None) => (t, t, false),
                (None, Some(m)) => (m, field("interpretAs")?.unwrap_or(""), true),
                _ => return Err(format!("`data` annotation[{i}] needs one of \"text\" or \"markup\"")),
            };
            if !read.is_empty() {
                text.parts.push(Part {
                    plain: text.plain.len(),
                    plain_len: read.len(),
                    original: text.original.len(),
                    original_len: shown.len(),
                    markup,
                });
            }
            text.plain.push_str(read);
            text.original.push_str(shown);
        }
        Ok(text)
    }

    /// The original bytes of plain bytes `start..end`: exact within text parts; a stretch
    /// that starts or ends inside a markup's interpretAs takes the whole markup.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        (self.original_at(start, false), self.original_at(end, true))
    }

    fn original_at(&self, at: usize, is_end: bool) -> usize {
        // The part holding `at` (for an end, the part it closes: `at` may equal its end).
        let index =
            self.parts
                .partition_point(|p| if is_end { p.plain + p.plain_len < at } else { p.plain + p.plain_len <= at });
        let Some(part) = self.parts.get(index) else { return self.original.len() };
        if part.markup {
            if is_end {
                part.original + part.original_len
            } else {
                part.original
            }
        } else {
            part.original + (at - part.plain).min(part.original_len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_not_checked_and_offsets_count_in_the_original() {
        let data = r##"{"annotation": [
            {"markup": "# "}, {"text": "Title"}, {"markup": "\n\n", "interpretAs": "\n\n"},
            {"text": "One "}, {"markup": "**"}, {"text": "bold"}, {"markup": "**"}, {"text": " word."}]}"##;
        let text = AnnotatedText::from_data(data).unwrap();
        assert_eq!(text.plain, "Title\n\nOne bold word.");
        assert_eq!(text.original, "# Title\n\nOne **bold** word.");
        let bold = text.plain.find("bold").unwrap();
        let (s, e) = text.original_span(bold, bold + 4);
        assert_eq!(&text.original[s..e], "bold");
        let (s, e) = text.original_span(0, text.plain.len());
        assert_eq!(&text.original[s..e], "Title\n\nOne **bold** word.");
        // Through the interpretAs of a markup: the whole markup.
        let (s, e) = text.original_span(5, 7);
        assert_eq!(&text.original[s..e], "\n\n");
    }

    #[test]
    fn plain_data_and_bad_data() {
        assert_eq!(AnnotatedText::from_data(r#"{"text": "Hi there."}"#).unwrap().original, "Hi there.");
        for bad in [
            "",
            "[1]",
            r#"{"annotation": [{"text": 1}]}"#,
            r#"{"annotation": [{}]}"#,
            r#"{"text": "a", "annotation": []}"#,
        ] {
            assert!(AnnotatedText::from_data(bad).is_err(), "{bad}");
        }
        let empty = AnnotatedText::from_data(r#"{"annotation": []}"#).unwrap();
        assert_eq!((empty.plain.as_str(), empty.original_span(0, 0)), ("", (0, 0)));
    }
}
