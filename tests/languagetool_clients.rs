//! `mtcheck serve` as LanguageTool's editor clients use it: the requests LTeX and the
//! browser extension send, rebuilt field for field from their source, replayed over real HTTP
//! against `examples/spun.txt`. (python/tests/test_serve.py runs language_tool_python itself.)
//!
//! - LTeX (ltex-ls, `LanguageToolHttpInterface.createRequestBody`): a form body of `language`,
//!   `data` = `{"annotation": [{"text": …}, {"markup": …, "interpretAs": …}, …]}` and, when
//!   set, `enabledRules`, `motherTongue`, `level=picky`, each value `URLEncoder`-encoded, sent
//!   with `Content-Type: application/json`. It reads `offset` and `length` as positions in
//!   the document, markup included.
//! - The browser extension ("webextension-chrome-ng"): `POST /v2/check?c=1&instanceId=…&v=…`
//!   with `data={"text": …}`, `textSessionId`, `enableHiddenRules`, `level=picky`,
//!   `language=auto`, `noopLanguages`, `preferredLanguages`, `preferredVariants`,
//!   `disabledRules=WHITESPACE_RULE,CONSECUTIVE_SPACES`, `useragent`,
//!   `mode=allButTextLevelOnly` (and a second request with `mode=textLevelOnly`),
//!   `allowIncompleteResults=true`, a string body (fetch labels it `text/plain`).

mod common;

use common::server::{serve, status_and_body, Server};
use serde_json::{json, Value};

/// `encodeURIComponent` / Java's `URLEncoder` (space as `%20`; the server reads `+` too).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

fn spun() -> String {
    std::fs::read_to_string("examples/spun.txt").unwrap()
}

/// `examples/spun.txt` as LTeX annotates its Markdown form: the title behind `# `, the word
/// "pilot" in `*…*`, paragraph breaks as markup read as "\n\n". Returns the annotation and
/// the Markdown document it stands for.
fn markdown_annotation() -> (Value, String) {
    let text = spun();
    let (title, body) = text.split_once("\n\n").unwrap();
    let (before, after) = body.split_once("pilot").unwrap();
    let parts = json!([
        {"markup": "# "}, {"text": title}, {"markup": "\n\n", "interpretAs": "\n\n"},
        {"text": before}, {"markup": "*"}, {"text": "pilot"}, {"markup": "*"}, {"text": after},
    ]);
    let document = format!("# {title}\n\n{before}*pilot*{after}");
    (json!({"annotation": parts}), document)
}

/// The stretch of `document` each match covers (UTF-16 offsets), with its rule.
fn marked(document: &str, answer: &Value) -> Vec<(String, String)> {
    let units: Vec<u16> = document.encode_utf16().collect();
    answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let (offset, length) = (m["offset"].as_u64().unwrap() as usize, m["length"].as_u64().unwrap() as usize);
            let stretch = String::from_utf16(&units[offset..offset + length]).unwrap();
            (m["rule"]["id"].as_str().unwrap().to_string(), stretch)
        })
        .collect()
}

/// No two matches overlap (one underline per stretch).
fn assert_no_overlap(answer: &Value) {
    let mut spans: Vec<(u64, u64)> = answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["offset"].as_u64().unwrap(), m["offset"].as_u64().unwrap() + m["length"].as_u64().unwrap()))
        .collect();
    spans.sort();
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "overlapping matches: {spans:?}");
}

fn post(server: &Server, query: &str, content_type: &str, body: &str) -> (u16, Value) {
    let url = format!("{}/v2/check{query}", server.base);
    status_and_body(ureq::post(&url).set("Content-Type", content_type).send_string(body))
}

