//! `mtcheck pairs`: finds the spun copies in a crawl. Near-duplicate documents are found with
//! MinHash and LSH over stemmed content-word bigrams ([`crate::attribution::shingles`]), with
//! everything per document spilled to disk ([`spill`]); candidate pairs are checked on their
//! sketches, linked pairs gathered into groups ([`groups`]), and within each group the
//! original is told from its copies ([`crate::attribution::direction`]) and every copy read
//! against it ([`crate::attribution::compare`]): a spun copy, a copy, or (where only a part
//! is shared) no relation.
//!
//! Stages: 1. read every input once (in parallel batches): shingles, band keys and sketch of
//! each document to the spill; 2. each band partition sorted alone: documents sharing a key
//! are candidates; 3. candidates checked on their sketches (estimated Jaccard); 4. groups;
//! 5. each group read back and judged (in parallel across groups); where the direction
//! signals leave a pair uncertain, both sides are sent on the neural round trip and their
//! stability decides too ([`crate::attribution::direction::needs_stability`]).

mod groups;
mod json;
mod spill;

use crate::analysis::Analyzer;
use crate::attribution::direction::{needs_stability, p_original, Signals};
use crate::attribution::minhash::{MinHasher, Sketch};
use crate::attribution::shingles::shingles;
use crate::attribution::{compare, SourceComparison, SourceVerdict};
use crate::detect::roundtrip::{mean_similarity, trips, RoundTripReader};
use crate::detect::Detector;
use crate::error::Result;
use crate::filter::{input_is_jsonl, open_records, read_batch, read_error_message, read_record, InputFormat};
use crate::io::input::display;
use crate::io::records::{json_record, text_record};
use rayon::prelude::*;
use spill::{Spill, SpillReader, PARTITIONS};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub struct PairsOptions {
    pub format: InputFormat,
    /// JSONL field holding the text.
    pub field: String,
    /// Longer lines are bad records.
    pub max_record_bytes: usize,
    /// Candidate pairs sharing less than this estimated share of shingles are not linked.
    pub min_jaccard: f32,
    /// Documents with fewer shingles are not compared (too short to tell a copy).
    pub min_shingles: usize,
    /// Where the spill goes (default: the system's temporary folder).
    pub temp_dir: Option<PathBuf>,
}

impl Default for PairsOptions {
    fn default() -> Self {
        PairsOptions {
            format: InputFormat::Auto,
            field: "text".into(),
            max_record_bytes: 64 << 20,
            min_jaccard: MIN_JACCARD,
            min_shingles: 20,
            temp_dir: None,
        }
    }
}

/// Linking line: a neural round trip shares 0.18 of its shingles with its original at the
/// 1st percentile; the closest unrelated article of the same year at most 0.03.
pub const MIN_JACCARD: f32 = 0.08;
/// A member counts as taken from its group's original only when at least this share of its
/// prose sentences align to the original's. Documents that share a passage or a template
/// ("As of the census of 2010, there were ... people") link on shingles but fall short: on
/// the crawl bench, 95% of such links of Wikipedia documents are under 0.7, and 1% of the
/// planted copies (scripts/bench/pairs-bench.py).
pub const MIN_ALIGNED_SHARE: f32 = 0.7;
/// Rounds of judging a group: a large chained component (template pages) would otherwise
/// cost a comparison per member per round. Measured on the crawl bench at 100,000 documents:
/// 1 round leaves 3.5% of the planted copies out (38 s), 3 rounds 1.2% (43 s), no limit 0.6%
/// (164 s; reports/speed.md).
const MAX_ROUNDS: usize = 3;
/// Documents sharing one band key beyond this many are a template (navigation pages, a
/// boilerplate notice), not copies of each other: only the first ones are paired.
const MAX_BUCKET: usize = 64;

/// A document's place in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// Index into the inputs.
    pub input: u32,
    /// 1-based line.
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The version the others were taken from.
    Original,
    /// Taken from the original and reworded.
    SpunCopy,
    /// Taken from the original without rewording.
    Copy,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Original => "original",
            Role::SpunCopy => "spun_copy",
            Role::Copy => "copy",
        }
    }
}

