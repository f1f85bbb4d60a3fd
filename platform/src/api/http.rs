//! The API's HTTP face: POST /graphql, WebSocket subscriptions on GET
//! /graphql (graphql-transport-ws and graphql-ws), GraphiQL and /metrics.

use std::sync::Arc;
use std::time::Instant;

use actix_web::http::header::{AUTHORIZATION, ContentType};
use actix_web::{HttpRequest, HttpResponse, guard, web};
use async_graphql::Data;
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::GraphQLSubscription;
use futures_util::StreamExt;
use marketlab_actors::types::Timestamp;

use super::codes::code_of;
use super::error::ApiError;
use super::guard::Caller;
use super::schema::MarketSchema;
use super::state::ApiState;

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_BODY))
        .service(
            web::resource("/graphql")
                .route(web::post().to(graphql))
                .route(
                    web::get()
                        .guard(guard::Header("upgrade", "websocket"))
                        .to(subscriptions),
                ),
        )
        .route("/graphiql", web::get().to(graphiql))
        .route("/metrics", web::get().to(metrics));
}

/// Who the `Authorization` header (or a connection_init payload) says is
/// calling.
fn caller(state: &ApiState, authorization: Option<&str>) -> Caller {
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
fn rate_key(caller: &Caller, request: &HttpRequest) -> i64 {
    match caller {
        Caller::Account(id) => *id,
        _ => {
            let ip = request
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default();
            let hash = ip.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            -((hash >> 1) as i64) - 1
        }
    }
}

fn error_response(error: ApiError) -> HttpResponse {
    let error: async_graphql::Error = error.into();
    let server = error.into_server_error(Default::default());
    HttpResponse::Ok().json(async_graphql::Response::from_errors(vec![server]))
}

async fn graphql(
    request: HttpRequest,
    body: web::Bytes,
    schema: web::Data<MarketSchema>,
    state: web::Data<Arc<ApiState>>,
) -> HttpResponse {
    let started = Instant::now();
    let authorization = request
        .headers()
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("<not text>"));
    let caller = caller(&state, authorization);
    let limiter = &state.limiter;
    if !limiter.check(rate_key(&caller, &request), state.now()) {
        state.metrics.reject("RATE_LIMITED");
        let settings = limiter.settings();
        return error_response(ApiError::RateLimited {
            per_second: settings.per_second,
            burst: settings.burst,
        });
    }
    let query: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(query) => query,
        Err(e) => {
            state.metrics.reject("BAD_USER_INPUT");
            return error_response(ApiError::bad_input(format!(
                "the body must be a GraphQL request in JSON: {e}"
            )));
        }
    };
    let response = schema.execute(query.data(caller)).await;
    for error in &response.errors {
        state.metrics.reject(code_of(error));
    }
    state.metrics.observe_request(started.elapsed());
    HttpResponse::Ok().json(response)
}

/// Counts open WebSocket connections: dropped with the connection.
struct Connected(Arc<crate::metrics::Metrics>);

impl Drop for Connected {
    fn drop(&mut self) {
        self.0.ws_disconnected();
    }
}

async fn subscriptions(
    request: HttpRequest,
    payload: web::Payload,
    schema: web::Data<MarketSchema>,
    state: web::Data<Arc<ApiState>>,
) -> actix_web::Result<HttpResponse> {
    let on_init = {
        let state = Arc::clone(&state);
        move |value: serde_json::Value| {
            let state = Arc::clone(&state);
            async move {
                let token = value
                    .get("authorization")
                    .or_else(|| value.get("Authorization"))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .or_else(|| {
                        value
                            .get("token")
                            .and_then(|v| v.as_str())
                            .map(|t| format!("Bearer {t}"))
                    });
                let caller = caller(&state, token.as_deref());
                if let Caller::Invalid(why) = &caller {
                    return Err(async_graphql::Error::new(why.clone()));
                }
                let mut data = Data::default();
                data.insert(caller);
                Ok(data)
            }
        }
    };
    state.metrics.ws_connected();
    let connected = Connected(Arc::clone(&state.metrics));
    let payload = payload.map(move |chunk| {
        let _ = &connected;
        chunk
    });
    GraphQLSubscription::new(MarketSchema::clone(&schema))
        .on_connection_init(on_init)
        .start(&request, payload)
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
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(&state.persister))
}
