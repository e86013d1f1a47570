//! Shared test harness: run the mtcheck binary with arguments and stdin.
#![allow(dead_code)]

pub mod server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn mtcheck(args: &[&str], stdin: &[u8]) -> Output {
    mtcheck_in(Path::new("."), args, stdin)
}

/// [`mtcheck`] run from folder `dir` (relative paths in `args` are relative to it).
pub fn mtcheck_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    run(dir, args, stdin, &[])
}

/// [`mtcheck`] with environment variables set.
pub fn mtcheck_env(args: &[&str], stdin: &[u8], vars: &[(&str, &str)]) -> Output {
    run(Path::new("."), args, stdin, vars)
}

fn run(dir: &Path, args: &[&str], stdin: &[u8], vars: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtcheck"))
        .current_dir(dir)
        .args(args)
        .envs(vars.iter().copied())
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The child may exit without reading its input (e.g. on a missing model): a closed pipe
    // here is not a failure of the test.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "writing stdin: {e}");
    }
    child.wait_with_output().unwrap()
}

/// `../shared/<rel>` beside the repository.
pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(rel)
}

/// The seed article whose name starts with `prefix` (e.g. "003").
pub fn seed(prefix: &str) -> PathBuf {
    let dir = shared("seeds");
    let entry = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (../shared must sit beside the repository)", dir.display()))
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix));
    entry.unwrap_or_else(|| panic!("no seed {prefix}_* in {}", dir.display()))
}