/// One document of a group, with what it is.
#[derive(Clone, Debug)]
pub struct Member {
    /// Document number (readable records in input order, from 0).
    pub doc: u32,
    /// Group number (from 1, in input order of the groups' first documents).
    pub group: u32,
    pub role: Role,
    /// For copies: the original.
    pub of: Option<u32>,
    /// For copies, the probability that the original is the original of the two; for the
    /// original, the smallest of these over its copies.
    pub p_original: f32,
    /// For copies: how the copy reads against the original (its changes left out).
    pub comparison: Option<SourceComparison>,
    pub signals: Signals,
}

/// Counts of a run.
#[derive(Clone, Debug, Default)]
pub struct PairStats {
    pub records: u64,
    pub errors: u64,
    /// Documents with enough shingles to compare.
    pub compared: u64,
    /// Uncompressed bytes read.
    pub bytes: u64,
    /// Bytes of the input files themselves (compressed, when they are).
    pub input_bytes: u64,
    pub candidates: u64,
    /// Candidates whose sketches agree.
    pub linked: u64,
    pub groups: u64,
    /// Documents linked to a group that share under [`MIN_ALIGNED_SHARE`] of their sentences
    /// with its original (a passage, a template): left out of the group.
    pub partial: u64,
    /// Band buckets cut at [`MAX_BUCKET`].
    pub templates: u64,
    /// Documents sent on the neural round trip to tell which of a pair is the copy.
    pub round_tripped: u64,
}

/// Hears what happens during a run.
pub trait PairsObserver: Send {
    /// A record (or a whole input, `line` 0) that could not be read.
    fn bad_record(&mut self, input: &str, line: usize, message: &str);
    /// `done` of `total` steps of stage `stage` ("reading", "pairing", "judging").
    fn progress(&mut self, stage: &str, done: u64, total: u64, stats: &PairStats);
}

/// The result of a run: the members of every group, and the spill to read their records back.
pub struct Pairs {
    pub members: Vec<Member>,
    /// Documents linked to others but left out of every group (not 70% of a copy's sentences
    /// from an original), in input order.
    pub partial: Vec<u32>,
    pub stats: PairStats,
    locations: Vec<Location>,
    /// Per input: whether its records are JSONL (else text).
    jsonl: Vec<bool>,
    /// Per input: whether it is one document (a .txt file, as `check` reads it) rather than
    /// records a line.
    whole_file: Vec<bool>,
    spill: SpillReader,
}

impl Pairs {
    pub fn location(&self, doc: u32) -> Location {
        self.locations[doc as usize]
    }

    /// Readable documents, numbered from 0 in input order.
    pub fn documents(&self) -> u32 {
        self.locations.len() as u32
    }

    /// Whether document `doc`'s record is a JSON line (else a line of text).
    pub fn is_jsonl(&self, doc: u32) -> bool {
        self.jsonl[self.locations[doc as usize].input as usize]
    }

    /// Whether document `doc` is a whole text file (its id is then the file's name).
    pub fn is_whole_file(&self, doc: u32) -> bool {
        self.whole_file[self.locations[doc as usize].input as usize]
    }

    /// Document `doc`'s record as it was read (a JSON line, or a line of text).
    pub fn record(&self, doc: u32) -> Result<Vec<u8>> {
        self.spill.record(doc)
    }
}

/// What judging one group found.
struct Judged {
    /// Each an original and the members read as taken from it.
    subgroups: Vec<Vec<Member>>,
    /// Linked documents in no subgroup (partial).
    left: Vec<u32>,
    /// Documents sent on the round trip.
    round_tripped: u64,
}

/// The member of `which` most likely the original against all the others.
fn likeliest_original(signals: &[Signals], which: &[usize]) -> usize {
    let score = |i: usize| -> f32 {
        which.iter().filter(|&&j| j != i).map(|&j| p_original(&signals[i], &signals[j]).max(1e-6).ln()).sum()
    };
    which.iter().copied().max_by(|&a, &b| score(a).total_cmp(&score(b))).unwrap_or(which[0])
}

