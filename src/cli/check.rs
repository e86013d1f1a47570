//! `mtcheck [check] [PATH|-]...`: the editor's command. Plain text files are one document
//! each; JSONL files one document per line (field `--field`). Exit codes as grep: 0 nothing
//! flagged, 1 something flagged, 2 an error (reported on stderr with file and line; the run
//! goes on).

use super::printer::Printer;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use mtcheck::attribution::Source;
use mtcheck::detect::{self, Detector, DetectorKind, Settings};
use mtcheck::io::input::{display, expand_inputs, is_jsonl_name, is_text_name};
use mtcheck::io::records::{json_field, json_record, BadRecord};
use mtcheck::model_dir::default_model_dir;
use mtcheck::report::Report;
use rayon::prelude::*;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Flagged sentences (or the highlighted text) and a verdict.
    Human,
    /// One JSON object per document (DESIGN's contract).
    Jsonl,
    /// One verdict line per document.
    Summary,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// JSONL for .jsonl/.ndjson files (also compressed), text for .txt; others (and stdin)
    /// JSONL when they start with `{`, as `filter` decides.
    Auto,
    Text,
    Jsonl,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked in name order, hidden entries
    /// skipped; .gz and .zst accepted); `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    /// Print the whole text with garbled spans highlighted and a quality per sentence in a
    /// gutter: ▌ and red for flagged sentences (below --threshold), yellow for borderline ones
    /// (within 0.10 above), "--" for page furniture; on a terminal a legend follows the last
    /// document.
    #[arg(long)]
    pub highlight: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    pub field: String,
    /// Flag sentences below this quality, in every document (default: a line each document's
    /// verdict sets, given on its verdict line: higher in a document read as machine-translated,
    /// lower in one read as human).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// No legend after --highlight (it is printed on a terminal only).
    #[arg(long)]
    pub no_legend: bool,
    /// Model folder (default: $MTCHECK_MODEL_DIR, else models/en next to the executable, else
    /// the models/en of the source tree it was built from).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Read every sentence again with the fine-tuned encoder (all-MiniLM-L6-v2, 3 of its 6
    /// layers): spans from a word-level head ("meaning"), a quality stacked on the full
    /// detector's. About 16x slower than the default (see reports/speed.md).
    #[arg(long, conflicts_with = "fast")]
    pub deep: bool,
    /// Skip the neural round trips (no MT engine loaded): the garble evidence alone, blind to
    /// fluent neural MT; for speed (a 5,000-word article in ~50 ms instead of ~1 s).
    #[arg(long)]
    pub fast: bool,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Read every text against this source (the article it was taken from): its changed words
    /// are listed with what the source had, and the verdict says whether it is a spun copy, a
    /// copy, or unrelated (JSONL: a "source" object).
    #[arg(long)]
    pub source: Option<PathBuf>,
    /// For JSONL records: the field holding each record's source text (records without it are
    /// checked without a source; --source, if given, serves them).
    #[arg(long)]
    pub source_field: Option<String>,
}

/// What the run found.
#[derive(Default)]
struct Outcome {
    flagged: bool,
    errors: usize,
    /// Documents reported.
    documents: usize,
}

impl Outcome {
    /// Counts a document reported: something is found in a flagged one, and in a spun copy
    /// of the `--source`.
    fn add(&mut self, report: &Report) {
        let spun = report.source.as_ref().is_some_and(|s| s.verdict() == mtcheck::attribution::SourceVerdict::SpunCopy);
        self.flagged |= report.flagged || spun;
        self.documents += 1;
    }
}