#[test]
fn ltex_request_gets_matches_at_document_offsets_outside_markup() {
    let server = serve(&[]);
    let (data, document) = markdown_annotation();
    let body =
        form(&[("language", "en-US"), ("data", &data.to_string()), ("motherTongue", "de-DE"), ("level", "picky")]);
    let (status, answer) = post(&server, "", "application/json", &body);
    assert_eq!(status, 200, "{answer}");
    let found = marked(&document, &answer);
    assert!(found.iter().any(|(_, s)| s == "na pahatubba"), "{found:?}");
    let in_markup = |s: &str| s.starts_with(['#', '*', '\n']) || s.ends_with(['*', '\n']);
    assert!(found.iter().all(|(_, s)| !in_markup(s)), "no match starts or ends in markup: {found:?}");
    assert_no_overlap(&answer);
    // The same stretches as plain `text` of the same words gets (inline markup aside).
    let plain = spun();
    let (status, plain_answer) = post(&server, "", "application/x-www-form-urlencoded", &form(&[("text", &plain)]));
    assert_eq!(status, 200);
    let unmarked: Vec<(String, String)> = found.iter().map(|(r, s)| (r.clone(), s.replace('*', ""))).collect();
    assert_eq!(unmarked, marked(&plain, &plain_answer));
    // LTeX's `enabledRules` (its "enabled rules" setting) leaves the others on.
    let body = form(&[("language", "en-US"), ("data", &data.to_string()), ("enabledRules", "SOME_LT_RULE")]);
    assert_eq!(marked(&document, &post(&server, "", "application/json", &body).1), found);
}

#[test]
fn browser_extension_requests_and_its_turned_off_rules() {
    let server = serve(&[]);
    let text = spun();
    let data = json!({"text": text}).to_string();
    let request = |mode: &str, disabled: &str| {
        form(&[
            ("data", &data),
            ("textSessionId", "35069:1649698031896"),
            ("enableHiddenRules", "true"),
            ("level", "picky"),
            ("language", "auto"),
            ("noopLanguages", "en,sv"),
            ("preferredLanguages", "en,sv"),
            ("preferredVariants", "en-US,de-DE,pt-PT,ca-es"),
            ("disabledRules", disabled),
            ("useragent", "webextension-chrome-ng"),
            ("mode", mode),
            ("allowIncompleteResults", "true"),
        ])
    };
    let query = "?c=1&instanceId=35069%3A1649698031896&v=standalone";
    let plain = "text/plain;charset=UTF-8";
    let (status, answer) =
        post(&server, query, plain, &request("allButTextLevelOnly", "WHITESPACE_RULE,CONSECUTIVE_SPACES"));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["language"]["code"], "en-US");
    let found = marked(&text, &answer);
    assert!(found.iter().any(|(rule, s)| rule == "MTCHECK_GARBLED_WORDS" && s == "na pahatubba"), "{found:?}");
    assert!(found.iter().any(|(rule, _)| rule == "MTCHECK_GARBLED_SENTENCE"), "{found:?}");
    assert_no_overlap(&answer);
    // Its whole-text request adds nothing (mtcheck has no text-level rules): no match twice.
    let (status, whole) = post(&server, query, plain, &request("textLevelOnly", "WHITESPACE_RULE"));
    assert_eq!((status, whole["matches"].as_array().unwrap().len()), (200, 0));
    // "Turn off this rule" on the words: the sentences they were in are marked instead.
    let (_, off) =
        post(&server, query, plain, &request("allButTextLevelOnly", "WHITESPACE_RULE,MTCHECK_GARBLED_WORDS"));
    let without_words = marked(&text, &off);
    assert!(without_words.iter().all(|(rule, _)| rule == "MTCHECK_GARBLED_SENTENCE"), "{without_words:?}");
    assert!(without_words.iter().any(|(_, s)| s.contains("na pahatubba")), "{without_words:?}");
    assert_no_overlap(&off);
    let (_, none) =
        post(&server, query, plain, &request("allButTextLevelOnly", "MTCHECK_GARBLED_WORDS,MTCHECK_GARBLED_SENTENCE"));
    assert!(none["matches"].as_array().unwrap().is_empty(), "{none}");
}

#[test]
fn every_request_is_logged_without_its_text() {
    let server = serve(&[]);
    let body = form(&[("text", "The night is going on going on na pahatubba."), ("language", "en-US")]);
    assert_eq!(post(&server, "?secret=x", "application/x-www-form-urlencoded", &body).0, 200);
    assert_eq!(post(&server, "", "application/x-www-form-urlencoded", "language=en-US").0, 400);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = server.log.lock().unwrap().clone();
    let lines: Vec<&String> = log.iter().filter(|l| l.contains("/v2/check")).collect();
    assert_eq!(lines.len(), 2, "{log:?}");
    assert!(
        lines[0].contains("POST /v2/check 200 ") && lines[0].contains(" B ") && lines[0].ends_with(" ms"),
        "{log:?}"
    );
    assert!(lines[1].contains("POST /v2/check 400 "), "{log:?}");
    assert!(log.iter().all(|l| !l.contains("pahatubba") && !l.contains("secret")), "{log:?}");
}
