//! Building the application: the database, the persister, the market
//! recovered from the database, the API's state, then the HTTP server
//! around it. Tests build it on port 0 with a database of their own and
//! talk to it over real HTTP.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use actix::{Addr, Arbiter, ArbiterHandle};
use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use marketlab_actors::book::DEFAULT_BAND_BPS;
use marketlab_actors::bots::BotHostConfig;
use marketlab_actors::clock::{Clock, WallClock};
use marketlab_actors::ledger::{FeeSchedule, TaxConfig};
use marketlab_actors::market::{Market, MarketConfig};
use marketlab_actors::types::Symbol;
use rand::TryRng;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use crate::admin::AdminSessions;
use crate::alerts::AlertDesk;
use crate::api::rate_limit::{RateLimitSettings, RateLimiter};
use crate::api::state::{IdSequence, Roles, TradingState};
use crate::api::transport::{InFlight, Sockets, TransportSettings};
use crate::api::{self, ApiState};
use crate::auth::{TokenSettings, Tokens, load_or_create_secret};
use crate::bots::Bots;
use crate::market_data::board::MarketBoard;
use crate::metrics::Metrics;
use crate::persistence;
use crate::persistence::repo::{accounts, companies, ids};
use crate::persister::{Drain, Persister, PersisterConfig, PersisterHealth, Progress};
use crate::recovery::recover;
use crate::scenario::{self, LiveOptions, LiveRuns, Loaded};
use crate::session::{self, SessionHours};
use crate::{competitions, dividends, equity};
use crate::{demo, routes};

/// The SQLite file a fresh machine runs on.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/marketlab.db?mode=rwc";

/// How many news events and changed quotes a slow subscriber may fall
/// behind before it skips ahead.
const FEED_CAPACITY: usize = 1024;

#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// `host:port`; port 0 picks a free one.
    pub bind: String,
    pub demo: bool,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// Signs access tokens; made and stored in the database when not given.
    pub jwt_secret: Option<String>,
    pub tokens: TokenSettings,
    pub rate_limit: RateLimitSettings,
    /// Every live bot's random stream is derived from this seed.
    pub bot_seed: u64,
    /// Bots' timers run this many times faster than the clock.
    pub bot_speedup: u32,
    /// What every account pays (a live scenario's file sets it).
    pub fees: FeeSchedule,
    /// How realized gains are taxed.
    pub tax: TaxConfig,
    /// The price band `listCompany` gives a listing, in basis points.
    pub default_band_bps: u32,
    /// When DAY orders expire; without it they rest until cancelled.
    pub session: Option<SessionHours>,
    /// Group commit and backpressure.
    pub persister: PersisterConfig,
    /// Request time limit, WebSocket timeouts and connection limits.
    pub transport: TransportSettings,
    /// How often every account's equity is sampled (performance and
    /// competition standings).
    pub equity_sample_every: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            bind: "127.0.0.1:8080".into(),
            demo: false,
            database_url: DEFAULT_DATABASE_URL.into(),
            jwt_secret: None,
            tokens: TokenSettings::default(),
            rate_limit: RateLimitSettings::default(),
            bot_seed: 0,
            bot_speedup: 1,
            fees: FeeSchedule::default(),
            tax: TaxConfig::default(),
            default_band_bps: DEFAULT_BAND_BPS,
            session: None,
            persister: PersisterConfig::default(),
            transport: TransportSettings::default(),
            equity_sample_every: equity::DEFAULT_SAMPLE_EVERY,
        }
    }
}

/// By hand: the secret never reaches a log.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("demo", &self.demo)
            .field("tokens", &self.tokens)
            .field("rate_limit", &self.rate_limit)
            .field("bot_seed", &self.bot_seed)
            .field("bot_speedup", &self.bot_speedup)
            .field("fees", &self.fees)
            .field("tax", &self.tax)
            .field("default_band_bps", &self.default_band_bps)
            .field("session", &self.session)
            .field("persister", &self.persister)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// What the plain HTTP routes share.
#[derive(Clone)]
pub struct AppState {
    pub market: Market,
    pub db: DatabaseConnection,
    pub persister: Arc<PersisterHealth>,
    pub journal: Arc<Progress>,
    /// Projection lag (changes) past which /health warns.
    pub projection_warning: u64,
    /// The GraphQL requests running, and how long one may run.
    pub in_flight: Arc<InFlight>,
    pub request_timeout: Duration,
}