/// JSONL records are checked in batches of this many lines (in parallel, printed in order).
const BATCH: usize = 256;

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    if let Some(t) = args.threshold {
        anyhow::ensure!((0.0..=1.0).contains(&t), "--threshold must be between 0 and 1, not {t}");
    }
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let settings = Settings { threshold: args.threshold, no_round_trips: args.fast, ..Settings::default() };
    let kind = if args.deep { DetectorKind::Deep } else { DetectorKind::Full };
    let checker =
        detect::open(kind, &dir, settings).with_context(|| format!("loading the model in {}", dir.display()))?;
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.format == Format::Human
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let source = match &args.source {
        Some(path) => Some(read_source(path)?),
        None => None,
    };
    let printer = Printer { color, threshold: checker.threshold().unwrap_or(0.5), width: super::printer::text_width() };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut outcome = Outcome::default();
    let paths = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths.clone() };
    let inputs = expand_inputs(&paths);
    super::note_skipped(&inputs);
    let paths = inputs.files;
    if paths.is_empty() {
        eprintln!("mtcheck: no files to check in the directories given");
    }
    if paths.iter().any(|p| p.as_os_str() == "-") && std::io::stdin().is_terminal() {
        eprintln!("mtcheck: reading text from the terminal; end it with Ctrl-D (see `mtcheck --help`)");
    }
    for path in &paths {
        let source = source.as_deref().map(|s| Source::read(checker.as_ref(), s));
        let check = Check { detector: checker.as_ref(), source };
        // A binary file met in a directory was left out (and named) by the walk; one named on
        // the command line is reported here.
        let named = args.paths.contains(path);
        let binary = named && path.as_os_str() != "-" && mtcheck::io::input::is_binary(path);
        let opened = if binary {
            Err(anyhow::anyhow!("{}: binary data (not text, JSONL or their .gz/.zst), skipped", display(path)))
        } else {
            mtcheck::io::input::open_reader(path).map_err(anyhow::Error::from)
        };
        let result = opened.and_then(|mut reader| {
            if is_jsonl(args.input_format, path, &mut reader) {
                check_jsonl(&check, &args, &printer, path, reader, &mut out, &mut outcome)
            } else {
                check_text(&check, &args, &printer, path, reader, &mut out, &mut outcome)
            }
        });
        if let Err(e) = result {
            if super::is_broken_pipe(&e) {
                return Ok(ExitCode::SUCCESS);
            }
            // Every error names its file (and line) itself.
            let message = format!("{e:#}");
            // The JSONL contract: a line for every document, an unreadable file included.
            if args.format == Format::Jsonl {
                let line = serde_json::json!({"id": display(path), "error": message});
                if let Err(e) = writeln!(out, "{line}") {
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        return Ok(ExitCode::SUCCESS);
                    }
                    return Err(e.into());
                }
            }
            out.flush().ok();
            eprintln!("mtcheck: {message}");
            outcome.errors += 1;
        }
    }
    let legend = !args.no_legend && std::io::stdout().is_terminal();
    if args.highlight && args.format == Format::Human && outcome.documents > 0 && legend {
        writeln!(out, "{}", printer.dim(&printer.wrap_to_screen(super::printer::legend())))?;
        if args.source.is_some() || args.source_field.is_some() {
            writeln!(out, "{}", printer.dim(&printer.wrap_to_screen(super::printer::source_legend())))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(if outcome.errors > 0 { super::EXIT_ERROR } else { u8::from(outcome.flagged) }))
}

/// The detector, and the source every text is read against (`--source`).
struct Check<'a> {
    detector: &'a dyn Detector,
    /// `--source`, read once.
    source: Option<Source<'a>>,
}

impl Check<'_> {
    fn run(&self, text: &str) -> Report {
        self.run_against(text, None)
    }

    /// Checks `text`, read against `source` when given, else against `--source` if any; the
    /// comparison says which of the two is likelier the copy (`p_copy`).
    fn run_against(&self, text: &str, source: Option<&str>) -> Report {
        match (source, &self.source) {
            (Some(own), _) => Source::read(self.detector, own).check(self.detector, text),
            (None, Some(shared)) => shared.check(self.detector, text),
            (None, None) => self.detector.check(text),
        }
    }
}

/// The text of `--source` (a plain UTF-8 file, .gz/.zst accepted).
fn read_source(path: &Path) -> Result<String> {
    read_text(mtcheck::io::input::open_reader(path)?, &format!("--source {}", display(path)))
}

/// All of `reader` as text; invalid UTF-8 is an error naming `name`, the line and the byte.
pub(crate) fn read_text(mut reader: Reader, name: &str) -> Result<String> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).with_context(|| format!("reading {name}"))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow::anyhow!("{name}: line {line}: invalid UTF-8 at byte {at}; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)")
    })
}

