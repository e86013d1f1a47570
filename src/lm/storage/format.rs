//! The model file: one flat, versioned, little-endian file, memory-mapped rather than read.
//!
//! ```text
//! header (512 bytes): magic "MTCHKLM\0", format version, endianness check, order,
//!   vocabulary size, value bits, hash seed, file length, n-grams and slots per order,
//!   a section table (offset, length, xxh3 checksum) and the header's own checksum
//! sections (64-byte aligned):
//!   VOCAB_TEXT     the words, concatenated UTF-8
//!   VOCAB_OFFSETS  u32 × (V + 1): word i is VOCAB_TEXT[off[i]..off[i+1]]
//!   UNIGRAMS       (f32 log10 p, f32 log10 backoff) × V, by id
//!   VOCAB_TABLE    u64 slots: low 32 bits fingerprint of the word's hash, high 32 bits id
//!   CODEBOOKS      per order 2..N: prob centers, backoff centers (f32 × 2^bits each)
//!   ORDER_n        probing table of order n: slots of fingerprint (u32) + prob code
//!                  (+ backoff code below the highest order); codes are bits/8 bytes wide
//!   KEYS_n         optional (empty unless written with keep_ngrams): the n-grams of order n
//!                  as u32 ids × n, sorted, so the model can be exported back to ARPA
//! ```
//! Opening checks the header (magic, version, endianness, checksum, sizes against the file
//! length), so a truncated, foreign or wrong-version file fails at once with the reason.
//! Every section's checksum is checked on open too, before the first query can read it.

use crate::error::{Error, Result};
use std::path::Path;

pub const MAGIC: &[u8; 8] = b"MTCHKLM\0";
pub const FORMAT_VERSION: u32 = 1;
pub const HEADER_LEN: usize = 512;
const ENDIAN_CHECK: u32 = 0x0A0B_0C0D;
const ALIGN: usize = 64;

pub const VOCAB_TEXT: usize = 0;
pub const VOCAB_OFFSETS: usize = 1;
pub const UNIGRAMS: usize = 2;
pub const VOCAB_TABLE: usize = 3;
pub const CODEBOOKS: usize = 4;
/// Section of the probing table of order `n` (2..=5).
pub const fn order_section(n: usize) -> usize {
    3 + n
}
/// Section of the optional n-gram keys of order `n` (2..=5).
pub const fn keys_section(n: usize) -> usize {
    7 + n
}
pub const SECTIONS: usize = 13;
const SECTION_TABLE_AT: usize = 128;
const CHECKSUM_AT: usize = SECTION_TABLE_AT + SECTIONS * 24;

/// Where a section lies in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub offset: u64,
    pub len: u64,
    pub checksum: u64,
}

/// The fixed-size header at the start of every model file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    pub order: u32,
    pub vocab_size: u32,
    /// Width of stored probabilities and backoffs: 8 or 16 (quantized) or 32 (f32).
    pub value_bits: u32,
    pub seed: u64,
    pub file_len: u64,
    /// N-grams per order, unigrams first (zero past the model order).
    pub counts: [u64; 5],
    /// Slots of the probing tables: [0] the vocabulary table, [n-1] the table of order n.
    pub slots: [u64; 5],
    pub sections: [Section; SECTIONS],
}

impl Header {
    /// Bytes of one slot of the table of order `n`.
    pub fn slot_bytes(&self, n: usize) -> usize {
        let value = (self.value_bits / 8) as usize;
        if n == self.order as usize {
            4 + value
        } else {
            4 + 2 * value
        }
    }

    /// Entries in one codebook.
    pub fn codebook_len(&self) -> usize {
        if self.value_bits < 32 {
            1 << self.value_bits
        } else {
            0
        }
    }

    /// The expected length of each section, derived from the sanity values.
    fn expected_len(&self, section: usize) -> Option<u64> {
        let v = self.vocab_size as u64;
        Some(match section {
            VOCAB_TEXT => return None,
            VOCAB_OFFSETS => 4 * (v + 1),
            UNIGRAMS => 8 * v,
            VOCAB_TABLE => 8 * self.slots[0],
            CODEBOOKS => 4 * 2 * self.codebook_len() as u64 * (self.order as u64 - 1),
            // Key sections are optional: empty is valid whatever the counts.
            s if s >= keys_section(2) => {
                let n = s - 7;
                if self.sections[s].len == 0 || n > self.order as usize {
                    0
                } else {
                    4 * n as u64 * self.counts[n - 1]
                }
            }
            s => {
                let n = s - 3;
                if n > self.order as usize {
                    0
                } else {
                    self.slots[n - 1] * self.slot_bytes(n) as u64
                }
            }
        })
    }

