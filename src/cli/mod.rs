//! Command-line front end over the library. `check` is the default command.

mod eval;
mod lm;
mod train;
mod train_scorer;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "mtcheck", version, about = "Detects machine-translation artifacts in English text")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train models.
    #[command(subcommand)]
    Train(train::TrainCommand),
    /// Language-model tools: query, ARPA import and export, info.
    #[command(subcommand)]
    Lm(lm::LmCommand),
    /// Print the tokens the front end makes of text (one sentence a line, lower-cased
    /// LM keys separated by spaces): the input `lmplz` needs to build a comparable model.
    Tokenize(lm::TokenizeArgs),
    /// Score evaluation sets (mtcheck-eval v1) with DESIGN's metrics, one table row per set.
    Eval(eval::EvalArgs),
}

/// Exit codes as grep: 0 nothing found, 1 something found, 2 error.
pub const EXIT_ERROR: u8 = 2;

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(cmd) => train::run(cmd),
        Command::Lm(cmd) => lm::run(cmd),
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

/// A closed pipe downstream (`mtcheck … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
