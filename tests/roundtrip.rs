//! Issue 33: the neural round-trip engine (`mtcheck spin`, the MT model folder) and the
//! round-trip evidence in `check`, on the seeds and examples with the shipped models.

mod common;

use common::{mtcheck, mtcheck_env, seed};
use std::path::{Path, PathBuf};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn engine_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/en-pt-roundtrip")
}

/// Lines that are blank, and lines that are not, in order: the layout spin must keep.
fn layout(text: &str) -> Vec<bool> {
    text.lines().map(|l| l.trim().is_empty()).collect()
}

#[test]
fn spin_keeps_paragraphs_and_is_deterministic() {
    for path in [seed("000"), seed("003"), Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/news.txt")] {
        let path = path.to_str().unwrap();
        let first = mtcheck(&["spin", path, "-q"], b"");
        assert_eq!(first.status.code(), Some(0), "{path}: {}", stderr(&first));
        let second = mtcheck(&["spin", path, "-q"], b"");
        assert_eq!(stdout(&first), stdout(&second), "{path}: not deterministic");
        let original = std::fs::read_to_string(path).unwrap();
        let spun = stdout(&first);
        assert_eq!(layout(&original), layout(&spun), "{path}: paragraphs moved");
        assert_ne!(original.trim(), spun.trim(), "{path}: nothing changed");
    }
}

#[test]
fn spin_jsonl_keeps_fields_reports_bad_lines_and_goes_on() {
    let input = b"{\"id\": 7, \"text\": \"The council approved the budget on Tuesday after a long debate.\"}\nnot json\n{\"id\": 8}\n{\"id\": 9, \"text\": \"Officials said the robbery happened at night.\"}\n";
    let out = mtcheck(&["spin", "-", "--input-format", "jsonl", "--to-field", "spun", "--hops", "2"], input);
    assert_eq!(out.status.code(), Some(2), "bad records make the exit 2");
    let err = stderr(&out);
    assert!(err.contains("<stdin>:2: not JSON"), "{err}");
    assert!(err.contains("<stdin>:3: no string field \"text\""), "{err}");
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[1]["text"], "Officials said the robbery happened at night.");
    assert!(lines[1]["spun"].as_str().is_some_and(|s| !s.is_empty()));
}

