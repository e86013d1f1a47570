//! Human output of `mtcheck check`: grep-like lines for flagged sentences, the whole text with
//! spans highlighted (`--highlight`: a score per sentence in a gutter, the text wrapped inside
//! its column), and one-line summaries. Colour is decided once by the caller; without it, spans
//! are bracketed `[[like this]]` so the output stays readable. Spans in sentences that are not
//! flagged are "suspicious", not garbled: yellow and underlined, or `[?like this?]`. With
//! `--source`, words changed from the source are magenta, or `{+like this+}` (git's word diff).

use mtcheck::report::{Report, SentenceCounts, SentenceKind, SentenceReport, Verdict};
use mtcheck::text::ByteSpan;
use std::fmt::Write;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const YELLOW_UNDERLINE: &str = "\x1b[4;33m";
/// Words changed from the `--source`.
const MAGENTA: &str = "\x1b[1;35m";
const RESET: &str = "\x1b[0m";

/// How a stretch of text is marked.
#[derive(Clone, Copy)]
enum Mark {
    /// A detector's span in a flagged sentence.
    Garbled,
    /// A detector's span in a sentence not flagged.
    Suspicious,
    /// Words changed from the --source.
    Changed,
}

pub struct Printer {
    pub color: bool,
    /// Sentences below this quality are flagged (red); up to 0.1 above it, borderline (yellow).
    pub threshold: f32,
    /// Columns for the text beside the gutter in `--highlight`.
    pub width: usize,
}

/// The gutter's width: "0.65 ▌ ".
const GUTTER: usize = 7;

/// What `--highlight`'s marks mean, printed once after the last document on a terminal. Each
/// document's verdict line gives its own flag line, so the legend names none.
pub fn legend() -> &'static str {
    "legend: quality per sentence, 1 fluent .. 0 garbled; ▌ flagged, ≈ flagged: changes little when \
     translated again, yellow: borderline; [[garbled words]], [?suspicious words?]; -- page furniture"
}

/// The legend's line for `--source`.
pub fn source_legend() -> &'static str {
    "{+changed words+} (magenta in colour): words that differ from the --source, listed below the verdict with what the source had"
}

/// `line` broken at spaces into lines of at most `width` characters (a word longer than that
/// keeps its own line whole).
pub fn wrap(line: &str, width: usize) -> String {
    let mut out = String::new();
    let mut current = 0usize;
    for word in line.split(' ') {
        let n = visible_width(word);
        if current > 0 && current + 1 + n > width {
            out.push('\n');
            current = 0;
        } else if current > 0 {
            out.push(' ');
            current += 1;
        }
        out.push_str(word);
        current += n;
    }
    out
}

/// The columns `s` takes on a terminal: its characters less ANSI colour codes (`ESC [ … m`).
fn visible_width(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (false, _) => n += 1,
            (true, 'm') => in_escape = false,
            (true, _) => {}
        }
    }
    n
}

/// The text columns for `--highlight` and the verdict lines: on a terminal its width (or
/// `$COLUMNS`) minus the gutter. Off a terminal (a pipe, a file) nothing is wrapped, so that
/// `mtcheck dir/ | grep FILE` sees whole lines, unless `$COLUMNS` is set.
pub fn text_width() -> usize {
    let term = console::Term::stdout();
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .or_else(|| term.is_term().then(|| term.size().1 as usize));
    match columns {
        Some(columns) => columns.saturating_sub(GUTTER).max(20),
        None => UNWRAPPED,
    }
}

/// A width no line reaches: not wrapped.
const UNWRAPPED: usize = usize::MAX / 4;

impl Printer {
    /// `s` wrapped to the screen (the text column and the gutter).
    pub fn wrap_to_screen(&self, s: &str) -> String {
        wrap(s, self.width + GUTTER)
    }

    /// `s` dimmed (in colour only).
    pub fn dim(&self, s: &str) -> String {
        self.paint(DIM, s)
    }

