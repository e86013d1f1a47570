//! Reading training text into sentences of word ids: files are read in chunks of lines by one
//! thread, tokenized on all cores with a chunk-local vocabulary, then merged into one
//! vocabulary (ids by descending count, optionally capped) and remapped in parallel.

use super::TrainObserver;
use crate::error::{Error, Result};
use crate::io::input::open_reader;
use crate::lm::ngram::{BOS, EOS, MAX_VOCAB, UNK};
use crate::text::{lm_sentences, Tokenizer};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, SyncSender};

/// How training text is turned into tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextMode {
    /// Sentences found by the sentence splitter, tokens by the tokenizer front end,
    /// lower-cased: exactly what scoring sees.
    Raw,
    /// One sentence a line, tokens separated by whitespace, used as they are (like `lmplz`).
    Pretokenized,
}

/// Sentences as id sequences, each `<s> w… </s>`, concatenated.
pub type IdStream = Vec<u32>;

/// The training text after reading: vocabulary and id streams (one per chunk).
pub struct Corpus {
    pub vocab: Vec<String>,
    pub streams: Vec<IdStream>,
    pub tokens: u64,
    pub sentences: u64,
}

const CHUNK_BYTES: usize = 4 << 20;
/// Marks a sentence end in a chunk-local stream before remapping.
const LOCAL_END: u32 = u32::MAX;

struct LocalChunk {
    words: Vec<String>,
    counts: Vec<u64>,
    stream: Vec<u32>,
}

/// Reads `paths` into a [`Corpus`]. `max_vocab` caps the vocabulary (rarer words become
/// `<unk>`); `observer` hears of the bytes read.
pub fn read_corpus(
    paths: &[PathBuf],
    mode: TextMode,
    tokenizer: &Tokenizer,
    max_vocab: Option<usize>,
    observer: &dyn TrainObserver,
) -> Result<Corpus> {
    let (tx, rx) = sync_channel::<String>(4);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_chunks(paths, observer, tx));
        let chunks: Vec<LocalChunk> =
            rx.into_iter().par_bridge().map(|text| tokenize_chunk(&text, mode, tokenizer)).collect();
        reader.join().map_err(|_| Error::Training("the reader thread panicked".into()))??;
        merge_chunks(chunks, max_vocab)
    })
}

/// Sends the text of `paths` in chunks of whole lines to `tx`.
fn read_chunks(paths: &[PathBuf], observer: &dyn TrainObserver, tx: SyncSender<String>) -> Result<()> {
    for path in paths {
        let path = path.as_path();
        let mut input = open_reader(path)?;
        let mut chunk = String::with_capacity(CHUNK_BYTES + 4096);
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = input.read_until(b'\n', &mut line).map_err(|e| Error::io(path, e))?;
            if n == 0 {
                break;
            }
            observer.read(path, n as u64);
            // Invalid UTF-8 in training text is replaced, not fatal: one bad byte should
            // not cost a multi-minute training run.
            chunk.push_str(&String::from_utf8_lossy(&line));
            if !chunk.ends_with('\n') {
                chunk.push('\n');
            }
            if chunk.len() >= CHUNK_BYTES {
                let full = std::mem::replace(&mut chunk, String::with_capacity(CHUNK_BYTES));
                if tx.send(full).is_err() {
                    return Ok(());
                }
            }
        }
        if !chunk.is_empty() && tx.send(chunk).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

fn tokenize_chunk(text: &str, mode: TextMode, tokenizer: &Tokenizer) -> LocalChunk {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut chunk = LocalChunk { words: Vec::new(), counts: Vec::new(), stream: Vec::with_capacity(text.len() / 5) };
    let mut push_word = |chunk: &mut LocalChunk, word: &str| {
        let id = match ids.get(word) {
            Some(&id) => id,
            None => {
                let id = chunk.words.len() as u32;
                ids.insert(word.to_string(), id);
                chunk.words.push(word.to_string());
                chunk.counts.push(0);
                id
            }
        };
        chunk.counts[id as usize] += 1;
        chunk.stream.push(id);
    };
    for line in text.lines() {
        match mode {
            TextMode::Pretokenized => {
                let before = chunk.stream.len();
                // Like lmplz --skip_symbols: special words in the text count as spaces.
                for word in line.split_ascii_whitespace().filter(|w| !is_special(w)) {
                    push_word(&mut chunk, word);
                }
                if chunk.stream.len() > before {
                    chunk.stream.push(LOCAL_END);
                }
            }
            TextMode::Raw => lm_sentences(tokenizer, line, |words| {
                for word in words {
                    push_word(&mut chunk, word);
                }
                chunk.stream.push(LOCAL_END);
            }),
        }
    }
    chunk
}

/// The special words; in the text they would corrupt the counts.
fn is_special(word: &str) -> bool {
    matches!(word, "<s>" | "</s>" | "<unk>")
}

fn merge_chunks(chunks: Vec<LocalChunk>, max_vocab: Option<usize>) -> Result<Corpus> {
    // Global counts over all chunks.
    let mut global: HashMap<&str, u64> = HashMap::new();
    for chunk in &chunks {
        for (word, &count) in chunk.words.iter().zip(&chunk.counts) {
            if !is_special(word) {
                *global.entry(word.as_str()).or_insert(0) += count;
            }
        }
    }
    // Ids by descending count, ties by the word, after the three specials.
    let mut by_count: Vec<(&str, u64)> = global.into_iter().collect();
    by_count.par_sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let cap = max_vocab.unwrap_or(usize::MAX).min(MAX_VOCAB - 3);
    by_count.truncate(cap);
    let mut vocab = vec!["<unk>".to_string(), "<s>".to_string(), "</s>".to_string()];
    vocab.extend(by_count.iter().map(|(w, _)| w.to_string()));
    let ids: HashMap<&str, u32> = vocab.iter().enumerate().skip(3).map(|(i, w)| (w.as_str(), i as u32)).collect();

    let streams: Vec<IdStream> = chunks
        .par_iter()
        .map(|chunk| {
            let local_to_global: Vec<u32> =
                chunk.words.iter().map(|w| ids.get(w.as_str()).copied().unwrap_or(UNK)).collect();
            let mut out = Vec::with_capacity(chunk.stream.len() * 11 / 10 + 2);
            let mut open = false;
            for &local in &chunk.stream {
                if !open {
                    out.push(BOS);
                    open = true;
                }
                if local == LOCAL_END {
                    out.push(EOS);
                    open = false;
                } else {
                    out.push(local_to_global[local as usize]);
                }
            }
            out
        })
        .collect();
    let sentences = streams.iter().map(|s| s.iter().filter(|&&id| id == EOS).count() as u64).sum();
    let tokens = streams.iter().map(|s| s.len() as u64).sum::<u64>() - 2 * sentences;
    if sentences == 0 {
        return Err(Error::Training("the training text has no words".into()));
    }
    Ok(Corpus { vocab, streams, tokens, sentences })
}
