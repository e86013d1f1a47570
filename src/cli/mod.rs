//! Command-line front end over the library. `check` is the default command.

mod check;
mod eval;
mod features;
mod filter;
mod lm;
mod model;
mod pairs;
mod printer;
mod serve;
mod spin;
mod train;
mod train_document;
mod train_encoder;
mod train_fast;
mod train_scorer;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mtcheck",
    version,
    about = "Detects machine-translation artifacts in English text",
    override_usage = "mtcheck [OPTIONS] [FILE]...     (check: the default command)\n       mtcheck <COMMAND> [ARGS]...",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check texts for machine-translation artifacts (the default command:
    /// `mtcheck article.txt --highlight` is `mtcheck check article.txt --highlight`).
    Check(check::CheckArgs),
    /// Keep or drop the documents of crawls (JSONL or a document a line; files, directories,
    /// stdin; .gz/.zst) by quality, on all cores, in input order.
    Filter(filter::FilterArgs),
    /// Find the spun copies in crawls: near-duplicate groups (MinHash and LSH), the original
    /// of each, and what its copies changed; a JSON line per document of a group.
    Pairs(pairs::PairsArgs),
    /// Spin text through the neural round-trip engine (English → Portuguese → English, one or
    /// more hops), layout kept, output in the input's format (text or JSONL).
    Spin(spin::SpinArgs),
    /// Train models.
    #[command(subcommand)]
    Train(train::TrainCommand),
    /// Serve the checker over HTTP: a JSON API, LanguageTool's API and a web page for
    /// editors (loopback by default).
    ///
    /// Routes: GET / (the page for editors); POST /v1/check ({"text": …} or {"texts": […]}:
    /// the objects `check --format jsonl` prints); POST /v2/check and GET /v2/languages
    /// (LanguageTool's API: point LTeX, the browser extension or language_tool_python at
    /// http://ADDRESS/); GET /health; GET /v1/model. Bodies over --max-body-bytes (1 MiB)
    /// get 413; one access-log line per request on stderr (--quiet: none).
    Serve(serve::ServeArgs),
    /// Model folder tools: info, seal.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Language-model tools: query, ARPA import and export, info.
    #[command(subcommand)]
    Lm(lm::LmCommand),
    /// Print the tokens the front end makes of text (one sentence a line, lower-cased
    /// LM keys separated by spaces): the input `lmplz` needs to build a comparable model.
    Tokenize(lm::TokenizeArgs),
    /// List the features the scorer uses, with their descriptions; with --dump, print the
    /// sentence scorer's inputs for every sentence of a JSONL set (for analysis).
    Features(features::FeaturesArgs),
    /// Score evaluation sets (mtcheck-eval v1) with DESIGN's metrics, one table row per set.
    Eval(eval::EvalArgs),
}

/// Exit codes as grep: 0 nothing found, 1 something found, 2 error.
pub const EXIT_ERROR: u8 = 2;

const AFTER_HELP: &str = "\
Examples:
  mtcheck article.txt --highlight         the text with garbled spans marked, a score per sentence
  mtcheck a.txt b.txt.gz                  grep-like: FILE:LINE: quality  sentence [[span]] (reasons)
  mtcheck articles/ --format summary      one verdict line per file (directories are walked)
  mtcheck crawl.jsonl.zst --format jsonl  one JSON object per record (field --field, default text)
  mtcheck copy.txt --source original.txt  what a spinner changed, word by word, and a verdict
  mtcheck filter crawl/ --min-quality 0.6 -o kept.jsonl.zst
  mtcheck pairs crawl/ -o pairs.jsonl     spun copies in a crawl, each with its original
  mtcheck spin article.txt                the text through the neural MT engine and back
  mtcheck serve                           http://127.0.0.1:8080: a page, a JSON API, LanguageTool's API
  mtcheck eval dev-set.jsonl              the dev-set metrics (mtcheck-eval v1 files)

Exit codes (as grep): 0 nothing flagged, 1 something flagged, 2 an error (each bad file or
record is reported on stderr with its file and line, and the run goes on). A closed pipe
(mtcheck ... | head) is not an error.

Model: --model DIR, else $MTCHECK_MODEL_DIR, else models/en next to the executable, else the
models/en of the source tree mtcheck was built from.";

