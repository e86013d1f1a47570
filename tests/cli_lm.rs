//! The `mtcheck lm` and `train lm` commands end to end: output layout, exit codes, bad input.

mod common;

use common::mtcheck;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lm").join(name)
}

#[test]
fn query_prints_kenlm_layout_and_skips_invalid_utf8_lines() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("fx.mtlm");
    let out = mtcheck(
        &[
            "lm",
            "import-arpa",
            fixture("lmplz-o5.arpa").to_str().unwrap(),
            "-o",
            model.to_str().unwrap(),
            "--bits",
            "32",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = mtcheck(
        &["lm", "query", "-m", model.to_str().unwrap(), "--tokenized"],
        b"reka lenozo zuzota\n\xff\xfe broken\nqqq reka\n",
    );
    // The bad line is reported and skipped, the rest scored, and the exit code says so.
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let expected_first = "reka=3 2 -1.5245594\tlenozo=4 3 -0.63546324\tzuzota=343 1 -4.3402967\t</s>=2 2 -0.63529634\tTotal: -7.135616 OOV: 0";
    assert_eq!(stdout.lines().next().unwrap(), expected_first);
    assert!(stdout.contains("Tokens:\t7\n"), "{stdout}");
    assert!(stderr.contains("-:2: invalid UTF-8"), "{stderr}");
}

#[test]
fn missing_model_is_an_error_with_exit_code_2() {
    let out = mtcheck(&["lm", "query", "-m", "/no/such/model.mtlm"], b"hello\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/model.mtlm"));
}

#[test]
fn train_writes_a_model_that_query_reads() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("small.mtlm");
    let out = mtcheck(
        &[
            "train",
            "lm",
            fixture("corpus.txt").to_str().unwrap(),
            "--pretokenized",
            "--order",
            "3",
            "--prune",
            "0,0,1",
            "-o",
            model.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = mtcheck(&["lm", "info", model.to_str().unwrap(), "--verify"], b"");
    let info = String::from_utf8(out.stdout).unwrap();
    assert!(info.contains("order\t3") && info.contains("checksums\tok"), "{info}");
    let out =
        mtcheck(&["lm", "query", "-m", model.to_str().unwrap(), "--tokenized", "-v", "summary"], b"reka lenozo\n");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Perplexity including OOVs:"), "{text}");
}

#[test]
fn train_refuses_to_run_without_an_output() {
    let out = mtcheck(&["train", "lm", fixture("corpus.txt").to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to write"));
}

#[test]
fn closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtcheck"))
        .args(["tokenize", fixture("corpus.txt").to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
