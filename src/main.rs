use std::process::ExitCode;

use clap::Parser;
use marketlens::cli::{Cli, run_command};

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
