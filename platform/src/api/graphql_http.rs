//! GraphQL over HTTP, as the GraphQL-over-HTTP specification has it:
//! POST with a JSON body, GET with the parameters in the URL (queries
//! only), answered as `application/graphql-response+json` or
//! `application/json`, whichever the client's Accept prefers.
//!
//! Status codes follow the media type. With `application/json` every
//! well-formed request is answered 200, errors in the body; a body that is
//! not JSON, or parameters of the wrong shape, get 400. With
//! `application/graphql-response+json` a request that fails before it runs
//! (parse, validation, variables, limits) gets 400 and no `data` entry, a
//! refused rate 429; once it runs, 200 whatever its fields did.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, ALLOW, AUTHORIZATION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ServerError, Value, Variables};
use serde::Serialize;

use super::codes::{code_of, ensure_code};
use super::error::ApiError;
use super::http::{caller, rate_key};
use super::schema::MarketSchema;
use super::state::ApiState;

/// The two media types a GraphQL response goes out as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    GraphQlResponse,
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphQlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type the Accept header prefers, `application/json` when there
/// is none; `None` when it accepts neither.
pub fn negotiate(accept: Option<&str>) -> Option<MediaType> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(u16, MediaType)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let mut quality = 1000u16;
        let mut utf8 = true;
        for parameter in parts {
            let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            let value = value.trim().trim_matches('"');
            match name.trim().to_ascii_lowercase().as_str() {
                "q" => quality = parse_quality(value),
                "charset" => utf8 = value.eq_ignore_ascii_case("utf-8"),
                _ => {}
            }
        }
        let candidate = match media.as_str() {
            "application/graphql-response+json" => MediaType::GraphQlResponse,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if quality == 0 || !utf8 {
            continue;
        }
        // Equal preference goes to the newer media type.
        let better = match best {
            None => true,
            Some((q, current)) => {
                quality > q
                    || (quality == q
                        && current == MediaType::Json
                        && candidate == MediaType::GraphQlResponse)
            }
        };
        if better {
            best = Some((quality, candidate));
        }
    }
    best.map(|(_, media)| media)
}

/// A quality value in thousandths (`q=0.5` is 500); unreadable is 0.
fn parse_quality(value: &str) -> u16 {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits: String = fraction.chars().chain("000".chars()).take(3).collect();
    match (whole, digits.parse::<u16>()) {
        ("1", Ok(_)) => 1000,
        ("0", Ok(thousandths)) => thousandths,
        _ => 0,
    }
}

/// What a request asks to run.
#[derive(Debug, Default, PartialEq)]
pub struct Params {
    pub query: String,
    pub operation_name: Option<String>,
    pub variables: Variables,
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("{0}")]
    Invalid(String),
}

/// The parameters of a POST body.
pub fn params_from_json(body: &[u8]) -> Result<Params, ParamsError> {
    if body.is_empty() {
        return Err(ParamsError::Invalid(
            "the body is empty; it must be a JSON object with a query".into(),
        ));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| ParamsError::NotJson(e.to_string()))?;
    let serde_json::Value::Object(mut fields) = value else {
        return Err(ParamsError::Invalid(
            "the body must be a JSON object".into(),
        ));
    };
    let query = match fields.remove("query") {
        Some(serde_json::Value::String(query)) => query,
        Some(_) => return Err(ParamsError::Invalid("query must be a string".into())),
        None => return Err(ParamsError::Invalid("the body has no query".into())),
    };
    let operation_name = match fields.remove("operationName") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(name)) => Some(name),
        Some(_) => {
            return Err(ParamsError::Invalid(
                "operationName must be a string".into(),
            ));
        }
    };
    Ok(Params {
        query,
        operation_name,
        variables: Variables::from_json(
            object_or_null("variables", fields.remove("variables"))?.into(),
        ),
        extensions: object_or_null("extensions", fields.remove("extensions"))?,
    })
}

