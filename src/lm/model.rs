//! A model file, memory-mapped: opening reads only the 512-byte header, so it costs
//! microseconds whatever the model's size. This file opens it and reads its vocabulary and
//! unigrams; [`super::query`] scores words and sentences.

use crate::error::{Error, Result};
use crate::io::model_bytes::ModelBytes;
use crate::lm::ngram::{MAX_ORDER, UNK};
use crate::lm::storage::format::{self, get_u32, get_u64, Header};
use crate::lm::storage::hashing::{ngram_hash, probe, word_hash};
use memmap2::MmapMut;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The context a query continues from: the last words (most recent first) and the backoff
/// weight of each suffix of that context.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct State {
    pub(super) words: [u32; MAX_ORDER - 1],
    pub(super) backoffs: [f32; MAX_ORDER - 1],
    pub(super) len: u8,
}

impl State {
    /// Number of context words the state holds.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Location of one order's probing table in the file.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Table {
    pub(super) offset: usize,
    pub(super) slots: u64,
    pub(super) slot_bytes: usize,
    pub(super) codebook: usize,
}

/// Reads `file` into `memory` in chunks on all cores: most of the cost is the kernel zeroing
/// fresh pages, which one thread does at a few hundred MB/s.
#[cfg(unix)]
fn read_in_parallel(file: &File, memory: &mut [u8]) -> std::io::Result<()> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    const CHUNK: usize = 8 << 20;
    memory.par_chunks_mut(CHUNK).enumerate().try_for_each(|(i, chunk)| file.read_exact_at(chunk, (i * CHUNK) as u64))
}

#[cfg(not(unix))]
fn read_in_parallel(mut file: &File, memory: &mut [u8]) -> std::io::Result<()> {
    std::io::Read::read_exact(&mut file, memory)
}

/// How [`LanguageModel`] gets at the file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Loading {
    Lazy,
    Populated,
    InMemory,
}

/// A memory-mapped n-gram model.
pub struct LanguageModel {
    path: PathBuf,
    pub(super) map: ModelBytes,
    pub(super) header: Header,
    pub(super) tables: [Table; MAX_ORDER + 1],
}