/// An empty or over-long sentence is counted, kept as it was, and never panics or hangs.
#[test]
fn spin_counts_what_the_engine_cannot_take() {
    let long = "word ".repeat(400);
    let text = format!("A short sentence is here.\n\n{long}\n");
    let out = mtcheck(&["spin", "-", "--input-format", "text"], text.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 over the engine's length kept as they were"), "{}", stderr(&out));
    assert!(stdout(&out).contains(long.trim()));
}

fn copy_engine(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(engine_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn a_damaged_mt_model_is_refused_by_spin_check_and_model_info() {
    let dir = tempfile::tempdir().unwrap();
    let engine = dir.path().join("en-pt-roundtrip");
    copy_engine(&engine);
    let model = engine.join("model.pten.intgemm.alphas.bin");
    let mut bytes = std::fs::read(&model).unwrap();
    bytes[1_000_000] ^= 0x40;
    std::fs::write(&model, bytes).unwrap();
    let e = engine.to_str().unwrap();
    let out = mtcheck(&["spin", "--mt-model", e, seed("000").to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("corrupt"), "{}", stderr(&out));
    let out = mtcheck(&["model", "info", e], b"");
    assert_eq!(out.status.code(), Some(2));
    let out = mtcheck_env(&[seed("003").to_str().unwrap()], b"", &[("MTCHECK_MT_DIR", e)]);
    assert_eq!(out.status.code(), Some(2), "check must not answer without its engine");
    assert!(stderr(&out).contains("corrupt"), "{}", stderr(&out));
    // --fast does not load the engine, so it still answers.
    let out = mtcheck_env(&[seed("003").to_str().unwrap(), "--fast"], b"", &[("MTCHECK_MT_DIR", e)]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

#[test]
fn an_unsealed_or_missing_mt_folder_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let engine = dir.path().join("en-pt-roundtrip");
    copy_engine(&engine);
    std::fs::remove_file(engine.join("checksums.xxh3")).unwrap();
    let out = mtcheck(&["spin", "--mt-model", engine.to_str().unwrap(), "-"], b"Hello there, friends.");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not sealed"), "{}", stderr(&out));
    let missing = dir.path().join("nowhere");
    let out = mtcheck_env(&[seed("000").to_str().unwrap()], b"", &[("MTCHECK_MT_DIR", missing.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("fetch-mt-model.sh"), "{}", stderr(&out));
}

#[test]
fn model_info_shows_the_engine() {
    let out = mtcheck(&["model", "info", engine_dir().to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let info = stdout(&out);
    assert!(info.contains("en -> pt -> en"), "{info}");
    assert!(info.contains("7 files verified"), "{info}");
    let out = mtcheck(&["model", "info"], b"");
    assert!(stdout(&out).contains("round-trip engine"), "{}", stdout(&out));
}

fn report(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "jsonl"];
    all.extend_from_slice(args);
    let out = mtcheck(&all, b"");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap()
}

/// The round trips raise the spun seed's P(MT) over the garble evidence's alone, and every
/// sentence sent carries its round trip in the JSONL.
#[test]
fn check_reads_round_trips_by_default_and_fast_skips_them() {
    let path = seed("003");
    let with = report(&[path.to_str().unwrap()]);
    let without = report(&[path.to_str().unwrap(), "--fast"]);
    let p = |r: &serde_json::Value| r["p_mt"].as_f64().unwrap();
    assert!(p(&with) > p(&without) + 0.1, "with {} without {}", p(&with), p(&without));
    let sent: Vec<&serde_json::Value> =
        with["sentences"].as_array().unwrap().iter().filter(|s| s.get("round_trip").is_some()).collect();
    assert!(sent.len() >= 10 && sent.len() <= 24, "{}", sent.len());
    for s in sent {
        let rt = &s["round_trip"];
        assert!(rt["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!((0.0..=1.0).contains(&rt["similarity"].as_f64().unwrap()));
    }
    assert!(without["sentences"].as_array().unwrap().iter().all(|s| s.get("round_trip").is_none()));
}

/// Issue 32: `printf ',\xef\xb7\xba.' | mtcheck` died in the printer ("begin > end"): U+FDFA
/// becomes four words under NFKC, all with its bytes, and the detector made two spans of them.
/// Spans are now normalised where they are made; every output mode and detector survives it.
#[test]
fn a_ligature_that_nfkc_makes_four_words_gives_one_span_not_a_panic() {
    let text = ",\u{fdfa}.";
    for args in [
        vec!["-", "--fast"],
        vec!["-", "--fast", "--highlight"],
        vec!["-", "--fast", "--format", "jsonl"],
        vec!["-", "--deep", "--highlight"],
        vec!["eval", "--scorer", "perplexity", "-"],
    ] {
        let input =
            if args[0] == "eval" { format!("{{\"text\": \"{text}\", \"is_mt\": 1}}\n") } else { text.to_string() };
        let out = mtcheck(&args, input.as_bytes());
        assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", stderr(&out));
        if args.contains(&"jsonl") {
            let v: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
            let spans = v["sentences"][0]["spans"].as_array().unwrap();
            assert!(spans.windows(2).all(|w| w[0]["end"].as_u64() <= w[1]["start"].as_u64()), "{spans:?}");
        }
    }
}

/// Issue 32: `pairs -o IN IN` overwrote its own input (filter refused the same command line);
/// pairs and spin now refuse it as filter does, and the input is left as it was.
#[test]
fn pairs_and_spin_refuse_to_write_over_their_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let original = "{\"id\": 1, \"text\": \"The council met on Tuesday to vote on the budget.\"}\n";
    std::fs::write(&input, original).unwrap();
    let i = input.to_str().unwrap();
    for args in [vec!["pairs", i, "-o", i, "-q"], vec!["spin", i, "-o", i, "-q"]] {
        let out = mtcheck(&args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("is both an input and an output"), "{args:?}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), original, "{args:?}");
    }
}

/// The LM ratio's two models go together: a folder with one of them is refused (exit 2, the
/// file named), and the dump the fit reads is made without the engine.
#[cfg(unix)]
#[test]
fn the_lm_ratio_needs_both_models_and_dumps_fast() {
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/en");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&models).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "lm-ratio-human.mtlm" {
            std::os::unix::fs::symlink(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let (model, engine) = (dir.path().to_str().unwrap(), engine_dir());
    let env = [("MTCHECK_MT_DIR", engine.to_str().unwrap())];
    let out = mtcheck_env(&["--model", model, seed("003").to_str().unwrap()], b"", &env);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("lm-ratio-human.mtlm"), "{}", stderr(&out));

    let info = stdout(&mtcheck(&["model", "info"], b""));
    assert!(info.contains("LM ratio\tlm-ratio-mt.mtlm over lm-ratio-human.mtlm"), "{info}");
    let set = dir.path().join("set.jsonl");
    let text = std::fs::read_to_string(seed("003")).unwrap();
    std::fs::write(&set, format!("{}\n", serde_json::json!({"id": "003", "text": text}))).unwrap();
    let out = mtcheck(&["features", "--dump", set.to_str().unwrap(), "--lm-ratio"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let row: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let ratios = row["ratios"].as_array().unwrap();
    assert!(ratios.len() >= 10 && ratios.iter().all(|r| r["lm_ratio"].as_f64().is_some_and(f64::is_finite)), "{row}");
}
