//! `mtcheck lm …` (query, import-arpa, export-arpa, info) and `mtcheck tokenize`.

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use mtcheck::io::input::open_reader;
use mtcheck::lm::query::PREFETCH_AHEAD;
use mtcheck::lm::storage::{write_model, WriteOptions};
use mtcheck::lm::{arpa, LanguageModel, NgramModel};
use mtcheck::text::{lm_key, lm_sentences, Tokenizer};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Subcommand)]
pub enum LmCommand {
    /// Score text line by line, printing what KenLM's `query` prints: per word
    /// `word=id ngram_length log10p`, per line `Total:` and `OOV:`, then perplexities.
    Query(QueryArgs),
    /// Convert an ARPA file (e.g. from KenLM's lmplz) into an mtcheck model file.
    ImportArpa(ImportArgs),
    /// Write a model as ARPA (the model must have been built with --keep-ngrams).
    ExportArpa(ExportArgs),
    /// Describe a model file: order, n-grams, sizes, bytes per n-gram.
    Info(InfoArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Verbosity {
    /// Only the corpus totals.
    Summary,
    /// One line per sentence.
    Sentence,
    /// Every word, then the sentence total (KenLM's default).
    Word,
}

#[derive(Args)]
pub struct QueryArgs {
    /// The model file (default: the shipped English model).
    #[arg(short, long)]
    pub model: Option<PathBuf>,
    /// Text to score, one sentence a line (.gz/.zst accepted; default standard input).
    #[arg(default_value = "-")]
    pub inputs: Vec<PathBuf>,
    /// Lines are already tokenized: split on whitespace only, no lower-casing (as KenLM).
    #[arg(long)]
    pub tokenized: bool,
    /// How much to print.
    #[arg(short, long, value_enum, default_value_t = Verbosity::Word)]
    pub verbose: Verbosity,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The ARPA file (.gz/.zst accepted).
    pub arpa: PathBuf,
    /// The model file to write.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Bits per stored value: 8 or 16 (quantized) or 32 (exact).
    #[arg(long, default_value_t = 8)]
    pub bits: u32,
    /// Store the n-grams too, so the model can be exported back to ARPA.
    #[arg(long)]
    pub keep_ngrams: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    pub model: PathBuf,
    /// Where to write the ARPA text (default standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Args)]
pub struct InfoArgs {
    pub model: PathBuf,
    /// Also read the whole file and check every section's checksum.
    #[arg(long)]
    pub verify: bool,
}

#[derive(Args)]
pub struct TokenizeArgs {
    /// Text files (.gz/.zst accepted), or - for standard input.
    #[arg(default_value = "-")]
    pub inputs: Vec<PathBuf>,
}

pub fn run(cmd: LmCommand) -> Result<ExitCode> {
    match cmd {
        LmCommand::Query(args) => query(args),
        LmCommand::ImportArpa(args) => {
            let model = arpa::read_arpa_file(&args.arpa)?;
            let options =
                WriteOptions { value_bits: args.bits, keep_ngrams: args.keep_ngrams, ..WriteOptions::default() };
            let size = write_model(&model, &args.output, &options)?;
            eprintln!("wrote {} ({} bytes, n-grams {:?})", args.output.display(), size, model.counts());
            Ok(ExitCode::SUCCESS)
        }
        LmCommand::ExportArpa(args) => {
            let model = LanguageModel::open(&args.model)?.to_ngram_model()?;
            match &args.output {
                Some(path) => arpa::write_arpa_file(&model, path)?,
                None => arpa::write_arpa(&model, &mut std::io::stdout().lock())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        LmCommand::Info(args) => info(args),
    }
}

/// Writes a trained model as a model file (used by `train lm`).
pub fn write_binary(model: &NgramModel, path: &Path, bits: u32, keep_ngrams: bool) -> Result<u64> {
    let options = WriteOptions { value_bits: bits, keep_ngrams, ..WriteOptions::default() };
    Ok(write_model(model, path, &options)?)
}

fn info(args: InfoArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let t = Instant::now();
    let model = LanguageModel::open(&args.model)?;
    let open_us = t.elapsed().as_secs_f64() * 1e6;
    let (first_p, _, _) = model.score(&model.begin_sentence(), model.word_id("the"));
    let first_score_us = t.elapsed().as_secs_f64() * 1e6;
    let h = model.header();
    let size = std::fs::metadata(&args.model)?.len();
    let total: u64 = h.counts.iter().sum();
    writeln!(out, "file\t{}", args.model.display())?;
    writeln!(out, "format version\t{}", h.version)?;
    writeln!(out, "order\t{}", h.order)?;
    writeln!(out, "vocabulary\t{}", h.vocab_size)?;
    for n in 1..=h.order as usize {
        writeln!(out, "{n}-grams\t{}", h.counts[n - 1])?;
    }
    writeln!(out, "value bits\t{}", h.value_bits)?;
    writeln!(out, "n-gram keys stored\t{}", h.has_keys())?;
    writeln!(out, "bytes\t{size}")?;
    writeln!(out, "bytes per n-gram\t{:.2}", size as f64 / total.max(1) as f64)?;
    writeln!(out, "open time\t{open_us:.0} µs")?;
    writeln!(out, "open to first score\t{first_score_us:.0} µs (log10 p(the | <s>) = {first_p})")?;
    if args.verify {
        model.verify()?;
        writeln!(out, "checksums\tok")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Running totals as KenLM's `query` reports them.
#[derive(Default)]
struct Totals {
    log10: f64,
    oov_log10: f64,
    tokens: u64,
    oovs: u64,
}

fn query(args: QueryArgs) -> Result<ExitCode> {
    let model_path =
        args.model.clone().unwrap_or_else(|| mtcheck::model_dir::default_model_dir().join(mtcheck::model_dir::LM_FILE));
    // Scoring a lot of text: load every page up front, as KenLM's query does by default.
    let model = LanguageModel::open_populated(&model_path)?;
    let tokenizer = if args.tokenized {
        None
    } else {
        let beside = model_path.with_file_name(mtcheck::model_dir::TOKENIZER_FILE);
        Some(if beside.exists() { Tokenizer::from_file(&beside)? } else { Tokenizer::english()? })
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut totals = Totals::default();
    let mut words: Vec<String> = Vec::new();
    let mut line_out = String::new();
    let mut ids: Vec<u32> = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut bad_lines = 0usize;
    for path in &args.inputs {
        let mut reader = open_reader(path)?;
        let mut line_no = 0usize;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).with_context(|| format!("reading {}", path.display()))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let Ok(line) = std::str::from_utf8(&buf) else {
                eprintln!("mtcheck: {}:{line_no}: invalid UTF-8, line skipped", path.display());
                bad_lines += 1;
                continue;
            };
            let line = line.trim_end_matches(['\n', '\r']);
            line_out.clear();
            match &tokenizer {
                None => {
                    let words: Vec<&str> = line.split_ascii_whitespace().collect();
                    score_line(&model, &words, &mut ids, args.verbose, &mut totals, &mut line_out);
                }
                Some(t) => {
                    words.clear();
                    t.tokenize_into(line, &mut |tok| words.push(lm_key(&tok.text).into_owned()));
                    let words: Vec<&str> = words.iter().map(String::as_str).collect();
                    score_line(&model, &words, &mut ids, args.verbose, &mut totals, &mut line_out);
                }
            }
            out.write_all(line_out.as_bytes())?;
        }
    }
    let ppl = |log10: f64, tokens: u64| 10f64.powf(-log10 / tokens.max(1) as f64);
    writeln!(out, "Perplexity including OOVs:\t{}", ppl(totals.log10, totals.tokens))?;
    writeln!(out, "Perplexity excluding OOVs:\t{}", ppl(totals.log10 - totals.oov_log10, totals.tokens - totals.oovs))?;
    writeln!(out, "OOVs:\t{}", totals.oovs)?;
    writeln!(out, "Tokens:\t{}", totals.tokens)?;
    out.flush()?;
    // Like every batch job here: keep going past bad records, fail at the end.
    if bad_lines > 0 {
        eprintln!("mtcheck: {bad_lines} line(s) skipped");
        return Ok(ExitCode::from(super::EXIT_ERROR));
    }
    Ok(ExitCode::SUCCESS)
}

fn score_line(
    model: &LanguageModel,
    words: &[&str],
    ids: &mut Vec<u32>,
    verbose: Verbosity,
    totals: &mut Totals,
    out: &mut String,
) {
    use mtcheck::lm::ngram::{EOS, UNK};
    use std::fmt::Write as _;
    // All word ids first (with <s> in front): their table lookups are independent, so the CPU
    // overlaps them; then each word's n-grams are prefetched a little ahead of scoring.
    ids.clear();
    ids.push(mtcheck::lm::ngram::BOS);
    ids.extend(words.iter().map(|w| model.word_id(w)));
    ids.push(EOS);
    let mut state = model.begin_sentence();
    // Per sentence in f32 like KenLM, so the printed totals agree digit for digit.
    let mut total = 0f32;
    let mut oovs = 0u64;
    for i in 1..ids.len() {
        if i + PREFETCH_AHEAD < ids.len() {
            model.prefetch(&ids[..=i + PREFETCH_AHEAD]);
        }
        let id = ids[i];
        let (p, n, next) = model.score(&state, id);
        state = next;
        total += p;
        if id == UNK {
            oovs += 1;
            totals.oov_log10 += p as f64;
        }
        if verbose == Verbosity::Word {
            let word = words.get(i - 1).copied().unwrap_or("</s>");
            let _ = write!(out, "{word}={id} {n} {p}\t");
        }
    }
    totals.log10 += total as f64;
    totals.tokens += ids.len() as u64 - 1;
    totals.oovs += oovs;
    if verbose != Verbosity::Summary {
        let _ = writeln!(out, "Total: {total} OOV: {oovs}");
    }
}

pub fn tokenize(args: TokenizeArgs) -> Result<ExitCode> {
    let tokenizer = Tokenizer::english()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut line_out = String::new();
    for path in &args.inputs {
        let reader = open_reader(path)?;
        for line in reader.split(b'\n') {
            let line = line?;
            let line = String::from_utf8_lossy(&line);
            let mut result = Ok(());
            lm_sentences(&tokenizer, &line, |words| {
                line_out.clear();
                line_out.push_str(&words.join(" "));
                line_out.push('\n');
                if result.is_ok() {
                    result = out.write_all(line_out.as_bytes());
                }
            });
            result?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
