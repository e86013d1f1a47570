//! A model folder's checksums (`checksums.xxh3`): one line per file, `<xxh3-64 hex>  <name>`,
//! written by `mtcheck model seal` at the end of every build script, checked by every detector
//! before it answers. Why a manifest: `lm.mtlm` checks its own sections, but `topics.bin`, the
//! scorer's forests and the encoder's weights have no checksum of their own, and a flipped byte
//! in them changes verdicts without any error. Why xxh3: the LM file already uses it, and it
//! hashes ~10 GB/s, so checking every file a detector reads costs milliseconds (reports/speed.md).
//!
//! A folder without the manifest (a model a user trains into a folder of their own) loads as
//! before, its files unchecked; `mtcheck model info` says so.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest's file name inside a model folder.
pub const CHECKSUMS_FILE: &str = "checksums.xxh3";

/// Files never listed: the manifest itself and the human-readable card (edited by hand).
const UNLISTED: [&str; 2] = [CHECKSUMS_FILE, "MODEL_CARD.md"];

/// xxh3-64 of a file's bytes (mapped, not read into memory).
pub fn file_checksum(path: &Path) -> Result<u64> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if file.metadata().map_err(|e| Error::io(path, e))?.len() == 0 {
        return Ok(xxhash_rust::xxh3::xxh3_64(b""));
    }
    // SAFETY: read-only map of a model file that is not modified while mtcheck runs (the same
    // contract as the memory-mapped language model).
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(|e| Error::io(path, e))?;
    Ok(xxhash_rust::xxh3::xxh3_64(&map))
}

/// The manifest of folder `dir`: file name to checksum (None when the folder has none).
pub fn read_manifest(dir: &Path) -> Result<Option<BTreeMap<String, u64>>> {
    let path = dir.join(CHECKSUMS_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            Error::bad_model(&path, "corrupt: not text (damaged?); run `mtcheck model seal` on a good copy".to_string())
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parsed = line
            .split_once("  ")
            .and_then(|(hex, name)| Some((u64::from_str_radix(hex, 16).ok()?, name.trim().to_string())));
        let Some((sum, name)) = parsed else {
            return Err(Error::bad_model(
                &path,
                format!("corrupt: line {} is not `<hex checksum>  <file>`; run `mtcheck model seal`", i + 1),
            ));
        };
        out.insert(name, sum);
    }
    Ok(Some(out))
}

/// Checks the files `names` of folder `dir` that the manifest lists (all of them, when it
/// has one and they exist) against it; a mismatch is "corrupt" with the file's path.
pub fn verify_files(dir: &Path, names: &[&str]) -> Result<()> {
    let Some(manifest) = read_manifest(dir)? else { return Ok(()) };
    let listed: Vec<(&str, u64)> = names
        .iter()
        .filter_map(|n| manifest.get(*n).map(|&sum| (*n, sum)))
        .filter(|(n, _)| dir.join(n).exists())
        .collect();
    // Two files at once: the larger ones (topics, the encoder) then cost the time of one.
    use rayon::prelude::*;
    listed.par_iter().try_for_each(|&(name, expected)| {
        let path = dir.join(name);
        if file_checksum(&path)? != expected {
            return Err(Error::bad_model(
                &path,
                format!(
                    "corrupt: its checksum does not match {CHECKSUMS_FILE} (copy the model again, or rebuild it \
                     with scripts/build/build-model.sh)"
                ),
            ));
        }
        Ok(())
    })
}

/// Checks the manifest of `dir` covers the folder, and every file it lists but `lm.mtlm`
/// (whose sections the language model checks as it opens: hashing it twice would double the
/// cost). A listed file that is missing is an error (a model without its `document.json`
/// answers differently, silently), and so is a file the manifest does not list, or an empty
/// manifest: a truncated manifest would otherwise protect nothing and say nothing.
pub fn verify_folder(dir: &Path) -> Result<()> {
    let Some(manifest) = read_manifest(dir)? else { return Ok(()) };
    let path = dir.join(CHECKSUMS_FILE);
    let reseal = "copy the model again, or run `mtcheck model seal` if you changed it on purpose";
    if manifest.is_empty() {
        return Err(Error::bad_model(&path, format!("empty: it lists no file (truncated?); {reseal}")));
    }
    if let Some(missing) = manifest.keys().find(|name| !dir.join(name).exists()) {
        return Err(Error::bad_model(dir.join(missing), format!("missing: {CHECKSUMS_FILE} lists it; {reseal}")));
    }
    if let Some(unlisted) = folder_files(dir)?.into_iter().find(|name| !manifest.contains_key(name)) {
        return Err(Error::bad_model(
            dir.join(unlisted),
            format!("not in {CHECKSUMS_FILE} (added after sealing, or a truncated manifest); {reseal}"),
        ));
    }
    let names: Vec<&str> = manifest.keys().map(String::as_str).filter(|n| *n != crate::model_dir::LM_FILE).collect();
    verify_files(dir, &names)
}

