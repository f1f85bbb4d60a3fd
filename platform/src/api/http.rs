//! The API's HTTP face: GraphQL over HTTP on POST and GET /graphql
//! ([`graphql_http`]), WebSocket subscriptions on GET /graphql with an
//! upgrade ([`websocket`]), GraphiQL and /metrics.

use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use async_graphql::http::GraphiQLSource;
use marketlab_actors::types::Timestamp;

use super::guard::Caller;
use super::live::Hub;
use super::state::ApiState;
use super::{graphql_http, websocket};

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_BODY))
        .service(
            web::resource("/graphql")
                .route(web::post().to(graphql_http::post))
                .route(
                    web::get()
                        .guard(guard::Header("upgrade", "websocket"))
                        .to(subscriptions),
                )
                .route(web::get().to(graphql_http::get)),
        )
        .route("/graphiql", web::get().to(graphiql))
        .route("/metrics", web::get().to(metrics));
}

/// Who the `Authorization` header (or a connection_init payload) says is
/// calling.
pub(crate) fn caller(state: &ApiState, authorization: Option<&str>) -> Caller {
    let Some(value) = authorization else {
        return Caller::Anonymous;
    };
    let Some(token) = value.strip_prefix("Bearer ").map(str::trim) else {
        return Caller::Invalid("the Authorization header must be `Bearer <accessToken>`".into());
    };
    let now_secs = state.now().0.div_euclid(Timestamp::NANOS_PER_SEC);
    match state.tokens.verify_access(token, now_secs) {
        Ok(account) => Caller::Account(account),
        Err(e) => Caller::Invalid(e.to_string()),
    }
}

/// Rate limits are per account; anonymous requests share one bucket per
/// client address (negative keys, apart from account ids).
pub(crate) fn rate_key(caller: &Caller, request: &HttpRequest) -> i64 {
    rate_key_of(caller, request.peer_addr().map(|a| a.ip()))
}

/// [`rate_key`] of a caller at `address` (a WebSocket connection's).
pub(crate) fn rate_key_of(caller: &Caller, address: Option<std::net::IpAddr>) -> i64 {
    match caller {
        Caller::Account(id) => *id,
        _ => {
            let ip = address.map(|ip| ip.to_string()).unwrap_or_default();
            let hash = ip.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            -((hash >> 1) as i64) - 1
        }
    }
}

async fn subscriptions(
    request: HttpRequest,
    payload: web::Payload,
    hub: web::Data<Arc<Hub>>,
    state: web::Data<Arc<ApiState>>,
) -> actix_web::Result<HttpResponse> {
    websocket::start(&request, payload, Arc::clone(&hub), Arc::clone(&state))
}

async fn graphiql() -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::html()).body(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql")
            .finish(),
    )
}

async fn metrics(state: web::Data<Arc<ApiState>>) -> HttpResponse {
    let database_bytes = crate::persistence::database_bytes(&state.db).await.ok();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(
            state
                .metrics
                .render(&state.persister, &state.journal, database_bytes),
        )
}
