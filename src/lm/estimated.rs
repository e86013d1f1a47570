//! A language model as plain arrays of n-grams with log10 probabilities and backoffs: what
//! training and ARPA import produce, and what ARPA export and the binary writer consume.

/// One order's n-grams, sorted by packed key, with parallel value arrays.
#[derive(Clone, Debug, Default)]
pub struct OrderEntries {
    /// Packed ids ([`ngram::pack`]), strictly increasing.
    pub keys: Vec<u128>,
    /// log10 p(last word | the others).
    pub prob: Vec<f32>,
    /// log10 backoff weight of the n-gram as a context (0 where it is none; empty for the
    /// highest order).
    pub backoff: Vec<f32>,
}

impl OrderEntries {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Index of `key`, by binary search.
    pub fn find(&self, key: u128) -> Option<usize> {
        self.keys.binary_search(&key).ok()
    }
}

/// An n-gram model in memory. `vocab[id]` is the word of id `id`; ids 0, 1, 2 are `<unk>`,
/// `<s>`, `</s>` ([`ngram::UNK`], [`ngram::BOS`], [`ngram::EOS`]). `orders[0]` holds the
/// unigrams, one per vocabulary id, in id order.
#[derive(Clone, Debug, Default)]
pub struct NgramModel {
    pub vocab: Vec<String>,
    pub orders: Vec<OrderEntries>,
}

/// log10 probability lmplz writes for `<s>`, which is never predicted (SRILM writes -99).
pub const BOS_LOG_PROB: f32 = 0.0;

impl NgramModel {
    pub fn order(&self) -> usize {
        self.orders.len()
    }

    /// Number of n-grams per order, unigrams first.
    pub fn counts(&self) -> Vec<usize> {
        self.orders.iter().map(OrderEntries::len).collect()
    }
}