/// Whether `path` holds JSONL: by `--input-format`, else by its name (.jsonl/.ndjson JSONL,
/// .txt text), else (stdin, other names) when it starts with `{`, as `filter` decides.
pub(crate) fn is_jsonl(format: InputFormat, path: &Path, reader: &mut Reader) -> bool {
    match format {
        InputFormat::Jsonl => true,
        InputFormat::Text => false,
        InputFormat::Auto if is_jsonl_name(path) => true,
        InputFormat::Auto if is_text_name(path) => false,
        // A read error here shows up again when the text is read. The first byte that is not
        // white space decides (a record after a blank line is still JSONL).
        InputFormat::Auto => {
            reader.fill_buf().is_ok_and(|b| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{'))
        }
    }
}

type Reader = Box<dyn BufRead + Send>;

fn check_text(
    checker: &Check,
    args: &CheckArgs,
    printer: &Printer,
    path: &Path,
    reader: Reader,
    out: &mut impl Write,
    outcome: &mut Outcome,
) -> Result<()> {
    let name = display(path);
    let text = read_text(reader, &name)?;
    if text.trim().is_empty() {
        eprintln!("mtcheck: {name}: empty input, nothing to check");
    }
    let report = checker.run(&text);
    outcome.add(&report);
    let id = Some(serde_json::Value::String(name.clone()));
    write_report(args, printer, &name, &text, &report, id, out)
}

fn write_report(
    args: &CheckArgs,
    printer: &Printer,
    name: &str,
    text: &str,
    report: &Report,
    id: Option<serde_json::Value>,
    out: &mut impl Write,
) -> Result<()> {
    match args.format {
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, &report.to_json(text, id))?;
            out.write_all(b"\n")?;
        }
        Format::Summary => match &report.source {
            Some(source) => writeln!(out, "{}; source: {}", printer.verdict(name, report), source.verdict_text())?,
            None => writeln!(out, "{}", printer.verdict(name, report))?,
        },
        Format::Human => {
            if let Some(line) = printer.source_verdict(name, report) {
                writeln!(out, "{line}")?;
            }
            if args.highlight {
                write!(out, "{}", printer.highlight(text, report))?;
            } else {
                write!(out, "{}", printer.flagged_lines(name, text, report))?;
            }
            writeln!(out, "{}", printer.wrap_to_screen(&printer.verdict(name, report)))?;
            write!(out, "{}", printer.source_lines(text, report))?;
        }
    }
    Ok(())
}

/// A checked line: report, text and id, or why it cannot be read.
type Checked = std::result::Result<(Report, String, Option<serde_json::Value>), BadRecord>;

fn check_jsonl(
    checker: &Check,
    args: &CheckArgs,
    printer: &Printer,
    path: &Path,
    mut reader: Reader,
    out: &mut impl Write,
    outcome: &mut Outcome,
) -> Result<()> {
    let name = display(path);
    let mut line_no = 0usize;
    // A read error (a truncated .gz, say) ends the input, but only after the complete lines
    // read before it are checked and printed.
    let mut read_error = None;
    while read_error.is_none() {
        let mut batch: Vec<(usize, Vec<u8>)> = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    read_error = Some(anyhow::Error::new(e).context(format!("{name}:{}: read error", line_no + 1)));
                    break;
                }
            }
            line_no += 1;
            while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                line.pop();
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                batch.push((line_no, line));
            }
        }
        if batch.is_empty() {
            break;
        }
        let results: Vec<(usize, Checked)> = batch
            .par_iter()
            .map(|(n, line)| {
                (
                    *n,
                    json_record(line, &args.field).and_then(|r| {
                        // A record without the source field is read without one; a source
                        // field that is not text is this record's error.
                        let source = match args.source_field.as_deref() {
                            Some(f) => json_field(line, f)?.1,
                            None => None,
                        };
                        let report = checker.run_against(&r.text, source.as_deref());
                        Ok((report, r.text.into_owned(), r.id))
                    }),
                )
            })
            .collect();
        for (n, checked) in results {
            let here = format!("{name}:{n}");
            match checked {
                Ok((report, text, id)) => {
                    outcome.add(&report);
                    write_report(args, printer, &here, &text, &report, id, out)?;
                }
                Err(BadRecord { id, message: error }) => {
                    outcome.errors += 1;
                    out.flush()?;
                    eprintln!("mtcheck: {here}: {error}");
                    if args.format == Format::Jsonl {
                        // As for reports, "id" only when the record has one.
                        let mut line = serde_json::Map::new();
                        if let Some(id) = id {
                            line.insert("id".to_string(), id);
                        }
                        line.insert("error".to_string(), error.into());
                        serde_json::to_writer(&mut *out, &line)?;
                        out.write_all(b"\n")?;
                    }
                }
            }
        }
    }
    read_error.map_or(Ok(()), Err)
}
