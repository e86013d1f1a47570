//! What a check finds: one [`Report`] per document with its quality, whether it is flagged,
//! and its sentences with their garbled spans, as byte spans into the original text. Its
//! JSONL form ([`json`], DESIGN "JSONL output") adds character offsets at this output edge.

mod json;

pub use crate::analysis::SentenceKind;
pub use json::{ChangeJson, ReportJson, RoundTripJson, SentenceJson, SourceJson, SpanJson};

use crate::text::ByteSpan;

/// A stretch of a sentence judged garbled: where it is, its score and what drove it.
#[derive(Clone, Debug, PartialEq)]
pub struct GarbledSpan {
    pub bytes: ByteSpan,
    /// P(garbled) of the span, in [0, 1].
    pub score: f32,
    /// Names of the features that drove it.
    pub reasons: Vec<&'static str>,
}

/// One sentence's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceReport {
    pub bytes: ByteSpan,
    pub kind: SentenceKind,
    /// 1 for fluent human English, 0 for garbage.
    pub quality: f32,
    pub flagged: bool,
    pub spans: Vec<GarbledSpan>,
    /// The sentence's round trip through the neural MT engine, when it was one of those sent
    /// ([`crate::detect::roundtrip`]).
    pub round_trip: Option<RoundTripReading>,
}

impl SentenceReport {
    /// Why the sentence is marked, in plain words, each once: its spans' reasons; for a
    /// sentence flagged on its round trip, that; for a flagged one with neither, "reads
    /// garbled as a whole". Empty for a sentence that is neither flagged nor marked.
    pub fn reasons(&self) -> Vec<String> {
        let mut reasons = plain_words(self.spans.iter().flat_map(|span| span.reasons.iter().copied()));
        if let Some(rt) = self.round_trip.as_ref().filter(|r| self.flagged && r.smooth) {
            reasons.push(format!(
                "changes little when translated again: {:.0}% of its words kept through Portuguese and back",
                rt.similarity * 100.0
            ));
        } else if self.flagged && reasons.is_empty() {
            reasons.push("reads garbled as a whole".to_string());
        }
        reasons
    }

    /// Flagged because it changes little when translated again, not because it reads garbled.
    pub fn smooth(&self) -> bool {
        self.flagged && self.round_trip.as_ref().is_some_and(|r| r.smooth)
    }
}

/// What a neural round trip did to a sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundTripReading {
    /// The sentence after English → Portuguese → English.
    pub text: String,
    /// Word similarity of the sentence and its round trip (1: unchanged).
    pub similarity: f32,
    /// P(machine-translated) of the sentence from its round trip alone.
    pub p_mt: f32,
    /// Flagged because it changes little when translated again (in a document called
    /// machine-translated), not because it reads garbled.
    pub smooth: bool,
}

/// Documents with fewer prose sentences get no P(MT) and, without a flagged sentence, the
/// verdict "too short to judge".
pub const MIN_SENTENCES: usize = 3;

/// A document is called machine-translated at or above this P(MT) (a calibrated probability:
/// more likely than not).
pub const MT_LINE: f32 = 0.5;

/// One document's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub quality: f32,
    pub flagged: bool,
    /// P(machine-translated or spun) of the whole document, from a detector with a document
    /// model (None otherwise, and for documents under [`MIN_SENTENCES`] prose sentences).
    pub p_mt: Option<f32>,
    pub sentences: Vec<SentenceReport>,
    /// The quality line this document's prose sentences were flagged against, when the
    /// detector moves it per document (higher in a document called machine-translated, lower
    /// in one judged human); None: the detector's own threshold.
    pub flag_line: Option<f32>,
    /// The text read against its source (`check --source`): what was changed, and a verdict.
    pub source: Option<crate::attribution::SourceComparison>,
    /// P(MT) from the garble evidence alone, before the round trips moved it (None as
    /// `p_mt`). What tells a garbled copy from its original (`attribution::direction`): the
    /// round-trip evidence lifts clean originals too, and would hide the gap.
    pub p_garbled: Option<f32>,
}

impl Report {
    /// The report of a document from its sentences' verdicts and token counts: the document's
    /// quality is the token-weighted mean over its prose (over everything when there is
    /// nothing but furniture; 1 for a document without sentences).
    pub fn from_sentences(sentences: Vec<SentenceReport>, tokens: &[usize]) -> Report {
        let mean = |prose_only: bool| {
            let (mut weighted, mut weight) = (0f32, 0f32);
            for (s, &n) in sentences.iter().zip(tokens) {
                if !prose_only || s.kind == SentenceKind::Prose {
                    weighted += s.quality * n as f32;
                    weight += n as f32;
                }
            }
            (weight > 0.0).then(|| weighted / weight)
        };
        Report::new(mean(true).or_else(|| mean(false)).unwrap_or(1.0), sentences)
    }

