//! Storing models on disk: the memory-mapped model file ([`format`]), its writer
//! ([`writer`]), value quantization ([`quantize`]) and table hashing ([`hashing`]).

pub mod format;
pub mod hashing;
pub mod quantize;
pub mod writer;

pub use writer::{write_model, WriteOptions};

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a file through a temporary name beside it, renamed into place only when `write`
/// succeeded, so a half-written file never exists under the real name.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut File) -> std::io::Result<()>) -> Result<()> {
    let tmp: PathBuf = {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{}.tmp", std::process::id()));
        path.with_file_name(name)
    };
    let result = (|| {
        let mut file = File::create(&tmp)?;
        write(&mut file)?;
        file.flush()?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}
