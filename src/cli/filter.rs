//! `mtcheck filter`: the data engineer's command. Keeps the documents of crawls whose quality
//! passes the rules, in input order, on all cores; reports bad records with file and line and
//! ends with a summary. Exit 0, or 2 when any record or input could not be read.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use mtcheck::detect::{self, DetectorKind};
use mtcheck::filter::{Filter, FilterOptions, InputFormat, Observer, Outputs, Rules, Stats};
use mtcheck::io::input::expand_inputs;
use mtcheck::io::output::{self, Output};
use mtcheck::model_dir::default_model_dir;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScorerChoice {
    /// The fast scorer unless --annotate asks for spans or --max-p-mt for a document verdict,
    /// then the detector.
    Auto,
    /// One small forest over sentence statistics: qualities and flags, no spans.
    Fast,
    /// The detector, as `mtcheck check`: spans with reasons, about 10× slower than fast.
    Full,
    /// The detector read again by the fine-tuned encoder, as `mtcheck check --deep`: some
    /// 15-20× slower than `full` (for small jobs).
    Deep,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FilterInputFormat {
    /// JSONL for .jsonl/.ndjson names (also compressed), text for .txt; others (and stdin)
    /// are JSONL when they start with `{`.
    Auto,
    /// A document a line.
    Text,
    /// A JSON object a line, the text in --field.
    Jsonl,
}

impl From<FilterInputFormat> for InputFormat {
    fn from(format: FilterInputFormat) -> Self {
        match format {
            FilterInputFormat::Auto => InputFormat::Auto,
            FilterInputFormat::Text => InputFormat::Text,
            FilterInputFormat::Jsonl => InputFormat::Jsonl,
        }
    }
}

#[derive(Args)]
#[command(after_help = "Examples:
  mtcheck filter crawl/*.jsonl.zst --min-quality 0.6 -o kept.jsonl.zst
  mtcheck filter crawl/ --keep-top 70% -o kept.jsonl.zst --rejected dropped.jsonl.zst
  mtcheck filter docs.jsonl --annotate --min-quality 0.6 > annotated.jsonl")]
pub struct FilterArgs {
    /// Files or directories (.gz and .zst accepted); `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    /// Keep documents of at least this quality (0–1).
    #[arg(long)]
    pub min_quality: Option<f32>,
    /// Keep documents with at most this share (0–1) of their sentences flagged.
    #[arg(long)]
    pub max_flagged: Option<f32>,
    /// Keep documents whose P(machine-translated or spun) is at most this (0–1); needs the
    /// full detector (chosen unless --scorer fast). Documents under 3 sentences have no
    /// P(MT) and pass.
    #[arg(long)]
    pub max_p_mt: Option<f32>,
    /// Keep the best share of documents, e.g. 70% (reads the input twice, scores it once).
    #[arg(long, value_parser = parse_percent)]
    pub keep_top: Option<f64>,
    /// Where kept records go (.gz/.zst compress); default stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Where dropped and unreadable records go (.gz/.zst compress).
    #[arg(long)]
    pub rejected: Option<PathBuf>,
    /// Keep every record and add an "mtcheck" object: quality, flagged sentences, spans
    /// (dolma attribute style, character offsets), and "keep" by the rules given.
    #[arg(long)]
    pub annotate: bool,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    pub field: String,
    #[arg(long, value_enum, default_value_t = FilterInputFormat::Auto)]
    pub input_format: FilterInputFormat,
    #[arg(long, value_enum, default_value_t = ScorerChoice::Auto)]
    pub scorer: ScorerChoice,
    /// With the full detector: read each document's neural round trips too (P(MT) that sees
    /// fluent neural MT; about 40 sentences/s on 2 cores, 24 at most per document).
    #[arg(long)]
    pub round_trips: bool,
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
    /// Also write the summary as JSON to this file (counts, bytes, seconds, the --keep-top
    /// cut, document quality in 10 bins), for pipelines.
    #[arg(long)]
    pub stats: Option<PathBuf>,
}

fn parse_percent(s: &str) -> std::result::Result<f64, String> {
    let n: f64 = s.trim_end_matches('%').parse().map_err(|_| format!("{s:?} is not a percentage such as 70%"))?;
    if !(n > 0.0 && n <= 100.0) {
        return Err(format!("{s} is not between 0% and 100%"));
    }
    Ok(n / 100.0)
}

pub fn run(args: FilterArgs) -> Result<ExitCode> {
    check_args(&args)?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let dir = args.model.clone().unwrap_or_else(default_model_dir);
    let full = args.scorer == ScorerChoice::Full
        || (args.scorer == ScorerChoice::Auto && (args.annotate || args.max_p_mt.is_some()));
    let kind = match args.scorer {
        ScorerChoice::Deep => DetectorKind::Deep,
        _ if full => DetectorKind::Full,
        _ => DetectorKind::Fast,
    };
    let settings = detect::Settings { no_round_trips: !args.round_trips, ..Default::default() };
    let detector =
        detect::open(kind, &dir, settings).with_context(|| format!("loading the model in {}", dir.display()))?;
    let filter = Filter {
        detector,
        options: FilterOptions {
            format: args.input_format.into(),
            field: args.field.clone(),
            rules: Rules { min_quality: args.min_quality, max_flagged: args.max_flagged, max_p_mt: args.max_p_mt },
            keep_top: args.keep_top,
            annotate: args.annotate,
            max_record_bytes: args.max_record_bytes,
        },
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths.clone() };
    let inputs = expand_inputs(&paths);
    super::note_skipped(&inputs);
    let inputs = inputs.files;
    if inputs.iter().any(|p| p.as_os_str() == "-") && std::io::stdin().is_terminal() {
        eprintln!("mtcheck: reading documents from the terminal, one a line; end with Ctrl-D");
    }
    let mut outputs = Outputs {
        kept: match &args.output {
            Some(path) => Output::create(path)?,
            None => Output::stream(std::io::stdout(), "<stdout>"),
        },
        rejected: args.rejected.as_deref().map(Output::create).transpose()?,
    };
    ctrlc::set_handler(|| {
        output::remove_partial_files();
        eprintln!("\nmtcheck filter: interrupted; no output file was written");
        std::process::exit(130);
    })
    .ok();
    // A bar against the inputs' sizes when they are all files; a spinner for stdin.
    let total =
        inputs.iter().map(|p| std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len())).sum::<Option<u64>>();
    let mut observer = Reporter::new(!args.quiet && std::io::stderr().is_terminal(), total);
    let started = Instant::now();
    let stats = filter.run(&inputs, &mut outputs, &mut observer)?;
    let (kept_name, rejected_name) =
        (outputs.kept.name().to_string(), outputs.rejected.as_ref().map(|r| r.name().to_string()));
    outputs.kept.finish()?;
    if let Some(r) = outputs.rejected {
        r.finish()?;
    }
    observer.bar.finish_and_clear();
    if !args.quiet {
        eprint!("{}", summary(&stats, started.elapsed(), &kept_name, rejected_name.as_deref(), &args));
    }
    if let Some(path) = &args.stats {
        let json = serde_json::json!({
            "read": stats.records,
            "kept": stats.kept,
            "dropped": stats.dropped,
            "errors": stats.errors,
            "bytes": stats.bytes,
            "seconds": started.elapsed().as_secs_f64(),
            "keep_top_cut": args.keep_top.map(|share| stats.histogram.top_threshold(share)),
            "quality_histogram": stats.histogram.coarse(10),
        });
        std::fs::write(path, format!("{json}\n")).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::from(if stats.errors > 0 { super::EXIT_ERROR } else { 0 }))
}

fn check_args(args: &FilterArgs) -> Result<()> {
    for (name, value) in
        [("--min-quality", args.min_quality), ("--max-flagged", args.max_flagged), ("--max-p-mt", args.max_p_mt)]
    {
        if let Some(v) = value {
            if !(0.0..=1.0).contains(&v) {
                bail!("{name} must be between 0 and 1, not {v}");
            }
        }
    }
    if args.min_quality.is_none()
        && args.max_flagged.is_none()
        && args.max_p_mt.is_none()
        && args.keep_top.is_none()
        && !args.annotate
    {
        bail!("say what to keep: --min-quality Q (e.g. 0.6), --keep-top 70%, --max-flagged 0.2, --max-p-mt 0.5, or --annotate to keep everything with its scores");
    }
    if args.max_p_mt.is_some() && args.scorer == ScorerChoice::Fast {
        bail!("--max-p-mt needs the full detector's document verdict; the fast scorer gives no P(MT) (use --scorer full or auto)");
    }
    if args.annotate && args.keep_top.is_some() {
        bail!("--annotate keeps every record; with it, use --min-quality or --max-flagged to set the \"keep\" field (--keep-top's cut is only known at the end)");
    }
    let outputs: Vec<&PathBuf> = args.output.iter().chain(&args.rejected).collect();
    super::refuse_outputs_among_inputs(&args.paths, &outputs)
}

/// Reports bad records on stderr and drives the progress bar.
struct Reporter {
    bar: ProgressBar,
    started: Instant,
}

impl Reporter {
    fn new(show: bool, total_bytes: Option<u64>) -> Self {
        let bar = match (show, total_bytes) {
            (false, _) => ProgressBar::hidden(),
            (true, Some(total)) => {
                let bar = ProgressBar::new(total);
                bar.set_style(
                    ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} (eta {eta})").expect("valid template"),
                );
                bar
            }
            (true, None) => {
                let bar = ProgressBar::new_spinner();
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}").expect("valid template"),
                );
                bar
            }
        };
        bar.enable_steady_tick(Duration::from_millis(200));
        Reporter { bar, started: Instant::now() }
    }
}

impl Observer for Reporter {
    fn bad_record(&mut self, input: &str, line: usize, message: &str) {
        let at = if line > 0 { format!("{input}:{line}") } else { input.to_string() };
        self.bar.suspend(|| eprintln!("mtcheck: {at}: {message}"));
    }

    fn progress(&mut self, stats: &Stats) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_position(stats.input_bytes);
        self.bar.set_message(format!(
            "{} docs · {:.0} docs/s · {:.1} MB/s · kept {:.1}% · {} errors",
            stats.records,
            stats.records as f64 / secs,
            stats.bytes as f64 / 1e6 / secs,
            100.0 * stats.kept as f64 / (stats.kept + stats.dropped).max(1) as f64,
            stats.errors
        ));
    }
}

/// The end-of-run summary: counts, speed and a histogram of document quality.
fn summary(stats: &Stats, elapsed: Duration, kept_to: &str, rejected_to: Option<&str>, args: &FilterArgs) -> String {
    let secs = elapsed.as_secs_f64().max(1e-3);
    let pct = |n: u64| 100.0 * n as f64 / stats.records.max(1) as f64;
    let mut out = format!(
        "mtcheck filter: read {} records ({:.1} MB) in {:.1} s: {:.1} MB/s, {:.0} docs/s\n",
        stats.records,
        stats.bytes as f64 / 1e6,
        secs,
        stats.bytes as f64 / 1e6 / secs,
        stats.records as f64 / secs
    );
    out += &format!("  kept     {:>10} ({:.1}%) -> {kept_to}\n", stats.kept, pct(stats.kept));
    out += &format!(
        "  dropped  {:>10} ({:.1}%){}\n",
        stats.dropped,
        pct(stats.dropped),
        rejected_to.map_or(String::new(), |r| format!(" -> {r}"))
    );
    out += &format!(
        "  errors   {:>10} ({:.1}%){}\n",
        stats.errors,
        pct(stats.errors),
        if stats.errors > 0 { " (reported above with file and line)" } else { "" }
    );
    if let Some(share) = args.keep_top {
        out += &format!(
            "  --keep-top {:.0}%: cut at quality {:.4}\n",
            share * 100.0,
            stats.histogram.top_threshold(share)
        );
    }
    if stats.histogram.is_empty() {
        return out;
    }
    out += "  document quality:\n";
    let bins = stats.histogram.coarse(10);
    let most = *bins.iter().max().unwrap_or(&1).max(&1);
    for (i, &n) in bins.iter().enumerate() {
        let bar = "█".repeat((n * 40).div_ceil(most) as usize);
        out += &format!("    {:.1}–{:.1} {bar:<40} {n}\n", i as f32 / 10.0, (i + 1) as f32 / 10.0);
    }
    out
}
