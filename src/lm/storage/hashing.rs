//! Hashing of words and n-grams for the probing tables: xxh3 with the model's seed. An n-gram
//! is hashed as its ids from the LAST word backwards ([w, c1, c2, …]), the order in which a
//! query extends its context. The high 32 bits pick the bucket, the low 32 bits are the
//! fingerprint stored in the slot (0 marks an empty slot, so it is mapped to 1).

use xxhash_rust::xxh3::xxh3_64_with_seed;

pub fn word_hash(word: &str, seed: u64) -> u64 {
    xxh3_64_with_seed(word.as_bytes(), seed)
}

/// Hash of an n-gram given last word first.
pub fn ngram_hash(reversed_ids: &[u32], seed: u64) -> u64 {
    let mut bytes = [0u8; 4 * crate::lm::ngram::MAX_ORDER];
    for (i, id) in reversed_ids.iter().enumerate() {
        bytes[4 * i..4 * i + 4].copy_from_slice(&id.to_le_bytes());
    }
    xxh3_64_with_seed(&bytes[..4 * reversed_ids.len()], seed)
}

/// The first slot to probe in a table of `slots` slots.
#[inline]
pub fn bucket(hash: u64, slots: u64) -> u64 {
    ((hash >> 32) * slots) >> 32
}

/// The 32-bit fingerprint stored for a key (never 0).
#[inline]
pub fn fingerprint(hash: u64) -> u32 {
    (hash as u32).max(1)
}

/// Walks a linear-probing table of `slots` slots from `hash`'s bucket and returns the index of
/// the slot holding `hash`'s fingerprint. `fingerprint_at(i)` reads slot `i` (0 = empty; `None`
/// = unreadable). Stops at an empty slot, and after one lap, so a corrupted full table cannot
/// loop forever.
#[inline]
pub fn probe(hash: u64, slots: u64, mut fingerprint_at: impl FnMut(u64) -> Option<u32>) -> Option<u64> {
    let fp = fingerprint(hash);
    let mut i = bucket(hash, slots);
    for _ in 0..slots {
        match fingerprint_at(i)? {
            0 => return None,
            stored if stored == fp => return Some(i),
            _ => {}
        }
        i += 1;
        if i == slots {
            i = 0;
        }
    }
    None
}
