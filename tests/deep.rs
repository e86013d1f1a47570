//! The deep detector (`mtcheck --deep`): its reports keep the full detector's sentences and
//! verdict structure, its spans say "meaning", and a broken deep model folder is a clear error.

use mtcheck::detect::{self, DetectorKind, Settings};
use mtcheck::model_dir::default_model_dir;
use mtcheck::{Checker, DeepChecker};
use std::path::Path;
use std::sync::OnceLock;

fn deep() -> &'static DeepChecker {
    static DEEP: OnceLock<DeepChecker> = OnceLock::new();
    DEEP.get_or_init(|| Checker::deep().expect("the shipped deep model loads"))
}

#[test]
fn deep_reports_keep_the_full_detectors_sentences() {
    let text = std::fs::read_to_string(Path::new("examples/spun.txt")).unwrap();
    // The deep reading stands on the full detector's garble evidence, without round trips.
    let dir = mtcheck::model_dir::default_model_dir();
    let full = Checker::without_round_trips(&dir).unwrap().check(&text);
    let report = deep().check(&text);
    assert_eq!(report.sentences.len(), full.sentences.len());
    for (d, f) in report.sentences.iter().zip(&full.sentences) {
        assert_eq!((d.bytes, d.kind), (f.bytes, f.kind));
        assert!((0.0..=1.0).contains(&d.quality));
        for span in &d.spans {
            assert!(d.bytes.start <= span.bytes.start && span.bytes.end <= d.bytes.end);
            // The full detector's spans, or the token head's in a flagged sentence.
            let full_span = f.spans.contains(span);
            assert!(full_span || (d.flagged && span.reasons == vec!["meaning"]), "{span:?}");
        }
    }
    assert_eq!(report.p_mt, full.p_mt, "P(MT) stays the full detector's");
}

#[test]
fn odd_input_gets_a_report_not_a_panic() {
    let long_word = "x".repeat(5_000);
    let many_pieces = "Zzyzx qwfp ".repeat(400);
    for text in ["", " \n\n ", "\u{0}\u{1}\u{7f}", "¿¡😀 ∑∫ 中文 العربية", long_word.as_str(), many_pieces.as_str()]
    {
        let report = deep().check(text);
        assert!((0.0..=1.0).contains(&report.quality), "{text:?}");
    }
}

/// A copy of the shipped folder with `edit` made, unsealed (without `checksums.xxh3`, as a
/// folder edited by hand is): each test meets the check it is about, not the checksums.
fn model_copy(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(default_model_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == mtcheck::io::checksums::CHECKSUMS_FILE {
            continue;
        }
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    edit(dir.path());
    dir
}

fn open_error(dir: &Path) -> String {
    match detect::open(DetectorKind::Deep, dir, Settings::default()) {
        Ok(_) => panic!("{} should be refused", dir.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_broken_deep_model_is_a_clear_error() {
    let corrupt = model_copy(|d| std::fs::write(d.join("deep.json"), "{\"format\": ").unwrap());
    assert!(open_error(corrupt.path()).contains("deep.json"));
    let escaping = model_copy(|d| {
        let text = std::fs::read_to_string(d.join("deep.json")).unwrap();
        std::fs::write(d.join("deep.json"), text.replace("\"encoder.safetensors\"", "\"../encoder.safetensors\""))
            .unwrap();
    });
    assert!(open_error(escaping.path()).contains("not a plain file name"));
    let no_encoder = model_copy(|d| std::fs::remove_file(d.join("encoder.safetensors")).unwrap());
    assert!(open_error(no_encoder.path()).contains("encoder.safetensors"));
    let truncated = model_copy(|d| {
        let bytes = std::fs::read(d.join("encoder.safetensors")).unwrap();
        std::fs::write(d.join("encoder.safetensors"), &bytes[..bytes.len() / 2]).unwrap();
    });
    assert!(open_error(truncated.path()).contains("encoder.safetensors"));
    // The full detector does not need the deep files (nor, with no_round_trips, the MT engine
    // folder, which is not beside this copy).
    let settings = Settings { no_round_trips: true, ..Settings::default() };
    assert!(detect::open(DetectorKind::Full, no_encoder.path(), settings).is_ok());
}

#[test]
fn clean_articles_stay_clean_under_the_deep_reading() {
    let mut paths: Vec<_> = std::fs::read_dir("../shared/seeds")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| ["000_", "001_", "002_"].iter().any(|k| p.file_name().unwrap().to_string_lossy().starts_with(k)))
        .collect();
    paths.push("examples/news.txt".into());
    assert_eq!(paths.len(), 4);
    for path in paths {
        let report = deep().check(&std::fs::read_to_string(&path).unwrap());
        let flagged = report.sentences.iter().filter(|s| s.flagged).count();
        assert!(flagged <= 1, "{}: {flagged} flagged", path.display());
        assert_ne!(report.verdict(), mtcheck::report::Verdict::MachineTranslated, "{}", path.display());
    }
}
