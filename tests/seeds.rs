//! The four seed articles (../shared/seeds, read in place): 003 is the spun one, 000 the clean
//! original, 001 the original with page furniture, 002 a fluent non-native article.

mod common;

use mtcheck::report::{Report, SentenceKind};
use mtcheck::Checker;
use std::sync::LazyLock;

static CHECKER: LazyLock<Checker> = LazyLock::new(|| Checker::new().expect("the shipped model loads"));

fn check(prefix: &str) -> (String, Report) {
    let text = std::fs::read_to_string(common::seed(prefix)).unwrap();
    let report = CHECKER.check(&text);
    (text, report)
}

fn mean_prose_quality(r: &Report) -> f32 {
    let q: Vec<f32> = r.sentences.iter().filter(|s| s.kind == SentenceKind::Prose).map(|s| s.quality).collect();
    q.iter().sum::<f32>() / q.len() as f32
}

#[test]
fn the_spun_article_gets_the_lowest_quality() {
    let spun = check("003").1.quality;
    for other in ["000", "001", "002"] {
        let q = check(other).1.quality;
        assert!(spun + 0.03 < q, "003 quality {spun} not clearly below {other}'s {q}");
    }
}

#[test]
fn clean_and_non_native_articles_have_at_most_one_flagged_sentence() {
    for prefix in ["000", "002"] {
        let (_, r) = check(prefix);
        let flagged = r.sentences.iter().filter(|s| s.flagged).count();
        assert!(flagged <= 1, "{prefix}: {flagged} sentences flagged");
    }
}

#[test]
fn page_furniture_of_001_is_boilerplate() {
    let (text, r) = check("001");
    let kind_of = |needle: &str| {
        let s = r
            .sentences
            .iter()
            .find(|s| text[s.bytes].contains(needle))
            .unwrap_or_else(|| panic!("no sentence with {needle:?}"));
        (s.kind, s.flagged)
    };
    for furniture in [
        "By [Wasef Khalili]",
        "click the share buttons",
        "Follow us on Instagram",
        "publications@globalresearch.ca",
        "Copyright ©",
    ] {
        assert_eq!(kind_of(furniture), (SentenceKind::Boilerplate, false), "{furniture}");
    }
    assert_eq!(kind_of("The situation in Afghanistan has dramatically changed").0, SentenceKind::Prose);
}

#[test]
fn article_sentences_of_001_score_like_those_of_000() {
    let (a, b) = (mean_prose_quality(&check("000").1), mean_prose_quality(&check("001").1));
    assert!((a - b).abs() < 0.05, "000 {a} vs 001 {b}");
}

#[test]
fn the_tautology_scores_below_the_original_article() {
    // Not yet reached (issue 3): flagging it, and the "son of former Soviet leader Ahmad Shah
    // Massoud" sentence, with spans on the garbled words.
    let (text, r) = check("003");
    let original = mean_prose_quality(&check("000").1);
    for needle in ["Anti-retroviral treatment will grow as it grows"] {
        let s = r.sentences.iter().find(|s| text[s.bytes].contains(needle)).unwrap();
        assert!(s.quality < original, "{needle:?}: {} vs 000's mean {original}", s.quality);
    }
}
