//! `mtcheck lm …` and `mtcheck tokenize`.

use anyhow::Result;
use clap::{Args, Subcommand};
use mtcheck::lm::NgramModel;
use mtcheck::text::{input::open_reader, lm_key, sentence_spans, Tokenizer};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum LmCommand {}

#[derive(Args)]
pub struct TokenizeArgs {
    /// Text files (.gz/.zst accepted), or - for standard input.
    #[arg(default_value = "-")]
    pub inputs: Vec<PathBuf>,
}

pub fn run(cmd: LmCommand) -> Result<ExitCode> {
    match cmd {}
}

pub fn write_binary(_model: &NgramModel, _path: &Path, _bits: u8) -> Result<()> {
    anyhow::bail!("binary output not built yet")
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
            for span in sentence_spans(&line) {
                line_out.clear();
                tokenizer.tokenize_into(&line[span], &mut |tok| {
                    if !line_out.is_empty() {
                        line_out.push(' ');
                    }
                    line_out.push_str(&lm_key(&tok.text));
                });
                if !line_out.is_empty() {
                    line_out.push('\n');
                    out.write_all(line_out.as_bytes())?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