/// Writes the manifest of every file in `dir` (but the manifest and the model card), and
/// returns how many it lists.
pub fn seal(dir: &Path) -> Result<usize> {
    let names = folder_files(dir)?;
    let mut text = String::new();
    for name in &names {
        text.push_str(&format!("{:016x}  {name}\n", file_checksum(&dir.join(name))?));
    }
    crate::io::output::write_atomically(&dir.join(CHECKSUMS_FILE), |f| std::io::Write::write_all(f, text.as_bytes()))?;
    Ok(names.len())
}

/// The files of `dir` a manifest lists: regular files, not hidden, but the manifest and the
/// model card; sorted.
fn folder_files(dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !UNLISTED.contains(&n.as_str()) && !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// After a trainer wrote `written` into a sealed model folder: the folder sealed again, so that
/// its own new file is not refused as corrupt (an unsealed folder stays unsealed).
pub fn reseal_after_writing(written: &Path) -> Result<()> {
    let dir = written.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if dir.join(CHECKSUMS_FILE).exists() {
        seal(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_folder_refuses_a_changed_file_and_accepts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.bin"), b"weights").unwrap();
        std::fs::write(dir.path().join("b.json"), b"{}").unwrap();
        std::fs::write(dir.path().join("MODEL_CARD.md"), b"card").unwrap();
        assert!(verify_files(dir.path(), &["a.bin"]).is_ok(), "no manifest: nothing to check");
        assert_eq!(seal(dir.path()).unwrap(), 2);
        assert!(verify_files(dir.path(), &["a.bin", "b.json", "missing.bin"]).is_ok());
        std::fs::write(dir.path().join("a.bin"), b"weightz").unwrap();
        let err = verify_files(dir.path(), &["a.bin"]).unwrap_err().to_string();
        assert!(err.contains("corrupt") && err.contains("a.bin"), "{err}");
        assert!(verify_files(dir.path(), &["b.json"]).is_ok(), "only the files asked for");
        std::fs::write(dir.path().join("MODEL_CARD.md"), b"edited").unwrap();
        std::fs::write(dir.path().join(CHECKSUMS_FILE), b"nonsense\n").unwrap();
        assert!(verify_files(dir.path(), &["b.json"]).unwrap_err().to_string().contains("corrupt"));
    }

    /// Issue 32: a sealed folder with a listed file deleted was used; an emptied or truncated
    /// manifest protected nothing; a manifest with 0xFF in it was "stream did not contain
    /// valid UTF-8".
    #[test]
    fn the_manifest_must_cover_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.bin"), b"weights").unwrap();
        std::fs::write(d.join("document.json"), b"{}").unwrap();
        seal(d).unwrap();
        assert!(verify_folder(d).is_ok());
        std::fs::write(d.join("MODEL_CARD.md"), b"card").unwrap();
        std::fs::write(d.join(".hidden"), b"x").unwrap();
        assert!(verify_folder(d).is_ok(), "the card and hidden files are not model files");
        std::fs::remove_file(d.join("document.json")).unwrap();
        let err = verify_folder(d).unwrap_err().to_string();
        assert!(err.contains("document.json") && err.contains("missing"), "{err}");
        std::fs::write(d.join("document.json"), b"{}").unwrap();
        let manifest = std::fs::read_to_string(d.join(CHECKSUMS_FILE)).unwrap();
        std::fs::write(d.join(CHECKSUMS_FILE), manifest.lines().next().unwrap()).unwrap();
        let err = verify_folder(d).unwrap_err().to_string();
        assert!(err.contains("document.json") && err.contains("not in"), "truncated: {err}");
        std::fs::write(d.join(CHECKSUMS_FILE), b"").unwrap();
        assert!(verify_folder(d).unwrap_err().to_string().contains("empty"));
        std::fs::write(d.join(CHECKSUMS_FILE), b"\xff\xfe  a.bin\n").unwrap();
        assert!(verify_folder(d).unwrap_err().to_string().contains("not text"));
    }
}
