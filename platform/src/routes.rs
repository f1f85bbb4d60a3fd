//! Plain HTTP routes (the GraphQL API joins them in its own module).

use actix_web::{HttpResponse, get, web};
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
    books: Vec<String>,
}

/// 200 when the database answers and the persister is writing; 503 with
/// what is wrong otherwise.
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
    let healthy = database == "ok" && persister == "ok";
    let body = Health {
        status: if healthy { "ok" } else { "unhealthy" },
        database,
        persister,
        books: state
            .market
            .symbols()
            .iter()
            .map(ToString::to_string)
            .collect(),
    };
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
