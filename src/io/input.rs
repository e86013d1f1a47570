//! Opening input files, transparently decompressing `.zst` and `.gz` by extension.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Compression of a file, as its extension says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some("zst") | Some("zstd") => Compression::Zstd,
            Some("gz") => Compression::Gzip,
            _ => Compression::None,
        }
    }
}

/// Whether `path` names JSONL (`.jsonl` or `.ndjson`, also compressed).
pub fn is_jsonl_name(path: &Path) -> bool {
    let name = uncompressed_name(path);
    name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

/// Whether `path` names plain text (`.txt`, also compressed).
pub fn is_text_name(path: &Path) -> bool {
    uncompressed_name(path).ends_with(".txt")
}

/// `path` without a `.gz` or `.zst` ending.
fn uncompressed_name(path: &Path) -> String {
    let name = path.to_string_lossy();
    name.trim_end_matches(".gz").trim_end_matches(".zst").to_string()
}

/// Opens `path` ("-" is standard input) for buffered reading, decompressing `.gz` and `.zst`
/// by extension, or by their magic bytes whatever the name (stdin, a misnamed file).
pub fn open_reader(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    open_counted(path, Arc::default())
}

/// [`open_reader`], adding the number of bytes read from `path` itself (compressed, when it
/// is) to `counter`: progress through a file of known size.
pub fn open_counted(path: &Path, counter: Arc<AtomicU64>) -> Result<Box<dyn BufRead + Send>> {
    let file: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
    };
    let mut raw = BufReader::with_capacity(1 << 20, Counted { inner: file, counter });
    let compression = match Compression::from_path(path) {
        Compression::None => {
            let head = raw.fill_buf().map_err(|e| Error::io(path, e))?;
            if head.starts_with(&[0x1f, 0x8b]) {
                Compression::Gzip
            } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                Compression::Zstd
            } else {
                Compression::None
            }
        }
        named => named,
    };
    Ok(match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(BufReader::with_capacity(1 << 20, flate2::read::MultiGzDecoder::new(raw))),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            1 << 20,
            zstd::stream::read::Decoder::with_buffer(raw).map_err(|e| Error::io(path, e))?,
        )),
    })
}

/// The inputs found under the paths given.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Files as given, then the files of each directory walked; `-` for standard input.
    pub files: Vec<PathBuf>,
    /// Binary files met while walking directories, left out (as grep and rg do).
    pub skipped_binary: Vec<PathBuf>,
    /// FIFOs, sockets and devices met while walking directories: never opened (a FIFO would
    /// hang the walk until something writes to it), left out.
    pub skipped_special: Vec<PathBuf>,
}

/// The files under `paths`: files as given, directories walked (sorted, hidden entries and
/// links to directories inside them skipped, binary files left out and listed), `-` for
/// standard input. A directory that cannot be listed is kept as an input itself: reading it
/// then fails like any unreadable file, is reported with its name, and the run goes on.
pub fn expand_inputs(paths: &[PathBuf]) -> Inputs {
    let mut out = Inputs::default();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out);
        } else {
            out.files.push(path.clone());
        }
    }
    out
}

/// Whether `path` holds binary data: in its first 8 KB (after decompression), a NUL byte (the
/// test grep uses) among more than 3% control bytes. Text, JSONL and their .gz/.zst have
/// none; a text file with a stray NUL is still text (it is read, not lost).
pub fn is_binary(path: &Path) -> bool {
    let Ok(reader) = open_reader(path) else { return false };
    let mut head = Vec::with_capacity(8192);
    // A read error is for the run to report, not a reason to skip the file.
    let _ = reader.take(8192).read_to_end(&mut head);
    let control = head.iter().filter(|&&b| matches!(b, 0..=8 | 14..=26 | 28..=31)).count();
    head.contains(&0) && control * 100 > head.len() * 3
}

fn walk(dir: &Path, out: &mut Inputs) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        out.files.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            // Like `grep -r`: a link to a directory met inside a walk is not followed, so a
            // link back up the tree cannot loop.
            if !path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                walk(&path, out);
            }
        } else if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) && path.exists() {
            out.skipped_special.push(path);
        } else if is_binary(&path) {
            out.skipped_binary.push(path);
        } else {
            out.files.push(path);
        }
    }
}

/// An input's name in messages.
pub fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_walk_is_sorted_skips_hidden_entries_and_does_not_follow_a_link_loop() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("b")).unwrap();
        std::fs::write(root.join("b/two.txt"), "x").unwrap();
        std::fs::write(root.join("a.txt"), "x").unwrap();
        std::fs::write(root.join(".hidden"), "x").unwrap();
        std::os::unix::fs::symlink(root, root.join("b/up")).unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("c.txt")).unwrap();
        std::fs::write(root.join("b/binary.dat"), b"ELF\0\0junk").unwrap();
        let inputs = expand_inputs(&[root.to_path_buf()]);
        assert_eq!(inputs.skipped_binary, [root.join("b/binary.dat")], "binary files are left out and listed");
        let names: Vec<_> =
            inputs.files.iter().map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.txt", "b/two.txt", "c.txt"]);
    }
}
