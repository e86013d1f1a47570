//! Regression tests, each named after a bug that was fixed, so that it stays fixed.

mod common;

use common::mtcheck;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FLUENT: &str = "The city council approved the new budget on Tuesday after a long debate.\n";

/// A link back up the tree made directory walks descend until the OS refused ("Too many
/// levels of symbolic links"), and the whole run failed with exit 2. Walks now skip links to
/// directories met inside them, like `grep -r`.
#[cfg(unix)]
#[test]
fn directory_walk_does_not_follow_a_link_loop() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("a.txt"), FLUENT).unwrap();
    std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
    let root = dir.path().to_str().unwrap();
    let out = mtcheck(&["--format", "summary", root], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1, "a.txt once");
    let out = mtcheck(&["filter", "-q", "--input-format", "text", "--min-quality", "0", root], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, FLUENT.as_bytes());
}

/// Every sentence of a one-line text used to scan its whole line for the furniture rules: a
/// 1 MB line with 18,000 sentences took 13.8 s, and the time grew with the square of the
/// length. The rules now look at most 13 words into a line found by binary search. This is a
/// hang guard, not a speed target: 4 MB checks in about 3 s, the quadratic scan took minutes.
#[test]
fn boilerplate_scan_of_a_long_one_line_text_is_not_quadratic() {
    let sentence = "The committee said on Monday that the new rules would apply from next year. ";
    let text = sentence.repeat(4_000_000 / sentence.len());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtcheck"))
        .args(["--format", "summary", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, text.as_bytes()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(180) {
            child.kill().ok();
            panic!("checking a 4 MB one-line text did not finish in 3 minutes: a quadratic scan is back");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    writer.join().unwrap().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// Outputs are written under a partial name and renamed into place at the end. An early
/// version did that to `-o /dev/null` too, and (run as root) replaced the device with a file.
#[cfg(unix)]
#[test]
fn filter_output_to_dev_null_leaves_the_device_alone() {
    use std::os::unix::fs::FileTypeExt;
    let out = mtcheck(&["filter", "-q", "--min-quality", "0", "-o", "/dev/null"], b"{\"text\": \"Hi there.\"}\n");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "/dev/null is no longer a device");
}
