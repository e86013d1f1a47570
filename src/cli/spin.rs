//! `mtcheck spin`: text or JSONL sent on a neural round trip (English → Portuguese → English,
//! one or more hops), layout kept, output in the input's format. Users make their own spun test
//! sets with it; the training scripts extend the round-trip data with it.

use super::EXIT_ERROR;
use anyhow::{Context, Result};
use clap::Args;
use mtcheck::io::input::{display, open_reader};
use mtcheck::io::output::Output;
use mtcheck::translate::spin::{spin_text, spin_texts};
use mtcheck::translate::{default_engine_dir, Counts, RoundTripEngine};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct SpinArgs {
    /// Text or JSONL files (.gz/.zst read as such); `-` or nothing: standard input.
    pub inputs: Vec<PathBuf>,
    /// Write here (compressed by its extension) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Round trips in a row (a spinner chaining engines): 2 sends each sentence en→pt→en→pt→en.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub hops: u32,
    /// JSONL: the field to spin.
    #[arg(long, default_value = "text")]
    pub field: String,
    /// JSONL: write the spun text to this field and keep the original in --field (default: replace it).
    #[arg(long)]
    pub to_field: Option<String>,
    /// How to read inputs: auto (.jsonl/.ndjson JSONL, .txt text, others JSONL when they start with `{`).
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: super::check::InputFormat,
    /// The MT model folder (default: $MTCHECK_MT_DIR, else en-pt-roundtrip beside the English model).
    #[arg(long)]
    pub mt_model: Option<PathBuf>,
    /// No counts on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

/// JSONL records spun per batch (their sentences share the cores).
const BATCH: usize = 64;

pub fn run(args: SpinArgs) -> Result<ExitCode> {
    super::refuse_outputs_among_inputs(&args.inputs, &args.output.iter().collect::<Vec<_>>())?;
    let engine = RoundTripEngine::open(&args.mt_model.clone().unwrap_or_else(default_engine_dir))?;
    let inputs = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    let mut out = match &args.output {
        Some(path) => Output::create(path)?,
        None => Output::stream(std::io::stdout(), "standard output"),
    };
    let mut total = Counts::default();
    let mut bad = 0usize;
    for path in &inputs {
        let name = display(path);
        let result = open_reader(path).map_err(anyhow::Error::from).and_then(|mut reader| {
            if super::check::is_jsonl(args.input_format, path, &mut reader) {
                spin_jsonl(&engine, &args, reader, &name, &mut out, &mut total)
            } else {
                spin_plain(&engine, &args, reader, &name, &mut out, &mut total)
            }
        });
        match result {
            Ok(n) => bad += n,
            Err(e) if super::is_broken_pipe(&e) => return Ok(ExitCode::SUCCESS),
            Err(e) => {
                eprintln!("mtcheck: {e:#}");
                bad += 1;
            }
        }
    }
    out.finish()?;
    if !args.quiet {
        eprintln!(
            "mtcheck spin: {} sentences sent through {} hop(s) via {}; {} over the engine's length kept as they were, {} with no output kept",
            total.translated, args.hops, engine.pivot(), total.too_long, total.empty
        );
    }
    Ok(if bad > 0 { ExitCode::from(EXIT_ERROR) } else { ExitCode::SUCCESS })
}

/// A text file: spun whole (its lines and blank lines kept). Returns the bad inputs (0).
fn spin_plain(
    engine: &RoundTripEngine,
    args: &SpinArgs,
    reader: Box<dyn BufRead + Send>,
    name: &str,
    out: &mut Output,
    total: &mut Counts,
) -> Result<usize> {
    let text = super::check::read_text(reader, name)?;
    let (spun, counts) = spin_text(engine, &text, args.hops as usize);
    *total += counts;
    let spun = spun.strip_suffix('\n').unwrap_or(&spun);
    out.write_line(spun.as_bytes())?;
    Ok(0)
}

/// JSONL: each record's field spun, every other field kept; bad lines reported with their line
/// number and left out. Returns how many were bad.
fn spin_jsonl(
    engine: &RoundTripEngine,
    args: &SpinArgs,
    reader: Box<dyn BufRead + Send>,
    name: &str,
    out: &mut Output,
    total: &mut Counts,
) -> Result<usize> {
    let mut bad = 0;
    let mut batch: Vec<(serde_json::Map<String, serde_json::Value>, String)> = Vec::new();
    let flush = |batch: &mut Vec<(serde_json::Map<String, serde_json::Value>, String)>,
                 out: &mut Output,
                 total: &mut Counts|
     -> Result<()> {
        let texts: Vec<&str> = batch.iter().map(|(_, t)| t.as_str()).collect();
        let spun = spin_texts(engine, &texts, args.hops as usize);
        for ((mut record, _), (text, counts)) in batch.drain(..).zip(spun) {
            *total += counts;
            record.insert(args.to_field.clone().unwrap_or_else(|| args.field.clone()), text.into());
            out.write_line(&serde_json::to_vec(&record)?)?;
        }
        Ok(())
    };
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{name}: line {}", i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => {
                eprintln!("mtcheck: {name}:{}: not a JSON object; left out", i + 1);
                bad += 1;
                continue;
            }
            Err(e) => {
                eprintln!("mtcheck: {name}:{}: not JSON ({e}); left out", i + 1);
                bad += 1;
                continue;
            }
        };
        let Some(text) = record.get(&args.field).and_then(|v| v.as_str()).map(str::to_string) else {
            eprintln!("mtcheck: {name}:{}: no string field {:?}; left out", i + 1, args.field);
            bad += 1;
            continue;
        };
        batch.push((record, text));
        if batch.len() >= BATCH {
            flush(&mut batch, out, total)?;
        }
    }
    flush(&mut batch, out, total)?;
    Ok(bad)
}
