//! Building the application: the database, the persister, the market
//! recovered from the database, then the HTTP server around it. Tests build
//! it on port 0 with a database of their own and talk to it over real HTTP.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix::{Actor, Addr, Arbiter};
use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use marketlab_actors::clock::{Clock, WallClock};
use marketlab_actors::ledger::FeeSchedule;
use marketlab_actors::market::{Market, MarketConfig};
use sea_orm::DatabaseConnection;

use crate::persistence;
use crate::persister::{Drain, Persister, PersisterConfig, PersisterHealth};
use crate::recovery::recover;
use crate::{demo, routes};

/// The SQLite file a fresh machine runs on.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/marketlab.db?mode=rwc";

#[derive(Debug, Clone)]
pub struct Settings {
    /// `host:port`; port 0 picks a free one.
    pub bind: String,
    pub demo: bool,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
}

/// What the HTTP handlers share.
#[derive(Clone)]
pub struct AppState {
    pub market: Market,
    pub db: DatabaseConnection,
    pub persister: Arc<PersisterHealth>,
}

pub struct Application {
    address: SocketAddr,
    server: Server,
    market: Market,
    persister: Addr<Persister>,
    writer: Arbiter,
}

impl Application {
    /// Migrate the database, recover the market from it, and bind the
    /// server (it serves once awaited). Must run inside the actix system.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = persistence::connect(&settings.database_url).await?;
        let persister = Persister::new(db.clone(), PersisterConfig::default(), []);
        let health = persister.health();
        // Its own thread: building and writing batches never holds up the
        // market or the HTTP workers.
        let writer = Arbiter::new();
        let persister = Persister::start_in_arbiter(&writer.handle(), move |_| persister);
        let clock: Arc<dyn Clock> = Arc::new(WallClock);
        let recovered = recover(
            &db,
            MarketConfig::default(),
            clock,
            Some(persister.clone().recipient()),
            FeeSchedule::default(),
        )
        .await?;
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
        let listener = TcpListener::bind(&settings.bind)?;
        let address = listener.local_addr()?;
        // Shared state is built once, outside the per-worker closure.
        let state = web::Data::new(AppState {
            market: market.clone(),
            db,
            persister: health,
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(routes::configure)
        })
        .listen(listener)?
        .run();
        Ok(Application {
            address,
            server,
            market,
            persister,
            writer,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serve until SIGINT or SIGTERM, then write down everything pending
    /// and stop the market.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let served = self.server.await;
        self.persister.send(Drain).await?;
        self.market.shutdown();
        self.writer.stop();
        Ok(served?)
    }
}