    fn paint(&self, style: &str, s: &str) -> String {
        if self.color {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    }

    /// `text[range]` with the spans of `sentences` (those around `range`) marked, in colour or
    /// in brackets.
    fn marked(&self, text: &str, sentences: &[&SentenceReport], changes: &[ByteSpan], range: ByteSpan) -> String {
        let mut out = String::new();
        let mut at = range.start;
        // Spans crossing the range's ends (a wrapped row) are marked for their part inside it.
        let inside = |b: ByteSpan| b.start < range.end && b.end > range.start;
        let clip = |b: ByteSpan| ByteSpan::new(b.start.max(range.start), b.end.min(range.end));
        let mut marks: Vec<(ByteSpan, Mark)> = sentences
            .iter()
            .flat_map(|s| {
                s.spans.iter().map(move |span| (span.bytes, if s.flagged { Mark::Garbled } else { Mark::Suspicious }))
            })
            .filter(|(b, _)| inside(*b))
            .map(|(b, mark)| (clip(b), mark))
            .collect();
        // A change inside a detector's span is left to the span (the list below names it).
        let spans: Vec<ByteSpan> = marks.iter().map(|m| m.0).collect();
        marks.extend(
            changes
                .iter()
                .filter(|c| inside(**c))
                .map(|c| clip(*c))
                .filter(|c| !spans.iter().any(|s| s.start < c.end && s.end > c.start))
                .map(|c| (c, Mark::Changed)),
        );
        marks.sort_by_key(|m| m.0.start);
        for (span, mark) in marks {
            out.push_str(&text[at..span.start]);
            let words = &text[span];
            match (self.color, mark) {
                (true, Mark::Garbled) => out.push_str(&self.paint(RED, words)),
                (true, Mark::Suspicious) => out.push_str(&self.paint(YELLOW_UNDERLINE, words)),
                (true, Mark::Changed) => out.push_str(&self.paint(MAGENTA, words)),
                (false, Mark::Garbled) => {
                    let _ = write!(out, "[[{words}]]");
                }
                (false, Mark::Suspicious) => {
                    let _ = write!(out, "[?{words}?]");
                }
                (false, Mark::Changed) => {
                    let _ = write!(out, "{{+{words}+}}");
                }
            }
            at = span.end;
        }
        out.push_str(&text[at..range.end]);
        out
    }

    /// How many columns `text[range]` takes once marked: its characters, plus the brackets
    /// around spans when there is no colour (escape codes take none).
    fn shown_width(&self, text: &str, sentences: &[&SentenceReport], changes: &[ByteSpan], range: ByteSpan) -> usize {
        if self.color {
            text[range].chars().count()
        } else {
            self.marked(text, sentences, changes, range).chars().count()
        }
    }

    /// The line `report`'s sentences were flagged against.
    fn flag_line(&self, report: &Report) -> f32 {
        report.flag_line.unwrap_or(self.threshold)
    }

    /// A quality, coloured by the document's flag line `line`: red flagged, yellow borderline
    /// (within 0.1 above it), else green.
    fn quality(&self, q: f32, flagged: bool, line: f32) -> String {
        let style = if flagged {
            RED
        } else if q < line + 0.1 {
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
            let sentence = self.marked(text, &[s], &[], s.bytes).replace('\n', " ");
            let why = self.paint(DIM, &format!("  ({})", s.reasons().join(", ")));
            let _ = writeln!(
                out,
                "{name}:{line}: {}  {sentence}{why}",
                self.quality(s.quality, true, self.flag_line(report))
            );
        }
        out
    }

    /// The whole text with a quality per sentence in a gutter, garbled spans highlighted, each
    /// sentence starting a row and wrapped inside the text column. Line breaks of the text are
    /// kept; page furniture gets "--" instead of a score.
    pub fn highlight(&self, text: &str, report: &Report) -> String {
        let mut out = String::new();
        let mut start = 0;
        let flag_line = self.flag_line(report);
        let changes: Vec<ByteSpan> = report
            .source
            .iter()
            .filter(|s| s.verdict() != mtcheck::attribution::SourceVerdict::Unrelated)
            .flat_map(|s| s.changes.iter().map(|c| c.bytes))
            .collect();
        for line in text.split_inclusive('\n') {
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            // Sentences are sorted and disjoint: find this line's by binary search, not a scan.
            let first = report.sentences.partition_point(|s| s.bytes.end <= start);
            let on_line: Vec<&SentenceReport> =
                report.sentences[first..].iter().take_while(|s| s.bytes.start < end.max(start + 1)).collect();
            if on_line.is_empty() {
                self.rows(&mut out, text, &[], &changes, ByteSpan::new(start, end), "     │ ".to_string());
            }
            for (i, s) in on_line.iter().enumerate() {
                // A sentence's row runs to the next sentence on the line (or the line's end); the
                // first also takes what comes before it on the line.
                let from = if i == 0 { start } else { s.bytes.start.max(start) };
                let to = on_line.get(i + 1).map_or(end, |next| next.bytes.start.min(end));
                let gutter = if s.bytes.start < start {
                    "     │ ".to_string() // a sentence wrapped over from the line before
                } else if s.kind == SentenceKind::Boilerplate {
                    format!("{} │ ", self.paint(DIM, " -- "))
                } else {
                    let smooth = s.smooth();
                    let mark = if smooth {
                        "≈"
                    } else if s.flagged {
                        "▌"
                    } else {
                        "│"
                    };
                    format!("{} {mark} ", self.quality(s.quality, s.flagged && !smooth, flag_line))
                };
                self.rows(&mut out, text, &[s], &changes, ByteSpan::new(from, to), gutter);
            }
            start += line.len();
        }
        out
    }

    /// `text[range]` wrapped at spaces into rows of at most `self.width` characters, the first
    /// row after `gutter`, the others after an empty one.
    fn rows(
        &self,
        out: &mut String,
        text: &str,
        sentences: &[&SentenceReport],
        changes: &[ByteSpan],
        range: ByteSpan,
        gutter: String,
    ) {
        let piece = &text[range];
        let trimmed_end = range.start + piece.trim_end().len();
        let mut row_start = range.start + (piece.len() - piece.trim_start().len());
        let mut gutter = gutter;
        if row_start >= trimmed_end {
            // Nothing but whitespace (a space, NBSP, \u{2028}, \v, \f): an empty row.
            let _ = writeln!(out, "{}", gutter.trim_end());
            return;
        }
        loop {
            let rest = &text[row_start..trimmed_end];
            let fits =
                |end: usize| self.shown_width(text, sentences, changes, ByteSpan::new(row_start, end)) <= self.width;
            let mut row_end = trimmed_end;
            if !fits(trimmed_end) {
                let limit = rest.char_indices().nth(self.width).map_or(rest.len(), |(i, _)| i);
                // Break at the last space that fits (with its marks), else (one very long word)
                // at the limit.
                row_end = rest[..limit]
                    .rmatch_indices(' ')
                    .map(|(i, _)| row_start + i)
                    .filter(|&end| end > row_start)
                    .find(|&end| fits(end))
                    .unwrap_or(row_start + limit);
            }
            let body = self.marked(text, sentences, changes, ByteSpan::new(row_start, row_end));
            let _ = writeln!(out, "{gutter}{}", body.trim_end());
            gutter = "     │ ".to_string();
            row_start = row_end + (text[row_end..trimmed_end].len() - text[row_end..trimmed_end].trim_start().len());
            if row_start >= trimmed_end {
                break;
            }
        }
    }

    /// With `--source`: the text's relation to the source, the first line of its report
    /// (red for a spun copy: it is what `--source` looks for).
    pub fn source_verdict(&self, name: &str, report: &Report) -> Option<String> {
        let source = report.source.as_ref()?;
        let colour = match source.verdict() {
            mtcheck::attribution::SourceVerdict::SpunCopy => RED,
            mtcheck::attribution::SourceVerdict::Copy => YELLOW,
            mtcheck::attribution::SourceVerdict::Unrelated => GREEN,
        };
        Some(self.wrap_to_screen(&format!("{name}: {}", self.paint(colour, &source.verdict_text()))))
    }

    /// With `--source`: each changed stretch with what the source had ("" for words the text
    /// added), a line each, after the verdict.
    pub fn source_lines(&self, text: &str, report: &Report) -> String {
        let Some(source) = &report.source else { return String::new() };
        let mut out = String::new();
        if source.verdict() == mtcheck::attribution::SourceVerdict::Unrelated {
            return out;
        }
        if let Some(p) =
            source.p_copy.filter(|&p| p < 0.5 && source.verdict() == mtcheck::attribution::SourceVerdict::SpunCopy)
        {
            let note = format!(
                "note: the source reads more like the copy of this text than the other way round (P(this text is the copy) {p:.2}): check which came first"
            );
            let _ = writeln!(out, "{}", self.paint(YELLOW, &self.wrap_to_screen(&note)));
        }
        for change in &source.changes {
            let now = self.paint(MAGENTA, &text[change.bytes]);
            let was = if change.was.is_empty() { "(added)".to_string() } else { format!("was \"{}\"", change.was) };
            let _ = writeln!(out, "    \"{now}\" {}", self.paint(DIM, &was));
        }
        out
    }

    /// The article's verdict in one line.
    pub fn verdict(&self, name: &str, report: &Report) -> String {
        let colour = match report.verdict() {
            Verdict::NothingFound | Verdict::TooShort => GREEN,
            Verdict::SomeGarbled => YELLOW,
            Verdict::MachineTranslated => RED,
        };
        let words = self.paint(colour, &report.verdict_text());
        let SentenceCounts { furniture, .. } = report.counts();
        let p_mt = report.p_mt.map(|p| format!(", P(MT) {p:.2}")).unwrap_or_default();
        let extra = if furniture > 0 { format!(", {furniture} boilerplate") } else { String::new() };
        let line = self.flag_line(report);
        format!(
            "{name}: {words} (quality {}{p_mt}{extra}, flag line {line:.2})",
            self.quality(report.quality, report.flagged, line)
        )
    }
}
