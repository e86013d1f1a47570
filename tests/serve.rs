//! `mtcheck serve` end to end over real HTTP (the ureq client): the JSON API answers exactly
//! what `check --format jsonl` prints, LanguageTool's endpoint counts offsets in UTF-16 units,
//! and bad requests, big bodies, a full queue and missing tokens get their status codes.
//! (python/tests/test_serve.py drives it with LanguageTool's own Python client and the page
//! with a real browser.)

mod common;

use common::server::{post_json, serve, status_and_body};
use common::{mtcheck, seed};
use serde_json::Value;
use std::process::Command;

#[test]
fn v1_check_answers_exactly_the_jsonl_of_check() {
    let server = serve(&[]);
    let (status, health) = status_and_body(ureq::get(&format!("{}/health", server.base)).call());
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let (status, model) = status_and_body(ureq::get(&format!("{}/v1/model", server.base)).call());
    assert_eq!(status, 200);
    assert!(model["lm"].as_str().unwrap().starts_with("order 4"), "{model}");

    let texts: Vec<String> =
        ["000", "001", "002", "003"].iter().map(|s| std::fs::read_to_string(seed(s)).unwrap()).collect();
    for text in &texts {
        let cli = mtcheck(&["check", "-", "--format", "jsonl", "--input-format", "text"], text.as_bytes());
        let mut expected: Value = serde_json::from_slice(&cli.stdout).unwrap();
        expected.as_object_mut().unwrap().remove("id"); // the CLI names stdin
        let (status, got) =
            post_json(&format!("{}/v1/check", server.base), &serde_json::json!({"text": text}).to_string());
        assert_eq!(status, 200);
        assert_eq!(got, expected);
    }
    let body = serde_json::json!({"texts": [texts[0], {"id": "b", "text": texts[3]}]}).to_string();
    let (status, got) = post_json(&format!("{}/v1/check", server.base), &body);
    assert_eq!(status, 200);
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1]["id"], "b");

    // With a source: what `check --source` prints, for one text or each of many.
    let example = |name: &str| std::fs::read_to_string(format!("examples/{name}")).unwrap();
    let (spun, source) = (example("article-spun.txt"), example("article.txt"));
    let cli =
        mtcheck(&["check", "examples/article-spun.txt", "--source", "examples/article.txt", "--format", "jsonl"], b"");
    let mut expected: Value = serde_json::from_slice(&cli.stdout).unwrap();
    expected.as_object_mut().unwrap().remove("id");
    let (status, got) = post_json(
        &format!("{}/v1/check", server.base),
        &serde_json::json!({"text": spun, "source": source}).to_string(),
    );
    assert_eq!((status, &got), (200, &expected));
    assert_eq!(got["source"]["relation"], "spun_copy");
    let body = serde_json::json!({"texts": [{"text": spun, "source": source}, spun]}).to_string();
    let (_, got) = post_json(&format!("{}/v1/check", server.base), &body);
    assert_eq!(got[0]["source"]["relation"], "spun_copy");
    assert!(got[1].get("source").is_none(), "a text without a source is read alone");

    // Concurrent requests: all answered, each with its own text's report.
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let url = format!("{}/v1/check", server.base);
            std::thread::spawn(move || {
                let text = format!("The council met on day {i}. It approved the budget. The mayor spoke after it.");
                post_json(&url, &serde_json::json!({"text": text}).to_string())
            })
        })
        .collect();
    for h in handles {
        let (status, report) = h.join().unwrap();
        assert_eq!(status, 200);
        assert_eq!(report["sentences"].as_array().unwrap().len(), 3);
    }
}

#[test]
fn bad_requests_get_clear_errors_and_status_codes() {
    let server = serve(&["--max-body-bytes", "2000"]);
    let url = format!("{}/v1/check", server.base);
    for (body, what) in [
        ("{not json", "bad JSON"),
        ("{\"txt\": \"x\"}", "no text"),
        ("{\"texts\": [1]}", "a number"),
        ("[\"x\"]", "not an object"),
        ("{\"text\": \"x\", \"source\": 7}", "a source that is not text"),
        ("{\"texts\": [{\"text\": \"x\", \"source\": []}]}", "a record's source that is not text"),
    ] {
        let (status, answer) = post_json(&url, body);
        assert_eq!(status, 400, "{what}: {answer}");
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()), "{what}: {answer}");
    }
    let big = serde_json::json!({"text": "word ".repeat(1000)}).to_string();
    assert_eq!(post_json(&url, &big).0, 413);
    let (status, answer) = status_and_body(
        ureq::post(&format!("{}/v2/check", server.base)).send_form(&[("text", "Hallo Welt."), ("language", "de-DE")]),
    );
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("English only"));
    let (status, _) = status_and_body(ureq::get(&format!("{}/nowhere", server.base)).call());
    assert_eq!(status, 404);
}

