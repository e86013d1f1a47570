//! N-grams of word ids packed into one `u128`: 25 bits a word, first word most significant,
//! so numeric order on keys of one order is lexicographic order on the id sequences.
//! Used by training and ARPA import, where n-grams are sorted and merged, never hashed.

/// Bits per word id in a packed key.
pub const BITS_PER_WORD: u32 = 25;
/// The highest supported order (5 × 25 = 125 bits).
pub const MAX_ORDER: usize = 5;
/// The largest vocabulary a packed key can address.
pub const MAX_VOCAB: usize = 1 << BITS_PER_WORD;

/// Fixed ids of the special words, as in KenLM.
pub const UNK: u32 = 0;
pub const BOS: u32 = 1;
pub const EOS: u32 = 2;

const WORD_MASK: u128 = (1u128 << BITS_PER_WORD) - 1;

/// Packs `ids` (at most [`MAX_ORDER`], each below [`MAX_VOCAB`]).
pub fn pack(ids: &[u32]) -> u128 {
    ids.iter().fold(0u128, |key, &id| (key << BITS_PER_WORD) | id as u128)
}

/// Word `i` (0-based from the left) of a packed n-gram of order `n`.
pub fn word(key: u128, n: usize, i: usize) -> u32 {
    ((key >> (BITS_PER_WORD as usize * (n - 1 - i))) & WORD_MASK) as u32
}

/// All words of a packed n-gram of order `n`, left to right.
pub fn unpack(key: u128, n: usize) -> impl Iterator<Item = u32> {
    (0..n).map(move |i| word(key, n, i))
}

/// The n-gram without its first word (its suffix, of order `n - 1`).
pub fn suffix(key: u128, n: usize) -> u128 {
    key & ((1u128 << (BITS_PER_WORD as usize * (n - 1))) - 1)
}

/// The n-gram without its last word (its context, of order `n - 1`).
pub fn context(key: u128) -> u128 {
    key >> BITS_PER_WORD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_orders_lexicographically_and_splits() {
        let a = pack(&[3, 9, 1]);
        let b = pack(&[4, 0, 0]);
        assert!(a < b);
        assert_eq!(unpack(a, 3).collect::<Vec<_>>(), vec![3, 9, 1]);
        assert_eq!(suffix(a, 3), pack(&[9, 1]));
        assert_eq!(context(a), pack(&[3, 9]));
        let big = (MAX_VOCAB - 1) as u32;
        let k = pack(&[big; MAX_ORDER]);
        assert_eq!(unpack(k, MAX_ORDER).collect::<Vec<_>>(), vec![big; MAX_ORDER]);
    }
}