impl LanguageModel {
    /// Opens a model file, checking its header. Errors name the file and the problem. Pages
    /// are loaded lazily, as queries touch them (best for short texts).
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, Loading::Lazy)
    }

    /// Reads the whole model into memory backed by huge pages where the system allows
    /// (`MADV_HUGEPAGE`): each query touches a few random places of a large file, and with
    /// 4 KB pages most of them also miss the TLB. Costs a read of the file and the kernel
    /// zeroing fresh pages (0.1–0.25 s for the shipped model on one thread of this VM, less on
    /// all cores); pays off when scoring many megabytes of text (`mtcheck filter`).
    pub fn open_in_memory(path: &Path) -> Result<Self> {
        Self::open_with(path, Loading::InMemory)
    }

    /// Opens a model file with all its pages loaded up front (`MAP_POPULATE`, as KenLM's
    /// default), best before scoring a lot of text.
    pub fn open_populated(path: &Path) -> Result<Self> {
        Self::open_with(path, Loading::Populated)
    }

    fn open_with(path: &Path, loading: Loading) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if len == 0 {
            return Err(Error::bad_model(path, "empty file, not a language model"));
        }
        // SAFETY: the map is read-only; a file changed underneath while mapped is outside
        // what any mmap-based reader can guard against (KenLM has the same contract).
        let map = if loading == Loading::InMemory {
            let mut memory = MmapMut::map_anon(len as usize).map_err(|e| Error::io(path, e))?;
            #[cfg(target_os = "linux")]
            memory.advise(memmap2::Advice::HugePage).ok();
            read_in_parallel(&file, &mut memory).map_err(|e| Error::io(path, e))?;
            ModelBytes::InMemory(memory)
        } else {
            let mut options = memmap2::MmapOptions::new();
            if loading == Loading::Populated {
                options.populate();
            }
            ModelBytes::Mapped(unsafe { options.map(&file) }.map_err(|e| Error::io(path, e))?)
        };
        let header = Header::decode(&map[..map.len().min(format::HEADER_LEN)], len, path)?;
        // Every section a query can touch is checked before the first answer: a damaged n-gram
        // table otherwise turns clean text into "garbled" with no error (issue 25). Mapped,
        // this reads the whole file once (into the page cache the queries then share); its
        // cost on `check` startup is in reports/speed.md.
        format::verify_these(&header, &map, path, 0..format::SECTIONS)?;
        let mut tables = [Table::default(); MAX_ORDER + 1];
        let book_len = header.codebook_len();
        for n in 2..=header.order as usize {
            tables[n] = Table {
                offset: header.sections[format::order_section(n)].offset as usize,
                slots: header.slots[n - 1],
                slot_bytes: header.slot_bytes(n),
                codebook: header.sections[format::CODEBOOKS].offset as usize + 4 * 2 * book_len * (n - 2),
            };
        }
        Ok(LanguageModel { path: path.to_path_buf(), map, header, tables })
    }

    /// Re-reads the whole file and checks every section's checksum.
    pub fn verify(&self) -> Result<()> {
        format::verify_sections(&self.header, &self.map, &self.path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn order(&self) -> usize {
        self.header.order as usize
    }

    pub fn vocab_size(&self) -> usize {
        self.header.vocab_size as usize
    }

    /// The id of `word` (already lower-cased like the training text), or 0 (`<unk>`).
    pub fn word_id(&self, word: &str) -> u32 {
        let h = word_hash(word, self.header.seed);
        let table = self.header.sections[format::VOCAB_TABLE].offset as usize;
        let slot_at = |i: u64| get_u64(&self.map, table + 8 * i as usize);
        match probe(h, self.header.slots[0], |i| Some(slot_at(i) as u32)) {
            Some(i) => {
                let id = (slot_at(i) >> 32) as u32;
                if id < self.header.vocab_size {
                    id
                } else {
                    UNK
                }
            }
            None => UNK,
        }
    }

    /// The word of id `id`.
    pub fn word(&self, id: u32) -> Option<&str> {
        let offsets = self.header.sections[format::VOCAB_OFFSETS].offset as usize;
        let text = self.header.sections[format::VOCAB_TEXT];
        if id >= self.header.vocab_size {
            return None;
        }
        let start = get_u32(&self.map, offsets + 4 * id as usize) as usize;
        let end = get_u32(&self.map, offsets + 4 * id as usize + 4) as usize;
        let bytes = self.map.get(text.offset as usize + start..text.offset as usize + end)?;
        if end > text.len as usize {
            return None;
        }
        std::str::from_utf8(bytes).ok()
    }

    /// log10 p and log10 backoff of unigram `id`.
    pub fn unigram(&self, id: u32) -> (f32, f32) {
        let id = if id < self.header.vocab_size { id } else { UNK };
        let at = self.header.sections[format::UNIGRAMS].offset as usize + 8 * id as usize;
        (f32::from_bits(get_u32(&self.map, at)), f32::from_bits(get_u32(&self.map, at + 4)))
    }

    /// Reads the model back into memory as n-grams with (dequantized) values, for ARPA
    /// export. Needs the n-gram keys ([`Header::has_keys`]).
    pub fn to_ngram_model(&self) -> Result<crate::lm::NgramModel> {
        use crate::lm::estimated::{NgramModel, OrderEntries};
        use crate::lm::ngram;
        if !self.header.has_keys() {
            return Err(Error::bad_model(
                &self.path,
                "this model stores hashed n-grams only, which cannot be listed; rebuild it \
                 with --keep-ngrams, or write ARPA when training (`mtcheck train lm --arpa`)",
            ));
        }
        let v = self.vocab_size() as u32;
        let vocab = (0..v)
            .map(|id| self.word(id).map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::bad_model(&self.path, "corrupted: vocabulary"))?;
        let (prob, backoff) = (0..v).map(|id| self.unigram(id)).unzip();
        let mut orders = vec![OrderEntries { keys: (0..v as u128).collect(), prob, backoff }];
        for n in 2..=self.order() {
            let section = self.header.sections[format::keys_section(n)];
            let bytes = &self.map[section.offset as usize..(section.offset + section.len) as usize];
            let mut entries = OrderEntries::default();
            for gram in bytes.chunks_exact(4 * n) {
                let ids: Vec<u32> = gram.chunks_exact(4).map(|b| get_u32(b, 0)).collect();
                let reversed: Vec<u32> = ids.iter().rev().copied().collect();
                let (p, b) = self.lookup(n, ngram_hash(&reversed, self.header.seed)).ok_or_else(|| {
                    Error::bad_model(&self.path, format!("corrupted: {n}-gram missing from its table"))
                })?;
                entries.keys.push(ngram::pack(&ids));
                entries.prob.push(p);
                if n < self.order() {
                    entries.backoff.push(b);
                }
            }
            orders.push(entries);
        }
        Ok(NgramModel { vocab, orders })
    }
}
