//! Where the filter writes: standard output, or a file compressed by its extension (.gz,
//! .zst) that appears under its name only when the run completes. Until then it is written
//! as a hidden partial file beside it, removed if the run fails or is interrupted (the
//! interrupt handler calls [`remove_partial_files`]).

use super::input::Compression;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The partial files of the outputs being written.
static PARTIAL_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes the partial files of unfinished outputs: for an interrupt handler, just before
/// the process exits.
pub fn remove_partial_files() {
    let mut files = PARTIAL_FILES.lock().unwrap_or_else(|e| e.into_inner());
    for file in files.drain(..) {
        std::fs::remove_file(file).ok();
    }
}

fn forget_partial_file(file: &Path) {
    PARTIAL_FILES.lock().unwrap_or_else(|e| e.into_inner()).retain(|f| f != file);
}

/// An output being written.
pub struct Output {
    writer: Option<Box<dyn FinishWrite>>,
    /// (partial file, final name) for regular file outputs.
    file: Option<(PathBuf, PathBuf)>,
    name: String,
}

/// A writer that must be finished (compressed streams write their trailer).
trait FinishWrite: Write + Send {
    fn finish(self: Box<Self>) -> io::Result<()>;
}

impl<W: Write + Send> FinishWrite for BufWriter<W> {
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.flush()
    }
}

impl<W: Write + Send> FinishWrite for flate2::write::GzEncoder<W> {
    fn finish(self: Box<Self>) -> io::Result<()> {
        flate2::write::GzEncoder::finish(*self)?.flush()
    }
}

impl<W: Write + Send> FinishWrite for zstd::stream::write::Encoder<'static, W> {
    fn finish(self: Box<Self>) -> io::Result<()> {
        zstd::stream::write::Encoder::finish(*self)?.flush()
    }
}

impl Output {
    /// An open stream such as standard output (uncompressed), called `name` in messages.
    pub fn stream(stream: impl Write + Send + 'static, name: &str) -> Self {
        Output { writer: Some(Box::new(BufWriter::with_capacity(1 << 20, stream))), file: None, name: name.to_string() }
    }

    /// The file `path`, compressed by its extension, written under a partial name until
    /// [`Output::finish`].
    pub fn create(path: &Path) -> Result<Self> {
        // A device or a pipe (/dev/null, a FIFO) is written as it is: it cannot be replaced.
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        let name = path.file_name().ok_or_else(|| Error::Config(format!("{}: not a file name", path.display())))?;
        let partial = path.with_file_name(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
        let target = if special { path } else { &partial };
        if !special {
            PARTIAL_FILES.lock().unwrap_or_else(|e| e.into_inner()).push(partial.clone());
        }
        let file = BufWriter::with_capacity(1 << 20, File::create(target).map_err(|e| Error::io(path, e))?);
        let writer: Box<dyn FinishWrite> = match Compression::from_path(path) {
            Compression::None => Box::new(file),
            Compression::Gzip => Box::new(flate2::write::GzEncoder::new(file, flate2::Compression::default())),
            Compression::Zstd => Box::new(zstd::stream::write::Encoder::new(file, 3).map_err(|e| Error::io(path, e))?),
        };
        let file = (!special).then(|| (partial, path.to_path_buf()));
        Ok(Output { writer: Some(writer), file, name: path.display().to_string() })
    }

    /// The name to give in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes `bytes` and a line break. An error names this output (not the input being
    /// read): "kept.jsonl: No space left on device".
    pub fn write_line(&mut self, bytes: &[u8]) -> Result<()> {
        let writer = self.writer.as_mut().expect("output written after finish");
        writer.write_all(bytes).and_then(|()| writer.write_all(b"\n")).map_err(|e| Error::io(&self.name, e))
    }

    /// Flushes (and for files: finishes compression, then renames to the final name).
    pub fn finish(mut self) -> Result<()> {
        let writer = self.writer.take().expect("output finished twice");
        writer.finish().map_err(|e| Error::io(Path::new(&self.name), e))?;
        if let Some((partial, path)) = self.file.take() {
            std::fs::rename(&partial, &path).map_err(|e| Error::io(&path, e))?;
            forget_partial_file(&partial);
        }
        Ok(())
    }
}

impl Drop for Output {
    /// An unfinished file output leaves nothing behind.
    fn drop(&mut self) {
        if let Some((partial, _)) = &self.file {
            self.writer.take();
            std::fs::remove_file(partial).ok();
            forget_partial_file(partial);
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn compressed_outputs_round_trip_and_appear_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["out.jsonl", "out.jsonl.gz", "out.jsonl.zst"] {
            let path = dir.path().join(name);
            let mut out = Output::create(&path).unwrap();
            out.write_line(b"{\"text\": \"a\"}").unwrap();
            assert!(!path.exists(), "{name} exists before finish");
            out.finish().unwrap();
            let mut back = String::new();
            crate::io::input::open_reader(&path).unwrap().read_to_string(&mut back).unwrap();
            assert_eq!(back, "{\"text\": \"a\"}\n", "{name}");
        }
        let abandoned = dir.path().join("abandoned.jsonl");
        drop(Output::create(&abandoned).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3, "a dropped output leaves no file");
        let mut null = Output::create(Path::new("/dev/null")).unwrap();
        null.write_line(b"x").unwrap();
        null.finish().unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file(), "/dev/null is still a device");
    }
}