pub struct Application {
    address: SocketAddr,
    server: Server,
    market: Market,
    bots: Arc<Bots>,
    state: Arc<ApiState>,
    persister: Addr<Persister>,
    writer: Arbiter,
    feeds: Arbiter,
    live: Arbiter,
}

/// 32 bytes from the operating system: the seed of token and salt
/// randomness, and a new signing secret.
fn entropy() -> anyhow::Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    rand::rngs::SysRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no randomness: {e}"))?;
    Ok(bytes)
}

impl Application {
    /// Migrate the database, recover the market from it, and bind the
    /// server (it serves once awaited). Must run inside the actix system.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Application::build_with_clock(settings, Arc::new(WallClock)).await
    }

    /// The same on another clock (tests move a manual one).
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        let db = persistence::connect(&settings.database_url).await?;
        // The tables first catch up with the journal: recovery reads them.
        let caught_up = crate::persister::catch_up(&db, clock.now().0).await?;
        if caught_up.batches > 0 {
            tracing::info!(
                "applied the journal's tail: {} batches, {} changes",
                caught_up.batches,
                caught_up.changes
            );
        }
        let persister =
            Persister::new(db.clone(), settings.persister).with_clock(Arc::clone(&clock));
        let health = persister.health();
        let progress = persister.progress();
        // Its own thread: building and writing batches never holds up the
        // market or the HTTP workers.
        let writer = Arbiter::new();
        let (persister, journal) = persister.start_on(&writer.handle());
        let fees = settings.fees;
        let recovered = recover(&db, MarketConfig::default(), clock, Some(journal), fees).await?;
        if recovered.repaired_fills > 0 {
            tracing::warn!(
                "settled {} trade sides the last run had not written down",
                recovered.repaired_fills
            );
        }
        let market = recovered.market;
        if settings.demo {
            demo::list_companies(&db, &market).await?;
        }
        let bot_host = BotHostConfig {
            seed: settings.bot_seed,
            speedup: settings.bot_speedup.max(1),
            ..BotHostConfig::default()
        };
        scenario::stop_interrupted(&db, &market).await?;
        let bots = Bots::start(&db, &market, fees, bot_host).await?;
        if settings.demo {
            demo::start_bots(&db, &market, &bots).await?;
        }
        let feeds = Arbiter::new();
        let state = Arc::new(
            api_state(
                &settings,
                &db,
                &market,
                fees,
                (health.clone(), persister.clone(), progress),
                feeds.handle(),
                Arc::clone(&bots),
            )
            .await?,
        );
        api::feeds::follow_all(Arc::clone(&state)).await;
        feeds.spawn(dividends::run(Arc::clone(&state)));
        feeds.spawn(competitions::run(Arc::clone(&state)));
        feeds.spawn(equity::run(
            Arc::clone(&state),
            settings.equity_sample_every,
        ));
        if let Some(hours) = settings.session {
            feeds.spawn(session::run(market.clone(), hours));
        }

        let listener = TcpListener::bind(&settings.bind)?;
        let address = listener.local_addr()?;
        // Shared state is built once, outside the per-worker closure.
        let routes_state = web::Data::new(AppState {
            market: market.clone(),
            db,
            persister: health,
            journal: Arc::clone(&state.journal),
            projection_warning: settings.persister.projection_warning as u64,
            in_flight: Arc::clone(&state.in_flight),
            request_timeout: settings.transport.request_timeout,
        });
        let schema = api::schema::build(Some(Arc::clone(&state)));
        // Subscriptions run on a thread of their own, off the HTTP workers.
        let live = Arbiter::new();
        let hub = web::Data::new(api::live::Hub::new(
            schema.clone(),
            live.handle(),
            Arc::clone(&state.metrics),
        ));
        let schema = web::Data::new(schema);
        let api_state = web::Data::new(Arc::clone(&state));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(routes_state.clone())
                .app_data(schema.clone())
                .app_data(hub.clone())
                .app_data(api_state.clone())
                .configure(routes::configure)
                .configure(api::http::configure)
                .configure(crate::web::configure)
        })
        .listen(listener)?
        // Signals are handled in `run_until_stopped`: actix-server's own
        // handling stops the whole actix system right after the HTTP
        // server, before the persister has written what it holds.
        .disable_signals()
        .run();
        Ok(Application {
            address,
            server,
            market,
            bots,
            state,
            persister,
            writer,
            feeds,
            live,
        })
    }

    /// Run a scenario live in this server (`scenario run --live`); answers
    /// its run id once its market is set up and its bots have started.
    pub async fn start_scenario(
        &self,
        loaded: &Loaded,
        options: LiveOptions,
    ) -> anyhow::Result<i64> {
        scenario::live::start(&self.state, loaded, options).await
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// How far the journal and the tables have got (tests hold the
    /// projection back with it).
    pub fn journal_progress(&self) -> Arc<Progress> {
        Arc::clone(&self.state.journal)
    }

    /// Stops the server from outside (tests); `run_until_stopped` then
    /// writes down what is pending and returns.
    pub fn server_handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serve until SIGINT or SIGTERM (or a stop through the handle), then
    /// stop cleanly: requests under way are answered, the bots stop, every
    /// change the books and accounts have been handed is carried out and
    /// written down, and only then do the market's and the persister's
    /// threads end.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let mut server = self.server;
        let handle = server.handle();
        let served = tokio::select! {
            served = &mut server => served,
            signal = shutdown_signal() => {
                let signal = signal?;
                tracing::info!("{signal} received: answering the requests under way, then stopping");
                // The server's own future carries the stop out: poll both.
                futures_util::future::join(handle.stop(true), server).await.1
            }
        };
        // The background loops (dividends, competitions, equity samples,
        // the board's feeds) stop first: their database connections may
        // belong to the HTTP workers' runtimes, which are gone, and the
        // drain below may take a while (the projection catching up).
        self.feeds.stop();
        self.bots.shutdown();
        self.market.settle().await;
        self.persister.send(Drain).await.map_err(|e| {
            anyhow::anyhow!("the persister stopped before it wrote everything: {e}")
        })?;
        self.market.shutdown();
        self.live.stop();
        self.writer.stop();
        // Nothing may write to the database once this has returned (a new
        // server on it, in tests, recovers right away).
        let writer = self.writer;
        actix_web::rt::task::spawn_blocking(move || writer.join())
            .await?
            .map_err(|_| anyhow::anyhow!("the persister's thread panicked"))?;
        tracing::info!(
            "stopped: {} changes written in all",
            self.state.persister.changes_written()
        );
        Ok(served?)
    }
}

