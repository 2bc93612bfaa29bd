use std::process::ExitCode;

use clap::Parser;
use marketlens::cli::{Cli, run_command};

// polars allocates many short-lived buffers while parsing; mimalloc (the allocator polars
// recommends) makes loading a large CSV markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    marketlens::install_panic_message();
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run_command(command),
        None => match marketlens::app::run_gui(cli.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: could not open the MarketLens window: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
