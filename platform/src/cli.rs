//! The command line: `marketlab serve [--config FILE] [--demo] [--bind ADDR]`,
//! `marketlab config print`, `marketlab migrate`, `marketlab schema`,
//! `marketlab admin create`, `marketlab bot check FILE`,
//! `marketlab scenario check|run FILE [--live]`, `marketlab journal
//! export|verify`. The server's settings are
//! layered by [`crate::config`]; `migrate` and `admin create` take the
//! database from `--database-url`, else `DATABASE_URL`, else
//! `MARKETLAB_DATABASE_URL`, else a SQLite file under `./data/`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use marketlab_actors::bots::BotScript;

use crate::config::{self, Effective, Flag, Inputs};
use crate::persistence;
use crate::startup::{Application, DEFAULT_DATABASE_URL, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "marketlab",
    version,
    about = "A stock-market simulation platform"
)]
pub struct Cli {
    /// How log lines are written: plain text, or one JSON object a line.
    /// Text has colours only on a terminal.
    #[arg(long, global = true, env = "MARKETLAB_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the market and its HTTP server (applies migrations first).
    Serve {
        /// List a few demo companies in a few sectors (once).
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        bots: BotArgs,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// The server's settings.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Apply the database migrations and exit.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Print the GraphQL schema (what `schema.graphql` holds).
    Schema,
    /// Administer the platform from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Work with bot scripts.
    Bot {
        #[command(subcommand)]
        command: BotCommand,
    },
    /// Seeded market scenarios: headless, or live in the server.
    Scenario {
        #[command(subcommand)]
        command: crate::scenario::ScenarioCommand,
    },
    /// The market's journal: export it as an event feed, verify the tables
    /// against it.
    Journal {
        #[command(subcommand)]
        command: crate::journal_cli::JournalCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the settings `serve` would run with, as TOML, each key with
    /// where it came from (default, file, env or flag); secrets masked.
    Print {
        #[command(flatten)]
        bots: BotArgs,
        #[command(flatten)]
        server: ServerArgs,
    },
}

#[derive(Debug, Subcommand)]
enum BotCommand {
    /// Compile a Rhai bot script: report errors with line and column, and
    /// list the entry points it defines.
    Check { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an ADMIN account (before the server starts, or restart it).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, env = "MARKETLAB_ADMIN_PASSWORD")]
        password: String,
        #[command(flatten)]
        database: Database,
    },
}

