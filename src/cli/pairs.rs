//! `mtcheck pairs`: the crawl's spun copies. Finds near-duplicate documents (MinHash and LSH,
//! spilled to disk), tells each group's original from its copies, and writes a JSON line for
//! every document of a group: its role, the original it was taken from (`spun_copy_of` /
//! `copy_of`), how much was changed. Exit 0, or 2 when any record could not be read.

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mtcheck::detect::{self, DetectorKind};
use mtcheck::filter::InputFormat;
use mtcheck::io::input::{display, expand_inputs};
use mtcheck::io::output::Output;
use mtcheck::io::records::{json_record, text_record};
use mtcheck::model_dir::default_model_dir;
use mtcheck::pairs::{Member, PairFinder, PairStats, Pairs, PairsObserver, PairsOptions, Role, MIN_JACCARD};
use serde_json::{json, Value};
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
  mtcheck pairs articles.jsonl --field body")]
pub struct PairsArgs {
    /// Files or directories (.gz and .zst accepted); `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    /// Where the JSON lines go (.gz/.zst compress); default stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
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
}

pub fn run(args: PairsArgs) -> Result<ExitCode> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.min_similarity),
        "--min-similarity must be between 0 and 1, not {}",
        args.min_similarity
    );
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let detector = detect::open(DetectorKind::Full, &dir, Default::default())
        .with_context(|| format!("loading the model in {}", dir.display()))?;
    let finder = PairFinder {
        detector,
        options: PairsOptions {
            format: match args.input_format {
                FilterInputFormat::Auto => InputFormat::Auto,
                FilterInputFormat::Text => InputFormat::Text,
                FilterInputFormat::Jsonl => InputFormat::Jsonl,
            },
            field: args.field.clone(),
            max_record_bytes: args.max_record_bytes,
            min_jaccard: args.min_similarity,
            temp_dir: args.temp_dir.clone(),
            ..PairsOptions::default()
        },
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths.clone() };
    let inputs = expand_inputs(&paths);
    super::note_skipped_binary(&inputs.skipped_binary);
    let inputs = inputs.files;
    let mut out = match &args.output {
        Some(path) => Output::create(path)?,
        None => Output::stream(std::io::stdout(), "<stdout>"),
    };
    let mut observer = Reporter::new(!args.quiet && std::io::stderr().is_terminal());
    let started = Instant::now();
    let pairs = finder.run(&inputs, &mut observer)?;
    let names: Vec<String> = inputs.iter().map(|p| display(p)).collect();
    let id = |doc: u32| -> Result<Value> {
        let raw = pairs.record(doc)?;
        let record = json_record(&raw, &args.field).or_else(|_| text_record(&raw));
        Ok(record.ok().and_then(|r| r.id).unwrap_or(Value::Null))
    };
    for m in &pairs.members {
        let line = line_of(m, &pairs, &names, &id)?;
        out.write_line(serde_json::to_string(&line)?.as_bytes())?;
    }
    out.finish()?;
    observer.bar.finish_and_clear();
    if !args.quiet {
        eprint!("{}", summary(&pairs.stats, &pairs.members, started.elapsed()));
    }
    Ok(ExitCode::from(if pairs.stats.errors > 0 { super::EXIT_ERROR } else { 0 }))
}

/// The JSON line of one member.
fn line_of(m: &Member, pairs: &Pairs, names: &[String], id: &dyn Fn(u32) -> Result<Value>) -> Result<Value> {
    let at = pairs.location(m.doc);
    let mut line = json!({
        "id": id(m.doc)?,
        "input": names[at.input as usize],
        "line": at.line,
        "group": m.group,
        "role": m.role.name(),
    });
    if let Some(of) = m.of {
        let key = if m.role == Role::SpunCopy { "spun_copy_of" } else { "copy_of" };
        let from = pairs.location(of);
        line[key] = id(of)?;
        line["original"] = json!({"input": names[from.input as usize], "line": from.line});
    }
    line["p_original"] = json!(round(m.p_original));
    if let Some(c) = &m.comparison {
        line["sentences"] = json!(c.sentences);
        line["aligned"] = json!(c.aligned);
        line["reworded"] = json!(c.reworded);
        line["words"] = json!(c.words);
        line["words_changed"] = json!(c.words_changed);
    }
    let s = &m.signals;
    line["signals"] = json!({
        "lm": round(s.lm), "ngram": round(s.ngram), "unigram": round(s.unigram), "words": round(s.words),
        "p_mt": s.p_mt.map(round),
    });
    Ok(line)
}

fn round(x: f32) -> f64 {
    (x as f64 * 1e4).round() / 1e4
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

/// The end-of-run summary.
fn summary(stats: &PairStats, members: &[Member], elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-3);
    let count = |role: Role| members.iter().filter(|m| m.role == role).count();
    format!(
        "mtcheck pairs: read {} records ({:.1} MB) in {:.1} s: {:.1} MB/s\n  \
         compared {} documents; {} candidate pairs, {} linked\n  \
         groups {:>8} (originals)\n  spun copies {:>3}\n  copies {:>8} (not reworded)\n  \
         unrelated {:>5} (linked but not taken from the group's original)\n  errors {:>8}{}\n",
        stats.records,
        stats.bytes as f64 / 1e6,
        secs,
        stats.bytes as f64 / 1e6 / secs,
        stats.compared,
        stats.candidates,
        stats.linked,
        count(Role::Original),
        count(Role::SpunCopy),
        count(Role::Copy),
        stats.unrelated,
        stats.errors,
        if stats.errors > 0 { " (reported above with file and line)" } else { "" }
    )
}
