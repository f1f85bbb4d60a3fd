//! `marketlab journal export` and `marketlab journal verify`: the journal
//! as a product. Export turns the committed batches into an event feed;
//! verify checks that the tables say what the journal says. Both only read
//! the database (no migration), so they are safe beside a running server.

mod export;
mod fold;
mod verify;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use sea_orm::DatabaseConnection;

use crate::persistence;
use crate::startup::DEFAULT_DATABASE_URL;

pub use export::ExportFormat;

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Write the journal's batches FROM..=TO as one JSON object a line per
    /// market event, in journal order.
    Export {
        /// The first batch to write; batches compacted away cannot be.
        #[arg(long, value_name = "SEQ")]
        from: i64,
        /// The last batch to write (default: the last one committed).
        #[arg(long, value_name = "SEQ")]
        to: Option<i64>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// The file to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Compare the tables with the last state the kept journal gives every
    /// account and book it touches; fails when anything differs.
    Verify {
        #[command(flatten)]
        database: DatabaseArg,
    },
}

/// The database holding the journal: `--database`, else `DATABASE_URL`,
/// else `MARKETLAB_DATABASE_URL`, else the SQLite file under `./data/`, as
/// `migrate` and `admin create` find it.
#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// `sqlite://path/file.db` or `postgres://user@host/db`.
    #[arg(
        long = "database",
        visible_alias = "database-url",
        env = "DATABASE_URL",
        value_name = "URL"
    )]
    url: Option<String>,
}

impl DatabaseArg {
    async fn open(self) -> anyhow::Result<DatabaseConnection> {
        let url = self
            .url
            .or_else(|| std::env::var("MARKETLAB_DATABASE_URL").ok())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        Ok(persistence::open(&url).await?)
    }
}

impl JournalCommand {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            JournalCommand::Export {
                from,
                to,
                format,
                out,
                database,
            } => {
                let db = database.open().await?;
                let range = export::Range { from, to };
                match out {
                    Some(path) => {
                        let file = std::fs::File::create(&path)
                            .with_context(|| format!("cannot create {}", path.display()))?;
                        export::export(&db, range, format, std::io::BufWriter::new(file)).await
                    }
                    None => {
                        let stdout = std::io::BufWriter::new(std::io::stdout());
                        export::export(&db, range, format, stdout).await
                    }
                }
            }
            JournalCommand::Verify { database } => verify::verify(&database.open().await?).await,
        }
    }
}