/// The most members of one group sent on round trips (see [`PairFinder::add_stability`]).
pub const MAX_ROUND_TRIPPED: usize = 8;

pub struct PairFinder {
    /// Judges P(MT) of group members and reads copies against originals.
    pub detector: Box<dyn Detector>,
    /// The neural round trip, for pairs the direction signals leave uncertain (None: those
    /// are judged without it).
    pub round_trips: Option<RoundTripReader>,
    pub options: PairsOptions,
}

/// What stage 1 makes of a line.
enum Read {
    Doc { sketch: Sketch, band_keys: Vec<u64> },
    Bad(String),
}

impl PairFinder {
    /// The finder of model folder `dir`: its detector without round trips (P(MT) from the
    /// garble evidence; which member is the original is told by direction signals) and,
    /// unless `fast`, the neural round trip for the pairs those leave uncertain.
    pub fn open(dir: &Path, options: PairsOptions, fast: bool) -> Result<Self> {
        let settings = crate::detect::Settings { no_round_trips: true, ..Default::default() };
        let detector = crate::detect::open(crate::detect::DetectorKind::Full, dir, settings)?;
        let round_trips = if fast { None } else { RoundTripReader::open(dir)? };
        Ok(PairFinder { detector, round_trips, options })
    }

    pub fn run(&self, inputs: &[PathBuf], observer: &mut dyn PairsObserver) -> Result<Pairs> {
        let mut stats = PairStats::default();
        let mut spill = Spill::new(self.options.temp_dir.as_deref())?;
        let mut locations = Vec::new();
        let hasher = MinHasher::default();
        let (mut jsonl, mut whole_file) = (Vec::with_capacity(inputs.len()), Vec::with_capacity(inputs.len()));
        for (index, input) in inputs.iter().enumerate() {
            let (is_jsonl, whole) =
                self.read_input(index, input, &hasher, &mut spill, &mut locations, &mut stats, observer)?;
            jsonl.push(is_jsonl);
            whole_file.push(whole);
        }
        let spill = spill.finish()?;
        let linked = self.link(&spill, &mut stats, observer)?;
        let groups = groups::groups(spill.documents(), &linked);
        let judged: Vec<Result<Judged>> = groups.par_iter().map(|members| self.judge(members, &spill)).collect();
        observer.progress("judging", groups.len() as u64, groups.len() as u64, &stats);
        let mut subgroups = Vec::new();
        let mut partial = Vec::new();
        for group in judged {
            let Judged { subgroups: found, left, round_tripped } = group?;
            stats.round_tripped += round_tripped;
            stats.partial += left.len() as u64;
            partial.extend(left);
            subgroups.extend(found);
        }
        partial.sort_unstable();
        // Groups are numbered in input order of their first documents.
        subgroups.sort_by_key(|g| g.iter().map(|m| m.doc).min());
        let mut members = Vec::new();
        for (number, group) in subgroups.into_iter().enumerate() {
            members.extend(group.into_iter().map(|m| Member { group: number as u32 + 1, ..m }));
        }
        stats.groups = members.iter().filter(|m| m.role == Role::Original).count() as u64;
        members.sort_by_key(|m| m.doc);
        Ok(Pairs { members, partial, stats, locations, jsonl, whole_file, spill })
    }

