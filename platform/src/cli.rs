//! The command line: `marketlab serve [--demo] [--bind ADDR]`.

use clap::{Parser, Subcommand};

use crate::startup::{Application, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "marketlab",
    version,
    about = "A stock-market simulation platform"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the market and its HTTP server.
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "MARKETLAB_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// List a few demo companies in a few sectors at start.
        #[arg(long)]
        demo: bool,
    },
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "info".into()),
            )
            .init();
        match self.command {
            Command::Serve { bind, demo } => {
                let app = Application::build(Settings { bind, demo }).await?;
                tracing::info!("listening on http://{}", app.address());
                app.run_until_stopped().await
            }
        }
    }
}
