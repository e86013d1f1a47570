//! The document verdict on real articles (issue 15): clean news is never called
//! machine-translated, the spun example is, and the JSONL/summary say the same as the library.

use mtcheck::report::{Verdict, MT_LINE};
use mtcheck::Checker;
use std::path::PathBuf;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `../shared/seeds/NNN_*.txt`, beside the repository on every machine.
fn seed(prefix: &str) -> String {
    let dir = repo("../shared/seeds");
    let path = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn clean_news_articles_are_not_called_machine_translated() {
    let checker = Checker::new().unwrap();
    for (name, text) in [
        ("000", seed("000")),
        ("001", seed("001")),
        ("002", seed("002")),
        ("examples/news.txt", std::fs::read_to_string(repo("examples/news.txt")).unwrap()),
    ] {
        let report = checker.check(&text);
        assert_ne!(report.verdict(), Verdict::MachineTranslated, "{name}: {}", report.verdict_text());
        assert!(report.counts().flagged <= 1, "{name}: {}", report.verdict_text());
        if report.counts().prose >= mtcheck::report::MIN_SENTENCES {
            assert!(report.p_mt.unwrap() < MT_LINE, "{name}");
        }
    }
}

#[test]
fn the_spun_example_is_called_machine_translated() {
    let checker = Checker::new().unwrap();
    let report = checker.check(&std::fs::read_to_string(repo("examples/spun.txt")).unwrap());
    assert_eq!(report.verdict(), Verdict::MachineTranslated, "{}", report.verdict_text());
    assert!(report.verdict_text().starts_with("likely machine-translated"));
}

#[test]
fn short_texts_are_too_short_to_judge() {
    let checker = Checker::new().unwrap();
    let report = checker.check("The council approved the budget on Tuesday.");
    assert_eq!(report.p_mt, None);
    assert_eq!(report.verdict(), Verdict::TooShort);
    assert_eq!(report.verdict_text(), "too short to judge");
}

#[test]
fn a_model_folder_without_a_document_model_gives_no_p_mt() {
    let dir = std::env::temp_dir().join(format!("mtcheck-nodoc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["lm.mtlm", "tokenizer.json", "scorer.json", "scorer.forest", "topics.bin"] {
        std::fs::copy(repo("models/en").join(f), dir.join(f)).unwrap();
    }
    let report = Checker::with_model(&dir).unwrap().check(&seed("002"));
    assert_eq!(report.p_mt, None);
    assert_ne!(report.verdict(), Verdict::TooShort);
    std::fs::write(dir.join("document.json"), b"{not json").unwrap();
    let err = Checker::with_model(&dir).err().expect("a corrupt document.json is refused").to_string();
    assert!(err.contains("document.json") && err.contains("not a valid document model"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
