//! Reading and writing, below every stage: [`input`] opens files, directories and stdin
//! (.gz/.zst by name or magic bytes), [`records`] reads lines with a length cap and the text of
//! JSONL records, [`output`] writes outputs that never exist half-written, and [`eval_set`]
//! reads the labelled evaluation and training sets; [`checksums`] checks a model folder's files
//! against its manifest; [`model_bytes`] holds a model file's bytes,
//! mapped or in memory.

pub mod checksums;
pub mod eval_set;
pub mod input;
pub mod model_bytes;
pub mod output;
pub mod records;
