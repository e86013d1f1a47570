//! `mtcheck filter`: keeps or drops the documents of crawls by quality. Records (JSONL lines,
//! or lines of plain text) stream through in batches: each batch is scored on all cores and
//! written in input order, so memory stays bounded on any input size. Kept records are
//! written exactly as read; a record that cannot be read is reported with its file and line,
//! counted, and sent to the rejected output, never silently lost.
//!
//! - [`histogram`]: the quality sketch behind `--keep-top` and the summary
//! - [`annotate`]: the "mtcheck" object of `--annotate`
//! - reading and writing: [`crate::io::records`] (bounded line reading, the text inside a
//!   record) and [`crate::io::output`] (compressed outputs that appear only when the run
//!   completes)

pub mod annotate;
pub mod histogram;

use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::io::input::{display, is_jsonl_name, is_text_name, open_counted, open_reader};
use crate::io::output::Output;
use crate::io::records::{json_record, text_record, Line, LineReader, Record};
use histogram::QualityHistogram;
use rayon::prelude::*;
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Which documents are kept (all that hold).
#[derive(Clone, Copy, Debug, Default)]
pub struct Rules {
    /// Document quality at least this.
    pub min_quality: Option<f32>,
    /// Share of prose sentences flagged at most this.
    pub max_flagged: Option<f32>,
    /// P(machine-translated) of the document at most this (documents too short to judge, with
    /// no P(MT), pass).
    pub max_p_mt: Option<f32>,
}

/// What the rules read of a document's report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    pub quality: f32,
    pub flagged_share: f32,
    pub p_mt: Option<f32>,
}

impl Scores {
    pub fn of(report: &crate::report::Report) -> Scores {
        Scores { quality: report.quality, flagged_share: report.flagged_share(), p_mt: report.p_mt }
    }

    /// The spool's form (12 bytes; NaN for no P(MT)).
    fn to_bytes(self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[..4].copy_from_slice(&self.quality.to_le_bytes());
        out[4..8].copy_from_slice(&self.flagged_share.to_le_bytes());
        out[8..].copy_from_slice(&self.p_mt.unwrap_or(f32::NAN).to_le_bytes());
        out
    }

    fn from_bytes(b: [u8; 12]) -> Scores {
        let f = |i: usize| f32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        let p_mt = f(8);
        Scores { quality: f(0), flagged_share: f(4), p_mt: (!p_mt.is_nan()).then_some(p_mt) }
    }
}

impl Rules {
    pub fn keeps(&self, s: Scores) -> bool {
        self.min_quality.is_none_or(|q| s.quality >= q)
            && self.max_flagged.is_none_or(|f| s.flagged_share <= f)
            && self.max_p_mt.is_none_or(|m| s.p_mt.is_none_or(|p| p <= m))
    }
}

/// How records are laid out in an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// JSONL for .jsonl/.ndjson names (also compressed), plain text for .txt names; other
    /// names and stdin are JSONL when they start with `{`.
    Auto,
    /// A document a line.
    Text,
    /// A JSON object a line, the text in a field.
    Jsonl,
}

pub struct FilterOptions {
    pub format: InputFormat,
    /// JSONL field holding the text.
    pub field: String,
    pub rules: Rules,
    /// Keep the best share (0–1) of documents instead of absolute rules (two passes over the
    /// input: one to score, one to write).
    pub keep_top: Option<f64>,
    /// Keep every record and add an "mtcheck" object.
    pub annotate: bool,
    /// Longer lines are bad records (skipped as they stream past).
    pub max_record_bytes: usize,
}

/// Counts of a run.
#[derive(Clone, Default)]
pub struct Stats {
    pub records: u64,
    pub kept: u64,
    pub dropped: u64,
    pub errors: u64,
    /// Uncompressed bytes read.
    pub bytes: u64,
    /// Bytes read from the input files themselves (compressed, when they are): progress
    /// against their sizes.
    pub input_bytes: u64,
    pub histogram: QualityHistogram,
}

/// Hears what happens during a run: bad records and progress (for messages and a progress
/// bar).
pub trait Observer: Send {
    /// A record (or a whole input, `line` 0) that could not be read.
    fn bad_record(&mut self, input: &str, line: usize, message: &str);
    /// Called after every batch.
    fn progress(&mut self, stats: &Stats);
}

/// Where records go.
pub struct Outputs {
    pub kept: Output,
    /// Dropped and unreadable records.
    pub rejected: Option<Output>,
}

