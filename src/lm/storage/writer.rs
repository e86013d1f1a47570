//! Writing an [`NgramModel`] as a model file: vocabulary, exact unigrams, and one linear-probing
//! table per higher order holding fingerprints and (quantized) values.

use crate::error::{Error, Result};
use crate::io::output::write_atomically;
use crate::lm::estimated::NgramModel;
use crate::lm::ngram::{self, MAX_VOCAB};
use crate::lm::storage::format::{self, Header};
use crate::lm::storage::hashing::{bucket, fingerprint, ngram_hash, word_hash};
use crate::lm::storage::quantize::Codebook;
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

/// How values are stored and how full the tables are.
#[derive(Clone, Copy, Debug)]
pub struct WriteOptions {
    /// 8 or 16 (quantized) or 32 (exact f32).
    pub value_bits: u32,
    /// Share of slots in use per n-gram table (≤ 0.7 keeps probes short for missing n-grams).
    pub load_factor: f64,
    /// Also store the n-grams themselves (4 bytes a word), so the model can be exported to ARPA.
    pub keep_ngrams: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions { value_bits: 8, load_factor: 0.7, keep_ngrams: false }
    }
}

const VOCAB_LOAD_FACTOR: f64 = 0.5;
const FIRST_SEED: u64 = 0x6d74_6368_6563_6b00; // "mtcheck\0"

/// Writes `model` to `path` (through a temporary file). Returns the file's size in bytes.
pub fn write_model(model: &NgramModel, path: &Path, options: &WriteOptions) -> Result<u64> {
    if ![8, 16, 32].contains(&options.value_bits) {
        return Err(Error::Config(format!("value bits must be 8, 16 or 32, got {}", options.value_bits)));
    }
    if !(0.05..=0.95).contains(&options.load_factor) {
        return Err(Error::Config(format!("load factor must be in 0.05..0.95, got {}", options.load_factor)));
    }
    let order = model.order();
    if !(2..=ngram::MAX_ORDER).contains(&order) || model.vocab.len() >= MAX_VOCAB {
        return Err(Error::Config(format!("cannot store order {order} with vocabulary {}", model.vocab.len())));
    }
    // A fingerprint collision on one probe chain would make one n-gram shadow another; it is
    // rare (2^-32 per slot passed) and cured by another seed.
    for attempt in 0..16u64 {
        let seed = FIRST_SEED.wrapping_add(attempt);
        if let Some(parts) = build(model, options, seed) {
            let size: u64 = parts.iter().map(|p| p.len() as u64).sum();
            write_atomically(path, |file| {
                let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
                for part in &parts {
                    out.write_all(part)?;
                }
                out.flush()
            })?;
            return Ok(size);
        }
    }
    Err(Error::Training("could not find a collision-free hash seed".into()))
}

fn build(model: &NgramModel, options: &WriteOptions, seed: u64) -> Option<Vec<Vec<u8>>> {
    let order = model.order();
    let mut header = Header {
        order: order as u32,
        vocab_size: model.vocab.len() as u32,
        value_bits: options.value_bits,
        seed,
        ..Header::default()
    };
    for (i, entries) in model.orders.iter().enumerate() {
        header.counts[i] = entries.len() as u64;
    }
    let mut sections: Vec<Vec<u8>> = vec![Vec::new(); format::SECTIONS];

    // Vocabulary text and offsets.
    let mut offsets = Vec::with_capacity(4 * (model.vocab.len() + 1));
    let mut text = Vec::new();
    for word in &model.vocab {
        offsets.extend_from_slice(&(text.len() as u32).to_le_bytes());
        text.extend_from_slice(word.as_bytes());
    }
    offsets.extend_from_slice(&(text.len() as u32).to_le_bytes());
    sections[format::VOCAB_TEXT] = text;
    sections[format::VOCAB_OFFSETS] = offsets;

    // Exact unigram values, by id.
    let unigrams = &model.orders[0];
    let mut values = Vec::with_capacity(8 * unigrams.len());
    for i in 0..unigrams.len() {
        values.extend_from_slice(&unigrams.prob[i].to_le_bytes());
        values.extend_from_slice(&unigrams.backoff.get(i).copied().unwrap_or(0.0).to_le_bytes());
    }
    sections[format::UNIGRAMS] = values;

    // Vocabulary table.
    let vocab_slots = table_slots(model.vocab.len(), VOCAB_LOAD_FACTOR);
    header.slots[0] = vocab_slots as u64;
    let mut table = vec![0u64; vocab_slots];
    for (id, word) in model.vocab.iter().enumerate() {
        let h = word_hash(word, seed);
        let slot = probe_insert(&table, h, |s| s as u32)?;
        table[slot] = fingerprint(h) as u64 | ((id as u64) << 32);
    }
    sections[format::VOCAB_TABLE] = table.iter().flat_map(|s| s.to_le_bytes()).collect();

    // Codebooks and tables of orders 2..=N, orders in parallel.
    let built: Vec<Option<(Vec<u8>, Vec<u8>, usize)>> =
        (2..=order).into_par_iter().map(|n| build_order(model, n, options, seed)).collect();
    let mut codebooks = Vec::new();
    for (n, b) in (2..=order).zip(built) {
        let (book, table, slots) = b?;
        codebooks.extend_from_slice(&book);
        sections[format::order_section(n)] = table;
        header.slots[n - 1] = slots as u64;
    }
    sections[format::CODEBOOKS] = codebooks;
    if options.keep_ngrams {
        for n in 2..=order {
            sections[format::keys_section(n)] =
                model.orders[n - 1].keys.iter().flat_map(|&k| ngram::unpack(k, n)).flat_map(u32::to_le_bytes).collect();
        }
    }
    Some(format::assemble(&mut header, sections))
}

