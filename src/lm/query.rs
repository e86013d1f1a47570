//! Queries, as KenLM's `FullScore`: [`LanguageModel::score`] takes a [`State`] (the context)
//! and a word id and returns log10 p, the length of the matched n-gram, and the state to
//! continue from; [`LanguageModel::score_sentence`] scores a whole sentence, prefetching the
//! table slots a few words ahead so that the cache misses overlap.

use super::model::{LanguageModel, State, Table};
use crate::lm::ngram::{BOS, MAX_ORDER};
use crate::lm::storage::format::{self, get_u32};
use crate::lm::storage::hashing::{bucket, ngram_hash, probe};

/// How many words ahead [`LanguageModel::score_sentence`] prefetches.
pub const PREFETCH_AHEAD: usize = 2;

impl LanguageModel {
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
    pub(super) fn lookup(&self, n: usize, hash: u64) -> Option<(f32, f32)> {
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
