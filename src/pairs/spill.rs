//! What `mtcheck pairs` keeps on disk instead of in memory: every readable record as read,
//! a fixed-size bottom-k sketch per document, and the LSH band keys split into partitions by
//! their top bits (each partition is sorted alone, so memory is one partition's worth).

use crate::attribution::minhash::{Sketch, SKETCH};
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Band-key partitions: at 100,000 documents one holds ~50,000 keys (600 KB).
pub const PARTITIONS: usize = 256;
/// Bytes of one band-key entry: the key (u64) and the document (u32).
const ENTRY: usize = 12;

pub struct Spill {
    dir: tempfile::TempDir,
    records: BufWriter<File>,
    records_len: u64,
    /// Where each document's record starts in the records file (and one past the last).
    offsets: Vec<u64>,
    sketches: BufWriter<File>,
    partitions: Vec<BufWriter<File>>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

impl Spill {
    /// A spill in a new temporary folder under `under` (default: the system's).
    pub fn new(under: Option<&Path>) -> Result<Self> {
        let base = under.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
        let dir = tempfile::Builder::new().prefix("mtcheck-pairs").tempdir_in(&base).map_err(io(&base))?;
        let create = |name: String| -> Result<BufWriter<File>> {
            let path = dir.path().join(name);
            Ok(BufWriter::with_capacity(32 << 10, File::create(&path).map_err(io(&path))?))
        };
        let partitions = (0..PARTITIONS).map(|p| create(format!("bands-{p:03}"))).collect::<Result<Vec<_>>>()?;
        Ok(Spill {
            records: create("records".into())?,
            sketches: create("sketches".into())?,
            partitions,
            records_len: 0,
            offsets: vec![0],
            dir,
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Documents added so far.
    pub fn documents(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Adds a document: its record as read, its sketch and its band keys. Returns its number.
    pub fn add(&mut self, record: &[u8], sketch: &Sketch, band_keys: &[u64]) -> Result<u32> {
        let doc = self.documents() as u32;
        self.records.write_all(record).map_err(io(&self.path("records")))?;
        self.records_len += record.len() as u64;
        self.offsets.push(self.records_len);
        let mut slot = [u64::MAX; SKETCH];
        slot[..sketch.0.len()].copy_from_slice(&sketch.0);
        self.sketches.write_all(bytemuck::cast_slice(&slot)).map_err(io(&self.path("sketches")))?;
        for &key in band_keys {
            let partition = (key >> 56) as usize * PARTITIONS / 256;
            let mut entry = [0u8; ENTRY];
            entry[..8].copy_from_slice(&key.to_le_bytes());
            entry[8..].copy_from_slice(&doc.to_le_bytes());
            self.partitions[partition].write_all(&entry).map_err(io(&self.path("bands")))?;
        }
        Ok(doc)
    }

    /// Ends writing; the spill can then be read.
    pub fn finish(self) -> Result<SpillReader> {
        let Spill { dir, records, offsets, sketches, partitions, .. } = self;
        let close = |w: BufWriter<File>, name: &str| -> Result<()> {
            w.into_inner().map_err(|e| Error::io(dir.path().join(name), e.into_error()))?;
            Ok(())
        };
        close(records, "records")?;
        close(sketches, "sketches")?;
        for p in partitions {
            close(p, "bands")?;
        }
        let open = |name: &str| File::open(dir.path().join(name)).map_err(io(&dir.path().join(name)));
        Ok(SpillReader { records: open("records")?, sketches: open("sketches")?, offsets, dir })
    }
}

/// A finished spill: records and sketches read by document, partitions one at a time.
pub struct SpillReader {
    dir: tempfile::TempDir,
    records: File,
    sketches: File,
    offsets: Vec<u64>,
}

impl SpillReader {
    pub fn documents(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Document `doc`'s record, as it was read.
    pub fn record(&self, doc: u32) -> Result<Vec<u8>> {
        let (start, end) = (self.offsets[doc as usize], self.offsets[doc as usize + 1]);
        let mut buf = vec![0u8; (end - start) as usize];
        self.records.read_exact_at(&mut buf, start).map_err(io(&self.dir.path().join("records")))?;
        Ok(buf)
    }

    /// Document `doc`'s sketch.
    pub fn sketch(&self, doc: u32) -> Result<Sketch> {
        let mut slot = [0u64; SKETCH];
        let offset = doc as u64 * (SKETCH * 8) as u64;
        self.sketches
            .read_exact_at(bytemuck::cast_slice_mut(&mut slot), offset)
            .map_err(io(&self.dir.path().join("sketches")))?;
        Ok(Sketch(slot.iter().copied().take_while(|&h| h != u64::MAX).collect()))
    }

    /// The band-key entries (key, document) of partition `p`, sorted.
    pub fn partition(&self, p: usize) -> Result<Vec<(u64, u32)>> {
        let path = self.dir.path().join(format!("bands-{p:03}"));
        let mut bytes = Vec::new();
        BufReader::new(File::open(&path).map_err(io(&path))?).read_to_end(&mut bytes).map_err(io(&path))?;
        let mut entries: Vec<(u64, u32)> = bytes
            .chunks_exact(ENTRY)
            .map(|e| {
                (
                    u64::from_le_bytes(e[..8].try_into().expect("8 bytes")),
                    u32::from_le_bytes(e[8..].try_into().expect("4 bytes")),
                )
            })
            .collect();
        entries.sort_unstable();
        Ok(entries)
    }
}
