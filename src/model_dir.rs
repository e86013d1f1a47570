//! Where the shipped model lives. Looked up once, in order: `$MTCHECK_MODEL_DIR`, then
//! `models/en/` in the source tree this binary was built from (a fresh clone's `cargo run`
//! and `cargo test` find it there without any setup).

use std::path::PathBuf;

/// File name of the language model inside a model folder.
pub const LM_FILE: &str = "lm.mtlm";
/// File name of the tokenizer definition inside a model folder.
pub const TOKENIZER_FILE: &str = "tokenizer.json";

/// The default model folder.
pub fn default_model_dir() -> PathBuf {
    match std::env::var_os("MTCHECK_MODEL_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models").join("en"),
    }
}

/// File name of the scorer (learned weights, JSON) inside a model folder.
pub const SCORER_FILE: &str = "scorer.json";
/// File name of the fast scorer (`mtcheck filter`) inside a model folder.
pub const FAST_SCORER_FILE: &str = "fast_scorer.json";
/// File name of the topic vectors inside a model folder.
pub const TOPICS_FILE: &str = "topics.bin";
