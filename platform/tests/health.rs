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

/// A running server: its address, and how to stop it.
struct Running {
    address: String,
    handle: actix_web::dev::ServerHandle,
    done: actix_web::rt::task::JoinHandle<anyhow::Result<()>>,
}

async fn spawn_app(demo: bool, database_url: &str) -> Running {
    let app = Application::build(Settings {
        bind: "127.0.0.1:0".into(),
        demo,
        database_url: database_url.to_owned(),
        ..Settings::default()
    })
    .await
    .expect("the application builds");
    Running {
        address: format!("http://{}", app.address()),
        handle: app.server_handle(),
        done: actix_web::rt::spawn(app.run_until_stopped()),
    }
}

impl Running {
    async fn stop(self) {
        self.handle.stop(true).await;
        self.done
            .await
            .expect("the server task did not panic")
            .expect("the server stopped cleanly");
    }
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
    let first = spawn_app(true, &url).await;
    let body = health(&first.address).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["persister"], "ok");
    let books = serde_json::json!(["ACME", "BOLT", "CORE", "DYNA"]);
    assert_eq!(body["books"], books);

    assert_eq!(body["projection"], "ok");

    // The next server on the same database (one at a time: the journal has
    // one writer) recovers the listed books, and --demo does not list them
    // twice.
    first.stop().await;
    let second = spawn_app(true, &url).await;
    let again = health(&second.address).await;
    assert_eq!(again["books"], books);
    second.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[actix_web::test]
async fn health_on_an_empty_market() {
    let (dir, url) = database();
    let server = spawn_app(false, &url).await;
    let body = health(&server.address).await;
    assert_eq!(body["books"], serde_json::json!([]));
    server.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
