//! A `/v2/check` request as LanguageTool's clients send it: form fields from the query string
//! and the body (whatever the Content-Type says: LTeX sends a form labelled
//! `application/json`), the text as `text` or annotated `data`, and the rule filters.

use super::annotated::AnnotatedText;
use std::collections::{HashMap, HashSet};

/// What a client asked for.
pub struct CheckRequest {
    pub text: AnnotatedText,
    /// The language code asked for (`auto`, `en` or `en-*`).
    pub language: String,
    pub rules: RuleFilter,
    /// `mode=textLevelOnly`: only rules that need the whole text at once. mtcheck has none
    /// (its rules mark sentences and words), so such a request gets no matches; the browser
    /// extension sends one beside its `allButTextLevelOnly` requests, which would otherwise
    /// get every match twice.
    pub text_level_only: bool,
}

impl CheckRequest {
    /// The request in `fields` (see [`fields`]); an error says what is wrong in words.
    pub fn from_fields(fields: &HashMap<String, String>) -> Result<CheckRequest, String> {
        let language = fields.get("language").map_or("auto", String::as_str).to_string();
        if !(language == "auto" || language == "en" || language.starts_with("en-")) {
            return Err(format!("language {language:?}: mtcheck checks English only (en, en-US, en-GB, … or auto)"));
        }
        let text = match (fields.get("text"), fields.get("data")) {
            (Some(text), None) => AnnotatedText::plain(text.clone()),
            (None, Some(data)) => AnnotatedText::from_data(data)?,
            (Some(_), Some(_)) => return Err("send `text` or `data`, not both".to_string()),
            (None, None) => {
                return Err("missing form field `text` (or `data`): send a form such as text=…&language=en-US".into())
            }
        };
        let text_level_only = match fields.get("mode").map(String::as_str) {
            None | Some("all") | Some("allButTextLevelOnly") => false,
            Some("textLevelOnly") => true,
            Some(other) => return Err(format!("mode {other:?}: expected all, textLevelOnly or allButTextLevelOnly")),
        };
        Ok(CheckRequest { text, language, rules: RuleFilter::from_fields(fields)?, text_level_only })
    }
}

/// LanguageTool's rule and category filters: `disabledRules`, `enabledRules`,
/// `disabledCategories`, `enabledCategories` (comma-separated ids) and `enabledOnly`.
#[derive(Default)]
pub struct RuleFilter {
    enabled_only: bool,
    enabled_rules: HashSet<String>,
    disabled_rules: HashSet<String>,
    enabled_categories: HashSet<String>,
    disabled_categories: HashSet<String>,
}

impl RuleFilter {
    fn from_fields(fields: &HashMap<String, String>) -> Result<RuleFilter, String> {
        let ids = |name: &str| -> HashSet<String> {
            fields
                .get(name)
                .map(|list| list.split(',').map(str::trim).filter(|id| !id.is_empty()).map(String::from).collect())
                .unwrap_or_default()
        };
        let filter = RuleFilter {
            // As LanguageTool reads it (Java's Boolean.parseBoolean): "true" in any case, else false.
            enabled_only: fields.get("enabledOnly").is_some_and(|v| v.eq_ignore_ascii_case("true")),
            enabled_rules: ids("enabledRules"),
            disabled_rules: ids("disabledRules"),
            enabled_categories: ids("enabledCategories"),
            disabled_categories: ids("disabledCategories"),
        };
        if filter.enabled_only && filter.enabled_rules.is_empty() && filter.enabled_categories.is_empty() {
            return Err("enabledOnly=true needs enabledRules or enabledCategories".to_string());
        }
        Ok(filter)
    }

    /// Whether rule `id` of category `category` may report: with `enabledOnly`, only the
    /// rules and categories named as enabled; otherwise all but those named as disabled.
    pub fn allows(&self, id: &str, category: &str) -> bool {
        if self.enabled_only {
            (self.enabled_rules.contains(id) || self.enabled_categories.contains(category))
                && !self.disabled_rules.contains(id)
        } else {
            !self.disabled_rules.contains(id) && !self.disabled_categories.contains(category)
        }
    }
}

