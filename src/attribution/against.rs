//! A text checked against its source: the detector's report with the comparison added (what
//! the text changed, and which of the two is likelier the copy). Shared by `check --source`
//! and `serve`'s `{"source": …}`, so both say the same.

use super::direction::{p_original, Signals};
use crate::analysis::Document;
use crate::detect::Detector;
use crate::report::Report;

/// A source text read once (analysed, with the signals that tell an original from its copy)
/// to check any number of texts against.
pub struct Source<'t> {
    doc: Document<'t>,
    signals: Signals,
}

impl<'t> Source<'t> {
    /// Reads `text` as a source: its analysis and its direction signals (with its own P(MT)
    /// and, unless the detector reads none, its round trips' stability).
    pub fn read(detector: &dyn Detector, text: &'t str) -> Self {
        let doc = detector.analyzer().analyze(text);
        let signals = Signals::of_report(&doc, &detector.check(text));
        Source { doc, signals }
    }

    /// Checks `text` and reads it against this source: `report.source` holds what it changed
    /// and `p_copy`, the probability that `text` is the copy.
    pub fn check(&self, detector: &dyn Detector, text: &str) -> Report {
        let mut report = detector.check(text);
        let ours = detector.analyzer().analyze(text);
        let mut comparison = super::compare(&ours, &self.doc);
        comparison.p_copy = Some(p_original(&self.signals, &Signals::of_report(&ours, &report)));
        report.source = Some(comparison);
        report
    }
}
