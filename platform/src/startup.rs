//! Building the application: the market, then the HTTP server around it.
//! Tests build it on port 0 and talk to it over real HTTP.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use marketlab_actors::clock::WallClock;
use marketlab_actors::market::{Market, MarketConfig};

use crate::{demo, routes};

#[derive(Debug, Clone)]
pub struct Settings {
    /// `host:port`; port 0 picks a free one.
    pub bind: String,
    pub demo: bool,
}

pub struct Application {
    address: SocketAddr,
    server: Server,
    market: Market,
}

impl Application {
    /// Start the market and bind the server (it serves once awaited).
    /// Must run inside the actix system.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let market = Market::new(MarketConfig::default(), Arc::new(WallClock));
        if settings.demo {
            demo::list_companies(&market)?;
        }
        let listener = TcpListener::bind(&settings.bind)?;
        let address = listener.local_addr()?;
        // Shared state is built once, outside the per-worker closure.
        let state = web::Data::new(market.clone());
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
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let result = self.server.await;
        self.market.shutdown();
        Ok(result?)
    }
}
