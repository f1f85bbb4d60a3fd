//! The embedded web client over real HTTP: types, caching, precompressed
//! twins, and the fallback to `index.html` for the client's own routes.

use awc::http::StatusCode;
use marketlab::startup::{Application, Settings};

async fn spawn_app() -> String {
    let dir = std::env::temp_dir().join(format!(
        "marketlab-web-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let app = Application::build(Settings {
        bind: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}/market.db?mode=rwc", dir.display()),
        ..Settings::default()
    })
    .await
    .expect("the application builds");
    let address = format!("http://{}", app.address());
    actix_web::rt::spawn(app.run_until_stopped());
    address
}

struct Answer {
    status: StatusCode,
    headers: awc::http::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

async fn get(url: &str, accept_encoding: Option<&str>) -> Answer {
    let mut request = awc::Client::default().get(url);
    if let Some(encoding) = accept_encoding {
        request = request.insert_header(("accept-encoding", encoding));
    }
    let mut response = request.send().await.expect("the server answers");
    let body = response
        .body()
        .limit(8 << 20)
        .await
        .expect("a body")
        .to_vec();
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body,
    }
}

#[actix_web::test]
async fn the_client_is_served_with_types_caching_and_compression() {
    let base = spawn_app().await;

    let index = get(&format!("{base}/"), None).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.header("content-type").starts_with("text/html"));
    assert_eq!(index.header("cache-control"), "no-cache");
    let html = String::from_utf8(index.body.clone()).unwrap();
    assert!(html.contains("<div id=\"root\">"));

    // A client route survives a reload; the server's own paths do not fall back.
    let route = get(&format!("{base}/company/ACME"), None).await;
    assert_eq!(route.status, StatusCode::OK);
    assert_eq!(route.body, index.body);
    for path in [
        "/graphql/nothing",
        "/health/x",
        "/metrics/x",
        "/assets/missing.js",
    ] {
        assert_eq!(
            get(&format!("{base}{path}"), None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        get(&format!("{base}/health"), None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&format!("{base}/graphiql"), None).await.status,
        StatusCode::OK
    );

    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("index.html loads a script");
    assert!(script.starts_with("/assets/"), "{script}");
    let plain = get(&format!("{base}{script}"), None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-type"), "text/javascript");
    assert_eq!(
        plain.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(plain.header("content-encoding"), "");
    let gzip = get(&format!("{base}{script}"), Some("gzip, deflate")).await;
    assert_eq!(gzip.header("content-encoding"), "gzip");
    assert_eq!(gzip.header("vary"), "Accept-Encoding");
    assert!(gzip.body.len() < plain.body.len() / 2);
    assert_eq!(&gzip.body[..2], &[0x1f, 0x8b]);
    let brotli = get(&format!("{base}{script}"), Some("gzip, deflate, br")).await;
    assert_eq!(brotli.header("content-encoding"), "br");
    assert!(brotli.body.len() < gzip.body.len());
    let refused = get(&format!("{base}{script}"), Some("br;q=0, gzip;q=0.5")).await;
    assert_eq!(refused.header("content-encoding"), "gzip");

    let post = awc::Client::default()
        .post(format!("{base}/portfolio"))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}
