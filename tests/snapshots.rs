//! Golden snapshots of what an editor sees: `--highlight` (with and without colour), the
//! grep-style lines and the summary of the shipped examples, compared byte for byte with the
//! files in `tests/snapshots/`. Scores appear rounded to two decimals there, so a retrained
//! model changes a snapshot only where a reader would see a change.
//!
//! After an intended change of the output or the model, rewrite them with
//! `UPDATE_SNAPSHOTS=1 cargo test --release --test snapshots` and review the diff.

mod common;

use common::mtcheck_in;
use std::path::Path;

fn assert_snapshot(name: &str, args: &[&str]) {
    let out = mtcheck_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, b"");
    assert!(out.status.code().is_some_and(|c| c < 2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
        return;
    }
    let expected =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (write it with UPDATE_SNAPSHOTS=1)", path.display()));
    if out.stdout != expected {
        let got = String::from_utf8_lossy(&out.stdout);
        let want = String::from_utf8_lossy(&expected);
        let first = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(got.lines().count());
        panic!(
            "{name} differs from its snapshot at line {}:\n  got:  {:?}\n  want: {:?}\n\
             (if the change is intended: UPDATE_SNAPSHOTS=1 cargo test --release --test snapshots)",
            first + 1,
            got.lines().nth(first).unwrap_or(""),
            want.lines().nth(first).unwrap_or("")
        );
    }
}

fn example(name: &str) -> String {
    // Relative to the repository, so that the names inside the output are the same everywhere.
    format!("examples/{name}")
}

#[test]
fn highlight_plain() {
    for name in ["spun", "news"] {
        assert_snapshot(&format!("{name}.highlight.txt"), &[&example(&format!("{name}.txt")), "--highlight"]);
    }
}

#[test]
fn highlight_colour() {
    for name in ["spun", "news"] {
        let path = example(&format!("{name}.txt"));
        assert_snapshot(&format!("{name}.highlight-colour.txt"), &[&path, "--highlight", "--color", "always"]);
    }
}

#[test]
fn grep_style_lines() {
    for name in ["spun", "news"] {
        assert_snapshot(&format!("{name}.lines.txt"), &[&example(&format!("{name}.txt"))]);
    }
}

#[test]
fn summary() {
    assert_snapshot("summary.txt", &[&example("spun.txt"), &example("news.txt"), "--format", "summary"]);
}