    /// A report of `sentences` with the document quality `quality` (flagged when any
    /// sentence is; no P(MT), flag line or source comparison yet).
    pub fn new(quality: f32, sentences: Vec<SentenceReport>) -> Report {
        Report {
            quality,
            flagged: sentences.iter().any(|s| s.flagged),
            p_mt: None,
            sentences,
            flag_line: None,
            source: None,
            p_garbled: None,
        }
    }

    /// The prose sentences, the flagged ones among them and the page furniture.
    pub fn counts(&self) -> SentenceCounts {
        let prose = self.sentences.iter().filter(|s| s.kind == SentenceKind::Prose).count();
        let flagged = self.sentences.iter().filter(|s| s.flagged).count();
        SentenceCounts { prose, flagged, furniture: self.sentences.len() - prose }
    }

    /// The share of prose sentences flagged (0 without prose): what `--max-flagged` limits.
    pub fn flagged_share(&self) -> f32 {
        let c = self.counts();
        c.flagged as f32 / c.prose.max(1) as f32
    }

    /// What the document looks like as a whole: by its P(MT) when it has one, else by its
    /// flagged sentences (a quarter or more of its prose, or a quality below 0.5: MT).
    pub fn verdict(&self) -> Verdict {
        let c = self.counts();
        match self.p_mt {
            Some(p) if p >= MT_LINE => Verdict::MachineTranslated,
            _ if c.flagged == 0 && c.prose < MIN_SENTENCES && self.suspicious_spans() == 0 => Verdict::TooShort,
            _ if c.flagged == 0 => Verdict::NothingFound,
            None if self.quality < 0.5 || c.flagged * 4 >= c.prose.max(1) => Verdict::MachineTranslated,
            _ => Verdict::SomeGarbled,
        }
    }

    /// Mean word similarity of the sentences sent on the neural round trip to their round
    /// trips (None: none was sent).
    pub fn round_trip_stability(&self) -> Option<f32> {
        crate::detect::roundtrip::mean_similarity(
            self.sentences.iter().filter_map(|s| s.round_trip.as_ref()).map(|r| r.similarity),
        )
    }

    /// Spans in sentences that are not flagged: words that look wrong in a sentence that as a
    /// whole passes. The verdict names them so that no mark goes unexplained.
    pub fn suspicious_spans(&self) -> usize {
        self.sentences.iter().filter(|s| !s.flagged).map(|s| s.spans.len()).sum()
    }

    /// The verdict in words, with what was found: "likely machine-translated: 9 of 21
    /// sentences garbled", "no MT artifacts found", "no garbled sentences; 2 suspicious
    /// phrases marked", "too short to judge".
    pub fn verdict_text(&self) -> String {
        let SentenceCounts { prose, flagged, .. } = self.counts();
        let suspicious = self.suspicious_spans();
        match self.verdict() {
            Verdict::MachineTranslated if flagged == 0 => {
                "likely machine-translated: odd throughout, though no one sentence is garbled enough to flag"
                    .to_string()
            }
            Verdict::MachineTranslated => {
                let smooth = self.sentences.iter().filter(|s| s.smooth()).count();
                match (flagged - smooth, smooth) {
                    (garbled, 0) => format!("likely machine-translated: {garbled} of {prose} sentences garbled"),
                    (0, smooth) => format!(
                        "likely machine-translated: {smooth} of {prose} sentences change little when translated again"
                    ),
                    (garbled, smooth) => format!(
                        "likely machine-translated: {garbled} of {prose} sentences garbled, {smooth} change little when translated again"
                    ),
                }
            }
            Verdict::SomeGarbled => format!("garbled in places: {flagged} of {prose} sentences garbled"),
            Verdict::NothingFound if suspicious > 0 => {
                format!("no garbled sentences; {suspicious} suspicious {} marked", plural(suspicious, "phrase"))
            }
            Verdict::NothingFound => "no MT artifacts found".to_string(),
            Verdict::TooShort => "too short to judge".to_string(),
        }
    }
}

/// Feature names in plain words, each once, in first-seen order.
pub(crate) fn plain_words<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for name in names {
        let plain = crate::features::in_words(name);
        if !words.iter().any(|w| w == plain) {
            words.push(plain.to_string());
        }
    }
    words
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// How many sentences of a document are prose, flagged, or page furniture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentenceCounts {
    pub prose: usize,
    pub flagged: usize,
    pub furniture: usize,
}

/// A document's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Fewer than [`MIN_SENTENCES`] prose sentences, none flagged and no span.
    TooShort,
    NothingFound,
    /// Flagged sentences in a document that does not read as machine-translated overall.
    SomeGarbled,
    MachineTranslated,
}
