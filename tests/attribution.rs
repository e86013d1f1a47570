//! `check --source` (issue 27): a text read against the article it was taken from.

mod common;

use common::{mtcheck, seed};
use serde_json::Value;

fn source_of(text_path: &str, source_path: &str) -> Value {
    let out = mtcheck(&["check", text_path, "--source", source_path, "--format", "jsonl"], b"");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["source"].clone()
}

fn path(p: std::path::PathBuf) -> String {
    p.to_str().unwrap().to_string()
}

#[test]
fn the_example_is_a_spun_copy_with_its_changes_named() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let spun = path(repo.join("examples/spun.txt"));
    let source = source_of(&spun, &path(repo.join("examples/news.txt")));
    assert_eq!(source["relation"], "spun_copy", "{source}");
    assert!(source["verdict"].as_str().unwrap().starts_with("spun copy of the source: "));
    let text = std::fs::read_to_string(&spun).unwrap();
    let changes = source["changes"].as_array().unwrap();
    let changed: Vec<(String, String)> = changes
        .iter()
        .map(|c| {
            let (s, e) = (c["char_start"].as_u64().unwrap() as usize, c["char_end"].as_u64().unwrap() as usize);
            (text.chars().skip(s).take(e - s).collect(), c["was"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(changed.contains(&("transported".to_string(), "had carried".to_string())), "{changed:?}");
    let words = source["words"].as_u64().unwrap();
    let words_changed = source["words_changed"].as_u64().unwrap();
    assert!(words_changed > 0 && words_changed < words);

    let shown = mtcheck(&[&spun, "--source", &path(repo.join("examples/news.txt")), "--color", "never"], b"");
    let shown = String::from_utf8(shown.stdout).unwrap();
    // The relation to the source is the report's first line.
    assert!(shown.lines().next().unwrap().starts_with(&format!("{spun}: spun copy of the source")), "{shown}");
    assert!(shown.contains("\"transported\" was \"had carried\""));
}

#[test]
fn the_example_pair_shows_its_changes_in_place() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (spun, original) = (path(repo.join("examples/article-spun.txt")), path(repo.join("examples/article.txt")));
    let source = source_of(&spun, &original);
    assert_eq!(source["relation"], "spun_copy", "{source}");
    assert_eq!((source["sentences"].as_u64(), source["aligned"].as_u64()), (Some(8), Some(8)));
    let out = mtcheck(&[&spun, "--source", &original, "--highlight", "--color", "never"], b"");
    // A spun copy is something found (exit 1), though the detector alone finds nothing in it.
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8(out.stdout).unwrap();
    // The meaning the spin broke, marked where it stands and named below the verdict.
    assert!(shown.contains("two {+billion+} pounds"), "{shown}");
    assert!(shown.contains("four miles {+south+}"), "{shown}");
    assert!(shown.contains("\"billion\" was \"million\"") && shown.contains("\"south\" was \"north\""));
    assert!(!shown.contains("legend:"), "the legend is for terminals, not pipes");
    // Which of the two is the copy: the spin, not the article.
    assert!(source["p_copy"].as_f64().unwrap() > 0.9, "{source}");
    let reversed = source_of(&original, &spun);
    assert!(reversed["p_copy"].as_f64().unwrap() < 0.1, "{reversed}");
    let told = mtcheck(&[&original, "--source", &spun, "--color", "never"], b"");
    assert!(String::from_utf8(told.stdout).unwrap().contains("note: the source reads more like the copy of this text"));
    let coloured = mtcheck(&[&spun, "--source", &original, "--highlight", "--color", "always"], b"");
    assert!(String::from_utf8(coloured.stdout).unwrap().contains("\x1b[1;35mbillion\x1b[0m"));
}

#[test]
fn typography_alone_is_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let (copy, source) = (dir.path().join("copy.txt"), dir.path().join("source.txt"));
    std::fs::write(
        &source,
        "Afghanistan's leader said the talks - held in \"Doha\" - went well. The rest of the \
        delegation followed him home on Sunday. Nobody else spoke to the press.",
    )
    .unwrap();
    std::fs::write(
        &copy,
        "Afghanistan’s leader said the talks – held in “Doha” – went well. The rest of the \
        delegation followed him home on Sunday. Nobody else spoke to the press.",
    )
    .unwrap();
    let found = source_of(&path(copy.clone()), &path(source.clone()));
    assert_eq!((found["relation"].as_str(), found["words_changed"].as_u64()), (Some("copy"), Some(0)), "{found}");
    let out = mtcheck(&[&path(copy), "--source", &path(source), "--fast"], b"");
    assert_eq!(out.status.code(), Some(0), "a copy is not a spun copy");
}

#[test]
fn the_seeds_copy_and_unrelated() {
    let original = path(seed("000"));
    assert_eq!(source_of(&path(seed("001")), &original)["relation"], "copy", "001 is 000 with page furniture");
    assert_eq!(source_of(&path(seed("002")), &original)["relation"], "unrelated", "002 is another article");
    assert_eq!(source_of(&path(seed("003")), &original)["relation"], "unrelated", "003 spins another article");
    let out = mtcheck(&["check", &original, "--source", "no-such-file.txt"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.txt"));
}

#[test]
fn changes_carry_char_offsets_after_multibyte_text() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original.txt");
    let copy = dir.path().join("copy.txt");
    std::fs::write(
        &original,
        "Zoë met the mayor of Kraków on Monday. The council approved the new budget after a debate.\n",
    )
    .unwrap();
    std::fs::write(
        &copy,
        "Zoë met the mayor of Kraków on Monday. The council adopted the new budget after a debate.\n",
    )
    .unwrap();
    let source = source_of(copy.to_str().unwrap(), original.to_str().unwrap());
    let text = std::fs::read_to_string(&copy).unwrap();
    let change = &source["changes"][0];
    let (s, e) = (change["char_start"].as_u64().unwrap() as usize, change["char_end"].as_u64().unwrap() as usize);
    assert_eq!(text.chars().skip(s).take(e - s).collect::<String>(), "adopted");
    assert_eq!(&text[change["start"].as_u64().unwrap() as usize..change["end"].as_u64().unwrap() as usize], "adopted");
    assert_eq!(change["was"], "approved");
}

#[test]
fn jsonl_records_are_read_against_their_own_source_field() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let spun = std::fs::read_to_string(repo.join("examples/spun.txt")).unwrap();
    let news = std::fs::read_to_string(repo.join("examples/news.txt")).unwrap();
    let input = [
        serde_json::json!({"id": "a", "text": spun, "original": news}),
        serde_json::json!({"id": "b", "text": news, "original": news}),
        serde_json::json!({"id": "c", "text": news}),
        serde_json::json!({"id": "d", "text": news, "original": 5}),
    ]
    .iter()
    .map(|r| r.to_string() + "\n")
    .collect::<String>();
    let out = mtcheck(&["check", "-", "--format", "jsonl", "--source-field", "original"], input.as_bytes());
    let reports: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(reports.len(), 4);
    assert_eq!(reports[0]["source"]["relation"], "spun_copy");
    assert_eq!(reports[1]["source"]["relation"], "copy");
    assert!(reports[2].get("source").is_none(), "no source field, no comparison");
    // A source field that is not text is that record's error, named with its line.
    assert_eq!(reports[3], serde_json::json!({"id": "d", "error": "field \"original\" is not a string but a number"}));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("<stdin>:4: field \"original\" is not a string"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2));
}