/// The first SIGINT or SIGTERM, by name.
async fn shutdown_signal() -> std::io::Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(tokio::select! {
        _ = terminate.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
    })
}

async fn api_state(
    settings: &Settings,
    db: &DatabaseConnection,
    market: &Market,
    fees: FeeSchedule,
    // The persister: what health reads of it, and where to wait for it.
    (persister, writer, journal): (Arc<PersisterHealth>, Addr<Persister>, Arc<Progress>),
    feeds: ArbiterHandle,
    bots: Arc<Bots>,
) -> anyhow::Result<ApiState> {
    let secret = load_or_create_secret(db, settings.jwt_secret.as_deref(), entropy()?).await?;
    let tokens = Tokens::new(&secret, settings.tokens, entropy()?);
    let highest = ids::max_ids(db).await?;
    let roles = Roles::new(accounts::all(db).await?.into_iter().map(|a| (a.id, a.role)));
    let trading = TradingState::default();
    for company in companies::all(db).await? {
        let Ok(symbol) = Symbol::new(&company.symbol) else {
            continue;
        };
        if !company.listed {
            trading.set_delisted(symbol);
        } else if company.halted {
            trading.set_halted(symbol, true);
        }
    }
    Ok(ApiState {
        market: market.clone(),
        db: db.clone(),
        tokens,
        fees,
        tax: settings.tax,
        default_band_bps: settings.default_band_bps,
        roles,
        account_ids: IdSequence::after(highest.account.unwrap_or(0)),
        news_ids: IdSequence::after(highest.news.unwrap_or(0)),
        trading,
        board: Arc::new(RwLock::new(MarketBoard::default())),
        feeds,
        metrics: Arc::new(Metrics::default()),
        persister,
        writer,
        journal,
        limiter: RateLimiter::new(settings.rate_limit),
        admin: AdminSessions::default(),
        news: broadcast::channel(FEED_CAPACITY).0,
        quotes: broadcast::channel(FEED_CAPACITY).0,
        bots,
        alerts: Arc::new(AlertDesk::load(db).await?),
        scenarios: LiveRuns::default(),
        transport: settings.transport,
        sockets: Sockets::new(&settings.transport),
        in_flight: Arc::default(),
        equity_sample_every_ms: i64::try_from(settings.equity_sample_every.as_millis())
            .unwrap_or(i64::MAX)
            .max(1),
    })
}