    /// Stage 1 for one input; returns whether it holds JSONL, and whether it is one document.
    #[allow(clippy::too_many_arguments)]
    fn read_input(
        &self,
        index: usize,
        input: &Path,
        hasher: &MinHasher,
        spill: &mut Spill,
        locations: &mut Vec<Location>,
        stats: &mut PairStats,
        observer: &mut dyn PairsObserver,
    ) -> Result<(bool, bool)> {
        // A .txt file is text whatever its first byte (as input_is_jsonl decides), read whole.
        if self.options.format != InputFormat::Jsonl && crate::io::input::is_text_name(input) {
            self.read_whole_file(index, input, hasher, spill, locations, stats, observer)?;
            return Ok((false, true));
        }
        let name = display(input);
        let counter = Arc::new(AtomicU64::new(0));
        let mut reader = match open_records(input, self.options.max_record_bytes, &counter) {
            Ok(r) => r,
            Err(message) => {
                // An input that cannot be opened is an error, not a record read.
                stats.errors += 1;
                observer.bad_record(&name, 0, &message);
                return Ok((false, false));
            }
        };
        let jsonl = input_is_jsonl(self.options.format, input, &mut reader);
        let start = stats.input_bytes;
        loop {
            let (batch, error) = read_batch(&mut reader);
            let read: Vec<Read> = batch
                .par_iter()
                .map(|line| match read_record(line, jsonl, &self.options.field, self.options.max_record_bytes) {
                    Ok(r) => {
                        let (sketch, band_keys) = self.sketch(&r.text, hasher);
                        Read::Doc { sketch, band_keys }
                    }
                    Err(message) => Read::Bad(message),
                })
                .collect();
            for (line, read) in batch.iter().zip(read) {
                stats.records += 1;
                stats.bytes += line.too_long.unwrap_or(line.raw.len() as u64) + 1;
                match read {
                    Read::Doc { sketch, band_keys } => {
                        stats.compared += u64::from(!band_keys.is_empty());
                        spill.add(&line.raw, &sketch, &band_keys)?;
                        locations.push(Location { input: index as u32, line: line.number as u32 });
                    }
                    Read::Bad(message) => {
                        stats.errors += 1;
                        observer.bad_record(&name, line.number, &message);
                    }
                }
            }
            stats.input_bytes = start + counter.load(Ordering::Relaxed);
            observer.progress("reading", stats.input_bytes, 0, stats);
            if let Some(e) = error {
                stats.records += 1;
                stats.errors += 1;
                observer.bad_record(&name, reader.line + 1, &read_error_message(input, &e));
                break;
            }
            if batch.is_empty() {
                break;
            }
        }
        Ok((jsonl, false))
    }

    /// A document's MinHash sketch and band keys (none under `min_shingles` shingles: too short
    /// to pair).
    fn sketch(&self, text: &str, hasher: &MinHasher) -> (Sketch, Vec<u64>) {
        let s = shingles(text);
        if s.len() < self.options.min_shingles {
            (Sketch::default(), Vec::new())
        } else {
            (Sketch::of(&s), hasher.band_keys(&s))
        }
    }

    /// Stage 1 for a .txt file: one document, as `check` reads it (its id is its name).
    #[allow(clippy::too_many_arguments)]
    fn read_whole_file(
        &self,
        index: usize,
        input: &Path,
        hasher: &MinHasher,
        spill: &mut Spill,
        locations: &mut Vec<Location>,
        stats: &mut PairStats,
        observer: &mut dyn PairsObserver,
    ) -> Result<()> {
        use std::io::Read as _;
        let limit = self.options.max_record_bytes;
        let mut reader = match crate::io::input::open_reader(input) {
            Ok(reader) => reader,
            Err(e) => {
                // An input that cannot be opened is an error, not a record read (said without
                // its path, which bad_record gives, as open_records does).
                let message = match e {
                    crate::error::Error::Io { cause, .. } => cause.to_string(),
                    other => other.to_string(),
                };
                stats.errors += 1;
                observer.bad_record(&display(input), 0, &message);
                return Ok(());
            }
        };
        let mut raw = Vec::new();
        let read =
            (&mut reader).take(limit as u64 + 1).read_to_end(&mut raw).map_err(|e| read_error_message(input, &e));
        stats.records += 1;
        stats.bytes += raw.len() as u64;
        stats.input_bytes += raw.len() as u64;
        let text = match read {
            Err(message) => Err(message),
            Ok(_) if raw.len() > limit => {
                Err(format!("a document over the limit of {limit} bytes (--max-record-bytes); skipped"))
            }
            Ok(_) => crate::io::records::text_record(&raw).map(|r| r.text).map_err(|bad| bad.message),
        };
        match text {
            Ok(text) => {
                let (sketch, band_keys) = self.sketch(&text, hasher);
                stats.compared += u64::from(!band_keys.is_empty());
                spill.add(&raw, &sketch, &band_keys)?;
                locations.push(Location { input: index as u32, line: 1 });
            }
            Err(message) => {
                stats.errors += 1;
                observer.bad_record(&display(input), 0, &message);
            }
        }
        observer.progress("reading", stats.input_bytes, 0, stats);
        Ok(())
    }