/// A record's verdict.
enum Verdict {
    Scored { scores: Scores, annotated: Option<Vec<u8>> },
    Bad(String),
}

/// A line as read, with its number; `raw` is empty for a line over the length limit.
pub(crate) struct RawLine {
    pub(crate) number: usize,
    pub(crate) raw: Vec<u8>,
    pub(crate) too_long: Option<u64>,
}

/// A batch is scored once it holds this many bytes or lines.
const BATCH_BYTES: usize = 4 << 20;
const BATCH_LINES: usize = 8192;

pub struct Filter {
    /// What scores the documents ([`crate::detect::open`]).
    pub detector: Box<dyn Detector>,
    pub options: FilterOptions,
}

impl Filter {
    /// Filters `inputs` into `outputs` and returns the counts. Bad records and unreadable
    /// inputs are reported to `observer` and counted; the run goes on.
    pub fn run(&self, inputs: &[PathBuf], outputs: &mut Outputs, observer: &mut dyn Observer) -> Result<Stats> {
        let mut stats = Stats::default();
        match self.options.keep_top {
            None => {
                for input in inputs {
                    self.each_record(input, &display(input), &mut stats, observer, &mut |stats, line, verdict| {
                        write_verdict(outputs, stats, &line.raw, verdict, |s| self.options.rules.keeps(s))
                    })?;
                }
            }
            Some(share) => {
                // Pass 1 scores and keeps each record's verdict in a spool file (12 bytes a
                // record); pass 2 reads the input again and writes by the cut pass 1 found.
                let mut spool =
                    std::io::BufWriter::new(tempfile::tempfile().map_err(|e| Error::io(std::env::temp_dir(), e))?);
                let mut stdin_copy = None;
                let mut replayable = Vec::new();
                for given in inputs {
                    // Stdin is read from a copy, but messages still call it <stdin>.
                    let input = if given.as_os_str() == "-" {
                        stdin_copy.insert(spool_stdin()?).path().to_path_buf()
                    } else {
                        given.clone()
                    };
                    self.each_record(&input, &display(given), &mut stats, observer, &mut |_, _, verdict| {
                        let scores = match verdict {
                            Verdict::Scored { scores, .. } => *scores,
                            Verdict::Bad(_) => Scores { quality: f32::NAN, flagged_share: f32::NAN, p_mt: None },
                        };
                        spool.write_all(&scores.to_bytes()).map_err(|e| Error::io(std::env::temp_dir(), e))
                    })?;
                    replayable.push(input);
                }
                let cut = stats.histogram.top_threshold(share);
                let mut spool = spool.into_inner().map_err(|e| Error::io(std::env::temp_dir(), e.into_error()))?;
                spool.rewind().map_err(|e| Error::io(std::env::temp_dir(), e))?;
                let mut spool = std::io::BufReader::new(spool);
                let rules = self.options.rules;
                for input in &replayable {
                    self.replay(input, &mut spool, outputs, &mut stats, |s| s.quality >= cut && rules.keeps(s))?;
                }
            }
        }
        Ok(stats)
    }

    /// Scores every record of `input` (in parallel batches) and hands each, in order, to
    /// `each`. Counts records, errors and qualities into `stats`.
    ///
    /// Three stages overlap so that the cores never wait on one thread: a reader thread
    /// decompresses and splits the next batch, the pool scores this one, and one of its
    /// threads writes the previous one (`rayon::join`).
    fn each_record(
        &self,
        input: &Path,
        name: &str,
        stats: &mut Stats,
        observer: &mut dyn Observer,
        each: &mut (dyn FnMut(&mut Stats, &RawLine, &Verdict) -> Result<()> + Send),
    ) -> Result<()> {
        let counter = Arc::new(AtomicU64::new(0));
        let mut reader = match open_records(input, self.options.max_record_bytes, &counter) {
            Ok(r) => r,
            Err(message) => {
                // An input that cannot be opened counts as one record read and bad, so that
                // kept + dropped + errors = read still holds.
                stats.records += 1;
                stats.errors += 1;
                observer.bad_record(name, 0, &message);
                return Ok(());
            }
        };
        let jsonl = self.is_jsonl(input, &mut reader);
        let start = stats.input_bytes;
        let progress = |stats: &mut Stats| stats.input_bytes = start + counter.load(Ordering::Relaxed);
        std::thread::scope(|scope| {
            // Two batches in flight at most: memory stays bounded whatever the input's size.
            let (send, batches) = std::sync::mpsc::sync_channel::<(Vec<RawLine>, Option<(usize, std::io::Error)>)>(1);
            scope.spawn(move || loop {
                let (batch, error) = read_batch(&mut reader);
                let done = error.is_some() || batch.is_empty();
                if send.send((batch, error.map(|e| (reader.line + 1, e)))).is_err() || done {
                    return;
                }
            });
            let mut previous: Option<(Vec<RawLine>, Vec<Verdict>)> = None;
            let mut failed = None;
            loop {
                let (batch, error) = batches.recv().unwrap_or_default();
                failed = failed.or(error);
                let (written, verdicts) = rayon::join(
                    || match previous.take() {
                        Some((lines, verdicts)) => {
                            progress(stats);
                            self.emit(name, &lines, &verdicts, stats, observer, each)
                        }
                        None => Ok(()),
                    },
                    || batch.par_iter().map(|line| self.verdict(line, jsonl)).collect::<Vec<Verdict>>(),
                );
                written?;
                if batch.is_empty() {
                    break;
                }
                previous = Some((batch, verdicts));
            }
            if let Some((line, e)) = failed {
                // The unreadable rest of the input counts as one bad record (see above).
                stats.records += 1;
                stats.errors += 1;
                observer.bad_record(name, line, &read_error_message(input, &e));
            }
            Ok(())
        })
    }

