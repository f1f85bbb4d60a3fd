//! Plain HTTP routes (the GraphQL API joins them in its own module).

use actix_web::{HttpResponse, get, web};
use marketlab_actors::market::Market;
use serde::Serialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health);
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    books: Vec<String>,
}

#[get("/health")]
async fn health(market: web::Data<Market>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        books: market.symbols().iter().map(ToString::to_string).collect(),
    })
}
