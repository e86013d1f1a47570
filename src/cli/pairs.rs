//! `mtcheck pairs`: the crawl's spun copies. Finds near-duplicate documents (MinHash and LSH,
//! spilled to disk), tells each group's original from its copies, and writes a JSON line for
//! every document of a group: its role, the original it was taken from (`spun_copy_of` /
//! `copy_of`), how much was changed. Exit 0, or 2 when any record could not be read.

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mtcheck::io::input::{display, expand_inputs};
use mtcheck::io::output::Output;
use mtcheck::model_dir::default_model_dir;
use mtcheck::pairs::{Member, PairFinder, PairStats, PairsObserver, PairsOptions, Role, MIN_JACCARD};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::filter::FilterInputFormat;

#[derive(Args)]
#[command(after_help = "Output: one JSON line per document of a group, in input order:
  {\"id\": \"b-17\", \"input\": \"crawl/b.jsonl.zst\", \"line\": 17, \"group\": 3, \"role\": \"spun_copy\",
   \"spun_copy_of\": \"a-4\", \"original\": {\"input\": \"crawl/a.jsonl.zst\", \"line\": 4}, \"p_original\": 0.94,
   \"sentences\": 21, \"aligned\": 20, \"reworded\": 17, \"words\": 402, \"words_changed\": 131, \"signals\": {...}}
Roles: original, spun_copy (reworded), copy (not reworded: copy_of).

Examples:
  mtcheck pairs crawl/*.jsonl.zst -o pairs.jsonl
  mtcheck pairs crawl/*.jsonl.zst --annotate -o annotated.jsonl.zst
  mtcheck pairs articles.jsonl --field body")]
pub struct PairsArgs {
    /// Files or directories (.gz and .zst accepted); `-` or nothing reads stdin. A .txt file
    /// is one document (as `check` reads it, its id its name); JSONL a record a line; other
    /// text (stdin, say) a document a line.
    pub paths: Vec<PathBuf>,
    /// Where the JSON lines go (.gz/.zst compress); default stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write every readable record instead, in input order, with an "mtcheck_pairs" object
    /// (the fields above but id, input and line) on the documents of a group; lines of text
    /// become {"text": ...} records. Unreadable records are reported and left out.
    #[arg(long)]
    pub annotate: bool,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    pub field: String,
    #[arg(long, value_enum, default_value_t = FilterInputFormat::Auto)]
    pub input_format: FilterInputFormat,
    /// Link two documents when they share at least this estimated share of their shingles
    /// (stemmed content-word bigrams). Neural round trips share 0.18 and more with their
    /// originals; unrelated articles on the same story 0.03 at most.
    #[arg(long, default_value_t = MIN_JACCARD)]
    pub min_similarity: f32,
    /// Where the spill goes (about the input's size plus 2.5 KB a document); default the
    /// system's temporary folder ($TMPDIR).
    #[arg(long)]
    pub temp_dir: Option<PathBuf>,
    /// Model folder (default: $MTCHECK_MODEL_DIR, else models/en next to the executable, else
    /// the models/en of the source tree it was built from).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Records longer than this many bytes are reported and skipped.
    #[arg(long, default_value_t = 32 << 20)]
    pub max_record_bytes: usize,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Tell originals from copies without the neural round trip (which otherwise decides the
    /// pairs the other signals leave uncertain, about a quarter of fluent ones, at ~1 s each).
    #[arg(long)]
    pub fast: bool,
}

pub fn run(args: PairsArgs) -> Result<ExitCode> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.min_similarity),
        "--min-similarity must be between 0 and 1, not {}",
        args.min_similarity
    );
    super::refuse_outputs_among_inputs(&args.paths, &args.output.iter().collect::<Vec<_>>())?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let options = PairsOptions {
        format: args.input_format.into(),
        field: args.field.clone(),
        max_record_bytes: args.max_record_bytes,
        min_jaccard: args.min_similarity,
        temp_dir: args.temp_dir.clone(),
        ..PairsOptions::default()
    };
    let finder = PairFinder::open(&dir, options, args.fast)
        .with_context(|| format!("loading the model in {}", dir.display()))?;
    let paths = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths.clone() };
    let inputs = expand_inputs(&paths);
    super::note_skipped(&inputs);
    let inputs = inputs.files;
    let mut out = match &args.output {
        Some(path) => Output::create(path)?,
        None => Output::stream(std::io::stdout(), "<stdout>"),
    };
    let mut observer = Reporter::new(!args.quiet && std::io::stderr().is_terminal());
    let started = Instant::now();
    let pairs = finder.run(&inputs, &mut observer)?;
    let names: Vec<String> = inputs.iter().map(|p| display(p)).collect();
    if args.annotate {
        pairs.annotated_records(&names, &args.field, |line| out.write_line(line))?;
    } else {
        for m in &pairs.members {
            let line = pairs.json_line(m, &names, &args.field)?;
            out.write_line(serde_json::to_string(&line)?.as_bytes())?;
        }
    }
    out.finish()?;
    observer.bar.finish_and_clear();
    if !args.quiet {
        eprint!("{}", summary(&pairs.stats, &pairs.members, started.elapsed()));
        eprint!("{}", partial_lines(&pairs, &names));
    }
    Ok(ExitCode::from(if pairs.stats.errors > 0 { super::EXIT_ERROR } else { 0 }))
}

/// Reports bad records on stderr and drives the progress spinner.
struct Reporter {
    bar: ProgressBar,
    started: Instant,
}

impl Reporter {
    fn new(show: bool) -> Self {
        let bar = if show { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
        bar.set_style(ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}").expect("valid template"));
        bar.enable_steady_tick(Duration::from_millis(200));
        Reporter { bar, started: Instant::now() }
    }
}

impl PairsObserver for Reporter {
    fn bad_record(&mut self, input: &str, line: usize, message: &str) {
        let at = if line > 0 { format!("{input}:{line}") } else { input.to_string() };
        self.bar.suspend(|| eprintln!("mtcheck: {at}: {message}"));
    }

    fn progress(&mut self, stage: &str, done: u64, total: u64, stats: &PairStats) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(match stage {
            "reading" => format!(
                "reading: {} docs · {:.1} MB/s · {} errors",
                stats.records,
                stats.bytes as f64 / 1e6 / secs,
                stats.errors
            ),
            _ => format!("{stage}: {done} of {total}"),
        });
    }
}

/// The documents left out as partial, a line each (the first [`SHOWN_PARTIAL`]).
fn partial_lines(pairs: &mtcheck::pairs::Pairs, names: &[String]) -> String {
    let mut out = String::new();
    for &doc in pairs.partial.iter().take(SHOWN_PARTIAL) {
        let at = pairs.location(doc);
        let name = &names[at.input as usize];
        let place = if pairs.is_whole_file(doc) { name.clone() } else { format!("{name}:{}", at.line) };
        out.push_str(&format!("  left out as partial: {place}\n"));
    }
    if pairs.partial.len() > SHOWN_PARTIAL {
        out.push_str(&format!("  ... and {} more left out as partial\n", pairs.partial.len() - SHOWN_PARTIAL));
    }
    out
}

const SHOWN_PARTIAL: usize = 10;

/// The end-of-run summary.
fn summary(stats: &PairStats, members: &[Member], elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-3);
    let count = |role: Role| members.iter().filter(|m| m.role == role).count();
    format!(
        "mtcheck pairs: read {} records ({:.1} MB) in {:.1} s: {:.1} MB/s\n  \
         compared {} documents; {} candidate {}, {} linked\n  \
         groups {:>8} (originals)\n  spun copies {:>3}\n  copies {:>8} (not reworded)\n  \
         partial {:>7} (linked, but not 70% of a copy's sentences from an original: left out)\n  \
         round trips {:>3} (documents of uncertain pairs sent through the MT engine)\n  errors {:>8}{}\n",
        stats.records,
        stats.bytes as f64 / 1e6,
        secs,
        stats.bytes as f64 / 1e6 / secs,
        stats.compared,
        stats.candidates,
        if stats.candidates == 1 { "pair" } else { "pairs" },
        stats.linked,
        count(Role::Original),
        count(Role::SpunCopy),
        count(Role::Copy),
        stats.partial,
        stats.round_tripped,
        stats.errors,
        if stats.errors > 0 { " (reported above with file and line)" } else { "" }
    )
}