    /// Counts a scored batch, reports its bad records and hands each record to `each`.
    fn emit(
        &self,
        name: &str,
        lines: &[RawLine],
        verdicts: &[Verdict],
        stats: &mut Stats,
        observer: &mut dyn Observer,
        each: &mut (dyn FnMut(&mut Stats, &RawLine, &Verdict) -> Result<()> + Send),
    ) -> Result<()> {
        for (line, verdict) in lines.iter().zip(verdicts) {
            stats.records += 1;
            match verdict {
                Verdict::Scored { scores, .. } => stats.histogram.add(scores.quality),
                Verdict::Bad(message) => {
                    stats.errors += 1;
                    observer.bad_record(name, line.number, message);
                }
            }
            each(stats, line, verdict)?;
        }
        // A line over the limit was skipped unread but was still read past: its length counts.
        stats.bytes += lines.iter().map(|l| l.too_long.unwrap_or(l.raw.len() as u64) + 1).sum::<u64>();
        observer.progress(stats);
        Ok(())
    }

    /// Pass 2 of `--keep-top`: the records of `input` again, with their verdicts from `spool`.
    fn replay(
        &self,
        input: &Path,
        spool: &mut impl Read,
        outputs: &mut Outputs,
        stats: &mut Stats,
        keeps: impl Fn(Scores) -> bool,
    ) -> Result<()> {
        let Ok(reader) = open_reader(input) else { return Ok(()) }; // reported in pass 1
        let mut reader = LineReader::new(reader, self.options.max_record_bytes);
        let mut raw = Vec::new();
        let mut entry = [0u8; 12];
        // A line over the limit comes back empty (its bytes were skipped): nothing to pass on.
        while let Ok(Some(_)) = reader.next_line(&mut raw) {
            if spool.read_exact(&mut entry).is_err() {
                break; // pass 1 stopped here (a read error, reported then)
            }
            let scores = Scores::from_bytes(entry);
            let verdict = if scores.quality.is_nan() {
                Verdict::Bad(String::new())
            } else {
                Verdict::Scored { scores, annotated: None }
            };
            write_verdict(outputs, stats, &raw, &verdict, &keeps)?;
        }
        Ok(())
    }

    fn is_jsonl<R: BufRead>(&self, input: &Path, reader: &mut LineReader<R>) -> bool {
        input_is_jsonl(self.options.format, input, reader)
    }
}

/// The lines of `input` (at most `max_bytes` each; bytes read from the file counted in
/// `counter`), or why it cannot be opened (without its path, which the caller says once).
pub(crate) fn open_records(
    input: &Path,
    max_bytes: usize,
    counter: &Arc<AtomicU64>,
) -> std::result::Result<LineReader<Box<dyn BufRead + Send>>, String> {
    match open_counted(input, counter.clone()) {
        Ok(r) => Ok(LineReader::new(r, max_bytes)),
        Err(Error::Io { cause, .. }) => Err(cause.to_string()),
        Err(other) => Err(other.to_string()),
    }
}