/// How the HTTP server runs (`serve`, `config print`, and `scenario run
/// --live`). Each flag overrides its key in the file and its environment
/// variable (named in brackets); `config print` shows the defaults.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// A TOML file of settings (every key: marketlab.example.toml).
    #[arg(long, env = "MARKETLAB_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address and port to listen on [server.bind, MARKETLAB_BIND].
    #[arg(long)]
    bind: Option<String>,
    /// `sqlite://path/file.db?mode=rwc` or `postgres://user@host/db`
    /// [server.database_url, DATABASE_URL, MARKETLAB_DATABASE_URL].
    #[arg(long)]
    database_url: Option<String>,
    /// The secret access tokens are signed with; without one, a secret
    /// is made on the first run and kept in the database
    /// [server.jwt_secret, MARKETLAB_JWT_SECRET].
    #[arg(long)]
    jwt_secret: Option<String>,
    /// Lifetime of an access token, in seconds [server.access_token_ttl,
    /// MARKETLAB_ACCESS_TOKEN_TTL].
    #[arg(long)]
    access_token_ttl: Option<i64>,
    /// Requests per second each account may make (bursts go higher)
    /// [rate_limit.per_second, MARKETLAB_RATE_LIMIT].
    #[arg(long)]
    rate_limit: Option<i64>,
    /// How many requests an account may make at once above the rate
    /// [rate_limit.burst, MARKETLAB_RATE_BURST].
    #[arg(long)]
    rate_burst: Option<i64>,
    /// The most changes one database transaction writes (group commit)
    /// [persister.batch_size, MARKETLAB_BATCH_SIZE].
    #[arg(long)]
    batch_size: Option<i64>,
    /// How long the first change of a batch waits for more, in
    /// milliseconds [persister.batch_delay_ms, MARKETLAB_BATCH_DELAY_MS].
    #[arg(long)]
    batch_delay_ms: Option<i64>,
    /// Changes not yet written before the books take no new orders until
    /// the database catches up [persister.max_backlog, MARKETLAB_MAX_BACKLOG].
    #[arg(long)]
    max_backlog: Option<i64>,
    /// The longest a GraphQL request over HTTP may run, in seconds
    /// [transport.request_timeout, MARKETLAB_REQUEST_TIMEOUT].
    #[arg(long)]
    request_timeout: Option<i64>,
    /// How long a new WebSocket may take to send connection_init, in
    /// milliseconds (then it is closed with 4408)
    /// [transport.ws_init_timeout_ms, MARKETLAB_WS_INIT_TIMEOUT_MS].
    #[arg(long)]
    ws_init_timeout_ms: Option<i64>,
    /// Open WebSocket connections one client address may hold
    /// [transport.ws_per_address, MARKETLAB_WS_PER_ADDRESS].
    #[arg(long)]
    ws_per_address: Option<i64>,
    /// Open WebSocket connections one account may hold
    /// [transport.ws_per_account, MARKETLAB_WS_PER_ACCOUNT].
    #[arg(long)]
    ws_per_account: Option<i64>,
    /// Frames a WebSocket connection's outbound queue holds for a client
    /// that reads slowly; a trade or order stream that overflows it closes
    /// the connection with 4413 (book and quote states are conflated)
    /// [transport.ws_queue_frames, MARKETLAB_WS_QUEUE_FRAMES].
    #[arg(long)]
    ws_queue_frames: Option<i64>,
    /// Bytes the same queue holds, in KiB [transport.ws_queue_kib,
    /// MARKETLAB_WS_QUEUE_KIB].
    #[arg(long)]
    ws_queue_kib: Option<i64>,
    /// The most book updates an orderBook subscription sends a second
    /// [transport.book_updates_per_second, MARKETLAB_BOOK_UPDATES_PER_SECOND].
    #[arg(long)]
    book_updates_per_second: Option<i64>,
}

/// The live bots' settings (`serve` and `config print`; a live scenario
/// takes its own).
#[derive(Debug, Args)]
struct BotArgs {
    /// The seed every live bot's random stream is derived from
    /// [bots.seed, MARKETLAB_BOT_SEED].
    #[arg(long)]
    bot_seed: Option<i64>,
    /// Run bots' timers this many times faster than the clock, 1 to 1000
    /// [bots.speedup, MARKETLAB_BOT_SPEEDUP].
    #[arg(long)]
    bot_speedup: Option<i64>,
}

impl BotArgs {
    fn flags(&self) -> Vec<Flag> {
        let mut flags = Vec::new();
        push(&mut flags, "bots.seed", "--bot-seed", self.bot_seed);
        push(
            &mut flags,
            "bots.speedup",
            "--bot-speedup",
            self.bot_speedup,
        );
        flags
    }
}

impl ServerArgs {
    /// The settings in effect: the file, then the process's environment,
    /// then these flags and `more`.
    pub fn effective(&self, more: Vec<Flag>) -> anyhow::Result<Effective> {
        let mut flags = self.flags();
        flags.extend(more);
        Ok(config::load(Inputs {
            file: self.config.as_deref(),
            env: &|name| std::env::var(name).ok(),
            flags,
        })?)
    }