fn table_slots(count: usize, load: f64) -> usize {
    ((count as f64 / load).ceil() as usize).max(count + 1)
}

/// Finds the free slot for hash `h` in a table whose slots give their fingerprint through
/// `fp_of`; `None` when a slot on the chain already holds the same fingerprint.
fn probe_insert<T: Copy + PartialEq + Default>(table: &[T], h: u64, fp_of: impl Fn(T) -> u32) -> Option<usize> {
    let slots = table.len();
    let mut i = bucket(h, slots as u64) as usize;
    let fp = fingerprint(h);
    loop {
        if table[i] == T::default() {
            return Some(i);
        }
        if fp_of(table[i]) == fp {
            return None;
        }
        i += 1;
        if i == slots {
            i = 0;
        }
    }
}

/// Codebooks (prob then backoff) and the probing table of order `n`, or `None` on a
/// fingerprint collision.
fn build_order(model: &NgramModel, n: usize, options: &WriteOptions, seed: u64) -> Option<(Vec<u8>, Vec<u8>, usize)> {
    let entries = &model.orders[n - 1];
    let highest = n == model.order();
    let bits = options.value_bits;
    let value_bytes = (bits / 8) as usize;
    let slot_bytes = if highest { 4 + value_bytes } else { 4 + 2 * value_bytes };
    let slots = table_slots(entries.len(), options.load_factor);

    let (prob_book, backoff_book) = if bits < 32 {
        let backoffs: &[f32] = if highest { &[0.0] } else { &entries.backoff };
        (Some(Codebook::build(&entries.prob, bits, false)), Some(Codebook::build(backoffs, bits, true)))
    } else {
        (None, None)
    };
    let mut books = Vec::new();
    for book in [&prob_book, &backoff_book].into_iter().flatten() {
        for c in &book.centers {
            books.extend_from_slice(&c.to_le_bytes());
        }
    }

    let hashes: Vec<u64> = entries
        .keys
        .par_iter()
        .map(|&key| {
            let mut reversed = [0u32; ngram::MAX_ORDER];
            for (i, id) in ngram::unpack(key, n).enumerate() {
                reversed[n - 1 - i] = id;
            }
            ngram_hash(&reversed[..n], seed)
        })
        .collect();
    let mut fps = vec![0u32; slots];
    let mut table = vec![0u8; slots * slot_bytes];
    let encode = |value: f32, book: &Option<Codebook>, out: &mut [u8]| match book {
        Some(book) => {
            let code = book.encode(value);
            out.copy_from_slice(&code.to_le_bytes()[..value_bytes]);
        }
        None => out.copy_from_slice(&value.to_le_bytes()),
    };
    for (j, &h) in hashes.iter().enumerate() {
        let slot = probe_insert(&fps, h, |fp| fp)?;
        fps[slot] = fingerprint(h);
        let at = slot * slot_bytes;
        table[at..at + 4].copy_from_slice(&fingerprint(h).to_le_bytes());
        encode(entries.prob[j], &prob_book, &mut table[at + 4..at + 4 + value_bytes]);
        if !highest {
            let b = entries.backoff.get(j).copied().unwrap_or(0.0);
            encode(b, &backoff_book, &mut table[at + 4 + value_bytes..at + 4 + 2 * value_bytes]);
        }
    }
    Some((books, table, slots))
}
