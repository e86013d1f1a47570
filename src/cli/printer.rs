//! Human output of `mtcheck check`: grep-like lines for flagged sentences, the whole text with
//! spans highlighted (`--highlight`), and one-line summaries. Colour is decided once by the
//! caller; without it, spans are bracketed `[[like this]]` so the output stays readable.

use mtcheck::report::{Report, SentenceCounts, SentenceKind, SentenceReport, Verdict};
use mtcheck::text::ByteSpan;
use std::fmt::Write;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

pub struct Printer {
    pub color: bool,
}

impl Printer {
    fn paint(&self, style: &str, s: &str) -> String {
        if self.color {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    }

    /// `text[range]` with the spans of `sentences` (those around `range`) marked, in colour or
    /// in brackets.
    fn marked(&self, text: &str, sentences: &[&SentenceReport], range: ByteSpan) -> String {
        let mut out = String::new();
        let mut at = range.start;
        let spans = sentences
            .iter()
            .flat_map(|s| &s.spans)
            .filter(|s| s.bytes.start >= range.start && s.bytes.end <= range.end);
        for span in spans {
            out.push_str(&text[at..span.bytes.start]);
            let garbled = &text[span.bytes];
            if self.color {
                out.push_str(&self.paint(RED, garbled));
            } else {
                let _ = write!(out, "[[{garbled}]]");
            }
            at = span.bytes.end;
        }
        out.push_str(&text[at..range.end]);
        out
    }

    fn quality(&self, q: f32, flagged: bool) -> String {
        let style = if flagged {
            RED
        } else if q < 0.7 {
            YELLOW
        } else {
            GREEN
        };
        self.paint(style, &format!("{q:.2}"))
    }

    /// Grep-like: one line per flagged sentence, `name:line: quality  sentence`.
    pub fn flagged_lines(&self, name: &str, text: &str, report: &Report) -> String {
        let mut out = String::new();
        let lines = mtcheck::text::Lines::new(text);
        for s in report.sentences.iter().filter(|s| s.flagged) {
            let line = lines.number(s.bytes.start);
            let sentence = self.marked(text, &[s], s.bytes).replace('\n', " ");
            let reasons: Vec<&str> = s.spans.iter().flat_map(|sp| sp.reasons.iter().copied()).collect();
            let mut why = String::new();
            if !reasons.is_empty() {
                let mut uniq: Vec<&str> = Vec::new();
                reasons.iter().for_each(|r| {
                    if !uniq.contains(r) {
                        uniq.push(r)
                    }
                });
                why = self.paint(DIM, &format!("  ({})", uniq.join(", ")));
            }
            let _ = writeln!(out, "{name}:{line}: {}  {sentence}{why}", self.quality(s.quality, true));
        }
        out
    }

    /// The whole text, line by line, with the lowest sentence quality of each line in a
    /// gutter, garbled spans highlighted and page furniture dimmed.
    pub fn highlight(&self, text: &str, report: &Report) -> String {
        let mut out = String::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            // Sentences are sorted and disjoint: find this line's by binary search, not a scan.
            let first = report.sentences.partition_point(|s| s.bytes.end <= start);
            let on_line: Vec<&SentenceReport> =
                report.sentences[first..].iter().take_while(|s| s.bytes.start < end.max(start + 1)).collect();
            let prose: Vec<_> = on_line.iter().filter(|s| s.kind == SentenceKind::Prose).collect();
            let gutter = match prose.iter().min_by(|a, b| a.quality.total_cmp(&b.quality)) {
                Some(s) => format!("{} {} ", self.quality(s.quality, s.flagged), if s.flagged { "▌" } else { "│" }),
                None if !on_line.is_empty() => format!("{} │ ", self.paint(DIM, " -- ")),
                None => "     │ ".to_string(),
            };
            let body = if !on_line.is_empty() && prose.is_empty() {
                self.paint(DIM, &text[start..end])
            } else {
                self.marked(text, &on_line, ByteSpan::new(start, end))
            };
            let _ = writeln!(out, "{gutter}{body}");
            start += line.len();
        }
        out
    }

    /// The article's verdict in one line.
    pub fn verdict(&self, name: &str, report: &Report) -> String {
        let verdict = report.verdict();
        let colour = match verdict {
            Verdict::NothingFound => GREEN,
            Verdict::SomeGarbled => YELLOW,
            Verdict::MachineTranslated => RED,
        };
        let words = self.paint(colour, verdict.words());
        let SentenceCounts { prose, flagged, furniture } = report.counts();
        let extra = if furniture > 0 { format!(", {furniture} boilerplate") } else { String::new() };
        format!(
            "{name}: {words}: quality {}, {flagged} of {prose} sentences flagged{extra}",
            self.quality(report.quality, report.flagged)
        )
    }
}