    /// Stages 2 and 3: candidate pairs from shared band keys, kept where the sketches agree.
    fn link(
        &self,
        spill: &SpillReader,
        stats: &mut PairStats,
        observer: &mut dyn PairsObserver,
    ) -> Result<Vec<(u32, u32)>> {
        let mut candidates: Vec<(u32, u32)> = Vec::new();
        for p in 0..PARTITIONS {
            let entries = spill.partition(p)?;
            let mut i = 0;
            while i < entries.len() {
                let mut j = i + 1;
                while j < entries.len() && entries[j].0 == entries[i].0 {
                    j += 1;
                }
                if j - i > MAX_BUCKET {
                    stats.templates += 1;
                }
                let bucket = &entries[i..j.min(i + MAX_BUCKET)];
                for (k, a) in bucket.iter().enumerate() {
                    candidates.extend(bucket[k + 1..].iter().map(|b| (a.1.min(b.1), a.1.max(b.1))));
                }
                i = j;
            }
            candidates.sort_unstable();
            candidates.dedup();
            observer.progress("pairing", p as u64 + 1, PARTITIONS as u64, stats);
        }
        stats.candidates = candidates.len() as u64;
        let min = self.options.min_jaccard;
        let linked: Vec<(u32, u32)> = candidates
            .par_chunks(1024)
            .map(|chunk| -> Result<Vec<(u32, u32)>> {
                let mut out = Vec::new();
                let mut first: Option<(u32, Sketch)> = None;
                for &(a, b) in chunk {
                    if first.as_ref().is_none_or(|f| f.0 != a) {
                        first = Some((a, spill.sketch(a)?));
                    }
                    let sa = &first.as_ref().expect("set just above").1;
                    if sa.jaccard(&spill.sketch(b)?) >= min {
                        out.push((a, b));
                    }
                }
                Ok(out)
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        stats.linked = linked.len() as u64;
        Ok(linked)
    }

    /// The text of document `doc`.
    fn text(&self, spill: &SpillReader, doc: u32) -> Result<String> {
        let raw = spill.record(doc)?;
        let record = json_record(&raw, &self.options.field).or_else(|_| text_record(&raw));
        Ok(record.map(|r| r.text.into_owned()).unwrap_or_default())
    }

    /// Stage 5 for one group: its subgroups, each an original and the members read as taken
    /// from it; and how many of its documents are in none. Members that share too little with
    /// the chosen original are judged again among themselves: a chain of links (a template
    /// page, an original, its copy) can join documents that are not all copies of one.
    /// The subgroups of the linked documents `docs`, the documents left out of them, and how
    /// many were sent on round trips.
    fn judge(&self, docs: &[u32], spill: &SpillReader) -> Result<Judged> {
        let analyzer: &Analyzer = self.detector.analyzer();
        let mut signals = Vec::with_capacity(docs.len());
        for &doc in docs {
            let text = self.text(spill, doc)?;
            let p_mt = self.detector.check(&text).p_mt;
            signals.push(Signals::of(&analyzer.analyze(&text), p_mt));
        }
        let round_tripped = self.add_stability(docs, &mut signals, spill)?;
        let mut subgroups = Vec::new();
        let mut remaining: Vec<usize> = (0..docs.len()).collect();
        for _ in 0..MAX_ROUNDS {
            if remaining.len() < 2 {
                break;
            }
            let (members, left) = self.judge_once(docs, &signals, &remaining, spill)?;
            if members.len() > 1 {
                subgroups.push(members);
            }
            remaining = left; // the original is never left: each round takes at least one
        }
        let placed: std::collections::HashSet<u32> = subgroups.iter().flatten().map(|m| m.doc).collect();
        let left = docs.iter().copied().filter(|d| !placed.contains(d)).collect();
        Ok(Judged { subgroups, left, round_tripped })
    }

    /// Sends on the neural round trip the members whose direction against the likeliest
    /// original is uncertain (and that original), adds their stability, and repeats while that
    /// changes which member is the likeliest original; returns how many were sent. Only pairs
    /// with the original matter: two copies of one article are both smooth, and which of them
    /// is "the copy" decides nothing. At most [`MAX_ROUND_TRIPPED`] per group (a template's
    /// many near-copies would stall the run at ~1 s per member).
    fn add_stability(&self, docs: &[u32], signals: &mut [Signals], spill: &SpillReader) -> Result<u64> {
        let Some(reader) = &self.round_trips else { return Ok(0) };
        let analyzer = self.detector.analyzer();
        let all: Vec<usize> = (0..signals.len()).collect();
        let mut sent = vec![false; signals.len()];
        let mut count = 0;
        loop {
            let original = likeliest_original(signals, &all);
            let uncertain: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&j| j != original && needs_stability(&signals[original], &signals[j]))
                .flat_map(|j| [original, j])
                .filter(|&i| !sent[i])
                .collect::<std::collections::BTreeSet<usize>>()
                .into_iter()
                .collect();
            if uncertain.is_empty() || count + uncertain.len() > MAX_ROUND_TRIPPED {
                return Ok(count as u64);
            }
            for i in uncertain {
                let text = self.text(spill, docs[i])?;
                let trips = trips(reader.engine(), analyzer, &analyzer.analyze(&text), None);
                signals[i].stability = mean_similarity(trips.iter().map(|t| t.similarity));
                sent[i] = true;
                count += 1;
            }
        }
    }

    /// One round of [`Self::judge`] over the members `which` (indices into `docs`): the original
    /// and its copies, and the members left.
    fn judge_once(
        &self,
        docs: &[u32],
        signals: &[Signals],
        which: &[usize],
        spill: &SpillReader,
    ) -> Result<(Vec<Member>, Vec<usize>)> {
        let analyzer: &Analyzer = self.detector.analyzer();
        let original = likeliest_original(signals, which);
        let source_text = self.text(spill, docs[original])?;
        let source = analyzer.analyze(&source_text);
        let mut members = Vec::with_capacity(which.len());
        let mut left = Vec::new();
        let mut weakest = 1.0f32;
        for &i in which.iter().filter(|&&i| i != original) {
            let text = self.text(spill, docs[i])?;
            let copy = analyzer.analyze(&text);
            let mut comparison = compare(&copy, &source);
            let aligned_share = comparison.aligned as f32 / comparison.sentences.max(1) as f32;
            let role = match comparison.verdict() {
                _ if aligned_share < MIN_ALIGNED_SHARE => None,
                SourceVerdict::Unrelated => None,
                SourceVerdict::Copy => Some(Role::Copy),
                // A copy with furniture of its own (or without the original's) can read as
                // reworded one way round and not the other: reworded means reworded both ways.
                SourceVerdict::SpunCopy if compare(&source, &copy).verdict() == SourceVerdict::Copy => Some(Role::Copy),
                SourceVerdict::SpunCopy => Some(Role::SpunCopy),
            };
            let Some(role) = role else {
                left.push(i);
                continue;
            };
            comparison.changes = Vec::new();
            let p = p_original(&signals[original], &signals[i]);
            weakest = weakest.min(p);
            members.push(Member {
                doc: docs[i],
                group: 0,
                role,
                of: Some(docs[original]),
                p_original: p,
                comparison: Some(comparison),
                signals: signals[i],
            });
        }
        members.push(Member {
            doc: docs[original],
            group: 0,
            role: Role::Original,
            of: None,
            p_original: weakest,
            comparison: None,
            signals: signals[original],
        });
        Ok((members, left))
    }
}
