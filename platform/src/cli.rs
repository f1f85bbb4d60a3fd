//! The command line: `marketlab serve [--demo] [--bind ADDR]`,
//! `marketlab migrate`, `marketlab schema`, `marketlab admin create`,
//! `marketlab bot check FILE`, `marketlab scenario check|run FILE [--live]`. The
//! database is `--database-url`, else `DATABASE_URL`, else
//! `MARKETLAB_DATABASE_URL`, else a SQLite file under `./data/`.

use std::io::IsTerminal;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use marketlab_actors::bots::BotScript;

use crate::api::live::outbox::OutboxLimits;
use crate::api::rate_limit::RateLimitSettings;
use crate::api::transport::TransportSettings;
use crate::auth::TokenSettings;
use crate::persistence;
use crate::persister::PersisterConfig;
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
        /// The seed every live bot's random stream is derived from.
        #[arg(long, env = "MARKETLAB_BOT_SEED", default_value_t = 0)]
        bot_seed: u64,
        /// Run bots' timers this many times faster than the clock.
        #[arg(long, env = "MARKETLAB_BOT_SPEEDUP", default_value_t = 1,
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        bot_speedup: u32,
        #[command(flatten)]
        server: ServerArgs,
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

/// How the HTTP server runs (`serve`, and `scenario run --live`).
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Address and port to listen on.
    #[arg(long, env = "MARKETLAB_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// The secret access tokens are signed with; without one, a secret
    /// is made on the first run and kept in the database.
    #[arg(long, env = "MARKETLAB_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "MARKETLAB_ACCESS_TOKEN_TTL", default_value_t = 900)]
    access_token_ttl: i64,
    /// Requests per second each account may make (bursts go higher).
    #[arg(long, env = "MARKETLAB_RATE_LIMIT", default_value_t = 100)]
    rate_limit: u32,
    /// How many requests an account may make at once above the rate.
    #[arg(long, env = "MARKETLAB_RATE_BURST", default_value_t = 300)]
    rate_burst: u32,
    /// The most changes one database transaction writes (group commit).
    #[arg(long, env = "MARKETLAB_BATCH_SIZE", default_value_t = PersisterConfig::default().max_batch, value_parser = at_least_one())]
    batch_size: usize,
    /// How long the first change of a batch waits for more, in milliseconds.
    #[arg(long, env = "MARKETLAB_BATCH_DELAY_MS", default_value_t = PersisterConfig::default().max_delay.as_millis() as u64)]
    batch_delay_ms: u64,
    /// Changes not yet written before the books take no new orders until
    /// the database catches up.
    #[arg(long, env = "MARKETLAB_MAX_BACKLOG", default_value_t = PersisterConfig::default().max_backlog, value_parser = at_least_one())]
    max_backlog: usize,
    /// The longest a GraphQL request over HTTP may run, in seconds.
    #[arg(long, env = "MARKETLAB_REQUEST_TIMEOUT", default_value_t = TransportSettings::default().request_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// How long a new WebSocket may take to send connection_init, in
    /// milliseconds (then it is closed with 4408).
    #[arg(long, env = "MARKETLAB_WS_INIT_TIMEOUT_MS", default_value_t = TransportSettings::default().ws_init_timeout.as_millis() as u64)]
    ws_init_timeout_ms: u64,
    /// Open WebSocket connections one client address may hold.
    #[arg(long, env = "MARKETLAB_WS_PER_ADDRESS", default_value_t = TransportSettings::default().ws_per_address, value_parser = at_least_one())]
    ws_per_address: usize,
    /// Open WebSocket connections one account may hold.
    #[arg(long, env = "MARKETLAB_WS_PER_ACCOUNT", default_value_t = TransportSettings::default().ws_per_account, value_parser = at_least_one())]
    ws_per_account: usize,
    /// Frames a WebSocket connection's outbound queue holds for a client
    /// that reads slowly; a trade or order stream that overflows it closes
    /// the connection with 4413 (book and quote states are conflated).
    #[arg(long, env = "MARKETLAB_WS_QUEUE_FRAMES", default_value_t = OutboxLimits::default().frames, value_parser = at_least_one())]
    ws_queue_frames: usize,
    /// Bytes the same queue holds, in KiB.
    #[arg(long, env = "MARKETLAB_WS_QUEUE_KIB", default_value_t = OutboxLimits::default().bytes / 1024, value_parser = at_least_one())]
    ws_queue_kib: usize,
    /// The most book updates an orderBook subscription sends a second.
    #[arg(long, env = "MARKETLAB_BOOK_UPDATES_PER_SECOND", default_value_t = TransportSettings::default().book_updates_per_second, value_parser = clap::value_parser!(u32).range(1..=1000))]
    book_updates_per_second: u32,
    #[command(flatten)]
    database: Database,
}

impl ServerArgs {
    pub fn settings(self) -> Settings {
        let defaults = Settings::default();
        Settings {
            bind: self.bind,
            database_url: self.database.url(),
            jwt_secret: self.jwt_secret,
            tokens: TokenSettings {
                access_ttl_secs: self.access_token_ttl,
                ..defaults.tokens
            },
            rate_limit: RateLimitSettings {
                per_second: self.rate_limit,
                burst: self.rate_burst,
            },
            persister: PersisterConfig {
                max_batch: self.batch_size,
                max_delay: Duration::from_millis(self.batch_delay_ms),
                max_backlog: self.max_backlog,
                ..defaults.persister
            },
            transport: TransportSettings {
                request_timeout: Duration::from_secs(self.request_timeout),
                ws_init_timeout: Duration::from_millis(self.ws_init_timeout_ms),
                ws_per_address: self.ws_per_address,
                ws_per_account: self.ws_per_account,
                ws_outbox: OutboxLimits {
                    frames: self.ws_queue_frames,
                    bytes: self.ws_queue_kib * 1024,
                },
                book_updates_per_second: self.book_updates_per_second,
            },
            ..defaults
        }
    }
}

/// A count of at least one.
fn at_least_one() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..)
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
            Command::Serve {
                demo,
                bot_seed,
                bot_speedup,
                server,
            } => {
                let app = Application::build(Settings {
                    demo,
                    bot_seed,
                    bot_speedup,
                    ..server.settings()
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
