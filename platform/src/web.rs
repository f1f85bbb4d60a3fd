//! The web client (`web/`, built by `build.rs`), embedded in the binary and
//! served at `/`: hashed assets under `/assets/` are immutable, everything
//! else (`index.html`) is revalidated; a gzip or brotli twin made at build
//! time is sent to a client that accepts it. A path that names no file falls
//! back to `index.html`, so the client's own routes survive a reload; paths
//! of the server's own endpoints never do.

use std::borrow::Cow;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

/// `web/dist`: each text file with its `.gz` and `.br` twins.
#[derive(RustEmbed)]
#[folder = "../web/dist"]
struct Assets;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
/// Endpoints of the server itself: an unknown path under them is a 404,
/// never the client.
const SERVER_PATHS: [&str; 4] = ["graphql", "graphiql", "health", "metrics"];

/// Registered last, as the default service: every route of the server
/// matches before it.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.default_service(web::to(serve));
}

async fn serve(request: HttpRequest) -> HttpResponse {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return HttpResponse::MethodNotAllowed().finish();
    }
    let path = request.path().trim_start_matches('/');
    let (name, file) = match Assets::get(path).filter(|_| !path.is_empty()) {
        Some(file) => (path, file),
        None => {
            let first = path.split('/').next().unwrap_or_default();
            if SERVER_PATHS.contains(&first) || path.starts_with("assets/") {
                return HttpResponse::NotFound().finish();
            }
            match Assets::get("index.html") {
                Some(file) => ("index.html", file),
                None => return HttpResponse::NotFound().finish(),
            }
        }
    };
    let accepts = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let twin = ["br", "gzip"].into_iter().find_map(|encoding| {
        let suffix = if encoding == "br" { "br" } else { "gz" };
        let accepted = accepts.split(',').any(|part| names(part, encoding));
        accepted
            .then(|| Assets::get(&format!("{name}.{suffix}")))
            .flatten()
            .map(|file| (encoding, file))
    });
    let mut response = HttpResponse::build(StatusCode::OK);
    response
        .insert_header((header::CONTENT_TYPE, file.metadata.mimetype()))
        .insert_header((
            header::CACHE_CONTROL,
            if name.starts_with("assets/") {
                IMMUTABLE
            } else {
                REVALIDATE
            },
        ))
        .insert_header((header::VARY, HeaderValue::from_static("Accept-Encoding")));
    let body = match twin {
        Some((encoding, compressed)) => {
            response.insert_header((header::CONTENT_ENCODING, encoding));
            compressed.data
        }
        None => file.data,
    };
    // For HEAD, actix sends the headers (with the length) and no body.
    response.body(match body {
        Cow::Borrowed(bytes) => web::Bytes::from_static(bytes),
        Cow::Owned(bytes) => web::Bytes::from(bytes),
    })
}

/// Whether one entry of Accept-Encoding accepts `encoding` (`br;q=0` refuses
/// it).
fn names(entry: &str, encoding: &str) -> bool {
    let mut params = entry.split(';').map(str::trim);
    params.next() == Some(encoding)
        && params.all(|param| {
            param
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_none_or(|q| q > 0.0)
        })
}