    /// Whether the model carries its n-gram keys (and so can be exported to ARPA).
    pub fn has_keys(&self) -> bool {
        self.order >= 2 && self.sections[keys_section(2)].len > 0
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut b = vec![0u8; HEADER_LEN];
        b[0..8].copy_from_slice(MAGIC);
        put_u32(&mut b, 8, self.version);
        put_u32(&mut b, 12, ENDIAN_CHECK);
        put_u32(&mut b, 16, self.order);
        put_u32(&mut b, 20, self.vocab_size);
        put_u32(&mut b, 24, self.value_bits);
        put_u64(&mut b, 32, self.seed);
        put_u64(&mut b, 40, self.file_len);
        for i in 0..5 {
            put_u64(&mut b, 48 + 8 * i, self.counts[i]);
            put_u64(&mut b, 88 + 8 * i, self.slots[i]);
        }
        for (i, s) in self.sections.iter().enumerate() {
            let at = SECTION_TABLE_AT + 24 * i;
            put_u64(&mut b, at, s.offset);
            put_u64(&mut b, at + 8, s.len);
            put_u64(&mut b, at + 16, s.checksum);
        }
        let checksum = xxhash_rust::xxh3::xxh3_64(&b[..CHECKSUM_AT]);
        put_u64(&mut b, CHECKSUM_AT, checksum);
        b
    }

    /// Parses and validates a header against the actual file length. Errors name the file
    /// and say what is wrong.
    pub fn decode(bytes: &[u8], actual_len: u64, path: &Path) -> Result<Header> {
        let bad = |problem: String| Error::bad_model(path, problem);
        if bytes.len() < HEADER_LEN {
            if bytes.len() >= 8 && &bytes[..8] == MAGIC {
                return Err(bad(format!(
                    "truncated: {} bytes, shorter than the {HEADER_LEN}-byte header",
                    bytes.len()
                )));
            }
            return Err(bad("not an mtcheck language model (file too short)".into()));
        }
        if &bytes[..8] != MAGIC {
            let hint = if bytes.starts_with(b"\\data\\") || bytes.starts_with(b"\n\\data\\") {
                " (this is an ARPA file: convert it with `mtcheck lm import-arpa`)"
            } else if bytes.starts_with(b"mmap lm ") {
                " (this is a KenLM binary: import its ARPA with `mtcheck lm import-arpa`)"
            } else {
                ""
            };
            return Err(bad(format!("corrupt or not an mtcheck language model (bad magic){hint}")));
        }
        let version = get_u32(bytes, 8);
        if get_u32(bytes, 12) != ENDIAN_CHECK {
            // Only a header whose version also reads right byte-swapped was written on a machine
            // of other endianness; anything else in that field is damage.
            if get_u32(bytes, 12) == ENDIAN_CHECK.swap_bytes() && version.swap_bytes() == FORMAT_VERSION {
                return Err(bad("written on a machine of other endianness".into()));
            }
            return Err(bad("corrupt: the header is damaged (rebuild or copy the model again)".into()));
        }
        if version != FORMAT_VERSION && version > 1000 {
            return Err(bad("corrupt: the header is damaged (rebuild or copy the model again)".into()));
        }
        if version != FORMAT_VERSION {
            return Err(bad(format!(
                "model format version {version}, but this mtcheck reads version {FORMAT_VERSION}; \
                 rebuild the model with this mtcheck (`mtcheck train lm` or `mtcheck lm import-arpa`)"
            )));
        }
        let stored = get_u64(bytes, CHECKSUM_AT);
        if xxhash_rust::xxh3::xxh3_64(&bytes[..CHECKSUM_AT]) != stored {
            return Err(bad("corrupted: header checksum mismatch".into()));
        }
        let mut h = Header {
            version,
            order: get_u32(bytes, 16),
            vocab_size: get_u32(bytes, 20),
            value_bits: get_u32(bytes, 24),
            seed: get_u64(bytes, 32),
            file_len: get_u64(bytes, 40),
            ..Header::default()
        };
        for i in 0..5 {
            h.counts[i] = get_u64(bytes, 48 + 8 * i);
            h.slots[i] = get_u64(bytes, 88 + 8 * i);
        }
        for i in 0..SECTIONS {
            let at = SECTION_TABLE_AT + 24 * i;
            h.sections[i] =
                Section { offset: get_u64(bytes, at), len: get_u64(bytes, at + 8), checksum: get_u64(bytes, at + 16) };
        }
        if h.file_len != actual_len {
            return Err(bad(format!(
                "truncated or extended: the header says {} bytes, the file has {actual_len}",
                h.file_len
            )));
        }
        if !(2..=5).contains(&h.order) || ![8, 16, 32].contains(&h.value_bits) || h.vocab_size < 3 {
            return Err(bad(format!(
                "corrupted: impossible settings (order {}, value bits {}, vocabulary {})",
                h.order, h.value_bits, h.vocab_size
            )));
        }
        for n in 2..=h.order as usize {
            if h.slots[n - 1] < h.counts[n - 1] || h.slots[n - 1] >= 1 << 32 {
                return Err(bad(format!(
                    "corrupted: order {n} has {} slots for {} n-grams",
                    h.slots[n - 1],
                    h.counts[n - 1]
                )));
            }
        }
        if h.slots[0] <= h.vocab_size as u64 || h.slots[0] >= 1 << 32 || h.counts[0] != h.vocab_size as u64 {
            return Err(bad("corrupted: vocabulary table size".into()));
        }
        for (i, s) in h.sections.iter().enumerate() {
            let end = s.offset.checked_add(s.len);
            if end.is_none_or(|e| e > actual_len) || s.offset % ALIGN as u64 != 0 {
                return Err(bad(format!("corrupted: section {i} lies outside the file")));
            }
            if let Some(expected) = h.expected_len(i) {
                if s.len != expected {
                    return Err(bad(format!("corrupted: section {i} has {} bytes, expected {expected}", s.len)));
                }
            }
        }
        Ok(h)
    }
}

