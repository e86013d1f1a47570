//! Storing models on disk: the memory-mapped model file ([`format`]), its writer
//! ([`writer`]), value quantization ([`quantize`]) and table hashing ([`hashing`]).

pub mod format;
pub mod hashing;
pub mod quantize;
pub mod writer;

pub use writer::{write_model, WriteOptions};
