//! The translation stage: a neural MT model pair (English → pivot → English) that sends
//! sentences on a round trip. `mtcheck spin` makes spun text with it; the detector reads how
//! much a sentence changes on the trip ([`crate::detect::roundtrip`]): machine-translated
//! English changes less than human English (re-translation stability).
//!
//! The engine is [`fxtranslate`] (a Rust port of Firefox Translations' Bergamot inference)
//! over the "tiny" English↔Portuguese students vendored in `models/en-pt-roundtrip`
//! ([`folder`]). Decoding is greedy and each sentence is translated alone, so a sentence's
//! round trip is the same whatever else is in the text (deterministic, and the same as the
//! training data's). Sentences run on all cores (rayon), one engine shared by every thread.

pub mod folder;
pub mod spin;

use crate::error::{Error, Result};
pub use folder::{default_engine_dir, engine_dir_for, EngineSpec, ENGINE_FILE};
use fxtranslate::engine::Engine;
use fxtranslate::shortlist::Shortlist;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The longest source sentence translated, in the model's subword tokens (its context
/// window): longer ones are not sent (a window-sized cut would compare halves of sentences).
pub const MAX_TOKENS: usize = 120;

/// What became of one sentence sent through the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The translation.
    Translated(String),
    /// Over [`MAX_TOKENS`] subword tokens: not sent.
    TooLong,
    /// Nothing to translate (blank), or the engine gave nothing back.
    Empty,
}

impl Outcome {
    pub fn text(&self) -> Option<&str> {
        match self {
            Outcome::Translated(t) => Some(t),
            _ => None,
        }
    }
}

/// How many sentences of a batch ended each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub translated: usize,
    pub too_long: usize,
    pub empty: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.translated += other.translated;
        self.too_long += other.too_long;
        self.empty += other.empty;
    }
}

impl Counts {
    pub fn of(outcomes: &[Outcome]) -> Counts {
        let mut c = Counts::default();
        for o in outcomes {
            match o {
                Outcome::Translated(_) => c.translated += 1,
                Outcome::TooLong => c.too_long += 1,
                Outcome::Empty => c.empty += 1,
            }
        }
        c
    }
}

/// One direction: a Bergamot model, its vocabulary and shortlist.
struct Direction {
    engine: Engine,
}

// SAFETY: fxtranslate's engine is `Sync` (its packed int8 weights are written once at load and
// only read after; per-call scratch is thread-local) but not `Send`, because a packed weight
// holds a raw pointer to memory its C++ shim allocates with `std::aligned_alloc`/`new` and
// releases with `std::free`/`delete` on drop. Those are thread-agnostic, so moving the owner
// to another thread (a checker built on one thread and used or dropped on a server's worker)
// is sound; nothing else in the engine is tied to its thread.
unsafe impl Send for Direction {}

impl Direction {
    fn load(dir: &Path, files: &folder::DirectionFiles) -> Result<Direction> {
        let (model, vocab, lex) = (dir.join(&files.model), dir.join(&files.vocab), dir.join(&files.shortlist));
        for path in [&model, &vocab, &lex] {
            if !path.is_file() {
                return Err(Error::bad_model(path, "missing: the MT model folder names it in engine.json"));
            }
        }
        // fxtranslate parses its files with slicing that panics on a truncated file; the folder's
        // checksums were verified before this, so a panic here is a file that was never valid.
        let loaded = std::panic::catch_unwind(|| -> std::result::Result<Engine, String> {
            let shortlist = Shortlist::load(&lex).map_err(|e| e.to_string())?;
            Ok(Engine::load_mmapped(&model, &vocab, &vocab)?.with_shortlist(shortlist))
        });
        match loaded {
            Ok(Ok(engine)) => Ok(Direction { engine }),
            Ok(Err(e)) => Err(Error::bad_model(&model, format!("not a Bergamot model the engine can load ({e})"))),
            Err(_) => Err(Error::bad_model(&model, "not a Bergamot model the engine can load (malformed file)")),
        }
    }

    fn translate(&self, sentence: &str) -> Outcome {
        let sentence = sentence.trim();
        if sentence.is_empty() {
            return Outcome::Empty;
        }
        // src_ids counts the end-of-sentence token too.
        if self.engine.src_ids(sentence).len() > MAX_TOKENS + 1 {
            return Outcome::TooLong;
        }
        let out = self.engine.translate(sentence);
        let out = out.trim();
        if out.is_empty() {
            Outcome::Empty
        } else {
            Outcome::Translated(out.to_string())
        }
    }
}

/// An English → pivot → English model pair.
pub struct RoundTripEngine {
    forward: Direction,
    backward: Direction,
    /// Where it was loaded from, and its `engine.json`.
    dir: PathBuf,
    spec: EngineSpec,
}

impl RoundTripEngine {
    /// The shipped engine (`models/en-pt-roundtrip`, or `$MTCHECK_MT_DIR`).
    pub fn new() -> Result<Self> {
        Self::open(&default_engine_dir())
    }

    /// The engine in folder `dir` (`engine.json` and the files it names), its checksums
    /// verified first: a damaged file is refused.
    pub fn open(dir: &Path) -> Result<Self> {
        let spec = folder::EngineSpec::open_verified(dir)?;
        let (forward, backward) =
            rayon::join(|| Direction::load(dir, &spec.forward), || Direction::load(dir, &spec.backward));
        Ok(RoundTripEngine { forward: forward?, backward: backward?, dir: dir.to_path_buf(), spec })
    }

    /// The pivot language's code (`pt`).
    pub fn pivot(&self) -> &str {
        &self.spec.pivot
    }

    /// The folder it was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Its `engine.json` (files, languages, provenance).
    pub fn spec(&self) -> &EngineSpec {
        &self.spec
    }

    /// English → pivot → English, `hops` times (a spinner's chain), each sentence alone, on all
    /// cores, in input order. A sentence that fails on any leg gives that leg's outcome.
    pub fn round_trip(&self, sentences: &[&str], hops: usize) -> Vec<Outcome> {
        sentences.par_iter().map(|s| self.round_trip_one(s, hops)).collect()
    }

    /// One sentence's round trip (`hops` ≥ 1).
    pub fn round_trip_one(&self, sentence: &str, hops: usize) -> Outcome {
        let mut text = sentence.to_string();
        for _ in 0..hops.max(1) {
            let pivot = match self.forward.translate(&text) {
                Outcome::Translated(t) => t,
                other => return other,
            };
            text = match self.backward.translate(&pivot) {
                Outcome::Translated(t) => t,
                other => return other,
            };
        }
        Outcome::Translated(text)
    }
}