#[test]
fn languagetool_offsets_are_utf16_units() {
    let server = serve(&[]);
    // An emoji (2 UTF-16 units, 4 bytes) and accents before a garbled sentence.
    let text = "Zoë 👍 wrote this for the café. The night is going on going on going on going on for \
                the workers of the shifts of the the night na pahatubba na bhavataba.";
    let (status, answer) = status_and_body(
        ureq::post(&format!("{}/v2/check", server.base)).send_form(&[("text", text), ("language", "en-US")]),
    );
    assert_eq!(status, 200);
    let units: Vec<u16> = text.encode_utf16().collect();
    let matches = answer["matches"].as_array().unwrap();
    assert!(!matches.is_empty(), "the garbled sentence is found: {answer}");
    for m in matches {
        let (offset, length) = (m["offset"].as_u64().unwrap() as usize, m["length"].as_u64().unwrap() as usize);
        let shown = String::from_utf16(&units[offset..offset + length]).unwrap();
        assert!(m["sentence"].as_str().unwrap().contains(&shown), "{shown:?} in {}", m["sentence"]);
        assert!(m["rule"]["id"].as_str().unwrap().starts_with("MTCHECK_"));
    }
    // The garbled sentence is marked once (its words, not also the sentence around them).
    let marked: Vec<String> = matches
        .iter()
        .map(|m| {
            let offset = m["offset"].as_u64().unwrap() as usize;
            String::from_utf16(&units[offset..offset + m["length"].as_u64().unwrap() as usize]).unwrap()
        })
        .collect();
    assert!(marked.iter().any(|m| m.contains("pahatubba")), "{marked:?}");
    assert_eq!(marked.iter().filter(|m| m.contains("going on")).count(), 1, "{marked:?}");
    let (status, languages) = status_and_body(ureq::get(&format!("{}/v2/languages", server.base)).call());
    assert_eq!(status, 200);
    assert!(languages.as_array().unwrap().iter().any(|l| l["longCode"] == "en-US"));
}

#[test]
fn a_public_address_needs_a_flag_and_a_token_guards_the_api() {
    let out = mtcheck(&["serve", "--bind", "0.0.0.0:0"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--public"));

    let server = serve(&["--token", "s3cret"]);
    let url = format!("{}/v1/check", server.base);
    let body = "{\"text\": \"The council voted.\"}";
    assert_eq!(post_json(&url, body).0, 401);
    let with = ureq::post(&url).set("Authorization", "Bearer s3cret").set("Content-Type", "application/json");
    assert_eq!(status_and_body(with.send_string(body)).0, 200);
    let v2 = format!("{}/v2/check", server.base);
    assert_eq!(status_and_body(ureq::post(&v2).send_form(&[("text", "The council voted.")])).0, 401);
    let keyed = ureq::post(&v2).send_form(&[("text", "The council voted."), ("apiKey", "s3cret")]);
    assert_eq!(status_and_body(keyed).0, 200);
    assert_eq!(status_and_body(ureq::get(&format!("{}/health", server.base)).call()).0, 200);
    let page = ureq::get(&format!("{}/", server.base)).call().unwrap().into_string().unwrap();
    assert!(page.contains("<title>mtcheck") && !page.contains("http://") && !page.contains("https://"));
}

#[test]
fn a_full_queue_answers_503_instead_of_piling_up() {
    let server = serve(&["-j", "1", "--max-queue", "0"]);
    let url = format!("{}/v1/check", server.base);
    // About a second of work on one worker.
    let long = std::fs::read_to_string(seed("003")).unwrap().repeat(150);
    let body = serde_json::json!({"text": long}).to_string();
    let slow = {
        let (url, body) = (url.clone(), body.clone());
        std::thread::spawn(move || post_json(&url, &body).0)
    };
    std::thread::sleep(std::time::Duration::from_millis(250));
    let (status, answer) = post_json(&url, "{\"text\": \"The council voted.\"}");
    assert_eq!(status, 503, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("busy"));
    assert_eq!(slow.join().unwrap(), 200);
}

#[test]
fn invalid_utf8_is_a_400_with_a_message() {
    let server = serve(&[]);
    let json = ureq::post(&format!("{}/v1/check", server.base))
        .set("Content-Type", "application/json")
        .send_bytes(b"{\"text\": \"caf\xe9 au lait\"}");
    let (status, answer) = status_and_body(json);
    assert_eq!(status, 400, "{answer}");
    let form = ureq::post(&format!("{}/v2/check", server.base))
        .set("Content-Type", "application/x-www-form-urlencoded")
        .send_bytes(b"language=en-US&text=caf%E9+au+lait");
    let (status, answer) = status_and_body(form);
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
}

/// SIGTERM (as a service manager stops it): the request in flight is answered, then the
/// server exits 0.
#[cfg(unix)]
#[test]
fn sigterm_finishes_the_requests_in_flight_then_exits() {
    let mut server = serve(&["-j", "1"]);
    let url = format!("{}/v1/check", server.base);
    let long = std::fs::read_to_string(seed("003")).unwrap().repeat(150);
    let body = serde_json::json!({"text": long}).to_string();
    let slow = std::thread::spawn(move || post_json(&url, &body).0);
    std::thread::sleep(std::time::Duration::from_millis(250));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    assert_eq!(slow.join().unwrap(), 200, "the request in flight is answered");
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// Issue 32: a page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) is refused
/// by a loopback server; every answer carries the security headers; "bearer" in any case.
#[test]
fn loopback_serves_loopback_names_only_with_security_headers() {
    let server = serve(&["--token", "s3cret"]);
    let health = format!("{}/health", server.base);
    let rebound = ureq::get(&health).set("Host", "evil.example:8080").call();
    let (status, answer) = status_and_body(rebound);
    assert_eq!(status, 421, "{answer}");
    let port = server.base.rsplit(':').next().unwrap();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        assert_eq!(status_and_body(ureq::get(&health).set("Host", &host).call()).0, 200, "{host}");
    }
    let page = ureq::get(&format!("{}/", server.base)).call().unwrap();
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(page.header("content-security-policy").is_some_and(|p| p.contains("frame-ancestors 'none'")));
    let v1 = format!("{}/v1/check", server.base);
    let lower = ureq::post(&v1).set("Authorization", "bearer s3cret").set("Content-Type", "application/json");
    assert_eq!(status_and_body(lower.send_string("{\"text\": \"The council voted.\"}")).0, 200);
    let out = mtcheck(&["serve", "--bind", "0.0.0.0:0", "--public"], b"");
    assert_eq!(out.status.code(), Some(2), "--public without a token is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("without a token"));
}
