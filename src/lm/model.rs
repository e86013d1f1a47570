//! Querying a model file, memory-mapped: opening reads only the 512-byte header, so it costs
//! microseconds whatever the model's size. The query API follows KenLM's `FullScore`:
//! [`LanguageModel::score`] takes a [`State`] (the context) and a word id and returns log10 p,
//! the length of the matched n-gram, and the state to continue from.

use crate::error::{Error, Result};
use crate::lm::ngram::{BOS, MAX_ORDER, UNK};
use crate::lm::storage::format::{self, get_u32, get_u64, Header};
use crate::lm::storage::hashing::{bucket, ngram_hash, probe, word_hash};
use memmap2::{Mmap, MmapMut};
use std::fs::File;
use std::path::{Path, PathBuf};

/// How many words ahead [`LanguageModel::score_sentence`] prefetches.
pub const PREFETCH_AHEAD: usize = 2;

/// The context a query continues from: the last words (most recent first) and the backoff
/// weight of each suffix of that context.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct State {
    words: [u32; MAX_ORDER - 1],
    backoffs: [f32; MAX_ORDER - 1],
    len: u8,
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
struct Table {
    offset: usize,
    slots: u64,
    slot_bytes: usize,
    codebook: usize,
}

/// The model's bytes: the file mapped, or read into memory.
enum Bytes {
    Mapped(Mmap),
    InMemory(MmapMut),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::InMemory(m) => m,
        }
    }
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
    map: Bytes,
    header: Header,
    tables: [Table; MAX_ORDER + 1],
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
            Bytes::InMemory(memory)
        } else {
            let mut options = memmap2::MmapOptions::new();
            if loading == Loading::Populated {
                options.populate();
            }
            Bytes::Mapped(unsafe { options.map(&file) }.map_err(|e| Error::io(path, e))?)
        };
        let header = Header::decode(&map[..map.len().min(format::HEADER_LEN)], len, path)?;
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

    /// The state at the start of a sentence (context `<s>`).
    pub fn begin_sentence(&self) -> State {
        let mut state = State::default();
        state.words[0] = BOS;
        state.backoffs[0] = self.unigram(BOS).1;
        state.len = 1;
        state
    }

    /// The empty context.
    pub fn null_context(&self) -> State {
        State::default()
    }

    /// Scores `word` after `state`: log10 p(word | context), the length of the longest
    /// n-gram found (1 for a unigram, also for `<unk>`), and the state after `word`.
    pub fn score(&self, state: &State, word: u32) -> (f32, u8, State) {
        let context = (state.len as usize).min(self.order() - 1);
        // Hash every order first and prefetch its bucket: the table lookups below are
        // dependent cache misses, and this lets them overlap.
        let mut ids = [0u32; MAX_ORDER];
        let mut hashes = [0u64; MAX_ORDER + 1];
        ids[0] = word;
        for n in 2..=context + 1 {
            ids[n - 1] = state.words[n - 2];
            hashes[n] = ngram_hash(&ids[..n], self.header.seed);
            self.prefetch_slot(n, hashes[n]);
        }
        self.score_hashed(state, word, &hashes)
    }

    /// [`Self::score`] with the hashes of the n-grams ending in `word` given (`hashes[n]` for
    /// order n, over the context `state` holds, which is a suffix of the words before).
    fn score_hashed(&self, state: &State, word: u32, hashes: &[u64; MAX_ORDER + 1]) -> (f32, u8, State) {
        let order = self.order();
        let context = (state.len as usize).min(order - 1);
        let (mut prob, unigram_backoff) = self.unigram(word);
        let mut matched = 1usize;
        let mut next = State::default();
        next.words[0] = word;
        next.backoffs[0] = unigram_backoff;
        next.len = 1;
        for n in 2..=context + 1 {
            let Some((p, b)) = self.lookup(n, hashes[n]) else {
                break;
            };
            prob = p;
            matched = n;
            if n < order {
                next.words[n - 1] = state.words[n - 2];
                next.backoffs[n - 1] = b;
                next.len = n as u8;
            }
        }
        for k in matched..=context {
            prob += state.backoffs[k - 1];
        }
        (prob, matched as u8, next)
    }

    /// Hints the CPU to fetch what scoring the last id of `history` after the ids before it
    /// will read (its unigram entry and the first slot of each n-gram). Calling it a word or
    /// two ahead of [`LanguageModel::score`] hides most of the memory latency of long texts.
    pub fn prefetch(&self, history: &[u32]) {
        if let Some(&word) = history.last() {
            self.prefetch_hashed(word, &self.ngram_hashes(history), history.len());
        }
    }

    /// [`Self::prefetch`] for `word` at the end of a history of `len` words whose n-gram
    /// hashes are already known (see [`Self::ngram_hashes`]).
    fn prefetch_hashed(&self, word: u32, hashes: &[u64; MAX_ORDER + 1], len: usize) {
        let unigrams = self.header.sections[format::UNIGRAMS].offset as usize;
        self.prefetch_at(unigrams + 8 * word.min(self.header.vocab_size - 1) as usize);
        for n in 2..=self.order().min(len) {
            self.prefetch_slot(n, hashes[n]);
        }
    }

    /// The hashes of the n-grams (order 2 and up) ending in the last word of `history`.
    fn ngram_hashes(&self, history: &[u32]) -> [u64; MAX_ORDER + 1] {
        let mut hashes = [0u64; MAX_ORDER + 1];
        let mut ids = [0u32; MAX_ORDER];
        for n in 1..=self.order().min(history.len()) {
            ids[n - 1] = history[history.len() - n];
            if n >= 2 {
                hashes[n] = ngram_hash(&ids[..n], self.header.seed);
            }
        }
        hashes
    }

    /// Hints the CPU to fetch the first slot probed for `hash` in the table of order `n`.
    #[inline]
    fn prefetch_slot(&self, n: usize, hash: u64) {
        let t = self.tables[n];
        self.prefetch_at(t.offset + bucket(hash, t.slots) as usize * t.slot_bytes);
    }

    #[inline]
    fn prefetch_at(&self, at: usize) {
        if let Some(bytes) = self.map.get(at..) {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: prefetching is a hint and never faults, whatever the address.
            unsafe {
                std::arch::x86_64::_mm_prefetch(bytes.as_ptr() as *const i8, std::arch::x86_64::_MM_HINT_T0)
            };
            #[cfg(not(target_arch = "x86_64"))]
            let _ = bytes;
        }
    }

    /// Looks up an n-gram of order `n` by hash: its log10 p and backoff.
    #[inline]
    fn lookup(&self, n: usize, hash: u64) -> Option<(f32, f32)> {
        let t = self.tables[n];
        let slot_at = |i: u64| {
            let at = t.offset + i as usize * t.slot_bytes;
            self.map.get(at..at + t.slot_bytes)
        };
        let i =
            probe(hash, t.slots, |i| slot_at(i).map(|slot| u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]])))?;
        Some(self.decode(&t, n, &slot_at(i)?[4..]))
    }

    fn decode(&self, t: &Table, n: usize, values: &[u8]) -> (f32, f32) {
        let highest = n == self.order();
        match self.header.value_bits {
            8 => {
                let p = self.center(t, 0, values[0] as usize);
                let b = if highest { 0.0 } else { self.center(t, 1, values[1] as usize) };
                (p, b)
            }
            16 => {
                let p = self.center(t, 0, u16::from_le_bytes([values[0], values[1]]) as usize);
                let b =
                    if highest { 0.0 } else { self.center(t, 1, u16::from_le_bytes([values[2], values[3]]) as usize) };
                (p, b)
            }
            _ => {
                let p = f32::from_le_bytes([values[0], values[1], values[2], values[3]]);
                let b = if highest { 0.0 } else { f32::from_le_bytes([values[4], values[5], values[6], values[7]]) };
                (p, b)
            }
        }
    }

    /// Center `code` of codebook `which` (0 prob, 1 backoff) of a table.
    #[inline]
    fn center(&self, t: &Table, which: usize, code: usize) -> f32 {
        let at = t.codebook + 4 * (which * self.header.codebook_len() + code);
        f32::from_bits(get_u32(&self.map, at))
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

    /// Scores a whole sentence of word ids (without `<s>`; `</s>` is added): the total log10
    /// probability and the per-word (log10 p, matched length), `</s>` last.
    pub fn score_sentence(&self, ids: &[u32]) -> (f32, Vec<(f32, u8)>) {
        let mut history = Vec::with_capacity(ids.len() + 2);
        history.push(BOS);
        history.extend_from_slice(ids);
        history.push(crate::lm::ngram::EOS);
        // The hashes of the n-grams ending at each word, computed once: to prefetch their
        // buckets a few words ahead, then to look them up.
        let hashes: Vec<[u64; MAX_ORDER + 1]> = (0..history.len()).map(|i| self.ngram_hashes(&history[..=i])).collect();
        let mut state = self.begin_sentence();
        let mut total = 0f32;
        let mut per_word = Vec::with_capacity(ids.len() + 1);
        for i in 1..history.len() {
            if let Some(ahead) = hashes.get(i + PREFETCH_AHEAD) {
                self.prefetch_hashed(history[i + PREFETCH_AHEAD], ahead, i + PREFETCH_AHEAD + 1);
            }
            let id = history[i];
            let (p, n, next) = self.score_hashed(&state, id, &hashes[i]);
            total += p;
            per_word.push((p, n));
            state = next;
        }
        (total, per_word)
    }
}
