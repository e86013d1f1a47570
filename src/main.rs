//! The `mtcheck` command line: parse arguments, run, map errors to an exit code.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