/// The parameters of a GET's URL; `variables` and `extensions` are JSON.
pub fn params_from_url(url_query: &str) -> Result<Params, ParamsError> {
    let mut query = None;
    let mut params = Params::default();
    let pairs = web::Query::<Vec<(String, String)>>::from_query(url_query)
        .map_err(|e| ParamsError::Invalid(format!("the URL's parameters do not decode: {e}")))?;
    for (name, value) in pairs.into_inner() {
        let json = |what: &str| {
            serde_json::from_str::<serde_json::Value>(&value)
                .map_err(|e| ParamsError::Invalid(format!("{what} is not JSON: {e}")))
        };
        match name.as_str() {
            "query" => query = Some(value),
            "operationName" => params.operation_name = Some(value),
            "variables" => {
                params.variables = Variables::from_json(
                    object_or_null("variables", Some(json("variables")?))?.into(),
                );
            }
            "extensions" => {
                params.extensions = object_or_null("extensions", Some(json("extensions")?))?;
            }
            _ => {}
        }
    }
    params.query =
        query.ok_or_else(|| ParamsError::Invalid("the URL has no query parameter".into()))?;
    Ok(params)
}

fn object_or_null(
    name: &str,
    value: Option<serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>, ParamsError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(serde_json::Map::new()),
        Some(serde_json::Value::Object(map)) => Ok(map),
        Some(_) => Err(ParamsError::Invalid(format!(
            "{name} must be a JSON object"
        ))),
    }
}

/// The operation a GET would run is a mutation (GET must not change
/// anything). A document that does not parse is left to execution to
/// report.
fn is_mutation(params: &Params) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&params.query) else {
        return false;
    };
    let operation = match (&document.operations, &params.operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, o)| o),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        _ => None,
    };
    operation.is_some_and(|o| o.node.ty == OperationType::Mutation)
}

/// A response whose request failed before it ran: no data, and no error
/// that a field raised.
fn failed_before_running(response: &async_graphql::Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// A GraphQL response as it goes on the wire: `data` only once the request
/// ran.
#[derive(Serialize)]
struct Wire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, Value>,
}

fn reply(media: MediaType, response: &async_graphql::Response) -> HttpResponse {
    let ran = !failed_before_running(response);
    let status = match (media, ran) {
        (MediaType::Json, _) | (MediaType::GraphQlResponse, true) => StatusCode::OK,
        (MediaType::GraphQlResponse, false) => match response.errors.first().map(code_of) {
            Some("RATE_LIMITED") => StatusCode::TOO_MANY_REQUESTS,
            Some("INTERNAL") => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        },
    };
    let wire = Wire {
        data: ran.then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    };
    HttpResponse::build(status)
        .content_type(media.content_type())
        .json(wire)
}

fn refuse(media: MediaType, status: StatusCode, error: ApiError) -> HttpResponse {
    let error: async_graphql::Error = error.into();
    let mut server = error.into_server_error(Default::default());
    ensure_code(&mut server);
    let wire = Wire {
        data: None,
        errors: std::slice::from_ref(&server),
        extensions: &BTreeMap::new(),
    };
    HttpResponse::build(status)
        .content_type(media.content_type())
        .json(wire)
}

/// A request refused for its input before it ran, counted as such.
fn refuse_input(
    state: &ApiState,
    media: MediaType,
    status: StatusCode,
    why: impl Into<String>,
) -> HttpResponse {
    state.metrics.reject("BAD_USER_INPUT");
    refuse(media, status, ApiError::bad_input(why))
}

fn not_acceptable() -> HttpResponse {
    HttpResponse::NotAcceptable()
        .body("this endpoint answers application/graphql-response+json or application/json")
}

fn header(request: &HttpRequest, name: actix_web::http::header::HeaderName) -> Option<&str> {
    request
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or("<not text>"))
}

