//! Typed library errors: each says what failed and, where it can, how to fix it.

use std::path::PathBuf;

/// Everything the mtcheck library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing `path` failed. The message includes the cause (so it is not also
    /// given as `source()`, which would print it twice in an error chain).
    #[error("{path}: {cause}")]
    Io { path: PathBuf, cause: std::io::Error },
    /// A model file that cannot be used: truncated, corrupted, wrong version or not a model.
    #[error("{path}: {problem}")]
    BadModel { path: PathBuf, problem: String },
    /// An ARPA file that does not parse.
    #[error("{path}:{line}: {problem}")]
    BadArpa { path: PathBuf, line: usize, problem: String },
    /// The tokenizer definition could not be built or loaded.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// Training could not proceed (e.g. too little data for Kneser-Ney discounts).
    #[error("training: {0}")]
    Training(String),
    /// A setting out of range.
    #[error("{0}")]
    Config(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), cause: source }
    }

    pub fn bad_model(path: impl Into<PathBuf>, problem: impl Into<String>) -> Self {
        Error::BadModel { path: path.into(), problem: problem.into() }
    }
}
