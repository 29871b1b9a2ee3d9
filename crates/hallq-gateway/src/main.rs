//! `hallq-gateway --config FILE`: runs the device gateway until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use hallq_gateway::Config;
use tracing_subscriber::EnvFilter;

/// The device gateway: RS-485 call pads and rating pads ↔ the hall controller.
#[derive(Parser)]
#[command(name = "hallq-gateway", version)]
struct Args {
    /// The gateway's TOML configuration (see docs/protocols/gateway.md).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = match Config::load(&args.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hallq-gateway: {e}");
            return ExitCode::from(2);
        }
    };
    tracing::info!(
        controller = %config.controller,
        buses = config.buses.len(),
        pads = config.pads.len(),
        "hallq-gateway starting"
    );
    match hallq_gateway::run(config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hallq-gateway: {e}");
            ExitCode::FAILURE
        }
    }
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}
