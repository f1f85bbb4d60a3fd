//! The command line: `marketlab serve [--demo] [--bind ADDR]` and
//! `marketlab migrate`. The database is `--database-url`, else
//! `DATABASE_URL`, else `MARKETLAB_DATABASE_URL`, else a SQLite file under
//! `./data/`.

use clap::{Args, Parser, Subcommand};

use crate::persistence;
use crate::startup::{Application, DEFAULT_DATABASE_URL, Settings};

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
    /// Run the market and its HTTP server (applies migrations first).
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "MARKETLAB_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// List a few demo companies in a few sectors (once).
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Apply the database migrations and exit.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Debug, Args)]
struct Database {
    /// `sqlite://path/file.db?mode=rwc` or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

impl Database {
    fn url(self) -> String {
        self.database_url
            .or_else(|| std::env::var("MARKETLAB_DATABASE_URL").ok())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
    }
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "info,sqlx=warn,sea_orm_migration=warn".into()),
            )
            .init();
        match self.command {
            Command::Serve {
                bind,
                demo,
                database,
            } => {
                let app = Application::build(Settings {
                    bind,
                    demo,
                    database_url: database.url(),
                })
                .await?;
                tracing::info!("listening on http://{}", app.address());
                app.run_until_stopped().await
            }
            Command::Migrate { database } => {
                let url = database.url();
                persistence::connect(&url).await?;
                tracing::info!("the database is up to date");
                Ok(())
            }
        }
    }
}