    fn flags(&self) -> Vec<Flag> {
        let mut flags = Vec::new();
        let f = &mut flags;
        push(f, "server.bind", "--bind", self.bind.clone());
        push(
            f,
            "server.database_url",
            "--database-url",
            self.database_url.clone(),
        );
        push(
            f,
            "server.jwt_secret",
            "--jwt-secret",
            self.jwt_secret.clone(),
        );
        push(
            f,
            "server.access_token_ttl",
            "--access-token-ttl",
            self.access_token_ttl,
        );
        push(f, "rate_limit.per_second", "--rate-limit", self.rate_limit);
        push(f, "rate_limit.burst", "--rate-burst", self.rate_burst);
        push(f, "persister.batch_size", "--batch-size", self.batch_size);
        push(
            f,
            "persister.batch_delay_ms",
            "--batch-delay-ms",
            self.batch_delay_ms,
        );
        push(
            f,
            "persister.max_backlog",
            "--max-backlog",
            self.max_backlog,
        );
        push(
            f,
            "transport.request_timeout",
            "--request-timeout",
            self.request_timeout,
        );
        push(
            f,
            "transport.ws_init_timeout_ms",
            "--ws-init-timeout-ms",
            self.ws_init_timeout_ms,
        );
        push(
            f,
            "transport.ws_per_address",
            "--ws-per-address",
            self.ws_per_address,
        );
        push(
            f,
            "transport.ws_per_account",
            "--ws-per-account",
            self.ws_per_account,
        );
        push(
            f,
            "transport.ws_queue_frames",
            "--ws-queue-frames",
            self.ws_queue_frames,
        );
        push(
            f,
            "transport.ws_queue_kib",
            "--ws-queue-kib",
            self.ws_queue_kib,
        );
        push(
            f,
            "transport.book_updates_per_second",
            "--book-updates-per-second",
            self.book_updates_per_second,
        );
        flags
    }
}

fn push(
    flags: &mut Vec<Flag>,
    path: &'static str,
    name: &'static str,
    value: Option<impl Into<toml::Value>>,
) {
    if let Some(value) = value {
        flags.push(Flag {
            path,
            name,
            value: value.into(),
        });
    }
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
        init_logging(self.log_format);
        match self.command {
            Command::Serve { demo, bots, server } => {
                let app = Application::build(Settings {
                    demo,
                    ..server.effective(bots.flags())?.settings
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
            Command::Config {
                command: ConfigCommand::Print { bots, server },
            } => {
                print!("{}", server.effective(bots.flags())?.print());
                Ok(())
            }
            Command::Schema => {
                print!("{}", crate::api::sdl());
                Ok(())
            }
            Command::Admin {
                command:
                    AdminCommand::Create {
                        username,
                        password,
                        database,
                    },
            } => {
                let db = persistence::connect(&database.url()).await?;
                let id = crate::admin::create_admin(&db, &username, &password).await?;
                tracing::info!("created ADMIN {username} (account {id})");
                Ok(())
            }
            Command::Bot {
                command: BotCommand::Check { file },
            } => check_bot(&file),
            Command::Scenario { command } => command.run().await,
            Command::Journal { command } => command.run().await,
        }
    }
}

/// Log lines on stdout, filtered by `RUST_LOG`: text (coloured only when
/// stdout is a terminal, so files and journald get plain text) or JSON.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm_migration=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => logs.with_ansi(std::io::stdout().is_terminal()).init(),
        LogFormat::Json => logs.json().init(),
    }
}

/// `marketlab bot check FILE`: what the script defines, its warnings, or why
/// it does not compile (an error, so the exit status says so).
fn check_bot(file: &std::path::Path) -> anyhow::Result<()> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let name = file
        .file_stem()
        .map_or_else(|| "script".into(), |s| s.to_string_lossy());
    let script = BotScript::compile(&name, &source)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    println!("{}: compiles", file.display());
    for entry in script.entry_points() {
        println!("  defines {entry}");
    }
    for warning in script.warnings() {
        println!("  warning: {warning}");
    }
    Ok(())
}
