//! ARPA text format, read and written, so KenLM models work in mtcheck and ours in KenLM.
//!
//! ```text
//! \data\
//! ngram 1=3
//! \1-grams:
//! -1.2<TAB>word<TAB>-0.3        log10 p, the words, log10 backoff (not on the highest order)
//! \end\
//! ```

use crate::error::{Error, Result};
use crate::lm::estimated::{NgramModel, OrderEntries, BOS_LOG_PROB};
use crate::lm::ngram::{self, MAX_ORDER, MAX_VOCAB};
use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

/// Writes `model` as ARPA to `out`.
pub fn write_arpa(model: &NgramModel, out: &mut dyn Write) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, out);
    writeln!(out, "\\data\\")?;
    for (i, entries) in model.orders.iter().enumerate() {
        writeln!(out, "ngram {}={}", i + 1, entries.len())?;
    }
    let highest = model.order();
    let mut line = String::new();
    for (i, entries) in model.orders.iter().enumerate() {
        let n = i + 1;
        writeln!(out, "\n\\{n}-grams:")?;
        for (j, &key) in entries.keys.iter().enumerate() {
            line.clear();
            use std::fmt::Write as _;
            let _ = write!(line, "{}\t", entries.prob[j]);
            for (w, id) in ngram::unpack(key, n).enumerate() {
                if w > 0 {
                    line.push(' ');
                }
                line.push_str(&model.vocab[id as usize]);
            }
            if n < highest {
                let _ = write!(line, "\t{}", entries.backoff.get(j).copied().unwrap_or(0.0));
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    writeln!(out, "\n\\end\\")?;
    out.flush()
}

/// Writes `model` as ARPA to `path` (through a temporary name, renamed when complete).
pub fn write_arpa_file(model: &NgramModel, path: &Path) -> Result<()> {
    crate::io::output::write_atomically(path, |file| write_arpa(model, file))
}

/// Reads an ARPA file (plain, `.gz` or `.zst`).
pub fn read_arpa_file(path: &Path) -> Result<NgramModel> {
    let reader = crate::io::input::open_reader(path)?;
    read_arpa(reader, path)
}

/// Reads ARPA text; `path` names the source in errors.
pub fn read_arpa(reader: Box<dyn BufRead + Send>, path: &Path) -> Result<NgramModel> {
    let bad = |line: usize, problem: String| Error::BadArpa { path: path.to_path_buf(), line, problem };
    let mut declared: Vec<usize> = Vec::new();
    let mut section = 0usize; // order being read; 0 = header
    let mut vocab: Vec<String> = vec!["<unk>".into(), "<s>".into(), "</s>".into()];
    let mut ids: HashMap<String, u32> = vocab.iter().enumerate().map(|(i, w)| (w.clone(), i as u32)).collect();
    let mut unigram_seen = vec![false; 3];
    let mut orders: Vec<OrderEntries> = Vec::new();
    let mut seen_data = false;
    let mut ended = false;
    let mut word_ids: Vec<u32> = Vec::with_capacity(MAX_ORDER);

    for (index, line) in reader.lines().enumerate() {
        let line_no = index + 1;
        let line = line.map_err(|e| bad(line_no, format!("cannot read: {e}")))?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            continue;
        }
        if line == "\\data\\" {
            seen_data = true;
            continue;
        }
        if line == "\\end\\" {
            ended = true;
            break;
        }
        if let Some(rest) = line.strip_prefix("ngram ") {
            let (n, count) =
                rest.split_once('=').ok_or_else(|| bad(line_no, format!("expected 'ngram N=COUNT', got {line:?}")))?;
            let n: usize = n.trim().parse().map_err(|_| bad(line_no, format!("bad order in {line:?}")))?;
            let count: usize = count.trim().parse().map_err(|_| bad(line_no, format!("bad count in {line:?}")))?;
            if n != declared.len() + 1 || n > MAX_ORDER {
                return Err(bad(line_no, format!("orders must be declared 1..={MAX_ORDER} in turn, got {n}")));
            }
            declared.push(count);
            continue;
        }
        if line.starts_with('\\') && line.ends_with("-grams:") {
            if !seen_data {
                return Err(bad(line_no, "missing \\data\\ header".into()));
            }
            let n: usize =
                line[1..line.len() - 7].parse().map_err(|_| bad(line_no, format!("bad section header {line:?}")))?;
            if n != section + 1 || n > declared.len() {
                return Err(bad(line_no, format!("unexpected section {line:?}")));
            }
            finish_section(&mut orders, section, &declared, line_no, &bad)?;
            section = n;
            orders.push(OrderEntries::default());
            continue;
        }
        if section == 0 {
            return Err(bad(line_no, format!("unexpected line before the first section: {line:?}")));
        }
        // An entry: prob, words, optional backoff; separated by tabs (or any whitespace).
        let mut fields = line.split(['\t', ' ']).filter(|f| !f.is_empty());
        let prob: f32 = fields
            .next()
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| bad(line_no, format!("expected a log10 probability first: {line:?}")))?;
        word_ids.clear();
        for _ in 0..section {
            let word = fields.next().ok_or_else(|| bad(line_no, format!("expected {section} words: {line:?}")))?;
            let id = if section == 1 {
                match ids.get(word) {
                    Some(&id) if unigram_seen[id as usize] => {
                        return Err(bad(line_no, format!("duplicate unigram {word:?}")))
                    }
                    Some(&id) => id,
                    None => {
                        if vocab.len() >= MAX_VOCAB {
                            return Err(bad(line_no, format!("vocabulary larger than {MAX_VOCAB}")));
                        }
                        let id = vocab.len() as u32;
                        vocab.push(word.to_string());
                        ids.insert(word.to_string(), id);
                        unigram_seen.push(false);
                        id
                    }
                }
            } else {
                *ids.get(word).ok_or_else(|| bad(line_no, format!("word {word:?} is not among the unigrams")))?
            };
            word_ids.push(id);
        }
        if section == 1 {
            unigram_seen[word_ids[0] as usize] = true;
        }
        let backoff: f32 = match fields.next() {
            Some(f) => f.parse().map_err(|_| bad(line_no, format!("bad backoff {f:?}")))?,
            None => 0.0,
        };
        if fields.next().is_some() {
            return Err(bad(line_no, format!("too many fields: {line:?}")));
        }
        let entries = orders.last_mut().expect("inside a section");
        entries.keys.push(ngram::pack(&word_ids));
        entries.prob.push(prob);
        entries.backoff.push(backoff);
    }
    if !ended {
        return Err(bad(0, "no \\end\\ marker: the file is truncated".into()));
    }
    finish_section(&mut orders, section, &declared, 0, &bad)?;
    if orders.len() != declared.len() || declared.is_empty() {
        return Err(bad(0, format!("declared {} orders, found {}", declared.len(), orders.len())));
    }
    // Unigrams go to id order (specials first); a missing <unk> gets KenLM's substitute.
    let unigrams = &mut orders[0];
    let mut prob = vec![f32::NAN; vocab.len()];
    let mut backoff = vec![0f32; vocab.len()];
    for (j, &key) in unigrams.keys.iter().enumerate() {
        prob[key as usize] = unigrams.prob[j];
        backoff[key as usize] = unigrams.backoff[j];
    }
    if prob[ngram::UNK as usize].is_nan() {
        prob[ngram::UNK as usize] = -100.0;
    }
    if prob[ngram::BOS as usize].is_nan() {
        prob[ngram::BOS as usize] = BOS_LOG_PROB;
    }
    if prob[ngram::EOS as usize].is_nan() {
        return Err(bad(0, "the unigrams lack </s>".into()));
    }
    *unigrams = OrderEntries { keys: (0..vocab.len() as u128).collect(), prob, backoff };
    if let Some(last) = orders.last_mut() {
        last.backoff.clear();
    }
    Ok(NgramModel { vocab, orders })
}

/// Checks the section just read against its declared count and sorts it by key.
fn finish_section(
    orders: &mut [OrderEntries],
    section: usize,
    declared: &[usize],
    line_no: usize,
    bad: &dyn Fn(usize, String) -> Error,
) -> Result<()> {
    if section == 0 {
        return Ok(());
    }
    let entries = &mut orders[section - 1];
    if entries.len() != declared[section - 1] {
        return Err(bad(
            line_no,
            format!(
                "the header declares {} {section}-grams but the section has {}",
                declared[section - 1],
                entries.len()
            ),
        ));
    }
    if section > 1 {
        let mut perm: Vec<usize> = (0..entries.len()).collect();
        perm.sort_unstable_by_key(|&i| entries.keys[i]);
        let keys: Vec<u128> = perm.iter().map(|&i| entries.keys[i]).collect();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(bad(line_no, format!("duplicate {section}-gram")));
        }
        entries.prob = perm.iter().map(|&i| entries.prob[i]).collect();
        entries.backoff = perm.iter().map(|&i| entries.backoff[i]).collect();
        entries.keys = keys;
    }
    Ok(())
}