/// Recomputes every section's checksum (reads the whole file).
pub fn verify_sections(header: &Header, bytes: &[u8], path: &Path) -> Result<()> {
    verify_these(header, bytes, path, 0..SECTIONS)
}

/// Checks the checksums of sections `which`, on all cores (the n-gram tables are tens of MB
/// each and independent; mapped, reading them in is most of the cost).
pub fn verify_these(header: &Header, bytes: &[u8], path: &Path, which: std::ops::Range<usize>) -> Result<()> {
    use rayon::prelude::*;
    let bad = which.into_par_iter().find_first(|&i| {
        let s = header.sections[i];
        let data = bytes.get(s.offset as usize..(s.offset + s.len) as usize).unwrap_or_default();
        xxhash_rust::xxh3::xxh3_64(data) != s.checksum
    });
    match bad {
        Some(i) => Err(Error::bad_model(
            path,
            format!("corrupt: section {i} checksum mismatch (rebuild or copy the model again)"),
        )),
        None => Ok(()),
    }
}

/// Lays out `sections` after the header, filling in offsets, lengths and checksums, and
/// returns the whole file's bytes in writing order.
pub fn assemble(header: &mut Header, sections: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut offset = HEADER_LEN as u64;
    let mut parts = vec![Vec::new()];
    for (i, data) in sections.into_iter().enumerate() {
        let pad = (ALIGN as u64 - offset % ALIGN as u64) % ALIGN as u64;
        parts.push(vec![0u8; pad as usize]);
        offset += pad;
        header.sections[i] = Section { offset, len: data.len() as u64, checksum: xxhash_rust::xxh3::xxh3_64(&data) };
        offset += data.len() as u64;
        parts.push(data);
    }
    header.file_len = offset;
    header.version = FORMAT_VERSION;
    parts[0] = header.encode();
    parts
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}
pub(crate) fn get_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}
pub(crate) fn get_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}