pub fn run() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(hint) = mistyped_command(&args) {
        eprintln!("mtcheck: {hint}");
        return ExitCode::from(EXIT_ERROR);
    }
    let cli = Cli::parse_from(with_default_command(args));
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Features(args) => features::run(args),
        Command::Filter(args) => filter::run(args),
        Command::Pairs(args) => pairs::run(args),
        Command::Spin(args) => spin::run(args),
        Command::Train(cmd) => train::run(cmd),
        Command::Lm(cmd) => lm::run(cmd),
        Command::Model(cmd) => model::run(cmd),
        Command::Serve(args) => serve::run(args),
        Command::Tokenize(args) => lm::tokenize(args),
        Command::Eval(args) => eval::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("mtcheck: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Inserts `check` when the first argument is not a subcommand (nor a top-level flag such as
/// `--help` or `--version`), so that `mtcheck article.txt --highlight` works as written.
fn with_default_command(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let command = Cli::command();
    let first = args.get(1).and_then(|a| a.to_str()).map(str::to_string);
    let is_subcommand = |name: &str| command.get_subcommands().any(|c| c.get_name() == name) || name == "help";
    let top_level_flag = |name: &str| matches!(name, "-h" | "--help" | "-V" | "--version");
    match first.as_deref() {
        Some(name) if is_subcommand(name) || top_level_flag(name) => {}
        _ => args.insert(1.min(args.len()), "check".into()),
    }
    args
}

/// `mtcheck checkk file` would check a file called "checkk": a first argument that is no file,
/// no subcommand and no flag is answered with the subcommand it looks like: "did you mean"
/// within two edits; otherwise, for a bare word (no `/` or `.`, so not meant as a path), "no
/// such file or command" with the closest command.
fn mistyped_command(args: &[std::ffi::OsString]) -> Option<String> {
    use clap::CommandFactory;
    let first = args.get(1)?.to_str()?;
    if first.starts_with('-') || first.is_empty() || std::path::Path::new(first).exists() {
        return None;
    }
    let command = Cli::command();
    let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    if names.contains(&first) {
        return None;
    }
    let (distance, near) = names.into_iter().map(|n| (edit_distance(n, first), n)).min()?;
    if distance <= 2 && first.len() >= 3 {
        Some(format!(
            "no such file or command '{first}'; did you mean `mtcheck {near}`? (to check a file of that name, give its path: ./{first})"
        ))
    } else if !first.contains(['/', '.']) && first.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        Some(format!(
            "no such file or command '{first}' (the closest command: `mtcheck {near}`; `mtcheck --help` lists them)"
        ))
    } else {
        None
    }
}

/// Levenshtein distance of two short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(up + 1).min(row[j] + 1);
            diagonal = up;
        }
    }
    row[b.len()]
}

/// Refuses to start when an output names one of the inputs: it would be emptied before it is
/// read (filter, pairs and spin write under a partial name and rename at the end, which would
/// replace the input). Also when two outputs name the same file.
pub(crate) fn refuse_outputs_among_inputs(
    inputs: &[std::path::PathBuf],
    outputs: &[&std::path::PathBuf],
) -> anyhow::Result<()> {
    use std::path::Path;
    let same = |a: &Path, b: &Path| a == b || a.canonicalize().ok().is_some_and(|a| Some(a) == b.canonicalize().ok());
    for out in outputs {
        if let Some(input) = inputs.iter().find(|p| same(p, out)) {
            anyhow::bail!("{} is both an input and an output", input.display());
        }
    }
    for (i, a) in outputs.iter().enumerate() {
        if outputs[i + 1..].iter().any(|b| same(a, b)) {
            anyhow::bail!("{} is named for two outputs", a.display());
        }
    }
    Ok(())
}

/// A closed pipe downstream (`mtcheck … | head`) is not an error. It may arrive as an I/O
/// error, inside a library error that names the output, or inside a JSON writer's error.
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == BrokenPipe)
            || cause
                .downcast_ref::<mtcheck::Error>()
                .is_some_and(|e| matches!(e, mtcheck::Error::Io { cause, .. } if cause.kind() == BrokenPipe))
            || cause.downcast_ref::<serde_json::Error>().is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

/// Says how many binary and special files the directory walks left out (as grep does), naming
/// the first of each.
pub(crate) fn note_skipped(inputs: &mtcheck::io::input::Inputs) {
    for (skipped, what, why) in [
        (&inputs.skipped_binary, "binary", "give a file by name to read it anyway"),
        (&inputs.skipped_special, "special (FIFO, socket or device)", "give it by name to read it"),
    ] {
        if let Some(first) = skipped.first() {
            let n = skipped.len();
            let files = if n == 1 { "file" } else { "files" };
            eprintln!(
                "mtcheck: skipped {n} {what} {files} met in directories ({}{}); {why}",
                first.display(),
                if n > 1 { ", ..." } else { "" }
            );
        }
    }
}