/// The record of `line` (a JSON object with the text in `field`, or a line of text), or why it
/// cannot be read (over `max_bytes`, bad JSON, invalid UTF-8, ...).
pub(crate) fn read_record<'a>(
    line: &'a RawLine,
    jsonl: bool,
    field: &str,
    max_bytes: usize,
) -> std::result::Result<Record<'a>, String> {
    if let Some(length) = line.too_long {
        return Err(format!("line of {length} bytes is over the limit of {max_bytes} (--max-record-bytes); skipped"));
    }
    let record = if jsonl { json_record(&line.raw, field) } else { text_record(&line.raw) };
    record.map_err(|bad| bad.message)
}

/// What is said of an input whose rest cannot be read (`e`), with a hint for compressed ones.
pub(crate) fn read_error_message(input: &Path, e: &std::io::Error) -> String {
    let hint = if matches!(crate::io::input::Compression::from_path(input), crate::io::input::Compression::None) {
        ""
    } else {
        " (truncated or corrupt compressed file?)"
    };
    format!("read error: {e}{hint}; the rest of this input is skipped")
}

/// Whether `input` holds JSONL records (else a document a line), as `format` and its name or
/// first byte say.
pub(crate) fn input_is_jsonl<R: BufRead>(format: InputFormat, input: &Path, reader: &mut LineReader<R>) -> bool {
    match format {
        InputFormat::Jsonl => true,
        InputFormat::Text => false,
        InputFormat::Auto if is_jsonl_name(input) => true,
        InputFormat::Auto if is_text_name(input) => false,
        // A read error here shows up again at the first line.
        InputFormat::Auto => matches!(reader.first_byte(), Ok(Some(b'{'))),
    }
}

impl Filter {
    /// Reads, scores and (with --annotate) annotates one record.
    fn verdict(&self, line: &RawLine, jsonl: bool) -> Verdict {
        let record = match read_record(line, jsonl, &self.options.field, self.options.max_record_bytes) {
            Ok(r) => r,
            Err(message) => return Verdict::Bad(message),
        };
        let report = self.detector.check(&record.text);
        let scores = Scores::of(&report);
        let annotated = self.options.annotate.then(|| {
            let rules = self.options.keep_top.is_none().then_some(self.options.rules);
            let a = annotate::annotation(&record.text, &report, rules.map(|r| r.keeps(scores)));
            if jsonl {
                annotate::annotate_json_line(&line.raw, &a)
            } else {
                annotate::annotate_text_line(&record.text, &a)
            }
        });
        Verdict::Scored { scores, annotated }
    }
}

/// Writes one record where its verdict sends it and counts it.
fn write_verdict(
    outputs: &mut Outputs,
    stats: &mut Stats,
    raw: &[u8],
    verdict: &Verdict,
    keeps: impl Fn(Scores) -> bool,
) -> Result<()> {
    match verdict {
        Verdict::Scored { annotated: Some(annotated), .. } => {
            stats.kept += 1;
            outputs.kept.write_line(annotated)
        }
        Verdict::Scored { scores, annotated: None } => {
            if keeps(*scores) {
                stats.kept += 1;
                outputs.kept.write_line(raw)
            } else {
                stats.dropped += 1;
                outputs.rejected.as_mut().map_or(Ok(()), |r| r.write_line(raw))
            }
        }
        // A line over the length limit has no bytes left to pass on.
        Verdict::Bad(_) if raw.is_empty() => Ok(()),
        Verdict::Bad(_) => outputs.rejected.as_mut().map_or(Ok(()), |r| r.write_line(raw)),
    }
}

/// Reads lines until a batch is full; stops early at the end of the input or a read error
/// (returned beside the lines read before it).
pub(crate) fn read_batch<R: BufRead>(reader: &mut LineReader<R>) -> (Vec<RawLine>, Option<std::io::Error>) {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < BATCH_LINES && bytes < BATCH_BYTES {
        let mut raw = Vec::new();
        match reader.next_line(&mut raw) {
            Ok(None) => break,
            Ok(Some(line)) => {
                bytes += raw.len();
                // A blank line is no record (as `check` reads JSONL): skipped, not an error.
                if matches!(line, Line::Read) && raw.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let too_long = match line {
                    Line::TooLong(n) => Some(n),
                    Line::Read => None,
                };
                batch.push(RawLine { number: reader.line, raw, too_long });
            }
            Err(e) => return (batch, Some(e)),
        }
    }
    (batch, None)
}

/// Copies standard input to a temporary file (for `--keep-top`, which reads its input twice).
pub(crate) fn spool_stdin() -> Result<tempfile::NamedTempFile> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(|e| Error::io("<stdin>", e))?;
    Ok(file)
}
