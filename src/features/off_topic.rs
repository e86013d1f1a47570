//! `off_topic`: how well a content word fits the rest of its document ("anti-retroviral" in an
//! article about a militia). Words carry topic vectors learned by random indexing over the
//! corpus paragraphs ([`TopicVectors`]); the fit is the cosine between a word's vector and the
//! sum of the other content words' vectors in the document.

use super::{Compute, Context, Feature, Sentence};
use crate::error::{Error, Result};
use crate::io::model_bytes::ModelBytes;
use crate::text::is_function_word;
use std::collections::HashMap;
use std::path::Path;

pub const FEATURE: Feature = Feature {
    name: "off_topic",
    description: "1 - cosine between the word's topic vector and the rest of the document's (0 if unknown)",
    compute: Compute::Token(compute),
};

fn compute(ctx: &Context, s: &Sentence, out: &mut [f32]) {
    let Some(centroid) = &ctx.topic_centroid else { return };
    for (o, w) in out.iter_mut().zip(&s.tokens) {
        let Some(v) = ctx.topics.vector(&w.key) else { continue };
        let count = ctx.doc.key_counts.get(w.key.as_ref()).copied().unwrap_or(1) as f32;
        // The rest of the document: remove this word's own contribution.
        let rest: Vec<f32> = centroid.iter().zip(&v).map(|(c, &x)| c - count * x).collect();
        if let Some(cos) = cosine(&rest, &v) {
            *o = 1.0 - cos;
        }
    }
}

/// The sum of the topic vectors of every content-word token of the document (in text order,
/// so the float sum is reproducible).
pub fn document_centroid(topics: &TopicVectors, doc: &super::Document) -> Option<Vec<f32>> {
    if topics.dim == 0 {
        return None;
    }
    let mut sum = vec![0f32; topics.dim];
    for w in doc.sentences.iter().flat_map(|s| &s.tokens) {
        if let Some(v) = topics.vector(&w.key) {
            sum.iter_mut().zip(&v).for_each(|(s, &x)| *s += x);
        }
    }
    Some(sum)
}

fn cosine(a: &[f32], b: &[f32]) -> Option<f32> {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    (na > 1e-6 && nb > 1e-6).then(|| dot / (na * nb))
}