/// POST /graphql.
pub async fn post(
    request: HttpRequest,
    body: web::Bytes,
    schema: web::Data<MarketSchema>,
    state: web::Data<Arc<ApiState>>,
) -> HttpResponse {
    let Some(media) = negotiate(header(&request, ACCEPT)) else {
        return not_acceptable();
    };
    let content_type = match header(&request, CONTENT_TYPE) {
        None => Err("a POST needs Content-Type: application/json".to_owned()),
        Some(value) => json_content_type(value),
    };
    if let Err(why) = content_type {
        return refuse_input(&state, media, StatusCode::UNSUPPORTED_MEDIA_TYPE, why);
    }
    let params = match params_from_json(&body) {
        Ok(params) => params,
        Err(e) => return refuse_input(&state, media, StatusCode::BAD_REQUEST, e.to_string()),
    };
    execute(&request, media, params, &schema, &state).await
}

/// GET /graphql without a WebSocket upgrade: a query in the URL.
pub async fn get(
    request: HttpRequest,
    schema: web::Data<MarketSchema>,
    state: web::Data<Arc<ApiState>>,
) -> HttpResponse {
    let Some(media) = negotiate(header(&request, ACCEPT)) else {
        return not_acceptable();
    };
    let params = match params_from_url(request.query_string()) {
        Ok(params) => params,
        Err(e) => return refuse_input(&state, media, StatusCode::BAD_REQUEST, e.to_string()),
    };
    if is_mutation(&params) {
        let why = "a mutation must be sent with POST";
        let mut response = refuse_input(&state, media, StatusCode::METHOD_NOT_ALLOWED, why);
        response.headers_mut().insert(
            ALLOW,
            actix_web::http::header::HeaderValue::from_static("POST"),
        );
        return response;
    }
    execute(&request, media, params, &schema, &state).await
}

fn json_content_type(value: &str) -> Result<(), String> {
    let mut parts = value.split(';').map(str::trim);
    let media = parts.next().unwrap_or_default();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(WHY_NOT_JSON.into());
    }
    for parameter in parts {
        if let Some((name, charset)) = parameter.split_once('=')
            && name.trim().eq_ignore_ascii_case("charset")
            && !charset
                .trim()
                .trim_matches('"')
                .eq_ignore_ascii_case("utf-8")
        {
            return Err("the body must be UTF-8".into());
        }
    }
    Ok(())
}

const WHY_NOT_JSON: &str = "the body must be Content-Type: application/json";

