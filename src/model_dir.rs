//! Where the model folder is. Without `--model`, mtcheck takes `$MTCHECK_MODEL_DIR` when it is
//! set (and says so if that folder is missing: a typo must not silently pick another model),
//! else the first of these that exists:
//! 1. `models/en` next to the executable (an installed binary with its model beside it);
//! 2. `models/en` in the source tree the binary was built from (a fresh clone's `cargo run`
//!    and `cargo test` find it there without any setup).
//!
//! When none exists, the error lists the places looked in.

use crate::error::Error;
use std::path::{Path, PathBuf};

/// File name of the language model inside a model folder.
pub const LM_FILE: &str = "lm.mtlm";
/// File name of the tokenizer definition inside a model folder.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// File name of the scorer (learned weights, JSON) inside a model folder.
pub const SCORER_FILE: &str = "scorer.json";
/// The scorer's forests, binary, beside it (named in `scorer.json`).
pub const SCORER_FOREST_FILE: &str = "scorer.forest";
/// File name of the fast scorer (`mtcheck filter`) inside a model folder.
pub const FAST_SCORER_FILE: &str = "fast_scorer.json";
/// File name of the topic vectors inside a model folder.
pub const TOPICS_FILE: &str = "topics.bin";
/// The full detector's document verdict (P(machine-translated) of a document).
pub const DOCUMENT_FILE: &str = "document.json";

/// The deep detector's heads and thresholds (`mtcheck --deep`); it names the encoder files.
pub const DEEP_FILE: &str = "deep.json";

/// The round-trip evidence's weights (the engine itself is the folder beside: `en-pt-roundtrip`).
pub const ROUNDTRIP_FILE: &str = "roundtrip.json";

const ENV: &str = "$MTCHECK_MODEL_DIR";

/// The places looked in, in order, each with what it is.
pub fn candidates() -> Vec<(PathBuf, &'static str)> {
    let mut out = Vec::new();
    if let Some(dir) = std::env::var_os("MTCHECK_MODEL_DIR").filter(|d| !d.is_empty()) {
        out.push((PathBuf::from(dir), ENV));
    }
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        out.push((exe_dir.join("models").join("en"), "next to the executable"));
    }
    out.push((
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models").join("en"),
        "the source tree it was built from",
    ));
    out
}

/// The default model folder: `$MTCHECK_MODEL_DIR` if set, else the first of [`candidates`]
/// that exists (else the last, so that the error names a real path).
pub fn default_model_dir() -> PathBuf {
    let candidates = candidates();
    if let Some((dir, _)) = candidates.iter().find(|(_, what)| *what == ENV) {
        return dir.clone();
    }
    let found = candidates.iter().find(|(dir, _)| dir.is_dir()).or(candidates.last());
    found.map(|(dir, _)| dir.clone()).expect("the source tree is always a candidate")
}

/// Ok when `dir` is a model folder: it exists and holds a language model. A folder without
/// one (empty, or another folder given by mistake) is refused naming what is missing and
/// where the setting came from, not with a bare "lm.mtlm: No such file".
pub fn ensure_model_folder(dir: &Path) -> crate::error::Result<()> {
    ensure_model_folder_exists(dir)?;
    // A sealed folder is checked whole before any detector reads it (the LM checks its own
    // sections as it opens): a damaged file is refused even where this detector would not read
    // it, so that no command answers from a folder known to be damaged.
    crate::io::checksums::verify_folder(dir)
}

/// [`ensure_model_folder`] without the checksums: what `mtcheck model seal` needs (it writes
/// them).
pub fn ensure_model_folder_exists(dir: &Path) -> crate::error::Result<()> {
    if !dir.is_dir() {
        return Err(missing(dir));
    }
    if !dir.join(LM_FILE).exists() {
        let from_env = std::env::var_os("MTCHECK_MODEL_DIR").is_some_and(|d| Path::new(&d) == dir);
        let origin = if from_env { " (from $MTCHECK_MODEL_DIR)" } else { "" };
        return Err(Error::bad_model(
            dir,
            format!(
                "not a model folder{origin}: it has no {LM_FILE} (a model folder holds {LM_FILE}, {TOKENIZER_FILE} \
                 and {SCORER_FILE}, like models/en of the source tree); give one with --model DIR or MTCHECK_MODEL_DIR"
            ),
        ));
    }
    Ok(())
}

/// The error for a model folder `dir` that does not exist, with how to give one and where
/// mtcheck looks by default.
pub fn missing(dir: &Path) -> Error {
    let looked: Vec<String> = candidates().iter().map(|(d, what)| format!("{} ({what})", d.display())).collect();
    Error::bad_model(
        dir,
        format!(
            "no such model folder (a model folder holds lm.mtlm, tokenizer.json and scorer.json); \
             give one with --model DIR or MTCHECK_MODEL_DIR; by default mtcheck looks in: {}",
            looked.join(", ")
        ),
    )
}