/// Unit topic vectors for content words, stored as i8 (scaled by 127) in the file, which is
/// memory-mapped: loading reads only the pages of the words a text uses.
#[derive(Debug, Default)]
pub struct TopicVectors {
    pub dim: usize,
    /// The file (None for no topic vectors).
    file: Option<ModelBytes>,
    values_at: usize,
    words_at: usize,
    /// Where each word starts in the file's word list (one more entry: the list's end + 1).
    word_starts: Vec<u32>,
    /// Open-addressing table of word rows by hash ([`EMPTY`] where none). Built at load in
    /// about a millisecond; a map of 50,000 owned strings took 5-7 ms of every start.
    table: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

const MAGIC: &[u8; 8] = b"MTTOPIC1";

fn word_hash(word: &[u8]) -> usize {
    xxhash_rust::xxh3::xxh3_64(word) as usize
}

impl TopicVectors {
    pub fn len(&self) -> usize {
        self.word_starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn bytes(&self) -> &[u8] {
        self.file.as_deref().unwrap_or_default()
    }

    fn word(&self, row: usize) -> &[u8] {
        let (a, b) = (self.word_starts[row] as usize, self.word_starts[row + 1] as usize - 1);
        &self.bytes()[self.words_at + a..self.words_at + b]
    }

    fn row(&self, key: &str) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut slot = word_hash(key.as_bytes()) & mask;
        loop {
            match self.table[slot] {
                EMPTY => return None,
                row if self.word(row as usize) == key.as_bytes() => return Some(row as usize),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// The unit vector of `key`, if it has one.
    pub fn vector(&self, key: &str) -> Option<Vec<f32>> {
        let i = self.row(key)?;
        let at = self.values_at + i * self.dim;
        Some(self.bytes()[at..at + self.dim].iter().map(|&x| x as i8 as f32 / 127.0).collect())
    }

    /// Random indexing: every word has a sparse random ±1 index vector; a word's topic vector
    /// is the sum of the index vectors of the words it shares paragraphs with, centred and
    /// normalized. `words` are the content words to learn; `paragraphs` yields each paragraph's
    /// lower-cased tokens.
    pub fn train<'p>(words: &[String], dim: usize, paragraphs: impl Iterator<Item = Vec<String>>) -> Self {
        let index: HashMap<&str, usize> = words.iter().enumerate().map(|(i, w)| (w.as_str(), i)).collect();
        let mut sums = vec![0f32; words.len() * dim];
        let mut seen: Vec<usize> = Vec::new();
        let mut paragraph = vec![0f32; dim];
        for tokens in paragraphs {
            seen.clear();
            seen.extend(tokens.iter().filter_map(|t| index.get(t.as_str()).copied()));
            seen.sort_unstable();
            seen.dedup();
            if seen.len() < 2 {
                continue;
            }
            paragraph.iter_mut().for_each(|x| *x = 0.0);
            for &i in &seen {
                for (pos, sign) in random_index(&words[i], dim) {
                    paragraph[pos] += sign;
                }
            }
            for &i in &seen {
                let row = &mut sums[i * dim..(i + 1) * dim];
                row.iter_mut().zip(&paragraph).for_each(|(r, p)| *r += p);
                for (pos, sign) in random_index(&words[i], dim) {
                    row[pos] -= sign;
                }
            }
        }
        // Centre (the shared component says "this is text", not what it is about), normalize.
        let mut mean = vec![0f32; dim];
        for row in sums.chunks(dim) {
            let n = row.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            mean.iter_mut().zip(row).for_each(|(m, x)| *m += x / n / words.len() as f32);
        }
        let mut values = Vec::with_capacity(sums.len());
        for row in sums.chunks(dim) {
            let n = row.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            let centred: Vec<f32> = row.iter().zip(&mean).map(|(x, m)| x / n - m).collect();
            let n = centred.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            values.extend(centred.iter().map(|x| ((x / n) * 127.0).round().clamp(-127.0, 127.0) as i8));
        }
        let mut bytes = MAGIC.to_vec();
        bytes.extend((dim as u32).to_le_bytes());
        bytes.extend((words.len() as u32).to_le_bytes());
        bytes.extend(values.iter().map(|&x| x as u8));
        bytes.extend(words.join("\n").as_bytes());
        Self::from_file(ModelBytes::copied(&bytes).expect("memory for the topic vectors"))
            .expect("a freshly built topic file is valid")
    }

    /// Writes `MTTOPIC1`, dim and count (u32 LE), count×dim i8 values, then the words, one a line.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::output::write_atomically(path, |w| std::io::Write::write_all(w, self.bytes()))
    }

    pub fn load(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        // Safety: the model file is not modified while mapped (as for the language model).
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        Self::from_file(ModelBytes::Mapped(map)).map_err(|problem| {
            Error::bad_model(path, format!("{problem}; rebuild it with scripts/build/build-model.sh"))
        })
    }

    fn from_file(file: ModelBytes) -> std::result::Result<Self, String> {
        if file.len() < 16 || &file[..8] != MAGIC {
            return Err("not an mtcheck topic-vector file".into());
        }
        let dim = u32::from_le_bytes(file[8..12].try_into().expect("4 bytes")) as usize;
        let count = u32::from_le_bytes(file[12..16].try_into().expect("4 bytes")) as usize;
        let end = dim.checked_mul(count).and_then(|n| n.checked_add(16)).filter(|&e| e <= file.len());
        let words_at = end.ok_or("truncated")?;
        let words = std::str::from_utf8(&file[words_at..]).map_err(|_| "word list is not UTF-8")?;
        if words.len() >= u32::MAX as usize {
            return Err("word list too long".into());
        }
        let mut word_starts = Vec::with_capacity(count.min(words.len()) + 1); // count is untrusted
        word_starts.push(0u32);
        if !words.is_empty() {
            word_starts.extend(newlines(words.as_bytes()).map(|i| i as u32 + 1));
            word_starts.push(words.len() as u32 + 1);
        }
        if word_starts.len() - 1 != count {
            return Err("word count does not match the header".into());
        }
        let mut topics =
            TopicVectors { dim, file: Some(file), values_at: 16, words_at, word_starts, table: Vec::new() };
        let mask = (2 * count).next_power_of_two().max(2) - 1;
        let mut table = vec![EMPTY; mask + 1];
        for row in 0..count {
            let word = topics.word(row);
            let mut slot = word_hash(word) & mask;
            while table[slot] != EMPTY {
                if topics.word(table[slot] as usize) == word {
                    return Err("a word is listed twice".into());
                }
                slot = (slot + 1) & mask;
            }
            table[slot] = row as u32;
        }
        topics.table = table;
        Ok(topics)
    }
}

/// Positions of the line breaks in `bytes`.
fn newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i)
}

/// Four ±1 positions derived from the word's hash (fixed seed: reproducible).
fn random_index(word: &str, dim: usize) -> impl Iterator<Item = (usize, f32)> {
    let h = xxhash_rust::xxh3::xxh3_64_with_seed(word.as_bytes(), 0x70_71_c5);
    (0..4).map(move |k| {
        let bits = h >> (k * 16);
        ((bits as usize >> 1) % dim, if bits & 1 == 1 { 1.0 } else { -1.0 })
    })
}

/// Whether `key` is a candidate for a topic vector (alphabetic content word).
pub fn is_topic_word(key: &str) -> bool {
    key.chars().count() >= 3 && key.chars().all(char::is_alphabetic) && !is_function_word(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> TopicVectors {
        let words: Vec<String> =
            ["army", "soldier", "battle", "virus", "vaccine", "patient"].iter().map(|s| s.to_string()).collect();
        let war = "army soldier battle";
        let health = "virus vaccine patient";
        let paragraphs =
            std::iter::repeat([war, health]).take(50).flatten().map(|p| p.split(' ').map(String::from).collect());
        TopicVectors::train(&words, 64, paragraphs)
    }

    #[test]
    fn words_of_one_topic_are_closer_than_across_topics() {
        let t = toy();
        let near = cosine(&t.vector("army").unwrap(), &t.vector("soldier").unwrap()).unwrap();
        let far = cosine(&t.vector("army").unwrap(), &t.vector("vaccine").unwrap()).unwrap();
        assert!(near > far + 0.5, "near {near} far {far}");
    }

    #[test]
    fn save_and_load_round_trip_and_reject_foreign_files() {
        let t = toy();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("topics.bin");
        t.save(&path).unwrap();
        let back = TopicVectors::load(&path).unwrap();
        assert_eq!(back.vector("virus"), t.vector("virus"));
        std::fs::write(&path, b"hello").unwrap();
        assert!(TopicVectors::load(&path).unwrap_err().to_string().contains("not an mtcheck"));
    }
}
