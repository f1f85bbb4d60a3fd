//! The server answers over real HTTP on a random port, on a database of its
//! own, and comes back with its market after a restart.

use marketlab::startup::{Application, Settings};

/// A fresh SQLite database in a folder of its own.
fn database() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!(
        "marketlab-health-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let url = format!("sqlite://{}/market.db?mode=rwc", dir.display());
    (dir, url)
}

async fn spawn_app(demo: bool, database_url: &str) -> String {
    let app = Application::build(Settings {
        bind: "127.0.0.1:0".into(),
        demo,
        database_url: database_url.to_owned(),
        ..Settings::default()
    })
    .await
    .expect("the application builds");
    let address = format!("http://{}", app.address());
    actix_web::rt::spawn(app.run_until_stopped());
    address
}

async fn health(address: &str) -> serde_json::Value {
    let mut response = awc::Client::default()
        .get(format!("{address}/health"))
        .send()
        .await
        .expect("the server answers");
    assert!(response.status().is_success());
    response.json().await.unwrap()
}

#[actix_web::test]
async fn health_lists_the_demo_books_and_they_survive_a_restart() {
    let (dir, url) = database();
    let body = health(&spawn_app(true, &url).await).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["persister"], "ok");
    let books = serde_json::json!(["ACME", "BOLT", "CORE", "DYNA"]);
    assert_eq!(body["books"], books);

    // A second server on the same database recovers the listed books, and
    // --demo does not list them twice.
    let again = health(&spawn_app(true, &url).await).await;
    assert_eq!(again["books"], books);
    let _ = std::fs::remove_dir_all(dir);
}

#[actix_web::test]
async fn health_on_an_empty_market() {
    let (dir, url) = database();
    let body = health(&spawn_app(false, &url).await).await;
    assert_eq!(body["books"], serde_json::json!([]));
    let _ = std::fs::remove_dir_all(dir);
}