async fn execute(
    request: &HttpRequest,
    media: MediaType,
    params: Params,
    schema: &MarketSchema,
    state: &ApiState,
) -> HttpResponse {
    let started = Instant::now();
    let caller = caller(state, header(request, AUTHORIZATION));
    if !state.limiter.check(rate_key(&caller, request), state.now()) {
        state.metrics.reject("RATE_LIMITED");
        let settings = state.limiter.settings();
        let status = match media {
            MediaType::GraphQlResponse => StatusCode::TOO_MANY_REQUESTS,
            MediaType::Json => StatusCode::OK,
        };
        return refuse(
            media,
            status,
            ApiError::RateLimited {
                per_second: settings.per_second,
                burst: settings.burst,
            },
        );
    }
    let mut graphql = async_graphql::Request::new(params.query).variables(params.variables);
    graphql.operation_name = params.operation_name;
    for (name, value) in params.extensions {
        if let Ok(value) = Value::from_json(value) {
            graphql.extensions.insert(name, value);
        }
    }
    let running = state.in_flight.begin();
    let limit = state.transport.request_timeout;
    let response = match tokio::time::timeout(limit, schema.execute(graphql.data(caller))).await {
        Ok(response) => response,
        Err(_) => {
            let error: async_graphql::Error = ApiError::internal(format!(
                "the request ran longer than {} s and was stopped; a mutation may have \
                 taken effect (send it again with the same clientOrderId or idempotency key)",
                limit.as_secs()
            ))
            .into();
            async_graphql::Response::from_errors(vec![error.into_server_error(Default::default())])
        }
    };
    drop(running);
    for error in &response.errors {
        state.metrics.reject(code_of(error));
    }
    state.metrics.observe_request(started.elapsed());
    reply(media, &response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_prefers_what_the_client_weighs_higher_and_graphql_response_on_a_tie() {
        use MediaType::*;
        assert_eq!(negotiate(None), Some(Json));
        assert_eq!(negotiate(Some("")), Some(Json));
        assert_eq!(negotiate(Some("*/*")), Some(Json));
        assert_eq!(
            negotiate(Some("application/json; charset=utf-8")),
            Some(Json)
        );
        assert_eq!(
            negotiate(Some("application/graphql-response+json")),
            Some(GraphQlResponse)
        );
        assert_eq!(
            negotiate(Some("application/json, application/graphql-response+json")),
            Some(GraphQlResponse)
        );
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Json)
        );
        assert_eq!(negotiate(Some("application/json;q=0")), None);
        assert_eq!(negotiate(Some("application/json; charset=latin1")), None);
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(
            negotiate(Some("text/html, application/*;q=0.2")),
            Some(Json)
        );
    }

    #[test]
    fn a_body_must_be_a_json_object_with_a_string_query() {
        let params = params_from_json(
            br#"{"query":"{ a }","operationName":"A","variables":{"x":1},"extensions":null}"#,
        )
        .unwrap();
        assert_eq!(params.query, "{ a }");
        assert_eq!(params.operation_name.as_deref(), Some("A"));
        assert_eq!(
            params.variables.get(&async_graphql::Name::new("x")),
            Some(&Value::from(1))
        );
        assert!(matches!(
            params_from_json(b"{ \"not a JSON"),
            Err(ParamsError::NotJson(_))
        ));
        for invalid in [
            &b""[..],
            b"[]",
            b"{}",
            br#"{"qeury":"{ a }"}"#,
            br#"{"query":{"obj":"ect"}}"#,
            br#"{"query":0}"#,
            br#"{"query":"{ a }","operationName":1}"#,
            br#"{"query":"{ a }","variables":"{}"}"#,
            br#"{"query":"{ a }","extensions":[]}"#,
        ] {
            assert!(
                matches!(params_from_json(invalid), Err(ParamsError::Invalid(_))),
                "{}",
                String::from_utf8_lossy(invalid)
            );
        }
    }

    #[test]
    fn a_url_carries_the_query_and_json_variables() {
        let params =
            params_from_url("query=%7B%20a%20%7D&variables=%7B%22x%22%3A1%7D&operationName=A")
                .unwrap();
        assert_eq!(params.query, "{ a }");
        assert_eq!(params.operation_name.as_deref(), Some("A"));
        assert_eq!(
            params.variables.get(&async_graphql::Name::new("x")),
            Some(&Value::from(1))
        );
        assert!(params_from_url("variables=%7B%7D").is_err());
        assert!(params_from_url("query=%7Ba%7D&variables=nope").is_err());
        assert!(is_mutation(
            &params_from_url("query=mutation%20%7B%20a%20%7D").unwrap()
        ));
        assert!(!is_mutation(
            &params_from_url("query=%7B%20a%20%7D").unwrap()
        ));
    }

    #[test]
    fn only_a_request_that_never_ran_loses_its_data_entry() {
        let refused = async_graphql::Response::from_errors(vec![ServerError::new("bad", None)]);
        assert!(failed_before_running(&refused));
        let mut field_error = ServerError::new("no", None);
        field_error.path = vec![async_graphql::PathSegment::Field("me".into())];
        let ran = async_graphql::Response::from_errors(vec![field_error]);
        assert!(!failed_before_running(&ran));
        assert!(!failed_before_running(&async_graphql::Response::new(
            Value::Null
        )));
    }
}
