//! Plain HTTP routes (the GraphQL API joins them in its own module).

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use marketlab_actors::book::actor::TopOfBook;
use serde::Serialize;

use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health);
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    persister: &'static str,
    /// Books answering.
    books: Vec<String>,
    /// Books that did not answer within a second.
    stalled_books: Vec<String>,
    /// GraphQL requests still running well past their time limit: each
    /// holds an HTTP worker that its limit could not free.
    stuck_requests: usize,
    /// "ok", or "lagging" while more changes than the warning threshold
    /// wait in the journal for the tables: a warning, not a failure (the
    /// market is answered from the journal; some reads lag).
    projection: &'static str,
    projection_lag_changes: u64,
}

const BOOK_TIMEOUT: Duration = Duration::from_secs(1);
/// How far past its time limit a request must run to count as stuck (the
/// limit's own answer takes a moment to go out).
const STUCK_AFTER_LIMIT: Duration = Duration::from_secs(5);

/// 200 when the database answers, the persister is writing, every book
/// answers and no request holds a worker; 503 with what is wrong otherwise.
#[get("/health")]
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let database = if state.db.ping().await.is_ok() {
        "ok"
    } else {
        "unreachable"
    };
    let persister = if state.persister.is_failing() {
        "failing"
    } else {
        "ok"
    };
    let mut books = Vec::new();
    let mut stalled = Vec::new();
    for symbol in state.market.symbols() {
        let answered = match state.market.book(symbol) {
            Some(book) => book
                .addr
                .send(TopOfBook)
                .timeout(BOOK_TIMEOUT)
                .await
                .is_ok(),
            None => false,
        };
        if answered {
            books.push(symbol.to_string());
        } else {
            stalled.push(symbol.to_string());
        }
    }
    let stuck_requests = state
        .in_flight
        .stuck(state.request_timeout + STUCK_AFTER_LIMIT);
    let lag = state.journal.lag_changes();
    let projection = if lag > state.projection_warning {
        "lagging"
    } else {
        "ok"
    };
    let healthy =
        database == "ok" && persister == "ok" && stalled.is_empty() && stuck_requests == 0;
    let body = Health {
        status: if healthy { "ok" } else { "unhealthy" },
        database,
        persister,
        books,
        stalled_books: stalled,
        stuck_requests,
        projection,
        projection_lag_changes: lag,
    };
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