/// The fields of a request: the query string's, then the body's (a body field wins), as
/// LanguageTool reads them.
pub fn fields(query: Option<&str>, body: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut fields = form_fields(query.unwrap_or("").as_bytes())?;
    let trimmed = body.trim_ascii_start();
    if trimmed.starts_with(b"{") {
        return Err("the body is JSON; /v2/check takes a form (text=… or data=…), as LanguageTool does".into());
    }
    fields.extend(form_fields(body)?);
    Ok(fields)
}

/// The fields of a form (`a=1&b=2`, `+` for space, `%XX` escapes). Written by hand because
/// serde_urlencoded (axum's `Form`) replaces invalid UTF-8 with U+FFFD without a word, and a
/// text mtcheck did not receive must not be checked as if it had.
pub fn form_fields(raw: &[u8]) -> Result<HashMap<String, String>, String> {
    let decode = |part: &[u8]| -> Result<String, String> {
        let mut bytes = Vec::with_capacity(part.len());
        let mut k = 0;
        while k < part.len() {
            match part[k] {
                b'+' => bytes.push(b' '),
                b'%' => {
                    let hex = part.get(k + 1..k + 3).and_then(|h| std::str::from_utf8(h).ok());
                    let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("a bad %-escape in the form")?;
                    bytes.push(byte);
                    k += 2;
                }
                b => bytes.push(b),
            }
            k += 1;
        }
        String::from_utf8(bytes).map_err(|_| "a form field is not valid UTF-8".to_string())
    };
    let mut fields = HashMap::new();
    for pair in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[..0]),
        };
        fields.insert(decode(name)?, decode(value)?);
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(form: &str) -> Result<CheckRequest, String> {
        CheckRequest::from_fields(&fields(None, form.as_bytes())?)
    }

    fn refused(form: &str) -> String {
        request(form).err().expect("refused")
    }

    #[test]
    fn text_or_data_and_the_language() {
        assert_eq!(request("text=Hi+there.&language=en-US").unwrap().text.plain, "Hi there.");
        let data = "data=%7B%22text%22%3A%22Hi%22%7D&language=auto";
        assert_eq!(request(data).unwrap().text.plain, "Hi");
        assert!(refused("text=a&data=%7B%7D").contains("not both"));
        assert!(refused("language=en").contains("missing form field"));
        assert!(refused("text=Hallo&language=de-DE").contains("English only"));
        assert!(request("text=Hi&language=en-AU").is_ok());
        assert!(request("text=Hi&mode=textLevelOnly").unwrap().text_level_only);
        assert!(request("text=Hi&mode=bogus").is_err());
    }

    #[test]
    fn query_and_body_fields_merge_and_a_json_body_is_named() {
        let f = fields(Some("language=en-US&c=1"), b"text=Hi").unwrap();
        assert_eq!((f["language"].as_str(), f["text"].as_str()), ("en-US", "Hi"));
        assert!(fields(None, b" {\"text\": \"Hi\"}").unwrap_err().contains("takes a form"));
    }

    #[test]
    fn rule_filters_as_languagetool_reads_them() {
        let filter = |form: &str| request(&format!("text=x&{form}")).map(|r| r.rules);
        let all = filter("").unwrap();
        assert!(all.allows("A", "C"));
        let off = filter("disabledRules=WHITESPACE_RULE,+A").unwrap();
        assert!(!off.allows("A", "C") && off.allows("B", "C"));
        assert!(!filter("disabledCategories=C").unwrap().allows("A", "C"));
        let only = filter("enabledRules=A&enabledOnly=TRUE").unwrap();
        assert!(only.allows("A", "C") && !only.allows("B", "C"));
        assert!(filter("enabledCategories=C&enabledOnly=true").unwrap().allows("B", "C"));
        assert!(filter("enabledOnly=true").is_err());
    }
}
